//! Exports, made in the page (or the command line) and saved on the user's computer: the
//! settlements with their time, nearest service point and within/beyond as CSV and GeoJSON, the
//! findings, the admin units and the scorecard as CSV. CSV is UTF-8 with a byte-order mark so
//! that a Chinese Excel opens it, headers and words in the chosen language; GeoJSON is WGS84
//! with English keys (for GIS). The surface and its isochrones are written by
//! `engine::surface` (GeoTIFF, GeoJSON).

use super::scene::Scene;
use super::text::{self, Key, Lang};
use crate::engine::crs::{Projector, Xy};
use crate::engine::report::Report;
use crate::engine::rules::Severity;
use serde_json::json;

/// One CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV document: a byte-order mark, then the rows.
fn csv(rows: Vec<Vec<String>>) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let line: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(String::new, |v| format!("{v:.decimals$}"))
}

/// Every settlement's WGS84 position, from the scene (`None` without one).
fn positions(scene: Option<&Scene>) -> Vec<Option<(f64, f64)>> {
    let Some(scene) = scene else {
        return Vec::new();
    };
    let Some(zone) = scene.zone else {
        return Vec::new();
    };
    let p = Projector::new(zone);
    scene
        .settlements
        .iter()
        .map(|s| {
            let q = p.unproject(Xy {
                x: s.x + scene.origin.x,
                y: s.y + scene.origin.y,
            });
            Some((q.lon, q.lat))
        })
        .collect()
}

/// The settlements as CSV, in `lang`.
pub fn settlements_csv(report: &Report, scene: Option<&Scene>, lang: Lang) -> String {
    let t = |k: Key| k.text(lang).to_string();
    let at = positions(scene);
    let mut rows = vec![vec![
        t(Key::ColIndex),
        t(Key::ColFile),
        t(Key::ColName),
        t(Key::Population),
        t(Key::ColTime),
        t(Key::ColWithin),
        t(Key::ColNearest),
        t(Key::ColOffroad),
        t(Key::ColLon),
        t(Key::ColLat),
    ]];
    for (i, s) in report.settlements.iter().enumerate() {
        let (lon, lat) = at.get(i).copied().flatten().unzip();
        rows.push(vec![
            s.index.to_string(),
            s.file.clone(),
            s.name.clone().unwrap_or_default(),
            format!("{}", s.population),
            num(s.time_min, 2),
            if s.within_limit { "1" } else { "0" }.to_string(),
            text::facility_label(
                lang,
                s.nearest_facility_name.as_deref(),
                s.nearest_facility_kind,
                s.nearest_facility,
            ),
            num(s.offroad_m, 1),
            num(lon, 7),
            num(lat, 7),
        ]);
    }
    csv(rows)
}

/// The settlements as GeoJSON points (WGS84), with their figures.
pub fn settlements_geojson(report: &Report, scene: Option<&Scene>) -> String {
    let at = positions(scene);
    let features: Vec<serde_json::Value> = report
        .settlements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let (lon, lat) = at.get(i).copied().flatten()?;
            Some(json!({
                "type": "Feature",
                "properties": {
                    "index": s.index, "file": s.file, "name": s.name, "population": s.population,
                    "time_min": s.time_min, "within_limit": s.within_limit,
                    "nearest_facility": s.nearest_facility,
                    "nearest_facility_name": s.nearest_facility_name, "offroad_m": s.offroad_m,
                },
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// The findings as CSV, in `lang`.
pub fn findings_csv(report: &Report, lang: Lang) -> String {
    let t = |k: Key| k.text(lang).to_string();
    let mut rows = vec![vec![
        t(Key::ReportRule),
        t(Key::ReportStatus),
        t(Key::ReportPlace),
        t(Key::ReportFinding),
        t(Key::ReportSuggestion),
        t(Key::ReportClause),
        t(Key::ColLon),
        t(Key::ColLat),
    ]];
    for f in &report.findings {
        rows.push(vec![
            f.rule.id().to_string(),
            match f.severity {
                Severity::Violation => t(Key::Violation),
                Severity::Advisory => t(Key::Advisory),
            },
            text::place(lang, &f.place),
            text::message(lang, &f.detail),
            text::suggestion(lang, &f.detail),
            text::clause(lang, f.rule),
            num(f.at.map(|p| p.lon), 7),
            num(f.at.map(|p| p.lat), 7),
        ]);
    }
    csv(rows)
}

/// The admin units as CSV, in `lang`.
pub fn units_csv(report: &Report, lang: Lang) -> String {
    let t = |k: Key| k.text(lang).to_string();
    let mut rows = vec![vec![
        t(Key::ColName),
        t(Key::ColCode),
        t(Key::ColLevel),
        t(Key::Population),
        t(Key::Share),
        t(Key::ColMeanTime),
    ]];
    for a in &report.admin {
        rows.push(vec![
            a.name.clone().unwrap_or_default(),
            a.code.clone().unwrap_or_default(),
            a.level.map(|l| l.id().to_string()).unwrap_or_default(),
            format!("{}", a.population),
            num(a.share_within_limit, 4),
            num(a.mean_time_min, 2),
        ]);
    }
    csv(rows)
}

/// The scorecard by township and sub-district as CSV, in `lang`.
pub fn scorecard_csv(report: &Report, lang: Lang) -> String {
    let t = |k: Key| k.text(lang).to_string();
    let mut rows = vec![vec![
        t(Key::AdminUnit),
        t(Key::Population),
        t(Key::CentersCount),
        t(Key::VillagesServed),
        t(Key::Share),
    ]];
    for r in &report.scorecard {
        rows.push(vec![
            r.name.clone(),
            format!("{}", r.population),
            r.health_centers.to_string(),
            format!("{} / {}", r.villages_served, r.villages),
            num(r.share_within_limit, 4),
        ]);
    }
    csv(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_of_the_demo_county_hold_every_row_where_it_is() {
        use crate::app::analysis::Analysis;
        use crate::engine::network::{Mode, SpeedTable};
        let mut data = crate::engine::dataset::Dataset::default();
        for (name, text) in
            crate::devtools::demo_county::generate(crate::devtools::demo_county::SEED).files()
        {
            data.load(name, text).unwrap();
        }
        let a = Analysis::run(&data, Mode::Walk, &SpeedTable::default()).unwrap();
        let report = a.report(15.0, &Default::default());
        let scene = Scene::build(&a, &SpeedTable::default());
        let c = settlements_csv(&report, Some(&scene), Lang::Zh);
        assert_eq!(c.lines().count(), report.settlements.len() + 1);
        assert!(c.lines().next().unwrap().contains("时间（分钟）"));
        let g: serde_json::Value =
            serde_json::from_str(&settlements_geojson(&report, Some(&scene))).unwrap();
        let features = g["features"].as_array().unwrap();
        assert_eq!(features.len(), a.layers.settlements.len());
        for (f, s) in features.iter().zip(&a.layers.settlements) {
            let xy = &f["geometry"]["coordinates"];
            assert!((xy[0].as_f64().unwrap() - s.at.lon).abs() < 1e-9);
            assert!((xy[1].as_f64().unwrap() - s.at.lat).abs() < 1e-9);
        }
        assert_eq!(
            findings_csv(&report, Lang::En).lines().count(),
            report.findings.len() + 1
        );
        assert_eq!(
            units_csv(&report, Lang::Zh).lines().count(),
            report.admin.len() + 1
        );
        assert_eq!(
            scorecard_csv(&report, Lang::Zh).lines().count(),
            report.scorecard.len() + 1
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_excel_reads_utf8() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
        let c = csv(vec![vec!["名称".into(), "1".into()]]);
        assert!(c.starts_with('\u{feff}'));
        assert!(c.ends_with("名称,1\r\n"));
    }
}
