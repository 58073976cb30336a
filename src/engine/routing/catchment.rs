//! Catchments: every settlement within a time of one facility, with its time, from a search
//! that stops at that time.
//!
//! Travel runs from the settlement to the facility, so the search starts at the facility's
//! entries (the ends of the stretch it is attached to, [`Attachment`]), carrying the facility's
//! off-road minutes plus the stretch's, and runs backwards along the arcs
//! ([`RoutingGraph::incoming`]), as the nearest-facility search does; a settlement's time is
//! its own off-road minutes plus its join node's. The sums are made in the same order as
//! there (the node's time, then the arc's; the settlement's leg, then the node's time), and
//! a shortest path's float sum does not depend on the search that finds it, so a settlement's
//! time to a facility is, bit for bit, the time [`Reach`] gives it when that facility is its
//! nearest. Thresholds are inclusive: a settlement at exactly the limit is in.

use super::attach::Attachment;
use super::queue::{pack, unpack};
use super::search::{nearest_origin_within, Origin};
use super::travel_times::{Join, Reach, Router};
use crate::engine::model::{FacilityId, SettlementId};
use crate::engine::network::{NodeId, RoutingGraph};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Searches from single origins over one graph, each stopping at a time limit.
///
/// A search first runs node by node from the origin, holding a time per node in scratch space
/// kept between searches (only the nodes it reached are reset), so a small catchment costs what
/// it holds, not the graph's size. One that settles more than a thirty-second of the graph's
/// nodes (a long drive in a city) hands over to the contracted search stopped at the limit
/// ([`nearest_origin_within`]), which crosses each chain of road vertices in one step and fills
/// them once, faster there; both give the same times bit for bit. (Porto driving, 300 service
/// points, 15 minutes: 3.3 s node by node only, 1.5 s contracted only, about 2 s so; walking
/// 0.05 s, 0.6 s and 0.05 s.)
pub struct Catchments<'a> {
    graph: &'a RoutingGraph,
    settlements: &'a [Join],
    /// `(join node, settlement index)`, sorted: the settlements at a node.
    by_node: Vec<(NodeId, u32)>,
    /// Per node, one bit: whether a settlement joins there (most nodes have none, and are
    /// passed without looking them up).
    joined: Vec<u64>,
    /// Per node, its minutes in the current search (infinite when not reached).
    minutes: Vec<f64>,
    /// The nodes the current search reached.
    touched: Vec<NodeId>,
    /// Nodes a node-by-node search may settle before it hands over.
    hand_over: usize,
}

impl<'a> Catchments<'a> {
    /// Searches over `graph` for the settlements joined at `settlements` (by index).
    pub fn new(graph: &'a RoutingGraph, settlements: &'a [Join]) -> Catchments<'a> {
        let mut by_node: Vec<(NodeId, u32)> = settlements
            .iter()
            .enumerate()
            .map(|(i, j)| (j.node, i as u32))
            .collect();
        by_node.sort_unstable();
        let mut joined = vec![0u64; graph.node_count().div_ceil(64)];
        for &(n, _) in &by_node {
            joined[n as usize / 64] |= 1 << (n % 64);
        }
        Catchments {
            graph,
            settlements,
            by_node,
            joined,
            minutes: vec![f64::INFINITY; graph.node_count()],
            touched: Vec::new(),
            hand_over: graph.node_count() / 32 + 1_000,
        }
    }

    /// Every settlement whose time to `origin` (a facility's or a site's join) is at or below
    /// `limit_min`: `(settlement index, minutes)`, by settlement index.
    pub fn within(&mut self, origin: &Attachment, limit_min: f64) -> Vec<(u32, f64)> {
        if origin.offroad_min > limit_min || limit_min.is_nan() {
            return Vec::new();
        }
        let starts: Vec<Origin> = origin.origins(0).collect();
        match self.node_by_node(&starts, limit_min) {
            Some(found) => found,
            None => self.contracted(&starts, limit_min),
        }
    }

    /// The node-by-node search; `None` when it settled more nodes than it may.
    fn node_by_node(&mut self, starts: &[Origin], limit_min: f64) -> Option<Vec<(u32, f64)>> {
        let mut found = Vec::new();
        let mut heap = BinaryHeap::new();
        for o in starts {
            if o.minutes <= limit_min && o.minutes < self.minutes[o.node as usize] {
                self.reach(o.node, o.minutes, &mut heap);
            }
        }
        let mut settled = 0usize;
        while let Some(item) = heap.pop() {
            let (m, _, node) = unpack(item);
            if m > self.minutes[node as usize] {
                continue;
            }
            settled += 1;
            if settled > self.hand_over {
                self.reset();
                return None;
            }
            if self.joined[node as usize / 64] & (1 << (node % 64)) != 0 {
                let first = self.by_node.partition_point(|&(n, _)| n < node);
                for &(_, s) in self.by_node[first..]
                    .iter()
                    .take_while(|&&(n, _)| n == node)
                {
                    let t = self.settlements[s as usize].offroad_min + m;
                    if t <= limit_min {
                        found.push((s, t));
                    }
                }
            }
            let graph = self.graph;
            graph.for_each_incoming(node, |tail, w| {
                let t = m + w;
                if t <= limit_min && t < self.minutes[tail as usize] {
                    self.reach(tail, t, &mut heap);
                }
            });
        }
        self.reset();
        found.sort_unstable_by_key(|&(s, _)| s);
        Some(found)
    }

    /// The contracted search stopped at the limit, then every settlement's time.
    fn contracted(&self, starts: &[Origin], limit_min: f64) -> Vec<(u32, f64)> {
        let (minutes, _) = nearest_origin_within(self.graph, starts, limit_min);
        self.settlements
            .iter()
            .enumerate()
            .map(|(s, j)| (s as u32, j.offroad_min + minutes[j.node as usize]))
            .filter(|&(_, t)| t <= limit_min)
            .collect()
    }

    /// Gives `node` the time `t` (better than its own) and queues it.
    fn reach(&mut self, node: NodeId, t: f64, heap: &mut BinaryHeap<Reverse<u128>>) {
        let slot = &mut self.minutes[node as usize];
        if slot.is_infinite() {
            self.touched.push(node);
        }
        *slot = t;
        heap.push(pack(t, 0, node));
    }

    /// Clears the scratch space of the nodes the last search reached.
    fn reset(&mut self) {
        for n in self.touched.drain(..) {
            self.minutes[n as usize] = f64::INFINITY;
        }
    }
}

impl Reach {
    /// Per facility of `facilities`, every settlement whose time to it is at or below
    /// `limit_min`, with that time, by settlement: over the network, a search from the
    /// facility that stops at the limit ([`Catchments`]); without roads, straight lines at
    /// the off-road speed. A settlement's time to a facility is exactly the time
    /// [`Reach::settlements`] gives it when that facility is its nearest.
    pub fn catchments(
        &self,
        facilities: &[FacilityId],
        limit_min: f64,
    ) -> Vec<Vec<(SettlementId, f64)>> {
        let tag = |v: Vec<(u32, f64)>| {
            v.into_iter()
                .map(|(s, m)| (SettlementId(s as usize), m))
                .collect()
        };
        match &self.router {
            Router::Network {
                graph,
                settlement_joins,
                facility_joins,
                ..
            } => {
                let mut search = Catchments::new(graph, settlement_joins);
                facilities
                    .iter()
                    .map(|f| tag(search.within(&facility_joins[f.index()], limit_min)))
                    .collect()
            }
            Router::StraightLine { offroad_m_per_min } => facilities
                .iter()
                .map(|f| {
                    let at = self.facility_xy[f.index()];
                    self.settlement_xy
                        .iter()
                        .enumerate()
                        .map(|(s, p)| (SettlementId(s), p.distance_m(at) / offroad_m_per_min))
                        .filter(|&(_, m)| m <= limit_min)
                        .collect()
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::network::{Mode, SpeedTable};
    use crate::engine::routing::travel_times;

    /// Each facility's catchment against the whole-graph search from that facility alone:
    /// the same settlements (inclusive of the limit) with the same minutes, bit for bit; over
    /// the network, node by node and contracted (every search handed over).
    fn agrees_with_single_origin_searches(reach: &Reach, facilities: usize, limit: f64) {
        let ids: Vec<FacilityId> = (0..facilities).map(FacilityId).collect();
        let catchments = reach.catchments(&ids, limit);
        if let Router::Network {
            graph,
            settlement_joins,
            facility_joins,
            ..
        } = &reach.router
        {
            let mut search = Catchments::new(graph, settlement_joins);
            search.hand_over = 0;
            for (&f, want) in ids.iter().zip(&catchments) {
                let got = search.within(&facility_joins[f.index()], limit);
                let bits = |v: &[(u32, f64)]| -> Vec<(u32, u64)> {
                    v.iter().map(|&(s, m)| (s, m.to_bits())).collect()
                };
                let want: Vec<(u32, f64)> =
                    want.iter().map(|&(s, m)| (s.index() as u32, m)).collect();
                assert_eq!(bits(&got), bits(&want), "contracted, facility {f:?}");
            }
        }
        let mut nonempty = 0;
        for (&f, got) in ids.iter().zip(&catchments) {
            let alone = reach.nearest_among(&[f]);
            let want: Vec<(SettlementId, u64)> = alone
                .settlements
                .iter()
                .enumerate()
                .filter_map(|(s, r)| {
                    r.filter(|(m, _)| *m <= limit)
                        .map(|(m, _)| (SettlementId(s), m.to_bits()))
                })
                .collect();
            let got: Vec<(SettlementId, u64)> =
                got.iter().map(|&(s, m)| (s, m.to_bits())).collect();
            assert_eq!(got, want, "{:?} facility {f:?}", reach.mode);
            nonempty += usize::from(!got.is_empty());
        }
        assert!(nonempty > 0, "some catchment holds a settlement");
    }

    #[test]
    fn catchments_equal_single_origin_searches_bit_for_bit() {
        let layers = crate::devtools::synthetic::generate(3_000, 5);
        let facilities = layers.facilities.len().min(25);
        for (mode, limit) in [(Mode::Walk, 15.0), (Mode::Drive, 4.0), (Mode::Ebike, 6.0)] {
            let reach = travel_times(&layers, mode, &SpeedTable::default()).unwrap();
            agrees_with_single_origin_searches(&reach, facilities, limit);
        }
        let mut no_roads = layers.clone();
        no_roads.roads.clear();
        let reach = travel_times(&no_roads, Mode::Walk, &SpeedTable::default()).unwrap();
        assert!(reach.straight_line);
        agrees_with_single_origin_searches(&reach, facilities, 30.0);
    }

    #[test]
    fn a_settlement_times_its_nearest_service_point_as_the_travel_times_do() {
        let layers = crate::devtools::synthetic::generate(3_000, 9);
        for mode in [Mode::Walk, Mode::Drive] {
            let reach = travel_times(&layers, mode, &SpeedTable::default()).unwrap();
            let limit = 60.0;
            let catchments = reach.catchments(&reach.service_points, limit);
            let mut checked = 0;
            for (s, r) in reach.settlements.iter().enumerate() {
                let (Some(m), Some(f)) = (r.minutes, r.nearest) else {
                    continue;
                };
                let k = reach.service_points.iter().position(|&p| p == f).unwrap();
                let found = catchments[k].iter().find(|&&(t, _)| t == SettlementId(s));
                if m <= limit {
                    assert_eq!(found.map(|x| x.1.to_bits()), Some(m.to_bits()), "{s}");
                    checked += 1;
                } else {
                    assert_eq!(found, None);
                }
            }
            assert!(checked > 20, "{mode:?}: {checked}");
        }
    }
}
