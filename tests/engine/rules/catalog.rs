//! Rules without their data are not checked; the catalog; the rule parameters.

use super::plane;
use super::township::townships;
use super::village::villages;
use crate::support::geojson::Scene;
use crate::support::report::{checked, not_checked, source};
use medreach::app::analysis::check;
use medreach::app::options::{AnalysisError, Options};
use medreach::engine::rules::{RuleParams, CATALOG};

// ---------------------------------------------------------------------------------------------
// Rules without data, the catalog, parameters
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_without_their_data_are_not_checked() {
    let r = Scene::on(plane())
        .facility("卫生室", "村卫生室", 0.0, 0.0)
        .settlement("屯", 100.0, 0.0, 500.0)
        .check();
    let ids: Vec<&str> = r.rules.iter().map(|s| s.rule.id()).collect();
    let catalog: Vec<&str> = CATALOG.iter().map(|c| c.id.id()).collect();
    assert_eq!(ids, catalog, "every rule, in catalog order");
    for s in &r.rules {
        assert_eq!(s.source, source(s.rule.id()));
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
