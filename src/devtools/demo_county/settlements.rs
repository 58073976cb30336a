//! Step 4, settlements: village committees and offices placed, then the settlements of every
//! village and community around them, and (once the roads exist) the remote hamlets far from
//! every road.

use super::builder::{Builder, Marks, SettlementPt};
use super::names::base_name;
use super::plan::{Level, BANYAN, DELONG, LONGQIAO, PINGMENG, SUBDISTRICTS, TOWNSHIPS};
use super::plane::{p, polyline_distance, P};
use super::random::{Rng, T_SETTLE};
use std::collections::HashSet;

impl Builder {
    /// Village committees in the middle of their village (away from the expressway), the remote
    /// village's beside its township, offices and seats where the partition put them.
    pub(super) fn choose_centres(&mut self) {
        let fixed: HashSet<usize> = [self.marks.v_small, self.marks.v_neighbour].into();
        for u in 0..self.units.len() {
            let unit = &self.units[u];
            let parent = unit.parent.map(|id| &self.units[id]);
            let is_first_child = parent.is_some_and(|par| par.children[0] == u);
            if !matches!(unit.level, Level::Village | Level::Community)
                || fixed.contains(&u)
                || is_first_child
            {
                continue;
            }
            let target = if u == self.marks.v_remote {
                TOWNSHIPS[BANYAN].seat
            } else {
                unit.mean(&self.lat)
            };
            let clear: Vec<usize> = unit
                .cells
                .iter()
                .copied()
                .filter(|&c| !self.near_motorway(c))
                .collect();
            let among = if clear.is_empty() {
                &unit.cells
            } else {
                &clear
            };
            self.units[u].centre_cell = self.lat.nearest(target, among);
        }
    }

    pub(super) fn settle(&mut self) {
        let townships = self.marks.townships.clone();
        for (k, &t) in townships.iter().enumerate() {
            for (i, v) in self.units[t].children.clone().into_iter().enumerate() {
                self.settle_village(k, v, i == 0);
            }
        }
        for (k, &s) in self.marks.subdistricts.clone().iter().enumerate() {
            for c in self.units[s].children.clone() {
                self.settle_community(k, c);
            }
        }
    }

    fn add_settlement(&mut self, name: String, population: u64, at: P, cell: usize) -> usize {
        self.settlements.push(SettlementPt {
            name,
            population,
            at,
            cell,
            remote: false,
        });
        self.settlements.len() - 1
    }

    /// Cells of unit `u` spread out from its centre, `n` of them (fewer when it is small).
    fn settlement_cells(&self, u: usize, n: usize, within_km: f64, rng: &mut Rng) -> Vec<usize> {
        let unit = &self.units[u];
        let centre = self.centre(u);
        let candidates: Vec<usize> = unit
            .cells
            .iter()
            .copied()
            .filter(|&c| c != unit.centre_cell && !self.near_motorway(c))
            .filter(|&c| self.lat.centre(c).dist(centre) <= within_km)
            .collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n.min(candidates.len()) {
            let mut best = (f64::NEG_INFINITY, candidates[0]);
            for &c in &candidates {
                if chosen.contains(&c) {
                    continue;
                }
                let q = self.lat.centre(c);
                let d = chosen
                    .iter()
                    .map(|&s| self.lat.centre(s))
                    .chain([centre])
                    .map(|s| s.dist(q))
                    .fold(f64::INFINITY, f64::min);
                let score = d + rng.unit() * 0.4;
                if score > best.0 {
                    best = (score, c);
                }
            }
            chosen.push(best.1);
        }
        chosen
    }

    fn settle_village(&mut self, township: usize, v: usize, is_seat: bool) {
        let mut rng = Rng::stream(self.seed, T_SETTLE, v as u64);
        let m = Marks {
            remote_hamlets: Vec::new(),
            townships: Vec::new(),
            subdistricts: Vec::new(),
            ..self.marks
        };
        let cells = self.units[v].cells.len();
        let (total, others, within) = if v == m.v_small {
            (rng.int(600, 850), 1, 1.0)
        } else if v == m.v_relocated {
            (rng.int(300, 450), 1, 9.0)
        } else if v == m.v_remote {
            (rng.int(900, 1300), 2, 1.6)
        } else if v == m.v_large {
            (rng.int(1600, 2400), (cells / 9).clamp(2, 5), 9.0)
        } else if matches!(township, PINGMENG | DELONG) {
            (rng.int(2000, 3600), (cells / 9).clamp(2, 5), 9.0)
        } else if self.units[v].flags.mountain {
            (rng.int(1000, 2200), (cells / 9).clamp(2, 5), 9.0)
        } else {
            (rng.int(1300, 3000), (cells / 9).clamp(2, 5), 9.0)
        };
        let zhuang = if self.units[v].flags.ethnic { 0.7 } else { 0.3 };
        let centre = self.centre(v);
        let centre_cell = self.units[v].centre_cell;
        let mut chosen = self.settlement_cells(v, others, within, &mut rng);
        if v == m.v_small {
            // Its other settlement, if any, lies next to the shared clinic's cell too.
            let shared = self.units[m.v_neighbour].centre_cell;
            chosen = self
                .lat
                .neighbours(shared)
                .filter(|&c| c != centre_cell && self.leaf[c] == Some(v) && !self.near_motorway(c))
                .take(1)
                .collect();
        }
        // Weights: the committee's settlement is the largest.
        let mut weights = vec![2.0];
        weights.extend(chosen.iter().map(|_| rng.range(0.5, 1.5)));
        let mut pops = split_population(total, &weights);
        let main_name = if is_seat {
            let base = base_name(TOWNSHIPS[township].name);
            let name = format!("{base}街");
            self.names.claim(&name);
            pops[0] = if township == LONGQIAO {
                rng.int(2600, 3000)
            } else {
                rng.int(1800, 3000)
            };
            name
        } else {
            let name = format!("{}屯", base_name(&self.units[v].name));
            if self.names.claim(&name) {
                name
            } else {
                self.names.hamlet(zhuang)
            }
        };
        for pop in pops.iter_mut() {
            *pop = (*pop).clamp(50, 3000);
        }
        self.add_settlement(main_name, pops[0], centre, centre_cell);
        for (i, &c) in chosen.iter().enumerate() {
            let name = self.names.hamlet(zhuang);
            let at = self.lat.point_in(c, &mut rng, 0.5);
            self.add_settlement(name, pops[i + 1], at, c);
        }
    }

    fn settle_community(&mut self, sub: usize, u: usize) {
        let mut rng = Rng::stream(self.seed, T_SETTLE, u as u64);
        let (lo, hi) = SUBDISTRICTS[sub].population;
        let total = if u == self.marks.c_far {
            rng.int(25_000, 27_000)
        } else {
            rng.int(lo, hi)
        };
        let n = rng.int(3, 4) as usize;
        let mut cells = self.settlement_cells(u, n, 9.0, &mut rng);
        let centre_cell = self.units[u].centre_cell;
        while cells.len() < n {
            cells.push(centre_cell);
        }
        let mut weights = vec![1.5];
        weights.extend(cells.iter().map(|_| rng.range(0.6, 1.4)));
        let pops = split_population(total, &weights);
        let name = self.names.compound();
        self.add_settlement(name, pops[0], self.centre(u), centre_cell);
        for (i, &c) in cells.iter().enumerate() {
            let name = self.names.compound();
            let at = self.lat.point_in(c, &mut rng, 0.5);
            self.add_settlement(name, pops[i + 1], at, c);
        }
    }

    /// Settlements far from every road in the remote village: the cells farthest from roads.
    pub(super) fn place_remote_hamlets(&mut self) {
        let v = self.marks.v_remote;
        let mut rng = Rng::stream(self.seed, T_SETTLE, 9_999);
        let lines: Vec<&[P]> = self.roads.iter().map(|r| r.pts.as_slice()).collect();
        let mut scored: Vec<(f64, usize)> = self.units[v]
            .cells
            .iter()
            .map(|&c| {
                let q = self.lat.centre(c);
                let d = lines
                    .iter()
                    .map(|l| polyline_distance(q, l))
                    .fold(f64::INFINITY, f64::min);
                (d, c)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = Vec::new();
        for &(d, c) in &scored {
            let apart = chosen
                .iter()
                .all(|&o| self.lat.centre(o).dist(self.lat.centre(c)) > 0.8);
            if (chosen.is_empty() || d >= 1.3) && apart {
                chosen.push(c);
            }
            if chosen.len() == 2 {
                break;
            }
        }
        for c in chosen {
            let name = self.names.hamlet(0.8);
            let at = self.lat.centre(c) + p(rng.range(-0.05, 0.05), rng.range(-0.05, 0.05));
            let pop = rng.int(50, 140);
            let s = self.add_settlement(name, pop, at, c);
            self.settlements[s].remote = true;
            self.marks.remote_hamlets.push(s);
        }
    }

    /// Populations: every settlement's residents counted in its village or community and in
    /// every unit above it, up to the county.
    pub(super) fn sum_populations(&mut self) {
        for s in &self.settlements {
            let mut u = self.leaf[s.cell];
            while let Some(id) = u {
                self.units[id].population += s.population;
                u = self.units[id].parent;
            }
        }
    }
}

/// `total` split in proportion to `weights`, each part rounded, the parts summing to `total`.
fn split_population(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|w| (total as f64 * w / sum).floor() as u64)
        .collect();
    let given: u64 = parts.iter().sum();
    parts[0] += total - given;
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_population_keeps_the_total() {
        let parts = split_population(1001, &[2.0, 1.0, 0.5]);
        assert_eq!(parts.iter().sum::<u64>(), 1001);
    }
}
