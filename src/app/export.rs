//! Exports, made in the page (or the command line) and saved on the user's computer: the
//! settlements with their time, nearest service point and within/beyond as CSV, XLSX and
//! GeoJSON, the findings, the admin units and the scorecard as CSV and XLSX. Each table's rows
//! are built once ([`Cell`]s: numbers as numbers, text as text) and written as either. CSV is
//! UTF-8 with a byte-order mark so that a Chinese Excel opens it, headers and words in the
//! chosen language; in XLSX a division code stays text. GeoJSON has English keys (for GIS).
//! Positions are WGS84 unless the user asks for another system ([`settlements_geojson`]): then
//! the settlements' coordinates are written in it. The surface and its isochrones are written
//! by `engine::surface` (GeoTIFF, GeoJSON).

use super::scene::Scene;
use super::text::{self, Key, Lang};
use super::xlsx::{self, Cell};
use crate::engine::crs::system::{Crs, Named};
use crate::engine::crs::{LonLat, Projector, Xy};
use crate::engine::report::Report;
use crate::engine::rules::Severity;
use serde_json::json;

/// A table: the header row, then one row per item.
type Rows = Vec<Vec<Cell>>;

/// One CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV document: a byte-order mark, then the rows.
fn csv(rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let line: Vec<String> = row.iter().map(|c| field(&c.text())).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A text cell.
fn text_cell(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A number rounded to `decimals` (as CSV shows it, so both files hold the same value), or an
/// empty cell.
fn num(x: Option<f64>, decimals: usize) -> Cell {
    match x {
        Some(v) if v.is_finite() => Cell::Number(format!("{v:.decimals$}").parse().unwrap_or(v)),
        _ => Cell::Empty,
    }
}

/// The header row of `keys` in `lang`.
fn header(keys: &[Key], lang: Lang) -> Vec<Cell> {
    keys.iter().map(|k| text_cell(k.text(lang))).collect()
}

/// `system` unless it is WGS84 itself (the default, written as GeoJSON expects).
fn not_wgs84(system: Option<&Named>) -> Option<&Named> {
    system.filter(|n| {
        !(n.crs == Crs::Geographic
            && matches!(n.code.as_str(), "wgs84" | "EPSG:4326" | "EPSG:4979"))
    })
}

/// The EPSG code of a system, when it has one (GCJ-02 and BD-09 have none).
fn epsg_code(n: &Named) -> Option<u32> {
    match n.code.as_str() {
        "wgs84" => Some(4326),
        "cgcs2000" => Some(4490),
        code => code.strip_prefix("EPSG:").and_then(|d| d.parse().ok()),
    }
}

/// Every settlement's WGS84 position, from the scene (`None` without one).
fn positions(scene: Option<&Scene>) -> Vec<Option<LonLat>> {
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
            Some(p.unproject(Xy {
                x: s.x + scene.origin.x,
                y: s.y + scene.origin.y,
            }))
        })
        .collect()
}

/// Every settlement's coordinates in `system` (WGS84 longitude/latitude when `None`).
fn coordinates(scene: Option<&Scene>, system: Option<&Named>) -> Vec<Option<(f64, f64)>> {
    positions(scene)
        .into_iter()
        .map(|p| {
            p.map(|q| match system {
                Some(n) => n.crs.from_lonlat(q),
                None => (q.lon, q.lat),
            })
        })
        .collect()
}

/// The settlements' rows, in `lang`, with their coordinates in `system` (WGS84 when `None`).
/// The coordinate columns say a system other than WGS84 in their headers, in the words
/// MedReach's own table reader knows: 经度/纬度 (lon/lat) with the system for degrees (so
/// GCJ-02 and BD-09 are read back as such), x/y (easting, northing) with the EPSG code for
/// metres.
fn settlements_rows(
    report: &Report,
    scene: Option<&Scene>,
    lang: Lang,
    system: Option<&Named>,
) -> Rows {
    let system = not_wgs84(system);
    let at = coordinates(scene, system);
    let t = |k: Key| k.text(lang).to_string();
    let marked = |name: String, code: &str| match lang {
        Lang::Zh => format!("{name}（{code}）"),
        Lang::En => format!("{name} ({code})"),
    };
    let (x_name, y_name, decimals) = match system {
        None => (t(Key::ColLon), t(Key::ColLat), 7),
        Some(n) if n.crs.is_degrees() => (
            marked(t(Key::ColLon), &n.code),
            marked(t(Key::ColLat), &n.code),
            7,
        ),
        Some(n) => (marked("x".into(), &n.code), marked("y".into(), &n.code), 3),
    };
    let mut rows = vec![header(
        &[
            Key::ColIndex,
            Key::ColFile,
            Key::ColName,
            Key::Population,
            Key::ColTime,
            Key::ColWithin,
            Key::ColNearest,
            Key::ColOffroad,
        ],
        lang,
    )];
    rows[0].extend([text_cell(x_name), text_cell(y_name)]);
    for (i, s) in report.settlements.iter().enumerate() {
        let (x, y) = at.get(i).copied().flatten().unzip();
        rows.push(vec![
            Cell::Number(s.index as f64),
            text_cell(s.file.clone()),
            text_cell(s.name.clone().unwrap_or_default()),
            Cell::Number(s.population),
            num(s.time_min, 2),
            Cell::Number(if s.within_limit { 1.0 } else { 0.0 }),
            text_cell(text::facility_label(
                lang,
                s.nearest_facility_name.as_deref(),
                s.nearest_facility_kind,
                s.nearest_facility,
            )),
            num(s.offroad_m, 1),
            num(x, decimals),
            num(y, decimals),
        ]);
    }
    rows
}

/// The settlements as CSV, in `lang`, their positions in `system` (WGS84 when `None`).
pub fn settlements_csv(
    report: &Report,
    scene: Option<&Scene>,
    lang: Lang,
    system: Option<&Named>,
) -> String {
    csv(&settlements_rows(report, scene, lang, system))
}

/// The settlements as an Excel workbook, as [`settlements_csv`].
pub fn settlements_xlsx(
    report: &Report,
    scene: Option<&Scene>,
    lang: Lang,
    system: Option<&Named>,
) -> Vec<u8> {
    let rows = settlements_rows(report, scene, lang, system);
    xlsx::workbook(Key::SheetSettlements.text(lang), &rows)
}

/// The settlements as GeoJSON points with their figures, in WGS84 longitude/latitude, or in
/// `system` when it is another: then with the legacy `crs` member naming its EPSG code (as GDAL
/// writes it and MedReach reads it), or for GCJ-02 and BD-09, which have none, a
/// `coordinate_system` member saying which.
pub fn settlements_geojson(
    report: &Report,
    scene: Option<&Scene>,
    system: Option<&Named>,
) -> String {
    let system = not_wgs84(system);
    let at = coordinates(scene, system);
    let features: Vec<serde_json::Value> = report
        .settlements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let (x, y) = at.get(i).copied().flatten()?;
            Some(json!({
                "type": "Feature",
                "properties": {
                    "index": s.index, "file": s.file, "name": s.name, "population": s.population,
                    "time_min": s.time_min, "within_limit": s.within_limit,
                    "nearest_facility": s.nearest_facility,
                    "nearest_facility_name": s.nearest_facility_name, "offroad_m": s.offroad_m,
                },
                "geometry": {"type": "Point", "coordinates": [x, y]},
            }))
        })
        .collect();
    let mut doc = json!({"type": "FeatureCollection", "features": features});
    if let Some(n) = system {
        match epsg_code(n) {
            Some(code) => {
                doc["crs"] = json!({
                    "type": "name",
                    "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")},
                })
            }
            None => doc["coordinate_system"] = json!(n.code),
        }
    }
    doc.to_string()
}

/// The findings' rows, in `lang` (positions in WGS84).
fn findings_rows(report: &Report, lang: Lang) -> Rows {
    let t = |k: Key| k.text(lang).to_string();
    let mut rows = vec![header(
        &[
            Key::ReportRule,
            Key::ReportStatus,
            Key::ReportPlace,
            Key::ReportFinding,
            Key::ReportSuggestion,
            Key::ReportClause,
            Key::ColLon,
            Key::ColLat,
        ],
        lang,
    )];
    for f in &report.findings {
        rows.push(vec![
            text_cell(f.rule.id()),
            text_cell(match f.severity {
                Severity::Violation => t(Key::Violation),
                Severity::Advisory => t(Key::Advisory),
            }),
            text_cell(text::place(lang, &f.place)),
            text_cell(text::message(lang, &f.detail)),
            text_cell(text::suggestion(lang, &f.detail)),
            text_cell(text::clause(lang, f.rule)),
            num(f.at.map(|p| p.lon), 7),
            num(f.at.map(|p| p.lat), 7),
        ]);
    }
    rows
}

/// The findings as CSV, in `lang`.
pub fn findings_csv(report: &Report, lang: Lang) -> String {
    csv(&findings_rows(report, lang))
}

/// The findings as an Excel workbook, in `lang`.
pub fn findings_xlsx(report: &Report, lang: Lang) -> Vec<u8> {
    xlsx::workbook(Key::SheetFindings.text(lang), &findings_rows(report, lang))
}

/// The admin units' rows, in `lang` (division codes as text).
fn units_rows(report: &Report, lang: Lang) -> Rows {
    let mut rows = vec![header(
        &[
            Key::ColName,
            Key::ColCode,
            Key::ColLevel,
            Key::Population,
            Key::Share,
            Key::ColMeanTime,
        ],
        lang,
    )];
    for a in &report.admin {
        rows.push(vec![
            text_cell(a.name.clone().unwrap_or_default()),
            text_cell(a.code.clone().unwrap_or_default()),
            text_cell(a.level.map(|l| l.id().to_string()).unwrap_or_default()),
            Cell::Number(a.population),
            num(a.share_within_limit, 4),
            num(a.mean_time_min, 2),
        ]);
    }
    rows
}

/// The admin units as CSV, in `lang`.
pub fn units_csv(report: &Report, lang: Lang) -> String {
    csv(&units_rows(report, lang))
}

/// The admin units as an Excel workbook, in `lang`.
pub fn units_xlsx(report: &Report, lang: Lang) -> Vec<u8> {
    xlsx::workbook(Key::SheetUnits.text(lang), &units_rows(report, lang))
}

/// The scorecard's rows by township and sub-district, in `lang`.
fn scorecard_rows(report: &Report, lang: Lang) -> Rows {
    let mut rows = vec![header(
        &[
            Key::AdminUnit,
            Key::Population,
            Key::CentersCount,
            Key::VillagesServed,
            Key::Share,
        ],
        lang,
    )];
    for r in &report.scorecard {
        rows.push(vec![
            text_cell(r.name.clone()),
            Cell::Number(r.population),
            Cell::Number(r.health_centers as f64),
            text_cell(format!("{} / {}", r.villages_served, r.villages)),
            num(r.share_within_limit, 4),
        ]);
    }
    rows
}

/// The scorecard by township and sub-district as CSV, in `lang`.
pub fn scorecard_csv(report: &Report, lang: Lang) -> String {
    csv(&scorecard_rows(report, lang))
}

/// The scorecard as an Excel workbook, in `lang`.
pub fn scorecard_xlsx(report: &Report, lang: Lang) -> Vec<u8> {
    xlsx::workbook(
        Key::SheetScorecard.text(lang),
        &scorecard_rows(report, lang),
    )
}

/// The referral table's rows (center, hospital, whether it leads the county medical
/// community, mode, minutes, kilometres), in `lang`.
fn referral_rows(report: &Report, lang: Lang) -> Rows {
    let mut rows = vec![header(
        &[
            Key::ColFrom,
            Key::ColToHospital,
            Key::ColLead,
            Key::ColMode,
            Key::ColTime,
            Key::ColKm,
        ],
        lang,
    )];
    for r in &report.referral {
        rows.push(vec![
            text_cell(
                r.from_name
                    .clone()
                    .unwrap_or_else(|| format!("#{}", r.from)),
            ),
            text_cell(r.to_name.clone().unwrap_or_else(|| format!("#{}", r.to))),
            text_cell(if r.to_lead { "1" } else { "0" }),
            text_cell(crate::app::text::mode_name(lang, r.mode)),
            num(r.minutes, 2),
            num(r.km, 3),
        ]);
    }
    rows
}

/// The referral table as CSV, in `lang` (an unreachable hospital's time and distance empty).
pub fn referral_csv(report: &Report, lang: Lang) -> String {
    csv(&referral_rows(report, lang))
}

/// The referral table as an Excel workbook, in `lang`.
pub fn referral_xlsx(report: &Report, lang: Lang) -> Vec<u8> {
    xlsx::workbook(Key::SheetReferral.text(lang), &referral_rows(report, lang))
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
        let scene = Scene::build(&a);
        let c = settlements_csv(&report, Some(&scene), Lang::Zh, None);
        assert_eq!(c.lines().count(), report.settlements.len() + 1);
        assert!(c.lines().next().unwrap().contains("时间（分钟）"));
        let g: serde_json::Value =
            serde_json::from_str(&settlements_geojson(&report, Some(&scene), None)).unwrap();
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
        // The same rows as CSV and XLSX; a system other than WGS84 is said in the headers.
        let x = settlements_xlsx(&report, Some(&scene), Lang::Zh, None);
        assert!(x.starts_with(b"PK"));
        let gcj = crate::engine::crs::system::named("gcj02").unwrap();
        let c = settlements_csv(&report, Some(&scene), Lang::Zh, Some(&gcj));
        assert!(c
            .lines()
            .next()
            .unwrap()
            .ends_with("经度（gcj02）,纬度（gcj02）"));
        let g: serde_json::Value =
            serde_json::from_str(&settlements_geojson(&report, Some(&scene), Some(&gcj))).unwrap();
        assert_eq!(g["coordinate_system"], "gcj02");
        assert!(g.get("crs").is_none());
        let gk = crate::engine::crs::system::named("EPSG:4544").unwrap();
        let g: serde_json::Value =
            serde_json::from_str(&settlements_geojson(&report, Some(&scene), Some(&gk))).unwrap();
        assert_eq!(g["crs"]["properties"]["name"], "urn:ogc:def:crs:EPSG::4544");
        let wgs = crate::engine::crs::system::named("EPSG:4326").unwrap();
        assert_eq!(
            settlements_csv(&report, Some(&scene), Lang::En, Some(&wgs)),
            settlements_csv(&report, Some(&scene), Lang::En, None),
            "WGS84 asked for is the default"
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_excel_reads_utf8() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
        let c = csv(&[vec![text_cell("名称"), Cell::Number(1.0)]]);
        assert!(c.starts_with('\u{feff}'));
        assert!(c.ends_with("名称,1\r\n"));
    }
}
