//! Travel times for a layer set: the network of a mode, every settlement and facility joined
//! to it, and every settlement's time to its nearest medical service point; straight lines
//! when the mode has no usable road.

use super::search::{nearest_origin_progress, Origin, UNREACHED};
use crate::engine::crs::{LonLat, Projector, UtmZone, Xy};
use crate::engine::model::{FacilityId, Layers, SettlementId};
use crate::engine::network::{
    kmh_to_m_per_min, Mode, NodeId, RoadNetwork, RoutingGraph, Snap, SpeedTable,
};
use crate::engine::progress::{tick, Progress, Stage};
use serde::{Deserialize, Serialize};

/// The result for one settlement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementReach {
    /// Total minutes to the nearest medical service point, `None` when none can be reached.
    pub minutes: Option<f64>,
    /// That facility (of the analysed [`Layers`]).
    pub nearest: Option<FacilityId>,
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
    /// Per node of the routing graph: minutes to the nearest medical service point (infinite
    /// if none). The network's base nodes come first (`network.nodes`' indices), then the
    /// nodes added where settlements and facilities join inside a segment; empty without
    /// roads.
    pub node_minutes: Vec<f64>,
    /// Per settlement, in the order of the layers.
    pub settlements: Vec<SettlementReach>,
    /// Projected settlement positions, in metres.
    pub settlement_xy: Vec<Xy>,
    /// Projected facility positions, in metres.
    pub facility_xy: Vec<Xy>,
    /// The facilities that count as medical service points.
    pub service_points: Vec<FacilityId>,
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

/// [`travel_times`], reporting the start of its stages (building, joining, routing) to
/// `progress`.
pub fn travel_times_with(
    layers: &Layers,
    mode: Mode,
    speeds: &SpeedTable,
    progress: Progress,
) -> Option<Reach> {
    travel_times_after(layers, mode, speeds, progress, None)
}

/// What an earlier computation leaves to reuse: the layers it was over and its travel times,
/// computed with the same speed table.
pub struct Prior<'a> {
    /// The layers.
    pub layers: &'a Layers,
    /// Their travel times.
    pub reach: Reach,
}

/// [`travel_times_with`], reusing what `prior` computed that the new layers leave unchanged:
/// its network when the roads, the mode and the plane are the same (a facility added, moved or
/// deleted), and the settlements' joins too when they are the same. The same functions on the
/// same inputs: the result is bit for bit that of [`travel_times_with`].
pub fn travel_times_after(
    layers: &Layers,
    mode: Mode,
    speeds: &SpeedTable,
    progress: Progress,
    prior: Option<Prior>,
) -> Option<Reach> {
    let zone = zone_for(layers)?;
    let projector = Projector::new(zone);
    let (network, settlement_snaps) =
        network_and_joins(layers, mode, speeds, &projector, zone, progress, prior);
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
    let service_points: Vec<FacilityId> = layers
        .facility_ids()
        .filter(|&i| layers.facility(i).primary_care)
        .collect();
    let offroad = kmh_to_m_per_min(speeds.offroad_kmh);
    let router = if network.is_empty() {
        Router::StraightLine {
            offroad_m_per_min: offroad,
        }
    } else {
        // Every settlement and every facility joins the network; one graph serves all queries.
        let points = settlement_xy.len() + facility_xy.len();
        let snaps: Vec<Snap> = match settlement_snaps {
            Some(known) => known
                .into_iter()
                .chain(
                    facility_xy
                        .iter()
                        .map(|p| network.snap(*p).expect("network is not empty")),
                )
                .collect(),
            None => settlement_xy
                .iter()
                .chain(&facility_xy)
                .enumerate()
                .map(|(i, p)| {
                    tick(progress, Stage::Joining, i, points);
                    network.snap(*p).expect("network is not empty")
                })
                .collect(),
        };
        let (graph, snap_nodes) = network.routing_graph(&snaps);
        let joins: Vec<Join> = snaps
            .iter()
            .zip(&snap_nodes)
            .map(|(s, &node)| Join {
                node,
                offroad_m: s.offroad_m,
                offroad_min: s.offroad_m / offroad,
                snap: *s,
            })
            .collect();
        let facility_joins = joins[settlement_xy.len()..].to_vec();
        let mut settlement_joins = joins;
        settlement_joins.truncate(settlement_xy.len());
        Router::Network {
            graph,
            settlement_joins,
            facility_joins,
            offroad_m_per_min: offroad,
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
    let (nearest, node_minutes) = reach.route(&reach.service_points, &mut |done, total| {
        progress(Stage::Routing, done as u64, total as u64)
    });
    reach.node_minutes = node_minutes;
    reach.settlements = nearest
        .settlements
        .iter()
        .enumerate()
        .map(|(i, n)| SettlementReach {
            minutes: n.map(|(m, _)| m),
            nearest: n.map(|(_, f)| f),
            offroad_m: reach.settlement_offroad_m(SettlementId(i)),
        })
        .collect();
    Some(reach)
}

/// The network of `mode` for `layers`, and the settlements' joins when they can be kept:
/// `prior`'s when its roads, mode and plane are the same (and its settlements, for the joins),
/// else built afresh.
fn network_and_joins(
    layers: &Layers,
    mode: Mode,
    speeds: &SpeedTable,
    projector: &Projector,
    zone: UtmZone,
    progress: Progress,
    prior: Option<Prior>,
) -> (RoadNetwork, Option<Vec<Snap>>) {
    let reusable = prior
        .filter(|p| p.reach.mode == mode && p.reach.zone == zone && p.layers.roads == layers.roads);
    match reusable {
        Some(p) => {
            let same_settlements = p.layers.settlements.len() == layers.settlements.len()
                && p.layers
                    .settlements
                    .iter()
                    .zip(&layers.settlements)
                    .all(|(a, b)| a.at == b.at);
            let snaps = match (&p.reach.router, same_settlements) {
                (
                    Router::Network {
                        settlement_joins, ..
                    },
                    true,
                ) => Some(settlement_joins.iter().map(|j| j.snap).collect::<Vec<_>>()),
                _ => None,
            };
            (p.reach.network, snaps)
        }
        None => {
            progress(Stage::Building, 0, layers.roads.len() as u64);
            let network = RoadNetwork::build(&layers.roads, mode, speeds, projector);
            (network, None)
        }
    }
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
    /// Where on the network it joins (segment, position, point).
    pub snap: Snap,
}

/// How travel times are computed: over the road network, or in straight lines when a mode has
/// no usable road.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // One per analysis: boxing the graph would gain nothing.
pub enum Router {
    /// Over the network: the directed graph with a node for every join.
    Network {
        /// The graph.
        graph: RoutingGraph,
        /// Per settlement, where it joins.
        settlement_joins: Vec<Join>,
        /// Per facility (all of them), where it joins.
        facility_joins: Vec<Join>,
        /// The off-road speed in metres per minute.
        offroad_m_per_min: f64,
    },
    /// Straight lines at the off-road speed.
    StraightLine {
        /// The off-road speed in metres per minute.
        offroad_m_per_min: f64,
    },
}

/// The search origins for target facilities: each at its join node, carrying its off-road
/// minutes, labelled with its index.
pub fn origins(facility_joins: &[Join], targets: &[FacilityId]) -> Vec<Origin> {
    targets
        .iter()
        .map(|&f| Origin {
            node: facility_joins[f.index()].node,
            minutes: facility_joins[f.index()].offroad_min,
            label: f.index() as u32,
        })
        .collect()
}

/// For every settlement and every facility, the minutes to the nearest of a set of target
/// facilities and which one (`None` when none can be reached). A target facility is 0 minutes
/// from itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    /// Per settlement.
    pub settlements: Vec<Option<(f64, FacilityId)>>,
    /// Per facility (by [`FacilityId::index`]).
    pub facilities: Vec<Option<(f64, FacilityId)>>,
}

impl Nearest {
    /// Settlement `s`'s minutes to the nearest target and which.
    pub fn settlement(&self, s: SettlementId) -> Option<(f64, FacilityId)> {
        self.settlements[s.index()]
    }

    /// Facility `f`'s minutes to the nearest target and which.
    pub fn facility(&self, f: FacilityId) -> Option<(f64, FacilityId)> {
        self.facilities[f.index()]
    }
}

impl Reach {
    /// Settlement `s`'s travel time.
    pub fn settlement(&self, s: SettlementId) -> &SettlementReach {
        &self.settlements[s.index()]
    }

    /// Minutes from every settlement and facility to the nearest of `targets` (facility
    /// ids), ties to the lowest index.
    pub fn nearest_among(&self, targets: &[FacilityId]) -> Nearest {
        self.route(targets, &mut |_, _| {}).0
    }

    /// In straight lines at `m_per_min`: the minutes from `p` to the nearest of `targets` and
    /// which (ties to the lowest index).
    pub(crate) fn straight_nearest(
        &self,
        p: Xy,
        targets: &[FacilityId],
        m_per_min: f64,
    ) -> Option<(f64, FacilityId)> {
        targets
            .iter()
            .map(|&t| (p.distance_m(self.facility_xy[t.index()]) / m_per_min, t))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
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

    fn settlement_offroad_m(&self, i: SettlementId) -> Option<f64> {
        match &self.router {
            Router::Network {
                settlement_joins, ..
            } => Some(settlement_joins[i.index()].offroad_m),
            Router::StraightLine { .. } => None,
        }
    }

    /// The nearest target for everyone, and every graph node's minutes to it.
    fn route(
        &self,
        targets: &[FacilityId],
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> (Nearest, Vec<f64>) {
        let is_target = |f: FacilityId| targets.contains(&f);
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => {
                let nearest = |p: Xy| self.straight_nearest(p, targets, *offroad_m_per_min);
                let facilities = (0..self.facility_xy.len())
                    .map(FacilityId)
                    .map(|f| {
                        if is_target(f) {
                            Some((0.0, f))
                        } else {
                            nearest(self.facility_xy[f.index()])
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
                ..
            } => {
                let (minutes, labels) =
                    nearest_origin_progress(graph, &origins(facility_joins, targets), on_progress);
                let at = |j: &Join| {
                    let n = j.node as usize;
                    (labels[n] != UNREACHED)
                        .then(|| (j.offroad_min + minutes[n], FacilityId(labels[n] as usize)))
                };
                let facilities = facility_joins
                    .iter()
                    .enumerate()
                    .map(|(f, j)| {
                        let f = FacilityId(f);
                        if is_target(f) {
                            Some((0.0, f))
                        } else {
                            at(j)
                        }
                    })
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
