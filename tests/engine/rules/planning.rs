//! `planning.elderly-care`: an elderly care facility beside each township health center.

use super::county;
use crate::support::geojson::Scene;
use crate::support::report::{assert_close_opt, checked, none, of_rule, one};
use medreach::engine::rules::{Message, RuleParams, Severity};

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
