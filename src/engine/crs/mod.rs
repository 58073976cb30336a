//! Projection of WGS84 longitude/latitude to metres in one UTM zone.
//!
//! Every length and off-road leg is measured in the plane of the UTM zone (WGS84) of the centre
//! of the bounding box of everything loaded, as `RULES.md` ("Travel time") prescribes. The
//! forward transform is Krüger's series to sixth order in the third flattening (Karney 2011),
//! the same formulation PROJ uses for `+proj=utm`; it agrees with it to well under a millimetre
//! within a zone.

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

/// A UTM zone on the WGS84 ellipsoid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UtmZone {
    /// Zone number, 1 to 60.
    pub number: u8,
    /// True for the northern hemisphere (no false northing).
    pub north: bool,
}

impl UtmZone {
    /// The zone that contains `centre`: `floor((lon + 180) / 6) + 1`, north when `lat >= 0`.
    ///
    /// # Examples
    /// ```
    /// use medreach::engine::crs::{LonLat, UtmZone};
    /// let z = UtmZone::containing(LonLat { lon: 1.52, lat: 42.5 });
    /// assert_eq!((z.number, z.north), (31, true));
    /// assert_eq!(z.epsg(), 32631);
    /// ```
    pub fn containing(centre: LonLat) -> UtmZone {
        let n = ((centre.lon + 180.0) / 6.0).floor() as i64 + 1;
        UtmZone {
            number: n.clamp(1, 60) as u8,
            north: centre.lat >= 0.0,
        }
    }

    /// The EPSG code of this zone (326xx north, 327xx south).
    pub fn epsg(self) -> u32 {
        (if self.north { 32600 } else { 32700 }) + u32::from(self.number)
    }

    /// Longitude of the zone's central meridian, in degrees.
    pub fn central_meridian_deg(self) -> f64 {
        f64::from(self.number) * 6.0 - 183.0
    }
}

const A_M: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;
const K0: f64 = 0.9996;
const FALSE_EASTING_M: f64 = 500_000.0;
const FALSE_NORTHING_SOUTH_M: f64 = 10_000_000.0;

/// Forward transverse-Mercator projection into one UTM zone.
#[derive(Clone, Debug)]
pub struct Projector {
    zone: UtmZone,
    lon0_rad: f64,
    /// `k0 * A`, the scaled rectifying radius, in metres.
    k0_a: f64,
    /// Eccentricity of the ellipsoid.
    e: f64,
    alpha: [f64; 6],
}

impl Projector {
    /// A projector for `zone`.
    pub fn new(zone: UtmZone) -> Projector {
        let n = F / (2.0 - F);
        let (n2, n3) = (n * n, n * n * n);
        let (n4, n5, n6) = (n3 * n, n3 * n2, n3 * n3);
        let a_rect = A_M / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        let alpha = [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1_983_433.0 * n6 / 1_935_360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
                + 15061.0 * n5 / 26880.0
                + 167_603.0 * n6 / 181_440.0,
            49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
            34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
            212_378_941.0 * n6 / 319_334_400.0,
        ];
        Projector {
            zone,
            lon0_rad: zone.central_meridian_deg().to_radians(),
            k0_a: K0 * a_rect,
            e: (F * (2.0 - F)).sqrt(),
            alpha,
        }
    }

    /// The zone this projector maps into.
    pub fn zone(&self) -> UtmZone {
        self.zone
    }

    /// Projects `p` to metres.
    ///
    /// # Examples
    /// ```
    /// use medreach::engine::crs::{LonLat, Projector, UtmZone};
    /// let p = Projector::new(UtmZone { number: 31, north: true });
    /// let xy = p.project(LonLat { lon: 3.0, lat: 0.0 });
    /// assert!((xy.x - 500_000.0).abs() < 1e-6 && xy.y.abs() < 1e-6);
    /// ```
    pub fn project(&self, p: LonLat) -> Xy {
        let phi = p.lat.to_radians();
        let lam = p.lon.to_radians() - self.lon0_rad;
        let sin_phi = phi.sin();
        let t = (sin_phi.atanh() - self.e * (self.e * sin_phi).atanh()).sinh();
        let xi_p = t.atan2(lam.cos());
        let eta_p = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
        let mut xi = xi_p;
        let mut eta = eta_p;
        for (j, a) in self.alpha.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi += a * (k * xi_p).sin() * (k * eta_p).cosh();
            eta += a * (k * xi_p).cos() * (k * eta_p).sinh();
        }
        let y0 = if self.zone.north {
            0.0
        } else {
            FALSE_NORTHING_SOUTH_M
        };
        Xy {
            x: FALSE_EASTING_M + self.k0_a * eta,
            y: y0 + self.k0_a * xi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_formula_follows_rules() {
        assert_eq!(
            UtmZone::containing(LonLat {
                lon: -180.0,
                lat: 1.0
            })
            .number,
            1
        );
        assert_eq!(
            UtmZone::containing(LonLat {
                lon: 9.5,
                lat: 47.1
            })
            .number,
            32
        );
        assert_eq!(
            UtmZone::containing(LonLat {
                lon: 116.4,
                lat: 39.9
            })
            .number,
            50
        );
        assert!(
            !UtmZone::containing(LonLat {
                lon: 0.0,
                lat: -0.1
            })
            .north
        );
        assert_eq!(
            UtmZone::containing(LonLat {
                lon: 180.0,
                lat: 0.0
            })
            .number,
            60
        );
    }

    /// Reference values computed with PROJ 9 through pyproj
    /// (`Transformer.from_crs("EPSG:4326", "EPSG:326xx", always_xy=True)`).
    #[test]
    #[allow(clippy::inconsistent_digit_grouping)]
    fn matches_proj() {
        let cases = [
            (
                31,
                true,
                1.5212467,
                42.5069391,
                378_508.7988,
                4_707_123.0352,
            ),
            (23, false, -45.0, -23.0, 500_000.0, 7_456_480.236_4),
            (50, true, 118.9, 40.7, 660_519.693_4, 4_507_191.000_7),
        ];
        for (number, north, lon, lat, x, y) in cases {
            let xy = Projector::new(UtmZone { number, north }).project(LonLat { lon, lat });
            assert!((xy.x - x).abs() < 1e-3, "{xy:?}");
            assert!((xy.y - y).abs() < 1e-3, "{xy:?}");
        }
    }
}
