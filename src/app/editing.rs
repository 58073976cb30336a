//! What the page asks of the what-if edits: an edit made on the map (a facility added where the
//! user clicked, the facility or road nearest a click deleted, moved or closed), undo, redo, a
//! plan file loaded, everything cleared. The session turns a click into an
//! [`crate::engine::edits::Edit`] naming a loaded feature ([`resolve`]).

use crate::app::text::Bilingual;
use crate::engine::crs::{LonLat, Projector, UtmZone, Xy};
use crate::engine::edits::{Edit, FacilityRef, FeatureRef};
use crate::engine::model::{FacilityKind, Layers};
use serde::{Deserialize, Serialize};

/// An edit asked for in the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EditAsk {
    /// A facility of `kind` at `at`.
    Add {
        /// Its kind.
        kind: FacilityKind,
        /// Where.
        at: LonLat,
    },
    /// The facility nearest `at` (within `within_m`) deleted.
    Delete {
        /// Where the user clicked.
        at: LonLat,
        /// How far from the click a facility may be, metres.
        within_m: f64,
    },
    /// The facility nearest `from` (within `within_m`) moved to `to`.
    Move {
        /// Where the drag started.
        from: LonLat,
        /// Where it ended.
        to: LonLat,
        /// How far from the start a facility may be, metres.
        within_m: f64,
    },
    /// The facility nearest `at` (within `within_m`) given another kind.
    SetKind {
        /// Where the user clicked.
        at: LonLat,
        /// How far from the click a facility may be, metres.
        within_m: f64,
        /// Its new kind.
        kind: FacilityKind,
    },
    /// The facility nearest `at` (within `within_m`) given the capacities in `capacity`
    /// (each one given replaces the old; those not given stay).
    SetCapacity {
        /// Where the user clicked.
        at: LonLat,
        /// How far from the click a facility may be, metres.
        within_m: f64,
        /// The capacities.
        capacity: crate::engine::model::Capacity,
    },
    /// The road nearest `at` (within `within_m`) given another class or motor-vehicle speed
    /// (what is not given stays).
    SetRoad {
        /// Where the user clicked.
        at: LonLat,
        /// How far from the click a road may be, metres.
        within_m: f64,
        /// Its new class (OSM `highway` value).
        class: Option<String>,
        /// Its new speed, km/h.
        speed_kmh: Option<f64>,
    },
    /// The road nearest `at` (within `within_m`) closed.
    CloseRoad {
        /// Where the user clicked.
        at: LonLat,
        /// How far from the click a road may be, metres.
        within_m: f64,
    },
    /// The last edit taken back.
    Undo,
    /// The last edit taken back made again.
    Redo,
    /// Every edit taken back.
    Clear,
    /// The edits made kept as a named scenario (replacing one of the same name).
    SaveScenario {
        /// Its name.
        name: String,
    },
    /// A named scenario's edits in place of those made (none: the data as loaded).
    OpenScenario {
        /// Its name; `None` for the data as loaded.
        name: Option<String>,
    },
    /// The edits of a plan file (its text), in place of those made.
    Plan {
        /// The file's name.
        name: String,
        /// Its text.
        text: String,
    },
}

/// The edit a click asks for, naming the feature it is about. `file_names` are the loaded
/// files' names (indexed by `Source::file`); `next_id` numbers a facility added. Refused, in
/// both languages, when no facility or road is near enough.
pub fn resolve(
    ask: &EditAsk,
    layers: &Layers,
    file_names: &[String],
    next_id: u32,
) -> Result<Edit, Bilingual> {
    let plane = Plane::of(layers);
    let facility = |at: LonLat, within_m: f64| {
        nearest_facility(layers, file_names, &plane, at, within_m).ok_or_else(|| Bilingual {
            en: format!("No facility within {within_m:.0} m of the point clicked."),
            zh: format!("点击处 {within_m:.0} 米内没有医疗机构。"),
        })
    };
    let road = |at: LonLat, within_m: f64| {
        nearest_road(layers, file_names, &plane, at, within_m).ok_or_else(|| Bilingual {
            en: format!("No road within {within_m:.0} m of the point clicked."),
            zh: format!("点击处 {within_m:.0} 米内没有道路。"),
        })
    };
    Ok(match ask {
        EditAsk::Add { kind, at } => Edit::AddFacility {
            id: next_id,
            kind: *kind,
            at: *at,
            name: None,
            capacity: Default::default(),
        },
        EditAsk::Delete { at, within_m } => Edit::DeleteFacility {
            facility: facility(*at, *within_m)?,
        },
        EditAsk::Move { from, to, within_m } => Edit::MoveFacility {
            facility: facility(*from, *within_m)?,
            to: *to,
        },
        EditAsk::SetKind { at, within_m, kind } => Edit::SetFacility {
            facility: facility(*at, *within_m)?,
            kind: Some(*kind),
            capacity: Default::default(),
        },
        EditAsk::SetCapacity {
            at,
            within_m,
            capacity,
        } => Edit::SetFacility {
            facility: facility(*at, *within_m)?,
            kind: None,
            capacity: *capacity,
        },
        EditAsk::CloseRoad { at, within_m } => Edit::CloseRoad {
            road: road(*at, *within_m)?,
        },
        EditAsk::SetRoad {
            at,
            within_m,
            class,
            speed_kmh,
        } => Edit::SetRoad {
            road: road(*at, *within_m)?,
            class: class.clone(),
            speed_kmh: *speed_kmh,
        },
        EditAsk::Undo
        | EditAsk::Redo
        | EditAsk::Clear
        | EditAsk::Plan { .. }
        | EditAsk::SaveScenario { .. }
        | EditAsk::OpenScenario { .. } => {
            unreachable!("not an edit of the map: the session handles it")
        }
    })
}

/// The plane distances are measured in (the data's UTM zone).
struct Plane(Option<Projector>);

impl Plane {
    fn of(layers: &Layers) -> Plane {
        Plane(crate::engine::routing::zone_for(layers).map(Projector::new))
    }

    fn xy(&self, p: LonLat) -> Option<Xy> {
        self.0.as_ref().map(|pr| pr.project(p))
    }
}

/// Who a facility of the layers is, for an edit.
fn facility_ref(layers: &Layers, file_names: &[String], i: usize) -> FacilityRef {
    let s = layers.facilities[i].source;
    match file_names.get(s.file as usize) {
        Some(name) if name != crate::engine::edits::PLAN_FILE => FacilityRef::Loaded(FeatureRef {
            file: name.clone(),
            index: s.feature,
        }),
        _ => FacilityRef::Added { added: s.feature },
    }
}

fn nearest_facility(
    layers: &Layers,
    file_names: &[String],
    plane: &Plane,
    at: LonLat,
    within_m: f64,
) -> Option<FacilityRef> {
    let p = plane.xy(at)?;
    let (i, d) = layers
        .facilities
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, plane.xy(f.at)?.distance_m(p))))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    (d <= within_m).then(|| facility_ref(layers, file_names, i))
}

fn nearest_road(
    layers: &Layers,
    file_names: &[String],
    plane: &Plane,
    at: LonLat,
    within_m: f64,
) -> Option<FeatureRef> {
    let p = plane.xy(at)?;
    let mut best: Option<(usize, f64)> = None;
    for (i, road) in layers.roads.iter().enumerate() {
        for line in &road.lines {
            let pts: Vec<Xy> = line.iter().filter_map(|q| plane.xy(*q)).collect();
            for w in pts.windows(2) {
                let d = segment_distance(p, w[0], w[1]);
                if best.is_none_or(|(_, b)| d < b) {
                    best = Some((i, d));
                }
            }
        }
    }
    let (i, d) = best?;
    let s = layers.roads[i].source;
    (d <= within_m).then(|| FeatureRef {
        file: file_names.get(s.file as usize).cloned().unwrap_or_default(),
        index: s.feature,
    })
}

fn segment_distance(p: Xy, a: Xy, b: Xy) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance_m(Xy {
        x: a.x + t * dx,
        y: a.y + t * dy,
    })
}

/// The zone a page's scene is in, to turn a click into a position.
pub fn click_position(zone: UtmZone, origin: Xy, scene_xy: Xy) -> LonLat {
    Projector::new(zone).unproject(Xy {
        x: scene_xy.x + origin.x,
        y: scene_xy.y + origin.y,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::Dataset;

    #[test]
    fn a_click_names_the_nearest_facility_or_road_or_is_refused() {
        let mut data = Dataset::default();
        for (name, text) in
            crate::devtools::demo_county::generate(crate::devtools::demo_county::SEED).files()
        {
            data.load(name, text).unwrap();
        }
        let layers = data.layers();
        let names = data.file_names();
        let f = &layers.facilities[7];
        let near = LonLat {
            lon: f.at.lon + 0.0001,
            lat: f.at.lat,
        };
        let edit = resolve(
            &EditAsk::Delete {
                at: near,
                within_m: 50.0,
            },
            &layers,
            &names,
            0,
        )
        .unwrap();
        assert_eq!(
            edit,
            Edit::DeleteFacility {
                facility: FacilityRef::Loaded(FeatureRef {
                    file: "facilities.geojson".into(),
                    index: f.source.feature,
                })
            }
        );
        let far = resolve(
            &EditAsk::Delete {
                at: LonLat {
                    lon: f.at.lon + 0.5,
                    lat: f.at.lat,
                },
                within_m: 50.0,
            },
            &layers,
            &names,
            0,
        );
        assert!(far.unwrap_err().zh.contains("没有医疗机构"));
        let r = &layers.roads[20];
        let mid = r.lines[0][0];
        let Edit::CloseRoad { road } = resolve(
            &EditAsk::CloseRoad {
                at: mid,
                within_m: 30.0,
            },
            &layers,
            &names,
            0,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(road.file, "roads.geojson");
        // The vertex may be shared by roads meeting there: the road named passes through it.
        let named = layers
            .roads
            .iter()
            .find(|x| x.source.feature == road.index)
            .unwrap();
        assert!(named.lines.iter().flatten().any(|p| *p == mid));
    }
}
