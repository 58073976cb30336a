//! The village rules: `village.clinic` (with small and special-area villages),
//! `village.duplicate-clinics` and `village.special-areas`.

use super::county;
use crate::support::geojson::Scene;
use crate::support::report::{
    assert_close_opt, checked, none, not_checked, of_rule, one, unit_index,
};
use medreach::engine::model::AreaFlag;
use medreach::engine::rules::{Message, RuleParams, Severity};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// village.clinic
// ---------------------------------------------------------------------------------------------

/// Four villages in a row in 东镇, no roads (straight lines at 4 km/h):
/// 甲村 (1,500) with a clinic at `clinic_x`; 乙村 (800 residents in one settlement at x =
/// 2,300, no clinic); 丙村 (1,200) where the township health center stands; 丁村 (1,500),
/// nothing.
pub(super) fn villages(clinic_x: f64) -> Scene {
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
