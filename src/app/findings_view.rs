//! The findings as the page's panel lists them: filtered by severity, rule and place, grouped
//! by rule or by township, and which groups start open. Plain data over a [`Report`]; the
//! panel (`ui::findings`) only draws it.
//!
//! A group by township holds every finding about a unit in it: the township (or sub-district)
//! is found by the unit's id through the report's admin rows and their parent links, never by
//! reading the place's name.

use crate::engine::model::UnitId;
use crate::engine::report::{AdminRow, Report};
use crate::engine::rules::{Finding, Missing, RuleId, Severity};
use std::collections::HashMap;

/// Findings listed in one group at most; its count is over all of them.
pub const SHOWN_PER_GROUP: usize = 200;
/// Findings listed at once in the groups that start open.
pub const OPEN_BUDGET: usize = 1_000;

/// The panel's filters; empty ones let everything through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Only this severity.
    pub severity: Option<Severity>,
    /// Only this rule.
    pub rule: Option<RuleId>,
    /// Only places whose name contains this text (trimmed).
    pub place: String,
}

impl Filter {
    /// Whether `f` passes.
    pub fn matches(&self, f: &Finding) -> bool {
        self.severity.is_none_or(|s| f.severity == s)
            && self.rule.is_none_or(|r| f.rule == r)
            && (self.place.is_empty() || f.place.contains(self.place.trim()))
    }
}

/// How the findings are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// One group per rule, in the catalog's order.
    #[default]
    Rule,
    /// One group per township (or sub-district), in the order of the findings.
    Township,
}

/// What a group gathers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupKey {
    /// The findings of this rule.
    Rule(RuleId),
    /// The findings about units in this township-level unit (`None`: about no unit, e.g. the
    /// planning area).
    Unit(Option<UnitId>),
}

/// One group of the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// What it gathers.
    pub key: GroupKey,
    /// The place it is about ("county / township"), for a group by township; the rule id for a
    /// group by rule.
    pub name: String,
    /// The findings in it (indices in the report's findings), in report order.
    pub findings: Vec<usize>,
    /// Whether it starts open (its listed findings fit in what is left of [`OPEN_BUDGET`]).
    pub open_at_first: bool,
}

impl Group {
    /// The findings it lists: the first [`SHOWN_PER_GROUP`].
    pub fn listed(&self) -> &[usize] {
        &self.findings[..self.findings.len().min(SHOWN_PER_GROUP)]
    }

    /// Whether it holds more findings than it lists.
    pub fn is_cut(&self) -> bool {
        self.findings.len() > SHOWN_PER_GROUP
    }
}

/// The findings of `report` that pass `filter`, grouped `by`, with the groups that start
/// open: groups open while their listed findings fit in the budget; from the first that does
/// not, the rest start closed (they build their lists when opened), so a province's thousands
/// of townships do not put tens of thousands of findings in the page at once.
pub fn groups(report: &Report, filter: &Filter, by: GroupBy) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<GroupKey, usize> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        if !filter.matches(f) {
            continue;
        }
        let key = match by {
            GroupBy::Rule => GroupKey::Rule(f.rule),
            GroupBy::Township => GroupKey::Unit(f.unit.map(|u| township_of(&report.admin, u))),
        };
        let g = *index.entry(key.clone()).or_insert_with(|| {
            let name = match &key {
                GroupKey::Rule(rule) => rule.id().to_string(),
                GroupKey::Unit(Some(u)) => path_name(&report.admin, *u),
                GroupKey::Unit(None) => f.place.clone(),
            };
            groups.push(Group {
                key,
                name,
                findings: Vec::new(),
                open_at_first: false,
            });
            groups.len() - 1
        });
        groups[g].findings.push(i);
    }
    if by == GroupBy::Rule {
        groups.sort_by_key(|g| match g.key {
            GroupKey::Rule(rule) => Some(rule),
            GroupKey::Unit(_) => None,
        });
    }
    let mut budget = OPEN_BUDGET;
    for g in &mut groups {
        let listed = g.listed().len();
        g.open_at_first = listed <= budget;
        budget = if g.open_at_first { budget - listed } else { 0 };
    }
    groups
}

/// Violations and advisories in the whole report (whatever the filters).
pub fn counts(report: &Report) -> (usize, usize) {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    (count(Severity::Violation), count(Severity::Advisory))
}

/// The rules that could not be checked, and what they missed.
pub fn not_checked(report: &Report) -> Vec<(RuleId, Missing)> {
    report
        .rules
        .iter()
        .filter_map(|st| st.missing.map(|m| (st.rule, m)))
        .collect()
}

/// The township-level unit `unit` is in (or is): the nearest township or sub-district above
/// it; when the levels are not known, the unit just below the top one, as place names read
/// (`county / township / village`). A unit without a parent is its own.
pub fn township_of(admin: &[AdminRow], unit: UnitId) -> UnitId {
    let chain = ancestors(admin, unit);
    if let Some(&t) = chain.iter().find(|&&u| {
        admin
            .get(u.index())
            .and_then(|r| r.level)
            .is_some_and(|l| l.tier() == 1)
    }) {
        return t;
    }
    chain[chain.len().saturating_sub(2)]
}

/// The unit's name with its ancestors', e.g. `某县 / 某镇`, as the findings name places.
pub fn path_name(admin: &[AdminRow], unit: UnitId) -> String {
    let mut names: Vec<String> = ancestors(admin, unit)
        .into_iter()
        .map(|u| {
            let row = admin.get(u.index());
            row.and_then(|r| r.name.clone().or_else(|| r.code.clone()))
                .unwrap_or_else(|| format!("unit #{u}"))
        })
        .collect();
    names.reverse();
    names.join(" / ")
}

/// `unit` and the units above it, nearest first (`unit` alone when it has no row).
fn ancestors(admin: &[AdminRow], unit: UnitId) -> Vec<UnitId> {
    let mut chain = vec![unit];
    let mut cur = admin.get(unit.index()).and_then(|r| r.parent);
    // Parent links form a tree; the bound only guards against a defect looping forever.
    while let Some(u) = cur.filter(|&u| u.index() < admin.len() && chain.len() <= admin.len()) {
        chain.push(u);
        cur = admin[u.index()].parent;
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::analysis::check;
    use crate::app::options::Options;
    use crate::engine::dataset::Dataset;
    use crate::engine::model::Level;
    use std::sync::OnceLock;

    /// The page's default demo, the county, walking 15 minutes.
    fn county() -> &'static Report {
        static REPORT: OnceLock<Report> = OnceLock::new();
        REPORT.get_or_init(|| {
            let mut data = Dataset::default();
            for (name, text) in [
                ("roads", include_str!("../../demo/county/roads.geojson")),
                (
                    "facilities",
                    include_str!("../../demo/county/facilities.geojson"),
                ),
                (
                    "settlements",
                    include_str!("../../demo/county/settlements.geojson"),
                ),
                ("admin", include_str!("../../demo/county/admin.geojson")),
            ] {
                data.load(name, text).unwrap();
            }
            check(&data, &Options::default()).unwrap()
        })
    }

    /// How the panel grouped by township before: by the first two parts of the place's name.
    fn by_place_name(report: &Report) -> Vec<(String, Vec<usize>)> {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, f) in report.findings.iter().enumerate() {
            let key = f.place.split(" / ").take(2).collect::<Vec<_>>().join(" / ");
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(i),
                None => groups.push((key, vec![i])),
            }
        }
        groups
    }

    #[test]
    fn grouping_by_township_through_the_units_reads_as_the_place_names_did() {
        let report = county();
        let groups = groups(report, &Filter::default(), GroupBy::Township);
        let by_id: Vec<(String, Vec<usize>)> = groups
            .iter()
            .map(|g| (g.name.clone(), g.findings.clone()))
            .collect();
        assert!(by_id.len() > 3, "{by_id:?}");
        assert_eq!(by_id, by_place_name(report));
    }

    #[test]
    fn a_township_group_holds_the_findings_about_units_in_it() {
        let report = county();
        for g in groups(report, &Filter::default(), GroupBy::Township) {
            let GroupKey::Unit(Some(t)) = g.key else {
                continue;
            };
            assert!(
                report.admin[t.index()]
                    .level
                    .is_some_and(|l| l == Level::County || l.tier() == 1),
                "{}",
                g.name
            );
            for &i in &g.findings {
                let u = report.findings[i].unit.unwrap();
                assert_eq!(township_of(&report.admin, u), t);
            }
        }
    }

    #[test]
    fn groups_by_rule_follow_the_catalog() {
        let report = county();
        let groups = groups(report, &Filter::default(), GroupBy::Rule);
        let positions: Vec<usize> = groups
            .iter()
            .map(|g| RuleId::ALL.iter().position(|r| r.id() == g.name).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        let total: usize = groups.iter().map(|g| g.findings.len()).sum();
        assert_eq!(total, report.findings.len());
        for g in &groups {
            assert_eq!(g.key, GroupKey::Rule(RuleId::parse(&g.name).unwrap()));
            assert!(g
                .findings
                .iter()
                .all(|&i| report.findings[i].rule == g.name));
        }
    }

    #[test]
    fn filters_by_severity_rule_and_place() {
        let report = county();
        let all = report.findings.len();
        let (violations, advisories) = counts(report);
        assert_eq!(violations + advisories, all);
        assert!(violations > 0 && advisories > 0);
        let listed = |filter: Filter| -> Vec<usize> {
            let mut v: Vec<usize> = groups(report, &filter, GroupBy::Rule)
                .into_iter()
                .flat_map(|g| g.findings)
                .collect();
            v.sort();
            v
        };
        let severity = Filter {
            severity: Some(Severity::Advisory),
            ..Filter::default()
        };
        assert_eq!(listed(severity).len(), advisories);
        let rule = Filter {
            rule: Some(RuleId::Reach15Min),
            ..Filter::default()
        };
        let reach = listed(rule);
        assert!(!reach.is_empty());
        assert!(reach
            .iter()
            .all(|&i| report.findings[i].rule == "reach.15min"));
        // The place text is trimmed; a name part picks the findings whose place contains it.
        let first = &report.findings[reach[0]].place;
        let part = first.split(" / ").last().unwrap().to_string();
        let place = listed(Filter {
            place: format!("  {part} "),
            ..Filter::default()
        });
        assert!(place.contains(&reach[0]));
        assert!(place
            .iter()
            .all(|&i| report.findings[i].place.contains(&part)));
        assert!(listed(Filter {
            place: "no such place".into(),
            ..Filter::default()
        })
        .is_empty());
        assert_eq!(
            listed(Filter {
                place: "   ".into(),
                ..Filter::default()
            })
            .len(),
            all
        );
        // Filters combine.
        let both = listed(Filter {
            severity: Some(Severity::Advisory),
            rule: Some(RuleId::Reach15Min),
            place: String::new(),
        });
        assert!(both.is_empty(), "reach.15min only gives violations");
    }

    #[test]
    fn groups_open_while_their_listed_findings_fit_in_the_budget() {
        // 7 groups of 300 findings (200 listed each), then one of 10.
        let mut report = county().clone();
        let template = report.findings[0].clone();
        report.findings = (0..2_110)
            .map(|i| Finding {
                place: format!("place {}", i.min(2_100) / 300),
                unit: None,
                ..template.clone()
            })
            .collect();
        let groups = groups(&report, &Filter::default(), GroupBy::Township);
        let sizes: Vec<(usize, usize, bool, bool)> = groups
            .iter()
            .map(|g| {
                (
                    g.findings.len(),
                    g.listed().len(),
                    g.is_cut(),
                    g.open_at_first,
                )
            })
            .collect();
        // Unit-less findings are one group, named by the first one's place.
        assert_eq!(sizes, vec![(2_110, 200, true, true)]);
        assert_eq!(groups[0].name, "place 0");

        let units = report.admin.len();
        assert!(units >= 8);
        for (i, f) in report.findings.iter_mut().enumerate() {
            f.unit = Some(UnitId(i.min(2_100) / 300));
        }
        for row in &mut report.admin {
            row.parent = None;
        }
        let groups = super::groups(&report, &Filter::default(), GroupBy::Township);
        let open: Vec<(usize, usize, bool)> = groups
            .iter()
            .map(|g| (g.findings.len(), g.listed().len(), g.open_at_first))
            .collect();
        assert_eq!(
            open,
            vec![
                (300, 200, true),
                (300, 200, true),
                (300, 200, true),
                (300, 200, true),
                (300, 200, true),
                // The budget is spent: the rest start closed, even the small one.
                (300, 200, false),
                (300, 200, false),
                (10, 10, false),
            ]
        );
        assert_eq!(groups[7].listed().len(), 10);
        assert!(!groups[7].is_cut());
    }

    /// The panel's groups by township for findings in these units (each its own township),
    /// as (findings, starts open).
    fn opened(units: &[(usize, usize)]) -> Vec<(usize, bool)> {
        let mut report = county().clone();
        let template = report.findings[0].clone();
        report.findings = units
            .iter()
            .flat_map(|&(unit, n)| {
                let f = Finding {
                    unit: Some(UnitId(unit)),
                    ..template.clone()
                };
                std::iter::repeat_n(f, n)
            })
            .collect();
        for row in &mut report.admin {
            row.parent = None;
        }
        groups(&report, &Filter::default(), GroupBy::Township)
            .iter()
            .map(|g| (g.findings.len(), g.open_at_first))
            .collect()
    }

    #[test]
    fn the_budget_counts_listed_findings_and_is_spent_exactly() {
        // 5 x 200 listed is the whole budget: those open, the next does not.
        assert_eq!(
            opened(&[(0, 250), (1, 250), (2, 250), (3, 250), (4, 250), (5, 1)]),
            vec![
                (250, true),
                (250, true),
                (250, true),
                (250, true),
                (250, true),
                (1, false)
            ]
        );
        // A big group lists 200: 150 + 200 + 1 fit.
        assert_eq!(
            opened(&[(0, 150), (1, 900), (2, 1)]),
            vec![(150, true), (900, true), (1, true)]
        );
    }

    #[test]
    fn the_township_of_a_unit_without_levels_is_the_one_below_the_top() {
        let mut admin = county().admin.clone();
        let village = UnitId(
            (0..admin.len())
                .find(|&u| admin[u].level == Some(Level::Village))
                .unwrap(),
        );
        let township = township_of(&admin, village);
        assert_eq!(admin[township.index()].level.map(|l| l.tier()), Some(1));
        assert_eq!(admin[village.index()].parent, Some(township));
        let county = admin[township.index()].parent.unwrap();
        assert_eq!(township_of(&admin, county), county);
        assert_eq!(township_of(&admin, township), township);
        for row in &mut admin {
            row.level = None;
        }
        assert_eq!(township_of(&admin, village), township);
        assert_eq!(township_of(&admin, county), county);
        // A county of villages (no township level): each village is its own group.
        admin[village.index()].parent = Some(county);
        admin[village.index()].level = Some(Level::Village);
        assert_eq!(township_of(&admin, village), village);
        assert_eq!(
            path_name(&admin, village),
            format!(
                "{} / {}",
                admin[county.index()].name.clone().unwrap(),
                admin[village.index()].name.clone().unwrap()
            )
        );
    }

    #[test]
    fn a_unit_is_named_by_its_code_or_position_without_a_name() {
        let mut admin = county().admin.clone();
        let u = UnitId(
            (0..admin.len())
                .find(|&u| admin[u].parent.is_none())
                .unwrap(),
        );
        admin[u.index()].name = None;
        admin[u.index()].code = Some("439001000000".into());
        assert_eq!(path_name(&admin, u), "439001000000");
        admin[u.index()].code = None;
        assert_eq!(path_name(&admin, u), format!("unit #{u}"));
        // A unit the report has no row for stands alone.
        assert_eq!(
            township_of(&admin, UnitId(admin.len() + 5)),
            UnitId(admin.len() + 5)
        );
    }

    #[test]
    fn rules_not_checked_are_listed_with_what_they_missed() {
        let report = county();
        let missing = not_checked(report);
        assert_eq!(
            missing.len(),
            report.rules.iter().filter(|r| r.missing.is_some()).count()
        );
    }
}
