//! The urban rules: `subdistrict.health-center`, `subdistrict.large` and `community.station`.

use super::county;
use crate::support::geojson::Scene;
use crate::support::report::{assert_close_opt, checked, none, of_rule, one};
use medreach::engine::rules::{Message, RuleParams, Severity};
use serde_json::json;

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
