//! The road network of one travel mode: junction nodes in metres, usable segments with their
//! speeds, a spatial index for snapping, and the directed routing graph.
//!
//! Invariants: roads connect only where their lines share an exact coordinate (so a bridge
//! over a road does not connect to it); every segment has a positive length; a segment's
//! speeds are in metres per minute, `None` for a direction it cannot be travelled in.

use crate::model::{Oneway, Road};
use crate::projection::{Projector, Xy};
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How residents travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On foot: 5 km/h on every road but motorways and trunk roads, both ways.
    Walk,
    /// By motor vehicle: the road's speed, one-way honoured; roads closed to motor vehicles
    /// are walked.
    Drive,
}

impl Mode {
    /// `"walk"` or `"drive"`.
    pub fn id(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Drive => "drive",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "walk" => Ok(Mode::Walk),
            "drive" => Ok(Mode::Drive),
            _ => Err(format!("unknown mode \"{s}\" (walk or drive)")),
        }
    }
}

/// Speeds by road class, in km/h (`RULES.md`, "Default speeds"; a local setting).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeedTable {
    /// Walking speed on any walkable road.
    pub walk_kmh: f64,
    /// Off-road speed for the straight legs to and from the network.
    pub offroad_kmh: f64,
    /// Motor-vehicle speed by OSM `highway` class when the road has no speed of its own.
    pub drive_kmh: Vec<(String, f64)>,
    /// Motor-vehicle speed for a drivable class missing from `drive_kmh`.
    pub drive_default_kmh: f64,
}

impl Default for SpeedTable {
    fn default() -> Self {
        let drive = [
            ("motorway", 100.0),
            ("motorway_link", 60.0),
            ("trunk", 80.0),
            ("trunk_link", 50.0),
            ("primary", 60.0),
            ("primary_link", 45.0),
            ("secondary", 50.0),
            ("secondary_link", 40.0),
            ("tertiary", 40.0),
            ("tertiary_link", 30.0),
            ("unclassified", 30.0),
            ("road", 25.0),
            ("residential", 25.0),
            ("service", 15.0),
            ("living_street", 10.0),
        ];
        SpeedTable {
            walk_kmh: 5.0,
            offroad_kmh: 4.0,
            drive_kmh: drive.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
            drive_default_kmh: 25.0,
        }
    }
}

impl SpeedTable {
    /// The table's motor-vehicle speed for `class`, if it lists one.
    pub fn drive_class_kmh(&self, class: &str) -> Option<f64> {
        self.drive_kmh
            .iter()
            .find(|(c, _)| c == class)
            .map(|(_, v)| *v)
    }
}

/// Classes that are never driven: walked at walking speed in either mode.
pub fn is_walk_only_class(class: &str) -> bool {
    matches!(
        class,
        "footway"
            | "path"
            | "steps"
            | "pedestrian"
            | "cycleway"
            | "bridleway"
            | "track"
            | "corridor"
    )
}

/// Classes closed to pedestrians: motorways and trunk roads with their links.
pub fn is_walkable_class(class: &str) -> bool {
    !matches!(class, "motorway" | "motorway_link" | "trunk" | "trunk_link")
}

/// Converts km/h to metres per minute.
pub fn kmh_to_m_per_min(kmh: f64) -> f64 {
    kmh * 1000.0 / 60.0
}

/// Speeds of a road in a mode, in m/min: (along the vertex order, against it). `None` when
/// the road is not usable in this mode at all.
pub fn road_speeds(
    road: &Road,
    mode: Mode,
    speeds: &SpeedTable,
) -> Option<(Option<f64>, Option<f64>)> {
    let walk = kmh_to_m_per_min(speeds.walk_kmh);
    match mode {
        Mode::Walk => is_walkable_class(&road.class).then_some((Some(walk), Some(walk))),
        Mode::Drive => {
            let drive_kmh = if road.drivable {
                road.speed_kmh
                    .or_else(|| speeds.drive_class_kmh(&road.class))
                    .or_else(|| {
                        (!is_walk_only_class(&road.class)).then_some(speeds.drive_default_kmh)
                    })
            } else {
                None
            };
            let Some(kmh) = drive_kmh else {
                return Some((Some(walk), Some(walk)));
            };
            let v = kmh_to_m_per_min(kmh);
            Some(match road.oneway {
                Oneway::No => (Some(v), Some(v)),
                Oneway::Forward => (Some(v), None),
                Oneway::Backward => (None, Some(v)),
            })
        }
    }
}

/// Node index in a [`RoadNetwork`] or [`RoutingGraph`].
pub type NodeId = u32;

/// A straight piece of road between two consecutive vertices.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start node (the earlier vertex in the line's order).
    pub a: NodeId,
    /// End node.
    pub b: NodeId,
    /// Index of the road in the slice the network was built from.
    pub road: u32,
    /// Length in metres (positive).
    pub length_m: f64,
    /// Speed from `a` to `b` in m/min, `None` when closed that way.
    pub forward: Option<f64>,
    /// Speed from `b` to `a` in m/min, `None` when closed that way.
    pub backward: Option<f64>,
}

/// Where a point joins the network: the nearest point of the nearest usable segment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snap {
    /// The segment.
    pub segment: u32,
    /// Position along it, 0 at `a`, 1 at `b`.
    pub t: f64,
    /// The joining point, in metres.
    pub at: Xy,
    /// Length of the straight off-road leg, in metres.
    pub offroad_m: f64,
}

/// The usable roads of one mode, projected.
#[derive(Debug)]
pub struct RoadNetwork {
    /// Node positions in metres; nodes are the distinct road vertices.
    pub nodes: Vec<Xy>,
    /// Usable segments, in road, line and vertex order.
    pub segments: Vec<Segment>,
    /// Segments of zero length that were dropped (two distinct coordinates projecting to one
    /// point).
    pub zero_length_dropped: usize,
    index: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
}

impl RoadNetwork {
    /// Builds the network of `mode` from `roads`, projecting with `projector`.
    pub fn build(
        roads: &[Road],
        mode: Mode,
        speeds: &SpeedTable,
        projector: &Projector,
    ) -> RoadNetwork {
        let mut ids: HashMap<(u64, u64), NodeId> = HashMap::new();
        let mut nodes: Vec<Xy> = Vec::new();
        let mut segments = Vec::new();
        let mut zero_length_dropped = 0;
        for (road_idx, road) in roads.iter().enumerate() {
            let Some((forward, backward)) = road_speeds(road, mode, speeds) else {
                continue;
            };
            for line in &road.lines {
                let mut prev: Option<NodeId> = None;
                for p in line {
                    let key = (p.lon.to_bits(), p.lat.to_bits());
                    let id = *ids.entry(key).or_insert_with(|| {
                        nodes.push(projector.project(*p));
                        (nodes.len() - 1) as NodeId
                    });
                    if let Some(a) = prev {
                        let length_m = nodes[a as usize].distance_m(nodes[id as usize]);
                        if length_m > 0.0 {
                            segments.push(Segment {
                                a,
                                b: id,
                                road: road_idx as u32,
                                length_m,
                                forward,
                                backward,
                            });
                        } else {
                            zero_length_dropped += 1;
                        }
                    }
                    prev = Some(id);
                }
            }
        }
        let index = RTree::bulk_load(
            segments
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let (a, b) = (nodes[s.a as usize], nodes[s.b as usize]);
                    GeomWithData::new(Line::new([a.x, a.y], [b.x, b.y]), i as u32)
                })
                .collect(),
        );
        RoadNetwork {
            nodes,
            segments,
            zero_length_dropped,
            index,
        }
    }

    /// True when the mode has no usable road at all.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Joins `p` to the nearest point of the nearest segment; among segments at the same
    /// distance, the lowest-numbered. `None` when the network is empty.
    pub fn snap(&self, p: Xy) -> Option<Snap> {
        let mut best: Option<(f64, u32)> = None;
        for (item, d2) in self
            .index
            .nearest_neighbor_iter_with_distance_2(&[p.x, p.y])
        {
            match best {
                None => best = Some((d2, item.data)),
                Some((bd2, bi)) => {
                    if d2 > bd2 {
                        break;
                    }
                    if item.data < bi {
                        best = Some((bd2, item.data));
                    }
                }
            }
        }
        let (_, seg) = best?;
        let s = self.segments[seg as usize];
        let (a, b) = (self.nodes[s.a as usize], self.nodes[s.b as usize]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        let at = if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            Xy {
                x: a.x + t * dx,
                y: a.y + t * dy,
            }
        };
        Some(Snap {
            segment: seg,
            t,
            at,
            offroad_m: p.distance_m(at),
        })
    }

    /// The directed graph with a node added at every snap that falls inside a segment (several
    /// on one segment are chained in order). Returns the graph and, per snap, its node.
    pub fn routing_graph(&self, snaps: &[Snap]) -> (RoutingGraph, Vec<NodeId>) {
        let mut inner: HashMap<u32, Vec<(f64, usize)>> = HashMap::new();
        let mut snap_nodes = vec![0 as NodeId; snaps.len()];
        for (i, s) in snaps.iter().enumerate() {
            let seg = self.segments[s.segment as usize];
            if s.t <= 0.0 {
                snap_nodes[i] = seg.a;
            } else if s.t >= 1.0 {
                snap_nodes[i] = seg.b;
            } else {
                inner.entry(s.segment).or_default().push((s.t, i));
            }
        }
        let mut node_count = self.nodes.len() as u32;
        let mut arcs: Vec<(NodeId, NodeId, f64)> =
            Vec::with_capacity(self.segments.len() * 2 + snaps.len() * 4);
        let mut push = |from: NodeId, to: NodeId, length_m: f64, s: &Segment| {
            if let Some(v) = s.forward {
                arcs.push((from, to, length_m / v));
            }
            if let Some(v) = s.backward {
                arcs.push((to, from, length_m / v));
            }
        };
        for (si, s) in self.segments.iter().enumerate() {
            match inner.get_mut(&(si as u32)) {
                None => push(s.a, s.b, s.length_m, s),
                Some(splits) => {
                    splits.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                    let (pa, pb) = (self.nodes[s.a as usize], self.nodes[s.b as usize]);
                    let mut prev = (s.a, pa);
                    let mut prev_t = None;
                    for &(t, snap_idx) in splits.iter() {
                        if prev_t == Some(t) {
                            snap_nodes[snap_idx] = prev.0;
                            continue;
                        }
                        let id = node_count;
                        node_count += 1;
                        let at = snaps[snap_idx].at;
                        push(prev.0, id, prev.1.distance_m(at), s);
                        snap_nodes[snap_idx] = id;
                        prev = (id, at);
                        prev_t = Some(t);
                    }
                    push(prev.0, s.b, prev.1.distance_m(pb), s);
                }
            }
        }
        (
            RoutingGraph::from_arcs(node_count as usize, &arcs),
            snap_nodes,
        )
    }
}

/// Marks a [`RoutingGraph`] place that is a chain-interior slot rather than a core index.
const INTERIOR: u32 = 1 << 31;
/// No arc in this direction of a chain.
const NO_ARC: u32 = u32::MAX;

/// A chain of the routing graph: the interior nodes between two core nodes `a` and `b` (equal
/// for a loop), each interior node joined only to its two neighbours along the chain, in the
/// same direction(s) all along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chain {
    /// Core index of the end before the first interior node.
    pub(crate) a: u32,
    /// Core index of the end after the last interior node.
    pub(crate) b: u32,
    /// First interior slot (into `RoutingGraph::interior`), interior nodes in order from `a`.
    pub(crate) start: u32,
    /// Number of interior nodes (at least 1).
    pub(crate) len: u32,
    /// Start in `RoutingGraph::weights` of the search from `a` to `b` (`len + 1` weights, in
    /// search order), or [`NO_ARC`] when the chain cannot be searched that way.
    pub(crate) ab: u32,
    /// Start in `RoutingGraph::weights` of the search from `b` to `a`, or [`NO_ARC`].
    pub(crate) ba: u32,
}

/// Where a node sits in a [`RoutingGraph`].
pub(crate) enum Place {
    /// A core node, by core index.
    Core(u32),
    /// An inner node of a chain, at `pos` from the chain's `a` end.
    Interior {
        /// The chain.
        chain: u32,
        /// Position, 0 next to `a`.
        pos: u32,
    },
}

/// A directed graph for the nearest-facility search, which runs from the facilities backwards
/// along the road arcs, so one pass gives every node its time *to* its nearest facility.
///
/// Built contracted: a node joined to exactly two other nodes, with arcs in the same
/// direction(s) on both sides (the inner vertices of a road between two junctions), is a
/// *chain-interior* node; the other nodes are *core* nodes. The search runs over the core
/// nodes only, crossing a whole chain in one step, then fills in the chain interiors. A chain
/// step adds the chain's arc times one by one in path order, exactly as a search over every
/// node would, so the contraction changes no result, not even in the last bit.
#[derive(Clone, Debug)]
pub struct RoutingGraph {
    /// Number of original arcs.
    arc_count: usize,
    /// Per node: its core index, or [`INTERIOR`] | its interior slot.
    pub(crate) place: Vec<u32>,
    /// Per core index: the node.
    pub(crate) core_nodes: Vec<NodeId>,
    /// Per core index (and one more): the first of its search arcs.
    pub(crate) first: Vec<u32>,
    /// Per search arc (and one more): `(target core index, first weight)`; the arc's weights,
    /// in search order, run up to the next arc's first weight.
    pub(crate) arcs: Vec<(u32, u32)>,
    /// Per search arc: the chain it crosses, or [`NO_ARC`] for a single arc.
    arc_chain: Vec<u32>,
    /// Arc times in minutes, grouped by search arc.
    pub(crate) weights: Vec<f64>,
    /// The chains, by first interior slot.
    pub(crate) chains: Vec<Chain>,
    /// Chain-interior nodes, chain by chain.
    pub(crate) interior: Vec<NodeId>,
}

impl RoutingGraph {
    /// Builds the graph from `(from, to, minutes)` arcs.
    pub fn from_arcs(node_count: usize, arcs: &[(NodeId, NodeId, f64)]) -> RoutingGraph {
        assert!(
            node_count < INTERIOR as usize && arcs.len() < NO_ARC as usize,
            "routing graph too large"
        );
        // Arcs by head: for each node, the arcs that enter it (its search arcs).
        let mut offsets = vec![0u32; node_count + 1];
        for &(_, to, _) in arcs {
            offsets[to as usize + 1] += 1;
        }
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut tails = vec![0; arcs.len()];
        let mut minutes = vec![0.0; arcs.len()];
        // Per node: how many arcs leave it (saturating at 3) and the heads of the first two.
        let mut out_degree = vec![0u8; node_count];
        let mut out_heads = vec![[NodeId::MAX; 2]; node_count];
        for &(from, to, m) in arcs {
            let k = fill[to as usize] as usize;
            tails[k] = from;
            minutes[k] = m;
            fill[to as usize] += 1;
            let d = &mut out_degree[from as usize];
            if *d < 2 {
                out_heads[from as usize][*d as usize] = to;
            }
            *d = (*d + 1).min(3);
        }
        drop(fill);
        let entering = |v: usize| offsets[v] as usize..offsets[v + 1] as usize;
        // A chain-interior node: one arc in from one neighbour and one out to another, or arcs
        // both ways with exactly two distinct neighbours.
        let is_interior = |v: usize| {
            let r = entering(v);
            match (r.len(), out_degree[v]) {
                (1, 1) => tails[r.start] != out_heads[v][0],
                (2, 2) => {
                    let (p, s) = (tails[r.start], tails[r.start + 1]);
                    let [h0, h1] = out_heads[v];
                    p != s && ((h0 == p && h1 == s) || (h0 == s && h1 == p))
                }
                _ => false,
            }
        };
        let mut place = vec![NO_ARC; node_count];
        let mut core_nodes = Vec::new();
        for (v, p) in place.iter_mut().enumerate() {
            if !is_interior(v) {
                *p = core_nodes.len() as u32;
                core_nodes.push(v as NodeId);
            }
        }
        drop(out_heads);
        drop(out_degree);

        let mut g = RoutingGraph {
            arc_count: arcs.len(),
            place,
            first: Vec::with_capacity(core_nodes.len() + 1),
            core_nodes,
            arcs: Vec::new(),
            arc_chain: Vec::new(),
            weights: Vec::with_capacity(arcs.len()),
            chains: Vec::new(),
            interior: Vec::new(),
        };
        // Search arcs of every core node in core order; then the loops made only of
        // interior-like nodes, each opened at its lowest node, which becomes a core node.
        let mut c = 0;
        let mut next_unplaced = 0;
        loop {
            if c == g.core_nodes.len() {
                while next_unplaced < node_count && g.place[next_unplaced] != NO_ARC {
                    next_unplaced += 1;
                }
                if next_unplaced == node_count {
                    break;
                }
                g.place[next_unplaced] = c as u32;
                g.core_nodes.push(next_unplaced as NodeId);
            }
            g.first.push(g.arcs.len() as u32);
            let v = g.core_nodes[c] as usize;
            for k in entering(v) {
                let start = g.weights.len() as u32;
                g.weights.push(minutes[k]);
                let t = tails[k];
                let place = g.place[t as usize];
                if place != NO_ARC && place & INTERIOR == 0 {
                    g.arcs.push((place, start));
                    g.arc_chain.push(NO_ARC);
                    continue;
                }
                // Along a chain: from each interior node, on to the neighbour we did not come
                // from, until a core node.
                let new_chain = place == NO_ARC;
                let chain_start = g.interior.len() as u32;
                let (mut prev, mut cur) = (v as NodeId, t);
                let end = loop {
                    let p = g.place[cur as usize];
                    if p != NO_ARC && p & INTERIOR == 0 {
                        break p;
                    }
                    if new_chain {
                        g.place[cur as usize] = INTERIOR | g.interior.len() as u32;
                        g.interior.push(cur);
                    }
                    let r = entering(cur as usize);
                    let k = if tails[r.start] != prev {
                        r.start
                    } else {
                        r.start + 1
                    };
                    g.weights.push(minutes[k]);
                    (prev, cur) = (cur, tails[k]);
                };
                let chain = if new_chain {
                    g.chains.push(Chain {
                        a: c as u32,
                        b: end,
                        start: chain_start,
                        len: g.interior.len() as u32 - chain_start,
                        ab: start,
                        ba: NO_ARC,
                    });
                    g.chains.len() - 1
                } else {
                    // The way back along a chain met earlier from its other end.
                    let j = g.chain_of(place & !INTERIOR);
                    let ch = &mut g.chains[j];
                    debug_assert!(ch.b == c as u32 && ch.a == end && ch.ba == NO_ARC);
                    debug_assert_eq!(place & !INTERIOR, ch.start + ch.len - 1);
                    ch.ba = start;
                    j
                };
                g.arcs.push((end, start));
                g.arc_chain.push(chain as u32);
            }
            c += 1;
        }
        g.first.push(g.arcs.len() as u32);
        g.arcs.push((NO_ARC, g.weights.len() as u32));
        debug_assert_eq!(g.weights.len(), arcs.len());
        g.shrink();
        g
    }

    fn shrink(&mut self) {
        self.core_nodes.shrink_to_fit();
        self.arcs.shrink_to_fit();
        self.arc_chain.shrink_to_fit();
        self.chains.shrink_to_fit();
        self.interior.shrink_to_fit();
    }

    /// Where `node` sits: its core index, or its chain and position.
    pub(crate) fn locate(&self, node: NodeId) -> Place {
        let place = self.place[node as usize];
        if place & INTERIOR == 0 {
            Place::Core(place)
        } else {
            let slot = place & !INTERIOR;
            let chain = self.chain_of(slot);
            Place::Interior {
                chain: chain as u32,
                pos: slot - self.chains[chain].start,
            }
        }
    }

    /// The chain search arc `k` crosses, `None` for a single arc.
    pub(crate) fn arc_chain(&self, k: usize) -> Option<u32> {
        Some(self.arc_chain[k]).filter(|&j| j != NO_ARC)
    }

    /// The chain holding interior slot `slot`.
    pub(crate) fn chain_of(&self, slot: u32) -> usize {
        self.chains.partition_point(|ch| ch.start <= slot) - 1
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.place.len()
    }

    /// Number of directed arcs.
    pub fn arc_count(&self) -> usize {
        self.arc_count
    }

    /// Number of core nodes, over which the search runs (the others are inner nodes of chains).
    pub fn core_node_count(&self) -> usize {
        self.core_nodes.len()
    }

    /// The arcs entering `node`: `(tail, minutes)`.
    pub fn incoming(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        let mut out = Vec::new();
        let place = self.place[node as usize];
        if place & INTERIOR == 0 {
            let c = place as usize;
            for k in self.first[c] as usize..self.first[c + 1] as usize {
                let (target, w) = self.arcs[k];
                let tail = match self.arc_chain[k] {
                    NO_ARC => self.core_nodes[target as usize],
                    j => {
                        let ch = self.chains[j as usize];
                        if ch.ab == w {
                            self.interior[ch.start as usize]
                        } else {
                            self.interior[(ch.start + ch.len - 1) as usize]
                        }
                    }
                };
                out.push((tail, self.weights[w as usize]));
            }
        } else {
            let slot = place & !INTERIOR;
            let ch = self.chains[self.chain_of(slot)];
            let i = slot - ch.start;
            let node_at = |pos: i64| {
                if pos < 0 {
                    self.core_nodes[ch.a as usize]
                } else if pos >= ch.len as i64 {
                    self.core_nodes[ch.b as usize]
                } else {
                    self.interior[(ch.start as i64 + pos) as usize]
                }
            };
            if ch.ab != NO_ARC {
                out.push((
                    node_at(i as i64 + 1),
                    self.weights[(ch.ab + i + 1) as usize],
                ));
            }
            if ch.ba != NO_ARC {
                let w = self.weights[(ch.ba + ch.len - i) as usize];
                out.push((node_at(i as i64 - 1), w));
            }
        }
        out.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arcs of `g` as `(from, to, minutes)`, sorted.
    fn arcs_of(g: &RoutingGraph) -> Vec<(NodeId, NodeId, u64)> {
        let mut v: Vec<_> = (0..g.node_count() as NodeId)
            .flat_map(|h| g.incoming(h).map(move |(t, w)| (t, h, w.to_bits())))
            .collect();
        v.sort();
        v
    }

    fn round_trip(n: usize, arcs: &[(NodeId, NodeId, f64)]) -> RoutingGraph {
        let g = RoutingGraph::from_arcs(n, arcs);
        let mut want: Vec<_> = arcs.iter().map(|&(a, b, w)| (a, b, w.to_bits())).collect();
        want.sort();
        assert_eq!(arcs_of(&g), want);
        assert_eq!(g.arc_count(), arcs.len());
        g
    }

    #[test]
    fn chains_contract_and_keep_every_arc() {
        // 0 = 1 = 2 = 3 two-way, 3 -> 4 -> 5 one-way, 5 - 6 and 5 - 7 two-way dead ends.
        let mut arcs = vec![];
        for (a, b) in [(0, 1), (1, 2), (2, 3), (5, 6), (5, 7)] {
            arcs.push((a, b, 1.0 + a as f64));
            arcs.push((b, a, 2.0 + b as f64));
        }
        arcs.extend([(3, 4, 0.5), (4, 5, 0.25)]);
        let g = round_trip(8, &arcs);
        // Interior: 1, 2 (two-way) and 4 (one-way).
        assert_eq!(g.core_node_count(), 5);
        assert_eq!(g.chains.len(), 2);
    }

    #[test]
    fn loops_of_interior_nodes_get_a_core_node() {
        // A two-way triangle and a one-way square, nothing else.
        let mut arcs = vec![];
        for (a, b) in [(0, 1), (1, 2), (2, 0)] {
            arcs.push((a, b, 1.0));
            arcs.push((b, a, 1.5));
        }
        arcs.extend([(3, 4, 1.0), (4, 5, 2.0), (5, 6, 3.0), (6, 3, 4.0)]);
        let g = round_trip(7, &arcs);
        assert_eq!(g.core_node_count(), 2);
        assert_eq!(g.core_nodes, vec![0, 3]);
    }

    #[test]
    fn parallel_arcs_and_mixed_directions_stay_core() {
        let arcs = [
            (0, 1, 1.0),
            (0, 1, 2.0),
            (1, 2, 1.0),
            (2, 3, 1.0),
            (3, 2, 1.0),
            (3, 4, 1.0),
        ];
        let g = round_trip(5, &arcs);
        // 1: two arcs in from the same node; 2: in from 1 and 3, out to 3 only; 3: in from 2,
        // out to 2 and 4.
        assert_eq!(g.core_node_count(), 5);
    }
}
