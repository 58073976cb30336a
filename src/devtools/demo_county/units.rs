//! Step 2, the admin units: the county's outline, twelve towns and townships around a county
//! town of three sub-districts, and the villages and communities inside them.

use super::builder::{Builder, Unit};
use super::plan::{
    Flags, Level, BANYAN, C, CORE_KM, COUNTY_CODE, COUNTY_NAME, LONGQIAO, MERGED, O, SUBDISTRICTS,
    TOWNSHIPS,
};
use super::plane::{p, P};
use super::random::{Rng, T_BLOB, T_SPLIT};
use super::voronoi::{component, nearest_site, repair, split, spread_cells, Noise, Site};
use std::collections::VecDeque;

impl Builder {
    /// How far the county's outline lies from its centre `O` in direction `dir` (km): a wobbly
    /// circle of five harmonics around 22 km.
    fn blob_radius(&self, dir: P) -> f64 {
        let mut r = Rng::stream(self.seed, T_BLOB, 0);
        let harmonics: Vec<(usize, f64, P)> = [(2, 1.6), (3, 1.1), (4, 0.6), (6, 0.4)]
            .into_iter()
            .map(|(k, amp)| {
                let phase = p(r.range(-1.0, 1.0), r.range(-1.0, 1.0)).unit();
                (k, amp, phase)
            })
            .collect();
        let u = dir.unit();
        let mut radius = 22.0;
        let (mut zr, mut zi) = (1.0, 0.0);
        for k in 1..=6 {
            (zr, zi) = (zr * u.x - zi * u.y, zr * u.y + zi * u.x);
            for &(hk, amp, phase) in &harmonics {
                if hk == k {
                    // sin(kθ + φ) with cos φ = phase.x, sin φ = phase.y.
                    radius += amp * (zi * phase.x + zr * phase.y);
                }
            }
        }
        // A soft floor keeps every township seat well inside.
        if radius < 20.0 {
            radius = 20.0 - (20.0 - radius) * 0.3;
        }
        radius
    }

    /// A point `extra_km` outside the county's outline, in the direction of `towards` from O.
    pub(super) fn beyond_outline(&self, towards: P, extra_km: f64) -> P {
        let dir = (towards - O).unit();
        O + dir * (self.blob_radius(dir) + extra_km)
    }

    /// The county, its towns, townships and sub-districts, their villages and communities, and
    /// the village or community of every cell.
    pub(super) fn partition(&mut self) {
        let n = self.lat.count();
        // The county: a wobbly disc, one piece, no holes.
        let mut inside: Vec<bool> = (0..n)
            .map(|c| {
                let q = self.lat.centre(c);
                q.dist(O) < self.blob_radius(q - O)
            })
            .collect();
        let o_cell = self.lat.nearest(O, &(0..n).collect::<Vec<_>>());
        let lab: Vec<i32> = inside.iter().map(|&i| if i { 0 } else { -1 }).collect();
        let mut seen = vec![false; n];
        let piece = component(&self.lat, &lab, o_cell, &mut seen);
        inside = vec![false; n];
        for c in piece {
            inside[c] = true;
        }
        let mut outside = vec![false; n];
        let mut queue: VecDeque<usize> = (0..n)
            .filter(|&c| !inside[c] && self.lat.on_lattice_edge(c))
            .collect();
        for &c in &queue {
            outside[c] = true;
        }
        while let Some(c) = queue.pop_front() {
            for m in self.lat.neighbours(c) {
                if !inside[m] && !outside[m] {
                    outside[m] = true;
                    queue.push_back(m);
                }
            }
        }
        for c in 0..n {
            inside[c] = !outside[c];
        }
        let county_cells: Vec<usize> = (0..n).filter(|&c| inside[c]).collect();
        self.in_county = inside;
        self.marks.c_cell = self.lat.nearest(C, &county_cells);
        let county = self.add_unit(Unit {
            name: COUNTY_NAME.into(),
            code: format!("{COUNTY_CODE}000000"),
            level: Level::County,
            parent: None,
            children: Vec::new(),
            cells: county_cells.clone(),
            centre_cell: self.marks.c_cell,
            flags: Flags::default(),
            county_town: false,
            merged_into: None,
            population: 0,
        });
        self.marks.county = county;
        self.split_townships(&county_cells);
        self.split_villages();
        self.leaf = vec![None; n];
        for (u, unit) in self.units.iter().enumerate() {
            if matches!(unit.level, Level::Village | Level::Community) {
                for &c in &unit.cells {
                    self.leaf[c] = Some(u);
                }
            }
        }
    }

    /// Twelve towns and townships around a county-town core of three sub-districts.
    fn split_townships(&mut self, county_cells: &[usize]) {
        let lat = &self.lat;
        let mut rng = Rng::stream(self.seed, T_SPLIT, 0);
        let sites: Vec<Site> = TOWNSHIPS
            .iter()
            .map(|t| Site {
                at: t.seat,
                weight: t.weight,
                noise: Noise::new(&mut rng, 7.0),
            })
            .collect();
        let core = TOWNSHIPS.len() as i32;
        let core_edge = Noise::new(&mut rng, 2.5);
        let mut lab = vec![-1i32; lat.count()];
        for &c in county_cells {
            let q = lat.centre(c);
            lab[c] = if q.dist(C) <= CORE_KM * (1.0 + 0.15 * core_edge.at(q)) {
                core
            } else {
                nearest_site(&sites, q, 0.2) as i32
            };
        }
        let mut anchors: Vec<usize> = TOWNSHIPS
            .iter()
            .map(|t| lat.nearest(t.seat, county_cells))
            .collect();
        anchors.push(self.marks.c_cell);
        for (k, &a) in anchors.iter().enumerate() {
            lab[a] = k as i32;
        }
        repair(lat, &mut lab, county_cells, &anchors);
        let cells_of = |k: usize| -> Vec<usize> {
            county_cells
                .iter()
                .copied()
                .filter(|&c| lab[c] == k as i32)
                .collect()
        };
        let county = self.marks.county;
        let mut township_units = Vec::new();
        for (k, t) in TOWNSHIPS.iter().enumerate() {
            let unit = Unit {
                name: t.name.into(),
                code: format!("{COUNTY_CODE}{:03}000", t.code),
                level: t.level,
                parent: Some(county),
                children: Vec::new(),
                cells: cells_of(k),
                centre_cell: anchors[k],
                flags: Flags {
                    ethnic: k == BANYAN,
                    ..Flags::default()
                },
                county_town: k == LONGQIAO,
                merged_into: None,
                population: 0,
            };
            township_units.push(self.add_unit(unit));
        }
        for (gone, into) in MERGED {
            let code = self.units[township_units[into]].code.clone();
            self.units[township_units[gone]].merged_into = Some(code);
        }
        self.marks.townships = township_units;
        // The core: three sub-districts around their offices.
        let core_cells = cells_of(TOWNSHIPS.len());
        let mut sites: Vec<Site> = SUBDISTRICTS
            .iter()
            .map(|s| Site {
                at: C + s.office,
                weight: s.weight,
                noise: Noise::new(&mut rng, 2.5),
            })
            .collect();
        let (lab, anchors) = split(&self.lat, &core_cells, &mut sites, 3, 0, 0.1);
        for (k, s) in SUBDISTRICTS.iter().enumerate() {
            let cells: Vec<usize> = core_cells
                .iter()
                .copied()
                .filter(|&c| lab[c] == k as i32)
                .collect();
            let unit = Unit {
                name: s.name.into(),
                code: format!("{COUNTY_CODE}{:03}000", s.code),
                level: Level::Subdistrict,
                parent: Some(county),
                children: Vec::new(),
                cells,
                centre_cell: anchors[k],
                flags: Flags::default(),
                county_town: true,
                merged_into: None,
                population: 0,
            };
            let id = self.add_unit(unit);
            self.marks.subdistricts.push(id);
        }
    }

    /// Villages inside every township, communities inside every sub-district.
    fn split_villages(&mut self) {
        let parents: Vec<(usize, usize, bool)> = self
            .marks
            .townships
            .iter()
            .enumerate()
            .map(|(k, &u)| (u, TOWNSHIPS[k].villages, false))
            .chain(
                self.marks
                    .subdistricts
                    .iter()
                    .enumerate()
                    .map(|(k, &u)| (u, SUBDISTRICTS[k].communities, true)),
            )
            .collect();
        for (parent, count, urban) in parents {
            let mut rng = Rng::stream(self.seed, T_SPLIT, 100 + parent as u64);
            let domain = self.units[parent].cells.clone();
            let first = self.units[parent].centre_cell;
            let wavelength = if urban { 1.5 } else { 3.5 };
            let mut sites: Vec<Site> = spread_cells(&self.lat, &domain, first, count, &mut rng)
                .into_iter()
                .map(|at| Site {
                    at,
                    weight: 1.0,
                    noise: Noise::new(&mut rng, wavelength),
                })
                .collect();
            let (lab, anchors) = split(&self.lat, &domain, &mut sites, 1, 3, 0.15);
            let prefix = self.units[parent].code[..9].to_string();
            for (k, &anchor) in anchors.iter().enumerate() {
                let cells: Vec<usize> = domain
                    .iter()
                    .copied()
                    .filter(|&c| lab[c] == k as i32)
                    .collect();
                let (name, level, code) = if urban {
                    let name = self.names.community();
                    (name, Level::Community, format!("{prefix}{:03}", k + 1))
                } else {
                    (
                        self.names.village(),
                        Level::Village,
                        format!("{prefix}{:03}", k + 201),
                    )
                };
                self.add_unit(Unit {
                    name,
                    code,
                    level,
                    parent: Some(parent),
                    children: Vec::new(),
                    cells,
                    centre_cell: anchor,
                    flags: Flags::default(),
                    county_town: false,
                    merged_into: None,
                    population: 0,
                });
            }
        }
    }
}
