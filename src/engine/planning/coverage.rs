//! Candidate sites joined to the analysis's own network (no network is built again): who each
//! would bring within the limit, from searches that stop at the limit, and everyone's time once
//! some are chosen, from one multi-source search over the network with just those sites joined —
//! the same graph, sums and ties as the travel times of the data with the sites added (a site,
//! like a facility, is attached to the graph, not a node of it: the graph stays the analysis'
//! own). Without roads, straight lines at the off-road speed.

use crate::engine::crs::{LonLat, Projector, Xy};
use crate::engine::model::FacilityId;
use crate::engine::network::RoutingGraph;
use crate::engine::routing::{
    nearest_origin, origins, Attachment, Catchments, Join, Reach, Router, UNREACHED,
};

/// Sites placed on an analysis: projected, and joined to its network when it has one.
pub(super) struct Placed<'a> {
    reach: &'a Reach,
    /// Projected positions.
    xy: Vec<Xy>,
    /// Where each is attached to the network's graph (`None` without roads).
    sites: Option<Vec<Attachment>>,
}

impl<'a> Placed<'a> {
    /// `sites` placed in `reach`'s plane and joined to its network.
    pub(super) fn new(reach: &'a Reach, sites: &[LonLat]) -> Placed<'a> {
        let projector = Projector::new(reach.zone);
        let xy: Vec<Xy> = sites.iter().map(|&p| projector.project(p)).collect();
        let sites = match &reach.router {
            Router::Network {
                splits,
                offroad_m_per_min,
                ..
            } => xy
                .iter()
                .map(|&p| {
                    let snap = reach.network.snap(p)?;
                    Some(Attachment::new(
                        &reach.network,
                        splits,
                        snap,
                        *offroad_m_per_min,
                    ))
                })
                .collect(),
            Router::StraightLine { .. } => None,
        };
        Placed { reach, xy, sites }
    }

    /// Length of site `j`'s off-road leg, metres (`None` without roads).
    pub(super) fn offroad_m(&self, j: usize) -> Option<f64> {
        self.sites.as_ref().map(|s| s[j].offroad_m)
    }

    /// The routing graph, the settlements' joins, and the attachments of every facility then
    /// of the sites `which`, in that order (as the travel times would attach them).
    fn graph(&self, which: &[usize]) -> Option<(&RoutingGraph, &[Join], Vec<Attachment>)> {
        let Router::Network {
            graph,
            settlement_joins,
            facility_joins,
            ..
        } = &self.reach.router
        else {
            return None;
        };
        let sites = self.sites.as_ref()?;
        let attached = facility_joins
            .iter()
            .chain(which.iter().map(|&j| &sites[j]))
            .copied()
            .collect();
        Some((graph, settlement_joins, attached))
    }

    /// Per site, the settlements (by index) whose time to it is at or below `limit_min`,
    /// ascending.
    pub(super) fn within_limit(&self, limit_min: f64) -> Vec<Vec<u32>> {
        let all: Vec<usize> = (0..self.xy.len()).collect();
        match self.graph(&all) {
            Some((graph, settlements, facilities)) => {
                let existing = self.reach.facility_xy.len();
                searches_to_limit(graph, settlements, &facilities[existing..], limit_min)
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
                let (minutes, labels) = nearest_origin(graph, &origins(&facilities, &targets));
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
    sites: &[Attachment],
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
