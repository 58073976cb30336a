//! The 14 rules of `docs/RULES.md` on small hand-made cases: for each rule one case
//! where it fires and one where it passes, with its exceptions and parameters.
//!
//! Every case is GeoJSON text built with `support::geojson::Scene`: admin units are axis-aligned lon/lat rectangles near
//! lon 108.5, lat 30.5 (adjacent units share an edge exactly), facilities and settlements are
//! points with the properties of `docs/VOCABULARY.md`. Positions are given in metres east and
//! north of (108.5°E, 30.5°N) in UTM zone 49N, the plane MedReach measures in, so travel times
//! can be computed by hand: walking 5 km/h (83.33 m/min) on roads, 4 km/h (66.67 m/min)
//! off-road, and without roads straight lines at 4 km/h (1,000 m = 15 min).

use crate::support::geojson::{Plane, Scene};
use medreach::app::analysis::check;
use medreach::app::options::{AnalysisError, Options};
use medreach::engine::admin::PopulationSource;
use medreach::engine::crs::{LonLat, Projector, UtmZone};
use medreach::engine::model::{AreaFlag, Center, Level};
use medreach::engine::report::Report;
use medreach::engine::rules::{Finding, Severity};
use medreach::engine::rules::{LeadProblem, Message, RuleParams, RuleStatus, CATALOG};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Positions in metres
// ---------------------------------------------------------------------------------------------

const LON0: f64 = 108.5;
const LAT0: f64 = 30.5;

fn projector() -> Projector {
    Projector::new(UtmZone {
        number: 49,
        north: true,
    })
}

/// Metres east and north of (LON0, LAT0) in the UTM zone 49N plane.
fn plane() -> Plane {
    Plane::new(LON0, LAT0)
}

/// The lon/lat of the point `x` metres east and `y` metres north of (LON0, LAT0) in the UTM
/// zone 49N plane (the engine's own inverse projection).
fn lonlat(x: f64, y: f64) -> LonLat {
    plane().at(x, y)
}

#[test]
fn positions_are_exact_metre_offsets_in_utm_49n() {
    let p = projector();
    let a = p.project(lonlat(0.0, 0.0));
    let b = p.project(lonlat(300.0, 400.0));
    assert!((a.distance_m(b) - 500.0).abs() < 1e-6);
    let o = lonlat(0.0, 0.0);
    assert!((o.lon - LON0).abs() < 1e-12 && (o.lat - LAT0).abs() < 1e-12);
}

/// The county every scene sits in, covering `[0, 0] – [x1, y1]` metres.
fn county(x1: f64, y1: f64) -> Scene {
    Scene::on(plane()).admin("清江县", "县", [0.0, 0.0, x1, y1])
}

// ---------------------------------------------------------------------------------------------
// Reading the report
// ---------------------------------------------------------------------------------------------

/// The catalog clause of each rule, as `RULES.md` cites it.
fn source(rule: &str) -> &'static str {
    match rule {
        "reach.15min" => "000 General Requirements; 001",
        "township.health-center" => "000 (一); 001 §1",
        "township.merged" => "000 (一)",
        "township.central-center" => "000 (一); 001 §1; 002 2.1",
        "village.clinic" => "000 (二); 002 2.1; 004 2(3)",
        "village.duplicate-clinics" => "000 (二)",
        "village.special-areas" => "000 (二); 002 2.1",
        "subdistrict.health-center" => "000 (三); 001 §3",
        "subdistrict.large" => "000 (三); 001 §3",
        "community.station" => "000 (四); 001 §4; 004 2(3)",
        "county.medical-community" => "003; 000 (五); 004 3(3)",
        "county.acute-care-centers" => "004 4(3)",
        "county.referral" => "002 2.2; 003",
        "planning.elderly-care" => "000 (九); 004 3(5)",
        other => panic!("no rule {other}"),
    }
}

/// The last part of a place path (`清江县 / 东镇 / 甲村` → `甲村`).
fn last(place: &str) -> &str {
    place.rsplit(" / ").next().unwrap_or(place)
}

/// Findings of `rule` whose place is `place` (the unit, facility or settlement named last).
fn at<'a>(r: &'a Report, rule: &str, place: &str) -> Vec<&'a Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule && last(&f.place) == place)
        .collect()
}

fn of_rule<'a>(r: &'a Report, rule: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

/// The one finding of `rule` at `place` whose detail matches `which`, checked for severity and
/// source.
fn one_where<'a>(
    r: &'a Report,
    rule: &str,
    place: &str,
    severity: Severity,
    which: impl Fn(&Message) -> bool,
) -> &'a Finding {
    let found: Vec<&Finding> = at(r, rule, place)
        .into_iter()
        .filter(|f| which(&f.detail))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {rule} finding at {place}; all of the rule: {:#?}",
        of_rule(r, rule)
    );
    let f = found[0];
    assert_eq!(f.rule, rule);
    assert_eq!(f.severity, severity, "{f:#?}");
    assert_eq!(f.source, source(rule));
    assert!(f.place.contains(place));
    f
}

/// The only finding of `rule` at `place`.
fn one<'a>(r: &'a Report, rule: &str, place: &str, severity: Severity) -> &'a Finding {
    assert_eq!(
        at(r, rule, place).len(),
        1,
        "expected exactly one {rule} finding at {place}: {:#?}",
        of_rule(r, rule)
    );
    one_where(r, rule, place, severity, |_| true)
}

/// No finding of `rule` at `place`.
fn none(r: &Report, rule: &str, place: &str) {
    let found = at(r, rule, place);
    assert!(found.is_empty(), "unexpected {rule} at {place}: {found:#?}");
}

fn status<'a>(r: &'a Report, rule: &str) -> &'a RuleStatus {
    r.rules
        .iter()
        .find(|s| s.rule == rule)
        .unwrap_or_else(|| panic!("no status for {rule}: {:#?}", r.rules))
}

/// The rule was checked: not "not checked", with places checked.
fn checked<'a>(r: &'a Report, rule: &str) -> &'a RuleStatus {
    let s = status(r, rule);
    assert_eq!(s.not_checked, None, "{rule} not checked");
    assert!(s.checked > 0, "{rule} checked nothing");
    assert_eq!(s.source, source(rule));
    s
}

fn not_checked(r: &Report, rule: &str) {
    let s = status(r, rule);
    assert!(s.not_checked.is_some(), "{rule} was checked: {s:?}");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[track_caller]
fn assert_close(a: f64, b: f64) {
    assert!(close(a, b), "{a} != {b}");
}

#[track_caller]
fn assert_close_opt(a: Option<f64>, b: f64) {
    match a {
        Some(a) => assert_close(a, b),
        None => panic!("None != {b}"),
    }
}

fn unit_index(r: &Report, name: &str) -> usize {
    r.admin
        .iter()
        .position(|a| a.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no unit {name}"))
}

// ---------------------------------------------------------------------------------------------
// reach.15min
// ---------------------------------------------------------------------------------------------

/// Two villages along a road at y = 1,500 m; the only clinic is in 甲村, 100 m off the road.
fn reach_scene() -> Scene {
    county(6000.0, 3000.0)
        .admin("甲村", "行政村", [0.0, 0.0, 3000.0, 3000.0])
        .admin("乙村", "行政村", [3000.0, 0.0, 6000.0, 3000.0])
        .road(&[(300.0, 1500.0), (5700.0, 1500.0)])
        .facility("甲村卫生室", "村卫生室", 500.0, 1600.0)
        .settlement("近屯", 300.0, 1000.0, 1400.0)
        .settlement("远屯", 200.0, 3500.0, 1400.0)
}

#[test]
fn reach_15min_fires_for_settlements_units_and_area_beyond_the_limit() {
    let r = reach_scene().check();
    // 近屯: 100 m off-road (1.5 min) + 500 m road (6 min) + 100 m off-road (1.5 min) = 9 min.
    assert_close_opt(r.settlements[0].time_min, 9.0);
    // 远屯: 1.5 + 3,000 m road (36 min) + 1.5 = 39 min.
    let f = one(&r, "reach.15min", "远屯", Severity::Violation);
    assert!(f.place.contains("乙村"));
    match &f.detail {
        Message::ReachSettlement {
            population,
            minutes,
            facility,
            limit,
        } => {
            assert_eq!(*population, 200.0);
            assert_close_opt(*minutes, 39.0);
            assert_eq!(facility.as_deref(), Some("甲村卫生室"));
            assert_eq!(*limit, 15.0);
        }
        other => panic!("{other:?}"),
    }
    let f = one(&r, "reach.15min", "乙村", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::ReachUnit {
            share: 0.0,
            within: 0.0,
            total: 200.0,
            limit: 15.0
        }
    );
    let f = one(&r, "reach.15min", "planning area", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::ReachArea {
            share: 0.6,
            within: 300.0,
            total: 500.0,
            limit: 15.0
        }
    );
    none(&r, "reach.15min", "甲村");
    none(&r, "reach.15min", "近屯");
    let s = checked(&r, "reach.15min");
    assert_eq!((s.checked, s.violations, s.advisories), (2, 4, 0));
    // 4: the area, the county (300 of 500), 乙村 and 远屯.
    one(&r, "reach.15min", "清江县", Severity::Violation);
}

#[test]
fn reach_15min_passes_when_everyone_is_within_the_limit() {
    // A clinic for 乙村 too: 远屯 is 1.5 + 0 + 1.5 = 3 min away.
    let r = reach_scene()
        .facility("乙村卫生室", "村卫生室", 3500.0, 1600.0)
        .check();
    assert_close_opt(r.settlements[1].time_min, 3.0);
    assert!(of_rule(&r, "reach.15min").is_empty());
    let s = checked(&r, "reach.15min");
    assert_eq!((s.checked, s.violations), (2, 0));

    // The limit is the user's: at 40 minutes 远屯 (39 min) is within.
    let options = Options {
        limit_min: 40.0,
        ..Options::default()
    };
    let r = check(&reach_scene().dataset(), &options).unwrap();
    assert!(of_rule(&r, "reach.15min").is_empty());

    // A target share below 100 %: the area (60 %) meets 50 %, 乙村 (0 %) does not.
    let params = RuleParams {
        target_share: 0.5,
        ..RuleParams::default()
    };
    let r = reach_scene().check_with(params);
    none(&r, "reach.15min", "planning area");
    none(&r, "reach.15min", "清江县");
    one(&r, "reach.15min", "乙村", Severity::Violation);
}

// ---------------------------------------------------------------------------------------------
// township.health-center
// ---------------------------------------------------------------------------------------------

fn townships() -> Scene {
    county(9000.0, 3000.0)
        .admin("东镇", "镇", [0.0, 0.0, 3000.0, 3000.0])
        .admin("西乡", "乡", [3000.0, 0.0, 6000.0, 3000.0])
        .admin("南镇", "town", [6000.0, 0.0, 9000.0, 3000.0])
}

#[test]
fn township_health_center_fires_for_none_and_for_more_than_one() {
    let r = townships()
        .facility("东镇卫生院", "乡镇卫生院", 1000.0, 1500.0)
        .facility("南镇卫生院", "乡镇卫生院", 7000.0, 1000.0)
        .facility("南镇中心卫生院", "中心乡镇卫生院", 8000.0, 2000.0)
        .check();
    let f = one(&r, "township.health-center", "西乡", Severity::Violation);
    assert_eq!(f.detail, Message::TownshipNoCenter);
    assert_eq!(f.place, "清江县 / 西乡");
    let f = one(&r, "township.health-center", "南镇", Severity::Violation);
    assert_eq!(f.detail, Message::TownshipManyCenters { count: 2 });
    none(&r, "township.health-center", "东镇");
    let s = checked(&r, "township.health-center");
    assert_eq!((s.checked, s.violations), (3, 2));
}

#[test]
fn township_health_center_passes_with_one_center_and_a_branch_is_no_second() {
    let r = townships()
        .facility("东镇卫生院", "乡镇卫生院", 1000.0, 1500.0)
        .facility("东镇卫生院分院", "乡镇卫生院分院", 2000.0, 1500.0)
        .facility("西乡卫生院", "township_health_center", 4000.0, 1500.0)
        .facility("南镇中心卫生院", "中心乡镇卫生院", 8000.0, 2000.0)
        .check();
    assert!(of_rule(&r, "township.health-center").is_empty());
    let s = checked(&r, "township.health-center");
    assert_eq!((s.checked, s.violations), (3, 0));
}

// ---------------------------------------------------------------------------------------------
// township.merged
// ---------------------------------------------------------------------------------------------

/// 老乡 was merged into 新镇 (by code, or by name).
fn merged(by_code: bool) -> Scene {
    let into = if by_code { "500236105" } else { "新镇" };
    county(6000.0, 3000.0)
        .unit(
            json!({"name": "新镇", "level": "镇", "code": "500236105"}),
            0.0,
            0.0,
            3000.0,
            3000.0,
        )
        .unit(
            json!({"name": "老乡", "level": "乡", "code": "500236201", "并入": into}),
            3000.0,
            0.0,
            6000.0,
            3000.0,
        )
        .facility("新镇卫生院", "乡镇卫生院", 1000.0, 1500.0)
}

#[test]
fn township_merged_passes_with_a_branch_and_the_dissolved_township_is_not_checked() {
    for by_code in [false, true] {
        let r = merged(by_code)
            .facility("老乡分院", "乡镇卫生院分院", 4000.0, 1500.0)
            .check();
        assert!(of_rule(&r, "township.merged").is_empty(), "{by_code}");
        let s = checked(&r, "township.merged");
        assert_eq!((s.checked, s.violations), (1, 0));
        // 老乡 has no health center of its own, and is not asked for one.
        assert!(of_rule(&r, "township.health-center").is_empty());
        let s = checked(&r, "township.health-center");
        assert_eq!(s.checked, 1, "only 新镇 is checked");
        // Nor is it a candidate for a central center.
        for f in at(&r, "township.central-center", "清江县") {
            if let Message::CentralCandidates { candidates } = &f.detail {
                assert!(candidates.iter().all(|c| c.name != "老乡"));
            }
        }
    }
}

#[test]
fn township_merged_fires_for_an_unmarked_health_center() {
    for by_code in [true, false] {
        let r = merged(by_code)
            .facility("老乡卫生院", "乡镇卫生院", 4000.0, 1500.0)
            .check();
        let f = one(&r, "township.merged", "老乡卫生院", Severity::Violation);
        assert_eq!(f.place, "清江县 / 老乡 / 老乡卫生院");
        assert_eq!(
            f.detail,
            Message::MergedNotBranch {
                into: "新镇".to_string()
            }
        );
        none(&r, "township.merged", "新镇卫生院");
        // The old center is no second center of 新镇, and 老乡 is still not checked.
        assert!(of_rule(&r, "township.health-center").is_empty());
        assert_eq!(checked(&r, "township.merged").violations, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// township.central-center
// ---------------------------------------------------------------------------------------------

/// 城关镇 is the county town with the county hospital at (1,000, 1,500); 东镇's center is 3 km
/// from it (45 min in a straight line), 西镇's 6 km (90 min).
fn central(east_kind: &str, west_kind: &str) -> Scene {
    county(9000.0, 4000.0)
        .unit(
            json!({"name": "城关镇", "level": "镇", "县城": "是", "population": 50000}),
            0.0,
            0.0,
            3000.0,
            3000.0,
        )
        .admin_pop("东镇", "镇", 10000.0, [3000.0, 0.0, 6000.0, 3000.0])
        .admin_pop("西镇", "镇", 30000.0, [6000.0, 0.0, 9000.0, 3000.0])
        .facility("清江县人民医院", "县人民医院", 1000.0, 1500.0)
        .facility("东镇卫生院", east_kind, 4000.0, 1500.0)
        .facility("西镇卫生院", west_kind, 7000.0, 1500.0)
}

#[test]
fn township_central_center_fires_without_one_outside_the_county_town() {
    let r = central("乡镇卫生院", "乡镇卫生院")
        .facility("城关中心卫生院", "中心乡镇卫生院", 2000.0, 1500.0)
        .check();
    let f = one(
        &r,
        "township.central-center",
        "城关中心卫生院",
        Severity::Violation,
    );
    assert_eq!(f.detail, Message::CentralInCountyTown);
    let f = one_where(
        &r,
        "township.central-center",
        "清江县",
        Severity::Violation,
        |m| matches!(m, Message::CentralCount { .. }),
    );
    assert_eq!(
        f.detail,
        Message::CentralCount {
            count: 0,
            min: 1,
            max: 2
        }
    );
    // Candidates: larger and farther first; the county town is no candidate.
    let f = one_where(
        &r,
        "township.central-center",
        "清江县",
        Severity::Advisory,
        |m| matches!(m, Message::CentralCandidates { .. }),
    );
    let Message::CentralCandidates { candidates } = &f.detail else {
        unreachable!()
    };
    let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["西镇", "东镇"]);
    assert_eq!(candidates[0].population, 30000.0);
    assert_close_opt(candidates[0].minutes_to_county_hospital, 90.0);
    assert_eq!(candidates[1].population, 10000.0);
    assert_close_opt(candidates[1].minutes_to_county_hospital, 45.0);
    let s = checked(&r, "township.central-center");
    assert_eq!((s.checked, s.violations, s.advisories), (1, 2, 1));

    // Three central centers outside the county town are too many.
    let r = central("中心乡镇卫生院", "中心乡镇卫生院")
        .admin("北乡", "乡", [0.0, 3000.0, 9000.0, 4000.0])
        .facility("北乡中心卫生院", "中心卫生院", 4000.0, 3500.0)
        .check();
    let f = one_where(
        &r,
        "township.central-center",
        "清江县",
        Severity::Violation,
        |m| matches!(m, Message::CentralCount { .. }),
    );
    assert_eq!(
        f.detail,
        Message::CentralCount {
            count: 3,
            min: 1,
            max: 2
        }
    );
}

#[test]
fn township_central_center_passes_with_one_outside_the_county_town() {
    let r = central("乡镇卫生院", "中心乡镇卫生院").check();
    assert!(
        of_rule(&r, "township.central-center")
            .iter()
            .all(|f| f.severity == Severity::Advisory),
        "{:#?}",
        of_rule(&r, "township.central-center")
    );
    none(&r, "township.central-center", "西镇卫生院");
    checked(&r, "township.central-center");

    // The count is a parameter: asking for at least two makes one too few.
    let params = RuleParams {
        central_min: 2,
        ..RuleParams::default()
    };
    let r = central("乡镇卫生院", "中心乡镇卫生院").check_with(params);
    let f = one_where(
        &r,
        "township.central-center",
        "清江县",
        Severity::Violation,
        |m| matches!(m, Message::CentralCount { .. }),
    );
    assert_eq!(
        f.detail,
        Message::CentralCount {
            count: 1,
            min: 2,
            max: 2
        }
    );
    // And the number of candidates listed.
    let params = RuleParams {
        central_candidates: 1,
        ..RuleParams::default()
    };
    let r = central("乡镇卫生院", "中心乡镇卫生院").check_with(params);
    let f = one(&r, "township.central-center", "清江县", Severity::Advisory);
    let Message::CentralCandidates { candidates } = &f.detail else {
        panic!("{f:#?}")
    };
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].name, "西镇");
}

// ---------------------------------------------------------------------------------------------
// village.clinic
// ---------------------------------------------------------------------------------------------

/// Four villages in a row in 东镇, no roads (straight lines at 4 km/h):
/// 甲村 (1,500) with a clinic at `clinic_x`; 乙村 (800 residents in one settlement at x =
/// 2,300, no clinic); 丙村 (1,200) where the township health center stands; 丁村 (1,500),
/// nothing.
fn villages(clinic_x: f64) -> Scene {
    county(8000.0, 2000.0)
        .admin("东镇", "镇", [0.0, 0.0, 8000.0, 2000.0])
        .admin_pop("甲村", "行政村", 1500.0, [0.0, 0.0, 2000.0, 2000.0])
        .admin("乙村", "村", [2000.0, 0.0, 4000.0, 2000.0])
        .admin_pop("丙村", "村", 1200.0, [4000.0, 0.0, 6000.0, 2000.0])
        .admin_pop("丁村", "行政村", 1500.0, [6000.0, 0.0, 8000.0, 2000.0])
        .facility("甲村卫生室", "村卫生室", clinic_x, 1000.0)
        .settlement("乙村屯", 800.0, 2300.0, 1000.0)
        .facility("东镇卫生院", "乡镇卫生院", 5000.0, 1000.0)
}

#[test]
fn village_clinic_fires_for_a_village_without_one() {
    let r = villages(1700.0).check();
    let f = one(&r, "village.clinic", "丁村", Severity::Violation);
    assert_eq!(f.place, "清江县 / 东镇 / 丁村");
    assert_eq!(
        f.detail,
        Message::VillageNoClinic {
            population: 1500.0,
            shared_minutes: None,
            limit: 15.0
        }
    );
    let s = checked(&r, "village.clinic");
    assert_eq!((s.checked, s.violations), (4, 1));
}

#[test]
fn village_clinic_passes_with_a_clinic_or_the_township_health_center() {
    let r = villages(1700.0).check();
    none(&r, "village.clinic", "甲村");
    // 丙村 hosts the township health center: no clinic of its own is needed.
    none(&r, "village.clinic", "丙村");
    checked(&r, "village.clinic");
}

#[test]
fn village_clinic_small_village_shares_an_adjacent_clinic_within_the_limit() {
    // 乙村屯 is 600 m from 甲村卫生室: 9 minutes.
    let r = villages(1700.0).check();
    assert_eq!(r.admin[unit_index(&r, "乙村")].unit_population, 800.0);
    assert_close_opt(r.settlements[0].time_min, 9.0);
    none(&r, "village.clinic", "乙村");
}

#[test]
fn village_clinic_small_village_fires_when_the_adjacent_clinic_is_beyond_the_limit() {
    // 乙村屯 is 2,000 m from 甲村卫生室: 30 minutes.
    let r = villages(300.0).check();
    let f = one(&r, "village.clinic", "乙村", Severity::Violation);
    match &f.detail {
        Message::VillageNoClinic {
            population,
            shared_minutes,
            limit,
        } => {
            assert_eq!(*population, 800.0);
            assert_close_opt(*shared_minutes, 30.0);
            assert_eq!(*limit, 15.0);
        }
        other => panic!("{other:?}"),
    }
    assert!(f.message.contains("30.0 min"), "{}", f.message);
}

#[test]
fn village_clinic_small_village_population_is_a_parameter() {
    // Under 500 is small: 乙村 (800) is no longer small and cannot share.
    let params = RuleParams {
        small_village_population: 500.0,
        ..RuleParams::default()
    };
    let r = villages(1700.0).check_with(params.clone());
    let f = one(&r, "village.clinic", "乙村", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::VillageNoClinic {
            population: 800.0,
            shared_minutes: None,
            limit: 15.0
        }
    );
    assert_eq!(r.parameters, params);
}

/// 甲村 (clinic at x = 900) | 窄村 (300 m wide, no clinic) | 乙村 (small, its settlement at
/// x = 1,600) | 丙村: 甲村 is not adjacent to 乙村, though its clinic is 700 m (10.5 min) away.
fn non_adjacent() -> Scene {
    county(4000.0, 2000.0)
        .admin_pop("甲村", "行政村", 1500.0, [0.0, 0.0, 1000.0, 2000.0])
        .admin_pop("窄村", "行政村", 1500.0, [1000.0, 0.0, 1300.0, 2000.0])
        .admin_pop("乙村", "行政村", 800.0, [1300.0, 0.0, 1900.0, 2000.0])
        .admin_pop("丙村", "行政村", 1500.0, [1900.0, 0.0, 4000.0, 2000.0])
        .facility("甲村卫生室", "村卫生室", 900.0, 1000.0)
        .settlement("乙村屯", 800.0, 1600.0, 1000.0)
}

#[test]
fn village_clinic_a_non_adjacent_clinic_does_not_count() {
    let r = non_adjacent().check();
    assert_close_opt(r.settlements[0].time_min, 10.5);
    let f = one(&r, "village.clinic", "乙村", Severity::Violation);
    // No adjacent village has a clinic to share.
    assert_eq!(
        f.detail,
        Message::VillageNoClinic {
            population: 800.0,
            shared_minutes: None,
            limit: 15.0
        }
    );
}

#[test]
fn village_clinic_an_adjacent_clinic_counts_even_when_a_non_adjacent_one_is_nearer() {
    // 丙村卫生室 is 800 m (12 min) from 乙村屯; 甲村卫生室 is nearer (10.5 min) but not adjacent.
    let r = non_adjacent()
        .facility("丙村卫生室", "村卫生室", 2400.0, 1000.0)
        .check();
    none(&r, "village.clinic", "乙村");
    // Beyond the limit, the time reported is the adjacent clinic's.
    let r = non_adjacent()
        .facility("丙村卫生室", "村卫生室", 3000.0, 1000.0)
        .check();
    let f = one(&r, "village.clinic", "乙村", Severity::Violation);
    let Message::VillageNoClinic { shared_minutes, .. } = f.detail else {
        panic!("{f:#?}")
    };
    // 1,400 m: 21 minutes.
    assert_close_opt(shared_minutes, 21.0);
}

#[test]
fn village_clinic_a_clinic_in_no_village_is_no_adjacent_villages_clinic() {
    // The clinic stands in 东镇 outside every village polygon, 700 m (10.5 min) from 乙村屯:
    // the township polygon touches 乙村, but it is not an adjacent village.
    let scene = county(4000.0, 2000.0)
        .admin("东镇", "镇", [0.0, 0.0, 4000.0, 2000.0])
        .admin_pop("乙村", "行政村", 800.0, [2000.0, 0.0, 3000.0, 2000.0])
        .facility("东镇卫生室", "村卫生室", 1500.0, 1000.0)
        .settlement("乙村屯", 800.0, 2200.0, 1000.0);
    let r = scene.check();
    assert_close_opt(r.settlements[0].time_min, 10.5);
    let f = one(&r, "village.clinic", "乙村", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::VillageNoClinic {
            population: 800.0,
            shared_minutes: None,
            limit: 15.0
        }
    );
    // In a village of its own (甲村, adjacent to 乙村) it is shared.
    let r = scene
        .admin_pop("甲村", "行政村", 1500.0, [1000.0, 0.0, 2000.0, 2000.0])
        .check();
    none(&r, "village.clinic", "乙村");
}

/// Special areas in 山乡: 山村 (mountain, a service point), 岛村 (island, a mobile station),
/// 边村 (border and mountain, nothing, one settlement), 搬迁村 (relocated, `relocated_pop`
/// residents, nothing).
fn special(relocated_pop: f64) -> Scene {
    county(8000.0, 2000.0)
        .admin("山乡", "乡", [0.0, 0.0, 8000.0, 2000.0])
        .unit(
            json!({"name": "山村", "level": "行政村", "山区": "是", "人口": 300}),
            0.0,
            0.0,
            2000.0,
            2000.0,
        )
        .unit(
            json!({"name": "岛村", "level": "行政村", "island": true, "population": 400}),
            2000.0,
            0.0,
            4000.0,
            2000.0,
        )
        .unit(
            json!({"name": "边村", "level": "行政村", "特殊区域": "边境、山区"}),
            4000.0,
            0.0,
            6000.0,
            2000.0,
        )
        .unit(
            json!({"name": "搬迁村", "level": "行政村", "搬迁": 1, "population": relocated_pop}),
            6000.0,
            0.0,
            8000.0,
            2000.0,
        )
        .facility("山村医疗服务点", "医疗服务点", 1000.0, 1000.0)
        .facility("岛村流动医疗站", "流动医疗站", 3000.0, 1000.0)
        .settlement("边村屯", 200.0, 5000.0, 1000.0)
}

#[test]
fn village_clinic_special_area_village_served_by_a_service_point_needs_no_clinic() {
    let r = special(800.0).check();
    none(&r, "village.clinic", "山村");
    none(&r, "village.clinic", "岛村");
    // 边村 has nothing: it needs a clinic (no adjacent village has one to share).
    let f = one(&r, "village.clinic", "边村", Severity::Violation);
    assert!(f.special_area);
    checked(&r, "village.clinic");
}

#[test]
fn village_clinic_relocated_counts_as_special_only_for_a_small_village() {
    // 1,500 residents: relocated is no special area, so a service point does not replace the
    // clinic.
    let r = special(1500.0)
        .facility("搬迁村医疗服务点", "医疗服务点", 7000.0, 1000.0)
        .check();
    let f = one(&r, "village.clinic", "搬迁村", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::VillageNoClinic {
            population: 1500.0,
            shared_minutes: None,
            limit: 15.0
        }
    );
    none(&r, "village.special-areas", "搬迁村");
    // 800 residents: it is, and the service point suffices.
    let r = special(800.0)
        .facility("搬迁村医疗服务点", "医疗服务点", 7000.0, 1000.0)
        .check();
    none(&r, "village.clinic", "搬迁村");
    none(&r, "village.special-areas", "搬迁村");
}

// ---------------------------------------------------------------------------------------------
// village.duplicate-clinics
// ---------------------------------------------------------------------------------------------

#[test]
fn village_duplicate_clinics_fires_for_two_clinics_and_passes_for_one() {
    let r = county(4000.0, 2000.0)
        .admin_pop("甲村", "行政村", 1500.0, [0.0, 0.0, 2000.0, 2000.0])
        .admin_pop("乙村", "行政村", 1500.0, [2000.0, 0.0, 4000.0, 2000.0])
        .facility("甲村一组卫生室", "村卫生室", 500.0, 1000.0)
        .facility("甲村二组卫生室", "village_clinic", 1500.0, 1000.0)
        .facility("乙村卫生室", "村卫生室", 3000.0, 1000.0)
        .check();
    let f = one(&r, "village.duplicate-clinics", "甲村", Severity::Violation);
    assert_eq!(f.detail, Message::DuplicateClinics { count: 2 });
    none(&r, "village.duplicate-clinics", "乙村");
    let s = checked(&r, "village.duplicate-clinics");
    assert_eq!((s.checked, s.violations), (2, 1));
}

// ---------------------------------------------------------------------------------------------
// village.special-areas
// ---------------------------------------------------------------------------------------------

#[test]
fn village_special_areas_fires_without_service_and_passes_with_one() {
    let r = special(800.0).check();
    let f = one(&r, "village.special-areas", "边村", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::SpecialNoService {
            flags: vec![AreaFlag::Border, AreaFlag::Mountain]
        }
    );
    assert!(f.special_area);
    // Relocated with 800 residents is special.
    let f = one(&r, "village.special-areas", "搬迁村", Severity::Violation);
    assert_eq!(
        f.detail,
        Message::SpecialNoService {
            flags: vec![AreaFlag::Relocated]
        }
    );
    none(&r, "village.special-areas", "山村");
    none(&r, "village.special-areas", "岛村");
    let s = checked(&r, "village.special-areas");
    assert_eq!((s.checked, s.violations), (4, 2));
    let flags = &r.admin[unit_index(&r, "山村")].flags;
    assert_eq!(flags, &[AreaFlag::Mountain]);

    // A village clinic serves too.
    let r = special(800.0)
        .facility("边村卫生室", "村卫生室", 5500.0, 1000.0)
        .check();
    none(&r, "village.special-areas", "边村");
}

#[test]
fn village_special_areas_relocated_large_village_is_not_special() {
    // Only 搬迁村 is flagged, with 1,500 residents: no special-area village at all.
    let r = county(2000.0, 2000.0)
        .unit(
            json!({"name": "搬迁村", "level": "行政村", "flags": ["relocated"], "population": 1500}),
            0.0,
            0.0,
            2000.0,
            2000.0,
        )
        .facility("搬迁村卫生室", "村卫生室", 1000.0, 1000.0)
        .check();
    assert!(of_rule(&r, "village.special-areas").is_empty());
    not_checked(&r, "village.special-areas");
    // Under a small-village threshold of 2,000 it is.
    let params = RuleParams {
        small_village_population: 2000.0,
        ..RuleParams::default()
    };
    let r = county(2000.0, 2000.0)
        .unit(
            json!({"name": "搬迁村", "level": "行政村", "flags": "relocated", "population": 1500}),
            0.0,
            0.0,
            2000.0,
            2000.0,
        )
        .facility("搬迁村卫生室", "村卫生室", 1000.0, 1000.0)
        .check_with(params);
    assert_eq!(checked(&r, "village.special-areas").checked, 1);
}

#[test]
fn special_area_findings_come_first() {
    // 边村屯 is 2 km from 岛村's mobile station: 30 minutes, beyond the limit.
    let r = special(800.0).check();
    assert_close_opt(r.settlements[0].time_min, 30.0);
    let f = one(&r, "reach.15min", "边村屯", Severity::Violation);
    assert!(f.special_area);
    let first_plain = r
        .findings
        .iter()
        .position(|f| !f.special_area)
        .expect("some finding is not about a special area");
    assert!(first_plain >= 4, "{:#?}", r.findings);
    assert!(r.findings[first_plain..].iter().all(|f| !f.special_area));
    // The area-wide and township figures are not special, and come after.
    let area = r
        .findings
        .iter()
        .position(|f| f.place == "planning area")
        .unwrap();
    assert!(area >= first_plain);
}

// ---------------------------------------------------------------------------------------------
// subdistrict.health-center and subdistrict.large
// ---------------------------------------------------------------------------------------------

fn subdistricts() -> Scene {
    county(6000.0, 2000.0)
        .admin_pop("城东街道", "街道", 120000.0, [0.0, 0.0, 2000.0, 2000.0])
        .admin_pop(
            "城西街道",
            "subdistrict",
            80000.0,
            [2000.0, 0.0, 4000.0, 2000.0],
        )
        .admin("城北街道", "街道", [4000.0, 0.0, 6000.0, 2000.0])
        .facility("城东社区卫生服务中心", "社区卫生服务中心", 1000.0, 1000.0)
        .point(
            json!({"名称": "城西医院", "类型": "政府办一级医院", "等级": "一级", "性质": "政府办"}),
            3000.0,
            1000.0,
        )
}

#[test]
fn subdistrict_health_center_fires_and_suggests_converting_a_first_level_hospital() {
    let r = subdistricts().check();
    let f = one(
        &r,
        "subdistrict.health-center",
        "城西街道",
        Severity::Violation,
    );
    assert_eq!(
        f.detail,
        Message::SubdistrictNoCenter {
            convertible: Some("清江县 / 城西街道 / 城西医院".to_string())
        }
    );
    assert!(f.suggestion.contains("城西医院"), "{}", f.suggestion);
    let f = one(
        &r,
        "subdistrict.health-center",
        "城北街道",
        Severity::Violation,
    );
    assert_eq!(f.detail, Message::SubdistrictNoCenter { convertible: None });
    assert!(!f.suggestion.contains("城西医院"));
}

#[test]
fn subdistrict_health_center_passes_with_a_center() {
    let r = subdistricts().check();
    none(&r, "subdistrict.health-center", "城东街道");
    let s = checked(&r, "subdistrict.health-center");
    assert_eq!((s.checked, s.violations), (3, 2));
}

#[test]
fn subdistrict_large_advises_above_the_threshold() {
    let r = subdistricts().check();
    let f = one(&r, "subdistrict.large", "城东街道", Severity::Advisory);
    assert_eq!(
        f.detail,
        Message::SubdistrictLarge {
            population: 120000.0,
            threshold: 100000.0
        }
    );
    none(&r, "subdistrict.large", "城西街道");
    none(&r, "subdistrict.large", "城北街道");
    let s = checked(&r, "subdistrict.large");
    assert_eq!((s.checked, s.violations, s.advisories), (3, 0, 1));

    let params = RuleParams::parse("subdistrict_large_population = 50000").unwrap();
    let r = subdistricts().check_with(params);
    let f = one(&r, "subdistrict.large", "城西街道", Severity::Advisory);
    assert_eq!(
        f.detail,
        Message::SubdistrictLarge {
            population: 80000.0,
            threshold: 50000.0
        }
    );
}

// ---------------------------------------------------------------------------------------------
// community.station
// ---------------------------------------------------------------------------------------------

/// 城东街道 with four communities along a road at y = 1,000; the center stands in 东苑 at
/// (1,800, 1,100), 100 m off the road.
fn communities() -> Scene {
    county(8000.0, 2000.0)
        .admin("城东街道", "街道", [0.0, 0.0, 8000.0, 2000.0])
        .admin("东苑社区", "社区", [0.0, 0.0, 2000.0, 2000.0])
        .admin("西苑社区", "社区", [2000.0, 0.0, 4000.0, 2000.0])
        .admin("远苑社区", "居委会", [4000.0, 0.0, 6000.0, 2000.0])
        .admin_pop(
            "北苑社区",
            "community",
            12000.0,
            [6000.0, 0.0, 8000.0, 2000.0],
        )
        .road(&[(0.0, 1000.0), (8000.0, 1000.0)])
        .facility("城东社区卫生服务中心", "社区卫生服务中心", 1800.0, 1100.0)
        .settlement("西苑小区", 3000.0, 2300.0, 900.0)
        .settlement("远苑小区", 4000.0, 5800.0, 900.0)
}

#[test]
fn community_station_fires_for_a_wide_or_a_large_community() {
    let r = communities().check();
    // 远苑小区: 1.5 + 4,000 m (48 min) + 1.5 = 51 min to the center.
    let f = one(&r, "community.station", "远苑社区", Severity::Violation);
    match &f.detail {
        Message::CommunityNeedsStation {
            population,
            max_minutes,
            limit,
            large,
        } => {
            assert_eq!(*population, 4000.0);
            assert_close_opt(*max_minutes, 51.0);
            assert_eq!(*limit, 15.0);
            assert!(!large);
        }
        other => panic!("{other:?}"),
    }
    // 北苑 (12,000 given, above the local 10,000) needs a station whatever the distance.
    let f = one(&r, "community.station", "北苑社区", Severity::Violation);
    let Message::CommunityNeedsStation {
        population, large, ..
    } = f.detail
    else {
        panic!("{f:#?}")
    };
    assert_eq!(population, 12000.0);
    assert!(large);
    let s = checked(&r, "community.station");
    assert_eq!((s.checked, s.violations), (4, 2));
}

#[test]
fn community_station_passes_near_the_center_or_with_a_station() {
    let r = communities().check();
    // 西苑小区: 1.5 + 500 m (6 min) + 1.5 = 9 min.
    assert_close_opt(r.settlements[0].time_min, 9.0);
    none(&r, "community.station", "西苑社区");
    none(&r, "community.station", "东苑社区");
    // A station of its own settles 远苑; a larger threshold settles 北苑.
    let params = RuleParams {
        community_large_population: 15000.0,
        ..RuleParams::default()
    };
    let r = communities()
        .facility("远苑社区卫生服务站", "社区卫生服务站", 5000.0, 1100.0)
        .check_with(params);
    assert!(of_rule(&r, "community.station").is_empty());
    checked(&r, "community.station");
}

// ---------------------------------------------------------------------------------------------
// county.medical-community
// ---------------------------------------------------------------------------------------------

/// `props` with the members of `extra` added.
fn with(mut props: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().expect("an object") {
        props[k] = v.clone();
    }
    props
}

/// A county with its lead hospital (properties `lead`) and a TCM hospital hosting `tcm_centers`.
fn medical_community(lead: Value, tcm_centers: Value) -> Scene {
    county(4000.0, 2000.0)
        .point(
            with(
                json!({"名称": "清江县人民医院", "类型": "县人民医院"}),
                lead,
            ),
            1000.0,
            1000.0,
        )
        .point(
            json!({"名称": "清江县中医院", "类型": "县中医院", "中心": tcm_centers}),
            3000.0,
            1000.0,
        )
}

const ALL_RESOURCE: &str = "医学检验、医学影像、心电诊断、病理诊断、消毒供应";

#[test]
fn county_medical_community_passes_with_a_qualified_lead_and_all_ten_centers() {
    let r = medical_community(
        json!({"牵头医院": "是", "等级": "二级甲等", "性质": "公立", "中心": ALL_RESOURCE}),
        json!([
            "肿瘤防治",
            "慢病管理",
            "微创介入",
            "麻醉疼痛诊疗",
            "重症监护"
        ]),
    )
    .check();
    assert!(
        of_rule(&r, "county.medical-community").is_empty(),
        "{:#?}",
        of_rule(&r, "county.medical-community")
    );
    let s = checked(&r, "county.medical-community");
    assert_eq!((s.checked, s.violations), (1, 0));
}

#[test]
fn county_medical_community_fires_for_an_unqualified_lead() {
    let tcm = json!("oncology, chronic_disease, minimally_invasive, anesthesia_pain, icu");
    let r = medical_community(
        json!({"lead": true, "grade": "一级", "ownership": "民营", "centers": ALL_RESOURCE}),
        tcm.clone(),
    )
    .check();
    let f = one(
        &r,
        "county.medical-community",
        "清江县人民医院",
        Severity::Violation,
    );
    assert_eq!(
        f.detail,
        Message::LeadNotQualified {
            problems: vec![LeadProblem::ForProfit, LeadProblem::GradeBelowTwo]
        }
    );
    // A township health center as lead, grade not given.
    let r = county(4000.0, 2000.0)
        .point(
            json!({"名称": "东镇卫生院", "类型": "乡镇卫生院", "医共体牵头医院": true, "中心": ALL_RESOURCE}),
            1000.0,
            1000.0,
        )
        .point(
            json!({"名称": "清江县中医院", "类型": "县中医院", "中心": tcm}),
            3000.0,
            1000.0,
        )
        .check();
    let f = one(
        &r,
        "county.medical-community",
        "东镇卫生院",
        Severity::Violation,
    );
    assert_eq!(
        f.detail,
        Message::LeadNotQualified {
            problems: vec![LeadProblem::NotCountyHospital, LeadProblem::GradeBelowTwo]
        }
    );
    none(&r, "county.medical-community", "清江县");
}

#[test]
fn county_medical_community_lists_the_missing_centers_exactly() {
    let r = medical_community(
        json!({"牵头医院": "是", "等级": "三级", "性质": "非营利", "中心": ["laboratory", "影像"]}),
        json!("心电诊断、肿瘤防治"),
    )
    .check();
    none(&r, "county.medical-community", "清江县人民医院");
    let f = one_where(
        &r,
        "county.medical-community",
        "清江县",
        Severity::Violation,
        |m| {
            matches!(
                m,
                Message::MissingCenters {
                    clinical: false,
                    ..
                }
            )
        },
    );
    assert_eq!(
        f.detail,
        Message::MissingCenters {
            clinical: false,
            centers: vec![Center::Pathology, Center::Disinfection]
        }
    );
    let f = one_where(
        &r,
        "county.medical-community",
        "清江县",
        Severity::Violation,
        |m| matches!(m, Message::MissingCenters { clinical: true, .. }),
    );
    assert_eq!(
        f.detail,
        Message::MissingCenters {
            clinical: true,
            centers: vec![
                Center::ChronicDisease,
                Center::MinimallyInvasive,
                Center::AnesthesiaPain,
                Center::IntensiveCare
            ]
        }
    );
    assert_eq!(at(&r, "county.medical-community", "清江县").len(), 2);
}

#[test]
fn county_medical_community_fires_without_a_lead() {
    let r = medical_community(
        json!({"等级": "三级", "中心": ALL_RESOURCE}),
        json!("肿瘤防治,慢病管理,微创介入,麻醉疼痛诊疗,重症监护"),
    )
    .check();
    let f = one(
        &r,
        "county.medical-community",
        "清江县",
        Severity::Violation,
    );
    assert_eq!(f.detail, Message::NoLeadHospital);
    // Without a lead there is no referral target either.
    not_checked(&r, "county.referral");
}

// ---------------------------------------------------------------------------------------------
// county.acute-care-centers
// ---------------------------------------------------------------------------------------------

/// 清江县人民医院 at (1,000, 1,000) hosts `centers`; 近屯 (300) is 500 m from it (7.5 min),
/// 远屯 (100) 5 km (75 min), both in straight lines.
fn acute(centers: Value) -> Scene {
    county(7000.0, 2000.0)
        .point(
            json!({"名称": "清江县人民医院", "类型": "县人民医院", "中心": centers}),
            1000.0,
            1000.0,
        )
        .settlement("近屯", 300.0, 1000.0, 1500.0)
        .settlement("远屯", 100.0, 6000.0, 1000.0)
}

#[test]
fn county_acute_care_centers_fires_for_missing_and_far_centers() {
    let r = acute(json!(["胸痛中心", "卒中中心"])).check();
    let missing: Vec<Center> = at(&r, "county.acute-care-centers", "清江县")
        .into_iter()
        .filter_map(|f| match f.detail {
            Message::AcuteMissing { center } => {
                assert_eq!(f.severity, Severity::Violation);
                assert_eq!(f.source, source("county.acute-care-centers"));
                Some(center)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        missing,
        [
            Center::Trauma,
            Center::Maternal,
            Center::Neonatal,
            Center::Pediatric
        ]
    );
    for center in [Center::ChestPain, Center::Stroke] {
        let f = one_where(
            &r,
            "county.acute-care-centers",
            "清江县",
            Severity::Advisory,
            |m| matches!(m, Message::AcuteFar { center: c, .. } if *c == center),
        );
        assert_eq!(
            f.detail,
            Message::AcuteFar {
                center,
                share_within: 0.75,
                limit: 60.0
            }
        );
    }
    let s = checked(&r, "county.acute-care-centers");
    assert_eq!((s.checked, s.violations, s.advisories), (1, 4, 2));
}

#[test]
fn county_acute_care_centers_passes_when_all_are_within_reach() {
    let all = json!(
        "胸痛中心、卒中中心、创伤中心、危重孕产妇救治中心、危重新生儿救治中心、危重儿童救治中心"
    );
    // 远屯 is 75 min away: a 90-minute reach limit covers everyone.
    let params = RuleParams::parse(r#"{"acute_care_limit_min": 90}"#).unwrap();
    let r = acute(all.clone()).check_with(params);
    assert!(
        of_rule(&r, "county.acute-care-centers").is_empty(),
        "{:#?}",
        of_rule(&r, "county.acute-care-centers")
    );
    checked(&r, "county.acute-care-centers");
    // At the default 60 minutes each center is far for 远屯.
    let r = acute(all).check();
    let far = at(&r, "county.acute-care-centers", "清江县");
    assert_eq!(far.len(), 6);
    assert!(far
        .iter()
        .all(|f| matches!(f.detail, Message::AcuteFar { .. })));
}

// ---------------------------------------------------------------------------------------------
// county.referral
// ---------------------------------------------------------------------------------------------

/// The lead hospital in 东镇 at (500, 1,100), 100 m off road R1 (y = 1,000); township health
/// centers 100 m off R1 at x = 2,500 (东镇) and 5,500 (西镇); 北乡's 100 m off road R2
/// (y = 2,500), joined to R1 at x = 3,000 only when `connected`.
fn referral(connected: bool) -> Scene {
    let mut s = county(6000.0, 3000.0)
        .admin("东镇", "镇", [0.0, 0.0, 3000.0, 2000.0])
        .admin("西镇", "镇", [3000.0, 0.0, 6000.0, 2000.0])
        .admin("北乡", "乡", [0.0, 2000.0, 6000.0, 3000.0])
        .road(&[(0.0, 1000.0), (3000.0, 1000.0), (6000.0, 1000.0)])
        .road(&[(0.0, 2500.0), (3000.0, 2500.0), (6000.0, 2500.0)])
        .point(
            json!({"名称": "清江县人民医院", "类型": "县人民医院", "lead": "yes", "grade": 2}),
            500.0,
            1100.0,
        )
        .facility("东镇卫生院", "乡镇卫生院", 2500.0, 900.0)
        .facility("西镇卫生院", "乡镇卫生院", 5500.0, 900.0)
        .facility("北乡卫生院", "乡镇卫生院", 3000.0, 2600.0);
    if connected {
        s = s.road(&[(3000.0, 1000.0), (3000.0, 2500.0)]);
    }
    s
}

#[test]
fn county_referral_fires_for_an_unreachable_center_and_reports_times() {
    let r = referral(false).check();
    let f = one(&r, "county.referral", "北乡卫生院", Severity::Violation);
    assert_eq!(f.detail, Message::ReferralUnreachable);
    // 东镇: 1.5 + 2,000 m (24 min) + 1.5 = 27 min; 西镇: 1.5 + 5,000 m (60 min) + 1.5 = 63 min.
    let f = one(&r, "county.referral", "清江县", Severity::Advisory);
    match &f.detail {
        Message::ReferralTimes {
            max_minutes,
            mean_minutes,
            farthest,
        } => {
            assert_close(*max_minutes, 63.0);
            assert_close(*mean_minutes, 45.0);
            assert_eq!(farthest.len(), 2);
            assert_eq!(farthest[0].0, "清江县 / 西镇 / 西镇卫生院");
            assert_close(farthest[0].1, 63.0);
            assert_eq!(farthest[1].0, "清江县 / 东镇 / 东镇卫生院");
            assert_close(farthest[1].1, 27.0);
        }
        other => panic!("{other:?}"),
    }
    let s = checked(&r, "county.referral");
    assert_eq!((s.checked, s.violations, s.advisories), (3, 1, 1));
}

#[test]
fn county_referral_passes_when_every_center_reaches_the_lead_hospital() {
    let r = referral(true).check();
    none(&r, "county.referral", "北乡卫生院");
    // 北乡: 1.5 + 1,500 m up R3 (18 min) + 2,500 m along R1 (30 min) + 1.5 = 51 min.
    let f = one(&r, "county.referral", "清江县", Severity::Advisory);
    let Message::ReferralTimes {
        max_minutes,
        farthest,
        ..
    } = &f.detail
    else {
        panic!("{f:#?}")
    };
    assert_close(*max_minutes, 63.0);
    assert_eq!(farthest.len(), 3);
    assert_eq!(last(&farthest[1].0), "北乡卫生院");
    assert_close(farthest[1].1, 51.0);
    assert_eq!(checked(&r, "county.referral").violations, 0);
}

// ---------------------------------------------------------------------------------------------
// planning.elderly-care
// ---------------------------------------------------------------------------------------------

fn elderly() -> Scene {
    county(6000.0, 3000.0)
        .admin("东镇", "镇", [0.0, 0.0, 3000.0, 3000.0])
        .admin("西镇", "镇", [3000.0, 0.0, 6000.0, 3000.0])
        .facility("东镇卫生院", "乡镇卫生院", 1000.0, 1000.0)
        .facility("东镇敬老院", "养老机构", 1000.0, 1400.0)
        .facility("西镇卫生院", "乡镇卫生院", 4000.0, 1000.0)
        .facility("西镇养老院", "elderly_care", 4000.0, 1800.0)
}

#[test]
fn planning_elderly_care_advises_where_no_home_is_adjacent() {
    let r = elderly().check();
    // 800 m from 西镇卫生院 to 西镇养老院.
    let f = one(
        &r,
        "planning.elderly-care",
        "西镇卫生院",
        Severity::Advisory,
    );
    match &f.detail {
        Message::ElderlyNotAdjacent {
            distance_m,
            limit_m,
        } => {
            assert_close_opt(*distance_m, 800.0);
            assert_eq!(*limit_m, 500.0);
        }
        other => panic!("{other:?}"),
    }
    let s = checked(&r, "planning.elderly-care");
    assert_eq!((s.checked, s.advisories), (2, 1));
    // No elderly care facility at all.
    let r = county(2000.0, 2000.0)
        .facility("东镇卫生院", "乡镇卫生院", 1000.0, 1000.0)
        .check();
    let f = one(
        &r,
        "planning.elderly-care",
        "东镇卫生院",
        Severity::Advisory,
    );
    assert_eq!(
        f.detail,
        Message::ElderlyNotAdjacent {
            distance_m: None,
            limit_m: 500.0
        }
    );
}

#[test]
fn planning_elderly_care_passes_with_a_home_within_the_distance() {
    let r = elderly().check();
    // 400 m.
    none(&r, "planning.elderly-care", "东镇卫生院");
    checked(&r, "planning.elderly-care");
    let params = RuleParams::parse("elderly_adjacent_m = 1000.0").unwrap();
    let r = elderly().check_with(params);
    assert!(of_rule(&r, "planning.elderly-care").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Rules without data, the catalog, parameters
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_without_their_data_are_not_checked() {
    let r = Scene::on(plane())
        .facility("卫生室", "村卫生室", 0.0, 0.0)
        .settlement("屯", 100.0, 0.0, 500.0)
        .check();
    let ids: Vec<&str> = r.rules.iter().map(|s| s.rule.as_str()).collect();
    let catalog: Vec<&str> = CATALOG.iter().map(|c| c.id).collect();
    assert_eq!(ids, catalog, "every rule, in catalog order");
    for s in &r.rules {
        assert_eq!(s.source, source(&s.rule));
    }
    assert_eq!(checked(&r, "reach.15min").checked, 1);
    for rule in &catalog[1..] {
        not_checked(&r, rule);
    }
    assert!(r.findings.is_empty(), "{:#?}", r.findings);

    // Townships only: the village, urban and county-community rules still have no data.
    let r = townships()
        .facility("东镇卫生院", "乡镇卫生院", 1000.0, 1500.0)
        .check();
    checked(&r, "township.health-center");
    checked(&r, "township.central-center");
    checked(&r, "planning.elderly-care");
    for rule in [
        "township.merged",
        "village.clinic",
        "village.duplicate-clinics",
        "village.special-areas",
        "subdistrict.health-center",
        "subdistrict.large",
        "community.station",
        "county.medical-community",
        "county.acute-care-centers",
        "county.referral",
        "reach.15min",
    ] {
        not_checked(&r, rule);
    }
}

#[test]
fn rule_params_parse_toml_and_json_and_reject_unknown_keys() {
    let p = RuleParams::parse(
        "small_village_population = 500\nacute_care_limit_min = 45.5\ncentral_max = 3\n",
    )
    .unwrap();
    assert_eq!(p.small_village_population, 500.0);
    assert_eq!(p.acute_care_limit_min, 45.5);
    assert_eq!(p.central_max, 3);
    assert_eq!(p.elderly_adjacent_m, 500.0, "missing keys keep defaults");
    let p = RuleParams::parse(r#" {"target_share": 0.95, "community_large_population": 8000}"#)
        .unwrap();
    assert_eq!(p.target_share, 0.95);
    assert_eq!(p.community_large_population, 8000.0);
    assert_eq!(RuleParams::parse("").unwrap(), RuleParams::default());
    assert!(RuleParams::parse("small_village = 500").is_err());
    assert!(RuleParams::parse(r#"{"no_such_rule": 1}"#).is_err());
    assert!(RuleParams::parse("target_share = 1.5").is_err());
    assert!(RuleParams::parse("central_min = 3").is_err(), "min > max");
    assert!(RuleParams::parse("elderly_adjacent_m = 0").is_err());
    // An analysis refuses unusable parameters.
    let options = Options {
        rules: RuleParams {
            small_village_population: -1.0,
            ..RuleParams::default()
        },
        ..Options::default()
    };
    assert!(matches!(
        check(&villages(1700.0).dataset(), &options),
        Err(AnalysisError::BadRules(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// Codes, parents and population sources
// ---------------------------------------------------------------------------------------------

#[test]
fn levels_from_codes_and_parents_from_prefixes_or_containment() {
    let r = Scene::on(plane())
        // No `level` anywhere: levels come from the codes.
        .unit(
            json!({"name": "清江县", "code": "500236"}),
            0.0,
            0.0,
            6000.0,
            3000.0,
        )
        .unit(
            json!({"name": "东镇", "统计用区划代码": "500236105000", "常住人口": 20000}),
            0.0,
            0.0,
            3000.0,
            3000.0,
        )
        .unit(
            json!({"name": "西乡", "区划代码": "500236201"}),
            3000.0,
            0.0,
            6000.0,
            3000.0,
        )
        // 甲村 lies inside 西乡 but its code puts it under 东镇.
        .unit(
            json!({"name": "甲村", "code": "500236105201"}),
            3000.0,
            0.0,
            4500.0,
            1500.0,
        )
        // 乙村 has no code: its parent is the township containing it.
        .unit(
            json!({"name": "乙村", "level": "行政村"}),
            4500.0,
            0.0,
            6000.0,
            1500.0,
        )
        // 城关街道 lies outside the county polygon but its code puts it in the county.
        .unit(
            json!({"name": "城关街道", "adcode": "500236001000"}),
            6000.0,
            0.0,
            8000.0,
            3000.0,
        )
        .unit(
            json!({"name": "河滨社区", "code": "500236001003"}),
            6000.0,
            0.0,
            7000.0,
            1500.0,
        )
        .settlement("甲屯", 400.0, 3500.0, 700.0)
        .settlement("乙屯", 500.0, 5000.0, 700.0)
        .settlement("西屯", 300.0, 4500.0, 2500.0)
        .facility("卫生室", "村卫生室", 3600.0, 700.0)
        .check();
    let idx = |n: &str| unit_index(&r, n);
    let row = |n: &str| &r.admin[idx(n)];
    let expect = [
        ("清江县", Level::County, None),
        ("东镇", Level::Township, Some("清江县")),
        ("西乡", Level::Township, Some("清江县")),
        ("甲村", Level::Village, Some("东镇")),
        ("乙村", Level::Village, Some("西乡")),
        ("城关街道", Level::Subdistrict, Some("清江县")),
        ("河滨社区", Level::Community, Some("城关街道")),
    ];
    for (name, level, parent) in expect {
        assert_eq!(row(name).level, Some(level), "{name}");
        assert_eq!(row(name).parent, parent.map(idx), "{name}");
    }
    assert_eq!(row("西乡").code.as_deref(), Some("500236201000"));
    // Population: given, or summed from the settlements below (甲屯 counts for 东镇's tree).
    let pop = |n: &str| (row(n).unit_population, row(n).population_source);
    assert_eq!(pop("东镇"), (20000.0, PopulationSource::Given));
    assert_eq!(pop("西乡"), (800.0, PopulationSource::Settlements));
    assert_eq!(pop("甲村"), (400.0, PopulationSource::Settlements));
    assert_eq!(pop("乙村"), (500.0, PopulationSource::Settlements));
    assert_eq!(pop("清江县"), (1200.0, PopulationSource::Settlements));
    assert_eq!(pop("城关街道"), (0.0, PopulationSource::None));
    // The rules follow the code hierarchy: 甲村 and its clinic are 东镇's.
    none(&r, "village.clinic", "甲村");
    let f = one(&r, "village.clinic", "乙村", Severity::Violation);
    assert_eq!(f.place, "清江县 / 西乡 / 乙村");
    assert_eq!(
        one(&r, "township.health-center", "东镇", Severity::Violation).place,
        "清江县 / 东镇"
    );
    assert_eq!(
        one(
            &r,
            "subdistrict.health-center",
            "城关街道",
            Severity::Violation
        )
        .place,
        "清江县 / 城关街道"
    );
}
