//! The 14 rules of `docs/RULES.md` on small hand-made cases: for each rule one case
//! where it fires and one where it passes, with its exceptions and parameters.
//!
//! Every case is GeoJSON text built with `support::geojson::Scene`: admin units are
//! axis-aligned lon/lat rectangles near lon 108.5, lat 30.5 (adjacent units share an edge
//! exactly), facilities and settlements are points with the properties of `docs/VOCABULARY.md`. Positions are given in metres east and
//! north of (108.5°E, 30.5°N) in UTM zone 49N, the plane MedReach measures in, so travel times
//! can be computed by hand: walking 5 km/h (83.33 m/min) on roads, 4 km/h (66.67 m/min)
//! off-road, and without roads straight lines at 4 km/h (1,000 m = 15 min).
//!
//! One module per rule group (the findings are read with `support::report`): `reach`,
//! `township`, `village`, `urban` (subdistricts and communities), `county`, `planning`; then
//! `catalog` (rules without their data, the catalog, parameters) and `codes` (levels, parents
//! and population sources).

mod catalog;
mod codes;
mod county;
mod planning;
mod reach;
mod township;
mod urban;
mod village;

use crate::support::geojson::{Plane, Scene};
use medreach::engine::crs::{LonLat, Projector, UtmZone};

// ---------------------------------------------------------------------------------------------
// Positions in metres
// ---------------------------------------------------------------------------------------------

const LON0: f64 = 108.5;
const LAT0: f64 = 30.5;

fn projector() -> Projector {
    Projector::new(UtmZone {
        number: 49,
        north: true,
    })
}

/// Metres east and north of (LON0, LAT0) in the UTM zone 49N plane.
pub(super) fn plane() -> Plane {
    Plane::new(LON0, LAT0)
}

/// The lon/lat of the point `x` metres east and `y` metres north of (LON0, LAT0) in the UTM
/// zone 49N plane (the engine's own inverse projection).
fn lonlat(x: f64, y: f64) -> LonLat {
    plane().at(x, y)
}

#[test]
fn positions_are_exact_metre_offsets_in_utm_49n() {
    let p = projector();
    let a = p.project(lonlat(0.0, 0.0));
    let b = p.project(lonlat(300.0, 400.0));
    assert!((a.distance_m(b) - 500.0).abs() < 1e-6);
    let o = lonlat(0.0, 0.0);
    assert!((o.lon - LON0).abs() < 1e-12 && (o.lat - LAT0).abs() < 1e-12);
}

/// The county every scene sits in, covering `[0, 0] – [x1, y1]` metres.
pub(super) fn county(x1: f64, y1: f64) -> Scene {
    Scene::on(plane()).admin("清江县", "县", [0.0, 0.0, x1, y1])
}
