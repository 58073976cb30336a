//! The grid of a travel-time surface: square cells aligned on multiples of the cell size in
//! the analysis's UTM plane, over the bounding box of every loaded layer, and the mask of the
//! cells whose centre lies inside the administrative units.

use crate::engine::crs::{Projector, UtmZone, Xy};
use crate::engine::model::Layers;
use serde::{Deserialize, Serialize};

/// The smallest cell size, in metres.
pub const MIN_CELL_M: f64 = 25.0;
/// The default cell size, in metres.
pub const DEFAULT_CELL_M: f64 = 100.0;
/// The most cells a surface may have: a browser tab holds 8 bytes per cell for the times, a
/// byte per cell for the map and the isochrones' working space.
pub const MAX_CELLS: usize = 12_000_000;

/// Why a surface cannot be made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum GridError {
    /// The cell size is not a number of metres of at least [`MIN_CELL_M`].
    CellSize {
        /// The size asked for.
        cell_m: f64,
    },
    /// The grid would have more cells than [`MAX_CELLS`].
    TooManyCells {
        /// How many it would have.
        cells: u64,
        /// The most allowed.
        max: u64,
        /// The smallest cell size (a multiple of 5 m) that fits.
        suggested_cell_m: f64,
    },
    /// Nothing is loaded that can be placed.
    Empty,
}

impl std::fmt::Display for GridError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GridError::CellSize { cell_m } => write!(
                f,
                "cell size {cell_m} m: give a size of at least {MIN_CELL_M} m"
            ),
            GridError::TooManyCells {
                cells,
                max,
                suggested_cell_m,
            } => write!(
                f,
                "a surface at this cell size would have {cells} cells, more than the {max} a \
                 browser tab can hold; use cells of {suggested_cell_m} m or more"
            ),
            GridError::Empty => write!(f, "nothing is loaded that can be placed on a map"),
        }
    }
}

impl std::error::Error for GridError {}

/// A grid of square cells in a UTM plane. Row 0 is the northernmost, column 0 the westernmost
/// (the raster order of a GeoTIFF).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// The plane.
    pub zone: UtmZone,
    /// Cell size in metres.
    pub cell_m: f64,
    /// Easting of the west edge (a multiple of `cell_m`).
    pub west: f64,
    /// Northing of the north edge (a multiple of `cell_m`).
    pub north: f64,
    /// Number of columns.
    pub cols: usize,
    /// Number of rows.
    pub rows: usize,
}

impl Grid {
    /// The grid of `cell_m` cells aligned on multiples of `cell_m` that covers every road,
    /// facility, settlement and admin polygon of `layers`, projected into `zone`.
    pub fn covering(layers: &Layers, zone: UtmZone, cell_m: f64) -> Result<Grid, GridError> {
        if !(cell_m.is_finite() && cell_m >= MIN_CELL_M) {
            return Err(GridError::CellSize { cell_m });
        }
        let projector = Projector::new(zone);
        let mut bbox: Option<(f64, f64, f64, f64)> = None;
        let mut add = |p: Xy| {
            if !(p.x.is_finite() && p.y.is_finite()) {
                return;
            }
            let b = bbox.get_or_insert((p.x, p.y, p.x, p.y));
            *b = (b.0.min(p.x), b.1.min(p.y), b.2.max(p.x), b.3.max(p.y));
        };
        let roads = layers.roads.iter().flat_map(|r| r.lines.iter().flatten());
        let points = layers
            .facilities
            .iter()
            .map(|f| &f.at)
            .chain(layers.settlements.iter().map(|s| &s.at));
        let admin = layers
            .admin
            .iter()
            .flat_map(|u| u.polygons.iter().flatten().flatten());
        for p in roads.chain(points).chain(admin) {
            add(projector.project(*p));
        }
        let (x0, y0, x1, y1) = bbox.ok_or(GridError::Empty)?;
        let west = (x0 / cell_m).floor() * cell_m;
        let south = (y0 / cell_m).floor() * cell_m;
        let cols = (((x1 - west) / cell_m).floor() as u64 + 1).max(1);
        let rows = (((y1 - south) / cell_m).floor() as u64 + 1).max(1);
        let cells = cols.saturating_mul(rows);
        if cells > MAX_CELLS as u64 {
            let scale = (cells as f64 / MAX_CELLS as f64).sqrt();
            let suggested_cell_m = ((cell_m * scale * 1.02 / 5.0).ceil() * 5.0).max(cell_m + 5.0);
            return Err(GridError::TooManyCells {
                cells,
                max: MAX_CELLS as u64,
                suggested_cell_m,
            });
        }
        Ok(Grid {
            zone,
            cell_m,
            west,
            north: south + rows as f64 * cell_m,
            cols: cols as usize,
            rows: rows as usize,
        })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cols * self.rows
    }

    /// True for a grid without cells (never made by [`Grid::covering`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The centre of cell (`col`, `row`).
    pub fn centre(&self, col: usize, row: usize) -> Xy {
        Xy {
            x: self.west + (col as f64 + 0.5) * self.cell_m,
            y: self.north - (row as f64 + 0.5) * self.cell_m,
        }
    }

    /// The corner of the grid lines `col` (from the west edge) and `row` (from the north).
    pub fn corner(&self, col: usize, row: usize) -> Xy {
        Xy {
            x: self.west + col as f64 * self.cell_m,
            y: self.north - row as f64 * self.cell_m,
        }
    }

    /// The cell holding `p`, if it is on the grid.
    pub fn cell_of(&self, p: Xy) -> Option<(usize, usize)> {
        let c = ((p.x - self.west) / self.cell_m).floor();
        let r = ((self.north - p.y) / self.cell_m).floor();
        (c >= 0.0 && r >= 0.0 && (c as usize) < self.cols && (r as usize) < self.rows)
            .then_some((c as usize, r as usize))
    }

    /// The index (row by row from the north) of the cell holding `p`, if it is on the grid.
    pub fn index_of(&self, p: Xy) -> Option<usize> {
        self.cell_of(p).map(|(c, r)| r * self.cols + c)
    }

    /// Area of one cell in square metres (in the plane).
    pub fn cell_area_m2(&self) -> f64 {
        self.cell_m * self.cell_m
    }

    /// Per cell (row by row), whether its centre lies inside one of the admin units' polygons
    /// (even-odd within a polygon, so holes are out); `None` when `layers` has no admin
    /// polygon, and then every cell counts.
    pub fn admin_mask(&self, layers: &Layers) -> Option<Vec<bool>> {
        let projector = Projector::new(self.zone);
        let mut mask = vec![false; self.len()];
        let mut any = false;
        let mut crossings: Vec<(usize, f64)> = Vec::new();
        for polygon in layers.admin.iter().flat_map(|u| &u.polygons) {
            crossings.clear();
            for ring in polygon {
                let pts: Vec<Xy> = ring.iter().map(|p| projector.project(*p)).collect();
                for (i, a) in pts.iter().enumerate() {
                    let b = pts[(i + 1) % pts.len()];
                    self.row_crossings(*a, b, &mut crossings);
                }
            }
            any |= !polygon.is_empty();
            crossings.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
            for row_crossings in crossings.chunk_by(|x, y| x.0 == y.0) {
                let row = row_crossings[0].0;
                for pair in row_crossings.chunks_exact(2) {
                    // Columns whose centre x lies in [xa, xb).
                    let col = |x: f64| {
                        (((x - self.west) / self.cell_m - 0.5).ceil().max(0.0) as usize)
                            .min(self.cols)
                    };
                    let (first, end) = (col(pair[0].1), col(pair[1].1));
                    for m in &mut mask[row * self.cols + first..row * self.cols + end.max(first)] {
                        *m = true;
                    }
                }
            }
        }
        any.then_some(mask)
    }

    /// Where the edge `a`–`b` crosses the rows' centre lines (half-open in y, so a vertex on a
    /// centre line counts once): `(row, x)`.
    fn row_crossings(&self, a: Xy, b: Xy, out: &mut Vec<(usize, f64)>) {
        if a.y == b.y || !(a.y.is_finite() && b.y.is_finite()) {
            return;
        }
        let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
        // Rows whose centre y = north - (r + 0.5) cell lies in [lo.y, hi.y).
        let r_first = ((self.north - hi.y) / self.cell_m - 0.5).floor() + 1.0;
        let r_last = ((self.north - lo.y) / self.cell_m - 0.5).floor();
        let r_first = r_first.max(0.0);
        let r_last = r_last.min(self.rows as f64 - 1.0);
        let mut r = r_first;
        while r <= r_last {
            let y = self.north - (r + 0.5) * self.cell_m;
            if y >= lo.y && y < hi.y {
                let x = lo.x + (y - lo.y) * (hi.x - lo.x) / (hi.y - lo.y);
                out.push((r as usize, x));
            }
            r += 1.0;
        }
    }
}
