//! `medreach surface` (a GeoTIFF of the demo county's travel-time surface and its isochrones) and
//! `medreach plan` (site suggestions, the documented JSON).

use super::{assert_fails, run, stdout_json, TempFile};
use std::path::Path;

pub(super) fn demo_args(command: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/county");
    let mut args = vec![command.to_string()];
    for (flag, file) in [
        ("--roads", "roads"),
        ("--facilities", "facilities"),
        ("--settlements", "settlements"),
        ("--admin", "admin"),
    ] {
        args.push(flag.into());
        args.push(dir.join(format!("{file}.geojson")).to_string_lossy().into());
    }
    args
}

#[test]
fn surface_writes_a_geotiff_and_isochrones_of_the_demo_county() {
    let tif = TempFile::new("surface.tif", "");
    let iso = TempFile::new("iso.geojson", "");
    let mut args = demo_args("surface");
    args.extend(
        [
            "--cell-m",
            "200",
            "--out",
            &tif.path(),
            "--isochrones",
            &iso.path(),
            "--bands",
            "10,15,30",
        ]
        .map(String::from),
    );
    let summary = stdout_json(&run(&args));
    let (cols, rows) = (
        summary["cols"].as_u64().unwrap(),
        summary["rows"].as_u64().unwrap(),
    );
    assert_eq!(summary["epsg"], 32648);
    assert_eq!(summary["west"].as_f64().unwrap() % 200.0, 0.0);
    let bands = summary["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 5, "3 bands, beyond, unreachable");
    let total: f64 = bands
        .iter()
        .map(|b| b["population"].as_f64().unwrap())
        .sum();
    assert!(total > 100_000.0);
    let bytes = std::fs::read(&tif.0).unwrap();
    assert_eq!(&bytes[..4], b"II*\0");
    // Every pixel is there, after the header.
    assert!(bytes.len() as u64 > cols * rows * 4);
    let geojson: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&iso.0).unwrap()).unwrap();
    let features = geojson["features"].as_array().unwrap();
    let limits: Vec<f64> = features
        .iter()
        .map(|f| f["properties"]["max_min"].as_f64().unwrap())
        .collect();
    assert_eq!(limits, vec![10.0, 15.0, 30.0]);
    for f in features {
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
    }
    // Cumulative: the 15-minute band holds the cells of the first two rows.
    let cells = |i: usize| features[i]["properties"]["cells"].as_u64().unwrap();
    assert_eq!(
        cells(1),
        bands[0]["cells"].as_u64().unwrap() + bands[1]["cells"].as_u64().unwrap()
    );
}

#[test]
fn surface_refuses_bad_cells_and_bands() {
    let mut args = demo_args("surface");
    args.extend(["--out", "/tmp/never-written.tif", "--cell-m", "5"].map(String::from));
    assert_fails(&args, &["--cell-m 5", "at least 25"]);
    let mut args = demo_args("surface");
    args.extend(
        [
            "--out",
            "/tmp/never-written.tif",
            "--cell-m",
            "25",
            "--bands",
            "15,5",
        ]
        .map(String::from),
    );
    assert_fails(&args, &["--bands", "ascend"]);
    let args = demo_args("surface");
    assert_fails(&args, &["--out"]);
}

/// `medreach plan` prints the documented JSON; candidate indices are positions in the file.
#[test]
fn plan_prints_the_documented_json() {
    let mut args = demo_args("plan");
    args.extend(["--add", "3"].map(String::from));
    let plan = stdout_json(&run(&args));
    assert_eq!(plan["objective"], "max_covering");
    assert_eq!(plan["mode"], "walk");
    assert_eq!(plan["limit_min"], 15.0);
    let before = plan["population_within_limit_before"].as_f64().unwrap();
    let after = plan["population_within_limit_after"].as_f64().unwrap();
    let bound = plan["upper_bound_population"].as_f64().unwrap();
    assert!(plan["population_total"].as_f64().unwrap() >= after);
    assert!(before < after && after <= bound);
    let sites = plan["sites"].as_array().unwrap();
    assert!(!sites.is_empty() && sites.len() <= 3);
    let added: f64 = sites
        .iter()
        .map(|s| s["added_population"].as_f64().unwrap())
        .sum();
    assert_eq!(added, after - before);
    for s in sites {
        assert!(s["candidate"].is_null());
        assert!(s["lon"].is_f64() && s["lat"].is_f64());
    }
    // A candidates file: the indices are the features' positions.
    let candidates = TempFile::new(
        "candidates",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            sites
                .iter()
                .rev()
                .map(|s| format!(
                    r#"{{"type":"Feature","properties":{{"primary_care":false}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
                    s["lon"], s["lat"]
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    let mut args = demo_args("plan");
    args.extend(["--add", "1", "--candidates", &candidates.path()].map(String::from));
    let one = stdout_json(&run(&args));
    let site = &one["sites"][0];
    let i = site["candidate"].as_u64().unwrap() as usize;
    assert_eq!(site["lon"], sites[sites.len() - 1 - i]["lon"]);
    // Set covering: a share reached with the fewest sites.
    let mut args = demo_args("plan");
    args.extend(["--target-share", "0.7", "--mode", "walk"].map(String::from));
    let cover = stdout_json(&run(&args));
    assert_eq!(cover["objective"], "set_covering");
    assert_eq!(cover["target_reached"], true);
    let total = cover["population_total"].as_f64().unwrap();
    assert!(cover["population_within_limit_after"].as_f64().unwrap() >= 0.7 * total);
}

#[test]
fn plan_refuses_bad_requests_and_names_the_file() {
    let empty = TempFile::new("empty", r#"{"type":"FeatureCollection","features":[]}"#);
    let mut args = demo_args("plan");
    args.extend(["--add", "2", "--candidates", &empty.path()].map(String::from));
    assert_fails(&args, &[&empty.path(), "no feature"]);
    let two = TempFile::new(
        "two",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[105.8,23.3]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[105.81,23.3]}}]}"#,
    );
    let mut args = demo_args("plan");
    args.extend(["--add", "5", "--candidates", &two.path()].map(String::from));
    assert_fails(&args, &["5 sites", "only 2 candidates"]);
    let mut args = demo_args("plan");
    args.extend(["--target-share", "1.2"].map(String::from));
    assert_fails(&args, &["--target-share", "0 to 1"]);
    let args = demo_args("plan");
    assert_fails(&args, &["--add K or --target-share"]);
}

/// `medreach report` writes one self-contained HTML document, Chinese by default.
#[test]
fn report_writes_a_self_contained_printable_document() {
    let html = TempFile::new("report.html", "");
    let mut args = demo_args("report");
    args.extend(["--out", &html.path()].map(String::from));
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html.0).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("<html lang=\"zh-CN\">") || text.contains("lang=\"zh"));
    assert!(text.contains("青岚县 基层医疗卫生服务可达性评估报告"));
    assert!(text.contains("@page { size: A4"), "its styles are inside");
    assert!(text.contains("<svg class=\"map-svg\""));
    assert!(text.contains("60.65%"), "the demo's headline figure");
    assert!(!text.contains("<script"), "nothing runs in it");
    assert!(
        !text.contains("http://") || text.matches("http://").count() == 1,
        "only the SVG namespace"
    );
    let mut args = demo_args("report");
    args.extend(["--out", &html.path(), "--lang", "en"].map(String::from));
    assert!(run(&args).status.success());
    let text = std::fs::read_to_string(&html.0).unwrap();
    assert!(text.contains("Primary health care accessibility report"));
    let mut args = demo_args("report");
    args.extend(["--out", &html.path(), "--lang", "fr"].map(String::from));
    assert_fails(&args, &["--lang", "zh or en"]);
}

/// `medreach export` writes the page's exports into a folder.
#[test]
fn export_writes_csv_geojson_and_the_surface() {
    let dir = std::env::temp_dir().join(format!("medreach-export-{}", std::process::id()));
    let mut args = demo_args("export");
    args.extend(["--out-dir", &dir.to_string_lossy(), "--cell-m", "300"].map(String::from));
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("settlements.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.trim_end().lines().count(), 497);
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("settlements.geojson")).unwrap())
            .unwrap();
    assert_eq!(g["features"].as_array().unwrap().len(), 496);
    for name in [
        "findings.csv",
        "admin-units.csv",
        "scorecard.csv",
        "isochrones.geojson",
    ] {
        assert!(dir.join(name).exists(), "{name}");
    }
    assert_eq!(
        &std::fs::read(dir.join("travel-time.tif")).unwrap()[..4],
        b"II*\0"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
