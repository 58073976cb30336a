//! The travel-time surface: every cell of a grid over the loaded area timed to its nearest
//! medical service point exactly as a settlement at the cell's centre would be
//! ([`Sampler`]), from the one multi-source search already done; the cumulative isochrones
//! traced from the cells ([`isochrones`]); the area and population per band; and the
//! surface as a GeoTIFF ([`geotiff`]).
//!
//! Parts: `grid` (the aligned grid, the admin mask), `sample` (the exact time at a point),
//! `isochrones` (cell masks to valid polygons with holes, in WGS84), `geotiff` (the writer).

pub mod geotiff;
mod grid;
pub mod isochrones;
mod sample;

pub use grid::{Grid, GridError, DEFAULT_CELL_M, MAX_CELLS, MIN_CELL_M};
pub use sample::Sampler;

use crate::engine::model::Layers;
use crate::engine::progress::Progress;
use crate::engine::routing::Reach;
use serde::{Deserialize, Serialize};

/// The band limits of the coverage map, in minutes: 0–5–10–15–30–60, then beyond.
pub const DEFAULT_BANDS: [f64; 5] = [5.0, 10.0, 15.0, 30.0, 60.0];

/// The minutes of every cell of a grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Surface {
    /// The grid.
    pub grid: Grid,
    /// Per cell, row by row from the north: the minutes to the nearest medical service point;
    /// `f64::INFINITY` when none can be reached, NaN for a cell outside every admin unit
    /// (when units are loaded).
    pub minutes: Vec<f64>,
}

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    /// Outside every admin unit.
    Empty,
    /// No medical service point can be reached.
    Unreachable,
    /// Minutes to the nearest.
    Minutes(f64),
}

impl Surface {
    /// The surface of `reach` (computed on `layers`) at `cell_m`, over the grid covering all
    /// of `layers` in `reach`'s plane.
    pub fn compute(
        layers: &Layers,
        reach: &Reach,
        cell_m: f64,
        progress: Progress,
    ) -> Result<Surface, GridError> {
        let grid = Grid::covering(layers, reach.zone, cell_m)?;
        let mask = grid.admin_mask(layers);
        let minutes = Sampler::new(reach).fill(&grid, mask.as_deref(), progress);
        Ok(Surface { grid, minutes })
    }

    /// The cell (`col`, `row`).
    pub fn cell(&self, col: usize, row: usize) -> Cell {
        let m = self.minutes[row * self.grid.cols + col];
        if m.is_nan() {
            Cell::Empty
        } else if m.is_infinite() {
            Cell::Unreachable
        } else {
            Cell::Minutes(m)
        }
    }

    /// The area and population of each band between consecutive `limits` (ascending
    /// minutes; the first band starts at 0), then beyond the last limit, then unreachable.
    /// Areas count cells (in the plane); populations count `layers`' settlements by their own
    /// times in `reach`. Thresholds are inclusive: a band holds `lower < m <= upper`.
    pub fn band_table(&self, layers: &Layers, reach: &Reach, limits: &[f64]) -> Vec<BandRow> {
        let row = |from_min: Option<f64>, to_min: Option<f64>, unreachable| BandRow {
            from_min,
            to_min,
            unreachable,
            cells: 0,
            area_km2: 0.0,
            population: 0.0,
        };
        let mut rows: Vec<BandRow> = limits
            .iter()
            .enumerate()
            .map(|(i, &to)| {
                row(
                    Some(if i == 0 { 0.0 } else { limits[i - 1] }),
                    Some(to),
                    false,
                )
            })
            .collect();
        rows.push(row(
            Some(limits.last().copied().unwrap_or(0.0)),
            None,
            false,
        ));
        rows.push(row(None, None, true));
        let band_of = |m: f64| -> usize {
            if m.is_infinite() {
                limits.len() + 1
            } else {
                limits.partition_point(|&l| l < m)
            }
        };
        for &m in self.minutes.iter().filter(|m| !m.is_nan()) {
            rows[band_of(m)].cells += 1;
        }
        for (s, r) in layers.settlements.iter().zip(&reach.settlements) {
            rows[band_of(r.minutes.unwrap_or(f64::INFINITY))].population += s.population;
        }
        let cell_km2 = self.grid.cell_area_m2() / 1e6;
        for r in &mut rows {
            r.area_km2 = r.cells as f64 * cell_km2;
        }
        rows
    }
}

/// One row of the band table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BandRow {
    /// Lower limit in minutes (exclusive, but 0 for the first band); `None` for unreachable.
    pub from_min: Option<f64>,
    /// Upper limit in minutes (inclusive); `None` for beyond the last limit and unreachable.
    pub to_min: Option<f64>,
    /// The row of the cells and settlements that reach no service point.
    pub unreachable: bool,
    /// Cells in the band.
    pub cells: u64,
    /// Their area in km².
    pub area_km2: f64,
    /// Residents of the settlements in the band.
    pub population: f64,
}
