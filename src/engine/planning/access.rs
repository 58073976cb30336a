//! Capacity-limited coverage: the two-step floating catchment area (2SFCA) and its weighted
//! variants, as PySAL's `access` package defines them (`access.fca.two_stage_fca`).
//!
//! A supplier is a medical service point with the chosen capacity ([`CapacityField`]); its
//! catchment is every settlement whose travel time to it is at or below the catchment time
//! (inclusive: 15 minutes means ≤ 15.0). With `w(t)` the method's weight of a time `t`:
//!
//! 1. each supplier `j` has a *demand* `D_j = Σ w(t_ij) · P_i` over the settlements `i` in its
//!    catchment (`P_i` its residents) and a *ratio* `R_j = S_j / D_j` (`S_j` its capacity);
//! 2. each settlement `i` has the ratio `A_i = Σ w(t_ij) · R_j` over the suppliers `j` in
//!    whose catchment it lies: capacity units per resident (not per 1,000).
//!
//! The weights ([`Method`]):
//!
//! - `2sfca`: `w = 1` (Luo and Wang 2003); PySAL's `two_stage_fca` without a weight function.
//! - `e2sfca`: a step function (Luo and Qi 2009), `w(t)` the weight of the first step whose
//!   upper bound is at or above `t`, 0 beyond the last; by default PySAL's
//!   `enhanced_two_stage_fca` steps `{10: 1, 20: 0.68, 30: 0.22}` (minutes: weight). With the
//!   15-minute catchment only the first two apply.
//! - `g2sfca`: a Gaussian, `w(t) = exp(−t² / (2σ²))`, PySAL's `weights.gaussian(σ)` (not
//!   normalised: `w(0) = 1`); σ = 20 minutes by default, as PySAL's own example of the method
//!   (`enhanced_two_stage_fca(name="g2sfca", weight_fn=weights.gaussian(20))`).
//!
//! Where PySAL has no answer, this module says what it does. A supplier whose demand is 0
//! (nobody in its catchment, or only settlements without residents or with weight 0) has no
//! ratio (`None`; PySAL would divide by zero) and adds nothing to any settlement's ratio. A
//! settlement in no supplier's catchment has ratio 0. A service point without the chosen
//! capacity is not a supplier: [`Access::without_capacity`] lists it, and when no service
//! point has the capacity the analysis is refused ([`AccessError::NoCapacity`]). Facilities
//! that are not medical service points never supply.

use crate::engine::model::{CapacityField, FacilityId, Layers, SettlementId};
use crate::engine::network::Mode;
use crate::engine::routing::Reach;
use serde::{Deserialize, Serialize};

/// PySAL's `enhanced_two_stage_fca` default steps: `(upper bound in minutes, weight)`.
pub const DEFAULT_STEPS: [(f64, f64); 3] = [(10.0, 1.0), (20.0, 0.68), (30.0, 0.22)];

/// The Gaussian width of PySAL's example of the Gaussian 2SFCA, in minutes.
pub const DEFAULT_SIGMA_MIN: f64 = 20.0;

/// How a travel time weighs in both steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Every time in the catchment weighs 1 (`2sfca`).
    TwoStep,
    /// Stepped weights (`e2sfca`): `(upper bound in minutes, weight)`, bounds ascending.
    Enhanced {
        /// The steps, by ascending bound.
        steps: Vec<(f64, f64)>,
    },
    /// Gaussian weights (`g2sfca`): `exp(−t² / (2σ²))`.
    Gaussian {
        /// σ, in minutes.
        sigma_min: f64,
    },
}

impl Method {
    /// The stable id: `2sfca`, `e2sfca` or `g2sfca`.
    pub fn id(&self) -> &'static str {
        match self {
            Method::TwoStep => "2sfca",
            Method::Enhanced { .. } => "e2sfca",
            Method::Gaussian { .. } => "g2sfca",
        }
    }

    /// The method `id` names, with PySAL's default steps or width.
    pub fn with_defaults(id: &str) -> Option<Method> {
        match id.trim().to_ascii_lowercase().as_str() {
            "2sfca" => Some(Method::TwoStep),
            "e2sfca" => Some(Method::Enhanced {
                steps: DEFAULT_STEPS.to_vec(),
            }),
            "g2sfca" => Some(Method::Gaussian {
                sigma_min: DEFAULT_SIGMA_MIN,
            }),
            _ => None,
        }
    }

    /// The weight of a travel time of `minutes`.
    pub fn weight(&self, minutes: f64) -> f64 {
        match self {
            Method::TwoStep => 1.0,
            Method::Enhanced { steps } => steps
                .iter()
                .find(|&&(bound, _)| minutes <= bound)
                .map_or(0.0, |&(_, w)| w),
            Method::Gaussian { sigma_min } => {
                (-minutes * minutes / (2.0 * sigma_min.powi(2))).exp()
            }
        }
    }

    /// Checks the parameters: steps finite, with distinct bounds in ascending order and
    /// non-negative weights, at least one; σ finite and positive.
    pub fn validate(&self) -> Result<(), AccessError> {
        match self {
            Method::TwoStep => Ok(()),
            Method::Enhanced { steps } => {
                let finite = steps
                    .iter()
                    .all(|&(b, w)| b.is_finite() && w.is_finite() && w >= 0.0);
                let ascending = steps.windows(2).all(|p| p[0].0 < p[1].0);
                if steps.is_empty() || !finite || !ascending {
                    return Err(AccessError::Steps(steps.clone()));
                }
                Ok(())
            }
            Method::Gaussian { sigma_min } => {
                if sigma_min.is_finite() && *sigma_min > 0.0 {
                    Ok(())
                } else {
                    Err(AccessError::Sigma(*sigma_min))
                }
            }
        }
    }
}

/// The result of the floating catchment on plain numbers ([`floating_catchment`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Ratios {
    /// Per demand point, its ratio (0 when in no catchment).
    pub settlements: Vec<f64>,
    /// Per supplier, its ratio: capacity over demand, `None` when its demand is 0.
    pub suppliers: Vec<Option<f64>>,
    /// Per supplier, its (weighted) demand: the denominator of its ratio.
    pub demand: Vec<f64>,
    /// Per supplier, the residents in its catchment, unweighted.
    pub population: Vec<f64>,
}

/// The floating catchment on plain numbers: `population` per demand point, `capacity` per
/// supplier, and per supplier its catchment as `(demand point, minutes)` pairs; pairs beyond
/// `catchment_min` are ignored. See the module's documentation for the formulas.
///
/// ```
/// use medreach::engine::planning::access::{floating_catchment, Method};
/// // Two villages of 100 and 300 residents; a clinic with 2 doctors that both reach (5 and
/// // 12 minutes), and one with 1 doctor that only the second reaches (8 minutes).
/// let population = [100.0, 300.0];
/// let doctors = [2.0, 1.0];
/// let catchments = vec![vec![(0, 5.0), (1, 12.0)], vec![(1, 8.0)]];
/// let r = floating_catchment(&population, &doctors, &catchments, 15.0, &Method::TwoStep);
/// assert_eq!(r.demand, vec![400.0, 300.0]);
/// assert_eq!(r.suppliers, vec![Some(2.0 / 400.0), Some(1.0 / 300.0)]);
/// assert_eq!(r.settlements, vec![2.0 / 400.0, 2.0 / 400.0 + 1.0 / 300.0]);
/// // Stepped weights: 12 minutes weighs 0.68 (PySAL's default steps).
/// let e = Method::with_defaults("e2sfca").unwrap();
/// let r = floating_catchment(&population, &doctors, &catchments, 15.0, &e);
/// assert_eq!(r.demand[0], 100.0 + 0.68 * 300.0);
/// ```
pub fn floating_catchment(
    population: &[f64],
    capacity: &[f64],
    catchments: &[Vec<(u32, f64)>],
    catchment_min: f64,
    method: &Method,
) -> Ratios {
    let within = |c: &[(u32, f64)]| {
        c.iter()
            .filter(|&&(_, t)| t <= catchment_min)
            .map(|&(i, t)| (i as usize, method.weight(t)))
            .collect::<Vec<_>>()
    };
    let weighted: Vec<Vec<(usize, f64)>> = catchments.iter().map(|c| within(c)).collect();
    // Folded from +0.0: an empty catchment's demand is 0, not the −0.0 `f64::sum` starts from.
    let demand: Vec<f64> = weighted
        .iter()
        .map(|c| c.iter().fold(0.0, |d, &(i, w)| d + w * population[i]))
        .collect();
    let people: Vec<f64> = weighted
        .iter()
        .map(|c| c.iter().fold(0.0, |d, &(i, _)| d + population[i]))
        .collect();
    let suppliers: Vec<Option<f64>> = capacity
        .iter()
        .zip(&demand)
        .map(|(&s, &d)| (d > 0.0).then(|| s / d))
        .collect();
    let mut settlements = vec![0.0; population.len()];
    for (c, r) in weighted.iter().zip(&suppliers) {
        if let Some(r) = r {
            for &(i, w) in c {
                settlements[i] += w * r;
            }
        }
    }
    Ratios {
        settlements,
        suppliers,
        demand,
        population: people,
    }
}

/// What to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessRequest {
    /// The capacity each supplier offers.
    pub field: CapacityField,
    /// The catchment time in minutes (inclusive).
    pub catchment_min: f64,
    /// The weights.
    pub method: Method,
}

/// Why capacity-limited coverage cannot be computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AccessError {
    /// No medical service point gives the chosen capacity.
    NoCapacity {
        /// The capacity asked for.
        field: CapacityField,
        /// Medical service points there are.
        service_points: usize,
    },
    /// The catchment time is not a positive number of minutes.
    Catchment(f64),
    /// The steps are not usable (empty, not ascending, not finite, or a negative weight).
    Steps(Vec<(f64, f64)>),
    /// σ is not a positive number of minutes.
    Sigma(f64),
}

impl std::fmt::Display for AccessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccessError::NoCapacity {
                field,
                service_points,
            } => write!(
                f,
                "none of the {service_points} medical service points gives its {} (attribute {}): give the facilities that attribute or choose another capacity",
                field.id(),
                field.names().join(", ")
            ),
            AccessError::Catchment(m) => {
                write!(f, "catchment of {m} minutes: give a positive number of minutes")
            }
            AccessError::Steps(steps) => write!(
                f,
                "steps {steps:?}: give at least one step as minutes:weight, bounds ascending, weights 0 or more"
            ),
            AccessError::Sigma(s) => {
                write!(f, "sigma of {s} minutes: give a positive number of minutes")
            }
        }
    }
}

impl std::error::Error for AccessError {}

/// One settlement's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementAccess {
    /// The settlement.
    pub id: SettlementId,
    /// Capacity per resident within reach (0 when no supplier is within the catchment).
    pub ratio: f64,
}

/// One supplier's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityAccess {
    /// The facility.
    pub id: FacilityId,
    /// Its capacity.
    pub capacity: f64,
    /// Capacity over demand; `None` when its demand is 0.
    pub ratio: Option<f64>,
    /// Residents in its catchment, weighted by their times for `e2sfca` and `g2sfca`: the
    /// denominator of its ratio.
    pub demand: f64,
    /// Residents in its catchment, unweighted.
    pub population: f64,
    /// The settlements in its catchment and their minutes to it, by settlement.
    pub catchment: Vec<(SettlementId, f64)>,
}

/// Capacity-limited coverage of one mode's travel times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Access {
    /// The weights used.
    pub method: Method,
    /// The capacity used.
    pub field: CapacityField,
    /// The catchment time in minutes.
    pub catchment_min: f64,
    /// The mode of the travel times.
    pub mode: Mode,
    /// Every settlement, in the order of the layers.
    pub settlements: Vec<SettlementAccess>,
    /// Every supplier (a medical service point with the capacity), in the order of the layers.
    pub facilities: Vec<FacilityAccess>,
    /// The medical service points without the capacity, which do not supply.
    pub without_capacity: Vec<FacilityId>,
}

/// Capacity-limited coverage of `layers`, whose travel times are `reach`: every medical
/// service point with the requested capacity supplies it, over a catchment found by a search
/// per supplier that stops at the catchment time ([`Reach::catchments`]).
pub fn capacity_access(
    layers: &Layers,
    reach: &Reach,
    request: &AccessRequest,
) -> Result<Access, AccessError> {
    let limit = request.catchment_min;
    if !(limit.is_finite() && limit > 0.0) {
        return Err(AccessError::Catchment(limit));
    }
    request.method.validate()?;
    let (suppliers, without_capacity): (Vec<FacilityId>, Vec<FacilityId>) = reach
        .service_points
        .iter()
        .partition(|&&f| layers.facility(f).capacity.get(request.field).is_some());
    if suppliers.is_empty() {
        return Err(AccessError::NoCapacity {
            field: request.field,
            service_points: reach.service_points.len(),
        });
    }
    let capacity: Vec<f64> = suppliers
        .iter()
        .map(|&f| {
            layers
                .facility(f)
                .capacity
                .get(request.field)
                .unwrap_or(0.0)
        })
        .collect();
    let population: Vec<f64> = layers.settlements.iter().map(|s| s.population).collect();
    let catchments = reach.catchments(&suppliers, limit);
    let plain: Vec<Vec<(u32, f64)>> = catchments
        .iter()
        .map(|c| c.iter().map(|&(s, m)| (s.index() as u32, m)).collect())
        .collect();
    let ratios = floating_catchment(&population, &capacity, &plain, limit, &request.method);
    let facilities = suppliers
        .iter()
        .zip(catchments)
        .enumerate()
        .map(|(k, (&id, catchment))| FacilityAccess {
            id,
            capacity: capacity[k],
            ratio: ratios.suppliers[k],
            demand: ratios.demand[k],
            population: ratios.population[k],
            catchment,
        })
        .collect();
    Ok(Access {
        method: request.method.clone(),
        field: request.field,
        catchment_min: limit,
        mode: reach.mode,
        settlements: ratios
            .settlements
            .iter()
            .enumerate()
            .map(|(i, &ratio)| SettlementAccess {
                id: SettlementId(i),
                ratio,
            })
            .collect(),
        facilities,
        without_capacity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepped_weights_are_inclusive_and_end_after_the_last_step() {
        let m = Method::with_defaults("e2sfca").unwrap();
        let w: Vec<f64> = [0.0, 10.0, 10.000001, 20.0, 30.0, 30.5]
            .iter()
            .map(|&t| m.weight(t))
            .collect();
        assert_eq!(w, vec![1.0, 1.0, 0.68, 0.68, 0.22, 0.0]);
    }

    #[test]
    fn gaussian_weights_are_pysals() {
        let m = Method::Gaussian { sigma_min: 20.0 };
        // PySAL's docstring: gaussian(sigma=20) at 20, 40, 60.
        for (t, want) in [
            (0.0, 1.0),
            (20.0, 0.6065306597126334),
            (40.0, 0.1353352832366127),
            (60.0, 0.011108996538242306),
        ] {
            assert!((m.weight(t) - want).abs() < 1e-15, "{t}");
        }
    }

    #[test]
    fn a_supplier_without_demand_has_no_ratio_and_adds_nothing() {
        // Supplier 0 reaches only a settlement without residents; supplier 1 reaches nobody;
        // supplier 2 reaches settlement 1 at exactly the catchment and settlement 2 beyond it.
        let population = [0.0, 50.0, 70.0];
        let capacity = [3.0, 4.0, 5.0];
        let catchments = vec![vec![(0, 1.0)], vec![], vec![(1, 15.0), (2, 15.000001)]];
        let r = floating_catchment(&population, &capacity, &catchments, 15.0, &Method::TwoStep);
        assert_eq!(r.suppliers, vec![None, None, Some(0.1)]);
        assert_eq!(r.demand, vec![0.0, 0.0, 50.0]);
        assert!(
            r.demand[1].is_sign_positive(),
            "an empty catchment's demand is +0"
        );
        assert_eq!(r.population, vec![0.0, 0.0, 50.0]);
        assert_eq!(r.settlements, vec![0.0, 0.1, 0.0]);
    }

    #[test]
    fn bad_parameters_are_refused() {
        let steps = |s: &[(f64, f64)]| Method::Enhanced { steps: s.to_vec() }.validate();
        assert!(steps(&[]).is_err());
        assert!(steps(&[(20.0, 1.0), (10.0, 0.5)]).is_err());
        assert!(steps(&[(10.0, -1.0)]).is_err());
        assert!(steps(&[(f64::NAN, 1.0)]).is_err());
        assert!(steps(&DEFAULT_STEPS).is_ok());
        assert!(Method::Gaussian { sigma_min: 0.0 }.validate().is_err());
        assert!(Method::with_defaults("3sfca").is_none());
        assert_eq!(
            Method::with_defaults(" G2SFCA ").map(|m| m.id()),
            Some("g2sfca")
        );
    }
}
