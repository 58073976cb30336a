//! What-if edits (issue 12 §1): a plan's edits give the report of the same edits made in the
//! files themselves, bit for bit; taking edits back gives the earlier report exactly; a plan
//! that cannot apply changes nothing.

use medreach::app::analysis::{check, Analysis};
use medreach::app::options::Options;
use medreach::devtools::random::SplitMix64 as Rng;
use medreach::engine::crs::LonLat;
use medreach::engine::dataset::Dataset;
use medreach::engine::edits::{plan_file, Edit, EditError, FacilityRef, FeatureRef};
use medreach::engine::model::{Capacity, FacilityKind};
use medreach::engine::network::{Mode, SpeedTable};
use medreach::engine::report::Report;
use serde_json::{json, Value};

const LAYERS: [&str; 4] = ["roads", "facilities", "settlements", "admin"];

fn demo_text(name: &str) -> String {
    let path = format!("{}/demo/county/{name}.geojson", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn dataset(texts: &[(String, String)]) -> Dataset {
    let mut data = Dataset::default();
    for (name, text) in texts {
        data.load(&format!("{name}.geojson"), text).unwrap();
    }
    data
}

fn demo_texts() -> Vec<(String, String)> {
    LAYERS
        .iter()
        .map(|n| (n.to_string(), demo_text(n)))
        .collect()
}

/// The same edits made in the files: features removed, moved, changed and appended.
fn edit_files(texts: &[(String, String)], edits: &[Edit]) -> Vec<(String, String)> {
    let mut docs: Vec<(String, Value)> = texts
        .iter()
        .map(|(n, t)| (n.clone(), serde_json::from_str(t).unwrap()))
        .collect();
    // Each feature keeps its original position as a tag, so that edits name it after others
    // were removed; added facilities are tagged by their number.
    for (_, d) in &mut docs {
        for (i, f) in d["features"].as_array_mut().unwrap().iter_mut().enumerate() {
            f["tag"] = json!(i);
        }
    }
    let facility = |r: &FacilityRef| match r {
        FacilityRef::Loaded(at) => (at.file.clone(), json!(at.index)),
        FacilityRef::Added { added } => (
            "facilities.geojson".to_string(),
            json!(format!("added-{added}")),
        ),
    };
    for e in edits {
        match e {
            Edit::AddFacility {
                id, kind, at, name, ..
            } => {
                features_of(&mut docs, "facilities.geojson").push(json!({
                    "type": "Feature", "tag": format!("added-{id}"),
                    "properties": {"kind": kind, "name": name, "planned": true},
                    "geometry": {"type": "Point", "coordinates": [at.lon, at.lat]},
                }));
            }
            Edit::MoveFacility { facility: r, to } => {
                let (file, tag) = facility(r);
                let fs = features_of(&mut docs, &file);
                let i = position(fs, &tag);
                fs[i]["geometry"]["coordinates"] = json!([to.lon, to.lat]);
                if let Some(p) = fs[i]["properties"].as_object_mut() {
                    p.remove("所属区划代码");
                }
            }
            Edit::DeleteFacility { facility: r } => {
                let (file, tag) = facility(r);
                let fs = features_of(&mut docs, &file);
                let i = position(fs, &tag);
                fs.remove(i);
            }
            Edit::CloseRoad { road } => {
                let fs = features_of(&mut docs, &road.file);
                let i = position(fs, &json!(road.index));
                fs.remove(i);
            }
            Edit::SetRoad {
                road,
                class,
                speed_kmh,
            } => {
                let fs = features_of(&mut docs, &road.file);
                let i = position(fs, &json!(road.index));
                if let Some(c) = class {
                    fs[i]["properties"]["highway"] = json!(c);
                }
                if let Some(v) = speed_kmh {
                    fs[i]["properties"]["maxspeed_kmh"] = json!(v);
                }
            }
            Edit::SetFacility { .. } => unreachable!("not generated"),
        }
    }
    docs.into_iter()
        .map(|(n, d)| (n, serde_json::to_string(&d).unwrap()))
        .collect()
}

/// The features of the document of `file`.
fn features_of<'a>(docs: &'a mut [(String, Value)], file: &str) -> &'a mut Vec<Value> {
    let d = &mut docs
        .iter_mut()
        .find(|(n, _)| format!("{n}.geojson") == file)
        .expect("a loaded file")
        .1;
    d["features"].as_array_mut().expect("features")
}

/// Where the feature tagged `tag` now is.
fn position(features: &[Value], tag: &Value) -> usize {
    features
        .iter()
        .position(|f| f["tag"] == *tag)
        .expect("the tagged feature")
}

/// What must agree between two reports of the same data: every settlement's time (bits),
/// the headline figures and the findings' messages.
fn fingerprint(r: &Report) -> Value {
    json!({
        "times": r.settlements.iter().map(|s| s.time_min.map(f64::to_bits)).collect::<Vec<_>>(),
        "within": r.summary.population_within_limit.to_bits(),
        "mean": r.summary.mean_time_min.map(f64::to_bits),
        "findings": r.findings.iter().map(|f| (f.rule, f.message.clone())).collect::<Vec<_>>(),
    })
}

fn random_edit(rng: &mut Rng, data: &Dataset, edits: &[Edit], next_id: &mut u32) -> Edit {
    let layers = data.layers();
    let settlement = &layers.settlements[rng.below(layers.settlements.len() as u64) as usize];
    let near = |rng: &mut Rng, p: LonLat| LonLat {
        lon: p.lon + (rng.below(2001) as f64 - 1000.0) * 1e-5,
        lat: p.lat + (rng.below(2001) as f64 - 1000.0) * 1e-5,
    };
    // Loaded facilities still there, and added ones.
    let alive: Vec<FacilityRef> = layers
        .facilities
        .iter()
        .map(|f| {
            if (f.source.file as usize) < data.files.len() {
                FacilityRef::Loaded(FeatureRef {
                    file: data.files[f.source.file as usize].name.clone(),
                    index: f.source.feature,
                })
            } else {
                FacilityRef::Added {
                    added: f.source.feature,
                }
            }
        })
        .collect();
    let _ = edits;
    match rng.below(5) {
        0 | 1 => {
            *next_id += 1;
            Edit::AddFacility {
                id: *next_id - 1,
                kind: [
                    FacilityKind::VillageClinic,
                    FacilityKind::MedicalServicePoint,
                ][rng.below(2) as usize],
                at: near(rng, settlement.at),
                name: Some(format!("新点{next_id}")),
                capacity: Capacity::default(),
            }
        }
        2 => Edit::MoveFacility {
            facility: alive[rng.below(alive.len() as u64) as usize].clone(),
            to: near(rng, settlement.at),
        },
        3 => Edit::DeleteFacility {
            facility: alive[rng.below(alive.len() as u64) as usize].clone(),
        },
        _ => {
            let road = &layers.roads[rng.below(layers.roads.len() as u64) as usize];
            let road = FeatureRef {
                file: data.files[road.source.file as usize].name.clone(),
                index: road.source.feature,
            };
            if rng.below(2) == 0 {
                Edit::CloseRoad { road }
            } else {
                Edit::SetRoad {
                    road,
                    class: Some("track".into()),
                    speed_kmh: Some(5.0 + rng.below(40) as f64),
                }
            }
        }
    }
}

#[test]
fn after_an_edit_the_transfer_times_by_car_reused_give_the_report_of_a_fresh_run() {
    // On foot, the referral and acute-care rules judge by car: the analysis before an edit
    // had those times, and the one after it computes them reusing its network and joins.
    let texts = demo_texts();
    let params = medreach::engine::rules::RuleParams::default();
    let speeds = SpeedTable::default();
    let mut data = dataset(&texts);
    let mut rng = Rng(7);
    let mut next_id = 0;
    let mut edits: Vec<Edit> = Vec::new();
    let mut prior = Analysis::run(&data, Mode::Walk, &speeds).unwrap();
    let _ = prior.report(15.0, &params);
    for step in 0..4 {
        edits.push(random_edit(&mut rng, &data, &edits, &mut next_id));
        data.set_edits(edits.clone())
            .expect("a generated edit applies");
        let after =
            Analysis::run_after(&data, Mode::Walk, &speeds, &mut |_, _, _| {}, prior).unwrap();
        let fresh = Analysis::run(&data, Mode::Walk, &speeds).unwrap();
        assert!(
            after.report(15.0, &params) == fresh.report(15.0, &params),
            "step {step}: {edits:#?}"
        );
        prior = after;
    }
}

#[test]
fn edits_give_the_report_of_the_edited_files_and_taking_them_back_the_earlier_one() {
    let texts = demo_texts();
    let options = Options {
        mode: Mode::Drive,
        ..Options::default()
    };
    let mut data = dataset(&texts);
    let baseline = fingerprint(&check(&data, &options).unwrap());
    let mut rng = Rng(2025);
    let mut next_id = 0;
    for round in 0..3 {
        let mut prior = Some(Analysis::run(&data, Mode::Drive, &SpeedTable::default()).unwrap());
        let mut edits: Vec<Edit> = Vec::new();
        let mut reports = vec![baseline.clone()];
        for _ in 0..3 {
            let e = random_edit(&mut rng, &data, &edits, &mut next_id);
            edits.push(e);
            data.set_edits(edits.clone())
                .expect("a generated edit applies");
            let got = check(&data, &options).unwrap();
            assert_eq!(got.edits, edits);
            let want = check(&dataset(&edit_files(&texts, &edits)), &options).unwrap();
            assert!(
                fingerprint(&got) == fingerprint(&want),
                "round {round}: the edits give another report than the edited files: {edits:#?}"
            );
            // Reusing what the analysis before the edit computed gives the same report.
            let speeds = SpeedTable::default();
            let fresh = Analysis::run(&data, Mode::Drive, &speeds).unwrap();
            let after = Analysis::run_after(
                &data,
                Mode::Drive,
                &speeds,
                &mut |_, _, _| {},
                prior.take().expect("the analysis before"),
            )
            .unwrap();
            assert!(
                after.report(15.0, &options.rules) == fresh.report(15.0, &options.rules),
                "round {round}: reusing the analysis before the edit changed the report"
            );
            prior = Some(after);
            reports.push(fingerprint(&got));
        }
        // Undo, one edit at a time: each earlier report exactly.
        while edits.pop().is_some() {
            reports.pop();
            data.set_edits(edits.clone()).unwrap();
            assert_eq!(
                fingerprint(&check(&data, &options).unwrap()),
                *reports.last().unwrap()
            );
        }
        next_id = 0;
    }
}

#[test]
fn an_added_clinic_lowers_times_and_shows_as_a_planned_site() {
    let mut data = dataset(&demo_texts());
    let before = check(&data, &Options::default()).unwrap();
    // The most populous settlement beyond the limit that stands near a road.
    let worst = before
        .settlements
        .iter()
        .filter(|s| !s.within_limit && s.offroad_m.is_some_and(|m| m < 100.0))
        .max_by(|a, b| a.population.total_cmp(&b.population))
        .unwrap();
    let worst_row = before
        .settlements
        .iter()
        .position(|s| std::ptr::eq(s, worst))
        .unwrap();
    let at = data.layers().settlements[worst.index].at;
    data.set_edits(vec![Edit::AddFacility {
        id: 0,
        kind: FacilityKind::VillageClinic,
        at,
        name: Some("新建卫生室".into()),
        capacity: Capacity::default(),
    }])
    .unwrap();
    let after = check(&data, &Options::default()).unwrap();
    assert!(after.summary.population_within_limit > before.summary.population_within_limit);
    for (a, b) in after.settlements.iter().zip(&before.settlements) {
        assert!(a.time_min.unwrap_or(f64::INFINITY) <= b.time_min.unwrap_or(f64::INFINITY));
    }
    assert_eq!(after.planned_sites.len(), 1);
    assert_eq!(after.planned_sites[0].name.as_deref(), Some("新建卫生室"));
    assert!(after.planned_sites[0].population_served > 0.0);
    // The comparison with the baseline says the same.
    let (plan, c) =
        medreach::app::analysis::check_with_comparison(&data, &Options::default()).unwrap();
    let c = c.expect("a comparison with edits");
    assert_eq!(plan, after);
    assert_eq!(c.before, before.summary);
    assert_eq!(
        c.population_gained,
        after.summary.population_within_limit - before.summary.population_within_limit
    );
    for ch in &c.settlements {
        assert!(ch.band_after < ch.band_before, "{ch:?}: only faster");
        assert_eq!(ch.before, before.settlements[ch.row].time_min);
        assert_eq!(ch.after, after.settlements[ch.row].time_min);
    }
    assert!(c.settlements.iter().any(|ch| ch.row == worst_row));
    assert!(c
        .added
        .iter()
        .all(|f| f.rule != medreach::engine::rules::RuleId::Reach15Min));
    assert!(c
        .resolved
        .iter()
        .any(|f| f.rule == medreach::engine::rules::RuleId::Reach15Min));
    let county: Vec<_> = c
        .units
        .iter()
        .filter(|u| u.level == Some(medreach::engine::model::Level::County))
        .collect();
    assert_eq!(county.len(), 1);
    assert!(county[0].within_after > county[0].within_before);
    // The analysis names the plan as the added facility's file.
    let a = Analysis::run(&data, Mode::Walk, &SpeedTable::default()).unwrap();
    assert_eq!(a.file_names.last().map(String::as_str), Some("plan"));
}

#[test]
fn an_edit_that_cannot_apply_is_refused_and_changes_nothing() {
    let mut data = dataset(&demo_texts());
    let good = vec![Edit::DeleteFacility {
        facility: FacilityRef::Loaded(FeatureRef {
            file: "facilities.geojson".into(),
            index: 5,
        }),
    }];
    data.set_edits(good.clone()).unwrap();
    let before = fingerprint(&check(&data, &Options::default()).unwrap());
    type Expected = fn(&EditError) -> bool;
    let bad: [(Edit, Expected); 4] = [
        (
            Edit::AddFacility {
                id: 9,
                kind: FacilityKind::VillageClinic,
                at: LonLat { lon: 0.0, lat: 0.0 },
                name: None,
                capacity: Capacity::default(),
            },
            |e| matches!(e, EditError::OutsideArea { edit: 1, .. }),
        ),
        (
            Edit::DeleteFacility {
                facility: FacilityRef::Loaded(FeatureRef {
                    file: "facilities.geojson".into(),
                    index: 5000,
                }),
            },
            |e| matches!(e, EditError::NoSuchFacility { edit: 1, .. }),
        ),
        (
            Edit::SetRoad {
                road: FeatureRef {
                    file: "roads.geojson".into(),
                    index: 3,
                },
                class: None,
                speed_kmh: Some(0.0),
            },
            |e| matches!(e, EditError::BadSpeed { edit: 1, .. }),
        ),
        (
            Edit::CloseRoad {
                road: FeatureRef {
                    file: "elsewhere.geojson".into(),
                    index: 3,
                },
            },
            |e| matches!(e, EditError::NoSuchRoad { edit: 1, .. }),
        ),
    ];
    for (edit, expected) in bad {
        let mut edits = good.clone();
        edits.push(edit);
        let err = data.set_edits(edits).unwrap_err();
        assert!(expected(&err), "{err:?}");
        assert_eq!(data.edits(), good.as_slice());
        assert_eq!(
            fingerprint(&check(&data, &Options::default()).unwrap()),
            before
        );
    }
}

#[test]
fn a_plan_file_round_trips_and_applies_by_file_name_without_folders() {
    let data = dataset(&demo_texts());
    let edits = vec![
        Edit::AddFacility {
            id: 0,
            kind: FacilityKind::MedicalServicePoint,
            at: data.layers().settlements[10].at,
            name: Some("服务点".into()),
            capacity: Capacity::default(),
        },
        Edit::CloseRoad {
            road: FeatureRef {
                file: "/somewhere/else/roads.geojson".into(),
                index: 7,
            },
        },
    ];
    let text = plan_file::write(&edits, &data.layers(), &data.file_names(), None);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["features"][1]["properties"]["edit"], "close_road");
    assert_eq!(doc["features"][1]["geometry"]["type"], "MultiLineString");
    let back = plan_file::read(&text).unwrap();
    assert_eq!(back, edits);
    let mut data = data;
    data.set_edits(back).unwrap();
    assert_eq!(data.layers().roads.len(), 530);
}
