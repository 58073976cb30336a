//! Joining points to the network: the nearest point of the nearest usable segment, and the
//! routing graph with a node at every join.

use super::build::{curve_order, RoadNetwork};
use super::graph::{NodeId, RoutingGraph};
use crate::engine::crs::Xy;
use serde::{Deserialize, Serialize};

/// Where a point joins the network: the nearest point of the nearest usable segment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snap {
    /// The segment.
    pub segment: u32,
    /// Position along it, 0 at `a`, 1 at `b`.
    pub t: f64,
    /// The joining point, in metres.
    pub at: Xy,
    /// Length of the straight off-road leg, in metres.
    pub offroad_m: f64,
}

/// Squared distance from `p` to the segment `a`–`b`, computed exactly as `rstar` computes it
/// for a `Line`, so that the choice of the nearest segment is the same bit for bit.
fn segment_distance_2(a: Xy, b: Xy, p: [f64; 2]) -> f64 {
    let dir = [b.x - a.x, b.y - a.y];
    let s = (0.0 + (p[0] - a.x) * dir[0] + (p[1] - a.y) * dir[1])
        / (dir[1] * dir[1] + (dir[0] * dir[0] + 0.0));
    let q = if 0.0 < s && s < 1.0 {
        [a.x + dir[0] * s, a.y + dir[1] * s]
    } else if s <= 0.0 {
        [a.x, a.y]
    } else {
        [b.x, b.y]
    };
    let d = [q[0] - p[0], q[1] - p[1]];
    d[1] * d[1] + (d[0] * d[0] + 0.0)
}

impl RoadNetwork {
    /// Joins `p` to the nearest point of the nearest segment; among segments at the same
    /// distance, the lowest-numbered. `None` when the network is empty.
    pub fn snap(&self, p: Xy) -> Option<Snap> {
        let q = [p.x, p.y];
        let mut best: Option<(f64, u32)> = None;
        for (run, bound) in self.index.nearest_neighbor_iter_with_distance_2(&q) {
            if matches!(best, Some((bd2, _)) if bound > bd2) {
                break;
            }
            for seg in run.first..run.first + run.len {
                let s = self.segments[seg as usize];
                let d2 = segment_distance_2(self.nodes[s.a as usize], self.nodes[s.b as usize], q);
                let better = match best {
                    None => true,
                    Some((bd2, bi)) => d2 < bd2 || (d2 == bd2 && seg < bi),
                };
                if better {
                    best = Some((d2, seg));
                }
            }
        }
        let (_, seg) = best?;
        Some(self.join(p, seg))
    }

    /// [`RoadNetwork::snap`] for every point of `points`, in their order, calling `tick(i)`
    /// before the `i`th one joined. The points are joined in the order of a Hilbert curve over
    /// their bounding box, so that one point's search runs through the part of the spatial
    /// index the one before left in the cache (a third less time on a city's settlements).
    ///
    /// Natively, with several cores, the curve is cut into one stretch per core
    /// ([`crate::engine::parallel`]), joined side by side, and `tick` hears only of the first
    /// and the last point.
    pub fn snap_many(&self, points: &[Xy], tick: &mut dyn FnMut(usize)) -> Vec<Option<Snap>> {
        let mut snaps = vec![None; points.len()];
        let order = curve_order(points.iter().map(|p| [p.x, p.y]));
        if crate::engine::parallel::parts_for(order.len()) == 1 {
            for (k, &(_, i)) in order.iter().enumerate() {
                tick(k);
                snaps[i as usize] = self.snap(points[i as usize]);
            }
            return snaps;
        }
        tick(0);
        let joined = crate::engine::parallel::map_parts(&order, |_, part| {
            part.iter()
                .map(|&(_, i)| self.snap(points[i as usize]))
                .collect()
        });
        for (&(_, i), snap) in order.iter().zip(joined) {
            snaps[i as usize] = snap;
        }
        tick(points.len() - 1);
        snaps
    }

    /// Every segment within `distance_m` of `p` (appended to `out`, ascending), and perhaps a
    /// few more: with `distance_m` at least the distance from `p` to its nearest segment plus
    /// twice `r`, the result holds every segment that can be nearest to a point within `r` of
    /// `p`, so [`RoadNetwork::snap_among`] over it joins such a point as [`RoadNetwork::snap`].
    pub fn segments_near(&self, p: Xy, distance_m: f64, out: &mut Vec<u32>) {
        let start = out.len();
        let q = [p.x, p.y];
        let d2 = distance_m * distance_m;
        for run in self.index.locate_within_distance(q, d2) {
            for seg in run.first..run.first + run.len {
                let s = self.segments[seg as usize];
                if segment_distance_2(self.nodes[s.a as usize], self.nodes[s.b as usize], q) <= d2 {
                    out.push(seg);
                }
            }
        }
        out[start..].sort_unstable();
    }

    /// [`RoadNetwork::snap`] among `candidates` only (ascending segment numbers): the same
    /// join, bit for bit, whenever they hold every segment as near to `p` as its nearest.
    pub fn snap_among(&self, p: Xy, candidates: &[u32]) -> Option<Snap> {
        let q = [p.x, p.y];
        let mut best: Option<(f64, u32)> = None;
        for &seg in candidates {
            let s = self.segments[seg as usize];
            let d2 = segment_distance_2(self.nodes[s.a as usize], self.nodes[s.b as usize], q);
            if best.is_none_or(|(bd2, _)| d2 < bd2) {
                best = Some((d2, seg));
            }
        }
        let (_, seg) = best?;
        Some(self.join(p, seg))
    }

    /// The squared distance from `p` to segment `seg`, exactly as [`RoadNetwork::snap`]
    /// compares segments (nearest first, then the lowest-numbered).
    pub fn distance_2(&self, seg: u32, p: Xy) -> f64 {
        let s = self.segments[seg as usize];
        segment_distance_2(
            self.nodes[s.a as usize],
            self.nodes[s.b as usize],
            [p.x, p.y],
        )
    }

    /// Where `p` joins segment `seg`: its nearest point on it.
    pub fn join(&self, p: Xy, seg: u32) -> Snap {
        let s = self.segments[seg as usize];
        let (a, b) = (self.nodes[s.a as usize], self.nodes[s.b as usize]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        let at = if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            Xy {
                x: a.x + t * dx,
                y: a.y + t * dy,
            }
        };
        Snap {
            segment: seg,
            t,
            at,
            offroad_m: p.distance_m(at),
        }
    }

    /// The directed graph with a node added at every snap that falls inside a segment (several
    /// on one segment are chained in order). Returns the graph and, per snap, its node.
    pub fn routing_graph(&self, snaps: &[Snap]) -> (RoutingGraph, Vec<NodeId>) {
        let mut snap_nodes = vec![0 as NodeId; snaps.len()];
        // Snaps inside a segment: (segment, t, snap), in segment order, then along it.
        let mut inner: Vec<(u32, f64, u32)> = Vec::new();
        for (i, s) in snaps.iter().enumerate() {
            let seg = self.segments[s.segment as usize];
            if s.t <= 0.0 {
                snap_nodes[i] = seg.a;
            } else if s.t >= 1.0 {
                snap_nodes[i] = seg.b;
            } else {
                inner.push((s.segment, s.t, i as u32));
            }
        }
        inner.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2)));
        let node_count = self.walk_arcs(
            snaps,
            &inner,
            &mut |i, node| snap_nodes[i] = node,
            &mut |_, _, _| {},
        );
        let graph = RoutingGraph::from_arc_source(node_count, |arc| {
            self.walk_arcs(snaps, &inner, &mut |_, _| {}, arc);
        });
        (graph, snap_nodes)
    }

    /// Goes through the arcs of the routing graph in order: per segment, along then against it,
    /// split at the snaps inside it (`inner`, sorted as [`RoadNetwork::routing_graph`] sorts
    /// them). Gives each inner snap its node (numbered after the network's nodes, a new one per
    /// distinct position) and returns the number of nodes.
    fn walk_arcs(
        &self,
        snaps: &[Snap],
        inner: &[(u32, f64, u32)],
        on_snap: &mut dyn FnMut(usize, NodeId),
        on_arc: &mut dyn FnMut(NodeId, NodeId, f64),
    ) -> usize {
        let mut node_count = self.nodes.len() as NodeId;
        let mut next = 0;
        for (si, s) in self.segments.iter().enumerate() {
            let (forward, backward) = self.speeds(s);
            let mut push = |from: NodeId, to: NodeId, length_m: f64| {
                if let Some(v) = forward {
                    on_arc(from, to, length_m / v);
                }
                if let Some(v) = backward {
                    on_arc(to, from, length_m / v);
                }
            };
            let split_end = next
                + inner[next..]
                    .iter()
                    .take_while(|x| x.0 == si as u32)
                    .count();
            if split_end == next {
                push(s.a, s.b, self.length_m(s));
                continue;
            }
            let (pa, pb) = (self.nodes[s.a as usize], self.nodes[s.b as usize]);
            let mut prev = (s.a, pa);
            let mut prev_t = None;
            for &(_, t, snap_idx) in &inner[next..split_end] {
                if prev_t == Some(t) {
                    on_snap(snap_idx as usize, prev.0);
                    continue;
                }
                let id = node_count;
                node_count += 1;
                let at = snaps[snap_idx as usize].at;
                push(prev.0, id, prev.1.distance_m(at));
                on_snap(snap_idx as usize, id);
                prev = (id, at);
                prev_t = Some(t);
            }
            push(prev.0, s.b, prev.1.distance_m(pb));
            next = split_end;
        }
        node_count as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::crs::Projector;
    use crate::engine::network::{Mode, SpeedTable};
    use rstar::PointDistance;

    #[test]
    fn segment_distance_is_rstars_bit_for_bit() {
        use rstar::primitives::Line;
        let mut x = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2000.0
        };
        for _ in 0..10_000 {
            let (a, b) = (
                Xy {
                    x: next(),
                    y: next(),
                },
                Xy {
                    x: next(),
                    y: next(),
                },
            );
            let p = [next(), next()];
            let line = Line::new([a.x, a.y], [b.x, b.y]);
            assert_eq!(
                segment_distance_2(a, b, p).to_bits(),
                line.distance_2(&p).to_bits()
            );
        }
    }

    /// A synthetic network of about `junctions` junctions (seed `seed`) in `mode`, with its
    /// layers and projector.
    fn synthetic(
        junctions: usize,
        seed: u64,
        mode: Mode,
    ) -> (crate::engine::model::Layers, Projector, RoadNetwork) {
        let layers = crate::devtools::synthetic::generate(junctions, seed);
        let projector = Projector::new(crate::engine::crs::UtmZone::containing(
            crate::devtools::synthetic::CENTRE,
        ));
        let net = RoadNetwork::build(&layers.roads, mode, &SpeedTable::default(), &projector);
        (layers, projector, net)
    }

    #[test]
    fn snapping_finds_the_nearest_segment_and_the_lowest_at_ties() {
        let (layers, projector, net) = synthetic(3_000, 7, Mode::Drive);
        // Every distinct coordinate is one node.
        let distinct: std::collections::HashSet<(u64, u64)> = layers
            .roads
            .iter()
            .flat_map(|r| r.lines.iter().flatten())
            .map(|p| (p.lon.to_bits(), p.lat.to_bits()))
            .collect();
        assert_eq!(net.nodes.len(), distinct.len());
        let brute = |p: Xy| {
            (0..net.segments.len() as u32)
                .map(|i| {
                    let s = net.segments[i as usize];
                    let d2 = segment_distance_2(
                        net.nodes[s.a as usize],
                        net.nodes[s.b as usize],
                        [p.x, p.y],
                    );
                    (d2, i)
                })
                .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                .unwrap()
                .1
        };
        let mut queries: Vec<Xy> = layers
            .settlements
            .iter()
            .map(|s| projector.project(s.at))
            .collect();
        // Nodes themselves, where every segment meeting there is at distance 0.
        queries.extend(net.nodes.iter().step_by(37).copied());
        for p in queries {
            assert_eq!(net.snap(p).unwrap().segment, brute(p));
        }
    }

    #[test]
    fn many_points_join_as_one_by_one_whether_split_over_cores_or_not() {
        let (_, _, net) = synthetic(8_000, 11, Mode::Walk);
        // Enough points to be cut into parts natively: the nodes and the midpoints of segments.
        let mut points: Vec<Xy> = net.nodes.clone();
        points.extend(net.segments.iter().map(|s| {
            let (a, b) = (net.nodes[s.a as usize], net.nodes[s.b as usize]);
            Xy {
                x: (a.x + b.x) / 2.0 + 3.0,
                y: (a.y + b.y) / 2.0 - 2.0,
            }
        }));
        if cfg!(not(target_arch = "wasm32"))
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
        {
            assert!(crate::engine::parallel::parts_for(points.len()) > 1);
        }
        let mut ticks = Vec::new();
        let many = net.snap_many(&points, &mut |i| ticks.push(i));
        let one_by_one: Vec<Option<Snap>> = points.iter().map(|&p| net.snap(p)).collect();
        assert_eq!(many, one_by_one);
        assert_eq!(ticks.first(), Some(&0));
        assert_eq!(ticks.last(), Some(&(points.len() - 1)));
    }
}
