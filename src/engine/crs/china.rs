//! The coordinates of Chinese web maps: GCJ-02 (AMap/高德, Tencent, Google in China), an
//! obfuscated offset of WGS84 by a published formula, and BD-09 (Baidu), a further offset of
//! GCJ-02. Positions copied from those maps are converted to WGS84 here: GCJ-02 by inverting the
//! forward formula iteratively (to well under a millimetre), BD-09 by its published inverse
//! into GCJ-02 first. Outside China the offset is not applied (as the maps do not).

use super::LonLat;
use std::f64::consts::PI;

/// The Krasovsky semi-major axis and eccentricity squared the formula uses.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether the formula applies (the maps' rough box around China).
pub fn in_china(p: LonLat) -> bool {
    (72.004..=137.8347).contains(&p.lon) && (0.8293..=55.8271).contains(&p.lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02, the maps' forward formula.
pub fn wgs84_to_gcj02(p: LonLat) -> LonLat {
    if !in_china(p) {
        return p;
    }
    let d_lat = offset_lat(p.lon - 105.0, p.lat - 35.0);
    let d_lon = offset_lon(p.lon - 105.0, p.lat - 35.0);
    let rad = p.lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    LonLat {
        lon: p.lon + d_lon * 180.0 / (A / sqrt_magic * rad.cos() * PI),
        lat: p.lat + d_lat * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI),
    }
}

/// GCJ-02 → WGS84: the position whose forward offset gives `p` (fixed-point iteration).
pub fn gcj02_to_wgs84(p: LonLat) -> LonLat {
    if !in_china(p) {
        return p;
    }
    let mut w = p;
    for _ in 0..30 {
        let g = wgs84_to_gcj02(w);
        let (dx, dy) = (p.lon - g.lon, p.lat - g.lat);
        w.lon += dx;
        w.lat += dy;
        if dx.abs() < 1e-12 && dy.abs() < 1e-12 {
            break;
        }
    }
    w
}

/// π × 3000 / 180, BD-09's constant.
const X_PI: f64 = PI * 3000.0 / 180.0;

/// BD-09 → GCJ-02: Baidu's published inverse as the first guess, then refined until the
/// forward formula gives `p` back (the published inverse alone is off by up to a metre).
pub fn bd09_to_gcj02(p: LonLat) -> LonLat {
    let (x, y) = (p.lon - 0.0065, p.lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    let mut g = LonLat {
        lon: z * theta.cos(),
        lat: z * theta.sin(),
    };
    for _ in 0..30 {
        let b = gcj02_to_bd09(g);
        let (dx, dy) = (p.lon - b.lon, p.lat - b.lat);
        g.lon += dx;
        g.lat += dy;
        if dx.abs() < 1e-12 && dy.abs() < 1e-12 {
            break;
        }
    }
    g
}

/// GCJ-02 → BD-09 (Baidu's forward formula).
pub fn gcj02_to_bd09(p: LonLat) -> LonLat {
    let (x, y) = (p.lon, p.lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * X_PI).cos();
    LonLat {
        lon: z * theta.cos() + 0.0065,
        lat: z * theta.sin() + 0.006,
    }
}

/// BD-09 → WGS84.
pub fn bd09_to_wgs84(p: LonLat) -> LonLat {
    gcj02_to_wgs84(bd09_to_gcj02(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vector_and_round_trips() {
        // The vector of the widely used eviltransform library's tests (Shanghai).
        let w = LonLat {
            lon: 121.5272106,
            lat: 31.1774276,
        };
        let g = wgs84_to_gcj02(w);
        assert!((g.lon - 121.531541859215).abs() < 1e-9, "{g:?}");
        assert!((g.lat - 31.17530398364597).abs() < 1e-9, "{g:?}");
        let back = gcj02_to_wgs84(g);
        assert!((back.lon - w.lon).abs() < 1e-10 && (back.lat - w.lat).abs() < 1e-10);
        let b = gcj02_to_bd09(g);
        let g2 = bd09_to_gcj02(b);
        assert!((g2.lon - g.lon).abs() < 1e-10 && (g2.lat - g.lat).abs() < 1e-10);
        // Outside China nothing moves.
        let paris = LonLat {
            lon: 2.35,
            lat: 48.85,
        };
        assert_eq!(wgs84_to_gcj02(paris), paris);
    }

    #[test]
    fn coordtransform_vectors_and_millimetre_round_trips() {
        // The README of the coordtransform library (wandergis): Beijing, 116.404 E, 39.915 N.
        let p = LonLat {
            lon: 116.404,
            lat: 39.915,
        };
        let b = gcj02_to_bd09(p);
        assert!((b.lon - 116.41036949371029).abs() < 1e-12, "{b:?}");
        assert!((b.lat - 39.92133699351021).abs() < 1e-12, "{b:?}");
        let g = wgs84_to_gcj02(p);
        assert!((g.lon - 116.41024449916938).abs() < 1e-12, "{g:?}");
        assert!((g.lat - 39.91640428150164).abs() < 1e-12, "{g:?}");
        // Exact inverses: a round trip moves a position by well under a millimetre (1e-8 degree
        // is about 1 mm), over a grid across China.
        for i in 0..40 {
            for j in 0..30 {
                let w = LonLat {
                    lon: 73.5 + 1.6 * i as f64,
                    lat: 18.5 + 1.2 * j as f64,
                };
                let back = bd09_to_wgs84(gcj02_to_bd09(wgs84_to_gcj02(w)));
                assert!(
                    (back.lon - w.lon).abs() < 1e-9 && (back.lat - w.lat).abs() < 1e-9,
                    "{w:?} → {back:?}"
                );
                let g = gcj02_to_wgs84(wgs84_to_gcj02(w));
                assert!((g.lon - w.lon).abs() < 1e-9 && (g.lat - w.lat).abs() < 1e-9);
            }
        }
    }
}
