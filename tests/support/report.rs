//! Reading a report in assertions: the findings of a rule at a place, a rule's status, and
//! numbers equal up to rounding.

use medreach::engine::report::Report;
use medreach::engine::rules::{Finding, Message, RuleStatus, Severity};

/// The catalog clause of each rule, as `RULES.md` cites it.
pub fn source(rule: &str) -> &'static str {
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
pub fn last(place: &str) -> &str {
    place.rsplit(" / ").next().unwrap_or(place)
}

/// Findings of `rule` whose place is `place` (the unit, facility or settlement named last).
pub fn at<'a>(r: &'a Report, rule: &str, place: &str) -> Vec<&'a Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule && last(&f.place) == place)
        .collect()
}

pub fn of_rule<'a>(r: &'a Report, rule: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

/// The one finding of `rule` at `place` whose detail matches `which`, checked for severity and
/// source.
pub fn one_where<'a>(
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
pub fn one<'a>(r: &'a Report, rule: &str, place: &str, severity: Severity) -> &'a Finding {
    assert_eq!(
        at(r, rule, place).len(),
        1,
        "expected exactly one {rule} finding at {place}: {:#?}",
        of_rule(r, rule)
    );
    one_where(r, rule, place, severity, |_| true)
}

/// No finding of `rule` at `place`.
pub fn none(r: &Report, rule: &str, place: &str) {
    let found = at(r, rule, place);
    assert!(found.is_empty(), "unexpected {rule} at {place}: {found:#?}");
}

pub fn status<'a>(r: &'a Report, rule: &str) -> &'a RuleStatus {
    r.rules
        .iter()
        .find(|s| s.rule == rule)
        .unwrap_or_else(|| panic!("no status for {rule}: {:#?}", r.rules))
}

/// The rule was checked: not "not checked", with places checked.
pub fn checked<'a>(r: &'a Report, rule: &str) -> &'a RuleStatus {
    let s = status(r, rule);
    assert_eq!(s.not_checked, None, "{rule} not checked");
    assert!(s.checked > 0, "{rule} checked nothing");
    assert_eq!(s.source, source(rule));
    s
}

pub fn not_checked(r: &Report, rule: &str) {
    let s = status(r, rule);
    assert!(s.not_checked.is_some(), "{rule} was checked: {s:?}");
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[track_caller]
pub fn assert_close(a: f64, b: f64) {
    assert!(close(a, b), "{a} != {b}");
}

#[track_caller]
pub fn assert_close_opt(a: Option<f64>, b: f64) {
    match a {
        Some(a) => assert_close(a, b),
        None => panic!("None != {b}"),
    }
}

pub fn unit_index(r: &Report, name: &str) -> usize {
    r.admin
        .iter()
        .position(|a| a.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no unit {name}"))
}
