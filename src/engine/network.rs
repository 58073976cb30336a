//! The road network of one travel mode: junction nodes in metres, usable segments with their
//! speeds, a spatial index for snapping, and the directed routing graph.
//!
//! Invariants: roads connect only where their lines share an exact coordinate (so a bridge
//! over a road does not connect to it); every segment has a positive length; a segment's
//! speeds are in metres per minute, `None` for a direction it cannot be travelled in.

use crate::engine::crs::{Projector, Xy};
use crate::engine::model::{is_walk_only_class, Oneway, Road};
use rstar::{PointDistance, RTree, RTreeObject, AABB};
use serde::{Deserialize, Serialize};

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

/// A straight piece of road between two consecutive vertices. Its length and speeds are the
/// network's ([`RoadNetwork::length_m`], [`RoadNetwork::speeds`]), not stored per segment: a
/// province has tens of millions of segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Start node (the earlier vertex in the line's order).
    pub a: NodeId,
    /// End node.
    pub b: NodeId,
    /// Index of the road in the slice the network was built from.
    pub road: u32,
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

/// Most segments in one entry of the spatial index.
const RUN_MAX: usize = 8;

/// An entry of the spatial index: up to [`RUN_MAX`] consecutive, connected segments, under
/// their bounding box. Indexing runs instead of single segments keeps the index at a few
/// bytes per segment; the exact distances are taken segment by segment in [`RoadNetwork::snap`].
#[derive(Clone, Debug)]
struct SegmentRun {
    envelope: AABB<[f64; 2]>,
    first: u32,
    len: u32,
}

impl RTreeObject for SegmentRun {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for SegmentRun {
    /// The distance to the bounding box: no segment of the run is nearer.
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        self.envelope.distance_2(point)
    }
}

/// The usable roads of one mode, projected.
#[derive(Debug)]
pub struct RoadNetwork {
    /// Node positions in metres; nodes are the distinct road vertices, numbered along a
    /// Hilbert curve so that nodes near each other on the ground are near each other in memory.
    pub nodes: Vec<Xy>,
    /// Usable segments, in road, line and vertex order.
    pub segments: Vec<Segment>,
    /// Segments of zero length that were dropped (two distinct coordinates projecting to one
    /// point).
    pub zero_length_dropped: usize,
    /// Per road of the slice the network was built from: its speeds (along, against) in m/min;
    /// `(None, None)` for a road not usable in this mode.
    road_speeds: Vec<(Option<f64>, Option<f64>)>,
    index: RTree<SegmentRun>,
}

/// The position of `(x, y)` (each below 2¹⁶) along the Hilbert curve that fills the square of
/// side 2¹⁶.
fn hilbert_index(mut x: u32, mut y: u32) -> u32 {
    const N: u32 = 1 << 16;
    let mut d = 0u32;
    let mut s = N / 2;
    while s > 0 {
        let rx = u32::from(x & s != 0);
        let ry = u32::from(y & s != 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = N - 1 - x;
                y = N - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// Squared distance from `p` to the segment `a`–`b`, computed exactly as `rstar` computes it
/// for a `Line`, so that the choice of the nearest segment is the same bit for bit.
fn segment_distance_2(a: Xy, b: Xy, p: [f64; 2]) -> f64 {
    let dir = [b.x - a.x, b.y - a.y];
    let s = (0.0 + (p[0] - a.x) * dir[0] + (p[1] - a.y) * dir[1])
        / (dir[1] * dir[1] + (dir[0] * dir[0] + 0.0));
    let q = if 0.0 < s && s < 1.0 {
        [a.x + dir[0] * s, a.y + dir[1] * s]
    } else if s <= 0.0 {
        [a.x, a.y]
    } else {
        [b.x, b.y]
    };
    let d = [q[0] - p[0], q[1] - p[1]];
    d[1] * d[1] + (d[0] * d[0] + 0.0)
}

impl RoadNetwork {
    /// Builds the network of `mode` from `roads`, projecting with `projector`.
    ///
    /// Vertices with bit-for-bit equal coordinates are one node. They are found by sorting the
    /// vertices along a Hilbert curve over their bounding box (then by their exact bits), not
    /// with a hash map: on ten million vertices the map's cache misses took most of the build,
    /// and the sorted order leaves neighbouring nodes next to each other for the search.
    pub fn build(
        roads: &[Road],
        mode: Mode,
        speeds: &SpeedTable,
        projector: &Projector,
    ) -> RoadNetwork {
        let usable: Vec<Option<(Option<f64>, Option<f64>)>> =
            roads.iter().map(|r| road_speeds(r, mode, speeds)).collect();
        let (nodes, vertex_node) = number_vertices(roads, &usable, projector);
        let (segments, zero_length_dropped) = segments_between(roads, &usable, &nodes, vertex_node);
        let index = RTree::bulk_load(segment_runs(&nodes, &segments));
        RoadNetwork {
            nodes,
            segments,
            zero_length_dropped,
            road_speeds: usable
                .into_iter()
                .map(|s| s.unwrap_or((None, None)))
                .collect(),
            index,
        }
    }

    /// True when the mode has no usable road at all.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Length of segment `s` in metres (positive).
    pub fn length_m(&self, s: &Segment) -> f64 {
        self.nodes[s.a as usize].distance_m(self.nodes[s.b as usize])
    }

    /// Speeds of segment `s` in m/min: (from `a` to `b`, from `b` to `a`), `None` when closed
    /// that way.
    pub fn speeds(&self, s: &Segment) -> (Option<f64>, Option<f64>) {
        self.road_speeds[s.road as usize]
    }

    /// Joins `p` to the nearest point of the nearest segment; among segments at the same
    /// distance, the lowest-numbered. `None` when the network is empty.
    pub fn snap(&self, p: Xy) -> Option<Snap> {
        let q = [p.x, p.y];
        let mut best: Option<(f64, u32)> = None;
        for (run, bound) in self.index.nearest_neighbor_iter_with_distance_2(&q) {
            if matches!(best, Some((bd2, _)) if bound > bd2) {
                break;
            }
            for seg in run.first..run.first + run.len {
                let s = self.segments[seg as usize];
                let d2 = segment_distance_2(self.nodes[s.a as usize], self.nodes[s.b as usize], q);
                let better = match best {
                    None => true,
                    Some((bd2, bi)) => d2 < bd2 || (d2 == bd2 && seg < bi),
                };
                if better {
                    best = Some((d2, seg));
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
        let mut snap_nodes = vec![0 as NodeId; snaps.len()];
        // Snaps inside a segment: (segment, t, snap), in segment order, then along it.
        let mut inner: Vec<(u32, f64, u32)> = Vec::new();
        for (i, s) in snaps.iter().enumerate() {
            let seg = self.segments[s.segment as usize];
            if s.t <= 0.0 {
                snap_nodes[i] = seg.a;
            } else if s.t >= 1.0 {
                snap_nodes[i] = seg.b;
            } else {
                inner.push((s.segment, s.t, i as u32));
            }
        }
        inner.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2)));
        let node_count = self.walk_arcs(
            snaps,
            &inner,
            &mut |i, node| snap_nodes[i] = node,
            &mut |_, _, _| {},
        );
        let graph = RoutingGraph::from_arc_source(node_count, |arc| {
            self.walk_arcs(snaps, &inner, &mut |_, _| {}, arc);
        });
        (graph, snap_nodes)
    }

    /// Goes through the arcs of the routing graph in order: per segment, along then against it,
    /// split at the snaps inside it (`inner`, sorted as [`RoadNetwork::routing_graph`] sorts
    /// them). Gives each inner snap its node (numbered after the network's nodes, a new one per
    /// distinct position) and returns the number of nodes.
    fn walk_arcs(
        &self,
        snaps: &[Snap],
        inner: &[(u32, f64, u32)],
        on_snap: &mut dyn FnMut(usize, NodeId),
        on_arc: &mut dyn FnMut(NodeId, NodeId, f64),
    ) -> usize {
        let mut node_count = self.nodes.len() as NodeId;
        let mut next = 0;
        for (si, s) in self.segments.iter().enumerate() {
            let (forward, backward) = self.speeds(s);
            let mut push = |from: NodeId, to: NodeId, length_m: f64| {
                if let Some(v) = forward {
                    on_arc(from, to, length_m / v);
                }
                if let Some(v) = backward {
                    on_arc(to, from, length_m / v);
                }
            };
            let split_end = next
                + inner[next..]
                    .iter()
                    .take_while(|x| x.0 == si as u32)
                    .count();
            if split_end == next {
                push(s.a, s.b, self.length_m(s));
                continue;
            }
            let (pa, pb) = (self.nodes[s.a as usize], self.nodes[s.b as usize]);
            let mut prev = (s.a, pa);
            let mut prev_t = None;
            for &(_, t, snap_idx) in &inner[next..split_end] {
                if prev_t == Some(t) {
                    on_snap(snap_idx as usize, prev.0);
                    continue;
                }
                let id = node_count;
                node_count += 1;
                let at = snaps[snap_idx as usize].at;
                push(prev.0, id, prev.1.distance_m(at));
                on_snap(snap_idx as usize, id);
                prev = (id, at);
                prev_t = Some(t);
            }
            push(prev.0, s.b, prev.1.distance_m(pb));
            next = split_end;
        }
        node_count as usize
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
        RoutingGraph::from_arc_source(node_count, |emit| {
            for &(from, to, m) in arcs {
                emit(from, to, m);
            }
        })
    }

    /// Builds the graph from the `(from, to, minutes)` arcs that `arcs` passes to its argument;
    /// it is called twice and must pass the same arcs in the same order each time. This spares
    /// holding every arc in a list of its own while the graph is built.
    pub fn from_arc_source(
        node_count: usize,
        arcs: impl Fn(&mut dyn FnMut(NodeId, NodeId, f64)),
    ) -> RoutingGraph {
        assert!(node_count < INTERIOR as usize, "routing graph too large");
        let mut by_head = ArcsByHead::collect(node_count, &arcs);
        let (place, core_nodes) = by_head.core_nodes();
        let mut g = RoutingGraph {
            arc_count: by_head.tails.len(),
            place,
            first: Vec::with_capacity(core_nodes.len() + 1),
            core_nodes,
            arcs: Vec::new(),
            arc_chain: Vec::new(),
            weights: Vec::with_capacity(by_head.tails.len()),
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
            for k in by_head.entering(v) {
                g.push_search_arc(&by_head, c, v, k);
            }
            c += 1;
        }
        g.first.push(g.arcs.len() as u32);
        g.arcs.push((NO_ARC, g.weights.len() as u32));
        debug_assert_eq!(g.weights.len(), g.arc_count);
        g.shrink();
        g
    }

    /// Adds the search arc of core node `c` (node `v`) that is arc `k` entering it: straight
    /// to a core tail, or along a chain of interior nodes (placing them when the chain is new)
    /// to the core node at its other end.
    fn push_search_arc(&mut self, by_head: &ArcsByHead, c: usize, v: usize, k: usize) {
        let start = self.weights.len() as u32;
        self.weights.push(by_head.minutes[k]);
        let t = by_head.tails[k];
        let place = self.place[t as usize];
        if place != NO_ARC && place & INTERIOR == 0 {
            self.arcs.push((place, start));
            self.arc_chain.push(NO_ARC);
            return;
        }
        // Along a chain: from each interior node, on to the neighbour we did not come
        // from, until a core node.
        let new_chain = place == NO_ARC;
        let chain_start = self.interior.len() as u32;
        let (mut prev, mut cur) = (v as NodeId, t);
        let end = loop {
            let p = self.place[cur as usize];
            if p != NO_ARC && p & INTERIOR == 0 {
                break p;
            }
            if new_chain {
                self.place[cur as usize] = INTERIOR | self.interior.len() as u32;
                self.interior.push(cur);
            }
            let r = by_head.entering(cur as usize);
            let k = if by_head.tails[r.start] != prev {
                r.start
            } else {
                r.start + 1
            };
            self.weights.push(by_head.minutes[k]);
            (prev, cur) = (cur, by_head.tails[k]);
        };
        let chain = if new_chain {
            self.chains.push(Chain {
                a: c as u32,
                b: end,
                start: chain_start,
                len: self.interior.len() as u32 - chain_start,
                ab: start,
                ba: NO_ARC,
            });
            self.chains.len() - 1
        } else {
            // The way back along a chain met earlier from its other end.
            let j = self.chain_of(place & !INTERIOR);
            let ch = &mut self.chains[j];
            debug_assert!(ch.b == c as u32 && ch.a == end && ch.ba == NO_ARC);
            debug_assert_eq!(place & !INTERIOR, ch.start + ch.len - 1);
            ch.ba = start;
            j
        };
        self.arcs.push((end, start));
        self.arc_chain.push(chain as u32);
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

/// The network's nodes (each distinct vertex of the usable roads, projected, numbered along a
/// Hilbert curve) and, for each vertex of the usable roads in road order, its node.
fn number_vertices(
    roads: &[Road],
    usable: &[Option<(Option<f64>, Option<f64>)>],
    projector: &Projector,
) -> (Vec<Xy>, Vec<NodeId>) {
    let vertices = || {
        roads
            .iter()
            .zip(usable)
            .filter(|(_, s)| s.is_some())
            .flat_map(|(r, _)| r.lines.iter().flatten())
    };
    let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut vertex_count = 0usize;
    for p in vertices() {
        west = west.min(p.lon);
        east = east.max(p.lon);
        south = south.min(p.lat);
        north = north.max(p.lat);
        vertex_count += 1;
    }
    assert!(
        vertex_count < u32::MAX as usize,
        "more than 4 billion road vertices"
    );
    let cell = |v: f64, lo: f64, hi: f64| {
        if hi > lo {
            (((v - lo) / (hi - lo)) * 65_535.0).clamp(0.0, 65_535.0) as u32
        } else {
            0
        }
    };
    // (curve position, longitude bits, latitude bits, vertex number).
    let mut order: Vec<(u32, u64, u64, u32)> = Vec::with_capacity(vertex_count);
    for (i, p) in vertices().enumerate() {
        order.push((
            hilbert_index(cell(p.lon, west, east), cell(p.lat, south, north)),
            p.lon.to_bits(),
            p.lat.to_bits(),
            i as u32,
        ));
    }
    order.sort_unstable();
    let mut vertex_node = vec![0 as NodeId; vertex_count];
    let mut nodes: Vec<Xy> = Vec::new();
    let mut last: Option<(u64, u64)> = None;
    for &(_, lon, lat, i) in &order {
        if last != Some((lon, lat)) {
            nodes.push(projector.project(crate::engine::crs::LonLat {
                lon: f64::from_bits(lon),
                lat: f64::from_bits(lat),
            }));
            last = Some((lon, lat));
        }
        vertex_node[i as usize] = (nodes.len() - 1) as NodeId;
    }
    drop(order);
    nodes.shrink_to_fit();
    (nodes, vertex_node)
}

/// The segments between consecutive vertices of the usable roads, and how many were dropped
/// for having no length.
fn segments_between(
    roads: &[Road],
    usable: &[Option<(Option<f64>, Option<f64>)>],
    nodes: &[Xy],
    vertex_node: Vec<NodeId>,
) -> (Vec<Segment>, usize) {
    let mut segments = Vec::with_capacity(vertex_node.len());
    let mut zero_length_dropped = 0;
    let mut v = 0usize;
    for (road_idx, road) in roads.iter().enumerate() {
        if usable[road_idx].is_none() {
            continue;
        }
        for line in &road.lines {
            let mut prev: Option<NodeId> = None;
            for _ in line {
                let id = vertex_node[v];
                v += 1;
                if let Some(a) = prev {
                    if nodes[a as usize].distance_m(nodes[id as usize]) > 0.0 {
                        segments.push(Segment {
                            a,
                            b: id,
                            road: road_idx as u32,
                        });
                    } else {
                        zero_length_dropped += 1;
                    }
                }
                prev = Some(id);
            }
        }
    }
    drop(vertex_node);
    segments.shrink_to_fit();
    (segments, zero_length_dropped)
}

/// Runs of up to `RUN_MAX` consecutive, connected segments, each under its bounding box: the
/// entries of the spatial index.
fn segment_runs(nodes: &[Xy], segments: &[Segment]) -> Vec<SegmentRun> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let mut j = i + 1;
        while j < segments.len() && j - i < RUN_MAX && segments[j].a == segments[j - 1].b {
            j += 1;
        }
        let first = nodes[segments[i].a as usize];
        let (mut lo, mut hi) = ([first.x, first.y], [first.x, first.y]);
        for s in &segments[i..j] {
            let b = nodes[s.b as usize];
            lo = [lo[0].min(b.x), lo[1].min(b.y)];
            hi = [hi[0].max(b.x), hi[1].max(b.y)];
        }
        let envelope = AABB::from_corners(lo, hi);
        runs.push(SegmentRun {
            envelope,
            first: i as u32,
            len: (j - i) as u32,
        });
        i = j;
    }
    runs
}

/// The arcs of an arc source grouped by head (for each node, the arcs that enter it: its
/// search arcs), with what chain contraction needs to know of the arcs leaving each node.
struct ArcsByHead {
    /// Node `v`'s entering arcs are `offsets[v]..offsets[v + 1]`.
    offsets: Vec<u32>,
    /// Tail of each arc.
    tails: Vec<NodeId>,
    /// Minutes of each arc.
    minutes: Vec<f64>,
    /// Per node: how many arcs leave it (saturating at 3).
    out_degree: Vec<u8>,
    /// Per node: the heads of the first two arcs leaving it.
    out_heads: Vec<[NodeId; 2]>,
}

impl ArcsByHead {
    /// Two passes over `arcs`: count per head, then fill.
    fn collect(node_count: usize, arcs: &impl Fn(&mut dyn FnMut(NodeId, NodeId, f64))) -> Self {
        let mut offsets = vec![0u32; node_count + 1];
        let mut arc_count = 0usize;
        arcs(&mut |_, to, _| {
            offsets[to as usize + 1] += 1;
            arc_count += 1;
        });
        assert!(arc_count < NO_ARC as usize, "routing graph too large");
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut tails = vec![0; arc_count];
        let mut minutes = vec![0.0; arc_count];
        let mut out_degree = vec![0u8; node_count];
        let mut out_heads = vec![[NodeId::MAX; 2]; node_count];
        arcs(&mut |from, to, m| {
            let k = fill[to as usize] as usize;
            tails[k] = from;
            minutes[k] = m;
            fill[to as usize] += 1;
            let d = &mut out_degree[from as usize];
            if *d < 2 {
                out_heads[from as usize][*d as usize] = to;
            }
            *d = (*d + 1).min(3);
        });
        ArcsByHead {
            offsets,
            tails,
            minutes,
            out_degree,
            out_heads,
        }
    }

    /// The arcs entering `v`.
    fn entering(&self, v: usize) -> std::ops::Range<usize> {
        self.offsets[v] as usize..self.offsets[v + 1] as usize
    }

    /// A chain-interior node: one arc in from one neighbour and one out to another, or arcs
    /// both ways with exactly two distinct neighbours.
    fn is_interior(&self, v: usize) -> bool {
        let r = self.entering(v);
        match (r.len(), self.out_degree[v]) {
            (1, 1) => self.tails[r.start] != self.out_heads[v][0],
            (2, 2) => {
                let (p, s) = (self.tails[r.start], self.tails[r.start + 1]);
                let [h0, h1] = self.out_heads[v];
                p != s && ((h0 == p && h1 == s) || (h0 == s && h1 == p))
            }
            _ => false,
        }
    }

    /// The core nodes (all but chain interiors), in node order, and each node's place: its
    /// core index, or [`NO_ARC`] until placed. Frees what only this needed.
    fn core_nodes(&mut self) -> (Vec<u32>, Vec<NodeId>) {
        let node_count = self.out_degree.len();
        let mut place = vec![NO_ARC; node_count];
        let mut core_nodes = Vec::new();
        for (v, p) in place.iter_mut().enumerate() {
            if !self.is_interior(v) {
                *p = core_nodes.len() as u32;
                core_nodes.push(v as NodeId);
            }
        }
        self.out_heads = Vec::new();
        self.out_degree = Vec::new();
        (place, core_nodes)
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

    #[test]
    fn hilbert_index_visits_neighbouring_cells_in_turn() {
        // Along the curve, consecutive positions are cells side by side.
        let mut cells = vec![(0u32, 0u32); 1 << 12];
        let (w, scale) = (64u32, 1u32 << 10);
        for x in 0..w {
            for y in 0..w {
                // Cells of side 2^10 in the 2^16 square: the 64 x 64 curve, scaled.
                let d = hilbert_index(x * scale, y * scale) / (scale * scale);
                cells[d as usize] = (x, y);
            }
        }
        for pair in cells.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert_eq!(a.0.abs_diff(b.0) + a.1.abs_diff(b.1), 1, "{a:?} then {b:?}");
        }
    }

    #[test]
    fn segment_distance_is_rstars_bit_for_bit() {
        use rstar::primitives::Line;
        let mut x = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2000.0
        };
        for _ in 0..10_000 {
            let (a, b) = (
                Xy {
                    x: next(),
                    y: next(),
                },
                Xy {
                    x: next(),
                    y: next(),
                },
            );
            let p = [next(), next()];
            let line = Line::new([a.x, a.y], [b.x, b.y]);
            assert_eq!(
                segment_distance_2(a, b, p).to_bits(),
                line.distance_2(&p).to_bits()
            );
        }
    }

    #[test]
    fn snapping_finds_the_nearest_segment_and_the_lowest_at_ties() {
        let layers = crate::devtools::synthetic::generate(3_000, 7);
        let projector = Projector::new(crate::engine::crs::UtmZone::containing(
            crate::devtools::synthetic::CENTRE,
        ));
        let net = RoadNetwork::build(
            &layers.roads,
            Mode::Drive,
            &SpeedTable::default(),
            &projector,
        );
        // Every distinct coordinate is one node.
        let distinct: std::collections::HashSet<(u64, u64)> = layers
            .roads
            .iter()
            .flat_map(|r| r.lines.iter().flatten())
            .map(|p| (p.lon.to_bits(), p.lat.to_bits()))
            .collect();
        assert_eq!(net.nodes.len(), distinct.len());
        let brute = |p: Xy| {
            (0..net.segments.len() as u32)
                .map(|i| {
                    let s = net.segments[i as usize];
                    let d2 = segment_distance_2(
                        net.nodes[s.a as usize],
                        net.nodes[s.b as usize],
                        [p.x, p.y],
                    );
                    (d2, i)
                })
                .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                .unwrap()
                .1
        };
        let mut queries: Vec<Xy> = layers
            .settlements
            .iter()
            .map(|s| projector.project(s.at))
            .collect();
        // Nodes themselves, where every segment meeting there is at distance 0.
        queries.extend(net.nodes.iter().step_by(37).copied());
        for p in queries {
            assert_eq!(net.snap(p).unwrap().segment, brute(p));
        }
    }
}
