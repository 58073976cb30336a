//! The township rules: `township.health-center`, `township.merged` and `township.central-center`.

use super::county;
use crate::support::geojson::Scene;
use crate::support::report::{assert_close_opt, at, checked, none, of_rule, one, one_where};
use medreach::engine::rules::{Message, RuleParams, Severity};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// township.health-center
// ---------------------------------------------------------------------------------------------

pub(super) fn townships() -> Scene {
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
