//! Step 5, roads: the expressway, the national road, provincial, county and township roads,
//! the county town's streets and the village roads to every settlement.

use super::builder::{Builder, RoadLine};
use super::names::STREETS;
use super::plan::{
    Level, BAIHE, BANYAN, CHENGZHONG, CORE_KM, DELONG, DINGYE, DONGXING, GAOFENG, GUOLE, LONGQIAO,
    MOTORWAY_EXIT, NASANG, O, PINGMENG, POHE, SLOTS, TOWNSHIPS, XINCHENG, XINXU,
};
use super::plane::{dsin, p, P, PI};
use super::random::{Rng, T_NAMES, T_ROAD};
use std::collections::BTreeMap;

/// How a road bends: its largest sideways offset as a share of its length, and how many
/// half-waves it may have.
#[derive(Clone, Copy)]
pub(super) struct Style {
    pub(super) amp: f64,
    pub(super) harmonics: usize,
}

const URBAN: Style = Style {
    amp: 0.03,
    harmonics: 2,
};
const FLAT: Style = Style {
    amp: 0.07,
    harmonics: 3,
};
const HILLY: Style = Style {
    amp: 0.14,
    harmonics: 5,
};
const MOUNTAIN_ROAD: Style = Style {
    amp: 0.16,
    harmonics: 10,
};

impl Builder {
    pub(super) fn road(
        &mut self,
        a: P,
        b: P,
        class: &'static str,
        name: Option<String>,
        style: Style,
    ) -> &mut RoadLine {
        self.road_bowed(a, b, class, name, style, 0.0)
    }

    /// A road from `a` to `b` that bends by `style` and bows sideways by `bow` of its length.
    fn road_bowed(
        &mut self,
        a: P,
        b: P,
        class: &'static str,
        name: Option<String>,
        style: Style,
        bow: f64,
    ) -> &mut RoadLine {
        let mut rng = Rng::stream(self.seed, T_ROAD, self.roads.len() as u64);
        let pts = bend(a, b, style, bow, &mut rng);
        self.roads.push(RoadLine {
            class,
            name,
            oneway: None,
            maxspeed: None,
            pts,
            at_grade: true,
        });
        self.roads.last_mut().expect("just pushed")
    }

    /// Lays the expressway's line before anything is settled, so that committees and settlements
    /// keep clear of it; [`Builder::build_roads`] adds it as a road.
    pub(super) fn lay_motorway(&mut self) {
        self.motorway = self.motorway_line();
    }

    /// The expressway: from the west outline to the east outline north of the county town.
    fn motorway_line(&self) -> Vec<P> {
        let mut rng = Rng::stream(self.seed, T_ROAD, 1_000_000);
        let stops = [
            self.beyond_outline(O + p(-1.0, 0.42), 1.5),
            p(15.0, 37.5),
            MOTORWAY_EXIT,
            p(35.0, 37.0),
            self.beyond_outline(O + p(1.0, 0.45), 1.5),
        ];
        let mut line = vec![stops[0]];
        for w in stops.windows(2) {
            line.extend(bend(w[0], w[1], URBAN, 0.0, &mut rng).into_iter().skip(1));
        }
        line
    }

    pub(super) fn build_roads(&mut self) {
        let seat = |k: usize| -> P {
            self.lat
                .centre(self.units[self.marks.townships[k]].centre_cell)
        };
        let s: Vec<P> = (0..TOWNSHIPS.len()).map(seat).collect();
        let c = self.lat.centre(self.marks.c_cell);
        let towards = |from: P, to: P, km: f64| from + (to - from).unit() * km;
        // The expressway and its interchange.
        let motorway = self.motorway.clone();
        self.roads.push(RoadLine {
            class: "motorway",
            name: Some("那青高速公路".into()),
            oneway: None,
            maxspeed: Some("100"),
            pts: motorway,
            at_grade: false,
        });
        let q = towards(c, s[GAOFENG], 3.4);
        for (from, to, bow) in [(MOTORWAY_EXIT, q, 0.12), (q, MOTORWAY_EXIT, 0.12)] {
            let r = self.road_bowed(from, to, "motorway_link", None, URBAN, bow);
            r.oneway = Some("yes");
            r.maxspeed = Some("40");
            r.at_grade = false;
        }
        // The national road through the county town.
        let west = self.beyond_outline(s[NASANG], 1.0);
        let east = self.beyond_outline(s[DONGXING], 1.0);
        let (cw, ce) = (
            towards(c, s[DINGYE], CORE_KM),
            towards(c, s[LONGQIAO], CORE_KM),
        );
        let national = Some("国道357线".to_string());
        for (a, b) in [(west, s[NASANG]), (s[NASANG], s[DINGYE]), (s[DINGYE], cw)] {
            self.road(a, b, "primary", national.clone(), FLAT);
        }
        for (a, b) in [(cw, c), (c, ce)] {
            self.road(a, b, "primary", Some("人民大道".into()), URBAN)
                .maxspeed = Some("40");
        }
        for (a, b) in [
            (ce, s[LONGQIAO]),
            (s[LONGQIAO], s[DONGXING]),
            (s[DONGXING], east),
        ] {
            self.road(a, b, "primary", national.clone(), FLAT);
        }
        // Provincial roads.
        let cs = towards(c, s[XINXU], CORE_KM);
        let north = self.beyond_outline(s[GAOFENG], 1.0);
        let north_east = self.beyond_outline(s[BAIHE], 1.0);
        let provincial = [
            ("省道211线", vec![c, q, s[GAOFENG], north]),
            ("省道318线", vec![s[LONGQIAO], s[BAIHE], north_east]),
            ("省道205线", vec![c, cs, s[XINXU]]),
            ("省道214线", vec![s[DONGXING], s[DELONG], s[GUOLE]]),
        ];
        for (name, stops) in provincial {
            for w in stops.windows(2) {
                let style = if w[0] == c { URBAN } else { FLAT };
                let r = self.road(w[0], w[1], "secondary", Some(name.into()), style);
                if w[0] == c {
                    r.maxspeed = Some("40");
                }
            }
        }
        // County roads (县道); the mountain ones are slow.
        let county_roads = [
            ("县道601线", DINGYE, PINGMENG, HILLY, None),
            ("县道602线", DINGYE, POHE, FLAT, None),
            ("县道603线", PINGMENG, BANYAN, MOUNTAIN_ROAD, Some("30")),
            ("县道612线", XINXU, BANYAN, MOUNTAIN_ROAD, Some("30")),
            ("县道605线", XINXU, DELONG, FLAT, None),
            ("县道606线", GAOFENG, POHE, FLAT, None),
            ("县道607线", XINXU, GUOLE, HILLY, None),
        ];
        for (name, a, b, style, maxspeed) in county_roads {
            self.road(s[a], s[b], "tertiary", Some(name.into()), style)
                .maxspeed = maxspeed;
        }
        self.build_town_streets(c);
        self.build_township_roads();
        self.build_settlement_roads();
        // The hospital's drive.
        let hospital = c + SLOTS[1];
        self.road(c, hospital, "service", None, URBAN);
    }

    /// Streets of the county town: a tree from the centre to every office and community
    /// committee, with one pair of one-way streets.
    fn build_town_streets(&mut self, c: P) {
        let mut nodes = vec![c];
        for &sd in &self.marks.subdistricts {
            for &u in std::iter::once(&sd).chain(&self.units[sd].children) {
                let q = self.centre(u);
                if !nodes.contains(&q) {
                    nodes.push(q);
                }
            }
        }
        let xincheng_office = self.centre(self.marks.subdistricts[XINCHENG]);
        let mut streets = STREETS.to_vec();
        let mut rng = Rng::stream(self.seed, T_NAMES, 7);
        for i in (1..streets.len()).rev() {
            streets.swap(i, rng.below(i + 1));
        }
        let mut names = streets.into_iter();
        // A grid of streets, turned a little, across the whole town.
        let along = p(1.0, 0.35).unit();
        let across = p(-along.y, along.x);
        for (dir, side) in [(along, across), (across, along)] {
            for i in 0..10 {
                let d = -2.25 + 0.5 * i as f64;
                let half = (2.9f64 * 2.9 - d * d).sqrt();
                let (a, b) = (c + side * d - dir * half, c + side * d + dir * half);
                let class = if i % 3 == 1 {
                    "tertiary"
                } else {
                    "residential"
                };
                let name = names.next().map(str::to_string);
                self.road(a, b, class, name, URBAN);
            }
        }
        let mut couplet_done = false;
        for (i, j) in prim(&nodes) {
            let (a, b) = (nodes[i], nodes[j]);
            let class = if i == 0 { "tertiary" } else { "residential" };
            let name = names.next().map(str::to_string);
            if i == 0 && b == xincheng_office && !couplet_done {
                couplet_done = true;
                let r = self.road_bowed(a, b, class, name, URBAN, 0.08);
                r.oneway = Some("yes");
                let other = names.next().map(str::to_string);
                let r = self.road_bowed(a, b, class, other, URBAN, -0.08);
                r.oneway = Some("-1");
            } else {
                self.road(a, b, class, name, URBAN);
            }
        }
    }

    /// Township roads (乡道) from each seat to its village committees.
    fn build_township_roads(&mut self) {
        let mut number = 0;
        for (k, &t) in self.marks.townships.clone().iter().enumerate() {
            let style = if TOWNSHIPS[k].hilly { HILLY } else { FLAT };
            let mut nodes = vec![self.centre(t)];
            for &v in self.units[t].children.iter().skip(1) {
                if v != self.marks.v_small {
                    nodes.push(self.centre(v));
                }
            }
            for (i, j) in prim(&nodes) {
                number += 1;
                let name = format!("乡道Y{number:03}");
                self.road(nodes[i], nodes[j], "unclassified", Some(name), style);
            }
        }
    }

    /// Village roads from each committee to its settlements; tracks and footpaths in the hills.
    fn build_settlement_roads(&mut self) {
        let mut per_unit: BTreeMap<usize, Vec<P>> = BTreeMap::new();
        // The small village's committee joins its neighbour's even when it has no other hamlet.
        per_unit.insert(self.marks.v_small, Vec::new());
        for s in &self.settlements {
            let u = self.leaf[s.cell].expect("settlements lie in the county");
            if s.at != self.centre(u) {
                per_unit.entry(u).or_default().push(s.at);
            }
        }
        let mut special_streets = ["老街", "步行街"].into_iter();
        for (u, points) in per_unit {
            let mut rng = Rng::stream(self.seed, T_ROAD, 2_000_000 + u as u64);
            let unit = &self.units[u];
            let urban = unit.level == Level::Community;
            let hills = unit.flags.mountain;
            let style = if urban {
                URBAN
            } else if hills {
                HILLY
            } else {
                FLAT
            };
            let mut nodes = vec![self.centre(u)];
            if u == self.marks.v_small {
                nodes.insert(0, self.centre(self.marks.v_neighbour));
            }
            nodes.extend(points);
            let in_chengzhong = unit.parent == Some(self.marks.subdistricts[CHENGZHONG]);
            // The small village: each hamlet straight to the shared clinic's committee.
            let edges = if u == self.marks.v_small {
                (1..nodes.len()).map(|j| (0, j)).collect()
            } else {
                prim(&nodes)
            };
            for (i, j) in edges {
                let len = nodes[i].dist(nodes[j]);
                let special = if in_chengzhong {
                    special_streets.next()
                } else {
                    None
                };
                let (class, name): (&'static str, Option<String>) = if urban {
                    match special {
                        Some("老街") => ("living_street", Some("老街".into())),
                        Some(other) => ("pedestrian", Some(other.into())),
                        None => ("residential", None),
                    }
                } else if hills && len < 2.5 && rng.unit() < 0.2 {
                    (if rng.unit() < 0.5 { "footway" } else { "path" }, None)
                } else if hills && len < 3.0 && rng.unit() < 0.2 {
                    ("track", None)
                } else if len > 2.2 {
                    ("unclassified", None)
                } else {
                    ("residential", None)
                };
                self.road(nodes[i], nodes[j], class, name, style);
            }
        }
    }
}

/// A bent line from `a` to `b`: vertices every 150–250 m, offset sideways by a sum of sines
/// that vanishes at both ends (so the line never crosses itself).
fn bend(a: P, b: P, style: Style, bow: f64, rng: &mut Rng) -> Vec<P> {
    let len = a.dist(b);
    if len < 1e-9 {
        return vec![a];
    }
    let step = if len > 3.0 { 0.25 } else { 0.15 };
    let n = ((len / step).ceil() as usize).max(2);
    let coef: Vec<f64> = (1..=style.harmonics)
        .map(|m| rng.range(-1.0, 1.0) / m as f64)
        .collect();
    let norm: f64 = coef.iter().map(|c| c.abs()).sum::<f64>().max(1e-9);
    let amp = (len * style.amp).min(1.5) / norm;
    let along = (b - a) * (1.0 / len);
    let side = p(-along.y, along.x);
    let mut pts = vec![a];
    for i in 1..n {
        let t = i as f64 / n as f64;
        let wave: f64 = coef
            .iter()
            .enumerate()
            .map(|(m, c)| c * dsin((m + 1) as f64 * PI * t))
            .sum();
        let off = amp * wave + bow * len * dsin(PI * t);
        pts.push(a + (b - a) * t + side * off);
    }
    pts.push(b);
    pts
}

/// Minimum spanning tree over `nodes` grown from node 0: `(from, to)` pairs in the order added.
fn prim(nodes: &[P]) -> Vec<(usize, usize)> {
    let n = nodes.len();
    let mut in_tree = vec![false; n];
    let mut best: Vec<(f64, usize)> = nodes.iter().map(|q| (q.dist(nodes[0]), 0)).collect();
    in_tree[0] = true;
    let mut edges = Vec::new();
    for _ in 1..n {
        let mut pick = None;
        for j in 0..n {
            if !in_tree[j] && pick.is_none_or(|k: usize| best[j].0 < best[k].0) {
                pick = Some(j);
            }
        }
        let Some(j) = pick else { break };
        in_tree[j] = true;
        edges.push((best[j].1, j));
        for k in 0..n {
            let d = nodes[k].dist(nodes[j]);
            if !in_tree[k] && d < best[k].0 {
                best[k] = (d, j);
            }
        }
    }
    edges.retain(|&(i, j)| nodes[i] != nodes[j]);
    edges
}
