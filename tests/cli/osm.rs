//! The command line with an OpenStreetMap extract: `medreach check --osm EXTRACT [--settlements
//! S] [--floor-m2-per-person M]`, the extracts of `tests/data/osm/` (see `tests/engine/osm.rs`).

use super::{run, stdout_json};
use crate::support::data::{case_path, case_text, extract_path};
use medreach::engine::io::osm::ATTRIBUTION;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn cli_reads_an_extract_in_place_of_the_geojson_layers() {
    let path = extract_path("liechtenstein");
    let path = path.to_str().unwrap();
    let report = stdout_json(&run(&["check", "--osm", path, "--mode", "drive"]));
    assert_eq!(report["attribution"], ATTRIBUTION);
    assert_eq!(report["population_source"], "osm_place_nodes");
    let rows = report["settlements"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    let vaduz = rows.iter().find(|r| r["name"] == "Vaduz").expect("Vaduz");
    assert_eq!(vaduz["osm"], "node/1932181216");
    assert_eq!(vaduz["population_estimated"], false);
    assert_eq!(vaduz["file"], path);
    let share = report["summary"]["share_within_limit"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0);

    // Baltimore's residents are estimated from buildings: every row says so, and so does a
    // warning, with the floor area per person asked for.
    let path = extract_path("baltimore");
    let out = run(&[
        "check",
        "--osm",
        path.to_str().unwrap(),
        "--floor-m2-per-person",
        "35",
    ]);
    let report = stdout_json(&out);
    assert_eq!(report["population_source"], "osm_building_estimate");
    let rows = report["settlements"].as_array().unwrap();
    assert_eq!(rows.len(), 1253);
    assert!(rows.iter().all(|r| r["population_estimated"] == true
        && r["name"].as_str().unwrap().ends_with("(estimate)")
        && r["osm"].as_str().unwrap().starts_with("way/")));
    assert!(report["warnings"][0].as_str().unwrap().contains("ESTIMATE"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("35 m² per person"));
}

#[test]
fn cli_geojson_layers_take_precedence_over_the_extract() {
    let osm = extract_path("andorra");
    let settlements = case_path("andorra", "settlements.geojson");
    let report = stdout_json(&run(&[
        "check",
        "--osm",
        osm.to_str().unwrap(),
        "--settlements",
        settlements.to_str().unwrap(),
        "--mode",
        "drive",
    ]));
    assert_eq!(report["population_source"], "settlements_layer");
    assert_eq!(report["settlements"].as_array().unwrap().len(), 59);
    let reference = json(&case_text("andorra", "reference_drive.json"));
    let want = reference["summary"]["share_within_threshold"]
        .as_f64()
        .unwrap();
    let share = report["summary"]["share_within_limit"].as_f64().unwrap();
    assert!(
        (share - want).abs() < 1e-9,
        "share {share}, reference {want}"
    );
}

#[test]
fn cli_errors_name_the_problem() {
    let out = run(&["check", "--mode", "drive"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--osm") && stderr.contains("--roads"),
        "{stderr}"
    );

    let geojson = case_path("andorra", "roads.geojson");
    let geojson = geojson.to_str().unwrap();
    let out = run(&["check", "--osm", geojson]);
    assert!(!out.status.success() && out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(geojson) && stderr.contains("not an OpenStreetMap PBF"),
        "{stderr}"
    );

    let out = run(&["check", "--roads", geojson, "--floor-m2-per-person", "40"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("applies to --osm"));

    let osm = extract_path("andorra");
    let out = run(&[
        "check",
        "--osm",
        osm.to_str().unwrap(),
        "--floor-m2-per-person",
        "0",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("positive"));
}
