//! GeoJSON input: recognises roads, facilities, settlements and admin units in a
//! FeatureCollection by geometry and properties (English and Chinese keys), in WGS84 degrees.
//!
//! A problem with the whole file (not JSON, not GeoJSON, projected coordinates) is an
//! [`InputError`] and nothing of the file is used; a problem with one feature skips that
//! feature with a [`SkipReason`] that the caller shows.

use super::properties::{push_admin, push_point, push_road};
use crate::engine::crs::LonLat;
use crate::engine::model::{Layers, Rings, SkipReason, Skipped, Source};
use serde_json::{Map, Value};

/// A problem that stops a whole file from loading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// The text is not valid JSON.
    #[error("{file}: not valid JSON: {detail}")]
    InvalidJson {
        /// File name.
        file: String,
        /// The parser's message, with line and column.
        detail: String,
    },
    /// Valid JSON, but not a GeoJSON FeatureCollection or Feature.
    #[error("{file}: not GeoJSON: {detail}")]
    NotGeoJson {
        /// File name.
        file: String,
        /// What was found instead.
        detail: String,
    },
    /// Coordinates outside ±180/±90: the file is in a projected system, not WGS84 lon/lat.
    #[error("{file}: feature {feature} has coordinate [{x}, {y}] outside longitude ±180 / latitude ±90; the file looks projected (metres). Export it as WGS84 longitude/latitude (EPSG:4326)")]
    ProjectedCoordinates {
        /// File name.
        file: String,
        /// Feature position in the file.
        feature: usize,
        /// First coordinate value.
        x: f64,
        /// Second coordinate value.
        y: f64,
    },
    /// The file holds no features at all.
    #[error("{file}: the FeatureCollection has no features")]
    Empty {
        /// File name.
        file: String,
    },
}

/// Reads one GeoJSON text. `file_id` is stamped into every feature's [`Source`].
///
/// # Examples
/// ```
/// let text = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"名称":"东村","人口":820},
///    "geometry":{"type":"Point","coordinates":[116.4,39.9]}}]}"#;
/// let layers = medreach::engine::io::geojson::read_geojson("villages.geojson", text, 0).unwrap();
/// assert_eq!(layers.settlements[0].population, 820.0);
/// assert_eq!(layers.settlements[0].name.as_deref(), Some("东村"));
/// ```
pub fn read_geojson(file: &str, text: &str, file_id: u32) -> Result<Layers, InputError> {
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        InputError::InvalidJson {
            file: file.to_string(),
            detail: e.to_string(),
        }
    })?;
    let not_geojson = |detail: String| InputError::NotGeoJson {
        file: file.to_string(),
        detail,
    };
    let obj = root.as_object().ok_or_else(|| {
        not_geojson(format!(
            "the top level is {}, not an object",
            json_kind(&root)
        ))
    })?;
    let features: Vec<&Value> = match obj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => obj
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| not_geojson("a FeatureCollection without a \"features\" array".into()))?
            .iter()
            .collect(),
        Some("Feature") => vec![&root],
        Some(other) => {
            return Err(not_geojson(format!(
                "type is \"{other}\"; expected a FeatureCollection"
            )))
        }
        None => {
            return Err(not_geojson(
                "no \"type\": \"FeatureCollection\" member".into(),
            ))
        }
    };
    if features.is_empty() {
        return Err(InputError::Empty {
            file: file.to_string(),
        });
    }
    let mut layers = Layers::default();
    if let Some(crs) = obj.get("crs") {
        let text = crs.to_string();
        if !["4326", "CRS84", "4490", "4979"]
            .iter()
            .any(|ok| text.contains(ok))
        {
            layers.notes.push(format!(
                "{file}: declares crs {text}; GeoJSON is read as WGS84 longitude/latitude"
            ));
        }
    }
    for (index, feature) in features.into_iter().enumerate() {
        let source = Source {
            file: file_id,
            feature: index as u32,
        };
        check_not_projected(file, index, feature.get("geometry"))?;
        if let Err(reason) = read_feature(feature, source, &mut layers) {
            layers.skipped.push(Skipped { source, reason });
        }
    }
    Ok(layers)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Finds the first position outside ±180/±90 in a geometry's coordinates.
fn check_not_projected(
    file: &str,
    feature: usize,
    geometry: Option<&Value>,
) -> Result<(), InputError> {
    fn walk(v: &Value) -> Option<(f64, f64)> {
        let arr = v.as_array()?;
        if let (Some(x), Some(y)) = (
            arr.first().and_then(Value::as_f64),
            arr.get(1).and_then(Value::as_f64),
        ) {
            return (x.abs() > 180.0 || y.abs() > 90.0).then_some((x, y));
        }
        arr.iter().find_map(walk)
    }
    let Some(coords) = geometry.and_then(|g| g.get("coordinates")) else {
        return Ok(());
    };
    match walk(coords) {
        Some((x, y)) => Err(InputError::ProjectedCoordinates {
            file: file.to_string(),
            feature,
            x,
            y,
        }),
        None => Ok(()),
    }
}

fn read_feature(feature: &Value, source: Source, layers: &mut Layers) -> Result<(), SkipReason> {
    let empty = Map::new();
    let props = feature
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => return Err(SkipReason::NoGeometry),
        Some(g) => g,
    };
    let gtype = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
    match gtype {
        "Point" => push_point(props, read_position(coords)?, source, layers),
        "LineString" => {
            let line = read_line(coords)?;
            push_road(props, vec![line], source, layers)
        }
        "MultiLineString" => {
            let parts = coords
                .as_array()
                .ok_or_else(|| degenerate("coordinates are not an array"))?;
            let lines: Vec<_> = parts.iter().filter_map(|p| read_line(p).ok()).collect();
            if lines.is_empty() {
                return Err(degenerate("no part has two distinct positions"));
            }
            push_road(props, lines, source, layers)
        }
        "Polygon" => {
            let poly = read_polygon(coords)?;
            push_admin(props, vec![poly], source, layers);
            Ok(())
        }
        "MultiPolygon" => {
            let parts = coords
                .as_array()
                .ok_or_else(|| degenerate("coordinates are not an array"))?;
            let polys: Vec<_> = parts.iter().filter_map(|p| read_polygon(p).ok()).collect();
            if polys.is_empty() {
                return Err(degenerate("no polygon has a valid outer ring"));
            }
            push_admin(props, polys, source, layers);
            Ok(())
        }
        other => Err(SkipReason::UnsupportedGeometry {
            geometry: if other.is_empty() {
                "(none)".into()
            } else {
                other.to_string()
            },
        }),
    }
}

fn degenerate(detail: &str) -> SkipReason {
    SkipReason::Degenerate {
        detail: detail.to_string(),
    }
}

fn read_position(v: &Value) -> Result<LonLat, SkipReason> {
    let arr = v
        .as_array()
        .ok_or_else(|| degenerate("a position is not an array"))?;
    match (
        arr.first().and_then(Value::as_f64),
        arr.get(1).and_then(Value::as_f64),
    ) {
        (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => Ok(LonLat { lon, lat }),
        _ => Err(degenerate("a position lacks two numbers")),
    }
}

/// A line with consecutive duplicate positions removed; at least two positions remain.
fn read_line(v: &Value) -> Result<Vec<LonLat>, SkipReason> {
    let arr = v
        .as_array()
        .ok_or_else(|| degenerate("coordinates are not an array"))?;
    let mut line: Vec<LonLat> = Vec::with_capacity(arr.len());
    for p in arr {
        let p = read_position(p)?;
        if line.last() != Some(&p) {
            line.push(p);
        }
    }
    if line.len() < 2 {
        return Err(degenerate("a line needs two distinct positions"));
    }
    Ok(line)
}

fn read_polygon(v: &Value) -> Result<Rings, SkipReason> {
    let rings = v
        .as_array()
        .ok_or_else(|| degenerate("coordinates are not an array"))?;
    let mut out = Vec::with_capacity(rings.len());
    for (i, ring) in rings.iter().enumerate() {
        let pts = ring
            .as_array()
            .ok_or_else(|| degenerate("a ring is not an array"))?
            .iter()
            .map(read_position)
            .collect::<Result<Vec<_>, _>>()?;
        if pts.len() < 4 {
            if i == 0 {
                return Err(degenerate("the outer ring has fewer than four positions"));
            }
            continue;
        }
        out.push(pts);
    }
    if out.is_empty() {
        return Err(degenerate("the polygon has no rings"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::Oneway;

    fn fc(features: &str) -> String {
        format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
    }

    #[test]
    fn recognises_each_layer() {
        let text = fc(r#"
          {"type":"Feature","properties":{"highway":"residential","oneway":"-1"},"geometry":{"type":"LineString","coordinates":[[1,1],[1,1],[1.1,1]]}},
          {"type":"Feature","properties":{"amenity":"clinic"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"类型":"村卫生室","primary_care":"否"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"常住人口":"1,200"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#);
        let l = read_geojson("a.geojson", &text, 3).unwrap();
        assert_eq!(l.roads.len(), 1);
        assert_eq!(l.roads[0].lines[0].len(), 2, "duplicate vertex dropped");
        assert_eq!(l.roads[0].oneway, Oneway::Backward);
        assert_eq!(l.facilities.len(), 2);
        assert!(l.facilities[0].primary_care);
        assert!(
            !l.facilities[1].primary_care,
            "primary_care property decides"
        );
        assert_eq!(l.settlements[0].population, 1200.0);
        assert_eq!(
            l.settlements[0].source,
            Source {
                file: 3,
                feature: 3
            }
        );
        assert_eq!(l.admin.len(), 1);
        assert!(l.skipped.is_empty());
    }

    #[test]
    fn file_level_errors_name_the_file() {
        let e = read_geojson("x.json", "{\"type\":", 0).unwrap_err();
        assert!(matches!(e, InputError::InvalidJson { .. }));
        assert!(e.to_string().starts_with("x.json: not valid JSON"));
        let e = read_geojson("x.json", "{\"hello\":1}", 0).unwrap_err();
        assert!(matches!(e, InputError::NotGeoJson { .. }), "{e}");
        let e = read_geojson("x.json", "[1,2]", 0).unwrap_err();
        assert!(matches!(e, InputError::NotGeoJson { .. }), "{e}");
        let text = fc(
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}},
            {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[500000,4700000],[500100,4700000]]}}"#,
        );
        let e = read_geojson("utm.geojson", &text, 0).unwrap_err();
        assert_eq!(
            e,
            InputError::ProjectedCoordinates {
                file: "utm.geojson".into(),
                feature: 1,
                x: 500000.0,
                y: 4700000.0
            }
        );
        assert!(matches!(
            read_geojson("e", &fc(""), 0),
            Err(InputError::Empty { .. })
        ));
    }

    #[test]
    fn feature_problems_are_skipped_with_reasons() {
        let text = fc(r#"
          {"type":"Feature","properties":{"population":-5},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"population":"many"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"kind":"bakery"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,1],[1,1]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[1,1]]}},
          {"type":"Feature","properties":{"highway":"proposed"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}"#);
        let l = read_geojson("bad.geojson", &text, 0).unwrap();
        let reasons: Vec<_> = l
            .skipped
            .iter()
            .map(|s| (s.source.feature, s.reason.clone()))
            .collect();
        assert_eq!(reasons.len(), 9, "{reasons:?}");
        assert!(matches!(reasons[0].1, SkipReason::BadPopulation { .. }));
        assert!(matches!(reasons[1].1, SkipReason::BadPopulation { .. }));
        assert_eq!(
            reasons[2].1,
            SkipReason::UnknownKind {
                value: "bakery".into()
            }
        );
        assert_eq!(reasons[3].1, SkipReason::UnclassifiedPoint);
        assert_eq!(reasons[4].1, SkipReason::NoGeometry);
        assert!(matches!(reasons[5].1, SkipReason::Degenerate { .. }));
        assert!(matches!(
            reasons[6].1,
            SkipReason::UnsupportedGeometry { .. }
        ));
        assert!(matches!(reasons[7].1, SkipReason::NotARoad { .. }));
        assert!(matches!(reasons[8].1, SkipReason::Degenerate { .. }));
    }

    #[test]
    fn road_attributes() {
        let text = fc(r#"
          {"type":"Feature","properties":{"highway":"footway"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{"highway":"primary","motor_vehicle":"no","maxspeed":"20 mph"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{"highway":"primary","motor_vehicle":"no","motorcar":"yes"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{"道路等级":"县道","oneway":true,"speed_kmh":35},"geometry":{"type":"MultiLineString","coordinates":[[[1,1],[2,1]],[[3,3]]]}}"#);
        let l = read_geojson("r", &text, 0).unwrap();
        assert!(!l.roads[0].drivable);
        assert!(!l.roads[1].drivable);
        assert!((l.roads[1].speed_kmh.unwrap() - 32.18688).abs() < 1e-9);
        assert!(
            l.roads[2].drivable,
            "motorcar=yes is more specific than motor_vehicle=no"
        );
        assert_eq!(l.roads[3].class, "tertiary");
        assert_eq!(l.roads[3].oneway, Oneway::Forward);
        assert_eq!(l.roads[3].speed_kmh, Some(35.0));
        assert_eq!(l.roads[3].lines.len(), 1, "degenerate part dropped");
    }
}
