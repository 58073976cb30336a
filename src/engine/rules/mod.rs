//! The rule catalog of `RULES.md`: each rule checked on the loaded data, each finding with its
//! place, what is wrong, what the guidance suggests and the clause it comes from.
//!
//! Rules read the hierarchy ([`crate::engine::admin`]) and, where they need travel time, the
//! engine's router for the chosen mode ([`crate::engine::routing::Reach::nearest_among`]). A rule whose
//! data is missing reports itself as not checked, with the reason, rather than passing.

mod county;
mod reach;
mod township;
mod urban;
mod village;

use crate::engine::admin::{unit_name, Hierarchy};
use crate::engine::crs::LonLat;
use crate::engine::model::{AreaFlag, Center, FacilityId, FacilityKind, Layers, UnitId};
use crate::engine::network::Mode;
use crate::engine::routing::Reach;
use serde::{Deserialize, Serialize};

mod finding;
pub use finding::{Finding, Severity};
pub use reach::{Figures, Tally};

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
    /// How patients are transferred: the mode `county.referral`, `county.acute-care-centers`
    /// and the time to the county hospital in `township.central-center` are judged by,
    /// whatever mode the 15-minute rule uses (default: by motor vehicle).
    pub referral_mode: Mode,
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
            referral_mode: Mode::Drive,
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

/// The id of each rule of the catalog (`docs/RULES.md`); serialised as its text id
/// (`village.clinic`). Titles, clauses and checks match on it exhaustively, so a rule cannot
/// lack one and a misspelt id does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleId {
    /// `reach.15min`
    #[serde(rename = "reach.15min")]
    Reach15Min,
    /// `township.health-center`
    #[serde(rename = "township.health-center")]
    TownshipHealthCenter,
    /// `township.merged`
    #[serde(rename = "township.merged")]
    TownshipMerged,
    /// `township.central-center`
    #[serde(rename = "township.central-center")]
    TownshipCentralCenter,
    /// `village.clinic`
    #[serde(rename = "village.clinic")]
    VillageClinic,
    /// `village.duplicate-clinics`
    #[serde(rename = "village.duplicate-clinics")]
    VillageDuplicateClinics,
    /// `village.special-areas`
    #[serde(rename = "village.special-areas")]
    VillageSpecialAreas,
    /// `subdistrict.health-center`
    #[serde(rename = "subdistrict.health-center")]
    SubdistrictHealthCenter,
    /// `subdistrict.large`
    #[serde(rename = "subdistrict.large")]
    SubdistrictLarge,
    /// `community.station`
    #[serde(rename = "community.station")]
    CommunityStation,
    /// `county.medical-community`
    #[serde(rename = "county.medical-community")]
    CountyMedicalCommunity,
    /// `county.acute-care-centers`
    #[serde(rename = "county.acute-care-centers")]
    CountyAcuteCareCenters,
    /// `county.referral`
    #[serde(rename = "county.referral")]
    CountyReferral,
    /// `planning.elderly-care`
    #[serde(rename = "planning.elderly-care")]
    PlanningElderlyCare,
}

impl RuleId {
    /// Every rule, in catalog order.
    pub const ALL: [RuleId; 14] = [
        RuleId::Reach15Min,
        RuleId::TownshipHealthCenter,
        RuleId::TownshipMerged,
        RuleId::TownshipCentralCenter,
        RuleId::VillageClinic,
        RuleId::VillageDuplicateClinics,
        RuleId::VillageSpecialAreas,
        RuleId::SubdistrictHealthCenter,
        RuleId::SubdistrictLarge,
        RuleId::CommunityStation,
        RuleId::CountyMedicalCommunity,
        RuleId::CountyAcuteCareCenters,
        RuleId::CountyReferral,
        RuleId::PlanningElderlyCare,
    ];

    /// The text id, e.g. `village.clinic`.
    pub fn id(self) -> &'static str {
        match self {
            RuleId::Reach15Min => "reach.15min",
            RuleId::TownshipHealthCenter => "township.health-center",
            RuleId::TownshipMerged => "township.merged",
            RuleId::TownshipCentralCenter => "township.central-center",
            RuleId::VillageClinic => "village.clinic",
            RuleId::VillageDuplicateClinics => "village.duplicate-clinics",
            RuleId::VillageSpecialAreas => "village.special-areas",
            RuleId::SubdistrictHealthCenter => "subdistrict.health-center",
            RuleId::SubdistrictLarge => "subdistrict.large",
            RuleId::CommunityStation => "community.station",
            RuleId::CountyMedicalCommunity => "county.medical-community",
            RuleId::CountyAcuteCareCenters => "county.acute-care-centers",
            RuleId::CountyReferral => "county.referral",
            RuleId::PlanningElderlyCare => "planning.elderly-care",
        }
    }

    /// The policy clause(s) it comes from (the 13-ministry guidance and the documents around
    /// it; see `docs/RULES.md`).
    pub fn clause(self) -> &'static str {
        match self {
            RuleId::Reach15Min => "000 General Requirements; 001",
            RuleId::TownshipHealthCenter => "000 (一); 001 §1",
            RuleId::TownshipMerged => "000 (一)",
            RuleId::TownshipCentralCenter => "000 (一); 001 §1; 002 2.1",
            RuleId::VillageClinic => "000 (二); 002 2.1; 004 2(3)",
            RuleId::VillageDuplicateClinics => "000 (二)",
            RuleId::VillageSpecialAreas => "000 (二); 002 2.1",
            RuleId::SubdistrictHealthCenter => "000 (三); 001 §3",
            RuleId::SubdistrictLarge => "000 (三); 001 §3",
            RuleId::CommunityStation => "000 (四); 001 §4; 004 2(3)",
            RuleId::CountyMedicalCommunity => "003; 000 (五); 004 3(3)",
            RuleId::CountyAcuteCareCenters => "004 4(3)",
            RuleId::CountyReferral => "002 2.2; 003",
            RuleId::PlanningElderlyCare => "000 (九); 004 3(5)",
        }
    }

    /// Which travel times the rule reads, if any.
    pub fn travel(self) -> Option<Travel> {
        match self {
            RuleId::Reach15Min | RuleId::VillageClinic | RuleId::CommunityStation => {
                Some(Travel::Access)
            }
            RuleId::TownshipCentralCenter
            | RuleId::CountyAcuteCareCenters
            | RuleId::CountyReferral => Some(Travel::Transfer),
            _ => None,
        }
    }

    /// The rule with text id `id`.
    pub fn parse(id: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.id() == other
    }
}

impl PartialEq<String> for RuleId {
    fn eq(&self, other: &String) -> bool {
        self.id() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

/// The travel times a rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Travel {
    /// Residents' way to care, in the analysis' mode ([`Context::reach`]).
    Access,
    /// Transferring patients, in [`RuleParams::referral_mode`] ([`Context::transfer`]).
    Transfer,
}

/// One rule: its id (which gives its clause and, in [`crate::app::text`], its title) and its
/// check, which records what it checked and what it found in an [`Outcome`].
pub struct Rule {
    /// The rule.
    pub id: RuleId,
    /// Its check.
    pub check: fn(&Context, &mut Outcome),
}

/// The 14 rules, in catalog order: adding a rule is a [`RuleId`] variant, its check (in the
/// file of its group) and its line here.
pub const CATALOG: [Rule; 14] = [
    Rule {
        id: RuleId::Reach15Min,
        check: reach::check,
    },
    Rule {
        id: RuleId::TownshipHealthCenter,
        check: township::health_center,
    },
    Rule {
        id: RuleId::TownshipMerged,
        check: township::merged,
    },
    Rule {
        id: RuleId::TownshipCentralCenter,
        check: township::central_center,
    },
    Rule {
        id: RuleId::VillageClinic,
        check: village::clinic,
    },
    Rule {
        id: RuleId::VillageDuplicateClinics,
        check: village::duplicate_clinics,
    },
    Rule {
        id: RuleId::VillageSpecialAreas,
        check: village::special_areas,
    },
    Rule {
        id: RuleId::SubdistrictHealthCenter,
        check: urban::subdistrict_health_center,
    },
    Rule {
        id: RuleId::SubdistrictLarge,
        check: urban::subdistrict_large,
    },
    Rule {
        id: RuleId::CommunityStation,
        check: urban::community_station,
    },
    Rule {
        id: RuleId::CountyMedicalCommunity,
        check: county::medical_community,
    },
    Rule {
        id: RuleId::CountyAcuteCareCenters,
        check: county::acute_care,
    },
    Rule {
        id: RuleId::CountyReferral,
        check: county::referral,
    },
    Rule {
        id: RuleId::PlanningElderlyCare,
        check: county::elderly_care,
    },
];

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
        mode: Mode,
    },
    ReferralUnreachable {
        mode: Mode,
    },
    /// Every township health center's time to the lead hospital, longest first.
    ReferralTimes {
        max_minutes: f64,
        mean_minutes: f64,
        times: Vec<(String, f64)>,
        mode: Mode,
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
    pub rule: RuleId,
    /// The policy clause.
    pub source: String,
    /// `None` when checked; else what data was missing, worded (English in the command line's
    /// report; empty until the report is worded).
    pub not_checked: Option<String>,
    /// The same, as data, for the page to word in either language.
    pub missing: Option<Missing>,
    /// The travel mode it judged by, when it reads travel times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
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
    unit: UnitId,
) -> Vec<AreaFlag> {
    let small = hierarchy.node(unit).population < params.small_village_population;
    layers
        .unit(unit)
        .flags
        .iter()
        .copied()
        .filter(|f| *f != AreaFlag::Relocated || small)
        .collect()
}

/// What the rules read (`'r`: the travel times for transferring patients, computed by the
/// caller when first asked).
pub struct Context<'a, 'r> {
    /// The loaded data.
    pub layers: &'a Layers,
    /// Its hierarchy.
    pub hierarchy: &'a Hierarchy,
    /// Travel times for the chosen mode.
    pub reach: &'a Reach,
    /// Travel times for transferring patients ([`RuleParams::referral_mode`]; the same as
    /// `reach` when the modes agree), computed when a rule first asks.
    pub transfer: &'a dyn Fn() -> &'r Reach,
    /// The reach limit in minutes.
    pub limit_min: f64,
    /// The parameters.
    pub params: &'a RuleParams,
    /// The loaded files' names, indexed by [`crate::engine::model::Source::file`].
    pub file_names: &'a [String],
    /// The reach figures, counted once for the rules and the report.
    pub figures: &'a Figures,
}

/// Collects the findings and the per-rule tallies.
pub struct Outcome {
    /// Findings of every rule.
    pub findings: Vec<Finding>,
    /// Per rule, whether and how much it checked.
    pub status: Vec<RuleStatus>,
}

impl Outcome {
    fn rule(&mut self, rule: RuleId) -> &mut RuleStatus {
        if let Some(i) = self.status.iter().position(|s| s.rule == rule) {
            return &mut self.status[i];
        }
        self.status.push(RuleStatus {
            rule,
            source: rule.clause().to_string(),
            not_checked: None,
            missing: None,
            mode: None,
            checked: 0,
            violations: 0,
            advisories: 0,
        });
        self.status.last_mut().expect("just pushed")
    }

    /// Records that `rule` checked `n` places.
    pub fn checked(&mut self, rule: RuleId, n: usize) {
        self.rule(rule).checked += n;
    }

    /// Records that `rule` could not be checked and why.
    pub fn not_checked(&mut self, rule: RuleId, missing: Missing) {
        let status = self.rule(rule);
        status.missing = Some(missing);
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        let status = self.rule(finding.rule);
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
    /// The unit, if it is about a unit.
    pub unit: Option<UnitId>,
    /// The facility, if it is about a facility.
    pub facility: Option<FacilityId>,
    /// Point to show.
    pub at: Option<LonLat>,
    /// Whether the place is (in) a special-area village.
    pub special_area: bool,
}

impl Context<'_, '_> {
    /// The place of a unit.
    pub fn unit_place(&self, unit: UnitId) -> Place {
        Place {
            name: self.hierarchy.path_name(self.layers, unit),
            unit: Some(unit),
            facility: None,
            at: self.hierarchy.node(unit).interior,
            special_area: !special_flags(self.layers, self.hierarchy, self.params, unit).is_empty(),
        }
    }

    /// The place of a facility (named, in its unit).
    pub fn facility_place(&self, facility: FacilityId) -> Place {
        let f = self.layers.facility(facility);
        let unit = self.hierarchy.unit_of_facility(facility);
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
        rule: RuleId,
        severity: Severity,
        place: Place,
        detail: Message,
    ) -> Finding {
        Finding {
            rule,
            severity,
            place: place.name,
            message: String::new(),
            suggestion: String::new(),
            source: rule.clause().to_string(),
            at: place.at,
            value: None,
            unit: place.unit,
            facility: place.facility,
            special_area: place.special_area,
            detail,
        }
    }

    /// Facilities of the given kinds inside `unit` (or below it).
    pub fn facilities_of(&self, unit: UnitId, kinds: &[FacilityKind]) -> Vec<FacilityId> {
        self.hierarchy
            .facilities_in(unit)
            .filter(|&f| kinds.contains(&self.layers.facility(f).kind))
            .collect()
    }

    /// Name of a unit.
    pub fn name(&self, unit: UnitId) -> String {
        unit_name(self.layers, unit)
    }
}

/// Runs every rule of the [`CATALOG`], in its order.
pub fn check_all(ctx: &Context) -> Outcome {
    let mut out = Outcome {
        findings: Vec::new(),
        status: Vec::new(),
    };
    for rule in &CATALOG {
        (rule.check)(ctx, &mut out);
        if let Some(travel) = rule.id.travel() {
            let mode = match travel {
                Travel::Access => ctx.reach.mode,
                Travel::Transfer => ctx.params.referral_mode,
            };
            out.rule(rule.id).mode = Some(mode);
        }
    }
    out
}
