//! Local queries: the nearest of some facilities for a few places, from a search that stops
//! once it has settled them.

use super::attach::{attached_nearest, origins};
use super::queue::{pack, unpack, NodeMap, NodeSet};
use super::search::{nearest_origin, Origin, UNREACHED};
use super::travel_times::{Reach, Router};
use crate::engine::model::{FacilityId, SettlementId};
use crate::engine::network::{NodeId, RoutingGraph};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The nearest origin of each of `goals`, searching only as far as the farthest of them:
/// `(minutes, label)` per goal, `None` when no origin reaches it.
///
/// A node-by-node Dijkstra from the origins along [`RoutingGraph::incoming`], holding only
/// the nodes it reaches, that stops once every goal is settled. It compares and sums exactly
/// as [`nearest_origin`] does, so each goal gets the same minutes and label bit for bit; what
/// it saves is the rest of the graph. Rules that ask one question per place (a village's
/// settlements to its neighbours' clinics, a county's township centres to its lead hospital)
/// use it, where a whole-graph search per place would be quadratic on a province. A goal no
/// origin reaches would make it search everything the origins reach, node by node; once it
/// has settled a quarter of the graph it hands over to the whole-graph search instead, which
/// does that several times faster (and gives the same answers).
pub fn nearest_origin_local(
    graph: &RoutingGraph,
    origins: &[Origin],
    goals: &[NodeId],
) -> Vec<Option<(f64, u32)>> {
    use std::collections::hash_map::Entry;
    let mut best: NodeMap<(f64, u32)> = NodeMap::default();
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::new();
    let offer = |best: &mut NodeMap<(f64, u32)>,
                 heap: &mut BinaryHeap<Reverse<u128>>,
                 node: NodeId,
                 minutes: f64,
                 label: u32| {
        let better = match best.entry(node) {
            Entry::Vacant(e) => {
                e.insert((minutes, label));
                true
            }
            Entry::Occupied(mut e) => {
                let (m, l) = *e.get();
                let better = minutes < m || (minutes == m && label < l);
                if better {
                    e.insert((minutes, label));
                }
                better
            }
        };
        if better {
            heap.push(pack(minutes, label, node));
        }
    };
    for o in origins {
        offer(&mut best, &mut heap, o.node, o.minutes, o.label);
    }
    let mut remaining: NodeSet = goals.iter().copied().collect();
    let mut settled = 0usize;
    let hand_over = graph.node_count() / 4 + 1_000;
    while let Some(item) = heap.pop() {
        if remaining.is_empty() {
            break;
        }
        let (m, label, node) = unpack(item);
        if best.get(&node) != Some(&(m, label)) {
            continue;
        }
        settled += 1;
        if settled > hand_over {
            let (minutes, labels) = nearest_origin(graph, origins);
            return goals
                .iter()
                .map(|&g| {
                    let g = g as usize;
                    (labels[g] != UNREACHED).then(|| (minutes[g], labels[g]))
                })
                .collect();
        }
        remaining.remove(&node);
        graph.for_each_incoming(node, |tail, w| {
            offer(&mut best, &mut heap, tail, m + w, label);
        });
    }
    goals.iter().map(|g| best.get(g).copied()).collect()
}

/// A settlement or a facility, as a place to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// A settlement.
    Settlement(SettlementId),
    /// A facility.
    Facility(FacilityId),
}

impl Reach {
    /// [`Reach::nearest_among`] for a few places only: the same minutes and facility, bit for
    /// bit, from a search that stops once it has settled them ([`nearest_origin_local`]).
    pub fn nearest_among_for(
        &self,
        targets: &[FacilityId],
        places: &[Site],
    ) -> Vec<Option<(f64, FacilityId)>> {
        let is_target = |f: FacilityId| targets.contains(&f);
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => places
                .iter()
                .map(|&p| {
                    let xy = match p {
                        Site::Settlement(s) => self.settlement_xy[s.index()],
                        Site::Facility(f) if is_target(f) => return Some((0.0, f)),
                        Site::Facility(f) => self.facility_xy[f.index()],
                    };
                    self.straight_nearest(xy, targets, *offroad_m_per_min)
                })
                .collect(),
            Router::Network {
                graph,
                settlement_joins,
                facility_joins,
                beside,
                ..
            } => {
                // A settlement's node; a facility's exits (its time comes from theirs).
                let mut goals: Vec<NodeId> = Vec::new();
                for &p in places {
                    match p {
                        Site::Settlement(s) => goals.push(settlement_joins[s.index()].node),
                        Site::Facility(f) if is_target(f) => {}
                        Site::Facility(f) => {
                            goals.extend(facility_joins[f.index()].exits.iter().map(|(n, _)| n))
                        }
                    }
                }
                let found = nearest_origin_local(graph, &origins(facility_joins, targets), &goals);
                let found: NodeMap<(f64, u32)> = goals
                    .iter()
                    .zip(found)
                    .filter_map(|(&g, r)| Some((g, r?)))
                    .collect();
                let node = |n: NodeId| found.get(&n).copied().unwrap_or((f64::INFINITY, UNREACHED));
                let as_target = |j: usize| is_target(FacilityId(j));
                places
                    .iter()
                    .map(|&p| match p {
                        Site::Facility(f) if is_target(f) => Some((0.0, f)),
                        Site::Facility(f) => {
                            attached_nearest(facility_joins, beside, f.index(), as_target, node)
                                .map(|(m, l)| {
                                    let offroad = facility_joins[f.index()].offroad_min;
                                    (offroad + m, FacilityId(l as usize))
                                })
                        }
                        Site::Settlement(s) => {
                            let (m, l) = node(settlement_joins[s.index()].node);
                            (l != UNREACHED).then(|| {
                                (
                                    settlement_joins[s.index()].offroad_min + m,
                                    FacilityId(l as usize),
                                )
                            })
                        }
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::random::SplitMix64 as Rng;
    use crate::engine::network::{Mode, SpeedTable};
    use crate::engine::routing::travel_times;

    #[test]
    fn local_queries_equal_the_whole_graph_search_bit_for_bit() {
        let layers = crate::devtools::synthetic::generate(20_000, 11);
        for mode in [Mode::Walk, Mode::Drive] {
            let reach = travel_times(&layers, mode, &SpeedTable::default()).unwrap();
            let mut rng = Rng(mode as u64 + 3);
            let f = layers.facilities.len();
            for round in 0..6 {
                let targets: Vec<FacilityId> = (0..1 + round * 2)
                    .map(|_| FacilityId(rng.below(f as u64) as usize))
                    .collect();
                let whole = reach.nearest_among(&targets);
                let mut sites: Vec<Site> = (0..40)
                    .map(|_| rng.below(layers.settlements.len() as u64) as usize)
                    .map(|s| Site::Settlement(SettlementId(s)))
                    .collect();
                sites.extend(layers.facility_ids().map(Site::Facility));
                let local = reach.nearest_among_for(&targets, &sites);
                for (site, got) in sites.iter().zip(local) {
                    let want = match *site {
                        Site::Settlement(s) => whole.settlement(s),
                        Site::Facility(f) => whole.facilities[f.index()],
                    };
                    assert_eq!(
                        got.map(|(m, l)| (m.to_bits(), l)),
                        want.map(|(m, l)| (m.to_bits(), l)),
                        "{mode:?} {site:?}"
                    );
                }
            }
        }
        // A goal no origin reaches: the search hands over to the whole graph and agrees.
        let reach = travel_times(&layers, Mode::Drive, &SpeedTable::default()).unwrap();
        let Router::Network { graph, .. } = &reach.router else {
            panic!("roads")
        };
        let origin = Origin {
            node: 0,
            minutes: 0.0,
            label: 0,
        };
        let (minutes, labels) = nearest_origin(graph, &[origin]);
        let unreached: Vec<NodeId> = (0..graph.node_count() as NodeId)
            .filter(|&n| labels[n as usize] == UNREACHED)
            .take(3)
            .collect();
        let far = (0..graph.node_count() as NodeId)
            .filter(|&n| labels[n as usize] != UNREACHED)
            .max_by(|&a, &b| minutes[a as usize].total_cmp(&minutes[b as usize]))
            .unwrap();
        let mut goals = unreached.clone();
        goals.push(far);
        let got = nearest_origin_local(graph, &[origin], &goals);
        for (g, r) in goals.iter().zip(got) {
            let g = *g as usize;
            let want = (labels[g] != UNREACHED).then(|| (minutes[g].to_bits(), labels[g]));
            assert_eq!(r.map(|(m, l)| (m.to_bits(), l)), want, "node {g}");
        }
        // Straight lines (no roads).
        let mut no_roads = layers.clone();
        no_roads.roads.clear();
        let reach = travel_times(&no_roads, Mode::Walk, &SpeedTable::default()).unwrap();
        let sites = [
            Site::Settlement(SettlementId(0)),
            Site::Facility(FacilityId(1)),
            Site::Facility(FacilityId(2)),
        ];
        let local = reach.nearest_among_for(&[FacilityId(1), FacilityId(3)], &sites);
        let whole = reach.nearest_among(&[FacilityId(1), FacilityId(3)]);
        assert_eq!(
            local,
            vec![
                whole.settlements[0],
                whole.facilities[1],
                whole.facilities[2]
            ]
        );
    }
}
