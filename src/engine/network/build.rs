//! The road network of a mode: its nodes (distinct road vertices, numbered along a Hilbert
//! curve), its usable segments, and the spatial index of segment runs that snapping searches.

use super::graph::NodeId;
use super::speeds::{road_speeds, Mode, SpeedTable};
use crate::engine::crs::{LonLat, Projector, Xy};
use crate::engine::model::Road;
use rstar::{PointDistance, RTree, RTreeObject, AABB};
use serde::{Deserialize, Serialize};

/// A straight piece of road between two consecutive vertices. Its length and speeds are the
/// network's ([`RoadNetwork::length_m`], [`RoadNetwork::speeds`]), not stored per segment: a
/// province has tens of millions of segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Start node (the earlier vertex in the line's order).
    pub a: NodeId,
    /// End node.
    pub b: NodeId,
    /// Index of the road in the slice the network was built from.
    pub road: u32,
}

/// Most segments in one entry of the spatial index.
const RUN_MAX: usize = 8;

/// An entry of the spatial index: up to [`RUN_MAX`] consecutive, connected segments, under
/// their bounding box. Indexing runs instead of single segments keeps the index at a few
/// bytes per segment; the exact distances are taken segment by segment in [`RoadNetwork::snap`].
#[derive(Clone, Debug)]
pub(super) struct SegmentRun {
    envelope: AABB<[f64; 2]>,
    pub(super) first: u32,
    pub(super) len: u32,
}

impl RTreeObject for SegmentRun {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for SegmentRun {
    /// The distance to the bounding box: no segment of the run is nearer.
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        self.envelope.distance_2(point)
    }
}

/// The usable roads of one mode, projected.
#[derive(Clone, Debug)]
pub struct RoadNetwork {
    /// Node positions in metres; nodes are the distinct road vertices, numbered along a
    /// Hilbert curve so that nodes near each other on the ground are near each other in memory.
    pub nodes: Vec<Xy>,
    /// Usable segments, in road, line and vertex order.
    pub segments: Vec<Segment>,
    /// Segments of zero length that were dropped (two distinct coordinates projecting to one
    /// point).
    pub zero_length_dropped: usize,
    /// Per road of the slice the network was built from: its speeds (along, against) in m/min;
    /// `(None, None)` for a road not usable in this mode.
    road_speeds: Vec<(Option<f64>, Option<f64>)>,
    pub(super) index: RTree<SegmentRun>,
}

/// The cell of `v` among the 2¹⁶ cells from `lo` to `hi` (0 when they are equal): a coordinate
/// for [`hilbert_index`].
fn curve_cell(v: f64, lo: f64, hi: f64) -> u32 {
    if hi > lo {
        (((v - lo) / (hi - lo)) * 65_535.0).clamp(0.0, 65_535.0) as u32
    } else {
        0
    }
}

/// The position of `(x, y)` (each below 2¹⁶) along the Hilbert curve that fills the square of
/// side 2¹⁶.
fn hilbert_index(mut x: u32, mut y: u32) -> u32 {
    const N: u32 = 1 << 16;
    let mut d = 0u32;
    let mut s = N / 2;
    while s > 0 {
        let rx = u32::from(x & s != 0);
        let ry = u32::from(y & s != 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = N - 1 - x;
                y = N - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// For each point, in the order of a Hilbert curve over their bounding box: (its position
/// along the curve, its number), points at equal positions in their own order. Both the road
/// vertices (numbered into nodes) and the points joined to the network go in this order, so
/// that neighbours on the ground are neighbours in memory.
pub(super) fn curve_order(points: impl Iterator<Item = [f64; 2]> + Clone) -> Vec<(u32, u32)> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for [x, y] in points.clone() {
        lo = [lo[0].min(x), lo[1].min(y)];
        hi = [hi[0].max(x), hi[1].max(y)];
    }
    let keyed: Vec<(u32, u32)> = points
        .enumerate()
        .map(|(i, [x, y])| {
            let cell = (curve_cell(x, lo[0], hi[0]), curve_cell(y, lo[1], hi[1]));
            (hilbert_index(cell.0, cell.1), i as u32)
        })
        .collect();
    sort_by_key_u32(keyed, |&(d, _)| d)
}

/// `items` in the order of `key`, items of equal keys in the order they came: a
/// least-significant-digit radix sort in three passes of 11 bits (skipping a pass where every
/// key has the same digit). On Porto's 327,000 road vertices it takes a few milliseconds where
/// a comparison sort took tens, in WebAssembly too.
fn sort_by_key_u32<T: Copy + Default>(items: Vec<T>, key: impl Fn(&T) -> u32) -> Vec<T> {
    const BITS: u32 = 11;
    const MASK: u32 = (1 << BITS) - 1;
    let mut from = items;
    let mut to = vec![T::default(); from.len()];
    for shift in [0, BITS, 2 * BITS] {
        let digit = |t: &T| ((key(t) >> shift) & MASK) as usize;
        let mut start = vec![0usize; 1 << BITS];
        for t in &from {
            start[digit(t)] += 1;
        }
        if start.contains(&from.len()) {
            continue;
        }
        let mut sum = 0;
        for c in &mut start {
            (*c, sum) = (sum, sum + *c);
        }
        for t in &from {
            let d = digit(t);
            to[start[d]] = *t;
            start[d] += 1;
        }
        std::mem::swap(&mut from, &mut to);
    }
    from
}

impl RoadNetwork {
    /// Builds the network of `mode` from `roads`, projecting with `projector`.
    ///
    /// Vertices with bit-for-bit equal coordinates are one node. They are found by sorting the
    /// vertices along a Hilbert curve over their bounding box (then by their exact bits), not
    /// with a hash map: on ten million vertices the map's cache misses took most of the build,
    /// and the sorted order leaves neighbouring nodes next to each other for the search.
    pub fn build(
        roads: &[Road],
        mode: Mode,
        speeds: &SpeedTable,
        projector: &Projector,
    ) -> RoadNetwork {
        let usable: Vec<Option<(Option<f64>, Option<f64>)>> =
            roads.iter().map(|r| road_speeds(r, mode, speeds)).collect();
        let (nodes, vertex_node) = number_vertices(roads, &usable, projector);
        let (segments, zero_length_dropped) = segments_between(roads, &usable, &nodes, vertex_node);
        let index = RTree::bulk_load(segment_runs(&nodes, &segments));
        RoadNetwork {
            nodes,
            segments,
            zero_length_dropped,
            road_speeds: usable
                .into_iter()
                .map(|s| s.unwrap_or((None, None)))
                .collect(),
            index,
        }
    }

    /// True when the mode has no usable road at all.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Length of segment `s` in metres (positive).
    pub fn length_m(&self, s: &Segment) -> f64 {
        self.nodes[s.a as usize].distance_m(self.nodes[s.b as usize])
    }

    /// Speeds of segment `s` in m/min: (from `a` to `b`, from `b` to `a`), `None` when closed
    /// that way.
    pub fn speeds(&self, s: &Segment) -> (Option<f64>, Option<f64>) {
        self.road_speeds[s.road as usize]
    }
}

/// The network's nodes (each distinct vertex of the usable roads, projected, numbered along a
/// Hilbert curve) and, for each vertex of the usable roads in road order, its node.
fn number_vertices(
    roads: &[Road],
    usable: &[Option<(Option<f64>, Option<f64>)>],
    projector: &Projector,
) -> (Vec<Xy>, Vec<NodeId>) {
    let vertices = || {
        roads
            .iter()
            .zip(usable)
            .filter(|(_, s)| s.is_some())
            .flat_map(|(r, _)| r.lines.iter().flatten())
    };
    let coords: Vec<LonLat> = vertices().copied().collect();
    let vertex_count = coords.len();
    assert!(
        vertex_count < u32::MAX as usize,
        "more than 4 billion road vertices"
    );
    // (curve position, vertex number) in curve order, then equal positions by their exact
    // bits: the order of sorting (position, longitude bits, latitude bits, vertex number), in
    // a fraction of its time.
    let mut order = curve_order(coords.iter().map(|p| [p.lon, p.lat]));
    let exact = |i: u32| {
        let p = coords[i as usize];
        (p.lon.to_bits(), p.lat.to_bits())
    };
    for run in order.chunk_by_mut(|a, b| a.0 == b.0) {
        // Mostly one vertex, or one junction's vertices: already in vertex order.
        let first = exact(run[0].1);
        if run.iter().any(|&(_, i)| exact(i) != first) {
            run.sort_unstable_by_key(|&(_, i)| (exact(i), i));
        }
    }
    let mut vertex_node = vec![0 as NodeId; vertex_count];
    // Each node's first vertex, then the nodes projected (over the cores, natively).
    let mut firsts: Vec<u32> = Vec::new();
    let mut last: Option<(u64, u64)> = None;
    for &(_, i) in &order {
        if last != Some(exact(i)) {
            firsts.push(i);
            last = Some(exact(i));
        }
        vertex_node[i as usize] = (firsts.len() - 1) as NodeId;
    }
    drop(order);
    let nodes = crate::engine::parallel::map_parts(&firsts, |_, part| {
        part.iter()
            .map(|&i| projector.project(coords[i as usize]))
            .collect()
    });
    (nodes, vertex_node)
}

/// The segments between consecutive vertices of the usable roads, and how many were dropped
/// for having no length.
fn segments_between(
    roads: &[Road],
    usable: &[Option<(Option<f64>, Option<f64>)>],
    nodes: &[Xy],
    vertex_node: Vec<NodeId>,
) -> (Vec<Segment>, usize) {
    let mut segments = Vec::with_capacity(vertex_node.len());
    let mut zero_length_dropped = 0;
    let mut v = 0usize;
    for (road_idx, road) in roads.iter().enumerate() {
        if usable[road_idx].is_none() {
            continue;
        }
        for line in &road.lines {
            let mut prev: Option<NodeId> = None;
            for _ in line {
                let id = vertex_node[v];
                v += 1;
                if let Some(a) = prev {
                    if nodes[a as usize].distance_m(nodes[id as usize]) > 0.0 {
                        segments.push(Segment {
                            a,
                            b: id,
                            road: road_idx as u32,
                        });
                    } else {
                        zero_length_dropped += 1;
                    }
                }
                prev = Some(id);
            }
        }
    }
    drop(vertex_node);
    segments.shrink_to_fit();
    (segments, zero_length_dropped)
}

/// Runs of up to `RUN_MAX` consecutive, connected segments, each under its bounding box: the
/// entries of the spatial index.
fn segment_runs(nodes: &[Xy], segments: &[Segment]) -> Vec<SegmentRun> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let mut j = i + 1;
        while j < segments.len() && j - i < RUN_MAX && segments[j].a == segments[j - 1].b {
            j += 1;
        }
        let first = nodes[segments[i].a as usize];
        let (mut lo, mut hi) = ([first.x, first.y], [first.x, first.y]);
        for s in &segments[i..j] {
            let b = nodes[s.b as usize];
            lo = [lo[0].min(b.x), lo[1].min(b.y)];
            hi = [hi[0].max(b.x), hi[1].max(b.y)];
        }
        let envelope = AABB::from_corners(lo, hi);
        runs.push(SegmentRun {
            envelope,
            first: i as u32,
            len: (j - i) as u32,
        });
        i = j;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn the_radix_sort_orders_by_key_and_keeps_the_order_of_equal_keys() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as u32
        };
        for (n, spread) in [(0, 1), (1, 1), (5000, u32::MAX), (5000, 1 << 12), (300, 3)] {
            let items: Vec<(u32, u32)> = (0..n).map(|i| (next() % spread, i)).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(k, _)| k);
            assert_eq!(
                sort_by_key_u32(items, |&(k, _)| k),
                expected,
                "{n} keys below {spread}"
            );
        }
    }

    #[test]
    fn hilbert_index_visits_neighbouring_cells_in_turn() {
        // Along the curve, consecutive positions are cells side by side.
        let mut cells = vec![(0u32, 0u32); 1 << 12];
        let (w, scale) = (64u32, 1u32 << 10);
        for x in 0..w {
            for y in 0..w {
                // Cells of side 2^10 in the 2^16 square: the 64 x 64 curve, scaled.
                let d = hilbert_index(x * scale, y * scale) / (scale * scale);
                cells[d as usize] = (x, y);
            }
        }
        for pair in cells.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert_eq!(a.0.abs_diff(b.0) + a.1.abs_diff(b.1), 1, "{a:?} then {b:?}");
        }
    }
}
