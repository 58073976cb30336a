//! The travel time from any point to its nearest medical service point, exactly as a
//! settlement there would get it: joined to the nearest point of the nearest usable segment,
//! the off-road leg at the off-road speed, then along the segment to the next node of the
//! routing graph either way the segment may be used, plus that node's time from the one
//! multi-source search. No search runs per point.

use super::grid::Grid;
use crate::engine::crs::Xy;
use crate::engine::network::{NodeId, Snap};
use crate::engine::progress::{Progress, Stage};
use crate::engine::routing::{Attachment, Reach, Router};
use rstar::{primitives::GeomWithData, RTree};

/// Cells per side of the blocks the grid is joined to the network by.
const BLOCK: usize = 16;
/// Cells within this many cells of a segment are joined segment by segment.
const NEAR_CELLS: usize = 2;
/// Blocks are not split below this many cells a side.
const MIN_SPLIT: usize = 4;
/// Candidate segments above which a block is split.
const MAX_CANDIDATES: usize = 48;

/// A block of cells: columns `c0..c0 + w`, rows `r0..r0 + h`.
#[derive(Clone, Copy, Debug)]
struct Block {
    c0: usize,
    r0: usize,
    w: usize,
    h: usize,
}

impl Block {
    /// The block in (up to) four quarters.
    fn split(self) -> impl Iterator<Item = Block> {
        let (w1, h1) = (self.w.div_ceil(2), self.h.div_ceil(2));
        [
            (self.c0, self.r0, w1, h1),
            (self.c0 + w1, self.r0, self.w - w1, h1),
            (self.c0, self.r0 + h1, w1, self.h - h1),
            (self.c0 + w1, self.r0 + h1, self.w - w1, self.h - h1),
        ]
        .into_iter()
        .filter(|&(_, _, w, h)| w > 0 && h > 0)
        .map(|(c0, r0, w, h)| Block { c0, r0, w, h })
    }
}

/// Answers "how many minutes from here" for any point, from a [`Reach`].
pub struct Sampler<'a> {
    reach: &'a Reach,
    /// The medical service points attached inside a stretch of road: `(segment, node before,
    /// facility index)`, sorted; a point on the same stretch may reach one straight.
    on_stretches: Vec<(u32, NodeId, u32)>,
    /// Without roads: the medical service points, for the straight-line nearest.
    service_points: RTree<GeomWithData<[f64; 2], usize>>,
}

impl<'a> Sampler<'a> {
    /// The sampler of `reach`.
    pub fn new(reach: &'a Reach) -> Sampler<'a> {
        let mut on_stretches = Vec::new();
        let mut service_points = RTree::new();
        match &reach.router {
            Router::Network { facility_joins, .. } => {
                on_stretches = reach
                    .service_points
                    .iter()
                    .filter_map(|f| {
                        let (segment, prev) = facility_joins[f.index()].stretch?;
                        Some((segment, prev, f.index() as u32))
                    })
                    .collect();
                on_stretches.sort_unstable();
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
            on_stretches,
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
                self.minutes_via(&snap, *offroad_m_per_min)
            }
        }
    }

    /// The minutes of a point that joins the network at `snap`: attached to the graph as a
    /// facility would be ([`Attachment`]), the better of the ways out of its stretch (the
    /// node's time, then the stretch's, as the search sums) and of the service points on the
    /// stretch itself, after its off-road leg.
    fn minutes_via(&self, snap: &Snap, offroad_m_per_min: f64) -> Option<f64> {
        let reach = self.reach;
        let Router::Network {
            splits,
            facility_joins,
            ..
        } = &reach.router
        else {
            return None;
        };
        let point = Attachment::new(&reach.network, splits, *snap, offroad_m_per_min);
        let node = |n: NodeId| {
            (
                reach.node_minutes[n as usize],
                reach.node_labels[n as usize],
            )
        };
        let beside = point.stretch.into_iter().flat_map(|(segment, prev)| {
            let first = self
                .on_stretches
                .partition_point(|&(s, p, _)| (s, p) < (segment, prev));
            self.on_stretches[first..]
                .iter()
                .take_while(move |&&(s, p, _)| (s, p) == (segment, prev))
                .filter_map(|&(_, _, f)| {
                    let target = &facility_joins[f as usize];
                    let w = point.beside(target, &reach.network)?;
                    Some((target.offroad_min, f, w))
                })
        });
        let (on_road, _) = point.nearest(node, beside)?;
        Some(point.offroad_min + on_road).filter(|m| m.is_finite())
    }

    /// The minutes of every cell of `grid` whose `mask` is set (every cell without a mask),
    /// as [`Sampler::minutes_at`] gives them at the cells' centres: `f64::INFINITY` for a cell
    /// that reaches nothing, NaN for a cell outside the mask. Cells are joined to the network
    /// a block at a time: one nearest-segment query at the block's centre bounds the segments
    /// any of its cells can be nearest to, and each cell picks among those (blocks with many
    /// candidates are split), which gives the same join as a query per cell.
    pub fn fill(&self, grid: &Grid, mask: Option<&[bool]>, progress: Progress) -> Vec<f64> {
        let mut minutes = vec![f64::NAN; grid.len()];
        if let Router::Network {
            offroad_m_per_min, ..
        } = &self.reach.router
        {
            self.fill_near_roads(grid, mask, &mut minutes, *offroad_m_per_min);
        }
        let mut candidates = Vec::new();
        for r0 in (0..grid.rows).step_by(BLOCK) {
            progress(Stage::Surface, r0 as u64, grid.rows as u64);
            for c0 in (0..grid.cols).step_by(BLOCK) {
                let block = Block {
                    c0,
                    r0,
                    w: BLOCK.min(grid.cols - c0),
                    h: BLOCK.min(grid.rows - r0),
                };
                self.fill_block(grid, mask, block, &mut minutes, &mut candidates);
            }
        }
        progress(Stage::Surface, grid.rows as u64, grid.rows as u64);
        minutes
    }

    /// The cells within [`NEAR_CELLS`] cells of a segment, joined by going through the
    /// segments (each over the cells near it) and keeping per cell the nearest, lowest-numbered
    /// one: where the nearest segment is that near, it is among those gone through, so the
    /// join is [`RoadNetwork::snap`]'s. Other cells stay NaN for the blocks.
    fn fill_near_roads(
        &self,
        grid: &Grid,
        mask: Option<&[bool]>,
        minutes: &mut [f64],
        offroad_m_per_min: f64,
    ) {
        let net = &self.reach.network;
        let reach_m = NEAR_CELLS as f64 * grid.cell_m;
        let reach_2 = reach_m * reach_m;
        let mut best: Vec<(f64, u32)> = vec![(f64::INFINITY, u32::MAX); grid.len()];
        let col_of = |x: f64| ((x - grid.west) / grid.cell_m - 0.5).floor();
        let row_of = |y: f64| ((grid.north - y) / grid.cell_m - 0.5).floor();
        let clamp = |v: f64, n: usize| v.clamp(0.0, n as f64 - 1.0) as usize;
        for (seg, s) in net.segments.iter().enumerate() {
            let (a, b) = (net.nodes[s.a as usize], net.nodes[s.b as usize]);
            let c0 = clamp(col_of(a.x.min(b.x) - reach_m), grid.cols);
            let c1 = clamp(col_of(a.x.max(b.x) + reach_m) + 1.0, grid.cols);
            let r0 = clamp(row_of(a.y.max(b.y) + reach_m), grid.rows);
            let r1 = clamp(row_of(a.y.min(b.y) - reach_m) + 1.0, grid.rows);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    let i = r * grid.cols + c;
                    let d2 = net.distance_2(seg as u32, grid.centre(c, r));
                    if d2 <= reach_2 && d2 < best[i].0 {
                        best[i] = (d2, seg as u32);
                    }
                }
            }
        }
        for (i, &(_, seg)) in best.iter().enumerate() {
            if seg == u32::MAX || mask.is_some_and(|m| !m[i]) {
                continue;
            }
            let p = grid.centre(i % grid.cols, i / grid.cols);
            minutes[i] = self
                .minutes_via(&net.join(p, seg), offroad_m_per_min)
                .unwrap_or(f64::INFINITY);
        }
    }

    fn fill_block(
        &self,
        grid: &Grid,
        mask: Option<&[bool]>,
        b: Block,
        minutes: &mut [f64],
        candidates: &mut Vec<u32>,
    ) {
        let todo: Vec<(usize, usize)> = (b.r0..b.r0 + b.h)
            .flat_map(|r| (b.c0..b.c0 + b.w).map(move |c| (c, r)))
            .filter(|&(c, r)| mask.is_none_or(|m| m[r * grid.cols + c]))
            .filter(|&(c, r)| minutes[r * grid.cols + c].is_nan())
            .collect();
        if todo.is_empty() {
            return;
        }
        let net = &self.reach.network;
        let Router::Network {
            offroad_m_per_min, ..
        } = &self.reach.router
        else {
            for &(c, r) in &todo {
                minutes[r * grid.cols + c] =
                    self.minutes_at(grid.centre(c, r)).unwrap_or(f64::INFINITY);
            }
            return;
        };
        let corner = grid.corner(b.c0, b.r0);
        let centre = Xy {
            x: corner.x + b.w as f64 * grid.cell_m / 2.0,
            y: corner.y - b.h as f64 * grid.cell_m / 2.0,
        };
        let half_diagonal = (b.w as f64).hypot(b.h as f64) * grid.cell_m / 2.0;
        let Some(nearest) = net.snap(centre) else {
            return;
        };
        // Margins for rounding: the bound only has to hold, not be tight.
        let radius = (nearest.offroad_m + 2.0 * half_diagonal) * (1.0 + 1e-9) + 1e-6;
        candidates.clear();
        net.segments_near(centre, radius, candidates);
        if candidates.len() > MAX_CANDIDATES && b.w.max(b.h) > MIN_SPLIT {
            for part in b.split() {
                self.fill_block(grid, mask, part, minutes, candidates);
            }
            return;
        }
        // Still many candidates in a small block (far from a dense network): the spatial
        // index per cell is cheaper than going through them all.
        let per_cell = candidates.len() > MAX_CANDIDATES;
        for &(c, r) in &todo {
            let p = grid.centre(c, r);
            let snap = if per_cell {
                net.snap(p)
            } else {
                net.snap_among(p, candidates)
            };
            let m = snap.and_then(|snap| self.minutes_via(&snap, *offroad_m_per_min));
            minutes[r * grid.cols + c] = m.unwrap_or(f64::INFINITY);
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
