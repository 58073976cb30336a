//! A finding: one rule's verdict on one place, as data. Its `message` and `suggestion` are
//! left empty by the engine and worded by [`crate::app::text::word_report`] in the language
//! asked for.

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The guidance says "in principle" or "within": a target is missed.
    Violation,
    /// The guidance says "may", "encourage": a suggestion.
    Advisory,
}

/// One finding of a rule, with its place and the clause it comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, e.g. `reach.15min`.
    pub rule: super::RuleId,
    /// Violation or advisory.
    pub severity: Severity,
    /// The place: a settlement, an admin unit, or the planning area.
    pub place: String,
    /// What is wrong, in one sentence (English in the command line's report; empty until the
    /// report is worded).
    pub message: String,
    /// The policy clause.
    pub source: String,
    /// What the guidance suggests doing, in one sentence.
    pub suggestion: String,
    /// Where to show it on the map (WGS84).
    pub at: Option<crate::engine::crs::LonLat>,
    /// The measured value (share 0–1 or minutes), for sorting.
    pub value: Option<f64>,
    /// The admin unit it is about (index in the admin layer), if any.
    pub unit: Option<crate::engine::model::UnitId>,
    /// The facility it is about (index in the facilities layer), if any.
    pub facility: Option<crate::engine::model::FacilityId>,
    /// Whether it is about a special-area village (listed first).
    pub special_area: bool,
    /// The finding as data, for the page to put into either language.
    pub detail: super::Message,
}
