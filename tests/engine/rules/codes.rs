//! Admin levels from statistical codes, parents from code prefixes or containment, and population
//! sources.

use super::plane;
use crate::support::geojson::Scene;
use crate::support::report::{none, one, unit_index};
use medreach::engine::admin::PopulationSource;
use medreach::engine::model::{Level, UnitId};
use medreach::engine::rules::Severity;
use serde_json::json;

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
        assert_eq!(row(name).parent, parent.map(|p| UnitId(idx(p))), "{name}");
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
