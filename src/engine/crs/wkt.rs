//! The coordinate system of an ESRI WKT text (a shapefile's `.prj`, or WKT given by a user):
//! geographic degrees, a transverse Mercator grid (Gauss–Krüger, UTM) on the ellipsoid it
//! names, or Web Mercator. The datum is told by name: Xian 1980 and Beijing 1954 are
//! [`Datum::OldChinese`].

use super::system::{Crs, Datum};
use super::TransverseMercator;

/// The number after `KEY[` … for the first `PARAMETER["name", value]` whose name matches one of
/// `names` (case and separators ignored).
fn parameter(wkt: &str, names: &[&str]) -> Option<f64> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let wanted: Vec<String> = names.iter().map(|n| norm(n)).collect();
    let mut rest = wkt;
    while let Some(i) = rest.to_ascii_uppercase().find("PARAMETER[") {
        rest = &rest[i + 10..];
        let end = rest.find(']')?;
        let body = &rest[..end];
        let mut parts = body.splitn(2, ',');
        let name = norm(parts.next()?.trim().trim_matches('"'));
        if wanted.contains(&name) {
            return parts.next()?.trim().parse().ok();
        }
    }
    None
}

/// The `SPHEROID["name", a, 1/f]` of the WKT: `(a, f)`.
fn spheroid(wkt: &str) -> Option<(f64, f64)> {
    let up = wkt.to_ascii_uppercase();
    let i = up.find("SPHEROID[").or_else(|| up.find("ELLIPSOID["))?;
    let body = &wkt[i..];
    let body = &body[body.find('[')? + 1..body.find(']')?];
    let mut parts = body.split(',').skip(1);
    let a: f64 = parts.next()?.trim().parse().ok()?;
    let inv_f: f64 = parts.next()?.trim().parse().ok()?;
    Some((a, if inv_f == 0.0 { 0.0 } else { 1.0 / inv_f }))
}

/// The name a WKT gives its system (`PROJCS["CGCS2000_3_Degree_GK_Zone_39", …]`).
pub fn name(wkt: &str) -> Option<String> {
    let open = wkt.find('[')?;
    let rest = &wkt[open + 1..];
    let name = rest
        .split([',', ']'])
        .next()?
        .trim()
        .trim_matches('"')
        .trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The coordinate system and datum of a `.prj`'s text; `Err` says what is not supported.
pub fn parse(wkt: &str) -> Result<(Crs, Datum), String> {
    let up = wkt.to_ascii_uppercase();
    let datum = if ["XIAN", "XI'AN", "BEIJING", "1954", "1980"]
        .iter()
        .any(|k| up.contains(k))
        && !up.contains("2000")
    {
        Datum::OldChinese
    } else {
        Datum::Wgs84Like
    };
    if !up.trim_start().starts_with("PROJCS") && !up.trim_start().starts_with("PROJCRS") {
        if up.contains("GEOGCS") || up.contains("GEOGCRS") || up.contains("GEODCRS") {
            return Ok((Crs::Geographic, datum));
        }
        return Err("the .prj is not a coordinate system MedReach reads".into());
    }
    let projection = up
        .find("PROJECTION[")
        .map(|i| &up[i + 11..])
        .and_then(|r| r.split(']').next())
        .unwrap_or("")
        .trim_matches('"')
        .to_string();
    let unit_ok = !up.contains("FOOT") && !up.contains("FEET");
    if !unit_ok {
        return Err("coordinates in feet are not supported; export in metres".into());
    }
    if projection.contains("MERCATOR_AUXILIARY_SPHERE")
        || projection.contains("POPULAR_VISUALISATION")
    {
        return Ok((Crs::WebMercator, datum));
    }
    if projection.contains("TRANSVERSE_MERCATOR") || projection.contains("GAUSS") {
        let (a, f) = spheroid(wkt).ok_or("the .prj names no ellipsoid")?;
        let tm = TransverseMercator::new(
            a,
            f,
            parameter(
                wkt,
                &[
                    "central_meridian",
                    "longitude_of_center",
                    "longitude_of_origin",
                ],
            )
            .ok_or("the .prj gives no central meridian")?,
            parameter(wkt, &["scale_factor"]).unwrap_or(1.0),
            parameter(wkt, &["false_easting"]).unwrap_or(0.0),
            parameter(wkt, &["false_northing"]).unwrap_or(0.0),
        );
        let origin = parameter(wkt, &["latitude_of_origin", "latitude_of_center"]).unwrap_or(0.0);
        if origin != 0.0 {
            return Err(format!(
                "a transverse Mercator grid with its origin at latitude {origin} is not supported"
            ));
        }
        return Ok((Crs::Tm(tm), datum));
    }
    Err(format!(
        "the projection {} is not supported (geographic, Gauss-Kruger/transverse Mercator and Web Mercator are)",
        if projection.is_empty() { "?" } else { &projection }
    ))
}
