//! Output, `README.md`: what the county holds, the rule table, how to regenerate it.

use super::builder::Builder;
use super::lattice::{CELL_W, ROW_H};
use super::plan::{Level, COUNTY_CODE, COUNTY_NAME, GUOLE, NASANG, TOWNSHIPS};
use super::plane::p;
use super::RuleCase;
use std::collections::BTreeMap;

impl Builder {
    pub(super) fn readme(&self, cases: &[RuleCase]) -> String {
        let count = |level: &[Level]| {
            self.units
                .iter()
                .filter(|u| level.contains(&u.level))
                .count()
        };
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &self.facilities {
            *kinds.entry(f.kind).or_default() += 1;
        }
        let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.roads {
            *classes.entry(r.class).or_default() += 1;
        }
        let county = &self.units[self.marks.county];
        let (mut lo, mut hi) = (
            p(f64::INFINITY, f64::INFINITY),
            p(f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for &c in &county.cells {
            let q = self.lat.centre(c);
            lo = p(lo.x.min(q.x), lo.y.min(q.y));
            hi = p(hi.x.max(q.x), hi.y.max(q.y));
        }
        let extent = format!(
            "{:.0} × {:.0} km",
            hi.x - lo.x + CELL_W,
            hi.y - lo.y + ROW_H
        );
        let mut s = String::new();
        s.push_str(&format!(
            "# {COUNTY_NAME}: a generated demo county\n\n\
             A fictional border county in the mountains of western Guangxi (around 105.8° E, 23.3° N, about \
             {extent}), made by `medreach::devtools::demo_county::generate(SEED)` (`src/devtools/demo_county`) so that it looks \
             like a real county and so that every rule of `docs/RULES.md` both fires and passes \
             somewhere in it. Names, the code {COUNTY_CODE} (not a real county), populations and facilities are \
             invented. The property vocabulary is that of `docs/VOCABULARY.md`, in Chinese.\n\n\
             **Do not edit these files by hand.** `cargo test --test engine demo_county` fails when they differ from the \
             generator's output; after changing the generator, run\n\n\
             ```sh\nMEDREACH_BLESS=1 cargo test --test engine demo_county\n```\n\n\
             which rewrites this folder (README included), then review and commit the diff. The test also checks \
             that the files load with no skipped feature, that every settlement lies in exactly one village or \
             community and every village in its township, that the codes are unique and nested, and the travel \
             times the table below relies on.\n\n"
        ));
        s.push_str("## What it holds\n\n| level | count |\n|---|---|\n");
        s.push_str(&format!(
            "| county (县) | 1: {COUNTY_NAME}, {} residents |\n",
            county.population
        ));
        s.push_str(&format!(
            "| towns and townships (镇/乡) | {} ({} towns, {} townships; {} and {} dissolved, 并入) |\n",
            count(&[Level::Town, Level::Township]),
            count(&[Level::Town]),
            count(&[Level::Township]),
            TOWNSHIPS[NASANG].name,
            TOWNSHIPS[GUOLE].name
        ));
        s.push_str(&format!(
            "| sub-districts (街道, 县城) | {} |\n| administrative villages (行政村) | {} |\n| communities (社区) | {} |\n| settlements | {} |\n\n",
            count(&[Level::Subdistrict]),
            count(&[Level::Village]),
            count(&[Level::Community]),
            self.settlements.len()
        ));
        let special: Vec<String> = ["山区", "边境", "民族", "偏远", "库区", "搬迁"]
            .iter()
            .map(|flag| {
                let n = self
                    .units
                    .iter()
                    .filter(|u| u.flags.named().contains(flag) && u.level == Level::Village)
                    .count();
                format!("{flag} {n}")
            })
            .collect();
        s.push_str(&format!(
            "Special-area villages: {}.\n\n",
            special.join(", ")
        ));
        s.push_str("| facility (类型) | count |\n|---|---|\n");
        for (k, n) in &kinds {
            s.push_str(&format!("| {k} | {n} |\n"));
        }
        s.push_str("\n| road (highway) | lines |\n|---|---|\n");
        for (k, n) in &classes {
            s.push_str(&format!("| {k} | {n} |\n"));
        }
        s.push_str("\n## Where each rule fires and where it passes\n\n| rule | fires | passes |\n|---|---|---|\n");
        for c in cases {
            s.push_str(&format!("| `{}` | {} | {} |\n", c.rule, c.fires, c.passes));
        }
        s.push_str(
            "\nTravel-time claims (the remote hamlets beyond 15 min by car, the county town within 15 min by car, the \
             small village's shared clinic within 15 min on foot, the far community beyond 15 min on foot from its \
             center, the referral times) are measured with the engine by `tests/engine/demo_county.rs`.\n",
        );
        s
    }
}
