//! `reach.15min`: who is beyond the limit (settlements, units, area).

use super::county;
use crate::support::geojson::Scene;
use crate::support::report::{assert_close_opt, checked, none, of_rule, one};
use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::rules::{Message, RuleParams, Severity};

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
