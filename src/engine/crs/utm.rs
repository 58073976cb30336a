//! Projection of WGS84 longitude/latitude to metres in one UTM zone, and back.
//!
//! Every length and off-road leg is measured in the plane of the UTM zone (WGS84) of the centre
//! of the bounding box of everything loaded, as `RULES.md` ("Travel time") prescribes. The
//! forward transform is Krüger's series to sixth order in the third flattening (Karney 2011),
//! the same formulation PROJ uses for `+proj=utm`; it agrees with it to well under a millimetre
//! within a zone. The inverse is Krüger's inverse series, polished by Newton steps on the
//! forward transform so that a round trip returns the same metres to the nanometre.

use super::wgs84::{A_M, F};
use super::{LonLat, Xy};
use serde::{Deserialize, Serialize};

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
    /// Inverse series coefficients.
    beta: [f64; 6],
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
        let beta = [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0
                + 96199.0 * n6 / 604_800.0,
            n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0
                - 1_118_711.0 * n6 / 3_870_720.0,
            17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
            4397.0 * n4 / 161_280.0 - 11.0 * n5 / 504.0 - 830_251.0 * n6 / 7_257_600.0,
            4583.0 * n5 / 161_280.0 - 108_847.0 * n6 / 3_991_680.0,
            20_648_693.0 * n6 / 638_668_800.0,
        ];
        Projector {
            zone,
            lon0_rad: zone.central_meridian_deg().to_radians(),
            k0_a: K0 * a_rect,
            e: (F * (2.0 - F)).sqrt(),
            alpha,
            beta,
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
    /// The position that projects to `xy`: the inverse of [`Projector::project`].
    ///
    /// # Examples
    /// ```
    /// use medreach::engine::crs::{LonLat, Projector, UtmZone, Xy};
    /// let p = Projector::new(UtmZone { number: 50, north: true });
    /// let o = p.project(LonLat { lon: 116.0, lat: 40.0 });
    /// let q = p.unproject(Xy { x: o.x + 1000.0, y: o.y });
    /// let back = p.project(q);
    /// assert!((back.x - o.x - 1000.0).abs() < 1e-9 && (back.y - o.y).abs() < 1e-9);
    /// ```
    pub fn unproject(&self, xy: Xy) -> LonLat {
        let mut p = self.inverse_series(xy);
        // Newton steps on the forward series: the round trip then returns `xy` to the
        // nanometre (the series alone is good to a few nanometres in a zone).
        let h = 1e-7;
        for _ in 0..4 {
            let f = self.project(p);
            let (ex, ey) = (xy.x - f.x, xy.y - f.y);
            if ex.hypot(ey) < 1e-10 {
                break;
            }
            let e = self.project(LonLat {
                lon: p.lon + h,
                lat: p.lat,
            });
            let n = self.project(LonLat {
                lon: p.lon,
                lat: p.lat + h,
            });
            let (a, b) = ((e.x - f.x) / h, (n.x - f.x) / h);
            let (c, d) = ((e.y - f.y) / h, (n.y - f.y) / h);
            let det = a * d - b * c;
            p.lon += (d * ex - b * ey) / det;
            p.lat += (a * ey - c * ex) / det;
        }
        p
    }

    /// Krüger's inverse series (Karney 2011, eqs. 11, 15, 18–21).
    fn inverse_series(&self, xy: Xy) -> LonLat {
        let y0 = if self.zone.north {
            0.0
        } else {
            FALSE_NORTHING_SOUTH_M
        };
        let xi = (xy.y - y0) / self.k0_a;
        let eta = (xy.x - FALSE_EASTING_M) / self.k0_a;
        let (mut xi_p, mut eta_p) = (xi, eta);
        for (j, b) in self.beta.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi_p -= b * (k * xi).sin() * (k * eta).cosh();
            eta_p -= b * (k * xi).cos() * (k * eta).sinh();
        }
        let tau_p = xi_p.sin() / (eta_p.sinh().powi(2) + xi_p.cos().powi(2)).sqrt();
        let lam = eta_p.sinh().atan2(xi_p.cos());
        // τ from τ′ by Newton's method (Karney 2011, eqs. 7, 19–21).
        let e = self.e;
        let e2m = 1.0 - e * e;
        let mut tau = tau_p;
        for _ in 0..8 {
            let s1 = (1.0 + tau * tau).sqrt();
            let sigma = (e * (e * tau / s1).atanh()).sinh();
            let tau_i = tau * (1.0 + sigma * sigma).sqrt() - sigma * s1;
            let d = (tau_p - tau_i) / (1.0 + tau_i * tau_i).sqrt() * (1.0 + e2m * tau * tau)
                / (e2m * s1);
            tau += d;
            if d.abs() < 1e-14 * tau.abs().max(1.0) {
                break;
            }
        }
        LonLat {
            lon: (self.lon0_rad + lam).to_degrees(),
            lat: tau.atan().to_degrees(),
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

    /// The inverse returns what the forward projection was given, in both hemispheres and
    /// across a zone, and the forward projection of the inverse returns the metres.
    #[test]
    fn inverse_round_trips() {
        for (number, north, lon0, lat0) in [(50, true, 116.0, 40.0), (23, false, -45.0, -23.0)] {
            let p = Projector::new(UtmZone { number, north });
            for dlon in [-3.0, -1.2, 0.0, 0.7, 2.9] {
                for dlat in [-2.0, 0.0, 1.5] {
                    let q = LonLat {
                        lon: lon0 + dlon,
                        lat: lat0 + dlat,
                    };
                    let xy = p.project(q);
                    let r = p.inverse_series(xy);
                    assert!((r.lon - q.lon).abs() < 1e-9 && (r.lat - q.lat).abs() < 1e-9);
                    let back = p.project(p.unproject(xy));
                    assert!(back.distance_m(xy) < 1e-9, "{q:?}");
                }
            }
        }
    }
}
