//! The county rules: `county.medical-community`, `county.acute-care-centers` and `county.referral`.

use super::county;
use crate::support::geojson::Scene;
use crate::support::report::{
    assert_close, at, checked, last, none, not_checked, of_rule, one, one_where, source, status,
};
use medreach::engine::model::Center;
use medreach::engine::network::Mode;
use medreach::engine::rules::{LeadProblem, Message, RuleParams, Severity};
use serde_json::{json, Value};

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
                limit: 60.0,
                mode: Mode::Drive,
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

/// The rule parameters with patients transferred on foot (the arithmetic below is walking's).
fn on_foot() -> RuleParams {
    RuleParams {
        referral_mode: Mode::Walk,
        ..RuleParams::default()
    }
}

#[test]
fn county_referral_is_judged_by_car_whatever_the_residents_mode() {
    // The analysis walks (the default mode); the transfer drives at 25 km/h on residential
    // roads: 东镇 1.5 + 2,000 m (4.8 min) + 1.5 = 7.8 min; 西镇 1.5 + 5,000 m (12 min) + 1.5 = 15.
    let r = referral(false).check();
    assert_eq!(r.mode, Mode::Walk);
    let f = one(&r, "county.referral", "清江县", Severity::Advisory);
    let Message::ReferralTimes { times, mode, .. } = &f.detail else {
        panic!("{f:#?}")
    };
    assert_eq!(*mode, Mode::Drive);
    assert_eq!(times.len(), 2);
    assert_close(times[0].1, 15.0);
    assert_close(times[1].1, 7.8);
    assert!(f.message.contains("by car"), "{}", f.message);
    assert_eq!(checked(&r, "county.referral").mode, Some(Mode::Drive));
    assert_eq!(status(&r, "reach.15min").mode, Some(Mode::Walk));
    assert_eq!(status(&r, "village.duplicate-clinics").mode, None);
    // Judged on foot when the parameter says so.
    let r = referral(false).check_with(on_foot());
    assert_eq!(checked(&r, "county.referral").mode, Some(Mode::Walk));
}

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
    let r = referral(false).check_with(on_foot());
    let f = one(&r, "county.referral", "北乡卫生院", Severity::Violation);
    assert_eq!(f.detail, Message::ReferralUnreachable { mode: Mode::Walk });
    // 东镇: 1.5 + 2,000 m (24 min) + 1.5 = 27 min; 西镇: 1.5 + 5,000 m (60 min) + 1.5 = 63 min.
    let f = one(&r, "county.referral", "清江县", Severity::Advisory);
    match &f.detail {
        Message::ReferralTimes {
            max_minutes,
            mean_minutes,
            times,
            mode,
        } => {
            assert_eq!(*mode, Mode::Walk);
            assert_close(*max_minutes, 63.0);
            assert_close(*mean_minutes, 45.0);
            assert_eq!(times.len(), 2);
            assert_eq!(times[0].0, "清江县 / 西镇 / 西镇卫生院");
            assert_close(times[0].1, 63.0);
            assert_eq!(times[1].0, "清江县 / 东镇 / 东镇卫生院");
            assert_close(times[1].1, 27.0);
        }
        other => panic!("{other:?}"),
    }
    let s = checked(&r, "county.referral");
    assert_eq!((s.checked, s.violations, s.advisories), (3, 1, 1));
}

#[test]
fn county_referral_passes_when_every_center_reaches_the_lead_hospital() {
    let r = referral(true).check_with(on_foot());
    none(&r, "county.referral", "北乡卫生院");
    // 北乡: 1.5 + 1,500 m up R3 (18 min) + 2,500 m along R1 (30 min) + 1.5 = 51 min.
    let f = one(&r, "county.referral", "清江县", Severity::Advisory);
    let Message::ReferralTimes {
        max_minutes, times, ..
    } = &f.detail
    else {
        panic!("{f:#?}")
    };
    assert_close(*max_minutes, 63.0);
    // Every center, not only the farthest three.
    assert_eq!(times.len(), 3);
    assert_eq!(last(&times[1].0), "北乡卫生院");
    assert_close(times[1].1, 51.0);
    assert_eq!(checked(&r, "county.referral").violations, 0);
}
