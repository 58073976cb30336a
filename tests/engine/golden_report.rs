//! The golden report of the demo county: every rule's status and every finding (rule,
//! severity, place, message, suggestion, clause) in drive mode, compared with
//! `tests/golden/county_drive.json`. When the output changes on purpose, regenerate it with
//! `MEDREACH_BLESS=1 cargo test --test engine golden_report` and review the diff before
//! committing.

use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::dataset::Dataset;
use medreach::engine::network::Mode;
use medreach::engine::rules::Message;
use serde_json::{json, Value};

fn county_data() -> Dataset {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/county");
    let mut data = Dataset::default();
    for name in ["roads", "facilities", "settlements", "admin"] {
        let path = format!("{dir}/{name}.geojson");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let loaded = data.load(&format!("{name}.geojson"), &text).unwrap();
        assert!(
            loaded.layers.skipped.is_empty(),
            "{name}: {:?}",
            loaded.layers.skipped
        );
    }
    data
}

fn county_report() -> Value {
    let report = check(
        &county_data(),
        &Options {
            mode: Mode::Drive,
            ..Options::default()
        },
    )
    .unwrap();
    let round = |x: f64| (x * 1e6).round() / 1e6;
    json!({
        "mode": report.mode,
        "limit_min": report.limit_min,
        "share_within_limit": report.summary.share_within_limit.map(round),
        "population_total": round(report.summary.population_total),
        "rules": report.rules,
        "findings": report.findings.iter().map(|f| json!({
            "rule": f.rule,
            "severity": f.severity,
            "place": f.place,
            "message": f.message,
            "suggestion": f.suggestion,
            "source": f.source,
            "special_area": f.special_area,
        })).collect::<Vec<_>>(),
        "referral": report.referral.iter().map(|r| json!({
            "from": r.from_name,
            "to": r.to_name,
            "lead": r.to_lead,
            "minutes": r.minutes.map(round),
            "km": r.km.map(round),
            "path_points": r.path.len(),
        })).collect::<Vec<_>>(),
    })
}

#[test]
fn the_referral_table_drives_in_a_walking_analysis_and_agrees_with_the_rule() {
    let report = check(&county_data(), &Options::default()).unwrap();
    assert_eq!(report.mode, Mode::Walk);
    let rule = report
        .findings
        .iter()
        .find_map(|f| match &f.detail {
            Message::ReferralTimes { times, mode, .. } => Some((times.clone(), *mode)),
            _ => None,
        })
        .expect("the referral finding");
    assert_eq!(rule.1, Mode::Drive);
    let to_lead: Vec<_> = report.referral.iter().filter(|r| r.to_lead).collect();
    // Every township health center (13) and the community health service centers.
    assert!(to_lead.len() > rule.0.len(), "{}", to_lead.len());
    for (place, minutes) in &rule.0 {
        let row = to_lead
            .iter()
            .find(|r| place.ends_with(r.from_name.as_deref().unwrap_or("?")))
            .unwrap_or_else(|| panic!("{place} has no row"));
        assert_eq!(row.mode, Mode::Drive);
        assert!((row.minutes.unwrap() - minutes).abs() < 1e-9, "{place}");
        assert!(row.km.unwrap() > 0.0 && row.path.len() >= 2, "{place}");
    }
    // The county-level hospitals are rows too.
    assert!(report.referral.iter().any(|r| !r.to_lead));
}

#[test]
fn demo_county_report_is_golden() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/county_drive.json"
    );
    let got = serde_json::to_string_pretty(&county_report()).unwrap() + "\n";
    if std::env::var("MEDREACH_BLESS").is_ok() {
        std::fs::write(path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        got == want,
        "the demo county's report changed; review and regenerate with \
         MEDREACH_BLESS=1 cargo test --test engine golden_report"
    );
}

#[test]
fn every_rule_is_checked_and_fires_on_the_demo_county() {
    let report = county_report();
    let rules = report["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 14);
    for r in rules {
        assert!(r["not_checked"].is_null(), "{r}");
        let found = r["violations"].as_u64().unwrap() + r["advisories"].as_u64().unwrap();
        assert!(found > 0, "{} finds nothing on the demo county", r["rule"]);
        assert!(r["checked"].as_u64().unwrap() >= 1, "{r}");
    }
}
