//! Where to build next: the candidate sites that bring the most residents within the limit
//! (maximal covering, K sites) or the fewest that bring a target share within it (set
//! covering), existing medical service points counted, with a proven upper bound.
//!
//! Parts: `candidates` (the user's points, or points generated at the settlements beyond the
//! limit and along the roads near them), `coverage` (who each candidate would bring within the
//! limit, from searches that stop at the limit), `solve` (the covering problems on plain sets).
//! Every figure in a [`Plan`] is measured afresh with the chosen sites added as medical
//! service points: the travel times of `RULES.md`, not the optimiser's own arithmetic.
//!
//! [`access`]: capacity-limited coverage of the existing facilities (the two-step floating
//! catchment and its stepped and Gaussian variants, as PySAL's `access` defines them).

pub mod access;
pub mod candidates;
mod coverage;
pub mod solve;

pub use candidates::{generate, CandidateSource, DEFAULT_SPACING_M};

use crate::engine::crs::LonLat;
use crate::engine::model::{Facility, FacilityKind, Layers, Source};
use crate::engine::network::Mode;
use crate::engine::progress::{Progress, Stage};
use crate::engine::routing::Reach;
use serde::{Deserialize, Serialize};
use solve::Instance;

/// What to optimise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Objective {
    /// Choose at most this many sites to bring the most residents within the limit.
    MaxCovering {
        /// Sites to add.
        k: usize,
    },
    /// Choose the fewest sites that bring this share (0–1) of residents within the limit.
    SetCovering {
        /// The share to reach.
        target_share: f64,
    },
}

/// A request for site suggestions.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    /// What to optimise.
    pub objective: Objective,
    /// The limit in minutes.
    pub limit_min: f64,
    /// The kind the new sites get.
    pub kind: FacilityKind,
    /// Where sites may go.
    pub candidates: CandidateSource,
}

/// Why no plan can be made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PlanError {
    /// There is no candidate site.
    NoCandidates,
    /// More sites asked for than there are candidates.
    MoreSitesThanCandidates {
        /// Sites asked for.
        k: usize,
        /// Candidates there are.
        candidates: usize,
    },
    /// K is zero.
    NoSites,
    /// The target share is not a number from 0 to 1.
    TargetShare(f64),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::NoCandidates => write!(f, "there is no candidate site"),
            PlanError::MoreSitesThanCandidates { k, candidates } => write!(
                f,
                "{k} sites asked for but there are only {candidates} candidates"
            ),
            PlanError::NoSites => write!(f, "ask for at least one site"),
            PlanError::TargetShare(s) => {
                write!(
                    f,
                    "target share {s}: give a share from 0 to 1 (1 = everyone)"
                )
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// One suggested site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedSite {
    /// Its position in the user's candidate file, `None` when generated.
    pub candidate: Option<usize>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Residents brought within the limit whose nearest service point it becomes.
    pub added_population: f64,
    /// Length of its off-road leg to the network, metres (`None` without roads).
    pub offroad_m: Option<f64>,
}

/// Site suggestions and what they give.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// `max_covering` or `set_covering`.
    pub objective: String,
    /// The mode.
    pub mode: Mode,
    /// The limit in minutes.
    pub limit_min: f64,
    /// All residents.
    pub population_total: f64,
    /// Residents within the limit now.
    pub population_within_limit_before: f64,
    /// Residents within the limit with the sites added.
    pub population_within_limit_after: f64,
    /// A proven upper bound on `population_within_limit_after` for as many sites (existing
    /// coverage included); `None` when none was proven.
    pub upper_bound_population: Option<f64>,
    /// The sites, in the order of what each adds.
    pub sites: Vec<PlannedSite>,
    /// The choice is proven best (for set covering: proven the fewest).
    pub proven_optimal: bool,
    /// For set covering: the share asked for and whether it is reached.
    pub target_share: Option<f64>,
    /// For set covering: whether the target share is reached.
    pub target_reached: Option<bool>,
    /// Candidates considered.
    pub candidates_considered: usize,
    /// Whether the candidates were generated.
    pub candidates_generated: bool,
}

impl Plan {
    /// How far the result may be from the best possible, as a share of the bound: 0 when
    /// proven optimal, `None` without a bound.
    pub fn gap(&self) -> Option<f64> {
        let ub = self.upper_bound_population?;
        Some(if ub > 0.0 {
            ((ub - self.population_within_limit_after) / ub).max(0.0)
        } else {
            0.0
        })
    }
}

/// A candidate site.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// Where.
    pub at: LonLat,
    /// Its position in the user's file, `None` when generated.
    pub index: Option<usize>,
}

/// Suggests sites for `request` on `layers`, whose travel times are `baseline` (its mode, its
/// network: the sites join that network, which is not built again).
pub fn suggest(
    layers: &Layers,
    baseline: &Reach,
    request: &PlanRequest,
    progress: Progress,
) -> Result<Plan, PlanError> {
    let limit = request.limit_min;
    let covered_now: Vec<bool> = baseline
        .settlements
        .iter()
        .map(|r| r.minutes.is_some_and(|m| m <= limit))
        .collect();
    let candidates = match &request.candidates {
        CandidateSource::Given(points) => points
            .iter()
            .enumerate()
            .map(|(i, &at)| Candidate { at, index: Some(i) })
            .collect(),
        CandidateSource::Generated { spacing_m } => {
            generate(layers, baseline, &covered_now, *spacing_m)
        }
    };
    match request.objective {
        Objective::MaxCovering { k: 0 } => return Err(PlanError::NoSites),
        Objective::MaxCovering { k } if k > candidates.len() && !candidates.is_empty() => {
            return Err(PlanError::MoreSitesThanCandidates {
                k,
                candidates: candidates.len(),
            })
        }
        Objective::SetCovering { target_share } if !(0.0..=1.0).contains(&target_share) => {
            return Err(PlanError::TargetShare(target_share))
        }
        _ => {}
    }
    if candidates.is_empty() {
        return Err(PlanError::NoCandidates);
    }
    progress(Stage::Planning, 0, 3);
    // Who each candidate would bring within the limit, every candidate joined to the
    // analysis's own network.
    let points: Vec<LonLat> = candidates.iter().map(|c| c.at).collect();
    let placed = coverage::Placed::new(baseline, &points);
    let reached = placed.within_limit(limit);
    progress(Stage::Planning, 1, 3);
    let population_total: f64 = layers.settlements.iter().map(|s| s.population).sum();
    let before: f64 = layers
        .settlements
        .iter()
        .zip(&covered_now)
        .filter(|(_, &c)| c)
        .map(|(s, _)| s.population)
        .sum();
    let instance = Instance {
        weight: layers
            .settlements
            .iter()
            .zip(&covered_now)
            .map(|(s, &c)| if c { 0.0 } else { s.population })
            .collect(),
        sets: reached,
    }
    .reduced();
    let (solution, target) = match request.objective {
        Objective::MaxCovering { k } => (solve::max_covering(&instance, k), None),
        Objective::SetCovering { target_share } => {
            let need = (target_share * population_total - before).max(0.0);
            let (s, reached) = solve::set_covering(&instance, need);
            (s, Some((target_share, reached)))
        }
    };
    progress(Stage::Planning, 2, 3);
    // Everyone's time with the chosen sites added: the figures reported.
    let existing = layers.facilities.len();
    let after = placed.times_with(&solution.chosen);
    let mut added = vec![0.0; solution.chosen.len()];
    let mut within_after = 0.0;
    for ((s, r), &was) in layers.settlements.iter().zip(&after).zip(&covered_now) {
        if let Some((_, f)) = r.filter(|(m, _)| *m <= limit) {
            within_after += s.population;
            if !was && f.index() >= existing {
                added[f.index() - existing] += s.population;
            }
        }
    }
    progress(Stage::Planning, 3, 3);
    Ok(Plan {
        objective: match request.objective {
            Objective::MaxCovering { .. } => "max_covering",
            Objective::SetCovering { .. } => "set_covering",
        }
        .to_string(),
        mode: baseline.mode,
        limit_min: limit,
        population_total,
        population_within_limit_before: before,
        population_within_limit_after: within_after,
        upper_bound_population: Some((before + solution.upper_bound).max(within_after)),
        sites: solution
            .chosen
            .iter()
            .zip(&added)
            .map(|(&j, &a)| PlannedSite {
                candidate: candidates[j].index,
                lon: candidates[j].at.lon,
                lat: candidates[j].at.lat,
                added_population: a,
                offroad_m: placed.offroad_m(j),
            })
            .collect(),
        proven_optimal: solution.proven_optimal,
        target_share: target.map(|t| t.0),
        target_reached: target.map(|t| t.1),
        candidates_considered: candidates.len(),
        candidates_generated: matches!(request.candidates, CandidateSource::Generated { .. }),
    })
}

/// `layers` with `sites` added as facilities of `kind` after the existing ones, planned;
/// medical service points when `serve`.
pub fn with_sites(layers: &Layers, sites: &[Candidate], kind: FacilityKind, serve: bool) -> Layers {
    let mut out = layers.clone();
    out.facilities
        .extend(sites.iter().enumerate().map(|(i, c)| Facility {
            source: Source {
                file: u32::MAX,
                feature: i as u32,
            },
            name: None,
            kind,
            primary_care: serve,
            at: c.at,
            grade: None,
            ownership: None,
            lead: false,
            centers: Vec::new(),
            admin_code: None,
            planned: true,
            capacity: Default::default(),
        }));
    out
}
