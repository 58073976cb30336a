//! Coordinate systems: WGS84 positions ([`LonLat`]), plane positions in metres ([`Xy`]), the
//! WGS84 ellipsoid, and one file per projection (`tm`: transverse Mercator on any ellipsoid;
//! `utm`: WGS84 ↔ UTM; `china`: GCJ-02 and BD-09), with `system` naming the systems input
//! files come in (EPSG codes, names, candidates for a file that does not say) and `wkt` reading
//! ESRI WKT. Readers convert what they read to WGS84; the engine measures in the UTM plane.

use serde::{Deserialize, Serialize};

/// A WGS84 position in degrees (RFC 7946 order: longitude first).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude in degrees east, −180 to 180.
    pub lon: f64,
    /// Latitude in degrees north, −90 to 90.
    pub lat: f64,
}

/// A projected position in metres (easting `x`, northing `y`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Xy {
    /// Easting in metres.
    pub x: f64,
    /// Northing in metres.
    pub y: f64,
}

impl Xy {
    /// Straight-line distance to `other`, in metres.
    pub fn distance_m(self, other: Xy) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// The WGS84 ellipsoid, the one definition every computation uses.
pub mod wgs84 {
    /// Semi-major axis, metres.
    pub const A_M: f64 = 6_378_137.0;
    /// Flattening.
    pub const F: f64 = 1.0 / 298.257_223_563;
    /// First eccentricity squared, `F (2 − F)` (as the literal the area estimates were
    /// calibrated with).
    pub const E2: f64 = 0.006_694_379_990_141_317;
}

pub mod china;
pub mod system;
mod tm;
mod utm;
pub mod wkt;
pub use system::{Crs, Datum};
pub use tm::TransverseMercator;
pub use utm::{Projector, UtmZone};
