//! `medreach access`: capacity-limited coverage. Its JSON contract: `method`, `catchment_min`,
//! `settlements[].{index, ratio}` (a settlement no supplier reaches within the catchment has
//! ratio 0) and `facilities[].{index, ratio, demand}` (every medical service point with the
//! capacity; ratio null when nobody is in its catchment); the catchment is inclusive.

use super::{assert_fails, assert_fields, run, stdout_json, TempFile};
use crate::support::geojson::{collection, Plane};
use medreach::engine::network::kmh_to_m_per_min;
use serde_json::{json, Value};

/// A case in straight lines (the roads are one motorway far away, not walkable) whose
/// off-road speed puts settlement 0 at exactly 15.0 minutes from facility 0:
///
/// - facility 0, a village clinic with 2 doctors (医生数) at (0, 0);
/// - facility 1, a village clinic with 3 doctors (执业医师数) 50 km away: nobody within reach;
/// - facility 2, a village clinic without doctors (not a supplier);
/// - facility 3, a pharmacy with 5 doctors (not a medical service point);
/// - settlement 0 (100 residents) at exactly 15.0 minutes, settlement 1 (50) a little beyond
///   on the other side, settlement 2 (300) at 300 m.
struct Case {
    roads: TempFile,
    facilities: TempFile,
    settlements: TempFile,
    speeds: TempFile,
}

impl Case {
    fn new() -> Case {
        let plane = Plane::new(112.0, 30.0);
        let projector = plane.projector();
        let xy = |x: f64| projector.project(plane.at(x, 0.0));
        let origin = xy(0.0);
        // A distance and an off-road speed at which the time is 15.0 to the last bit.
        let (d, kmh) = (0..200)
            .map(|k| 1000.0 + k as f64 * 0.37)
            .find_map(|x| {
                let d = xy(x).distance_m(origin);
                let mut kmh = d * 60.0 / 15_000.0;
                for _ in 0..8 {
                    let minutes = d / kmh_to_m_per_min(kmh);
                    if minutes == 15.0 {
                        return Some((x, kmh));
                    }
                    // The next float up or down (kmh is positive).
                    let bits = kmh.to_bits();
                    kmh = f64::from_bits(if minutes > 15.0 { bits + 1 } else { bits - 1 });
                }
                None
            })
            .expect("a speed that gives exactly 15.0 minutes");
        let facility = |kind: &str, extra: Value, x: f64| {
            let mut props = json!({"类型": kind});
            props
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            plane.point(x, 0.0, props)
        };
        let facilities = collection(&[
            facility("村卫生室", json!({"医生数": 2}), 0.0),
            facility("村卫生室", json!({"执业医师数": "3人"}), 50_000.0),
            facility("村卫生室", json!({"床位数": 4}), 100.0),
            facility("药店", json!({"医生数": 5}), 10.0),
        ]);
        let settlements = collection(&[
            plane.point(d, 0.0, json!({"人口": 100})),
            plane.point(-d - 2.0, 0.0, json!({"人口": 50})),
            plane.point(0.0, 300.0, json!({"人口": 300})),
        ]);
        let roads = collection(&[plane.line(
            &[(0.0, 90_000.0), (500.0, 90_000.0)],
            json!({"highway": "motorway"}),
        )]);
        Case {
            roads: TempFile::new("roads", &roads),
            facilities: TempFile::new("facilities", &facilities),
            settlements: TempFile::new("settlements", &settlements),
            speeds: TempFile::new("speeds", &json!({ "offroad_kmh": kmh }).to_string()),
        }
    }

    fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = vec!["access".into()];
        for (flag, file) in [
            ("--roads", &self.roads),
            ("--facilities", &self.facilities),
            ("--settlements", &self.settlements),
            ("--speeds", &self.speeds),
        ] {
            args.push(flag.into());
            args.push(file.path());
        }
        args.extend(["--mode", "walk"].map(String::from));
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }
}

fn ratios(rows: &Value) -> Vec<Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["ratio"].clone())
        .collect()
}

#[test]
fn access_prints_the_documented_json() {
    let case = Case::new();
    let out = run(&case.args(&["--capacity-field", "doctors", "--times"]));
    let json = stdout_json(&out);
    assert_fields(
        &json,
        "access",
        &[
            ("method", Value::is_string),
            ("catchment_min", Value::is_number),
            ("settlements", Value::is_array),
            ("facilities", Value::is_array),
            ("warnings", Value::is_array),
        ],
    );
    assert_eq!(json["method"], "2sfca");
    assert_eq!(json["catchment_min"], 15.0, "the limit by default");
    assert_eq!(json["capacity_field"], "doctors");
    assert_eq!(json["straight_line"], true);
    for s in json["settlements"].as_array().unwrap() {
        assert_fields(
            s,
            "settlement",
            &[("index", Value::is_u64), ("ratio", Value::is_number)],
        );
    }
    for f in json["facilities"].as_array().unwrap() {
        assert_fields(
            f,
            "facility",
            &[
                ("index", Value::is_u64),
                ("ratio", |v| v.is_number() || v.is_null()),
                ("demand", Value::is_number),
            ],
        );
    }
    // Settlement 0 at exactly 15.0 minutes is in facility 0's catchment; settlement 1, a
    // little beyond, reaches no supplier.
    let times = json["times"].as_array().unwrap();
    let at_limit = times.iter().find(|t| t["settlement"] == 0).unwrap();
    assert_eq!(at_limit["minutes"], 15.0);
    assert_eq!(at_limit["facility"], 0);
    assert_eq!(
        ratios(&json["settlements"]),
        vec![json!(0.005), json!(0.0), json!(0.005)]
    );
    // Suppliers: the clinics with doctors (0, and 1 that nobody reaches), not the clinic
    // without doctors, not the pharmacy.
    let facilities = json["facilities"].as_array().unwrap();
    let index: Vec<&Value> = facilities.iter().map(|f| &f["index"]).collect();
    assert_eq!(index, vec![&json!(0), &json!(1)]);
    assert_eq!(facilities[0]["ratio"], 0.005);
    assert_eq!(facilities[0]["demand"], 400.0);
    assert_eq!(facilities[1]["ratio"], Value::Null);
    assert_eq!(facilities[1]["demand"], 0.0);
    assert_eq!(facilities[1]["capacity"], 3.0);
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("facilities 2"), "{warnings}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("do not supply"), "{stderr}");

    // Just under 15 minutes, settlement 0 is out of reach.
    let json = stdout_json(&run(&case.args(&[
        "--capacity-field",
        "医生数",
        "--catchment-min",
        "14.999999",
    ])));
    assert_eq!(
        ratios(&json["settlements"]),
        vec![json!(0.0), json!(0.0), json!(2.0 / 300.0)]
    );
}

#[test]
fn access_weighs_times_by_steps_and_by_a_gaussian() {
    let case = Case::new();
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() <= 1e-12 * want;
    let json = stdout_json(&run(&case.args(&[
        "--capacity-field",
        "doctors",
        "--method",
        "e2sfca",
    ])));
    assert_eq!(json["method"], "e2sfca");
    assert_eq!(
        json["weights"]["steps"],
        json!([[10.0, 1.0], [20.0, 0.68], [30.0, 0.22]])
    );
    // Settlement 2 (300 m) weighs 1, settlement 0 (15 minutes) 0.68.
    let demand = 300.0 + 0.68 * 100.0;
    let f = &json["facilities"][0];
    assert!(close(&f["demand"], demand), "{f}");
    assert!(close(&f["ratio"], 2.0 / demand), "{f}");
    let s = &json["settlements"];
    assert!(close(&s[0]["ratio"], 0.68 * 2.0 / demand), "{s}");
    assert!(close(&s[2]["ratio"], 2.0 / demand), "{s}");

    let json = stdout_json(&run(&case.args(&[
        "--capacity-field",
        "doctors",
        "--method",
        "g2sfca",
        "--sigma-min",
        "10",
    ])));
    assert_eq!(json["weights"]["sigma_min"], 10.0);
    let w = (-225.0f64 / 200.0).exp();
    let f = &json["facilities"][0];
    let d = f["demand"].as_f64().unwrap();
    assert!(d > 300.0 * 0.9 + w * 100.0 && d < 300.0 + w * 100.0, "{f}");
    assert!(close(&json["settlements"][0]["ratio"], w * 2.0 / d));
}

#[test]
fn access_refuses_bad_flags_with_a_message() {
    let case = Case::new();
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &["--capacity-field FIELD is required"]),
        (
            &["--capacity-field", "nurses"],
            &["\"nurses\"", "beds (床位数)"],
        ),
        (
            &["--capacity-field", "doctors", "--method", "3sfca"],
            &["\"3sfca\"", "2sfca, e2sfca or g2sfca"],
        ),
        (
            &["--capacity-field", "doctors", "--catchment-min", "-5"],
            &["--catchment-min", "positive"],
        ),
        (
            &["--capacity-field", "doctors", "--catchment-min", "abc"],
            &["--catchment-min"],
        ),
        (
            &["--capacity-field", "doctors", "--steps", "10:1"],
            &["--steps applies to --method e2sfca"],
        ),
        (
            &[
                "--capacity-field",
                "doctors",
                "--method",
                "e2sfca",
                "--steps",
                "10",
            ],
            &["--steps", "minutes:weight"],
        ),
        (
            &[
                "--capacity-field",
                "doctors",
                "--method",
                "g2sfca",
                "--sigma-min",
                "0",
            ],
            &["--sigma-min"],
        ),
        (
            &["--capacity-field", "doctors", "--sigma-min", "5"],
            &["--sigma-min applies to --method g2sfca"],
        ),
        (&["--capacity-field"], &["--capacity-field needs a value"]),
        // No service point gives its staff: refused, naming the field and its attributes.
        (
            &["--capacity-field", "staff"],
            &["staff", "人员数", "medical service points"],
        ),
    ];
    for (extra, needles) in cases {
        let stderr = assert_fails(&case.args(extra), needles);
        assert!(!stderr.contains("panicked"), "{extra:?}: {stderr}");
    }
}
