//! The travel time from any point to its nearest medical service point, exactly as a
//! settlement there would get it: joined to the nearest point of the nearest usable segment,
//! the off-road leg at the off-road speed, then along the segment to the next node of the
//! routing graph either way the segment may be used, plus that node's time from the one
//! multi-source search. No search runs per point.

use crate::engine::crs::Xy;
use crate::engine::network::NodeId;
use crate::engine::routing::{Reach, Router};
use rstar::{primitives::GeomWithData, RTree};

/// A join inside a segment: its segment, position, graph node and point.
#[derive(Clone, Copy, Debug)]
struct InnerJoin {
    segment: u32,
    t: f64,
    node: NodeId,
    at: Xy,
}

/// Answers "how many minutes from here" for any point, from a [`Reach`].
pub struct Sampler<'a> {
    reach: &'a Reach,
    /// Joins inside segments, by segment then position: the graph's nodes along a segment.
    inner: Vec<InnerJoin>,
    /// Without roads: the medical service points, for the straight-line nearest.
    service_points: RTree<GeomWithData<[f64; 2], usize>>,
}

impl<'a> Sampler<'a> {
    /// The sampler of `reach`.
    pub fn new(reach: &'a Reach) -> Sampler<'a> {
        let mut inner = Vec::new();
        let mut service_points = RTree::new();
        match &reach.router {
            Router::Network {
                settlement_joins,
                facility_joins,
                ..
            } => {
                inner = settlement_joins
                    .iter()
                    .chain(facility_joins)
                    .filter(|j| j.snap.t > 0.0 && j.snap.t < 1.0)
                    .map(|j| InnerJoin {
                        segment: j.snap.segment,
                        t: j.snap.t,
                        node: j.node,
                        at: j.snap.at,
                    })
                    .collect();
                inner.sort_by(|a, b| a.segment.cmp(&b.segment).then(a.t.total_cmp(&b.t)));
                inner.dedup_by(|a, b| a.segment == b.segment && a.t == b.t);
            }
            Router::StraightLine { .. } => {
                service_points = RTree::bulk_load(
                    reach
                        .service_points
                        .iter()
                        .map(|f| {
                            let p = reach.facility_xy[f.index()];
                            GeomWithData::new([p.x, p.y], f.index())
                        })
                        .collect(),
                );
            }
        }
        Sampler {
            reach,
            inner,
            service_points,
        }
    }

    /// Minutes from `p` to its nearest medical service point; `None` when none can be reached.
    /// At a settlement's own position this is that settlement's time, bit for bit.
    pub fn minutes_at(&self, p: Xy) -> Option<f64> {
        let reach = self.reach;
        match &reach.router {
            Router::StraightLine { offroad_m_per_min } => self.straight(p, *offroad_m_per_min),
            Router::Network {
                offroad_m_per_min, ..
            } => {
                let snap = reach.network.snap(p)?;
                let offroad_min = snap.offroad_m / offroad_m_per_min;
                let on_road = self.on_road(snap.segment, snap.t, snap.at)?;
                Some(offroad_min + on_road).filter(|m| m.is_finite())
            }
        }
    }

    /// Minutes from the point `at`, at `t` along `segment`, to the nearest service point over
    /// the network: the time of the graph node there, or the better of the two ways to the
    /// neighbouring nodes along the segment (each only if the segment may be used that way),
    /// summed as the search sums (the node's time, then the piece's).
    fn on_road(&self, segment: u32, t: f64, at: Xy) -> Option<f64> {
        let reach = self.reach;
        let net = &reach.network;
        let seg = net.segments[segment as usize];
        let minutes = |n: NodeId| reach.node_minutes[n as usize];
        if t <= 0.0 {
            return Some(minutes(seg.a));
        }
        if t >= 1.0 {
            return Some(minutes(seg.b));
        }
        let first = self.inner.partition_point(|j| j.segment < segment);
        let end = first + self.inner[first..].partition_point(|j| j.segment == segment);
        let on_seg = &self.inner[first..end];
        let k = on_seg.partition_point(|j| j.t < t);
        if let Some(j) = on_seg.get(k).filter(|j| j.t == t) {
            return Some(minutes(j.node));
        }
        let (prev_node, prev_at) = match k.checked_sub(1) {
            Some(i) => (on_seg[i].node, on_seg[i].at),
            None => (seg.a, net.nodes[seg.a as usize]),
        };
        let (next_node, next_at) = match on_seg.get(k) {
            Some(j) => (j.node, j.at),
            None => (seg.b, net.nodes[seg.b as usize]),
        };
        let (forward, backward) = net.speeds(&seg);
        let ahead = forward.map(|v| minutes(next_node) + at.distance_m(next_at) / v);
        let back = backward.map(|v| minutes(prev_node) + prev_at.distance_m(at) / v);
        match (ahead, back) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Without roads: the straight line to the nearest service point at the off-road speed,
    /// measured as the travel times measure it.
    fn straight(&self, p: Xy, m_per_min: f64) -> Option<f64> {
        let mut best: Option<f64> = None;
        let mut first_d2 = None;
        for (f, d2) in self
            .service_points
            .nearest_neighbor_iter_with_distance_2(&[p.x, p.y])
        {
            let first = *first_d2.get_or_insert(d2);
            // Points at (nearly) the first distance may measure nearer with `hypot`.
            if d2 > first * (1.0 + 1e-9) + 1e-9 {
                break;
            }
            let m = p.distance_m(self.reach.facility_xy[f.data]) / m_per_min;
            best = Some(best.map_or(m, |b: f64| b.min(m)));
        }
        best
    }
}
