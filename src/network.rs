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

/// A directed graph stored by arc head: for each node, the arcs that enter it. Routing runs
/// from the facilities backwards along these, so one pass gives every node's time *to* its
/// nearest facility.
#[derive(Clone, Debug)]
pub struct RoutingGraph {
    offsets: Vec<u32>,
    tails: Vec<NodeId>,
    minutes: Vec<f64>,
}

impl RoutingGraph {
    /// Builds the graph from `(from, to, minutes)` arcs.
    pub fn from_arcs(node_count: usize, arcs: &[(NodeId, NodeId, f64)]) -> RoutingGraph {
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
        for &(from, to, m) in arcs {
            let k = fill[to as usize] as usize;
            tails[k] = from;
            minutes[k] = m;
            fill[to as usize] += 1;
        }
        RoutingGraph {
            offsets,
            tails,
            minutes,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of directed arcs.
    pub fn arc_count(&self) -> usize {
        self.tails.len()
    }

    /// The arcs entering `node`: `(tail, minutes)`.
    pub fn incoming(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        let (lo, hi) = (
            self.offsets[node as usize] as usize,
            self.offsets[node as usize + 1] as usize,
        );
        self.tails[lo..hi]
            .iter()
            .copied()
            .zip(self.minutes[lo..hi].iter().copied())
    }
}
