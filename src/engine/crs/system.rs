//! The coordinate systems input files come in, as one type ([`Crs`]): how a user or a file names
//! one (`wgs84`, `cgcs2000`, `gcj02`, `bd09`, `EPSG:4527`, an OGC URN), how each converts to and
//! from WGS84, and, for a file that does not say, which systems its numbers could be in
//! ([`candidates`]).
//!
//! CGCS2000 is taken as WGS84 (they differ by centimetres). Xian 1980 and Beijing 1954 grids are
//! converted on their own ellipsoids without a datum shift, which no file gives ([`Datum`]).

use super::china;
use super::{LonLat, TransverseMercator, Xy};

/// A coordinate system of input positions.
#[derive(Clone, Debug, PartialEq)]
pub enum Crs {
    /// Longitude and latitude in degrees (WGS84, CGCS2000, or an older datum's degrees).
    Geographic,
    /// A transverse Mercator grid (Gauss–Krüger, UTM), in metres.
    Tm(TransverseMercator),
    /// Web Mercator (EPSG:3857), in metres.
    WebMercator,
    /// GCJ-02 degrees (AMap, Tencent).
    Gcj02,
    /// BD-09 degrees (Baidu).
    Bd09,
}

/// The datum of a system, for what the readers say of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Datum {
    /// WGS84 or CGCS2000 (or unnamed).
    Wgs84Like,
    /// Xian 1980 or Beijing 1954: no datum shift applied.
    OldChinese,
}

/// A system with the name it goes by (`EPSG:4527`, `wgs84`, …) and its datum.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    /// The system.
    pub crs: Crs,
    /// Its datum.
    pub datum: Datum,
    /// How it is written on the command line and in reports: `EPSG:4527`, `gcj02`, ….
    pub code: String,
    /// What it is, in English: "CGCS2000 / 3-degree Gauss-Kruger zone 39".
    pub label: String,
}

const GRS80: Ellipsoid = (6_378_137.0, 1.0 / 298.257_222_101);
const XIAN80: Ellipsoid = (6_378_140.0, 1.0 / 298.257);
const KRASSOWSKY: Ellipsoid = (6_378_245.0, 1.0 / 298.3);
const WGS84: Ellipsoid = (super::wgs84::A_M, super::wgs84::F);

impl Crs {
    /// The WGS84 position of `(x, y)` in this system.
    pub fn to_lonlat(&self, x: f64, y: f64) -> LonLat {
        match self {
            Crs::Geographic => LonLat { lon: x, lat: y },
            Crs::Tm(tm) => tm.unproject(Xy { x, y }),
            Crs::WebMercator => {
                const R: f64 = 6_378_137.0;
                LonLat {
                    lon: (x / R).to_degrees(),
                    lat: (2.0 * (y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
                }
            }
            Crs::Gcj02 => china::gcj02_to_wgs84(LonLat { lon: x, lat: y }),
            Crs::Bd09 => china::bd09_to_wgs84(LonLat { lon: x, lat: y }),
        }
    }

    /// The coordinates of the WGS84 position `p` in this system (for exports in the input's
    /// system).
    pub fn from_lonlat(&self, p: LonLat) -> (f64, f64) {
        match self {
            Crs::Geographic => (p.lon, p.lat),
            Crs::Tm(tm) => {
                let xy = tm.project(p);
                (xy.x, xy.y)
            }
            Crs::WebMercator => {
                const R: f64 = 6_378_137.0;
                let lat = p.lat.to_radians();
                (
                    R * p.lon.to_radians(),
                    R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
                )
            }
            Crs::Gcj02 => {
                let g = china::wgs84_to_gcj02(p);
                (g.lon, g.lat)
            }
            Crs::Bd09 => {
                let b = china::gcj02_to_bd09(china::wgs84_to_gcj02(p));
                (b.lon, b.lat)
            }
        }
    }

    /// Whether the system's numbers are degrees.
    pub fn is_degrees(&self) -> bool {
        matches!(self, Crs::Geographic | Crs::Gcj02 | Crs::Bd09)
    }
}

fn tm(ellipsoid: Ellipsoid, lon0: f64, false_easting: f64) -> Crs {
    Crs::Tm(TransverseMercator::new(
        ellipsoid.0,
        ellipsoid.1,
        lon0,
        1.0,
        false_easting,
        0.0,
    ))
}

/// An ellipsoid: semi-major axis (m) and flattening.
type Ellipsoid = (f64, f64);

/// The Gauss–Krüger families of China's grids: (first EPSG code, datum name, ellipsoid, 3° or
/// 6° zones, zone number in front of the easting).
const GAUSS_KRUGER: &[(u32, &str, Ellipsoid, u32, bool)] = &[
    (4491, "CGCS2000", GRS80, 6, true),
    (4502, "CGCS2000", GRS80, 6, false),
    (4513, "CGCS2000", GRS80, 3, true),
    (4534, "CGCS2000", GRS80, 3, false),
    (2327, "Xian 1980", XIAN80, 6, true),
    (2338, "Xian 1980", XIAN80, 6, false),
    (2349, "Xian 1980", XIAN80, 3, true),
    (2370, "Xian 1980", XIAN80, 3, false),
    (21413, "Beijing 1954", KRASSOWSKY, 6, true),
    (21453, "Beijing 1954", KRASSOWSKY, 6, false),
    (2401, "Beijing 1954", KRASSOWSKY, 3, true),
    (2422, "Beijing 1954", KRASSOWSKY, 3, false),
];

/// The system of an EPSG code MedReach knows: WGS84/CGCS2000/Xian 1980/Beijing 1954 degrees,
/// the Gauss–Krüger grids of those three Chinese datums (3° and 6°, with and without the zone
/// number), WGS84 UTM zones, and Web Mercator.
pub fn epsg(code: u32) -> Option<Named> {
    let named = |crs, datum, label: String| Named {
        crs,
        datum,
        code: format!("EPSG:{code}"),
        label,
    };
    match code {
        4326 | 4979 => return Some(named(Crs::Geographic, Datum::Wgs84Like, "WGS 84".into())),
        4490 => return Some(named(Crs::Geographic, Datum::Wgs84Like, "CGCS2000".into())),
        4214 => {
            return Some(named(
                Crs::Geographic,
                Datum::OldChinese,
                "Beijing 1954".into(),
            ))
        }
        4610 => {
            return Some(named(
                Crs::Geographic,
                Datum::OldChinese,
                "Xian 1980".into(),
            ))
        }
        3857 | 900913 | 102100 => {
            return Some(named(
                Crs::WebMercator,
                Datum::Wgs84Like,
                "WGS 84 / Pseudo-Mercator".into(),
            ))
        }
        32601..=32660 | 32701..=32760 => {
            let zone = code % 100;
            let south = code > 32700;
            return Some(named(
                Crs::Tm(TransverseMercator::new(
                    WGS84.0,
                    WGS84.1,
                    zone as f64 * 6.0 - 183.0,
                    0.9996,
                    500_000.0,
                    if south { 10_000_000.0 } else { 0.0 },
                )),
                Datum::Wgs84Like,
                format!("WGS 84 / UTM zone {zone}{}", if south { 'S' } else { 'N' }),
            ));
        }
        _ => {}
    }
    for &(first, datum_name, ellipsoid, width, prefixed) in GAUSS_KRUGER {
        let count = if width == 6 { 11 } else { 21 };
        if !(first..first + count).contains(&code) {
            continue;
        }
        let i = code - first;
        let lon0 = 75.0 + (width * i) as f64;
        let zone = if width == 6 { 13 + i } else { 25 + i };
        let false_easting = if prefixed {
            zone as f64 * 1e6 + 500_000.0
        } else {
            500_000.0
        };
        let degree = if width == 3 { "3-degree " } else { "" };
        let label = if prefixed {
            format!("{datum_name} / {degree}Gauss-Kruger zone {zone}")
        } else {
            format!("{datum_name} / {degree}Gauss-Kruger CM {lon0}E")
        };
        let datum = if datum_name == "CGCS2000" {
            Datum::Wgs84Like
        } else {
            Datum::OldChinese
        };
        return Some(named(tm(ellipsoid, lon0, false_easting), datum, label));
    }
    None
}

/// The system a user or a file names: `wgs84`, `cgcs2000`, `gcj02`, `bd09` (any case, with or
/// without separators), `EPSG:NNNN` or a bare code, OGC URNs (`urn:ogc:def:crs:EPSG::4547`,
/// `urn:ogc:def:crs:OGC:1.3:CRS84`) and `http://www.opengis.net/def/crs/EPSG/0/4547`.
pub fn named(text: &str) -> Result<Named, String> {
    let key: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '/')
        .collect::<String>()
        .to_ascii_lowercase();
    let simple = |crs, code: &str, label: &str| Named {
        crs,
        datum: Datum::Wgs84Like,
        code: code.into(),
        label: label.into(),
    };
    match key.as_str() {
        k if k == "wgs84" || k.ends_with("crs84") => {
            return Ok(simple(Crs::Geographic, "wgs84", "WGS 84"))
        }
        "cgcs2000" => return Ok(simple(Crs::Geographic, "cgcs2000", "CGCS2000")),
        "gcj02" | "amap" | "gaode" => {
            return Ok(simple(Crs::Gcj02, "gcj02", "GCJ-02 (AMap, Tencent)"))
        }
        "bd09" | "bd09ll" | "baidu" => return Ok(simple(Crs::Bd09, "bd09", "BD-09 (Baidu)")),
        _ => {}
    }
    let digits = key
        .rsplit([':', '/'])
        .next()
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
    let epsg_like = key.starts_with("epsg:")
        || key.contains(":epsg:")
        || key.contains("/epsg/")
        || key.chars().all(|c| c.is_ascii_digit());
    match digits.and_then(|d| d.parse::<u32>().ok()) {
        Some(code) if epsg_like => epsg(code).ok_or_else(|| {
            format!("EPSG:{code} is not a coordinate system MedReach converts (WGS84, CGCS2000 and its Gauss-Kruger zones EPSG:4491-4554, Xian 1980 and Beijing 1954 Gauss-Kruger zones, UTM, Web Mercator are)")
        }),
        _ => Err(format!(
            "\"{}\" is not a coordinate system name: use wgs84, cgcs2000, gcj02, bd09 or EPSG:NNNN",
            text.trim()
        )),
    }
}

/// The systems a file's positions may be in when it does not say, most likely first, from a
/// sample of its coordinates (`(x, y)` as the file holds them): longitude/latitude, a
/// Gauss–Krüger zone told by the zone number in front of the easting, Web Mercator. Positions
/// in degrees inside China also list GCJ-02 and BD-09, after WGS84: those are never assumed.
pub fn candidates(sample: &[(f64, f64)]) -> Vec<Named> {
    let finite: Vec<(f64, f64)> = sample
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if finite.is_empty() {
        return Vec::new();
    }
    let all = |f: &dyn Fn(f64, f64) -> bool| finite.iter().all(|&(x, y)| f(x, y));
    let mut out = Vec::new();
    let mut push = |code: &str| {
        if let Ok(n) = named(code) {
            if !out.iter().any(|o: &Named| o.code == n.code) {
                out.push(n);
            }
        }
    };
    if all(&|x, y| x.abs() <= 180.0 && y.abs() <= 90.0) {
        push("wgs84");
        if all(&|x, y| china::in_china(LonLat { lon: x, lat: y })) {
            push("cgcs2000");
            push("gcj02");
            push("bd09");
        }
        return out;
    }
    // A Gauss–Krüger easting with the zone in front: 13–23 (6°) or 25–45 (3°) millions.
    let zone = (finite[0].0 / 1e6).floor();
    if all(&|x, y| (x / 1e6).floor() == zone && (0.0..1e7).contains(&y)) {
        let zone = zone as u32;
        let (first, six) = match zone {
            13..=23 => (zone - 13, true),
            25..=45 => (zone - 25, false),
            _ => (u32::MAX, false),
        };
        if first != u32::MAX {
            for base in if six {
                [4491, 2327, 21413]
            } else {
                [4513, 2349, 2401]
            } {
                push(&format!("EPSG:{}", base + first));
            }
        }
    }
    // Web Mercator metres of a place in China.
    if all(&|x, y| (8.0e6..1.54e7).contains(&x) && (0.09e6..7.6e6).contains(&y)) {
        push("EPSG:3857");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(named("WGS84").unwrap().crs, Crs::Geographic);
        assert_eq!(named("gcj-02").unwrap().crs, Crs::Gcj02);
        assert_eq!(named("BD09").unwrap().crs, Crs::Bd09);
        assert_eq!(
            named("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap().code,
            "wgs84"
        );
        let gk = named("urn:ogc:def:crs:EPSG::4527").unwrap();
        assert_eq!(gk.code, "EPSG:4527");
        assert_eq!(gk.label, "CGCS2000 / 3-degree Gauss-Kruger zone 39");
        assert_eq!(
            named("EPSG:2345").unwrap().label,
            "Xian 1980 / Gauss-Kruger CM 117E"
        );
        assert_eq!(named("epsg:21460").unwrap().datum, Datum::OldChinese);
        assert_eq!(
            named("http://www.opengis.net/def/crs/EPSG/0/32650")
                .unwrap()
                .label,
            "WGS 84 / UTM zone 50N"
        );
        assert!(named("EPSG:27700").unwrap_err().contains("EPSG:27700"));
        assert!(named("mars").unwrap_err().contains("\"mars\""));
    }

    #[test]
    fn grids_round_trip_and_match_gdal() {
        // `gdaltransform -s_srs EPSG:4326 -t_srs EPSG:4527` (GDAL 3.6, PROJ 9.1) of 117.3 E,
        // 36.6 N gives 39526842.764, 4052163.315.
        let gk = named("EPSG:4527").unwrap().crs;
        let (x, y) = gk.from_lonlat(LonLat {
            lon: 117.3,
            lat: 36.6,
        });
        assert!(
            (x - 39_526_842.764).abs() < 1e-3 && (y - 4_052_163.315).abs() < 1e-3,
            "{x} {y}"
        );
        for code in [
            "EPSG:4527",
            "EPSG:3857",
            "EPSG:32650",
            "gcj02",
            "bd09",
            "EPSG:2401",
        ] {
            let crs = named(code).unwrap().crs;
            let p = LonLat {
                lon: 117.3,
                lat: 36.6,
            };
            let (x, y) = crs.from_lonlat(p);
            let q = crs.to_lonlat(x, y);
            assert!(
                (q.lon - p.lon).abs() < 1e-8 && (q.lat - p.lat).abs() < 1e-8,
                "{code}: {q:?}"
            );
        }
    }

    #[test]
    fn candidates_of_unlabelled_numbers() {
        let codes = |s: &[(f64, f64)]| -> Vec<String> {
            candidates(s).into_iter().map(|n| n.code).collect()
        };
        assert_eq!(
            codes(&[(117.2, 36.6), (117.3, 36.7)]),
            ["wgs84", "cgcs2000", "gcj02", "bd09"]
        );
        assert_eq!(codes(&[(2.3, 48.8)]), ["wgs84"]);
        assert_eq!(
            codes(&[(39_526_834.0, 4_052_234.0)]),
            ["EPSG:4527", "EPSG:2363", "EPSG:2415"]
        );
        assert_eq!(
            codes(&[(13_056_000.0, 4_380_000.0)]),
            ["EPSG:4491", "EPSG:2327", "EPSG:21413", "EPSG:3857"]
        );
        assert!(
            codes(&[(500_000.0, 4_000_000.0)]).is_empty(),
            "no zone to tell"
        );
        assert!(codes(&[(f64::NAN, 1.0)]).is_empty());
    }
}
