//! The plan file: a GeoJSON FeatureCollection of the edited features, each with an `edit`
//! property saying what was done, so a GIS shows the plan and MedReach applies it again
//! (`medreach check ... --plan PLAN.geojson`, or loaded in the page).
//!
//! | `edit` | geometry | properties |
//! | --- | --- | --- |
//! | `add_facility` | the new point | `id` (its number in the plan), `kind`, `name`, `capacity`, `doctors`, `beds`, `staff` |
//! | `move_facility` | the new point | the facility: `file` and `index`, or `added` |
//! | `delete_facility` | where it stood (written for display; not read) | the facility |
//! | `set_facility` | where it stands (not read) | the facility; `kind` and the capacities given |
//! | `close_road` | the road (not read) | `file`, `index` |
//! | `set_road` | the road (not read) | `file`, `index`; `class`, `speed_kmh` |
//!
//! `file` is a loaded file's name (folders ignored) and `index` the feature's position among
//! its features; `kind` takes the vocabulary's names (`village_clinic`, `村卫生室`, …).

use super::{Edit, FacilityRef, FeatureRef};
use crate::engine::crs::LonLat;
use crate::engine::io::properties::parse_facility_kind;
use crate::engine::model::{Capacity, Layers, Source};
use serde_json::{json, Map, Value};

/// Why a plan file cannot be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PlanFileError {
    /// Not JSON.
    #[error("not a JSON document: {0}")]
    NotJson(String),
    /// Not a FeatureCollection.
    #[error("not a GeoJSON FeatureCollection")]
    NotCollection,
    /// A feature without an `edit` property.
    #[error("feature {0} has no \"edit\" property (add_facility, move_facility, delete_facility, set_facility, close_road or set_road)")]
    NoEdit(usize),
    /// An `edit` MedReach does not know.
    #[error("feature {feature}: \"{edit}\" is not an edit (add_facility, move_facility, delete_facility, set_facility, close_road or set_road)")]
    UnknownEdit {
        /// The feature.
        feature: usize,
        /// Its `edit`.
        edit: String,
    },
    /// An edit that needs a point has none.
    #[error("feature {0}: this edit needs a Point geometry with longitude and latitude")]
    NeedsPoint(usize),
    /// A kind MedReach does not know.
    #[error("feature {feature}: \"{kind}\" is not a facility kind")]
    BadKind {
        /// The feature.
        feature: usize,
        /// Its `kind`.
        kind: String,
    },
    /// An edit that names a feature names none.
    #[error("feature {0}: name the feature edited with \"file\" and \"index\" (or \"added\" for a facility the plan adds)")]
    NoTarget(usize),
    /// A number that is not one.
    #[error("feature {feature}: \"{field}\" must be a number")]
    NotNumber {
        /// The feature.
        feature: usize,
        /// The property.
        field: String,
    },
    /// No edit at all.
    #[error("the plan holds no edit")]
    Empty,
    /// A speed table that is not one.
    #[error("speeds: {0}")]
    BadSpeeds(String),
}

/// A plan file's contents: its edits, and the speed table it was made with when that was not
/// the default.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The edits, in order.
    pub edits: Vec<Edit>,
    /// The speed table (km/h), when the plan gives one.
    pub speeds: Option<crate::engine::network::SpeedTable>,
}

/// Reads a plan file: its edits ([`read`]) and its `speeds` member, if any (the table of
/// [`crate::engine::network::SpeedTable::parse`]).
pub fn read_plan(text: &str) -> Result<Plan, PlanFileError> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| PlanFileError::NotJson(e.to_string()))?;
    let speeds = match doc.get("speeds") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let t = crate::engine::network::SpeedTable::parse(&v.to_string())
                .map_err(PlanFileError::BadSpeeds)?;
            let all = [t.walk_kmh, t.offroad_kmh, t.ebike_kmh, t.drive_default_kmh]
                .into_iter()
                .chain(t.drive_kmh.iter().map(|c| c.1));
            if let Some(bad) = all.into_iter().find(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(PlanFileError::BadSpeeds(format!(
                    "{bad} is not a positive number of km/h"
                )));
            }
            Some(t)
        }
    };
    let edits = match read(text) {
        Err(PlanFileError::Empty) if speeds.is_some() => Vec::new(),
        other => other?,
    };
    Ok(Plan { edits, speeds })
}

/// Reads a plan file's text into its edits, in order.
///
/// # Examples
/// ```
/// use medreach::engine::edits::plan_file::read;
/// use medreach::engine::edits::Edit;
/// let text = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"edit":"add_facility","kind":"村卫生室","name":"新村卫生室"},
///    "geometry":{"type":"Point","coordinates":[116.0,40.0]}},
///   {"type":"Feature","properties":{"edit":"close_road","file":"roads.geojson","index":4},"geometry":null}]}"#;
/// let edits = read(text).unwrap();
/// assert!(matches!(&edits[0], Edit::AddFacility { id: 0, .. }));
/// assert!(matches!(&edits[1], Edit::CloseRoad { road } if road.index == 4));
/// assert!(read(r#"{"type":"FeatureCollection","features":[]}"#).is_err());
/// ```
pub fn read(text: &str) -> Result<Vec<Edit>, PlanFileError> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| PlanFileError::NotJson(e.to_string()))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(PlanFileError::NotCollection);
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or(PlanFileError::NotCollection)?;
    let mut edits = Vec::with_capacity(features.len());
    let mut next_id = 0u32;
    for (i, f) in features.iter().enumerate() {
        edits.push(edit_of(i, f, &mut next_id)?);
    }
    if edits.is_empty() {
        return Err(PlanFileError::Empty);
    }
    Ok(edits)
}

/// The edit feature `i` (`f`) of a plan file holds; `next_id` numbers an added facility that
/// gives no `id`.
fn edit_of(i: usize, f: &Value, next_id: &mut u32) -> Result<Edit, PlanFileError> {
    let empty = Map::new();
    let props = f
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let edit = props
        .get("edit")
        .and_then(Value::as_str)
        .ok_or(PlanFileError::NoEdit(i))?;
    let point = || point(f).ok_or(PlanFileError::NeedsPoint(i));
    let number = |field: &str| -> Result<Option<f64>, PlanFileError> {
        match props.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .map(Some)
                .ok_or(PlanFileError::NotNumber {
                    feature: i,
                    field: field.to_string(),
                }),
        }
    };
    let capacity = || -> Result<Capacity, PlanFileError> {
        Ok(Capacity {
            capacity: number("capacity")?,
            doctors: number("doctors")?,
            beds: number("beds")?,
            staff: number("staff")?,
        })
    };
    let kind = || -> Result<Option<_>, PlanFileError> {
        match props.get("kind").and_then(Value::as_str) {
            None => Ok(None),
            Some(k) => parse_facility_kind(k)
                .map(Some)
                .ok_or_else(|| PlanFileError::BadKind {
                    feature: i,
                    kind: k.to_string(),
                }),
        }
    };
    let feature_ref = || -> Result<FeatureRef, PlanFileError> {
        let file = props.get("file").and_then(Value::as_str);
        let index = number("index")?.filter(|x| *x >= 0.0 && x.fract() == 0.0);
        match (file, index) {
            (Some(file), Some(index)) => Ok(FeatureRef {
                file: file.to_string(),
                index: index as u32,
            }),
            _ => Err(PlanFileError::NoTarget(i)),
        }
    };
    let facility = || -> Result<FacilityRef, PlanFileError> {
        match number("added")? {
            Some(a) if a >= 0.0 && a.fract() == 0.0 => Ok(FacilityRef::Added { added: a as u32 }),
            Some(_) => Err(PlanFileError::NoTarget(i)),
            None => feature_ref().map(FacilityRef::Loaded),
        }
    };
    Ok(match edit {
        "add_facility" => {
            let id = match number("id")? {
                Some(x) if x >= 0.0 && x.fract() == 0.0 => x as u32,
                Some(_) => {
                    return Err(PlanFileError::NotNumber {
                        feature: i,
                        field: "id".into(),
                    })
                }
                None => *next_id,
            };
            *next_id = (*next_id).max(id + 1);
            Edit::AddFacility {
                id,
                kind: kind()?.unwrap_or(crate::engine::model::FacilityKind::MedicalServicePoint),
                at: point()?,
                name: props
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                capacity: capacity()?,
            }
        }
        "move_facility" => Edit::MoveFacility {
            facility: facility()?,
            to: point()?,
        },
        "delete_facility" => Edit::DeleteFacility {
            facility: facility()?,
        },
        "set_facility" => Edit::SetFacility {
            facility: facility()?,
            kind: kind()?,
            capacity: capacity()?,
        },
        "close_road" => Edit::CloseRoad {
            road: feature_ref()?,
        },
        "set_road" => Edit::SetRoad {
            road: feature_ref()?,
            class: props
                .get("class")
                .or_else(|| props.get("highway"))
                .and_then(Value::as_str)
                .map(str::to_string),
            speed_kmh: number("speed_kmh")?,
        },
        other => {
            return Err(PlanFileError::UnknownEdit {
                feature: i,
                edit: other.to_string(),
            })
        }
    })
}

fn point(feature: &Value) -> Option<LonLat> {
    let g = feature.get("geometry")?;
    if g.get("type")?.as_str()? != "Point" {
        return None;
    }
    let c = g.get("coordinates")?.as_array()?;
    let (lon, lat) = (c.first()?.as_f64()?, c.get(1)?.as_f64()?);
    Some(LonLat { lon, lat })
}

/// Writes `edits` as a plan file. `base` are the layers before the edits and `file_names`
/// the loaded files' names (indexed by [`Source::file`]): they give the geometry shown for a
/// deleted or changed facility and a closed or changed road. `speeds`, when given, are kept
/// in the file's `speeds` member.
pub fn write(
    edits: &[Edit],
    base: &Layers,
    file_names: &[String],
    speeds: Option<&crate::engine::network::SpeedTable>,
) -> String {
    let source_of = |r: &FeatureRef| {
        let want = super::base_name(&r.file);
        file_names
            .iter()
            .position(|n| super::base_name(n) == want)
            .map(|file| Source {
                file: file as u32,
                feature: r.index,
            })
    };
    let facility_point = |r: &FacilityRef| match r {
        FacilityRef::Loaded(at) => source_of(at)
            .and_then(|s| base.facilities.iter().find(|f| f.source == s))
            .map(|f| point_json(f.at)),
        FacilityRef::Added { added } => edits.iter().find_map(|e| match e {
            Edit::AddFacility { id, at, .. } if id == added => Some(point_json(*at)),
            _ => None,
        }),
    };
    let road_lines = |r: &FeatureRef| {
        source_of(r)
            .and_then(|s| base.roads.iter().find(|x| x.source == s))
            .map(|road| {
                let lines: Vec<Vec<[f64; 2]>> = road
                    .lines
                    .iter()
                    .map(|l| l.iter().map(|p| [p.lon, p.lat]).collect())
                    .collect();
                json!({"type": "MultiLineString", "coordinates": lines})
            })
    };
    let features: Vec<Value> = edits
        .iter()
        .map(|e| {
            let mut props = match serde_json::to_value(e) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            // Flatten what the table above lists as plain properties.
            for key in ["facility", "road", "capacity"] {
                if let Some(Value::Object(inner)) = props.remove(key) {
                    for (k, v) in inner {
                        if !v.is_null() {
                            props.insert(k, v);
                        }
                    }
                }
            }
            props.remove("at");
            props.remove("to");
            let geometry = match e {
                Edit::AddFacility { at, .. } => Some(point_json(*at)),
                Edit::MoveFacility { to, .. } => Some(point_json(*to)),
                Edit::DeleteFacility { facility } | Edit::SetFacility { facility, .. } => {
                    facility_point(facility)
                }
                Edit::CloseRoad { road } | Edit::SetRoad { road, .. } => road_lines(road),
            };
            json!({"type": "Feature", "properties": props, "geometry": geometry})
        })
        .collect();
    let mut doc = json!({
        "type": "FeatureCollection",
        "name": "medreach-plan",
        "features": features,
    });
    if let (Some(t), Some(obj)) = (speeds, doc.as_object_mut()) {
        // The table as `--speeds` reads it (classes as a map).
        let classes: Map<String, Value> = t
            .drive_kmh
            .iter()
            .map(|(c, v)| (c.clone(), json!(v)))
            .collect();
        obj.insert(
            "speeds".into(),
            json!({
                "walk_kmh": t.walk_kmh,
                "offroad_kmh": t.offroad_kmh,
                "ebike_kmh": t.ebike_kmh,
                "drive_default_kmh": t.drive_default_kmh,
                "drive_kmh": classes,
            }),
        );
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn point_json(p: LonLat) -> Value {
    json!({"type": "Point", "coordinates": [p.lon, p.lat]})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::FacilityKind;

    #[test]
    fn a_plan_round_trips_through_its_file() {
        let edits = vec![
            Edit::AddFacility {
                id: 0,
                kind: FacilityKind::VillageClinic,
                at: LonLat {
                    lon: 116.5,
                    lat: 40.25,
                },
                name: Some("新村卫生室".into()),
                capacity: Capacity {
                    doctors: Some(2.0),
                    ..Capacity::default()
                },
            },
            Edit::MoveFacility {
                facility: FacilityRef::Added { added: 0 },
                to: LonLat {
                    lon: 116.51,
                    lat: 40.26,
                },
            },
            Edit::MoveFacility {
                facility: FacilityRef::Loaded(FeatureRef {
                    file: "f.geojson".into(),
                    index: 7,
                }),
                to: LonLat {
                    lon: 116.4,
                    lat: 40.1,
                },
            },
            Edit::DeleteFacility {
                facility: FacilityRef::Loaded(FeatureRef {
                    file: "f.geojson".into(),
                    index: 2,
                }),
            },
            Edit::SetFacility {
                facility: FacilityRef::Loaded(FeatureRef {
                    file: "f.geojson".into(),
                    index: 3,
                }),
                kind: Some(FacilityKind::CentralTownshipHealthCenter),
                capacity: Capacity {
                    beds: Some(40.0),
                    ..Capacity::default()
                },
            },
            Edit::CloseRoad {
                road: FeatureRef {
                    file: "r.geojson".into(),
                    index: 11,
                },
            },
            Edit::SetRoad {
                road: FeatureRef {
                    file: "r.geojson".into(),
                    index: 12,
                },
                class: Some("track".into()),
                speed_kmh: Some(10.0),
            },
        ];
        let text = write(&edits, &Layers::default(), &[], None);
        assert_eq!(read(&text).unwrap(), edits);
        // With the speeds it was made with.
        let speeds = crate::engine::network::SpeedTable {
            walk_kmh: 4.0,
            drive_default_kmh: 40.0,
            ..Default::default()
        };
        let text = write(&edits, &Layers::default(), &[], Some(&speeds));
        let plan = read_plan(&text).unwrap();
        assert_eq!(plan.edits, edits);
        assert_eq!(plan.speeds, Some(speeds));
        assert_eq!(
            read_plan(&write(&edits, &Layers::default(), &[], None))
                .unwrap()
                .speeds,
            None
        );
        assert!(matches!(
            read_plan(r#"{"type":"FeatureCollection","features":[],"speeds":{"walk_kmh":-1}}"#),
            Err(PlanFileError::BadSpeeds(_))
        ));
    }

    #[test]
    fn a_bad_plan_file_is_refused_with_its_feature() {
        let one = |props: &str, geometry: &str| {
            read(&format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{props},"geometry":{geometry}}}]}}"#
            ))
            .unwrap_err()
        };
        assert_eq!(one(r#"{"name":"x"}"#, "null"), PlanFileError::NoEdit(0));
        assert!(matches!(
            one(r#"{"edit":"paint"}"#, "null"),
            PlanFileError::UnknownEdit { .. }
        ));
        assert_eq!(
            one(r#"{"edit":"add_facility"}"#, "null"),
            PlanFileError::NeedsPoint(0)
        );
        assert!(matches!(
            one(
                r#"{"edit":"add_facility","kind":"spaceport"}"#,
                r#"{"type":"Point","coordinates":[1,2]}"#
            ),
            PlanFileError::BadKind { .. }
        ));
        assert_eq!(
            one(r#"{"edit":"close_road","file":"r.geojson"}"#, "null"),
            PlanFileError::NoTarget(0)
        );
        assert!(matches!(
            read("[1,2]").unwrap_err(),
            PlanFileError::NotCollection
        ));
        assert!(matches!(read("{").unwrap_err(), PlanFileError::NotJson(_)));
    }
}
