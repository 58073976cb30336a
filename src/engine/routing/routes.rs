//! Routes: the way from some facilities to one facility, with its time, its length and the
//! line it follows, for the referral table and for drawing a transfer on the map.

use super::queue::{pack, unpack, NodeMap, NodeSet};
use super::travel_times::{Reach, Router};
use crate::engine::crs::Xy;
use crate::engine::model::FacilityId;
use crate::engine::network::NodeId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One way from a place to a facility.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Minutes, off-road legs included: the same sum as [`Reach::nearest_among_for`] forms.
    pub minutes: f64,
    /// Metres travelled, off-road legs included.
    pub metres: f64,
    /// The line followed, in metres of the analysis' plane: from the place, along the roads,
    /// to the facility.
    pub line: Vec<Xy>,
}

impl Reach {
    /// The route from each of `from` to facility `to`, `None` where there is none. A
    /// node-by-node Dijkstra backwards from `to` along [`crate::engine::network::RoutingGraph::incoming`]
    /// that stops once every start is settled; each node remembers the next node on its way,
    /// so the line is read off by following them. Without roads, the straight line.
    pub fn routes_to(&self, to: FacilityId, from: &[FacilityId]) -> Vec<Option<Route>> {
        let end = self.facility_xy[to.index()];
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => from
                .iter()
                .map(|&f| {
                    let start = self.facility_xy[f.index()];
                    let metres = start.distance_m(end);
                    Some(Route {
                        minutes: metres / offroad_m_per_min,
                        metres,
                        line: vec![start, end],
                    })
                })
                .collect(),
            Router::Network {
                graph,
                facility_joins,
                settlement_joins,
                beside,
                ..
            } => {
                let target = &facility_joins[to.index()];
                let seeds: Vec<(NodeId, f64)> =
                    target.origins(0).map(|o| (o.node, o.minutes)).collect();
                let goals: NodeSet = from
                    .iter()
                    .flat_map(|f| facility_joins[f.index()].exits.iter().map(|(n, _)| n))
                    .collect();
                let (best, next) = search_back(graph, &seeds, goals);
                // Where the nodes added for joins stand (the network's own nodes are its
                // vertices).
                let base = self.network.nodes.len();
                let joined: NodeMap<Xy> = settlement_joins
                    .iter()
                    .filter(|j| j.node as usize >= base)
                    .map(|j| (j.node, j.snap.at))
                    .collect();
                let node_xy = |n: NodeId| match (n as usize) < base {
                    true => self.network.nodes[n as usize],
                    false => joined[&n],
                };
                from.iter()
                    .map(|&f| {
                        let join = &facility_joins[f.index()];
                        // The best way from the join point: out by an exit, or straight along
                        // the stretch to the target beside it (as the travel times take it).
                        let by_exit = join
                            .exits
                            .iter()
                            .filter_map(|(n, w)| Some((best.get(&n)? + w, Some(n))));
                        let straight = beside
                            .iter()
                            .filter(|&&(i, j, _)| {
                                i as usize == f.index() && j as usize == to.index()
                            })
                            .map(|&(_, _, w)| (target.offroad_min + w, None));
                        let (on_road, exit) =
                            by_exit.chain(straight).min_by(|a, b| a.0.total_cmp(&b.0))?;
                        let minutes = join.offroad_min + on_road;
                        let start = self.facility_xy[f.index()];
                        let mut line = vec![start, join.snap.at];
                        if let Some(mut node) = exit {
                            line.push(node_xy(node));
                            while let Some(&n) = next.get(&node) {
                                line.push(node_xy(n));
                                node = n;
                            }
                        }
                        line.push(target.snap.at);
                        line.push(end);
                        let metres = line.windows(2).map(|w| w[0].distance_m(w[1])).sum();
                        line.dedup();
                        Some(Route {
                            minutes,
                            metres,
                            line,
                        })
                    })
                    .collect()
            }
        }
    }
}

/// Dijkstra backwards from the `seeds` (each a node and its minutes: the target's entries),
/// settling until every one of `goals` is: each reached node's least minutes, and the next
/// node on its way to the target.
fn search_back(
    graph: &crate::engine::network::RoutingGraph,
    seeds: &[(NodeId, f64)],
    mut goals: NodeSet,
) -> (NodeMap<f64>, NodeMap<NodeId>) {
    let mut best: NodeMap<f64> = NodeMap::default();
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::new();
    for &(node, minutes) in seeds {
        if best.get(&node).is_none_or(|&b| minutes < b) {
            best.insert(node, minutes);
            heap.push(pack(minutes, 0, node));
        }
    }
    let mut next: NodeMap<NodeId> = NodeMap::default();
    let mut done: NodeSet = NodeSet::default();
    while let Some(item) = heap.pop() {
        if goals.is_empty() {
            break;
        }
        let (m, _, node) = unpack(item);
        if !done.insert(node) {
            continue;
        }
        goals.remove(&node);
        graph.for_each_incoming(node, |tail, w| {
            let t = m + w;
            if best.get(&tail).is_none_or(|&b| t < b) {
                best.insert(tail, t);
                next.insert(tail, node);
                heap.push(pack(t, 0, tail));
            }
        });
    }
    (best, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::network::{Mode, SpeedTable};
    use crate::engine::routing::{travel_times, Site};

    #[test]
    fn routes_take_the_times_of_the_nearest_search_and_follow_the_roads() {
        let layers = crate::devtools::synthetic::generate(5_000, 7);
        for mode in [Mode::Walk, Mode::Drive] {
            let reach = travel_times(&layers, mode, &SpeedTable::default()).unwrap();
            let to = FacilityId(0);
            let from: Vec<FacilityId> = layers.facility_ids().skip(1).take(8).collect();
            let routes = reach.routes_to(to, &from);
            let sites: Vec<Site> = from.iter().map(|&f| Site::Facility(f)).collect();
            let want = reach.nearest_among_for(&[to], &sites);
            for ((f, route), want) in from.iter().zip(&routes).zip(want) {
                let Some(route) = route else {
                    assert_eq!(want, None, "{f:?}");
                    continue;
                };
                let (m, _) = want.expect("reached both ways");
                assert!(
                    (route.minutes - m).abs() <= 1e-9 * m.max(1.0),
                    "{mode:?} {f:?}"
                );
                assert_eq!(route.line[0], reach.facility_xy[f.index()]);
                assert_eq!(*route.line.last().unwrap(), reach.facility_xy[0]);
                let straight = reach.facility_xy[f.index()].distance_m(reach.facility_xy[0]);
                assert!(route.metres >= straight - 1e-6, "{mode:?} {f:?}");
            }
        }
        // Without roads: the straight line.
        let mut no_roads = layers.clone();
        no_roads.roads.clear();
        let reach = travel_times(&no_roads, Mode::Walk, &SpeedTable::default()).unwrap();
        let r = reach.routes_to(FacilityId(0), &[FacilityId(1)])[0]
            .clone()
            .unwrap();
        assert_eq!(r.line.len(), 2);
        assert!((r.metres / r.minutes - 4000.0 / 60.0).abs() < 1e-9);
    }
}
