//! The real cases in `tests/data/cases/{andorra,liechtenstein}/` against the reference
//! results of an independent implementation (`reference_walk.json`, `reference_drive.json`; see
//! `tests/data/README.md`).
//!
//! Per settlement (matched by its `index` in `settlements.geojson`, in the reference's order):
//! `time_min` within 0.001 min (both null when unreachable), `nearest_facility` equal, the
//! off-road leg within a millimetre. Overall: the same set of settlements within 15 minutes
//! (`time <= 15.0`), the share within 1e-12, the population-weighted mean within 1e-6 min and
//! the unreachable population equal.

use crate::support::data::{case_bytes, case_text};
use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::dataset::Dataset;
use medreach::engine::network::Mode;
use medreach::engine::report::Report;
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Instant;

/// Largest difference in minutes allowed per settlement.
const TIME_TOLERANCE_MIN: f64 = 1e-3;
/// Largest difference in metres allowed for a settlement's off-road leg.
const OFFROAD_TOLERANCE_M: f64 = 1e-3;
/// The limit the references were computed for.
const LIMIT_MIN: f64 = 15.0;

/// Loads the case's GeoJSON files and runs the check for `mode` at 15 minutes.
fn run_case(case: &str, mode: Mode) -> Report {
    let mut data = Dataset::default();
    for name in [
        "roads.geojson",
        "facilities.geojson",
        "settlements.geojson",
        "admin.geojson",
    ] {
        let text = case_text(case, name);
        let loaded = data
            .load(name, &text)
            .unwrap_or_else(|e| panic!("{case}/{name} does not load: {e}"));
        if name != "admin.geojson" {
            assert!(
                loaded.layers.skipped.is_empty(),
                "{case}/{name}: features skipped: {:?}",
                loaded.layers.skipped
            );
        }
    }
    let options = Options {
        mode,
        limit_min: LIMIT_MIN,
        ..Options::default()
    };
    check(&data, &options).unwrap_or_else(|e| panic!("{case} {mode:?}: check failed: {e}"))
}

fn reference(case: &str, mode: Mode) -> Value {
    let name = format!("reference_{}.json", mode.id());
    serde_json::from_str(&case_text(case, &name))
        .unwrap_or_else(|e| panic!("{case}/{name}: not valid JSON: {e}"))
}

fn num(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("reference {what} is not a number: {v}"))
}

fn opt_num(v: &Value, what: &str) -> Option<f64> {
    if v.is_null() {
        None
    } else {
        Some(num(v, what))
    }
}

fn opt_index(v: &Value, what: &str) -> Option<usize> {
    if v.is_null() {
        None
    } else {
        let i = v
            .as_u64()
            .unwrap_or_else(|| panic!("reference {what} is not an index: {v}"));
        Some(i as usize)
    }
}

/// Compares one case and mode with its reference; collects every mismatch before failing.
fn compare(case: &str, mode: Mode) {
    let started = Instant::now();
    let report = run_case(case, mode);
    let elapsed_engine = started.elapsed();
    let reference = reference(case, mode);
    assert_eq!(reference["mode"].as_str(), Some(mode.id()));
    let rows = reference["settlements"]
        .as_array()
        .expect("reference has a settlements array");
    assert_eq!(
        report.settlements.len(),
        rows.len(),
        "{case} {mode:?}: settlement count"
    );
    assert!(!report.summary.straight_line, "{case} {mode:?}: has roads");

    let mut problems: Vec<String> = Vec::new();
    let mut ours_within = BTreeSet::new();
    let mut theirs_within = BTreeSet::new();
    let mut max_diff: f64 = 0.0;
    for (k, (ours, theirs)) in report.settlements.iter().zip(rows).enumerate() {
        let index = opt_index(&theirs["index"], "index").expect("settlement index");
        if ours.index != index {
            problems.push(format!(
                "row {k}: settlement index {} but the reference has {index}",
                ours.index
            ));
            continue;
        }
        let want = opt_num(&theirs["time_min"], "time_min");
        match (ours.time_min, want) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                max_diff = max_diff.max((a - b).abs());
                if (a - b).abs() > TIME_TOLERANCE_MIN {
                    problems.push(format!(
                        "settlement {index}: time {a} min, reference {b} min"
                    ));
                }
            }
            (a, b) => problems.push(format!(
                "settlement {index}: time {a:?}, reference {b:?} (reachability differs)"
            )),
        }
        let want_facility = opt_index(&theirs["nearest_facility"], "nearest_facility");
        if ours.nearest_facility != want_facility {
            problems.push(format!(
                "settlement {index}: nearest facility {:?}, reference {want_facility:?}",
                ours.nearest_facility
            ));
        }
        if let (Some(a), Some(b)) = (ours.offroad_m, opt_num(&theirs["offroad_m"], "offroad_m")) {
            if (a - b).abs() > OFFROAD_TOLERANCE_M {
                problems.push(format!(
                    "settlement {index}: off-road leg {a} m, reference {b} m"
                ));
            }
        }
        let pop = num(&theirs["population"], "population");
        if ours.population != pop {
            problems.push(format!(
                "settlement {index}: population {}, reference {pop}",
                ours.population
            ));
        }
        if ours.time_min.is_some_and(|t| t <= LIMIT_MIN) {
            ours_within.insert(index);
        }
        if want.is_some_and(|t| t <= LIMIT_MIN) {
            theirs_within.insert(index);
        }
        if ours.within_limit != ours.time_min.is_some_and(|t| t <= LIMIT_MIN) {
            problems.push(format!(
                "settlement {index}: within_limit {} disagrees with its time",
                ours.within_limit
            ));
        }
    }
    if ours_within != theirs_within {
        problems.push(format!(
            "settlements within {LIMIT_MIN} min differ: only ours {:?}, only the reference's {:?}",
            ours_within.difference(&theirs_within).collect::<Vec<_>>(),
            theirs_within.difference(&ours_within).collect::<Vec<_>>()
        ));
    }

    let summary = &reference["summary"];
    let share = num(&summary["share_within_threshold"], "share");
    match report.summary.share_within_limit {
        Some(s) if (s - share).abs() <= 1e-12 => {}
        other => problems.push(format!("share {other:?}, reference {share}")),
    }
    let mean = num(&summary["mean_time_min_pop_weighted"], "mean");
    match report.summary.mean_time_min {
        Some(m) if (m - mean).abs() <= 1e-6 => {}
        other => problems.push(format!("mean time {other:?}, reference {mean}")),
    }
    let unreachable = num(&summary["unreachable_population"], "unreachable");
    if report.summary.unreachable_population != unreachable {
        problems.push(format!(
            "unreachable population {}, reference {unreachable}",
            report.summary.unreachable_population
        ));
    }
    let total = num(&summary["total_population"], "total_population");
    if (report.summary.population_total - total).abs() > 1e-6 {
        problems.push(format!(
            "total population {}, reference {total}",
            report.summary.population_total
        ));
    }
    let settlements = num(&summary["settlements"], "settlements") as usize;
    if report.summary.settlements != settlements {
        problems.push(format!(
            "{} settlements, reference {settlements}",
            report.summary.settlements
        ));
    }
    eprintln!(
        "{case} {mode:?}: {} settlements, engine {:.2} s, largest time difference {max_diff:.3e} min",
        rows.len(),
        elapsed_engine.as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "{case} {mode:?}: {} differences from the reference (first 20):\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn andorra_walk_matches_reference() {
    compare("andorra", Mode::Walk);
}

#[test]
fn andorra_drive_matches_reference() {
    compare("andorra", Mode::Drive);
}

#[test]
fn liechtenstein_walk_matches_reference() {
    compare("liechtenstein", Mode::Walk);
}

#[test]
fn liechtenstein_drive_matches_reference() {
    compare("liechtenstein", Mode::Drive);
}

/// Changing only the limit must not move any time: the share at 30 minutes is at least the
/// share at 15, and equals the reference's count of residents within 30 minutes.
#[test]
fn andorra_drive_share_at_30_minutes_follows_the_reference_times() {
    let mut data = Dataset::default();
    for name in ["roads.geojson", "facilities.geojson", "settlements.geojson"] {
        data.load(name, &case_text("andorra", name)).expect("loads");
    }
    let analysis = medreach::app::analysis::Analysis::run(&data, Mode::Drive, &Default::default())
        .expect("runs");
    let reference = reference("andorra", Mode::Drive);
    let rows = reference["settlements"].as_array().expect("settlements");
    for limit in [5.0, 10.0, 15.0, 20.0, 30.0] {
        let report = analysis.report(limit, &medreach::engine::rules::RuleParams::default());
        let (mut within, mut total) = (0.0, 0.0);
        for row in rows {
            let pop = num(&row["population"], "population");
            total += pop;
            if opt_num(&row["time_min"], "time_min").is_some_and(|t| t <= limit) {
                within += pop;
            }
        }
        let share = report.summary.share_within_limit.expect("has residents");
        assert!(
            (share - within / total).abs() <= 1e-12,
            "limit {limit}: share {share}, reference times give {}",
            within / total
        );
    }
}

/// The page's demo (`demo/andorra/`) is a byte-for-byte copy of this case's layers, so the
/// figures the page shows for it are the reference's (the end-to-end tests rely on it).
#[test]
fn demo_andorra_is_the_andorra_case() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/andorra");
    for name in [
        "roads.geojson",
        "facilities.geojson",
        "settlements.geojson",
        "admin.geojson",
    ] {
        let path = demo.join(name);
        let copy =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        assert!(
            copy == case_bytes("andorra", name),
            "{} differs from tests/data/cases/andorra/{name}",
            path.display()
        );
    }
}
