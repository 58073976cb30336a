//! Travel time from every settlement to its nearest medical service point.
//!
//! Semantics (`RULES.md`, "Travel time"): settlements and facilities join the network at the
//! nearest point of the nearest usable segment with a straight off-road leg at the off-road
//! speed; travel runs from the settlement to the facility; one multi-source Dijkstra, seeded
//! with every facility, gives every node its time to the nearest facility (ties go to the
//! lowest facility index). All times are in minutes. Without usable roads, times are
//! straight-line distance at the off-road speed.

use crate::model::Layers;
use crate::network::{kmh_to_m_per_min, Mode, NodeId, RoadNetwork, RoutingGraph, Snap, SpeedTable};
use crate::progress::{tick, Progress, Stage};
use crate::projection::{LonLat, Projector, UtmZone, Xy};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A start of the multi-source search: a node, the time already spent getting there, and the
/// label (facility index) it carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Origin {
    /// The node.
    pub node: NodeId,
    /// Minutes already spent (the facility's off-road leg).
    pub minutes: f64,
    /// The facility index reported for nodes it reaches first.
    pub label: u32,
}

/// Label of a node no origin reaches.
pub const UNREACHED: u32 = u32::MAX;

/// A queue entry packed into one integer whose order is exactly that of (minutes by
/// [`f64::total_cmp`], label, node), so the heap compares entries with a single `u128`
/// comparison: the minutes' bits (mapped so that unsigned order is `total_cmp` order) in the
/// high 64 bits, then the label, then the node. The search pops entries in the same order as
/// with the three comparisons chained, so its results are bit for bit the same; profiling the
/// search on a 346,000-node network showed the chained comparisons inside the heap to be its
/// largest cost.
#[inline]
fn pack(minutes: f64, label: u32, node: NodeId) -> Reverse<u128> {
    Reverse(((ordered_bits(minutes) as u128) << 64) | ((label as u128) << 32) | node as u128)
}

/// The inverse of [`pack`].
#[inline]
fn unpack(Reverse(item): Reverse<u128>) -> (f64, u32, NodeId) {
    (
        from_ordered_bits((item >> 64) as u64),
        (item >> 32) as u32,
        item as u32,
    )
}

/// The bits of `x` mapped so that unsigned integer order is [`f64::total_cmp`] order (the
/// mapping `total_cmp` itself uses, with the sign bit flipped to make it unsigned).
#[inline]
fn ordered_bits(x: f64) -> u64 {
    let b = x.to_bits() as i64;
    ((b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64) ^ (1 << 63)
}

/// The inverse of [`ordered_bits`].
#[inline]
fn from_ordered_bits(k: u64) -> f64 {
    let b = (k ^ (1 << 63)) as i64;
    f64::from_bits((b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64)
}

/// Multi-source Dijkstra backwards along `graph`'s arcs: for every node, the least time to
/// reach any origin and that origin's label (lowest label among equal times). Unreached nodes
/// get `f64::INFINITY` and [`UNREACHED`].
///
/// # Examples
/// ```
/// use medreach::network::RoutingGraph;
/// use medreach::reach::{nearest_origin, Origin};
/// // 0 -> 1 -> 2, one minute each; the facility is at node 2.
/// let g = RoutingGraph::from_arcs(3, &[(0, 1, 1.0), (1, 2, 1.0)]);
/// let (minutes, labels) = nearest_origin(&g, &[Origin { node: 2, minutes: 0.5, label: 7 }]);
/// assert_eq!(minutes, vec![2.5, 1.5, 0.5]);
/// assert_eq!(labels, vec![7, 7, 7]);
/// ```
pub fn nearest_origin(graph: &RoutingGraph, origins: &[Origin]) -> (Vec<f64>, Vec<u32>) {
    let n = graph.node_count();
    let mut minutes = vec![f64::INFINITY; n];
    let mut labels = vec![UNREACHED; n];
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::with_capacity(origins.len() * 4);
    let better = |m: f64, l: u32, bm: f64, bl: u32| m < bm || (m == bm && l < bl);
    for o in origins {
        let i = o.node as usize;
        if better(o.minutes, o.label, minutes[i], labels[i]) {
            minutes[i] = o.minutes;
            labels[i] = o.label;
            heap.push(pack(o.minutes, o.label, o.node));
        }
    }
    while let Some(item) = heap.pop() {
        let (m, label, node) = unpack(item);
        if m != minutes[node as usize] || label != labels[node as usize] {
            continue;
        }
        for (tail, w) in graph.incoming(node) {
            let t = tail as usize;
            let nm = m + w;
            if better(nm, label, minutes[t], labels[t]) {
                minutes[t] = nm;
                labels[t] = label;
                heap.push(pack(nm, label, tail));
            }
        }
    }
    (minutes, labels)
}

/// The result for one settlement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementReach {
    /// Total minutes to the nearest medical service point, `None` when none can be reached.
    pub minutes: Option<f64>,
    /// Index (into the facilities of the analysed [`Layers`]) of that facility.
    pub nearest: Option<usize>,
    /// The settlement's own off-road leg, in metres (`None` without roads).
    pub offroad_m: Option<f64>,
}

/// Everything computed for one mode: the network, every node's time, every settlement's.
#[derive(Debug)]
pub struct Reach {
    /// The mode.
    pub mode: Mode,
    /// The plane of all measurements.
    pub zone: UtmZone,
    /// The usable network (its base nodes and segments; empty without roads).
    pub network: RoadNetwork,
    /// Per base node of `network`: minutes to the nearest facility (infinite if none).
    pub node_minutes: Vec<f64>,
    /// Per settlement, in the order of the layers.
    pub settlements: Vec<SettlementReach>,
    /// Projected settlement positions, in metres.
    pub settlement_xy: Vec<Xy>,
    /// Projected facility positions, in metres.
    pub facility_xy: Vec<Xy>,
    /// Indices of the facilities that count as medical service points.
    pub service_points: Vec<usize>,
    /// True when the mode has no usable road and straight lines were used.
    pub straight_line: bool,
    /// How times are computed, for further queries ([`Reach::nearest_among`]).
    pub router: Router,
}

/// Bounding box `(west, south, east, north)` in degrees of all roads, facilities and
/// settlements; `None` when there is nothing to place.
pub fn bounding_box(layers: &Layers) -> Option<(f64, f64, f64, f64)> {
    let mut bbox: Option<(f64, f64, f64, f64)> = None;
    let mut add = |p: &LonLat| {
        let b = bbox.get_or_insert((p.lon, p.lat, p.lon, p.lat));
        b.0 = b.0.min(p.lon);
        b.1 = b.1.min(p.lat);
        b.2 = b.2.max(p.lon);
        b.3 = b.3.max(p.lat);
    };
    layers
        .roads
        .iter()
        .flat_map(|r| r.lines.iter().flatten())
        .for_each(&mut add);
    layers.facilities.iter().for_each(|f| add(&f.at));
    layers.settlements.iter().for_each(|s| add(&s.at));
    bbox
}

/// The UTM zone of the centre of the bounding box of all roads, facilities and settlements.
/// `None` when there is nothing to place.
pub fn zone_for(layers: &Layers) -> Option<UtmZone> {
    let (x0, y0, x1, y1) = bounding_box(layers)?;
    Some(UtmZone::containing(LonLat {
        lon: (x0 + x1) / 2.0,
        lat: (y0 + y1) / 2.0,
    }))
}

/// Computes the travel time from every settlement to its nearest medical service point.
/// `None` when nothing is loaded that can be placed.
pub fn travel_times(layers: &Layers, mode: Mode, speeds: &SpeedTable) -> Option<Reach> {
    travel_times_with(layers, mode, speeds, &mut |_, _, _| {})
}

/// [`travel_times`], reporting its stages (building, joining, routing) to `progress`.
pub fn travel_times_with(
    layers: &Layers,
    mode: Mode,
    speeds: &SpeedTable,
    progress: Progress,
) -> Option<Reach> {
    let zone = zone_for(layers)?;
    let projector = Projector::new(zone);
    progress(Stage::Building, 0, layers.roads.len() as u64);
    let network = RoadNetwork::build(&layers.roads, mode, speeds, &projector);
    let settlement_xy: Vec<Xy> = layers
        .settlements
        .iter()
        .map(|s| projector.project(s.at))
        .collect();
    let facility_xy: Vec<Xy> = layers
        .facilities
        .iter()
        .map(|f| projector.project(f.at))
        .collect();
    let service_points: Vec<usize> = (0..layers.facilities.len())
        .filter(|&i| layers.facilities[i].primary_care)
        .collect();
    let offroad = kmh_to_m_per_min(speeds.offroad_kmh);
    let router = if network.is_empty() {
        Router::StraightLine {
            offroad_m_per_min: offroad,
        }
    } else {
        // Every settlement and every facility joins the network; one graph serves all queries.
        let points = settlement_xy.len() + facility_xy.len();
        let snaps: Vec<Snap> = settlement_xy
            .iter()
            .chain(&facility_xy)
            .enumerate()
            .map(|(i, p)| {
                tick(progress, Stage::Joining, i, points);
                network.snap(*p).expect("network is not empty")
            })
            .collect();
        let (graph, snap_nodes) = network.routing_graph(&snaps);
        let joins: Vec<Join> = snaps
            .iter()
            .zip(&snap_nodes)
            .map(|(s, &node)| Join {
                node,
                offroad_m: s.offroad_m,
                offroad_min: s.offroad_m / offroad,
            })
            .collect();
        let facility_joins = joins[settlement_xy.len()..].to_vec();
        let mut settlement_joins = joins;
        settlement_joins.truncate(settlement_xy.len());
        Router::Network {
            graph,
            settlement_joins,
            facility_joins,
        }
    };
    let mut reach = Reach {
        mode,
        zone,
        network,
        node_minutes: Vec::new(),
        settlements: Vec::new(),
        settlement_xy,
        facility_xy,
        service_points,
        straight_line: matches!(router, Router::StraightLine { .. }),
        router,
    };
    progress(Stage::Routing, 0, reach.graph_nodes() as u64);
    let (nearest, node_minutes) = reach.route(&reach.service_points);
    reach.node_minutes = node_minutes;
    reach.node_minutes.truncate(reach.network.nodes.len());
    reach.settlements = nearest
        .settlements
        .iter()
        .enumerate()
        .map(|(i, n)| SettlementReach {
            minutes: n.map(|(m, _)| m),
            nearest: n.map(|(_, f)| f),
            offroad_m: reach.settlement_offroad_m(i),
        })
        .collect();
    Some(reach)
}

/// Where a point joins the routing graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Join {
    /// The node it joins at.
    pub node: NodeId,
    /// Length of the off-road leg, metres.
    pub offroad_m: f64,
    /// Minutes of the off-road leg.
    pub offroad_min: f64,
}

/// How travel times are computed: over the road network, or in straight lines when a mode has
/// no usable road.
#[derive(Debug)]
pub enum Router {
    /// Over the network: the directed graph with a node for every join.
    Network {
        /// The graph.
        graph: RoutingGraph,
        /// Per settlement, where it joins.
        settlement_joins: Vec<Join>,
        /// Per facility (all of them), where it joins.
        facility_joins: Vec<Join>,
    },
    /// Straight lines at the off-road speed.
    StraightLine {
        /// The off-road speed in metres per minute.
        offroad_m_per_min: f64,
    },
}

/// The search origins for target facilities: each at its join node, carrying its off-road
/// minutes, labelled with its index.
pub fn origins(facility_joins: &[Join], targets: &[usize]) -> Vec<Origin> {
    targets
        .iter()
        .map(|&f| Origin {
            node: facility_joins[f].node,
            minutes: facility_joins[f].offroad_min,
            label: f as u32,
        })
        .collect()
}

/// For every settlement and every facility, the minutes to the nearest of a set of target
/// facilities and which one (`None` when none can be reached). A target facility is 0 minutes
/// from itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    /// Per settlement.
    pub settlements: Vec<Option<(f64, usize)>>,
    /// Per facility.
    pub facilities: Vec<Option<(f64, usize)>>,
}

impl Reach {
    /// Minutes from every settlement and facility to the nearest of `targets` (facility
    /// indices), ties to the lowest index.
    pub fn nearest_among(&self, targets: &[usize]) -> Nearest {
        self.route(targets).0
    }

    /// Nodes of the routing graph (with the join nodes); 0 without roads.
    pub fn graph_nodes(&self) -> usize {
        match &self.router {
            Router::Network { graph, .. } => graph.node_count(),
            Router::StraightLine { .. } => 0,
        }
    }

    /// Directed arcs of the routing graph; 0 without roads.
    pub fn graph_arcs(&self) -> usize {
        match &self.router {
            Router::Network { graph, .. } => graph.arc_count(),
            Router::StraightLine { .. } => 0,
        }
    }

    fn settlement_offroad_m(&self, i: usize) -> Option<f64> {
        match &self.router {
            Router::Network {
                settlement_joins, ..
            } => Some(settlement_joins[i].offroad_m),
            Router::StraightLine { .. } => None,
        }
    }

    /// The nearest target for everyone, and every graph node's minutes to it.
    fn route(&self, targets: &[usize]) -> (Nearest, Vec<f64>) {
        let is_target = |f: usize| targets.contains(&f);
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => {
                let nearest = |p: Xy| {
                    targets
                        .iter()
                        .map(|&t| (p.distance_m(self.facility_xy[t]) / offroad_m_per_min, t))
                        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                };
                let facilities = (0..self.facility_xy.len())
                    .map(|f| {
                        if is_target(f) {
                            Some((0.0, f))
                        } else {
                            nearest(self.facility_xy[f])
                        }
                    })
                    .collect();
                let nearest = Nearest {
                    settlements: self.settlement_xy.iter().map(|p| nearest(*p)).collect(),
                    facilities,
                };
                (nearest, Vec::new())
            }
            Router::Network {
                graph,
                settlement_joins,
                facility_joins,
            } => {
                let (minutes, labels) = nearest_origin(graph, &origins(facility_joins, targets));
                let at = |j: &Join| {
                    let n = j.node as usize;
                    (labels[n] != UNREACHED)
                        .then(|| (j.offroad_min + minutes[n], labels[n] as usize))
                };
                let facilities = facility_joins
                    .iter()
                    .enumerate()
                    .map(|(f, j)| if is_target(f) { Some((0.0, f)) } else { at(j) })
                    .collect();
                let nearest = Nearest {
                    settlements: settlement_joins.iter().map(at).collect(),
                    facilities,
                };
                (nearest, minutes)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_lowest_label() {
        let g = RoutingGraph::from_arcs(3, &[(1, 0, 1.0), (1, 2, 1.0)]);
        let (m, l) = nearest_origin(
            &g,
            &[
                Origin {
                    node: 2,
                    minutes: 0.0,
                    label: 5,
                },
                Origin {
                    node: 0,
                    minutes: 0.0,
                    label: 3,
                },
            ],
        );
        assert_eq!(m[1], 1.0);
        assert_eq!(l[1], 3);
    }

    #[test]
    fn packed_entries_order_like_the_chained_comparison() {
        let values = [
            f64::NEG_INFINITY,
            -1.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::from_bits(1),
            f64::MIN_POSITIVE,
            1e-300,
            0.1,
            0.30000000000000004,
            1.0,
            15.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        let entries: Vec<(f64, u32, NodeId)> = values
            .iter()
            .flat_map(|&m| [(m, 0, 7), (m, 1, 0), (m, 1, 3), (m, u32::MAX, u32::MAX)])
            .collect();
        for &a in &entries {
            let (m, l, n) = unpack(pack(a.0, a.1, a.2));
            assert_eq!((m.to_bits(), l, n), (a.0.to_bits(), a.1, a.2));
            for &b in &entries {
                let chained = a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2));
                // Reverse: the max-heap pops the smallest entry first.
                assert_eq!(
                    pack(a.0, a.1, a.2).cmp(&pack(b.0, b.1, b.2)),
                    chained.reverse()
                );
            }
        }
    }

    #[test]
    fn unreachable_nodes_stay_infinite() {
        let g = RoutingGraph::from_arcs(3, &[(0, 1, 1.0)]);
        let (m, l) = nearest_origin(
            &g,
            &[Origin {
                node: 0,
                minutes: 0.0,
                label: 0,
            }],
        );
        assert!(m[1].is_infinite() && m[2].is_infinite());
        assert_eq!(l[2], UNREACHED);
    }
}
