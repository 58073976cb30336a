//! Travel times for a layer set: the network of a mode, every settlement and facility joined
//! to it, and every settlement's time to its nearest medical service point; straight lines
//! when the mode has no usable road.

pub use super::attach::Join;
use super::attach::{attached_nearest, beside_pairs, origins, Attachment, Splits};
use super::renumber::{renumber, Side, GONE};
use super::search::{
    nearest_origin_progress, nearest_origin_update, nearest_update, Origin, UNREACHED,
};
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
    /// nodes added where settlements join inside a segment (facilities are attached, not
    /// nodes: [`Attachment`]); empty without roads.
    pub node_minutes: Vec<f64>,
    /// Per node of the routing graph: its nearest medical service point (facility index), or
    /// [`UNREACHED`]; what an edit's search starts from ([`travel_times_after`]).
    pub node_labels: Vec<u32>,
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
/// its network when the roads, the mode and the plane are the same; its routing graph and the
/// settlements' joins too when the settlements are the same (a facility added, moved, deleted
/// or changed), and then its search, updated only where the facilities that changed can
/// change it ([`nearest_origin_update`]). The result is bit for bit that of
/// [`travel_times_with`].
pub fn travel_times_after(
    layers: &Layers,
    mode: Mode,
    speeds: &SpeedTable,
    progress: Progress,
    prior: Option<Prior>,
) -> Option<Reach> {
    let zone = zone_for(layers)?;
    let projector = Projector::new(zone);
    let Reused {
        network,
        kept,
        roads_before,
        settlement_xy,
    } = reuse(layers, mode, zone, prior);
    let settlement_xy: Vec<Xy> = settlement_xy.unwrap_or_else(|| {
        layers
            .settlements
            .iter()
            .map(|s| projector.project(s.at))
            .collect()
    });
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
    let network = network.unwrap_or_else(|| {
        progress(Stage::Building, 0, layers.roads.len() as u64);
        RoadNetwork::build(&layers.roads, mode, speeds, &projector)
    });
    let (router, before) = if network.is_empty() {
        let router = Router::StraightLine {
            offroad_m_per_min: offroad,
        };
        (router, None)
    } else {
        let (graph, settlement_joins, splits, before) = match kept {
            Some(k) => (k.graph, k.settlement_joins, k.splits, Some(k.search)),
            None => {
                let (graph, joins) = settlement_graph(&network, &settlement_xy, offroad, progress);
                let splits = Splits::of(&joins);
                (graph, joins, splits, None)
            }
        };
        let facility_joins: Vec<Attachment> = facility_xy
            .iter()
            .map(|p| {
                let snap = network.snap(*p).expect("network is not empty");
                Attachment::new(&network, &splits, snap, offroad)
            })
            .collect();
        let beside = beside_pairs(&facility_joins, &network);
        let router = Router::Network {
            graph,
            settlement_joins,
            facility_joins,
            splits,
            beside,
            offroad_m_per_min: offroad,
        };
        (router, before)
    };
    let mut reach = Reach {
        mode,
        zone,
        network,
        node_minutes: Vec::new(),
        node_labels: Vec::new(),
        settlements: Vec::new(),
        settlement_xy,
        facility_xy,
        service_points,
        straight_line: matches!(router, Router::StraightLine { .. }),
        router,
    };
    progress(Stage::Routing, 0, reach.graph_nodes() as u64);
    let (minutes, labels) = match (before, roads_before) {
        (Some(before), _) => reach.search_update(before),
        (None, Some(roads_before)) => reach.search_after_roads(roads_before, layers.roads.len()),
        (None, None) => reach.search(&reach.service_points, &mut |done, total| {
            progress(Stage::Routing, done as u64, total as u64)
        }),
    };
    let nearest = reach.nearest_from(&minutes, &labels, &reach.service_points);
    reach.node_minutes = minutes;
    reach.node_labels = labels;
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

/// The graph over `network` with a node wherever a settlement joins inside a segment, and the
/// settlements' joins (reporting the joining to `progress`).
fn settlement_graph(
    network: &RoadNetwork,
    settlement_xy: &[Xy],
    offroad_m_per_min: f64,
    progress: Progress,
) -> (RoutingGraph, Vec<Join>) {
    let snaps: Vec<Snap> = network
        .snap_many(settlement_xy, &mut |i| {
            tick(progress, Stage::Joining, i, settlement_xy.len())
        })
        .into_iter()
        .map(|s| s.expect("network is not empty"))
        .collect();
    let (graph, snap_nodes) = network.routing_graph(&snaps);
    let joins = snaps
        .iter()
        .zip(&snap_nodes)
        .map(|(s, &node)| Join {
            node,
            offroad_m: s.offroad_m,
            offroad_min: s.offroad_m / offroad_m_per_min,
            snap: *s,
        })
        .collect();
    (graph, joins)
}

/// What an earlier computation over the same roads and settlements leaves: its graph, the
/// settlements' joins, and its search with the facilities it was made for.
struct Kept {
    graph: RoutingGraph,
    settlement_joins: Vec<Join>,
    splits: Splits,
    search: Before,
}

/// An earlier search: every node's minutes and label, for those facilities and targets.
struct Before {
    node_minutes: Vec<f64>,
    node_labels: Vec<u32>,
    facility_joins: Vec<Attachment>,
    service_points: Vec<FacilityId>,
}

/// An earlier search over other roads, for the same settlements and facilities: what
/// [`Reach::search_after_roads`] updates.
struct RoadsBefore {
    /// The network's segments.
    segments: Vec<crate::engine::network::Segment>,
    /// The graph's nodes inside segments.
    splits: Splits,
    /// The number of graph nodes.
    nodes: usize,
    /// The number of roads, and how many are alike at the start and at the end of the
    /// lists before and now.
    roads: usize,
    head: usize,
    tail: usize,
    search: Before,
}

/// Per facility of `count`, whether it is one of `targets`.
fn target_flags(targets: &[FacilityId], count: usize) -> Vec<bool> {
    let mut flags = vec![false; count];
    targets.iter().for_each(|f| flags[f.index()] = true);
    flags
}

/// What an earlier computation leaves to reuse ([`reuse`]).
#[derive(Default)]
struct Reused {
    /// Its network, when its roads are the same.
    network: Option<RoadNetwork>,
    /// Its graph, joins and search, when its roads and settlements are the same.
    kept: Option<Kept>,
    /// Its search over other roads, when only roads differ.
    roads_before: Option<RoadsBefore>,
    /// The settlements' positions in the plane, when they are the same settlements.
    settlement_xy: Option<Vec<Xy>>,
}

/// What `prior` leaves to reuse for `layers` in `mode` and `zone` ([`Reused`]).
fn reuse(layers: &Layers, mode: Mode, zone: UtmZone, prior: Option<Prior>) -> Reused {
    let Some(p) = prior.filter(|p| p.reach.mode == mode && p.reach.zone == zone) else {
        return Reused::default();
    };
    let same_settlements = p.layers.settlements.len() == layers.settlements.len()
        && p.layers
            .settlements
            .iter()
            .zip(&layers.settlements)
            .all(|(a, b)| a.at == b.at);
    let Reach {
        network,
        router,
        node_minutes,
        node_labels,
        service_points,
        settlement_xy,
        ..
    } = p.reach;
    let settlement_xy = same_settlements.then_some(settlement_xy);
    let Router::Network {
        graph,
        settlement_joins,
        facility_joins,
        splits,
        ..
    } = router
    else {
        let same_roads = p.layers.roads == layers.roads;
        return Reused {
            network: same_roads.then_some(network),
            settlement_xy,
            ..Reused::default()
        };
    };
    let search = Before {
        node_minutes,
        node_labels,
        facility_joins,
        service_points,
    };
    let (old, new) = (&p.layers.roads, &layers.roads);
    let max = old.len().min(new.len());
    let head = (0..max).take_while(|&i| old[i] == new[i]).count();
    if head == old.len() && head == new.len() {
        let kept = same_settlements.then_some(Kept {
            graph,
            settlement_joins,
            splits,
            search,
        });
        return Reused {
            network: Some(network),
            kept,
            settlement_xy,
            ..Reused::default()
        };
    }
    if !same_settlements || p.layers.facilities != layers.facilities {
        return Reused {
            settlement_xy,
            ..Reused::default()
        };
    }
    let tail = (0..max - head)
        .take_while(|&k| old[old.len() - 1 - k] == new[new.len() - 1 - k])
        .count();
    let before = RoadsBefore {
        segments: network.segments,
        splits,
        nodes: graph.node_count(),
        roads: old.len(),
        head,
        tail,
        search,
    };
    Reused {
        roads_before: Some(before),
        settlement_xy,
        ..Reused::default()
    }
}

/// How travel times are computed: over the road network, or in straight lines when a mode has
/// no usable road.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // One per analysis: boxing the graph would gain nothing.
pub enum Router {
    /// Over the network: the directed graph with a node for every settlement's join, and
    /// the facilities attached to it.
    Network {
        /// The graph.
        graph: RoutingGraph,
        /// Per settlement, where it joins.
        settlement_joins: Vec<Join>,
        /// Per facility (all of them), where it is attached.
        facility_joins: Vec<Attachment>,
        /// The graph's nodes inside segments, for attaching points.
        splits: Splits,
        /// Facilities attached inside the same stretch of road, each leading straight to the
        /// other: `(from, to, minutes)`, by `from` ([`Attachment::beside`]).
        beside: Vec<(u32, u32, f64)>,
        /// The off-road speed in metres per minute.
        offroad_m_per_min: f64,
    },
    /// Straight lines at the off-road speed.
    StraightLine {
        /// The off-road speed in metres per minute.
        offroad_m_per_min: f64,
    },
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
        let (minutes, labels) = self.search(targets, on_progress);
        (self.nearest_from(&minutes, &labels, targets), minutes)
    }

    /// The whole search from `targets`: every graph node's minutes and label (empty without
    /// roads).
    fn search(
        &self,
        targets: &[FacilityId],
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> (Vec<f64>, Vec<u32>) {
        match &self.router {
            Router::StraightLine { .. } => (Vec::new(), Vec::new()),
            Router::Network {
                graph,
                facility_joins,
                ..
            } => nearest_origin_progress(graph, &origins(facility_joins, targets), on_progress),
        }
    }

    /// The search of [`Reach::search`] for this reach's service points, from `before`'s over
    /// the same graph: the facilities are lined up with the earlier ones (those unchanged at
    /// the start and at the end of the list keep their place, in order), and the search is
    /// updated for the ones that changed ([`nearest_origin_update`]).
    fn search_update(&self, before: Before) -> (Vec<f64>, Vec<u32>) {
        let Router::Network {
            graph,
            facility_joins,
            ..
        } = &self.router
        else {
            return (Vec::new(), Vec::new());
        };
        let (old, new) = (&before.facility_joins, facility_joins);
        let old_target = target_flags(&before.service_points, old.len());
        let new_target = target_flags(&self.service_points, new.len());
        let same = |i: usize, j: usize| old[i] == new[j] && old_target[i] == new_target[j];
        let max = old.len().min(new.len());
        let head = (0..max).take_while(|&i| same(i, i)).count();
        let tail = (0..max - head)
            .take_while(|&k| same(old.len() - 1 - k, new.len() - 1 - k))
            .count();
        let relabel: Vec<u32> = (0..old.len())
            .map(|i| match i {
                i if i < head => i as u32,
                i if i >= old.len() - tail => (i + new.len() - old.len()) as u32,
                _ => UNREACHED,
            })
            .collect();
        let added: Vec<FacilityId> = (head..new.len() - tail)
            .filter(|&j| new_target[j])
            .map(FacilityId)
            .collect();
        let (mut minutes, mut labels) = (before.node_minutes, before.node_labels);
        nearest_origin_update(
            graph,
            &mut minutes,
            &mut labels,
            &relabel,
            &origins(facility_joins, &added),
            &origins(facility_joins, &self.service_points),
        );
        (minutes, labels)
    }

    /// The search of [`Reach::search`] for this reach's service points, from `before`'s over
    /// other roads (`roads` of them now): the graph's nodes before are matched with its nodes
    /// now ([`renumber`]), and the search is updated around the roads that changed, the
    /// settlements joined elsewhere and the facilities attached elsewhere ([`nearest_update`]).
    /// The whole search when the networks do not match.
    fn search_after_roads(&self, before: RoadsBefore, roads: usize) -> (Vec<f64>, Vec<u32>) {
        let Router::Network {
            graph,
            facility_joins,
            splits,
            ..
        } = &self.router
        else {
            return (Vec::new(), Vec::new());
        };
        let sides = (
            Side {
                segments: &before.segments,
                splits: &before.splits,
                nodes: before.nodes,
                roads: before.roads,
            },
            Side {
                segments: &self.network.segments,
                splits,
                nodes: graph.node_count(),
                roads,
            },
        );
        // The facilities are the same ([`reuse`]), so the service points and labels are too.
        let Some(renumbered) = renumber(&sides.0, &sides.1, before.head, before.tail) else {
            return self.search(&self.service_points, &mut |_, _| {});
        };
        let mut minutes = vec![f64::INFINITY; graph.node_count()];
        let mut labels = vec![UNREACHED; graph.node_count()];
        for (u, &v) in renumbered
            .now
            .iter()
            .enumerate()
            .filter(|(_, &v)| v != GONE)
        {
            minutes[v as usize] = before.search.node_minutes[u];
            labels[v as usize] = before.search.node_labels[u];
        }
        let mut changed = renumbered.changed;
        for &f in &self.service_points {
            let label = f.index() as u32;
            let was: Vec<Origin> = before.search.facility_joins[f.index()]
                .origins(label)
                .map(|o| Origin {
                    node: renumbered.now[o.node as usize],
                    ..o
                })
                .collect();
            let is: Vec<Origin> = facility_joins[f.index()].origins(label).collect();
            if was != is {
                changed.extend(was.iter().chain(&is).map(|o| o.node).filter(|&v| v != GONE));
            }
        }
        nearest_update(
            graph,
            &mut minutes,
            &mut labels,
            &changed,
            &origins(facility_joins, &self.service_points),
        );
        (minutes, labels)
    }

    /// For every settlement and facility, its nearest of `targets` from every graph node's
    /// `minutes` and `labels` (of a search from them); straight lines without roads.
    fn nearest_from(&self, minutes: &[f64], labels: &[u32], targets: &[FacilityId]) -> Nearest {
        let is_target = target_flags(targets, self.facility_xy.len());
        let facility = |f: FacilityId, other: &dyn Fn(FacilityId) -> Option<(f64, FacilityId)>| {
            if is_target[f.index()] {
                Some((0.0, f))
            } else {
                other(f)
            }
        };
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => {
                let nearest = |p: Xy| self.straight_nearest(p, targets, *offroad_m_per_min);
                Nearest {
                    settlements: self.settlement_xy.iter().map(|p| nearest(*p)).collect(),
                    facilities: (0..self.facility_xy.len())
                        .map(|f| facility(FacilityId(f), &|f| nearest(self.facility_xy[f.index()])))
                        .collect(),
                }
            }
            Router::Network {
                settlement_joins,
                facility_joins,
                beside,
                ..
            } => {
                let node = |n: NodeId| (minutes[n as usize], labels[n as usize]);
                let at = |j: &Join| {
                    let (m, l) = node(j.node);
                    (l != UNREACHED).then_some((j.offroad_min + m, FacilityId(l as usize)))
                };
                let attached = |f: FacilityId| {
                    attached_nearest(facility_joins, beside, f.index(), |j| is_target[j], node).map(
                        |(m, l)| {
                            let offroad = facility_joins[f.index()].offroad_min;
                            (offroad + m, FacilityId(l as usize))
                        },
                    )
                };
                Nearest {
                    settlements: settlement_joins.iter().map(at).collect(),
                    facilities: (0..facility_joins.len())
                        .map(|f| facility(FacilityId(f), &attached))
                        .collect(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::random::SplitMix64 as Rng;

    /// Every node's minutes and label, and every settlement's minutes and nearest.
    type Bits = (Vec<u64>, Vec<u32>, Vec<Option<(u64, usize)>>);

    /// Everything the search gives, as bits.
    fn bits(r: &Reach) -> Bits {
        (
            r.node_minutes.iter().map(|m| m.to_bits()).collect(),
            r.node_labels.clone(),
            r.settlements
                .iter()
                .map(|s| Some((s.minutes?.to_bits(), s.nearest?.index())))
                .collect(),
        )
    }

    /// What an edit of the property tests below leaves to check: the layers before and now,
    /// the graph before (its segments, inner nodes and node count) and the reach now.
    struct Edited<'a> {
        before: &'a Layers,
        layers: &'a Layers,
        graph_before: (Vec<crate::engine::network::Segment>, Splits, usize),
        reach: &'a Reach,
    }

    /// Makes `steps` edits of `base` with `edit` by car and on foot, each computed from the
    /// one before ([`travel_times_after`]), and checks that each gives what a fresh
    /// computation gives, bit for bit; then `more` checks what else it should.
    fn edits_give_the_fresh_result(
        base: &Layers,
        seed: u64,
        steps: usize,
        edit: &mut dyn FnMut(&mut Layers, &Reach, &mut Rng),
        more: &mut dyn FnMut(&Edited, &Reach),
    ) {
        let speeds = SpeedTable::default();
        for mode in [Mode::Walk, Mode::Drive] {
            let mut rng = Rng(mode as u64 + seed);
            let mut layers = base.clone();
            let mut reach = travel_times(&layers, mode, &speeds).unwrap();
            for step in 0..steps {
                let before = layers.clone();
                edit(&mut layers, &reach, &mut rng);
                let graph_before = graph_of(&reach);
                let prior = Prior {
                    layers: &before,
                    reach,
                };
                reach = travel_times_after(&layers, mode, &speeds, &mut |_, _, _| {}, Some(prior))
                    .unwrap();
                let fresh = travel_times(&layers, mode, &speeds).unwrap();
                assert!(bits(&reach) == bits(&fresh), "{mode:?} step {step}");
                let edited = Edited {
                    before: &before,
                    layers: &layers,
                    graph_before,
                    reach: &reach,
                };
                more(&edited, &fresh);
            }
        }
    }

    #[test]
    fn facility_edits_reusing_the_search_before_give_the_fresh_result_bit_for_bit() {
        let base = crate::devtools::synthetic::generate(20_000, 5);
        let mut edit = |layers: &mut Layers, _: &Reach, rng: &mut Rng| {
            let n = layers.facilities.len() as u64;
            assert!(n > 0, "the synthetic layers have facilities");
            let pick = rng.below(n) as usize;
            match if n < 3 { 0 } else { rng.below(5) } {
                // A facility added where a settlement is, or next to another facility.
                0 | 1 => {
                    let mut f = layers.facilities[pick].clone();
                    if rng.below(2) == 0 {
                        let s = rng.below(layers.settlements.len() as u64) as usize;
                        f.at = layers.settlements[s].at;
                    }
                    f.primary_care = rng.below(4) != 0;
                    let at = rng.below(n + 1) as usize;
                    layers.facilities.insert(at, f);
                }
                2 => {
                    layers.facilities.remove(pick);
                }
                3 => {
                    let s = rng.below(layers.settlements.len() as u64) as usize;
                    layers.facilities[pick].at = layers.settlements[s].at;
                }
                _ => {
                    let f = &mut layers.facilities[pick];
                    f.primary_care = !f.primary_care;
                }
            }
        };
        edits_give_the_fresh_result(&base, 40, 24, &mut edit, &mut |e, fresh| {
            let all: Vec<FacilityId> = e.layers.facility_ids().collect();
            assert_eq!(e.reach.nearest_among(&all), fresh.nearest_among(&all));
        });
    }

    #[test]
    fn road_edits_updating_the_search_before_give_the_fresh_result_bit_for_bit() {
        let base = crate::devtools::synthetic::generate(3_000, 9);
        let mut closed = Vec::new();
        let mut edit = |layers: &mut Layers, reach: &Reach, rng: &mut Rng| {
            let road_at = |p: Xy| {
                let seg = reach.network.snap(p).map(|s| s.segment);
                seg.map_or(0, |k| reach.network.segments[k as usize].road as usize)
            };
            // Often a road where a settlement or a facility joins.
            let pick = match rng.below(3) {
                0 => road_at(reach.facility_xy[rng.below(layers.facilities.len() as u64) as usize]),
                1 => road_at(
                    reach.settlement_xy[rng.below(layers.settlements.len() as u64) as usize],
                ),
                _ => rng.below(layers.roads.len() as u64) as usize,
            };
            match rng.below(6) {
                // Closed, and now and then opened again where it was.
                0 | 1 => closed.push((pick, layers.roads.remove(pick))),
                2 if !closed.is_empty() => {
                    let (at, road) = closed.pop().unwrap();
                    layers.roads.insert(at.min(layers.roads.len()), road);
                }
                2 | 3 => {
                    let r = &mut layers.roads[pick];
                    r.speed_kmh = Some([5.0, 30.0, 80.0, 7.3][rng.below(4) as usize]);
                }
                _ => {
                    let classes = ["footway", "residential", "primary", "steps", "track"];
                    layers.roads[pick].class = classes[rng.below(5) as usize].to_string();
                }
            }
        };
        // The update, not the whole search, gave it: the nodes match, and few changed.
        edits_give_the_fresh_result(&base, 70, 100, &mut edit, &mut |e, _| {
            let (now_segments, now_splits, now_nodes) = graph_of(e.reach);
            let (old, new) = (&e.before.roads, &e.layers.roads);
            let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
            let max = old.len().min(new.len()) - head;
            let tail = (0..max)
                .take_while(|&k| old[old.len() - 1 - k] == new[new.len() - 1 - k])
                .count();
            let (segments, splits, nodes) = &e.graph_before;
            let side = |segments, splits, nodes, roads| Side {
                segments,
                splits,
                nodes,
                roads,
            };
            let renumbered = renumber(
                &side(segments, splits, *nodes, old.len()),
                &side(&now_segments, &now_splits, now_nodes, new.len()),
                head,
                tail,
            )
            .expect("the graphs match");
            let mut changed = renumbered.changed;
            changed.sort_unstable();
            changed.dedup();
            assert!(
                changed.len() < now_nodes / 20,
                "{} of {now_nodes} nodes changed",
                changed.len()
            );
        });
    }

    /// The network's segments, the graph's nodes inside them and its number of nodes.
    fn graph_of(r: &Reach) -> (Vec<crate::engine::network::Segment>, Splits, usize) {
        let Router::Network { splits, graph, .. } = &r.router else {
            panic!("the synthetic county has roads");
        };
        (
            r.network.segments.clone(),
            splits.clone(),
            graph.node_count(),
        )
    }
}
