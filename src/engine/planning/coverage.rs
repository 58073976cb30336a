//! Candidate sites joined to the analysis's own network (no network is built again): who each
//! would bring within the limit, from searches that stop at the limit, and everyone's time once
//! some are chosen, from one multi-source search over the network with just those sites joined —
//! the same graph, sums and ties as the travel times of the data with the sites added. Without
//! roads, straight lines at the off-road speed.

use crate::engine::crs::{LonLat, Projector, Xy};
use crate::engine::model::FacilityId;
use crate::engine::network::{RoutingGraph, Snap};
use crate::engine::routing::{nearest_origin, origins, Catchments, Join, Reach, Router, UNREACHED};

/// Sites placed on an analysis: projected, and joined to its network when it has one.
pub(super) struct Placed<'a> {
    reach: &'a Reach,
    /// Projected positions.
    xy: Vec<Xy>,
    /// Where each joins the network (`None` without roads).
    snaps: Option<Vec<Snap>>,
}

impl<'a> Placed<'a> {
    /// `sites` placed in `reach`'s plane and joined to its network.
    pub(super) fn new(reach: &'a Reach, sites: &[LonLat]) -> Placed<'a> {
        let projector = Projector::new(reach.zone);
        let xy: Vec<Xy> = sites.iter().map(|&p| projector.project(p)).collect();
        let snaps = xy.iter().map(|&p| reach.network.snap(p)).collect();
        Placed { reach, xy, snaps }
    }

    /// Length of site `j`'s off-road leg, metres (`None` without roads).
    pub(super) fn offroad_m(&self, j: usize) -> Option<f64> {
        self.snaps.as_ref().map(|s| s[j].offroad_m)
    }

    /// The routing graph with every settlement, every facility and the sites `which` joined,
    /// in that order (as the travel times join them), and the joins of the settlements, the
    /// facilities and those sites.
    fn graph(&self, which: &[usize]) -> Option<(RoutingGraph, Vec<Join>, Vec<Join>)> {
        let Router::Network {
            settlement_joins,
            facility_joins,
            offroad_m_per_min,
            ..
        } = &self.reach.router
        else {
            return None;
        };
        let sites = self.snaps.as_ref()?;
        let snaps: Vec<Snap> = settlement_joins
            .iter()
            .chain(facility_joins)
            .map(|j| j.snap)
            .chain(which.iter().map(|&j| sites[j]))
            .collect();
        let (graph, nodes) = self.reach.network.routing_graph(&snaps);
        let joins: Vec<Join> = snaps
            .iter()
            .zip(nodes)
            .map(|(s, node)| Join {
                node,
                offroad_m: s.offroad_m,
                offroad_min: s.offroad_m / offroad_m_per_min,
                snap: *s,
            })
            .collect();
        let settlements = joins[..settlement_joins.len()].to_vec();
        let facilities = joins[settlement_joins.len()..].to_vec();
        Some((graph, settlements, facilities))
    }

    /// Per site, the settlements (by index) whose time to it is at or below `limit_min`,
    /// ascending.
    pub(super) fn within_limit(&self, limit_min: f64) -> Vec<Vec<u32>> {
        let all: Vec<usize> = (0..self.xy.len()).collect();
        match self.graph(&all) {
            Some((graph, settlements, facilities)) => {
                let existing = self.reach.facility_xy.len();
                searches_to_limit(&graph, &settlements, &facilities[existing..], limit_min)
            }
            None => {
                let Router::StraightLine { offroad_m_per_min } = self.reach.router else {
                    return vec![Vec::new(); self.xy.len()];
                };
                self.xy
                    .iter()
                    .map(|&at| {
                        (0..self.reach.settlement_xy.len() as u32)
                            .filter(|&i| {
                                self.reach.settlement_xy[i as usize].distance_m(at)
                                    / offroad_m_per_min
                                    <= limit_min
                            })
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// Every settlement's minutes to its nearest medical service point once the sites
    /// `chosen` are added as service points after the existing facilities (labels: facility
    /// ids, the chosen sites numbered after the existing facilities in `chosen`'s order).
    pub(super) fn times_with(&self, chosen: &[usize]) -> Vec<Option<(f64, FacilityId)>> {
        let existing = self.reach.facility_xy.len();
        let targets: Vec<FacilityId> = self
            .reach
            .service_points
            .iter()
            .copied()
            .chain((0..chosen.len()).map(|i| FacilityId(existing + i)))
            .collect();
        match self.graph(chosen) {
            Some((graph, settlements, facilities)) => {
                let (minutes, labels) = nearest_origin(&graph, &origins(&facilities, &targets));
                settlements
                    .iter()
                    .map(|j| {
                        let n = j.node as usize;
                        (labels[n] != UNREACHED)
                            .then(|| (j.offroad_min + minutes[n], FacilityId(labels[n] as usize)))
                    })
                    .collect()
            }
            None => {
                let Router::StraightLine { offroad_m_per_min } = self.reach.router else {
                    return vec![None; self.reach.settlement_xy.len()];
                };
                let at = |f: FacilityId| {
                    if f.index() < existing {
                        self.reach.facility_xy[f.index()]
                    } else {
                        self.xy[chosen[f.index() - existing]]
                    }
                };
                self.reach
                    .settlement_xy
                    .iter()
                    .map(|p| {
                        targets
                            .iter()
                            .map(|&t| (p.distance_m(at(t)) / offroad_m_per_min, t))
                            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                    })
                    .collect()
            }
        }
    }
}

/// Per site join in `sites`, the settlements within `limit_min` of it: the routing's own
/// search that stops at the limit ([`Catchments`]), as for any facility.
fn searches_to_limit(
    graph: &RoutingGraph,
    settlements: &[Join],
    sites: &[Join],
    limit_min: f64,
) -> Vec<Vec<u32>> {
    let mut search = Catchments::new(graph, settlements);
    sites
        .iter()
        .map(|site| {
            search
                .within(site, limit_min)
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        })
        .collect()
}
