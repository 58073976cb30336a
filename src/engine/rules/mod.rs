//! The rule catalog of `RULES.md`: each rule checked on the loaded data, each finding with its
//! place, what is wrong, what the guidance suggests and the clause it comes from.
//!
//! Rules read the hierarchy ([`crate::engine::admin`]) and, where they need travel time, the
//! engine's router for the chosen mode ([`crate::engine::routing::Reach::nearest_among`]). A rule whose
//! data is missing reports itself as not checked, with the reason, rather than passing.

mod county;
mod township;
mod urban;
mod village;

use crate::engine::admin::{unit_name, Hierarchy};
use crate::engine::crs::LonLat;
use crate::engine::model::{AreaFlag, Center, FacilityKind, Layers};
use crate::engine::routing::Reach;
use serde::{Deserialize, Serialize};

mod finding;
pub use finding::{Finding, Severity};

/// Rule parameters a user can change; defaults are the policy's or a documented local setting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleParams {
    /// `reach.15min`: target share of residents within the limit (policy: 100 %).
    pub target_share: f64,
    /// `township.central-center`: fewest central township health centers per county (policy: 1).
    pub central_min: u32,
    /// `township.central-center`: most central township health centers per county (policy: 2).
    pub central_max: u32,
    /// `township.central-center`: candidate townships listed (local setting: 5).
    pub central_candidates: usize,
    /// `village.clinic`: a village under this population may share a clinic (local: 1,000).
    pub small_village_population: f64,
    /// `subdistrict.large`: residents above which a sub-district may expand (policy: 100,000).
    pub subdistrict_large_population: f64,
    /// `community.station`: residents above which a community needs a station of its own
    /// (local setting: 10,000).
    pub community_large_population: f64,
    /// `county.acute-care-centers`: reach limit in minutes (local setting: 60).
    pub acute_care_limit_min: f64,
    /// `planning.elderly-care`: "adjacent" means within this many metres (local setting: 500).
    pub elderly_adjacent_m: f64,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            target_share: 1.0,
            central_min: 1,
            central_max: 2,
            central_candidates: 5,
            small_village_population: 1000.0,
            subdistrict_large_population: 100_000.0,
            community_large_population: 10_000.0,
            acute_care_limit_min: 60.0,
            elderly_adjacent_m: 500.0,
        }
    }
}

impl RuleParams {
    /// Reads parameters from TOML or JSON text (missing keys keep their defaults).
    ///
    /// # Examples
    /// ```
    /// use medreach::engine::rules::RuleParams;
    /// let p = RuleParams::parse("small_village_population = 800").unwrap();
    /// assert_eq!(p.small_village_population, 800.0);
    /// assert_eq!(p.subdistrict_large_population, 100_000.0);
    /// assert!(RuleParams::parse(r#"{"acute_care_limit_min": 45}"#).is_ok());
    /// assert!(RuleParams::parse("no_such_rule = 1").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<RuleParams, String> {
        let params: RuleParams = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| e.to_string())?
        } else {
            toml::from_str(text).map_err(|e| e.to_string())?
        };
        params.validate()?;
        Ok(params)
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("small_village_population", self.small_village_population),
            (
                "subdistrict_large_population",
                self.subdistrict_large_population,
            ),
            (
                "community_large_population",
                self.community_large_population,
            ),
            ("acute_care_limit_min", self.acute_care_limit_min),
            ("elderly_adjacent_m", self.elderly_adjacent_m),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{name} must be a positive number, not {v}"));
            }
        }
        if !(0.0..=1.0).contains(&self.target_share) {
            return Err(format!(
                "target_share must be between 0 and 1, not {}",
                self.target_share
            ));
        }
        if self.central_min > self.central_max {
            return Err(format!(
                "central_min ({}) must not exceed central_max ({})",
                self.central_min, self.central_max
            ));
        }
        Ok(())
    }
}

/// One rule of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: &'static str,
    /// The policy clause(s) it comes from (the 13-ministry guidance and the documents around it; see `docs/RULES.md`).
    pub source: &'static str,
}

/// The 14 rules, in catalog order.
pub const CATALOG: [RuleInfo; 14] = [
    RuleInfo {
        id: "reach.15min",
        source: "000 General Requirements; 001",
    },
    RuleInfo {
        id: "township.health-center",
        source: "000 (一); 001 §1",
    },
    RuleInfo {
        id: "township.merged",
        source: "000 (一)",
    },
    RuleInfo {
        id: "township.central-center",
        source: "000 (一); 001 §1; 002 2.1",
    },
    RuleInfo {
        id: "village.clinic",
        source: "000 (二); 002 2.1; 004 2(3)",
    },
    RuleInfo {
        id: "village.duplicate-clinics",
        source: "000 (二)",
    },
    RuleInfo {
        id: "village.special-areas",
        source: "000 (二); 002 2.1",
    },
    RuleInfo {
        id: "subdistrict.health-center",
        source: "000 (三); 001 §3",
    },
    RuleInfo {
        id: "subdistrict.large",
        source: "000 (三); 001 §3",
    },
    RuleInfo {
        id: "community.station",
        source: "000 (四); 001 §4; 004 2(3)",
    },
    RuleInfo {
        id: "county.medical-community",
        source: "003; 000 (五); 004 3(3)",
    },
    RuleInfo {
        id: "county.acute-care-centers",
        source: "004 4(3)",
    },
    RuleInfo {
        id: "county.referral",
        source: "002 2.2; 003",
    },
    RuleInfo {
        id: "planning.elderly-care",
        source: "000 (九); 004 3(5)",
    },
];

/// The source clause of a rule id.
pub fn source_of(rule: &str) -> &'static str {
    CATALOG
        .iter()
        .find(|r| r.id == rule)
        .map(|r| r.source)
        .unwrap_or("")
}

/// What a finding says, as data; [`crate::app::text::message`] and [`crate::app::text::suggestion`]
/// put it into words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Message {
    ReachArea {
        share: f64,
        within: f64,
        total: f64,
        limit: f64,
    },
    ReachUnit {
        share: f64,
        within: f64,
        total: f64,
        limit: f64,
    },
    ReachSettlement {
        population: f64,
        minutes: Option<f64>,
        facility: Option<String>,
        limit: f64,
    },
    TownshipNoCenter,
    TownshipManyCenters {
        count: usize,
    },
    MergedNotBranch {
        into: String,
    },
    CentralCount {
        count: usize,
        min: u32,
        max: u32,
    },
    CentralInCountyTown,
    CentralCandidates {
        candidates: Vec<Candidate>,
    },
    VillageNoClinic {
        population: f64,
        shared_minutes: Option<f64>,
        limit: f64,
    },
    DuplicateClinics {
        count: usize,
    },
    SpecialNoService {
        flags: Vec<AreaFlag>,
    },
    SubdistrictNoCenter {
        convertible: Option<String>,
    },
    SubdistrictLarge {
        population: f64,
        threshold: f64,
    },
    CommunityNeedsStation {
        population: f64,
        max_minutes: Option<f64>,
        limit: f64,
        large: bool,
    },
    NoLeadHospital,
    LeadNotQualified {
        problems: Vec<LeadProblem>,
    },
    MissingCenters {
        clinical: bool,
        centers: Vec<Center>,
    },
    AcuteMissing {
        center: Center,
    },
    AcuteFar {
        center: Center,
        share_within: f64,
        limit: f64,
    },
    ReferralUnreachable,
    ReferralTimes {
        max_minutes: f64,
        mean_minutes: f64,
        farthest: Vec<(String, f64)>,
    },
    ElderlyNotAdjacent {
        distance_m: Option<f64>,
        limit_m: f64,
    },
}

/// A township ranked as a candidate for a central township health center.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Township name.
    pub name: String,
    /// Its population.
    pub population: f64,
    /// Minutes from its health center to the county hospital (`None`: unreachable).
    pub minutes_to_county_hospital: Option<f64>,
}

/// Why a lead hospital does not qualify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadProblem {
    /// Not a county general or TCM hospital.
    NotCountyHospital,
    /// For-profit.
    ForProfit,
    /// Grade below 2 or not given.
    GradeBelowTwo,
}

/// What data a rule lacked when it could not be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// No township (乡/镇) units.
    Townships,
    /// No township marked as merged into another.
    MergedTownships,
    /// No administrative village units.
    Villages,
    /// No village marked as a special area.
    SpecialVillages,
    /// No sub-district units.
    Subdistricts,
    /// No community units.
    Communities,
    /// No facility marks the lead hospital or its centers.
    MedicalCommunity,
    /// No facility lists the centers it hosts.
    Centers,
    /// No lead hospital.
    LeadHospital,
    /// No township health center.
    TownshipCenters,
    /// No township or community health service center.
    HealthCenters,
    /// No settlements with population.
    Settlements,
}

/// Whether a rule could be checked, and what it found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleStatus {
    /// Rule id.
    pub rule: String,
    /// The policy clause.
    pub source: String,
    /// `None` when checked; else what data was missing, worded (English in the command line's
    /// report; empty until the report is worded).
    pub not_checked: Option<String>,
    /// The same, as data, for the page to word in either language.
    pub missing: Option<Missing>,
    /// Places checked.
    pub checked: usize,
    /// Violations found.
    pub violations: usize,
    /// Advisories given.
    pub advisories: usize,
}

/// The special-area flags of a unit that count: all of them, except that relocated/merged
/// counts only with a population under the small-village threshold (`village.special-areas`).
pub fn special_flags(
    layers: &Layers,
    hierarchy: &Hierarchy,
    params: &RuleParams,
    unit: usize,
) -> Vec<AreaFlag> {
    let small = hierarchy.units[unit].population < params.small_village_population;
    layers.admin[unit]
        .flags
        .iter()
        .copied()
        .filter(|f| *f != AreaFlag::Relocated || small)
        .collect()
}

/// What the rules read.
pub struct Context<'a> {
    /// The loaded data.
    pub layers: &'a Layers,
    /// Its hierarchy.
    pub hierarchy: &'a Hierarchy,
    /// Travel times for the chosen mode.
    pub reach: &'a Reach,
    /// The reach limit in minutes.
    pub limit_min: f64,
    /// The parameters.
    pub params: &'a RuleParams,
}

/// Collects the findings and the per-rule tallies.
pub struct Outcome {
    /// Findings of every rule.
    pub findings: Vec<Finding>,
    /// Per rule, whether and how much it checked.
    pub status: Vec<RuleStatus>,
}

impl Outcome {
    fn rule(&mut self, rule: &str) -> &mut RuleStatus {
        if let Some(i) = self.status.iter().position(|s| s.rule == rule) {
            return &mut self.status[i];
        }
        self.status.push(RuleStatus {
            rule: rule.to_string(),
            source: source_of(rule).to_string(),
            not_checked: None,
            missing: None,
            checked: 0,
            violations: 0,
            advisories: 0,
        });
        self.status.last_mut().expect("just pushed")
    }

    /// Records that `rule` checked `n` places.
    pub fn checked(&mut self, rule: &str, n: usize) {
        self.rule(rule).checked += n;
    }

    /// Records that `rule` could not be checked and why.
    pub fn not_checked(&mut self, rule: &str, missing: Missing) {
        let status = self.rule(rule);
        status.missing = Some(missing);
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        let status = self.rule(&finding.rule.clone());
        match finding.severity {
            Severity::Violation => status.violations += 1,
            Severity::Advisory => status.advisories += 1,
        }
        self.findings.push(finding);
    }
}

/// Where a finding is, for building it.
pub struct Place {
    /// Display name.
    pub name: String,
    /// Unit index, if it is about a unit.
    pub unit: Option<usize>,
    /// Facility index, if it is about a facility.
    pub facility: Option<usize>,
    /// Point to show.
    pub at: Option<LonLat>,
    /// Whether the place is (in) a special-area village.
    pub special_area: bool,
}

impl Context<'_> {
    /// The place of a unit.
    pub fn unit_place(&self, unit: usize) -> Place {
        Place {
            name: self.hierarchy.path_name(self.layers, unit),
            unit: Some(unit),
            facility: None,
            at: self.hierarchy.units[unit].interior,
            special_area: !special_flags(self.layers, self.hierarchy, self.params, unit).is_empty(),
        }
    }

    /// The place of a facility (named, in its unit).
    pub fn facility_place(&self, facility: usize) -> Place {
        let f = &self.layers.facilities[facility];
        let unit = self.hierarchy.facility_unit[facility];
        let own = f
            .name
            .clone()
            .unwrap_or_else(|| format!("{} #{}", f.kind.id(), f.source.feature));
        Place {
            name: match unit {
                Some(u) => format!("{} / {own}", self.hierarchy.path_name(self.layers, u)),
                None => own,
            },
            unit,
            facility: Some(facility),
            at: Some(f.at),
            special_area: false,
        }
    }

    /// A finding of `rule` at `place`.
    pub fn finding(
        &self,
        rule: &str,
        severity: Severity,
        place: Place,
        detail: Message,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            place: place.name,
            message: String::new(),
            suggestion: String::new(),
            source: source_of(rule).to_string(),
            at: place.at,
            value: None,
            unit: place.unit,
            facility: place.facility,
            special_area: place.special_area,
            detail,
        }
    }

    /// Facilities of the given kinds inside `unit` (or below it).
    pub fn facilities_of(&self, unit: usize, kinds: &[FacilityKind]) -> Vec<usize> {
        self.hierarchy
            .facilities_in(unit)
            .filter(|&f| kinds.contains(&self.layers.facilities[f].kind))
            .collect()
    }

    /// Name of a unit.
    pub fn name(&self, unit: usize) -> String {
        unit_name(self.layers, unit)
    }
}

/// Runs every rule but `reach.15min` (which the report computes with the headline figure).
pub fn check_all(ctx: &Context) -> Outcome {
    let mut out = Outcome {
        findings: Vec::new(),
        status: Vec::new(),
    };
    township::health_center(ctx, &mut out);
    township::merged(ctx, &mut out);
    township::central_center(ctx, &mut out);
    village::clinic(ctx, &mut out);
    village::duplicate_clinics(ctx, &mut out);
    village::special_areas(ctx, &mut out);
    urban::subdistrict_health_center(ctx, &mut out);
    urban::subdistrict_large(ctx, &mut out);
    urban::community_station(ctx, &mut out);
    county::medical_community(ctx, &mut out);
    county::acute_care(ctx, &mut out);
    county::referral(ctx, &mut out);
    county::elderly_care(ctx, &mut out);
    out
}
