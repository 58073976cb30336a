//! Cumulative isochrones traced from the cells: the polygon of a band covers exactly the
//! cells at or below its limit, so its area is theirs. Each connected set of cells (sides
//! shared; cells touching only at a corner are apart) becomes one polygon, its outer ring
//! counter-clockwise and its holes clockwise (RFC 7946); a ring that would touch itself at a
//! corner is split there into a ring and a hole touching it at that point, which keeps every
//! polygon valid (OGC simple features).

use super::grid::Grid;
use crate::engine::crs::{LonLat, Projector};
use crate::engine::model::Rings;
use std::collections::HashMap;

/// One band: every cell at or below `max_min` minutes.
#[derive(Clone, Debug, PartialEq)]
pub struct Isochrone {
    /// The band's limit in minutes.
    pub max_min: f64,
    /// Its polygons in WGS84 (outer ring first, then holes; rings closed).
    pub polygons: Vec<Rings>,
    /// The cells it covers.
    pub cells: u64,
    /// Their area in m², in the plane.
    pub area_m2: f64,
}

/// The isochrone of every limit of `bands`, over `minutes` (per cell of `grid`, as in
/// [`super::Surface::minutes`]).
pub fn isochrones(grid: &Grid, minutes: &[f64], bands: &[f64]) -> Vec<Isochrone> {
    let projector = Projector::new(grid.zone);
    bands
        .iter()
        .map(|&limit| {
            let mask: Vec<bool> = minutes.iter().map(|&m| m <= limit).collect();
            let cells = mask.iter().filter(|&&m| m).count() as u64;
            let polygons = trace(grid.cols, grid.rows, &mask)
                .into_iter()
                .map(|rings| {
                    rings
                        .iter()
                        .map(|ring| {
                            let mut r: Vec<LonLat> = ring
                                .iter()
                                .map(|&(c, r)| projector.unproject(grid.corner(c, r)))
                                .collect();
                            r.push(r[0]);
                            r
                        })
                        .collect()
                })
                .collect();
            Isochrone {
                max_min: limit,
                polygons,
                cells,
                area_m2: cells as f64 * grid.cell_area_m2(),
            }
        })
        .collect()
}

/// The isochrones as a GeoJSON FeatureCollection: one MultiPolygon feature per band, with
/// its `max_min`, `cells` and `area_km2` (in the plane); coordinates to 1e-8 degrees.
pub fn to_geojson(bands: &[Isochrone]) -> serde_json::Value {
    let round = |x: f64| (x * 1e8).round() / 1e8;
    let features: Vec<serde_json::Value> = bands
        .iter()
        .map(|b| {
            let coordinates: Vec<Vec<Vec<[f64; 2]>>> = b
                .polygons
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|r| r.iter().map(|q| [round(q.lon), round(q.lat)]).collect())
                        .collect()
                })
                .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": {
                    "max_min": b.max_min,
                    "cells": b.cells,
                    "area_km2": b.area_m2 / 1e6,
                },
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

/// A direction along the grid lines, in (column, row) steps: east, south, west, north.
const STEP: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];
const EAST: usize = 0;
const SOUTH: usize = 1;
const WEST: usize = 2;
const NORTH: usize = 3;

/// The direction to the left of `d` (as seen on a map with north up).
fn left(d: usize) -> usize {
    match d {
        EAST => NORTH,
        NORTH => WEST,
        WEST => SOUTH,
        _ => EAST,
    }
}

fn right(d: usize) -> usize {
    match d {
        EAST => SOUTH,
        SOUTH => WEST,
        WEST => NORTH,
        _ => EAST,
    }
}

/// A ring as grid corners `(col, row)`, without repeating the first.
type CornerRing = Vec<(usize, usize)>;

/// The polygons (outer ring, then holes; corner coordinates) of the `true` cells of a
/// `cols` × `rows` mask (row by row from the north).
pub fn trace(cols: usize, rows: usize, mask: &[bool]) -> Vec<Vec<CornerRing>> {
    let inside = |c: i64, r: i64| {
        c >= 0
            && r >= 0
            && (c as usize) < cols
            && (r as usize) < rows
            && mask[r as usize * cols + c as usize]
    };
    let labels = components(cols, rows, mask);
    // Boundary sides already traced, 4 bits per cell (bit d: the side walked in direction d
    // with this cell on its left).
    let mut done = vec![0u8; mask.len()];
    let mut rings: Vec<(u32, CornerRing)> = Vec::new();
    for r in 0..rows as i64 {
        for c in 0..cols as i64 {
            if !inside(c, r) {
                continue;
            }
            for d in 0..4 {
                let i = r as usize * cols + c as usize;
                if done[i] & (1 << d) != 0 || !is_boundary(&inside, c, r, d) {
                    continue;
                }
                let label = labels[i];
                for ring in walk(&inside, &mut done, cols, (c, r, d)) {
                    rings.push((label, ring));
                }
            }
        }
    }
    assemble(rings)
}

/// Whether the side of cell (`c`, `r`) walked in direction `d` with the cell on its left is a
/// boundary (the cell across it is outside).
fn is_boundary(inside: &impl Fn(i64, i64) -> bool, c: i64, r: i64, d: usize) -> bool {
    // Walking east along the south side, the cell across is south; and so on round.
    let across = right(d);
    let (dc, dr) = STEP[across];
    !inside(c + dc, r + dr)
}

/// The corner where the side of cell (`c`, `r`) walked in direction `d` starts.
fn side_start(c: i64, r: i64, d: usize) -> (i64, i64) {
    match d {
        SOUTH => (c, r),         // west side, going south
        EAST => (c, r + 1),      // south side, going east
        NORTH => (c + 1, r + 1), // east side, going north
        _ => (c + 1, r),         // north side, going west
    }
}

/// The cell on the left of the side starting at corner `v` in direction `d`.
fn left_cell(v: (i64, i64), d: usize) -> (i64, i64) {
    let (sc, sr) = STEP[d];
    let (lc, lr) = STEP[left(d)];
    // The quadrant ahead and to the left of the corner.
    let (qc, qr) = (sc + lc, sr + lr);
    (v.0 + (qc - 1) / 2, v.1 + (qr - 1) / 2)
}

/// Walks one boundary from the side `(c, r, d)`, keeping the inside on the left and turning
/// left at a corner where two inside cells touch only diagonally; marks the sides walked.
/// Returns the ring, split where it passes a corner twice.
fn walk(
    inside: &impl Fn(i64, i64) -> bool,
    done: &mut [u8],
    cols: usize,
    start: (i64, i64, usize),
) -> Vec<CornerRing> {
    let (mut cell, mut d) = ((start.0, start.1), start.2);
    let mut out = Vec::new();
    let mut pts: CornerRing = Vec::new();
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    loop {
        done[cell.1 as usize * cols + cell.0 as usize] |= 1 << d;
        let s = side_start(cell.0, cell.1, d);
        let v = (s.0 + STEP[d].0, s.1 + STEP[d].1);
        let ahead_left = inside_at(inside, left_cell(v, d));
        let ahead_right = inside_at(inside, left_cell(v, right(d)));
        let (next_d, pinch) = if !ahead_left {
            (left(d), ahead_right)
        } else if !ahead_right {
            (d, false)
        } else {
            (right(d), false)
        };
        if next_d != d {
            let corner = (v.0 as usize, v.1 as usize);
            match seen
                .get(&corner)
                .copied()
                .filter(|&k| pts.get(k) == Some(&corner))
            {
                Some(k) if pinch => {
                    out.push(pts.split_off(k));
                    pts.push(corner);
                }
                _ => {
                    if pinch {
                        seen.insert(corner, pts.len());
                    }
                    pts.push(corner);
                }
            }
        }
        cell = left_cell(v, next_d);
        d = next_d;
        if (cell.0, cell.1, d) == start {
            break;
        }
    }
    out.push(pts);
    out
}

fn inside_at(inside: &impl Fn(i64, i64) -> bool, cell: (i64, i64)) -> bool {
    inside(cell.0, cell.1)
}

/// Twice the signed area of a corner ring, positive when counter-clockwise on a map with north
/// up (rows grow southwards, so the sign is flipped).
fn doubled_area(ring: &CornerRing) -> i64 {
    let n = ring.len();
    let mut a = 0i64;
    for i in 0..n {
        let (x0, y0) = (ring[i].0 as i64, ring[i].1 as i64);
        let (x1, y1) = (ring[(i + 1) % n].0 as i64, ring[(i + 1) % n].1 as i64);
        a += x0 * y1 - x1 * y0;
    }
    -a
}

/// Groups rings into polygons: per connected set of cells, its counter-clockwise rings are
/// outer rings and its clockwise rings holes, each hole in the smallest outer ring of its set
/// that contains it.
fn assemble(rings: Vec<(u32, CornerRing)>) -> Vec<Vec<CornerRing>> {
    let mut polygons: Vec<Vec<CornerRing>> = Vec::new();
    let mut shells_of: HashMap<u32, Vec<(usize, i64)>> = HashMap::new();
    let mut holes = Vec::new();
    for (label, ring) in rings {
        let a = doubled_area(&ring);
        if a > 0 {
            shells_of
                .entry(label)
                .or_default()
                .push((polygons.len(), a));
            polygons.push(vec![ring]);
        } else if a < 0 {
            holes.push((label, ring));
        }
    }
    for (label, hole) in holes {
        let Some(shells) = shells_of.get(&label) else {
            continue;
        };
        let target = if shells.len() == 1 {
            shells[0].0
        } else {
            // The midpoint of the hole's first side lies on no other ring.
            let (a, b) = (hole[0], hole[1 % hole.len()]);
            let p = ((a.0 + b.0) as f64 / 2.0, (a.1 + b.1) as f64 / 2.0);
            match shells
                .iter()
                .filter(|(k, _)| contains(&polygons[*k][0], p))
                .min_by_key(|(_, a)| *a)
            {
                Some((k, _)) => *k,
                None => continue,
            }
        };
        polygons[target].push(hole);
    }
    polygons
}

/// Even-odd point in ring (corner coordinates).
fn contains(ring: &CornerRing, p: (f64, f64)) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (x0, y0) = (ring[i].0 as f64, ring[i].1 as f64);
        let (x1, y1) = (ring[(i + 1) % n].0 as f64, ring[(i + 1) % n].1 as f64);
        if (y0 > p.1) != (y1 > p.1) && p.0 < x0 + (p.1 - y0) * (x1 - x0) / (y1 - y0) {
            inside = !inside;
        }
    }
    inside
}

/// Labels of the side-connected sets of `true` cells (0 for `false` cells).
fn components(cols: usize, rows: usize, mask: &[bool]) -> Vec<u32> {
    let mut labels = vec![0u32; mask.len()];
    let mut next = 1u32;
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || labels[start] != 0 {
            continue;
        }
        labels[start] = next;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (c, r) = (i % cols, i / cols);
            let mut visit = |j: usize| {
                if mask[j] && labels[j] == 0 {
                    labels[j] = next;
                    stack.push(j);
                }
            };
            if c > 0 {
                visit(i - 1);
            }
            if c + 1 < cols {
                visit(i + 1);
            }
            if r > 0 {
                visit(i - cols);
            }
            if r + 1 < rows {
                visit(i + cols);
            }
        }
        next += 1;
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(rows: &[&str]) -> (usize, usize, Vec<bool>) {
        let cols = rows[0].len();
        let m = rows
            .iter()
            .flat_map(|r| r.chars().map(|ch| ch == '#'))
            .collect();
        (cols, rows.len(), m)
    }

    fn area(p: &[CornerRing]) -> i64 {
        p.iter().map(doubled_area).sum::<i64>() / 2
    }

    #[test]
    fn one_cell_is_a_counter_clockwise_square() {
        let (c, r, m) = mask(&["#"]);
        let p = trace(c, r, &m);
        assert_eq!(p, vec![vec![vec![(1, 1), (1, 0), (0, 0), (0, 1)]]]);
        assert_eq!(area(&p[0]), 1);
    }

    #[test]
    fn a_ring_of_cells_has_a_hole() {
        let (c, r, m) = mask(&["###", "#.#", "###"]);
        let p = trace(c, r, &m);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].len(), 2);
        assert_eq!(area(&p[0]), 8);
        assert!(doubled_area(&p[0][1]) < 0);
    }

    #[test]
    fn diagonal_cells_are_two_polygons_and_pinches_split_into_holes() {
        let (c, r, m) = mask(&["#.", ".#"]);
        let p = trace(c, r, &m);
        assert_eq!(p.len(), 2);
        // A C whose tips touch at a corner: one outer ring and a hole touching it there.
        let (c, r, m) = mask(&["##.", "#.#", "###"]);
        let p = trace(c, r, &m);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].len(), 2, "{p:?}");
        assert_eq!(area(&p[0]), 7);
        for q in &p {
            for ring in q {
                let mut corners = ring.clone();
                corners.sort();
                corners.dedup();
                assert_eq!(
                    corners.len(),
                    ring.len(),
                    "a ring passes a corner twice: {ring:?}"
                );
            }
        }
    }

    #[test]
    fn nested_islands_stay_separate_polygons() {
        let (c, r, m) = mask(&["#####", "#...#", "#.#.#", "#...#", "#####"]);
        let p = trace(c, r, &m);
        assert_eq!(p.len(), 2);
        let total: i64 = p.iter().map(|q| area(q)).sum();
        assert_eq!(total, 17);
    }
}
