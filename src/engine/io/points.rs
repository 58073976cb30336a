//! Plain points from a GeoJSON file, whatever their properties say: candidate sites (village
//! committees, land the county holds). A Point is itself; a MultiPoint its first point; a
//! polygon (a parcel) its interior point; a line its middle vertex. Positions keep the file's
//! order, so a point's index is its feature's position.

use crate::engine::crs::LonLat;
use geo::InteriorPoint;
use serde_json::Value;

/// Why a points file cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PointsError {
    /// Not UTF-8 or not JSON.
    #[error("{file}: not a GeoJSON file ({reason})")]
    NotGeoJson {
        /// The file.
        file: String,
        /// What the parser said.
        reason: String,
    },
    /// No feature at all.
    #[error("{file}: holds no feature, so no candidate site")]
    Empty {
        /// The file.
        file: String,
    },
    /// A feature without a usable position.
    #[error("{file}: feature {feature} has {what}; every candidate needs a position in WGS84 longitude/latitude")]
    Feature {
        /// The file.
        file: String,
        /// Its position in the file.
        feature: usize,
        /// What it has instead.
        what: String,
    },
}

/// The position of every feature of the GeoJSON text `bytes` (file `name`).
pub fn read_points(name: &str, bytes: &[u8]) -> Result<Vec<LonLat>, PointsError> {
    let not = |reason: String| PointsError::NotGeoJson {
        file: name.to_string(),
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| not(format!("not UTF-8: {e}")))?;
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| not(e.to_string()))?;
    let features: Vec<&Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => doc
            .get("features")
            .and_then(Value::as_array)
            .map(|f| f.iter().collect())
            .ok_or_else(|| not("a FeatureCollection without a features array".into()))?,
        Some("Feature") => vec![&doc],
        _ => return Err(not("neither a FeatureCollection nor a Feature".into())),
    };
    if features.is_empty() {
        return Err(PointsError::Empty {
            file: name.to_string(),
        });
    }
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            position(f.get("geometry").unwrap_or(&Value::Null)).map_err(|what| {
                PointsError::Feature {
                    file: name.to_string(),
                    feature: i,
                    what,
                }
            })
        })
        .collect()
}

/// A geometry's position, or what is wrong with it.
fn position(g: &Value) -> Result<LonLat, String> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g.get("coordinates");
    let pair = |v: &Value| -> Result<LonLat, String> {
        let a = v.as_array().ok_or("a position that is not an array")?;
        let (lon, lat) = match (
            a.first().and_then(Value::as_f64),
            a.get(1).and_then(Value::as_f64),
        ) {
            (Some(x), Some(y)) => (x, y),
            _ => return Err("a position that is not two numbers".into()),
        };
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return Err(format!("position ({lon}, {lat}), not longitude/latitude"));
        }
        Ok(LonLat { lon, lat })
    };
    let list = |v: Option<&Value>| -> Result<Vec<LonLat>, String> {
        v.and_then(Value::as_array)
            .ok_or_else(|| "no coordinates".to_string())?
            .iter()
            .map(pair)
            .collect()
    };
    match kind {
        "Point" => pair(coords.ok_or("no coordinates")?),
        "MultiPoint" | "LineString" => {
            let pts = list(coords)?;
            let n = pts.len();
            if n == 0 {
                return Err("no coordinates".into());
            }
            Ok(if kind == "MultiPoint" {
                pts[0]
            } else {
                pts[n / 2]
            })
        }
        "Polygon" | "MultiPolygon" => {
            let polys: Vec<&Value> = if kind == "Polygon" {
                coords.into_iter().collect()
            } else {
                coords
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default()
            };
            let mut geo_polys = Vec::new();
            for p in polys {
                let rings: Vec<Vec<LonLat>> = p
                    .as_array()
                    .ok_or("a polygon without rings")?
                    .iter()
                    .map(|r| list(Some(r)))
                    .collect::<Result<_, _>>()?;
                geo_polys.push(rings);
            }
            crate::engine::model::to_geo(&geo_polys)
                .interior_point()
                .map(|p| LonLat {
                    lon: p.x(),
                    lat: p.y(),
                })
                .ok_or_else(|| "an empty polygon".to_string())
        }
        "" => Err("no geometry".into()),
        other => Err(format!("a {other} geometry")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_gives_a_position_in_file_order() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"population":3},"geometry":{"type":"Point","coordinates":[110,30]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[110,30],[110.01,30],[110.01,30.01],[110,30.01],[110,30]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[111,31],[112,32]]}}]}"#;
        let p = read_points("c.geojson", text.as_bytes()).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(
            p[0],
            LonLat {
                lon: 110.0,
                lat: 30.0
            }
        );
        assert!(p[1].lon > 110.0 && p[1].lon < 110.01 && p[1].lat > 30.0 && p[1].lat < 30.01);
        assert_eq!(
            p[2],
            LonLat {
                lon: 111.0,
                lat: 31.0
            }
        );
    }

    #[test]
    fn bad_files_and_features_are_named() {
        let e = read_points(
            "c.geojson",
            br#"{"type":"FeatureCollection","features":[]}"#,
        );
        assert!(e.unwrap_err().to_string().contains("no feature"));
        let e = read_points("c.geojson", b"not json").unwrap_err();
        assert!(e.to_string().starts_with("c.geojson: not a GeoJSON file"));
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[110,30]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[500000,3300000]}}]}"#;
        let e = read_points("c.geojson", text.as_bytes()).unwrap_err();
        assert_eq!(
            e,
            PointsError::Feature {
                file: "c.geojson".into(),
                feature: 1,
                what: "position (500000, 3300000), not longitude/latitude".into()
            }
        );
    }
}
