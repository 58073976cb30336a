//! Capacity-limited coverage against PySAL's `access` (`tests/data/access/`, made by its
//! `make.sh`): on a cut of the demo county, with MedReach's own travel times, PySAL's 2SFCA,
//! E2SFCA and G2SFCA ratios, which MedReach's must match to 1e-9.

use crate::support::data::data_dir;
use medreach::app::analysis::Analysis;
use medreach::engine::dataset::Dataset;
use medreach::engine::model::{CapacityField, SettlementId};
use medreach::engine::network::{Mode, SpeedTable};
use medreach::engine::planning::access::{capacity_access, AccessRequest, Method};
use serde_json::Value;

fn fixture() -> (Dataset, Value) {
    let dir = data_dir().join("access");
    let mut data = Dataset::default();
    for layer in ["roads", "facilities", "settlements"] {
        let name = format!("{layer}.geojson");
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let loaded = data.load_file(&name, &bytes, &Default::default()).unwrap();
        assert!(loaded.layers.skipped.is_empty(), "{name} skips nothing");
    }
    let expected = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    (data, serde_json::from_str(&expected).unwrap())
}

/// The method a case names, with its parameters.
fn method(case: &Value) -> Method {
    match case["method"].as_str().unwrap() {
        "2sfca" => Method::TwoStep,
        "e2sfca" => Method::Enhanced {
            steps: case["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s[0].as_f64().unwrap(), s[1].as_f64().unwrap()))
                .collect(),
        },
        "g2sfca" => Method::Gaussian {
            sigma_min: case["sigma_min"].as_f64().unwrap(),
        },
        other => panic!("method {other}"),
    }
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1e-6)
}

#[test]
fn ratios_match_pysal_access_for_every_method() {
    let (data, expected) = fixture();
    let cases = expected["cases"].as_array().unwrap();
    let methods: std::collections::BTreeSet<&str> = cases
        .iter()
        .map(|c| c["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods.len(), 3, "2sfca, e2sfca and g2sfca");
    let mut analyses: Vec<(Mode, Analysis)> = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mode: Mode = case["mode"].as_str().unwrap().parse().unwrap();
        if !analyses.iter().any(|(m, _)| *m == mode) {
            let a = Analysis::run(&data, mode, &SpeedTable::default()).unwrap();
            analyses.push((mode, a));
        }
        let analysis = &analyses.iter().find(|(m, _)| *m == mode).unwrap().1;
        let request = AccessRequest {
            field: CapacityField::parse(case["capacity_field"].as_str().unwrap()).unwrap(),
            catchment_min: case["catchment_min"].as_f64().unwrap(),
            method: method(case),
        };
        let access = capacity_access(&analysis.layers, &analysis.reach, &request).unwrap();
        let layers = &analysis.layers;

        let want = case["settlements"].as_array().unwrap();
        assert_eq!(access.settlements.len(), want.len(), "{name}");
        let mut zero = 0;
        for (got, want) in access.settlements.iter().zip(want) {
            let index = layers.settlement(got.id).source.feature as u64;
            assert_eq!(index, want[0].as_u64().unwrap(), "{name}");
            let w = want[1].as_f64().unwrap();
            assert!(
                close(got.ratio, w),
                "{name} settlement {index}: {} vs {w}",
                got.ratio
            );
            zero += usize::from(got.ratio == 0.0);
        }
        assert!(zero > 0, "{name}: some settlement reaches no supplier");
        assert!(zero < want.len(), "{name}: some settlement reaches one");

        let want = case["facilities"].as_array().unwrap();
        let got: Vec<u64> = access
            .facilities
            .iter()
            .map(|f| layers.facility(f.id).source.feature as u64)
            .collect();
        let want_ids: Vec<u64> = want.iter().map(|f| f[0].as_u64().unwrap()).collect();
        assert_eq!(got, want_ids, "{name}: the suppliers");
        for (f, want) in access.facilities.iter().zip(want) {
            assert!(close(f.demand, want[2].as_f64().unwrap()), "{name} demand");
            match (f.ratio, want[1].as_f64()) {
                (Some(g), Some(w)) => assert!(close(g, w), "{name} facility ratio {g} vs {w}"),
                (g, w) => assert_eq!(g, w, "{name} facility ratio"),
            }
        }
    }
}

#[test]
fn catchment_times_are_the_travel_times_of_the_nearest_service_point() {
    let (data, _) = fixture();
    for mode in [Mode::Walk, Mode::Drive, Mode::Ebike] {
        let a = Analysis::run(&data, mode, &SpeedTable::default()).unwrap();
        let reach = &a.reach;
        let catchments = reach.catchments(&reach.service_points, 30.0);
        let mut checked = 0;
        for (s, r) in reach.settlements.iter().enumerate() {
            let (Some(m), Some(f)) = (r.minutes, r.nearest) else {
                continue;
            };
            let k = reach.service_points.iter().position(|&p| p == f).unwrap();
            let found = catchments[k]
                .iter()
                .find(|&&(t, _)| t == SettlementId(s))
                .map(|&(_, t)| t.to_bits());
            assert_eq!(found, (m <= 30.0).then_some(m.to_bits()), "{mode:?} {s}");
            checked += usize::from(found.is_some());
        }
        assert!(checked > 10, "{mode:?}: {checked}");
    }
}
