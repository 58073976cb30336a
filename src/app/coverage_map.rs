//! The coverage map as the page draws it: the travel-time surface's cells as band-coloured
//! pixels, the isochrone outlines as the cell edges where a band ends (the same edges the
//! exported polygons follow), the cell under the pointer, and the scale bar's length.

use super::scene::{band_of, css_rgba, BAND_COLOURS, BAND_LIMITS_MIN};

/// The cells as RGBA pixels, row by row from the north: each in its band's colour, cells
/// outside the units transparent.
pub fn surface_rgba(minutes: &[f32]) -> Vec<u8> {
    let colours: Vec<[u8; 4]> = BAND_COLOURS.iter().map(|c| css_rgba(c)).collect();
    let mut out = Vec::with_capacity(minutes.len() * 4);
    for &m in minutes {
        if m.is_nan() {
            out.extend_from_slice(&[0, 0, 0, 0]);
        } else {
            out.extend_from_slice(&colours[band_of(f64::from(m))]);
        }
    }
    out
}

/// The outline of the cells at or below `limit_min`: the cell edges between such a cell and
/// any other (or the grid's edge), as `[col0, row0, col1, row1]` in grid corners, horizontal
/// runs merged.
pub fn outline(minutes: &[f32], cols: usize, rows: usize, limit_min: f64) -> Vec<[u32; 4]> {
    let inside = |c: isize, r: isize| {
        c >= 0
            && r >= 0
            && (c as usize) < cols
            && (r as usize) < rows
            && f64::from(minutes[r as usize * cols + c as usize]) <= limit_min
    };
    let mut out = Vec::new();
    // Horizontal edges along corner row r (between cell rows r - 1 and r), merged into runs.
    for r in 0..=rows as isize {
        let mut run: Option<usize> = None;
        for c in 0..=cols as isize {
            let edge = c < cols as isize && inside(c, r - 1) != inside(c, r);
            match (edge, run) {
                (true, None) => run = Some(c as usize),
                (false, Some(start)) => {
                    out.push([start as u32, r as u32, c as u32, r as u32]);
                    run = None;
                }
                _ => {}
            }
        }
    }
    // Vertical edges along corner column c, merged into runs.
    for c in 0..=cols as isize {
        let mut run: Option<usize> = None;
        for r in 0..=rows as isize {
            let edge = r < rows as isize && inside(c - 1, r) != inside(c, r);
            match (edge, run) {
                (true, None) => run = Some(r as usize),
                (false, Some(start)) => {
                    out.push([c as u32, start as u32, c as u32, r as u32]);
                    run = None;
                }
                _ => {}
            }
        }
    }
    out
}

/// The outlines of every band limit (5, 10, 15, 30, 60 minutes), in that order.
pub fn outlines(minutes: &[f32], cols: usize, rows: usize) -> Vec<(f64, Vec<[u32; 4]>)> {
    BAND_LIMITS_MIN
        .iter()
        .map(|&l| (l, outline(minutes, cols, rows, l)))
        .collect()
}

/// A scale bar for `px_per_m` pixels per metre: the round length (1, 2 or 5 × 10ⁿ metres)
/// whose bar is at most `max_px` long, and that bar's length in pixels.
///
/// # Examples
/// ```
/// use medreach::app::coverage_map::scale_bar;
/// assert_eq!(scale_bar(0.1, 120.0), (1000.0, 100.0));
/// assert_eq!(scale_bar(0.03, 120.0), (2000.0, 60.0));
/// ```
pub fn scale_bar(px_per_m: f64, max_px: f64) -> (f64, f64) {
    if !(px_per_m.is_finite() && px_per_m > 0.0) {
        return (0.0, 0.0);
    }
    let max_m = max_px / px_per_m;
    let base = 10f64.powf(max_m.log10().floor());
    let m = [5.0, 2.0, 1.0]
        .iter()
        .map(|k| k * base)
        .find(|&m| m <= max_m)
        .unwrap_or(base);
    (m, m * px_per_m)
}

/// A scale bar's label: metres below a kilometre, else kilometres.
pub fn scale_label(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_follow_the_cell_edges_of_a_band() {
        // 3 x 2 cells: the west two within 15 min.
        let m = [3.0, 12.0, 40.0, 4.0, 14.0, f32::INFINITY];
        let o = outline(&m, 3, 2, 15.0);
        let length: u32 = o.iter().map(|e| (e[2] - e[0]) + (e[3] - e[1])).sum();
        // A 2 x 2 square: perimeter 8 cell edges, in 4 runs.
        assert_eq!(length, 8);
        assert_eq!(o.len(), 4);
        let px = surface_rgba(&[2.0, f32::NAN, f32::INFINITY]);
        assert_eq!(&px[..4], &[0x1a, 0x98, 0x50, 255]);
        assert_eq!(px[7], 0, "outside: transparent");
        assert_eq!(&px[8..11], &[0x9e, 0x9e, 0x9e]);
    }

    #[test]
    fn the_cell_under_a_point() {
        use crate::engine::crs::{UtmZone, Xy};
        let grid = crate::engine::surface::Grid {
            zone: UtmZone {
                number: 50,
                north: true,
            },
            cell_m: 100.0,
            west: 1000.0,
            north: 5000.0,
            cols: 4,
            rows: 3,
        };
        let at = |x, y| grid.index_of(Xy { x, y });
        assert_eq!(at(1050.0, 4950.0), Some(0));
        assert_eq!(at(1399.0, 4701.0), Some(11));
        assert_eq!(at(999.0, 4950.0), None);
        assert_eq!(scale_label(500.0), "500 m");
        assert_eq!(scale_label(2000.0), "2 km");
    }
}
