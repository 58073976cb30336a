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
use crate::projection::{LonLat, Projector, UtmZone, Xy};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
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

#[derive(Clone, Copy, PartialEq)]
struct HeapItem {
    minutes: f64,
    label: u32,
    node: NodeId,
}

impl Eq for HeapItem {}

impl Ord for HeapItem {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the smallest (minutes, label) pops first.
        other
            .minutes
            .total_cmp(&self.minutes)
            .then(other.label.cmp(&self.label))
            .then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
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
    let mut heap = BinaryHeap::with_capacity(origins.len() * 4);
    let better = |m: f64, l: u32, bm: f64, bl: u32| m < bm || (m == bm && l < bl);
    for o in origins {
        let i = o.node as usize;
        if better(o.minutes, o.label, minutes[i], labels[i]) {
            minutes[i] = o.minutes;
            labels[i] = o.label;
            heap.push(HeapItem {
                minutes: o.minutes,
                label: o.label,
                node: o.node,
            });
        }
    }
    while let Some(HeapItem {
        minutes: m,
        label,
        node,
    }) = heap.pop()
    {
        if m != minutes[node as usize] || label != labels[node as usize] {
            continue;
        }
        for (tail, w) in graph.incoming(node) {
            let t = tail as usize;
            let nm = m + w;
            if better(nm, label, minutes[t], labels[t]) {
                minutes[t] = nm;
                labels[t] = label;
                heap.push(HeapItem {
                    minutes: nm,
                    label,
                    node: tail,
                });
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
    /// Nodes and arcs of the routing graph (with the snap nodes).
    pub graph_nodes: usize,
    /// Directed arcs in the routing graph.
    pub graph_arcs: usize,
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
    let zone = zone_for(layers)?;
    let projector = Projector::new(zone);
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
    if network.is_empty() {
        let settlements = settlement_xy
            .iter()
            .map(|p| straight_line_nearest(*p, &facility_xy, &service_points, offroad))
            .collect();
        return Some(Reach {
            mode,
            zone,
            network,
            node_minutes: Vec::new(),
            settlements,
            settlement_xy,
            facility_xy,
            service_points,
            straight_line: true,
            graph_nodes: 0,
            graph_arcs: 0,
        });
    }
    // Snap settlements first, then the service points, in one list.
    let snaps: Vec<Snap> = settlement_xy
        .iter()
        .chain(service_points.iter().map(|&i| &facility_xy[i]))
        .map(|p| network.snap(*p).expect("network is not empty"))
        .collect();
    let (graph, snap_nodes) = network.routing_graph(&snaps);
    let ns = settlement_xy.len();
    let origins: Vec<Origin> = service_points
        .iter()
        .enumerate()
        .map(|(k, &fi)| Origin {
            node: snap_nodes[ns + k],
            minutes: snaps[ns + k].offroad_m / offroad,
            label: fi as u32,
        })
        .collect();
    let (minutes, labels) = nearest_origin(&graph, &origins);
    let settlements = (0..ns)
        .map(|i| {
            let node = snap_nodes[i] as usize;
            let reached = labels[node] != UNREACHED;
            SettlementReach {
                minutes: reached.then(|| snaps[i].offroad_m / offroad + minutes[node]),
                nearest: reached.then_some(labels[node] as usize),
                offroad_m: Some(snaps[i].offroad_m),
            }
        })
        .collect();
    let node_minutes = minutes[..network.nodes.len()].to_vec();
    Some(Reach {
        mode,
        zone,
        graph_nodes: graph.node_count(),
        graph_arcs: graph.arc_count(),
        network,
        node_minutes,
        settlements,
        settlement_xy,
        facility_xy,
        service_points,
        straight_line: false,
    })
}

fn straight_line_nearest(
    p: Xy,
    facility_xy: &[Xy],
    service_points: &[usize],
    offroad: f64,
) -> SettlementReach {
    let best = service_points
        .iter()
        .map(|&i| (p.distance_m(facility_xy[i]) / offroad, i))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    SettlementReach {
        minutes: best.map(|b| b.0),
        nearest: best.map(|b| b.1),
        offroad_m: None,
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
