//! Step 3, special areas and the case villages: special-area flags from the lie of the land,
//! then the villages (and the community) that carry a rule's case, recorded in the `Marks`.

use super::builder::Builder;
use super::plan::{
    Flags, BAIHE, BANYAN, C, CHENGZHONG, DELONG, DINGYE, DONGXING, GAOFENG, GUOLE, NASANG, O,
    PINGMENG, POHE, RESERVOIR, TOWNSHIPS, XINXU,
};
use std::collections::HashMap;

impl Builder {
    /// Special-area flags from the lie of the land, and the villages that carry a case.
    pub(super) fn mark_special_areas(&mut self) {
        self.flag_villages();
        self.mark_special_area_villages();
        self.mark_clinic_villages();
        self.mark_far_community();
    }

    /// Every village's flags from where it lies: mountains in the south-west, the border on
    /// the southern outline, ethnic villages in three townships, remote mountain villages far
    /// from the county town.
    fn flag_villages(&mut self) {
        let townships = self.marks.townships.clone();
        for (k, &t) in townships.iter().enumerate() {
            for v in self.units[t].children.clone() {
                let mean = self.units[v].mean(&self.lat);
                let border = self.units[v].cells.iter().any(|&c| {
                    self.lat.centre(c).y < O.y - 14.0
                        && (self.lat.on_lattice_edge(c)
                            || self.lat.neighbours(c).any(|n| !self.in_county[n]))
                });
                let mountain = mean.x + mean.y < 36.0 || mean.y < 12.0;
                self.units[v].flags = Flags {
                    mountain,
                    border,
                    ethnic: k == BANYAN || k == GUOLE || (k == PINGMENG && mean.x < 10.5),
                    remote: mountain && mean.dist(C) > 17.0,
                    reservoir: false,
                    relocated: false,
                };
            }
        }
    }

    /// The villages of township `k` but its seat's.
    fn non_seat_villages(&self, k: usize) -> Vec<usize> {
        self.villages_of(k).into_iter().skip(1).collect()
    }

    /// The unit of `units` with the highest `key` (the first on a tie).
    fn best_unit(&self, units: Vec<usize>, key: impl Fn(&Builder, usize) -> f64) -> usize {
        let mut best = (f64::NEG_INFINITY, units[0]);
        for v in units {
            let s = key(self, v);
            if s > best.0 {
                best = (s, v);
            }
        }
        best.1
    }

    /// The special-area villages of the cases: the remote one with nothing, and the three
    /// served by a medical service point, a fixed mobile station and a mobile medical station.
    fn mark_special_area_villages(&mut self) {
        // 板岩瑶族乡: the border village with the longest border is the remote one.
        let v_remote = self.best_unit(self.non_seat_villages(BANYAN), |b, v| {
            let u = &b.units[v];
            let border = u
                .cells
                .iter()
                .filter(|&&c| b.lat.neighbours(c).any(|n| !b.in_county[n]))
                .count();
            border as f64 * 10.0 + u.mean(&b.lat).dist(TOWNSHIPS[BANYAN].seat)
        });
        let f = &mut self.units[v_remote].flags;
        (f.mountain, f.border, f.ethnic, f.remote) = (true, true, true, true);
        // 平孟镇: the smallest village was moved down from the mountain (搬迁).
        let v_relocated = self.best_unit(self.non_seat_villages(PINGMENG), |b, v| {
            -(b.units[v].cells.len() as f64)
        });
        let f = &mut self.units[v_relocated].flags;
        (f.mountain, f.relocated) = (true, true);
        // 坡荷镇: the two villages nearest the reservoir.
        let mut near_reservoir = self.non_seat_villages(POHE);
        near_reservoir.sort_by(|&a, &b| {
            let d = |v: usize| self.units[v].mean(&self.lat).dist(RESERVOIR);
            d(a).total_cmp(&d(b))
        });
        for &v in &near_reservoir[..2] {
            self.units[v].flags.reservoir = true;
        }
        let v_reservoir = near_reservoir[0];
        // 那桑乡: the village farthest from its old seat has a mobile medical station.
        let v_mobile = self.best_unit(self.non_seat_villages(NASANG), |b, v| {
            b.units[v].mean(&b.lat).dist(TOWNSHIPS[NASANG].seat)
        });
        let f = &mut self.units[v_mobile].flags;
        (f.mountain, f.remote) = (true, true);
        let m = &mut self.marks;
        (m.v_remote, m.v_relocated, m.v_reservoir, m.v_mobile) =
            (v_remote, v_relocated, v_reservoir, v_mobile);
    }

    /// The ordinary villages of the clinic cases: a large one without a clinic, the second
    /// center's, the branch's, one with two clinics, and a small one sharing its neighbour's.
    fn mark_clinic_villages(&mut self) {
        // 定业镇: the village nearest the county town is large and has no clinic.
        let v_large = self.best_unit(self.non_seat_villages(DINGYE), |b, v| {
            -b.units[v].mean(&b.lat).dist(C)
        });
        // 百合镇 and 高峰镇: the farthest villages hold the second center and the branch.
        let v_second_center = self.best_unit(self.non_seat_villages(BAIHE), |b, v| {
            b.units[v].mean(&b.lat).dist(TOWNSHIPS[BAIHE].seat)
        });
        let v_branch = self.best_unit(self.non_seat_villages(GAOFENG), |b, v| {
            b.units[v].mean(&b.lat).dist(TOWNSHIPS[GAOFENG].seat)
        });
        let v_duplicate = self.best_unit(self.non_seat_villages(GAOFENG), |b, v| {
            if v == v_branch {
                f64::NEG_INFINITY
            } else {
                -b.units[v].mean(&b.lat).dist(TOWNSHIPS[GAOFENG].seat)
            }
        });
        // 东兴镇: a small village and the neighbour whose clinic it shares.
        let (v_small, v_neighbour) = self.small_village_pair(DONGXING);
        // Ordinary villages carry no flag, so that their case is about the clinic alone.
        let seat_villages = [self.villages_of(DELONG)[0], self.villages_of(XINXU)[0]];
        for v in [v_large, v_small, v_neighbour, v_duplicate]
            .into_iter()
            .chain(seat_villages)
        {
            self.units[v].flags = Flags::default();
        }
        let m = &mut self.marks;
        (m.v_large, m.v_second_center, m.v_branch, m.v_duplicate) =
            (v_large, v_second_center, v_branch, v_duplicate);
        (m.v_small, m.v_neighbour) = (v_small, v_neighbour);
    }

    /// 城中街道: the community farthest from the office has no station.
    fn mark_far_community(&mut self) {
        let office = self.units[self.marks.subdistricts[CHENGZHONG]].centre_cell;
        let communities: Vec<usize> = self.units[self.marks.subdistricts[CHENGZHONG]]
            .children
            .iter()
            .copied()
            .skip(1)
            .collect();
        self.marks.c_far = self.best_unit(communities, |b, v| {
            b.units[v].mean(&b.lat).dist(b.lat.centre(office))
        });
    }

    /// Two adjacent non-seat villages of a township: the first to be small without a clinic,
    /// the second to have the clinic it shares. Their committees sit in adjacent cells.
    fn small_village_pair(&mut self, township: usize) -> (usize, usize) {
        let villages: Vec<usize> = self.villages_of(township).into_iter().skip(1).collect();
        let mut owner: HashMap<usize, usize> = HashMap::new();
        for &v in &villages {
            for &c in &self.units[v].cells {
                owner.insert(c, v);
            }
        }
        let mut best: Option<(f64, usize, usize, usize, usize)> = None;
        for &a in &villages {
            for &ca in &self.units[a].cells {
                for cb in self.lat.neighbours(ca) {
                    let Some(&b) = owner.get(&cb) else { continue };
                    if b == a || self.near_motorway(cb) || self.near_motorway(ca) {
                        continue;
                    }
                    let score = self.lat.centre(cb).dist(self.units[b].mean(&self.lat));
                    if best.is_none_or(|x| score < x.0) {
                        best = Some((score, a, b, ca, cb));
                    }
                }
            }
        }
        let (_, a, b, ca, cb) = best.expect("a township with two adjacent villages");
        self.units[a].centre_cell = ca;
        self.units[b].centre_cell = cb;
        (a, b)
    }
}
