//! Which settlements each candidate site would bring within the limit: a search from the
//! candidate's join over the routing graph, node by node, that stops at the limit (the same
//! sums, in the same order, as the travel times), or straight lines without roads.

use super::solve::Ordered;
use crate::engine::model::{FacilityId, SettlementId};
use crate::engine::network::NodeId;
use crate::engine::routing::{Reach, Router};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Per facility in `sites` (of `reach`'s layers), the settlements whose time to it is at or
/// below `limit_min`, ascending.
pub fn within_limit(reach: &Reach, sites: &[FacilityId], limit_min: f64) -> Vec<Vec<SettlementId>> {
    match &reach.router {
        Router::StraightLine { offroad_m_per_min } => sites
            .iter()
            .map(|&f| {
                let at = reach.facility_xy[f.index()];
                reach
                    .settlement_xy
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.distance_m(at) / offroad_m_per_min <= limit_min)
                    .map(|(i, _)| SettlementId(i))
                    .collect()
            })
            .collect(),
        Router::Network {
            graph,
            settlement_joins,
            facility_joins,
            ..
        } => {
            // Settlements by join node.
            let mut by_node: Vec<(NodeId, u32)> = settlement_joins
                .iter()
                .enumerate()
                .map(|(i, j)| (j.node, i as u32))
                .collect();
            by_node.sort_unstable();
            let mut minutes = vec![f64::INFINITY; graph.node_count()];
            let mut touched: Vec<NodeId> = Vec::new();
            let mut heap: BinaryHeap<Reverse<(Ordered, NodeId)>> = BinaryHeap::new();
            sites
                .iter()
                .map(|&f| {
                    let origin = facility_joins[f.index()];
                    let mut found = Vec::new();
                    if origin.offroad_min <= limit_min {
                        minutes[origin.node as usize] = origin.offroad_min;
                        touched.push(origin.node);
                        heap.push(Reverse((Ordered(origin.offroad_min), origin.node)));
                    }
                    while let Some(Reverse((Ordered(m), node))) = heap.pop() {
                        if m > minutes[node as usize] {
                            continue;
                        }
                        let first = by_node.partition_point(|&(n, _)| n < node);
                        for &(_, s) in by_node[first..].iter().take_while(|&&(n, _)| n == node) {
                            if settlement_joins[s as usize].offroad_min + m <= limit_min {
                                found.push(SettlementId(s as usize));
                            }
                        }
                        for (tail, w) in graph.incoming(node) {
                            let t = m + w;
                            if t <= limit_min && t < minutes[tail as usize] {
                                if minutes[tail as usize].is_infinite() {
                                    touched.push(tail);
                                }
                                minutes[tail as usize] = t;
                                heap.push(Reverse((Ordered(t), tail)));
                            }
                        }
                    }
                    for n in touched.drain(..) {
                        minutes[n as usize] = f64::INFINITY;
                    }
                    found.sort_unstable();
                    found
                })
                .collect()
        }
    }
}
