//! The report: the 15-minute figure (rule `reach.15min`) overall and per admin unit, the
//! settlements beyond the limit, and the findings, as plain serialisable data.
//!
//! Semantics: a settlement is within the limit when its time is `<=` the limit; the share's
//! denominator is every settlement's population (unreachable ones included); the mean time is
//! population-weighted over reachable settlements.

use crate::engine::admin::Hierarchy;
use crate::engine::model::{Layers, Source, UnitId};
use crate::engine::network::Mode;
use crate::engine::routing::Reach;
use crate::engine::rules::{self, Context, Figures, Finding, RuleParams};
use serde::{Deserialize, Serialize};

/// Something the user must know to read the figures, as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Caveat {
    /// No usable roads for the mode: times are straight-line distances at the off-road speed.
    StraightLine {
        /// The mode.
        mode: Mode,
    },
    /// No medical service point is loaded.
    NoServicePoint,
    /// No settlement with a population is loaded.
    NoSettlements,
    /// An extract's reader warned of something that still applies.
    Extract(crate::engine::dataset::ExtractWarning),
}

/// The headline figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Residents of all settlements.
    pub population_total: f64,
    /// Residents whose time is within the limit.
    pub population_within_limit: f64,
    /// `population_within_limit / population_total`, `None` when there are no residents.
    pub share_within_limit: Option<f64>,
    /// Population-weighted mean minutes over reachable settlements.
    pub mean_time_min: Option<f64>,
    /// Residents who cannot reach any medical service point.
    pub unreachable_population: f64,
    /// Number of settlements.
    pub settlements: usize,
    /// Settlements beyond the limit (unreachable included).
    pub settlements_beyond_limit: usize,
    /// Medical service points used.
    pub service_points: usize,
    /// True when there were no usable roads and straight lines at the off-road speed were used.
    pub straight_line: bool,
}

/// One settlement's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementRow {
    /// Position in its file's `features`.
    pub index: usize,
    /// The file it came from.
    pub file: String,
    /// Name, if any.
    pub name: Option<String>,
    /// Residents.
    pub population: f64,
    /// Minutes to the nearest medical service point, `null` when unreachable.
    pub time_min: Option<f64>,
    /// Position of that facility in its file's `features`, `null` when unreachable.
    pub nearest_facility: Option<usize>,
    /// Name of that facility, if it has one.
    pub nearest_facility_name: Option<String>,
    /// Kind of that facility.
    pub nearest_facility_kind: Option<crate::engine::model::FacilityKind>,
    /// Whether `time_min <= limit`.
    pub within_limit: bool,
    /// Off-road leg to the network, metres.
    pub offroad_m: Option<f64>,
    /// Whether it lies in a special-area village (listed first).
    pub special_area: bool,
    /// The OpenStreetMap element it comes from (`node/…`, `way/…`), when from an extract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub osm: Option<String>,
    /// Whether its population is an estimate from buildings, when from an extract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_estimated: Option<bool>,
}

/// The 15-minute figures of one admin unit, over the settlements inside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminRow {
    /// Position of the unit in the combined admin layer.
    pub unit: UnitId,
    /// Name, if any.
    pub name: Option<String>,
    /// Division code, if any.
    pub code: Option<String>,
    /// Its level, when known.
    pub level: Option<crate::engine::model::Level>,
    /// The unit above it (index in the admin layer).
    pub parent: Option<UnitId>,
    /// The unit's population for the rules: its own figure, or the sum of its settlements.
    pub unit_population: f64,
    /// Where `unit_population` comes from.
    pub population_source: crate::engine::admin::PopulationSource,
    /// Special-area marks.
    pub flags: Vec<crate::engine::model::AreaFlag>,
    /// The unit's own population figure, if it has one.
    pub population_given: Option<f64>,
    /// Residents of the settlements inside it.
    pub population: f64,
    /// Of those, within the limit.
    pub population_within_limit: f64,
    /// Share within the limit, `None` without residents.
    pub share_within_limit: Option<f64>,
    /// Population-weighted mean minutes over reachable settlements inside.
    pub mean_time_min: Option<f64>,
    /// Settlements inside.
    pub settlements: usize,
    /// Settlements inside beyond the limit.
    pub settlements_beyond_limit: usize,
}

/// One township's or sub-district's scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    /// The unit (index in the admin layer).
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Township or sub-district.
    pub level: crate::engine::model::Level,
    /// Its population (own figure or settlements' sum).
    pub population: f64,
    /// Where the population comes from.
    pub population_source: crate::engine::admin::PopulationSource,
    /// Township health centers (township) or community health service centers (sub-district).
    pub health_centers: usize,
    /// Villages (township) or communities (sub-district) below it.
    pub villages: usize,
    /// Of those, with a village clinic (township) or a station or center (sub-district).
    pub villages_served: usize,
    /// Share of its residents within the limit.
    pub share_within_limit: Option<f64>,
    /// Whether any village below it is a special area.
    pub special_area: bool,
    /// Merged into another township.
    pub dissolved: bool,
}

/// Scorecards of every township and sub-district: special areas first, then by name order of
/// the input.
pub fn scorecard(
    layers: &Layers,
    hierarchy: &Hierarchy,
    params: &RuleParams,
    admin: &[AdminRow],
) -> Vec<ScoreRow> {
    use crate::engine::model::{FacilityKind as K, Level};
    let count = |unit: UnitId, kinds: &[K]| {
        hierarchy
            .facilities_in(unit)
            .filter(|&f| kinds.contains(&layers.facility(f).kind))
            .count()
    };
    let mut rows: Vec<ScoreRow> = layers
        .unit_ids()
        .filter_map(|u| {
            let level = hierarchy
                .node(u)
                .level
                .filter(|l| matches!(l, Level::Township | Level::Subdistrict))?;
            let (centers, served): (&[K], &[K]) = if level == Level::Township {
                (
                    &[K::TownshipHealthCenter, K::CentralTownshipHealthCenter],
                    &[K::VillageClinic],
                )
            } else {
                (
                    &[K::CommunityHealthCenter],
                    &[K::CommunityHealthStation, K::CommunityHealthCenter],
                )
            };
            let children = &hierarchy.node(u).children;
            Some(ScoreRow {
                unit: u,
                name: crate::engine::admin::unit_name(layers, u),
                level,
                population: hierarchy.node(u).population,
                population_source: hierarchy.node(u).population_source,
                health_centers: count(u, centers),
                villages: children.len(),
                villages_served: children.iter().filter(|&&c| count(c, served) > 0).count(),
                share_within_limit: admin[u.index()].share_within_limit,
                special_area: children
                    .iter()
                    .any(|&c| !rules::special_flags(layers, hierarchy, params, c).is_empty()),
                dissolved: layers.unit(u).merged_into.is_some(),
            })
        })
        .collect();
    rows.sort_by_key(|r| !r.special_area);
    rows
}

/// Size of the routing problem, for the record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkInfo {
    /// EPSG code of the UTM zone all lengths were measured in.
    pub epsg: u32,
    /// Road junction and vertex nodes.
    pub nodes: usize,
    /// Usable segments.
    pub segments: usize,
    /// Directed arcs of the routing graph (with snap nodes).
    pub arcs: usize,
    /// Zero-length segments dropped.
    pub zero_length_segments_dropped: usize,
}

/// The whole report. The first five fields are the command line's documented format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Travel mode.
    pub mode: Mode,
    /// The limit in minutes.
    pub limit_min: f64,
    /// Headline figures.
    pub summary: Summary,
    /// Every settlement, in load order.
    pub settlements: Vec<SettlementRow>,
    /// Findings of the rules.
    pub findings: Vec<Finding>,
    /// Per admin unit (empty without admin polygons).
    pub admin: Vec<AdminRow>,
    /// Per rule: checked or not (and why), with counts.
    pub rules: Vec<crate::engine::rules::RuleStatus>,
    /// Per township and sub-district.
    pub scorecard: Vec<ScoreRow>,
    /// The rule parameters used.
    pub parameters: crate::engine::rules::RuleParams,
    /// The network used.
    pub network: NetworkInfo,
    /// Things the user must know (straight lines used, an estimated population…), as data.
    #[serde(default)]
    pub caveats: Vec<Caveat>,
    /// The caveats worded (English in the command line's report; empty until the report is
    /// worded by `app::text::word_report`).
    pub warnings: Vec<String>,
    /// Where the residents come from, when an OpenStreetMap extract is loaded (see
    /// `PopulationOrigin::id` in the dataset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_source: Option<String>,
    /// The data's attribution, when an OpenStreetMap extract is loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// The planned sites among the facilities (not yet built), in load order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub planned_sites: Vec<PlannedSiteRow>,
    /// The speeds the travel times were computed with (km/h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speeds: Option<crate::engine::network::SpeedTable>,
    /// The files read, with what each was read as (format, coordinate system, encoding).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputRow>,
    /// From every township and community health service center to the lead hospital and
    /// every county-level hospital, in the transfer mode ([`RuleParams::referral_mode`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referral: Vec<crate::engine::referral::ReferralRow>,
    /// The what-if edits applied over the loaded data, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<crate::engine::edits::Edit>,
}

/// A file read, as the report lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputRow {
    /// The file's name.
    pub file: String,
    /// What it was read as.
    #[serde(flatten)]
    pub facts: crate::engine::model::FileFacts,
}

/// A planned facility, as the report lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedSiteRow {
    /// Its position in its file's features.
    pub index: usize,
    /// Its name, if any.
    pub name: Option<String>,
    /// Its kind.
    pub kind: crate::engine::model::FacilityKind,
    /// Where.
    pub at: crate::engine::crs::LonLat,
    /// Residents whose nearest medical service point it is, within the limit.
    pub population_served: f64,
}

/// Builds the report for `limit_min` from computed travel times. `file_names` are the loaded
/// files' names, indexed by [`Source::file`]. A unit's figures are over the settlements the
/// hierarchy puts in it ([`Hierarchy::settlements_in`]). `transfer` gives the travel times in
/// the parameters' referral mode ([`RuleParams::referral_mode`]), asked for only by the rules
/// that transfer patients.
pub fn build_report<'r>(
    layers: &Layers,
    reach: &Reach,
    transfer: &dyn Fn() -> &'r Reach,
    hierarchy: &Hierarchy,
    limit_min: f64,
    params: &RuleParams,
    file_names: &[String],
) -> Report {
    let figures = Figures::count(layers, reach, hierarchy, params, limit_min);
    let all = &figures.all;
    let settlements = settlement_rows(layers, reach, &figures, limit_min, file_names);
    let admin = admin_rows(layers, hierarchy, &figures);
    let summary = Summary {
        population_total: all.total,
        population_within_limit: all.within,
        share_within_limit: all.share(),
        mean_time_min: all.mean(),
        unreachable_population: all.unreachable,
        settlements: all.count,
        settlements_beyond_limit: all.beyond,
        service_points: reach.service_points.len(),
        straight_line: reach.straight_line,
    };
    let ctx = Context {
        layers,
        hierarchy,
        reach,
        transfer,
        limit_min,
        params,
        file_names,
        figures: &figures,
    };
    let outcome = rules::check_all(&ctx);
    let mut findings = outcome.findings;
    // Special-area villages first in every list; otherwise the rules' own order.
    findings.sort_by_key(|f| !f.special_area);
    let mut status = outcome.status;
    // RuleId orders as the catalog does (its variants are declared in catalog order).
    status.sort_by_key(|s| s.rule);
    let scorecard = scorecard(layers, hierarchy, params, &admin);
    Report {
        mode: reach.mode,
        limit_min,
        summary,
        settlements,
        findings,
        admin,
        network: NetworkInfo {
            epsg: reach.zone.epsg(),
            nodes: reach.network.nodes.len(),
            segments: reach.network.segments.len(),
            arcs: reach.graph_arcs(),
            zero_length_segments_dropped: reach.network.zero_length_dropped,
        },
        caveats: caveats(layers, reach),
        warnings: Vec::new(),
        rules: status,
        scorecard,
        parameters: params.clone(),
        population_source: None,
        attribution: None,
        planned_sites: planned_sites(layers, reach, limit_min),
        speeds: None,
        inputs: Vec::new(),
        referral: crate::engine::referral::table(layers, transfer),
        edits: Vec::new(),
    }
}

/// The planned facilities, each with the residents within the limit whose nearest it is.
fn planned_sites(layers: &Layers, reach: &Reach, limit_min: f64) -> Vec<PlannedSiteRow> {
    let mut rows: Vec<(crate::engine::model::FacilityId, PlannedSiteRow)> = layers
        .facility_ids()
        .filter(|&f| layers.facility(f).planned)
        .map(|f| {
            let fac = layers.facility(f);
            let row = PlannedSiteRow {
                index: fac.source.feature as usize,
                name: fac.name.clone(),
                kind: fac.kind,
                at: fac.at,
                population_served: 0.0,
            };
            (f, row)
        })
        .collect();
    for (s, r) in layers.settlements.iter().zip(&reach.settlements) {
        if let (Some(m), Some(f)) = (r.minutes, r.nearest) {
            if m <= limit_min {
                if let Some((_, row)) = rows.iter_mut().find(|(id, _)| *id == f) {
                    row.population_served += s.population;
                }
            }
        }
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

/// One row per settlement: its time, nearest service point, whether within the limit and
/// whether in a special area.
fn settlement_rows(
    layers: &Layers,
    reach: &Reach,
    figures: &Figures,
    limit_min: f64,
    file_names: &[String],
) -> Vec<SettlementRow> {
    let file = |s: Source| file_names.get(s.file as usize).cloned().unwrap_or_default();
    let mut settlements = Vec::with_capacity(layers.settlements.len());
    for ((s, r), &special_area) in layers
        .settlements
        .iter()
        .zip(&reach.settlements)
        .zip(&figures.special)
    {
        let nearest = r.nearest.map(|i| layers.facility(i));
        settlements.push(SettlementRow {
            index: s.source.feature as usize,
            file: file(s.source),
            name: s.name.clone(),
            population: s.population,
            time_min: r.minutes,
            nearest_facility: nearest.map(|f| f.source.feature as usize),
            nearest_facility_name: nearest.and_then(|f| f.name.clone()),
            nearest_facility_kind: nearest.map(|f| f.kind),
            within_limit: r.minutes.is_some_and(|m| m <= limit_min),
            offroad_m: r.offroad_m,
            special_area,
            osm: None,
            population_estimated: None,
        });
    }
    settlements
}

/// One row per admin unit: its place in the hierarchy and the tally of its settlements.
fn admin_rows(layers: &Layers, hierarchy: &Hierarchy, figures: &Figures) -> Vec<AdminRow> {
    layers
        .unit_ids()
        .zip(&figures.units)
        .map(|(i, t)| {
            let unit = layers.unit(i);
            let node = hierarchy.node(i);
            AdminRow {
                unit: i,
                level: node.level,
                parent: node.parent,
                unit_population: node.population,
                population_source: node.population_source,
                flags: unit.flags.clone(),
                name: unit.name.clone(),
                code: unit.code.clone(),
                population_given: unit.population,
                population: t.total,
                population_within_limit: t.within,
                share_within_limit: t.share(),
                mean_time_min: t.mean(),
                settlements: t.count,
                settlements_beyond_limit: t.beyond,
            }
        })
        .collect()
}

/// What the figures cannot say: no roads, no service point, nobody to count.
fn caveats(layers: &Layers, reach: &Reach) -> Vec<Caveat> {
    let mut caveats = Vec::new();
    if reach.straight_line {
        caveats.push(Caveat::StraightLine { mode: reach.mode });
    }
    if reach.service_points.is_empty() {
        caveats.push(Caveat::NoServicePoint);
    }
    if layers.settlements.is_empty() {
        caveats.push(Caveat::NoSettlements);
    }
    caveats
}
