//! Residents estimated from residential buildings: floor area per person, or an admin unit's
//! own population spread over the buildings inside it by floor area.

use super::{ResidentialBuilding, DEFAULT_FLOOR_M2_PER_PERSON};
use crate::engine::model::{AdminUnit, Settlement};
use serde::{Deserialize, Serialize};

/// Residents estimated from buildings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ResidentEstimate {
    /// One settlement per building, at its centroid, named "… (estimate)".
    pub settlements: Vec<Settlement>,
    /// Admin units whose own population was spread over their buildings.
    pub units_spread: usize,
    /// Remarks (a unit's population with no building to place it on, …).
    pub notes: Vec<String>,
}

/// Estimates residents from residential buildings.
///
/// A building in no admin unit with a population houses floor area ÷ `floor_m2_per_person`
/// residents. Each admin unit with a population spreads it over the buildings it contains (a
/// building belongs to the smallest such unit containing its centroid) in proportion to their
/// floor area; a unit nested in a larger populated unit is taken out of the larger one first
/// (the larger unit spreads its population minus the nested units'). A non-positive or
/// non-finite `floor_m2_per_person` is replaced by [`DEFAULT_FLOOR_M2_PER_PERSON`].
///
/// # Examples
/// ```
/// use medreach::engine::model::Source;
/// use medreach::engine::io::osm::{estimate_residents, ResidentialBuilding};
/// use medreach::engine::crs::LonLat;
/// let house = ResidentialBuilding {
///     source: Source { file: 0, feature: 0 },
///     way_id: 7,
///     name: None,
///     at: LonLat { lon: 9.5, lat: 47.1 },
///     footprint_m2: 120.0,
///     levels: 2.0,
/// };
/// let estimate = estimate_residents(&[house], &[], 40.0);
/// assert_eq!(estimate.settlements[0].population, 6.0);
/// assert_eq!(estimate.settlements[0].name.as_deref(), Some("building 7 (estimate)"));
/// ```
pub fn estimate_residents(
    buildings: &[ResidentialBuilding],
    admin: &[AdminUnit],
    floor_m2_per_person: f64,
) -> ResidentEstimate {
    use geo::{Area, BoundingRect, Contains, InteriorPoint};
    let per_person = if floor_m2_per_person.is_finite() && floor_m2_per_person > 0.0 {
        floor_m2_per_person
    } else {
        DEFAULT_FLOOR_M2_PER_PERSON
    };
    struct Unit {
        index: usize,
        population: f64,
        shape: geo::MultiPolygon<f64>,
        bbox: Option<geo::Rect<f64>>,
        area: f64,
    }
    let units: Vec<Unit> = admin
        .iter()
        .enumerate()
        .filter_map(|(index, u)| {
            let population = u.population.filter(|p| p.is_finite() && *p >= 0.0)?;
            let shape = crate::engine::model::to_geo(&u.polygons);
            Some(Unit {
                index,
                population,
                bbox: shape.bounding_rect(),
                area: shape.unsigned_area(),
                shape,
            })
        })
        .collect();
    // The smallest populated unit containing a point, other than `except`, larger than `above`.
    let smallest = |p: geo::Point<f64>, except: Option<usize>, above: f64| -> Option<usize> {
        (0..units.len())
            .filter(|&k| Some(k) != except && units[k].area > above)
            .filter(|&k| {
                units[k].bbox.is_some_and(|bb| bb.contains(&p)) && units[k].shape.contains(&p)
            })
            .min_by(|&x, &y| units[x].area.total_cmp(&units[y].area))
    };
    let owner: Vec<Option<usize>> = buildings
        .iter()
        .map(|b| smallest(geo::Point::new(b.at.lon, b.at.lat), None, -1.0))
        .collect();
    let mut own: Vec<f64> = units.iter().map(|u| u.population).collect();
    for (k, u) in units.iter().enumerate() {
        let parent = u
            .shape
            .interior_point()
            .and_then(|p| smallest(p, Some(k), u.area));
        if let Some(parent) = parent {
            own[parent] -= u.population;
        }
    }
    let mut floor = vec![0.0; units.len()];
    for (b, o) in buildings.iter().zip(&owner) {
        if let Some(k) = o {
            floor[*k] += b.floor_m2();
        }
    }
    let mut notes = Vec::new();
    let unit_name = |k: usize| {
        admin[units[k].index]
            .name
            .clone()
            .unwrap_or_else(|| format!("#{}", units[k].index))
    };
    for k in 0..units.len() {
        if own[k] < 0.0 {
            notes.push(format!(
                "admin unit {}: the populations of the units inside it add up to more than its own {}; none is left for its other buildings",
                unit_name(k),
                units[k].population
            ));
            own[k] = 0.0;
        } else if own[k] > 0.0 && floor[k] <= 0.0 {
            notes.push(format!(
                "admin unit {}: no residential building inside to place its population {} on; it is not counted",
                unit_name(k),
                own[k]
            ));
        }
    }
    let units_spread = floor.iter().filter(|f| **f > 0.0).count();
    let settlements = buildings
        .iter()
        .zip(&owner)
        .map(|(b, o)| {
            let population = match o {
                Some(k) => own[*k] * b.floor_m2() / floor[*k],
                None => b.floor_m2() / per_person,
            };
            let name = match &b.name {
                Some(n) => format!("{n} (estimate)"),
                None => format!("building {} (estimate)", b.way_id),
            };
            Settlement {
                source: b.source,
                name: Some(name),
                population,
                at: b.at,
                admin_code: None,
            }
        })
        .collect();
    ResidentEstimate {
        settlements,
        units_spread,
        notes,
    }
}
