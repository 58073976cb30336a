//! The command line, run as a process: `medreach check --roads R --facilities F --settlements S
//! [--admin A] [--mode walk|drive] [--limit-min 15]`.
//!
//! On success it exits 0 and prints one JSON report whose documented fields are `mode`,
//! `limit_min`, `summary.{population_total, population_within_limit, share_within_limit,
//! mean_time_min, unreachable_population}`, `settlements[].{index, name, population, time_min,
//! nearest_facility}` and `findings[].{rule, severity, place, message, source}` (the report
//! carries more fields; these are the ones a script may rely on). On a bad argument or file it
//! exits non-zero, prints nothing on stdout and names the problem (and the file) on stderr.
//!
//! `osm` runs it on OpenStreetMap extracts (`--osm`); `access` runs capacity-limited coverage.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../support/mod.rs"]
mod support;

mod access;
mod export;
mod osm;
mod planning;

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::data::{case_path, case_text};

/// The Andorra case's files as `--roads R --facilities F --settlements S`.
fn andorra_args() -> Vec<String> {
    let mut args = vec!["check".to_string()];
    for (flag, file) in [
        ("--roads", "roads.geojson"),
        ("--facilities", "facilities.geojson"),
        ("--settlements", "settlements.geojson"),
    ] {
        args.push(flag.to_string());
        args.push(case_path("andorra", file).to_string_lossy().into_owned());
    }
    args
}

/// Runs `medreach` with `args`.
fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medreach"))
        .args(args)
        .output()
        .expect("the medreach binary runs")
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}; stderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}"))
}

/// A file under the temporary directory with a unique name, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(stem: &str, contents: &str) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "medreach-cli-test-{}-{n}-{nanos}-{stem}.geojson",
            std::process::id()
        ));
        std::fs::write(&path, contents).expect("can write a temporary file");
        TempFile(path)
    }

    fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn reference_share(case: &str, mode: &str) -> f64 {
    let text = case_text(case, &format!("reference_{mode}.json"));
    let v: Value = serde_json::from_str(&text).expect("reference is JSON");
    v["summary"]["share_within_threshold"]
        .as_f64()
        .expect("reference share")
}

fn is_number_or_null(v: &Value) -> bool {
    v.is_number() || v.is_null()
}

fn is_string_or_null(v: &Value) -> bool {
    v.is_string() || v.is_null()
}

fn is_index_or_null(v: &Value) -> bool {
    v.is_u64() || v.is_null()
}

/// A check of a JSON value's type.
type TypeCheck = fn(&Value) -> bool;

/// Asserts `obj` has every key in `fields` and each value passes its check.
fn assert_fields(obj: &Value, what: &str, fields: &[(&str, TypeCheck)]) {
    let map = obj
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {obj}"));
    for (key, ok) in fields {
        let v = map
            .get(*key)
            .unwrap_or_else(|| panic!("{what} lacks the documented field \"{key}\": {obj}"));
        assert!(ok(v), "{what}.{key} has the wrong type: {v}");
    }
}

#[test]
fn andorra_drive_prints_the_documented_report() {
    let mut args = andorra_args();
    args.extend(["--mode".to_string(), "drive".to_string()]);
    let out = run(&args);
    let report = stdout_json(&out);

    assert_fields(
        &report,
        "report",
        &[
            ("mode", Value::is_string),
            ("limit_min", Value::is_number),
            ("summary", Value::is_object),
            ("settlements", Value::is_array),
            ("findings", Value::is_array),
        ],
    );
    assert_eq!(report["mode"], "drive");
    assert_eq!(report["limit_min"].as_f64(), Some(15.0));

    let summary = &report["summary"];
    assert_fields(
        summary,
        "summary",
        &[
            ("population_total", Value::is_number),
            ("population_within_limit", Value::is_number),
            ("share_within_limit", is_number_or_null),
            ("mean_time_min", is_number_or_null),
            ("unreachable_population", Value::is_number),
        ],
    );
    let share = summary["share_within_limit"].as_f64().expect("a share");
    let want = reference_share("andorra", "drive");
    assert!(
        (share - want).abs() <= 1e-12,
        "share {share}, reference {want}"
    );
    assert!((summary["population_total"].as_f64().unwrap() - 83_888.8).abs() < 1e-6);
    assert_eq!(summary["unreachable_population"].as_f64(), Some(0.0));

    let rows = report["settlements"].as_array().unwrap();
    assert_eq!(rows.len(), 59);
    for (k, row) in rows.iter().enumerate() {
        assert_fields(
            row,
            &format!("settlements[{k}]"),
            &[
                ("index", Value::is_u64),
                ("name", is_string_or_null),
                ("population", Value::is_number),
                ("time_min", is_number_or_null),
                ("nearest_facility", is_index_or_null),
            ],
        );
    }

    let findings = report["findings"].as_array().unwrap();
    assert!(
        !findings.is_empty(),
        "a share below 100 % gives at least one finding"
    );
    for (k, f) in findings.iter().enumerate() {
        assert_fields(
            f,
            &format!("findings[{k}]"),
            &[
                ("rule", Value::is_string),
                ("severity", Value::is_string),
                ("place", Value::is_string),
                ("message", Value::is_string),
                ("source", Value::is_string),
            ],
        );
        assert!(
            matches!(f["severity"].as_str(), Some("violation" | "advisory")),
            "severity {}",
            f["severity"]
        );
    }
    assert!(findings.iter().any(|f| f["rule"] == "reach.15min"));
}

#[test]
fn a_longer_limit_gives_a_larger_share() {
    let mut args = andorra_args();
    args.extend(["--mode".to_string(), "drive".to_string()]);
    let at_15 = stdout_json(&run(&args));
    args.extend(["--limit-min".to_string(), "30".to_string()]);
    let at_30 = stdout_json(&run(&args));
    assert_eq!(at_30["limit_min"].as_f64(), Some(30.0));
    let s15 = at_15["summary"]["share_within_limit"].as_f64().unwrap();
    let s30 = at_30["summary"]["share_within_limit"].as_f64().unwrap();
    assert!(s30 > s15, "share at 30 min {s30} <= share at 15 min {s15}");
    // Only the limit changed: every time is the same.
    assert_eq!(at_15["settlements"].as_array().unwrap().len(), 59);
    for (a, b) in at_15["settlements"]
        .as_array()
        .unwrap()
        .iter()
        .zip(at_30["settlements"].as_array().unwrap())
    {
        assert_eq!(a["time_min"], b["time_min"]);
        assert_eq!(a["nearest_facility"], b["nearest_facility"]);
    }
}

/// Runs with `args`, expects a failure with nothing on stdout and every one of `needles` on
/// stderr; returns stderr.
fn assert_fails(args: &[String], needles: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "{args:?} succeeded; stdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "{args:?} failed but printed on stdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: stderr does not mention {needle:?}:\n{stderr}"
        );
    }
    stderr
}

/// Replaces the value after `flag` in `args`.
fn with(mut args: Vec<String>, flag: &str, value: &str) -> Vec<String> {
    let i = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} not in {args:?}"));
    args[i + 1] = value.to_string();
    args
}

#[test]
fn missing_roads_is_an_error() {
    let args: Vec<String> = andorra_args()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != 1 && *i != 2)
        .map(|(_, a)| a)
        .collect();
    assert!(!args.contains(&"--roads".to_string()));
    assert_fails(&args, &["--roads", "required"]);
}

#[test]
fn a_nonexistent_file_is_named() {
    let missing = std::env::temp_dir().join(format!(
        "medreach-cli-test-{}-does-not-exist.geojson",
        std::process::id()
    ));
    let missing = missing.to_string_lossy().into_owned();
    assert_fails(&with(andorra_args(), "--facilities", &missing), &[&missing]);
}

#[test]
fn invalid_json_is_named() {
    let file = TempFile::new(
        "invalid",
        "{\"type\": \"FeatureCollection\", \"features\": [",
    );
    assert_fails(
        &with(andorra_args(), "--settlements", &file.path()),
        &[&file.path(), "not valid JSON"],
    );
}

#[test]
fn projected_coordinates_are_named() {
    // UTM zone 31N metres, as an unconverted export would hold them.
    let file = TempFile::new(
        "projected",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"kind":"clinic"},
           "geometry":{"type":"Point","coordinates":[382000.0,4706000.0]}}]}"#,
    );
    let stderr = assert_fails(
        &with(andorra_args(), "--facilities", &file.path()),
        &[&file.path(), "projected"],
    );
    assert!(stderr.contains("4326"), "stderr suggests WGS84: {stderr}");
    assert!(
        stderr.contains("--facilities-crs"),
        "and how to say the system: {stderr}"
    );
}

#[test]
fn a_file_s_coordinate_system_is_given_on_the_command_line() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let demo = |name: &str| {
        root.join(format!("demo/county/{name}.geojson"))
            .to_string_lossy()
            .into_owned()
    };
    let text =
        std::fs::read_to_string(root.join("tests/data/crs/settlements_epsg4544.geojson")).unwrap();
    let bare = TempFile::new(
        "gk.geojson",
        &text.replace(
            r#""crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::4544" } },"#,
            "",
        ),
    );
    let args: Vec<String> = [
        "check",
        "--roads",
        &demo("roads"),
        "--facilities",
        &demo("facilities"),
        "--settlements",
        &bare.path(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let stderr = assert_fails(&args, &[&bare.path(), "does not say its coordinate system"]);
    assert!(stderr.contains("--settlements-crs"), "{stderr}");
    let mut chosen = args.clone();
    chosen.extend(["--settlements-crs".into(), "EPSG:4544".into()]);
    let got = stdout_json(&run(&chosen));
    let mut original = args.clone();
    original[6] = demo("settlements");
    let want = stdout_json(&run(&original));
    assert_eq!(
        got["summary"]["settlements"],
        want["summary"]["settlements"]
    );
    let share = |v: &Value| v["summary"]["share_within_limit"].as_f64().unwrap();
    assert!((share(&got) - share(&want)).abs() < 1e-12);
    let mut bad = args.clone();
    bad.extend(["--settlements-crs".into(), "EPSG:27700".into()]);
    assert_fails(&bad, &["--settlements-crs", "EPSG:27700"]);
}

#[test]
fn a_file_given_as_a_layer_it_does_not_hold_is_named() {
    let mut args = andorra_args();
    args.extend([
        "--admin".to_string(),
        case_path("andorra", "facilities.geojson")
            .to_string_lossy()
            .into_owned(),
    ]);
    let out = run(&args);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("given as --admin but holds no admin unit (polygon)"),
        "{stderr}"
    );
    // A file of which nothing is used says so.
    let nothing = TempFile::new(
        "nothing.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"bakery"},"geometry":{"type":"Point","coordinates":[1.5,42.5]}}]}"#,
    );
    let out = run(&with(andorra_args(), "--settlements", &nothing.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no feature of it is used (1 skipped)"),
        "{stderr}"
    );
}

#[test]
fn e_bike_times_lie_at_or_below_walking_times() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = vec!["check".to_string()];
    for layer in ["roads", "facilities", "settlements", "admin"] {
        args.push(format!("--{layer}"));
        args.push(
            root.join(format!("demo/county/{layer}.geojson"))
                .to_string_lossy()
                .into_owned(),
        );
    }
    let report = |mode: &str| {
        let mut a = args.clone();
        a.extend(["--mode".to_string(), mode.to_string()]);
        stdout_json(&run(&a))
    };
    let (walk, ebike) = (report("walk"), report("ebike"));
    assert_eq!(ebike["mode"], "ebike");
    let times = |r: &Value| -> Vec<Option<f64>> {
        r["settlements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["time_min"].as_f64())
            .collect()
    };
    let (w, e) = (times(&walk), times(&ebike));
    assert_eq!(w.len(), e.len());
    let mut faster = 0;
    for (w, e) in w.iter().zip(&e) {
        match (w, e) {
            (Some(w), Some(e)) => {
                assert!(*e <= w + 1e-9, "e-bike {e} slower than walking {w}");
                faster += usize::from(*e < w - 1e-6);
            }
            (None, _) => {}
            (Some(w), None) => panic!("walked in {w} min but no e-bike time"),
        }
    }
    assert!(
        faster > w.len() / 2,
        "most settlements are nearer by e-bike"
    );
    let share = |r: &Value| r["summary"]["share_within_limit"].as_f64().unwrap();
    assert!(share(&ebike) >= share(&walk));
}

#[test]
fn a_speed_table_file_sets_the_speeds_and_the_report_lists_them() {
    // Walking at 2.5 km/h instead of 5: every on-road leg takes twice as long, so no time
    // shrinks and most grow.
    let slow = TempFile::new("speeds.toml", "walk_kmh = 2.5\n[drive_kmh]\nprimary = 40\n");
    let mut args = andorra_args();
    args.extend(["--mode".into(), "walk".into()]);
    let base = stdout_json(&run(&args));
    let mut with_speeds = args.clone();
    with_speeds.extend(["--speeds".into(), slow.path()]);
    let slowed = stdout_json(&run(&with_speeds));
    assert_eq!(slowed["speeds"]["walk_kmh"], 2.5);
    assert_eq!(base["speeds"]["walk_kmh"], 5.0);
    let primary = slowed["speeds"]["drive_kmh"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == "primary")
        .unwrap()[1]
        .clone();
    assert_eq!(primary, 40.0);
    let share = |r: &Value| r["summary"]["share_within_limit"].as_f64().unwrap();
    assert!(share(&slowed) < share(&base));
    // JSON too, and a bad file or speed is refused, naming it.
    let json = TempFile::new("speeds.json", r#"{"walk_kmh": 2.5}"#);
    let mut a = args.clone();
    a.extend(["--speeds".into(), json.path()]);
    assert_eq!(stdout_json(&run(&a))["speeds"]["walk_kmh"], 2.5);
    let bad = TempFile::new("bad.toml", "walking = 3\n");
    let mut a = args.clone();
    a.extend(["--speeds".into(), bad.path()]);
    assert_fails(&a, &[&bad.path(), "walking"]);
    let zero = TempFile::new("zero.toml", "ebike_kmh = 0\n");
    let mut a = args.clone();
    a.extend(["--speeds".into(), zero.path()]);
    assert_fails(&a, &["e-bike"]);
}

#[test]
fn an_unknown_mode_is_an_error() {
    let mut args = andorra_args();
    args.extend(["--mode".to_string(), "fly".to_string()]);
    assert_fails(&args, &["fly", "mode"]);
}

#[test]
fn a_negative_limit_is_an_error() {
    let mut args = andorra_args();
    args.extend(["--limit-min".to_string(), "-3".to_string()]);
    assert_fails(&args, &["limit", "-3"]);
}

#[test]
fn a_limit_that_is_not_a_number_is_an_error() {
    let mut args = andorra_args();
    args.extend(["--limit-min".to_string(), "soon".to_string()]);
    assert_fails(&args, &["--limit-min", "soon"]);
}

#[test]
fn a_flag_without_value_is_an_error() {
    let mut args = andorra_args();
    args.push("--mode".to_string());
    assert_fails(&args, &["--mode", "needs a value"]);
}

#[test]
fn temp_files_are_removed() {
    let path: PathBuf;
    {
        let f = TempFile::new("cleanup", "{}");
        path = f.0.clone();
        assert!(Path::new(&path).exists());
    }
    assert!(!path.exists());
}

#[test]
fn demo_county_writes_the_committed_files() {
    let dir = std::env::temp_dir().join(format!("medreach-demo-county-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medreach"))
        .args(["demo-county", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["roads", "facilities", "settlements", "admin"] {
        let got = std::fs::read(dir.join(format!("{name}.geojson"))).unwrap();
        let want = std::fs::read(format!(
            "{}/demo/county/{name}.geojson",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert!(got == want, "{name}.geojson differs from demo/county/");
    }
    std::fs::remove_dir_all(&dir).ok();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_medreach"))
        .args(["demo-county", "--seed", "x", "--out", "/tmp/x"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--seed"));
}

#[test]
fn synthetic_reports_sizes_stage_times_and_memory() {
    let args: Vec<String> = [
        "synthetic",
        "--junctions",
        "2000",
        "--seed",
        "3",
        "--mode",
        "drive",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let json = stdout_json(&run(&args));
    let junctions = json["junctions"].as_u64().unwrap();
    assert!((1940..=2060).contains(&junctions), "{json}");
    assert_eq!(json["junctions_requested"], 2000);
    assert_eq!(json["mode"], "drive");
    assert_eq!(json["facilities"], 1);
    assert_eq!(json["settlements"], 40);
    // 45 x 44 grid points: 3 x 3 villages in one township in one county.
    assert_eq!(json["admin_units"], 11);
    // One facility for nine villages: the village rules find villages without a clinic.
    assert!(json["findings"].as_u64().unwrap() >= 8, "{json}");
    assert!(json["segments"].as_u64().unwrap() > junctions);
    let seconds = &json["seconds"];
    let stages = [
        "generate",
        "building",
        "joining",
        "routing",
        "summarising",
        "report",
    ];
    let sum: f64 = stages.iter().map(|s| seconds[s].as_f64().unwrap()).sum();
    let total = seconds["total"].as_f64().unwrap();
    assert!(sum > 0.0 && sum <= total * 1.001, "{seconds}");
    if cfg!(target_os = "linux") {
        let peak = json["peak_memory_mb"].as_f64().unwrap();
        let per_junction = json["bytes_per_junction"].as_f64().unwrap();
        assert!(peak > 0.0 && per_junction > 0.0, "{json}");
    }
    assert_eq!(json["summary"]["settlements"], 40);
    // The same seed, the same network and result.
    let again = stdout_json(&run(&args));
    assert_eq!(again["summary"], json["summary"]);
    assert_eq!(again["segments"], json["segments"]);
    assert_fails(&with(args.clone(), "--junctions", "0"), &["--junctions"]);
    assert_fails(&args[..1], &["--junctions"]);
}

/// The demo county's layers as flags, and the report of `check` on them with `extra` flags.
fn demo_county_check(extra: &[String]) -> Output {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/county");
    let mut args = vec!["check".to_string()];
    for layer in ["roads", "facilities", "settlements", "admin"] {
        args.push(format!("--{layer}"));
        args.push(format!("{dir}/{layer}.geojson"));
    }
    args.extend(extra.iter().cloned());
    run(&args)
}

#[test]
fn a_plan_made_in_the_page_gives_the_cli_the_page_s_report() {
    use medreach::app::editing::EditAsk;
    use medreach::app::session::InputFile;
    use medreach::app::session::Session;
    use medreach::engine::model::{Capacity, FacilityKind};
    use medreach::engine::network::Mode;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/county");
    let files: Vec<InputFile> = ["roads", "facilities", "settlements", "admin"]
        .iter()
        .map(|layer| InputFile {
            name: format!("{layer}.geojson"),
            bytes: std::fs::read(format!("{dir}/{layer}.geojson")).unwrap(),
        })
        .collect();
    // The page's engine, asked as the page asks: clicks turned into edits.
    let mut page = Session::new();
    assert!(page.load(files, true, &mut |_, _, _| {}).is_empty());
    let layers = page.data().layers();
    let road = &layers.roads[layers.roads.len() / 2];
    let asks = [
        EditAsk::Add {
            kind: FacilityKind::VillageClinic,
            at: layers.settlements[7].at,
        },
        EditAsk::Delete {
            at: layers.facilities[3].at,
            within_m: 1.0,
        },
        EditAsk::SetCapacity {
            at: layers.facilities[5].at,
            within_m: 1.0,
            capacity: Capacity {
                doctors: Some(3.0),
                ..Capacity::default()
            },
        },
        EditAsk::CloseRoad {
            at: road.lines[0][road.lines[0].len() / 2],
            within_m: 1.0,
        },
    ];
    for ask in &asks {
        page.edit(ask).unwrap();
    }
    let rules = medreach::engine::rules::RuleParams::default();
    let shown = page
        .run(Mode::Walk, 15.0, &rules, &mut |_, _, _| {})
        .unwrap();
    let plan = TempFile::new("page-plan", &page.plan_file());
    let cli = stdout_json(&demo_county_check(&["--plan".into(), plan.path()]));
    let page_json = serde_json::to_value(&shown.report).unwrap();
    for member in ["summary", "admin", "scorecard", "rules", "planned_sites"] {
        assert!(!page_json[member].is_null(), "{member}");
        assert_eq!(cli[member], page_json[member], "{member}");
    }
    // Each settlement, its file named by the CLI with the path given.
    let mut settlements = cli["settlements"].clone();
    for s in settlements.as_array_mut().unwrap() {
        let file = s["file"].as_str().unwrap();
        s["file"] = Value::from(file.rsplit('/').next().unwrap());
    }
    assert_eq!(settlements, page_json["settlements"]);
    // The findings, but for the words the CLI fills in (the page words them in its language).
    let facts = |findings: &Value| -> Vec<Value> {
        findings
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let mut f = f.clone();
                let f = f.as_object_mut().unwrap();
                f.remove("message");
                f.remove("suggestion");
                Value::Object(f.clone())
            })
            .collect()
    };
    assert_eq!(facts(&cli["findings"]), facts(&page_json["findings"]));
    assert_eq!(cli["edits"].as_array().unwrap().len(), asks.len());
}

#[test]
fn check_applies_a_plan_and_refuses_one_that_names_nothing_loaded() {
    let before = stdout_json(&demo_county_check(&[]));
    // A clinic at the most populous settlement beyond the limit that stands by a road.
    let worst = before["settlements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["within_limit"] == false && s["offroad_m"].as_f64().is_some_and(|m| m < 100.0)
        })
        .max_by(|a, b| {
            a["population"]
                .as_f64()
                .partial_cmp(&b["population"].as_f64())
                .unwrap()
        })
        .unwrap();
    let settlements: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/demo/county/settlements.geojson"
        ))
        .unwrap(),
    )
    .unwrap();
    let at = &settlements["features"][worst["index"].as_u64().unwrap() as usize]["geometry"]
        ["coordinates"];
    let plan = TempFile::new(
        "plan",
        &format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"edit":"add_facility","kind":"村卫生室","name":"规划卫生室"}},"geometry":{{"type":"Point","coordinates":{at}}}}},
            {{"type":"Feature","properties":{{"edit":"close_road","file":"roads.geojson","index":3}},"geometry":null}}]}}"#
        ),
    );
    let after = stdout_json(&demo_county_check(&["--plan".into(), plan.path()]));
    assert_eq!(after["edits"].as_array().unwrap().len(), 2);
    assert_eq!(after["edits"][0]["edit"], "add_facility");
    assert!(
        after["summary"]["population_within_limit"].as_f64()
            > before["summary"]["population_within_limit"].as_f64()
    );
    assert_eq!(after["planned_sites"][0]["name"], "规划卫生室");
    // The plan against the data as loaded.
    let c = &after["comparison"];
    let gained = c["population_gained"].as_f64().unwrap();
    assert!(gained > 0.0, "{gained}");
    assert_eq!(
        c["before"]["population_within_limit"],
        before["summary"]["population_within_limit"]
    );
    assert!(!c["settlements"].as_array().unwrap().is_empty());
    assert!(c["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "reach.15min"));
    assert!(before.get("comparison").is_none());
    // A plan naming a road no file has: refused, with the plan's path and the edit.
    let bad = TempFile::new(
        "bad-plan",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"edit":"close_road","file":"roads.geojson","index":99999},"geometry":null}]}"#,
    );
    let out = demo_county_check(&["--plan".into(), bad.path()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&bad.path()) && err.contains("99999"), "{err}");
    // A plan made with its own speeds brings them (unless --speeds gives a table).
    let slow = TempFile::new(
        "slow-plan",
        r#"{"type":"FeatureCollection","features":[],"speeds":{"walk_kmh":2.5}}"#,
    );
    let walked = stdout_json(&demo_county_check(&["--plan".into(), slow.path()]));
    assert_eq!(walked["speeds"]["walk_kmh"], 2.5);
    assert!(
        walked["summary"]["population_within_limit"].as_f64()
            < before["summary"]["population_within_limit"].as_f64()
    );
    // A speed of zero: refused.
    let zero = TempFile::new(
        "zero-plan",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"edit":"set_road","file":"roads.geojson","index":1,"speed_kmh":0},"geometry":null}]}"#,
    );
    let out = demo_county_check(&["--plan".into(), zero.path()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("positive"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
