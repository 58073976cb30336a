//! Step 1, the ground: a jittered hexagonal lattice. Every unit is a set of its cells, and
//! every ring is traced along its edges, so neighbouring units share exact vertices.

use super::plane::{p, P};
use super::random::{Rng, T_LATTICE};
use std::collections::{BTreeMap, HashMap};

pub(super) const CELL_W: f64 = 0.65;
pub(super) const ROW_H: f64 = CELL_W * 0.866_025_403_784_438_6;
/// How far a lattice vertex sits above or below its row line: a regular pointy-top hexagon.
const PEAK: f64 = CELL_W * 0.144_337_567_297_406_4;
const JITTER: f64 = CELL_W * 0.1;
const NX: usize = 86;
const NY: usize = 100;
/// The lattice starts south-west of the frame's corner, so the county never touches its edge.
const LATTICE_ORIGIN: P = p(-4.0, -4.0);

/// A lattice of hexagons as a brick wall: row `j` of cells is shifted by half a cell when `j`
/// is odd, each cell has three vertices on its bottom line and three on its top, and exactly
/// three cells meet at every vertex.
pub(super) struct Lattice {
    pub(super) verts: Vec<P>,
}

impl Lattice {
    pub(super) fn new(seed: u64) -> Lattice {
        let nk = 2 * NX + 2;
        let mut verts = Vec::with_capacity(nk * (NY + 1));
        for j in 0..=NY {
            for k in 0..nk {
                let mut r = Rng::stream(seed, T_LATTICE, (j * nk + k) as u64);
                let peak = if (k + j) % 2 == 0 { PEAK } else { -PEAK };
                verts.push(
                    LATTICE_ORIGIN
                        + p(
                            k as f64 * CELL_W / 2.0 + r.range(-JITTER, JITTER),
                            j as f64 * ROW_H + peak + r.range(-JITTER, JITTER),
                        ),
                );
            }
        }
        Lattice { verts }
    }

    pub(super) fn count(&self) -> usize {
        NX * NY
    }

    /// The six vertex ids of cell `c`, counter-clockwise from the bottom left.
    fn corners(&self, c: usize) -> [usize; 6] {
        let (i, j) = (c % NX, c / NX);
        let nk = 2 * NX + 2;
        let k0 = 2 * i + (j & 1);
        let v = |k: usize, row: usize| row * nk + k;
        [
            v(k0, j),
            v(k0 + 1, j),
            v(k0 + 2, j),
            v(k0 + 2, j + 1),
            v(k0 + 1, j + 1),
            v(k0, j + 1),
        ]
    }

    pub(super) fn centre(&self, c: usize) -> P {
        let s = self
            .corners(c)
            .iter()
            .fold(p(0.0, 0.0), |acc, &v| acc + self.verts[v]);
        s * (1.0 / 6.0)
    }

    /// The (up to six) cells sharing an edge with `c`.
    pub(super) fn neighbours(&self, c: usize) -> impl Iterator<Item = usize> {
        let (i, j) = ((c % NX) as isize, (c / NX) as isize);
        let s = if j % 2 == 0 { -1 } else { 0 };
        let around = [
            (i - 1, j),
            (i + 1, j),
            (i + s, j - 1),
            (i + s + 1, j - 1),
            (i + s, j + 1),
            (i + s + 1, j + 1),
        ];
        around
            .into_iter()
            .filter(|&(a, b)| a >= 0 && b >= 0 && (a as usize) < NX && (b as usize) < NY)
            .map(|(a, b)| b as usize * NX + a as usize)
    }

    pub(super) fn on_lattice_edge(&self, c: usize) -> bool {
        self.neighbours(c).count() < 6
    }

    /// A point inside cell `c`: in the fan triangle of two adjacent corners, at most `spread`
    /// of the way from the centre to the outline.
    pub(super) fn point_in(&self, c: usize, rng: &mut Rng, spread: f64) -> P {
        let v = self.corners(c);
        let o = self.centre(c);
        let a = rng.below(6);
        let (mut t, mut u) = (rng.unit(), rng.unit());
        if t + u > 1.0 {
            t = 1.0 - t;
            u = 1.0 - u;
        }
        o + (self.verts[v[a]] - o) * (t * spread) + (self.verts[v[(a + 1) % 6]] - o) * (u * spread)
    }

    /// The cell of `among` whose centre is nearest to `q` (the first on a tie).
    pub(super) fn nearest(&self, q: P, among: &[usize]) -> usize {
        let mut best = (f64::INFINITY, among[0]);
        for &c in among {
            let d = self.centre(c).dist(q);
            if d < best.0 {
                best = (d, c);
            }
        }
        best.1
    }

    /// The boundary of a connected set of cells as rings of vertex ids, each closed, outer ring
    /// first (counter-clockwise), holes after it (clockwise).
    pub(super) fn rings(&self, cells: &[usize]) -> Vec<Vec<usize>> {
        let mut count: HashMap<(usize, usize), u32> = HashMap::new();
        for &c in cells {
            let v = self.corners(c);
            for e in 0..6 {
                let (a, b) = (v[e], v[(e + 1) % 6]);
                *count.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
        let mut next: BTreeMap<usize, usize> = BTreeMap::new();
        for &c in cells {
            let v = self.corners(c);
            for e in 0..6 {
                let (a, b) = (v[e], v[(e + 1) % 6]);
                if count[&(a.min(b), a.max(b))] == 1 {
                    next.insert(a, b);
                }
            }
        }
        let mut rings = Vec::new();
        while let Some((&start, &first)) = next.iter().next() {
            next.remove(&start);
            let mut ring = vec![start];
            let mut v = first;
            while v != start {
                ring.push(v);
                v = next
                    .remove(&v)
                    .expect("a lattice boundary is a closed chain");
            }
            ring.push(start);
            rings.push(ring);
        }
        let area = |r: &Vec<usize>| -> f64 {
            r.windows(2)
                .map(|w| self.verts[w[0]].cross(self.verts[w[1]]))
                .sum::<f64>()
        };
        rings.sort_by(|a, b| area(b).total_cmp(&area(a)));
        assert!(
            rings.iter().skip(1).all(|r| area(r) < 0.0),
            "a unit is in more than one piece"
        );
        rings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lattice_cells_share_edges_with_their_neighbours() {
        let lat = Lattice::new(1);
        for c in [0, 5, NX + 3, 2 * NX + 7, NX * NY - 1] {
            for n in lat.neighbours(c) {
                let a: HashSet<usize> = lat.corners(c).into_iter().collect();
                let shared = lat.corners(n).iter().filter(|v| a.contains(v)).count();
                assert_eq!(shared, 2, "cells {c} and {n}");
            }
        }
    }
}
