//! What-if edits: facilities added, moved, deleted or changed, roads closed or changed — kept
//! as data (a list of operations the session undoes and redoes and a plan file holds) and
//! applied as an overlay on the layers the loaded files give ([`apply`]); the files
//! themselves never change.
//!
//! A loaded facility or road is named by its file and its position among the file's features
//! ([`FeatureRef`]), so a plan made on one machine applies to the same files on another; a
//! facility a plan adds is named by its number in the plan ([`FacilityRef::Added`]).

pub mod plan_file;

use crate::engine::crs::LonLat;
use crate::engine::model::{is_walk_only_class, Capacity, Facility, FacilityKind, Layers, Source};
use serde::{Deserialize, Serialize};

/// A loaded feature: its file's name (compared without the folders) and its position among
/// the file's features.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureRef {
    /// The file's name.
    pub file: String,
    /// Zero-based position among its features.
    pub index: u32,
}

/// A facility an edit names: loaded, or added by an earlier edit of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FacilityRef {
    /// Added by the plan's `AddFacility { id, .. }`.
    Added {
        /// Its number.
        added: u32,
    },
    /// Loaded from a file.
    Loaded(FeatureRef),
}

/// One edit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum Edit {
    /// A new facility.
    AddFacility {
        /// Its number in the plan (unique), by which later edits name it.
        id: u32,
        /// Its kind.
        kind: FacilityKind,
        /// Where.
        at: LonLat,
        /// Its name, if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Its capacities, if given.
        #[serde(default)]
        capacity: Capacity,
    },
    /// A facility moved.
    MoveFacility {
        /// The facility.
        facility: FacilityRef,
        /// Its new place.
        to: LonLat,
    },
    /// A facility deleted (closed).
    DeleteFacility {
        /// The facility.
        facility: FacilityRef,
    },
    /// A facility's kind or capacities changed (what is not given stays).
    SetFacility {
        /// The facility.
        facility: FacilityRef,
        /// Its new kind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<FacilityKind>,
        /// Its new capacities (each one given replaces the old).
        #[serde(default)]
        capacity: Capacity,
    },
    /// A road closed to every mode (a flooded road, say).
    CloseRoad {
        /// The road.
        road: FeatureRef,
    },
    /// A road's class or motor-vehicle speed changed (what is not given stays).
    SetRoad {
        /// The road.
        road: FeatureRef,
        /// Its new class (OSM `highway` value).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class: Option<String>,
        /// Its new speed, km/h.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed_kmh: Option<f64>,
    },
}

/// Why an edit cannot apply; nothing is changed then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EditError {
    /// No loaded facility is at that file and position.
    #[error("edit {edit}: no facility is feature {} of {}", .at.index, .at.file)]
    NoSuchFacility {
        /// The edit's position in the plan.
        edit: usize,
        /// What it names.
        at: FeatureRef,
    },
    /// No facility of the plan has that number (or it was deleted).
    #[error("edit {edit}: the plan adds no facility {added} (or it was deleted)")]
    NoSuchAdded {
        /// The edit's position in the plan.
        edit: usize,
        /// The number.
        added: u32,
    },
    /// Two added facilities with one number.
    #[error("edit {edit}: facility {id} is added twice")]
    DuplicateAdded {
        /// The edit's position in the plan.
        edit: usize,
        /// The number.
        id: u32,
    },
    /// No loaded road is at that file and position (or it was closed).
    #[error("edit {edit}: no open road is feature {} of {}", .at.index, .at.file)]
    NoSuchRoad {
        /// The edit's position in the plan.
        edit: usize,
        /// What it names.
        at: FeatureRef,
    },
    /// A facility placed outside the data's area.
    #[error("edit {edit}: ({:.5}, {:.5}) is outside the area of the loaded data", .at.lon, .at.lat)]
    OutsideArea {
        /// The edit's position in the plan.
        edit: usize,
        /// The position.
        at: LonLat,
    },
    /// A speed of zero or below (or not a number).
    #[error("edit {edit}: a speed must be a positive number of km/h, not {speed_kmh}")]
    BadSpeed {
        /// The edit's position in the plan.
        edit: usize,
        /// The speed.
        speed_kmh: f64,
    },
    /// A capacity below zero (or not a number).
    #[error("edit {edit}: a capacity must be zero or more, not {value}")]
    BadCapacity {
        /// The edit's position in the plan.
        edit: usize,
        /// The value.
        value: f64,
    },
    /// An empty road class, or one that is not a usable road (`proposed`, …).
    #[error("edit {edit}: \"{class}\" is not a class of usable road")]
    BadClass {
        /// The edit's position in the plan.
        edit: usize,
        /// The class given.
        class: String,
    },
}

/// The name the report gives the plan, as the file of the facilities it adds.
pub const PLAN_FILE: &str = "plan";

/// How far outside the loaded data's bounding box a facility may be placed, in degrees (about
/// 2 km).
pub const AREA_MARGIN_DEG: f64 = 0.02;

/// `path`'s name without its folders.
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The number of `file` among `file_names` (compared without folders).
fn file_number(file_names: &[String], file: &str) -> Option<u32> {
    let want = base_name(file);
    file_names
        .iter()
        .position(|n| base_name(n) == want)
        .map(|i| i as u32)
}

/// Applies `edits` to `layers`, in order. `file_names` are the loaded files' names, indexed by
/// [`Source::file`]; facilities the plan adds get the source `(file_names.len(), id)`, the
/// plan's own (see [`PLAN_FILE`]). On error `layers` is unchanged.
///
/// # Examples
/// ```
/// use medreach::engine::crs::LonLat;
/// use medreach::engine::edits::{apply, Edit, FacilityRef, FeatureRef};
/// use medreach::engine::model::{FacilityKind, Layers, Settlement, Source};
/// let mut layers = Layers::default();
/// layers.settlements.push(Settlement {
///     source: Source { file: 0, feature: 0 },
///     name: None,
///     population: 10.0,
///     at: LonLat { lon: 116.0, lat: 40.0 },
///     admin_code: None,
/// });
/// let add = Edit::AddFacility {
///     id: 0,
///     kind: FacilityKind::VillageClinic,
///     at: LonLat { lon: 116.001, lat: 40.0 },
///     name: None,
///     capacity: Default::default(),
/// };
/// apply(&mut layers, &["s.geojson".into()], &[add]).unwrap();
/// assert_eq!(layers.facilities.len(), 1);
/// assert_eq!(layers.facilities[0].source, Source { file: 1, feature: 0 });
/// // A facility nobody loaded cannot be deleted: nothing changes.
/// let delete = Edit::DeleteFacility {
///     facility: FacilityRef::Loaded(FeatureRef { file: "f.geojson".into(), index: 3 }),
/// };
/// assert!(apply(&mut layers, &["s.geojson".into()], &[delete]).is_err());
/// assert_eq!(layers.facilities.len(), 1);
/// ```
pub fn apply(layers: &mut Layers, file_names: &[String], edits: &[Edit]) -> Result<(), EditError> {
    if edits.is_empty() {
        return Ok(());
    }
    // A refused edit changes nothing, so the edits are made on a copy of what they change:
    // the facilities, and the roads only when an edit is about roads (they are most of the
    // data, and copying them took most of an edit's time on a city).
    let roads_edited = edits
        .iter()
        .any(|e| matches!(e, Edit::CloseRoad { .. } | Edit::SetRoad { .. }));
    let mut out = Layers {
        facilities: layers.facilities.clone(),
        roads: if roads_edited {
            layers.roads.clone()
        } else {
            Vec::new()
        },
        ..Layers::default()
    };
    let area = area(layers);
    let plan_file = file_names.len() as u32;
    for (edit, e) in edits.iter().enumerate() {
        apply_one(&mut out, file_names, plan_file, area, edit, e)?;
    }
    layers.facilities = out.facilities;
    if roads_edited {
        layers.roads = out.roads;
    }
    Ok(())
}

/// The bounding box `(west, south, east, north)` of everything placed, widened by
/// [`AREA_MARGIN_DEG`]; `None` when nothing is.
fn area(layers: &Layers) -> Option<(f64, f64, f64, f64)> {
    let points = layers
        .roads
        .iter()
        .flat_map(|r| r.lines.iter().flatten())
        .chain(layers.settlements.iter().map(|s| &s.at))
        .chain(layers.facilities.iter().map(|f| &f.at))
        .chain(
            layers
                .admin
                .iter()
                .flat_map(|u| u.polygons.iter().flatten().flatten()),
        );
    let mut bbox: Option<(f64, f64, f64, f64)> = None;
    for p in points {
        let b = bbox.get_or_insert((p.lon, p.lat, p.lon, p.lat));
        *b = (
            b.0.min(p.lon),
            b.1.min(p.lat),
            b.2.max(p.lon),
            b.3.max(p.lat),
        );
    }
    bbox.map(|(w, s, e, n)| {
        let m = AREA_MARGIN_DEG;
        (w - m, s - m, e + m, n + m)
    })
}

fn check_place(
    area: Option<(f64, f64, f64, f64)>,
    edit: usize,
    at: LonLat,
) -> Result<(), EditError> {
    let inside = at.lon.is_finite()
        && at.lat.is_finite()
        && area.is_some_and(|(w, s, e, n)| (w..=e).contains(&at.lon) && (s..=n).contains(&at.lat));
    if inside {
        Ok(())
    } else {
        Err(EditError::OutsideArea { edit, at })
    }
}

fn check_capacity(edit: usize, c: &Capacity) -> Result<(), EditError> {
    for v in [c.capacity, c.doctors, c.beds, c.staff]
        .into_iter()
        .flatten()
    {
        if !(v.is_finite() && v >= 0.0) {
            return Err(EditError::BadCapacity { edit, value: v });
        }
    }
    Ok(())
}

fn facility_index(
    layers: &Layers,
    file_names: &[String],
    plan_file: u32,
    edit: usize,
    r: &FacilityRef,
) -> Result<usize, EditError> {
    let source = match r {
        FacilityRef::Added { added } => Some(Source {
            file: plan_file,
            feature: *added,
        }),
        FacilityRef::Loaded(at) => file_number(file_names, &at.file).map(|file| Source {
            file,
            feature: at.index,
        }),
    };
    source
        .and_then(|s| layers.facilities.iter().position(|f| f.source == s))
        .ok_or_else(|| match r {
            FacilityRef::Added { added } => EditError::NoSuchAdded {
                edit,
                added: *added,
            },
            FacilityRef::Loaded(at) => EditError::NoSuchFacility {
                edit,
                at: at.clone(),
            },
        })
}

fn road_index(
    layers: &Layers,
    file_names: &[String],
    edit: usize,
    at: &FeatureRef,
) -> Result<usize, EditError> {
    file_number(file_names, &at.file)
        .map(|file| Source {
            file,
            feature: at.index,
        })
        .and_then(|s| layers.roads.iter().position(|r| r.source == s))
        .ok_or_else(|| EditError::NoSuchRoad {
            edit,
            at: at.clone(),
        })
}

fn apply_one(
    out: &mut Layers,
    file_names: &[String],
    plan_file: u32,
    area: Option<(f64, f64, f64, f64)>,
    edit: usize,
    e: &Edit,
) -> Result<(), EditError> {
    match e {
        Edit::AddFacility {
            id,
            kind,
            at,
            name,
            capacity,
        } => {
            let source = Source {
                file: plan_file,
                feature: *id,
            };
            if out.facilities.iter().any(|f| f.source == source) {
                return Err(EditError::DuplicateAdded { edit, id: *id });
            }
            check_place(area, edit, *at)?;
            check_capacity(edit, capacity)?;
            let mut f = Facility::of_kind(source, name.clone(), *kind, *at);
            f.planned = true;
            f.capacity = *capacity;
            out.facilities.push(f);
        }
        Edit::MoveFacility { facility, to } => {
            let i = facility_index(out, file_names, plan_file, edit, facility)?;
            check_place(area, edit, *to)?;
            out.facilities[i].at = *to;
            // Its admin unit is found again by position.
            out.facilities[i].admin_code = None;
        }
        Edit::DeleteFacility { facility } => {
            let i = facility_index(out, file_names, plan_file, edit, facility)?;
            out.facilities.remove(i);
        }
        Edit::SetFacility {
            facility,
            kind,
            capacity,
        } => {
            let i = facility_index(out, file_names, plan_file, edit, facility)?;
            check_capacity(edit, capacity)?;
            let f = &mut out.facilities[i];
            if let Some(k) = kind {
                f.kind = *k;
                f.primary_care = k.is_medical_service_point();
            }
            let c = &mut f.capacity;
            c.capacity = capacity.capacity.or(c.capacity);
            c.doctors = capacity.doctors.or(c.doctors);
            c.beds = capacity.beds.or(c.beds);
            c.staff = capacity.staff.or(c.staff);
        }
        Edit::CloseRoad { road } => {
            let i = road_index(out, file_names, edit, road)?;
            out.roads.remove(i);
        }
        Edit::SetRoad {
            road,
            class,
            speed_kmh,
        } => {
            let i = road_index(out, file_names, edit, road)?;
            if let Some(v) = speed_kmh {
                if !(v.is_finite() && *v > 0.0) {
                    return Err(EditError::BadSpeed {
                        edit,
                        speed_kmh: *v,
                    });
                }
            }
            let class = class
                .as_deref()
                .map(crate::engine::io::properties::road_class);
            if let Some(c) = &class {
                if c.is_empty() || crate::engine::io::properties::NOT_ROADS.contains(&c.as_str()) {
                    return Err(EditError::BadClass {
                        edit,
                        class: c.clone(),
                    });
                }
            }
            let r = &mut out.roads[i];
            if let Some(c) = class {
                // As the reader decides: a walk-only class is closed to motor vehicles; a road
                // closed only for its old class opens; one closed by its access stays closed.
                let was_class_only = is_walk_only_class(&r.class);
                r.drivable = !is_walk_only_class(&c) && (r.drivable || was_class_only);
                r.class = c;
            }
            if let Some(v) = speed_kmh {
                r.speed_kmh = Some(*v);
            }
        }
    }
    Ok(())
}
