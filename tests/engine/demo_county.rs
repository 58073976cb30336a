//! The generated demo county (`medreach::devtools::demo_county`): deterministic; loads with no skipped
//! feature; valid, nested and tiling units with unique, consistent codes; every settlement in
//! exactly one village or community; the travel times its rule table relies on; and the
//! committed copy in `demo/county/` is exactly the generator's output (a golden check: set
//! `MEDREACH_BLESS=1` to rewrite it).

use geo::{Area, Contains, Polygon, Validation, Winding};
use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::devtools::demo_county::{generate, DemoCounty, FILE_NAMES, SEED};
use medreach::engine::dataset::Dataset;
use medreach::engine::network::Mode;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn county() -> &'static DemoCounty {
    static COUNTY: OnceLock<DemoCounty> = OnceLock::new();
    COUNTY.get_or_init(|| generate(SEED))
}

fn dataset(county: &DemoCounty) -> Dataset {
    let mut data = Dataset::default();
    for (name, text) in county.files() {
        data.load(name, text)
            .unwrap_or_else(|e| panic!("{name} loads: {e}"));
    }
    data
}

fn features(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).expect("valid JSON");
    v["features"].as_array().expect("features").clone()
}

fn prop<'a>(f: &'a Value, key: &str) -> &'a Value {
    &f["properties"][key]
}

fn name(f: &Value) -> &str {
    prop(f, "名称").as_str().expect("a name")
}

fn polygon(f: &Value) -> Polygon<f64> {
    let rings = f["geometry"]["coordinates"].as_array().expect("rings");
    let ring = |r: &Value| -> geo::LineString<f64> {
        r.as_array()
            .expect("ring")
            .iter()
            .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
            .collect::<Vec<_>>()
            .into()
    };
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

fn point(f: &Value) -> geo::Point<f64> {
    let c = &f["geometry"]["coordinates"];
    geo::Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

/// Admin units by code: (feature, polygon).
fn units() -> HashMap<String, (Value, Polygon<f64>)> {
    let mut map = HashMap::new();
    for f in features(&county().admin) {
        let code = prop(&f, "区划代码").as_str().expect("a code").to_string();
        let poly = polygon(&f);
        assert!(
            map.insert(code.clone(), (f, poly)).is_none(),
            "code {code} is used twice"
        );
    }
    map
}

fn is_leaf(code: &str) -> bool {
    &code[9..] != "000"
}

#[test]
fn same_seed_gives_the_same_text_and_another_seed_another_county() {
    let again = generate(SEED);
    assert!(again == *county(), "generate(SEED) is not deterministic");
    let other = generate(SEED + 1);
    assert_ne!(other.admin, county().admin);
    assert_ne!(other.settlements, county().settlements);
}

#[test]
fn every_feature_loads() {
    for seed in [SEED, 7, 123_456_789] {
        let county = generate(seed);
        let data = dataset(&county);
        for file in &data.files {
            assert!(
                file.layers.skipped.is_empty(),
                "seed {seed}, {}: skipped {:?}",
                file.name,
                file.layers.skipped
            );
            assert!(file.layers.notes.is_empty(), "{:?}", file.layers.notes);
        }
        let all = data.layers();
        assert_eq!(all.admin.len(), features(&county.admin).len());
        assert_eq!(all.roads.len(), features(&county.roads).len());
        assert_eq!(all.facilities.len(), features(&county.facilities).len());
        assert_eq!(all.settlements.len(), features(&county.settlements).len());
        assert!(all.roads.len() > 300 && all.settlements.len() > 300);
    }
}

#[test]
fn rings_are_valid_closed_and_counter_clockwise() {
    for (code, (_, poly)) in units() {
        assert!(poly.is_valid(), "{code}: {:?}", poly.validation_errors());
        assert!(poly.exterior().is_closed(), "{code}");
        assert!(poly.exterior().is_ccw(), "{code}: outer ring is clockwise");
        assert!(poly.interiors().is_empty(), "{code} has a hole");
    }
}

#[test]
fn codes_follow_the_statistical_code_rules_and_nest() {
    let units = units();
    let county: Vec<&String> = units.keys().filter(|c| &c[6..] == "000000").collect();
    assert_eq!(county.len(), 1);
    let county_code = county[0].clone();
    for (code, (f, _)) in &units {
        assert_eq!(code.len(), 12, "{code}");
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert_eq!(&code[..6], &county_code[..6], "{code}");
        let level = prop(f, "级别").as_str().unwrap();
        let middle: u32 = code[6..9].parse().unwrap();
        let last: u32 = code[9..].parse().unwrap();
        let expected = match (middle, last) {
            (0, 0) => "县",
            (1..=99, 0) => "街道",
            (100..=199, 0) => "镇",
            (200..=399, 0) => "乡",
            (_, 1..=199) => "社区",
            (_, 200..=399) => "行政村",
            _ => panic!("{code}: not a valid statistical code"),
        };
        assert_eq!(level, expected, "{code}");
        if last != 0 {
            let parent = format!("{}000", &code[..9]);
            assert!(units.contains_key(&parent), "{code}: no parent {parent}");
            let parent_level = prop(&units[&parent].0, "级别").as_str().unwrap();
            let fits = match level {
                "社区" => parent_level == "街道",
                _ => parent_level == "镇" || parent_level == "乡",
            };
            assert!(fits, "{code} ({level}) under {parent} ({parent_level})");
        }
        if let Some(into) = prop(f, "并入").as_str() {
            assert!(
                units.contains_key(into),
                "{code} merged into unknown {into}"
            );
        }
    }
}

#[test]
fn units_nest_and_tile_their_parent() {
    let units = units();
    let mut children: HashMap<String, Vec<&String>> = HashMap::new();
    for code in units.keys() {
        let parent = if is_leaf(code) {
            format!("{}000", &code[..9])
        } else if &code[6..] != "000000" {
            format!("{}000000", &code[..6])
        } else {
            continue;
        };
        children.entry(parent).or_default().push(code);
    }
    for (parent, kids) in &children {
        let (pf, pp) = &units[parent];
        let mut area = 0.0;
        let mut population = 0;
        for kid in kids {
            let (kf, kp) = &units[*kid];
            assert!(pp.contains(kp), "{kid} is not inside {parent}");
            area += kp.unsigned_area();
            population += prop(kf, "人口").as_u64().unwrap();
        }
        let whole = pp.unsigned_area();
        assert!(
            (area - whole).abs() < 1e-9 * whole,
            "{parent}: its units cover {area}, it covers {whole}"
        );
        assert_eq!(population, prop(pf, "人口").as_u64().unwrap(), "{parent}");
    }
    assert!(
        children.len() > 12,
        "townships and sub-districts have units"
    );
}

#[test]
fn every_point_lies_in_exactly_one_village_or_community_its_code_names() {
    let units = units();
    let leaves: Vec<(&String, &Polygon<f64>)> = units
        .iter()
        .filter(|(c, _)| is_leaf(c))
        .map(|(c, (_, p))| (c, p))
        .collect();
    let mut population: HashMap<String, u64> = HashMap::new();
    for (file, text) in [
        ("settlements", &county().settlements),
        ("facilities", &county().facilities),
    ] {
        for f in features(text) {
            let at = point(&f);
            let inside: Vec<&String> = leaves
                .iter()
                .filter(|(_, p)| p.contains(&at))
                .map(|(c, _)| *c)
                .collect();
            assert_eq!(inside.len(), 1, "{file}: {} lies in {inside:?}", name(&f));
            assert_eq!(
                prop(&f, "所属区划代码").as_str(),
                Some(inside[0].as_str()),
                "{file}: {}",
                name(&f)
            );
            if let Some(p) = prop(&f, "人口").as_u64() {
                assert!((50..=10_000).contains(&p), "{}: {p}", name(&f));
                *population.entry(inside[0].clone()).or_default() += p;
            }
        }
    }
    for (code, (f, _)) in units.iter().filter(|(c, _)| is_leaf(c)) {
        assert_eq!(
            population.get(code).copied().unwrap_or(0),
            prop(f, "人口").as_u64().unwrap(),
            "{code}: population is the sum of its settlements"
        );
    }
}

#[test]
fn names_of_settlements_and_facilities_are_unique() {
    for text in [&county().settlements, &county().facilities] {
        let mut seen = HashSet::new();
        for f in features(text) {
            assert!(seen.insert(name(&f).to_string()), "{} twice", name(&f));
        }
    }
}

#[test]
fn the_share_within_15_minutes_is_strictly_between_0_and_1_walking_and_driving() {
    let data = dataset(county());
    for mode in [Mode::Walk, Mode::Drive] {
        let report = check(
            &data,
            &Options {
                mode,
                ..Options::default()
            },
        )
        .expect("the demo county can be analysed");
        let share = report.summary.share_within_limit.expect("residents");
        assert!(share > 0.0 && share < 1.0, "{mode:?}: share {share}");
        assert!(!report.summary.straight_line);
        assert_eq!(report.summary.unreachable_population, 0.0, "{mode:?}");
    }
}

/// Minutes from each named settlement (or facility, used as a settlement) to one facility.
fn minutes_to(facility: &str, from: &[String], mode: Mode) -> Vec<(String, f64)> {
    let county = county();
    let all: Vec<Value> = features(&county.settlements)
        .into_iter()
        .chain(features(&county.facilities))
        .collect();
    let target = all
        .iter()
        .find(|f| name(f) == facility && !prop(f, "类型").is_null())
        .unwrap_or_else(|| panic!("no facility {facility}"))
        .clone();
    let origins: Vec<Value> = from
        .iter()
        .map(|n| {
            let mut f = all
                .iter()
                .find(|f| name(f) == n)
                .unwrap_or_else(|| panic!("no place {n}"))
                .clone();
            f["properties"] = serde_json::json!({ "名称": n, "人口": 1 });
            f
        })
        .collect();
    let fc = |fs: Vec<Value>| {
        serde_json::json!({"type": "FeatureCollection", "features": fs}).to_string()
    };
    let mut data = Dataset::default();
    data.load("roads.geojson", &county.roads).unwrap();
    data.load("facility.geojson", &fc(vec![target])).unwrap();
    data.load("origins.geojson", &fc(origins)).unwrap();
    let report = check(
        &data,
        &Options {
            mode,
            ..Options::default()
        },
    )
    .unwrap();
    report
        .settlements
        .iter()
        .map(|s| {
            (
                s.name.clone().unwrap(),
                s.time_min.expect("every place reaches the facility"),
            )
        })
        .collect()
}

#[test]
fn the_travel_times_the_rule_table_relies_on() {
    let county = county();
    let marks = &county.landmarks;
    let data = dataset(county);
    let drive = check(
        &data,
        &Options {
            mode: Mode::Drive,
            ..Options::default()
        },
    )
    .unwrap();
    let by_name: HashMap<&str, &medreach::engine::report::SettlementRow> = drive
        .settlements
        .iter()
        .map(|s| (s.name.as_deref().unwrap(), s))
        .collect();
    // reach.15min fires by car at the remote hamlets, and passes in the whole county town.
    assert!(!marks.remote_hamlets.is_empty());
    for hamlet in &marks.remote_hamlets {
        let row = by_name[hamlet.as_str()];
        assert!(!row.within_limit, "{hamlet}: {:?} min", row.time_min);
        assert!(row.offroad_m.unwrap() > 1000.0, "{hamlet} is near a road");
    }
    assert!(marks.county_town_settlements.len() >= 40);
    for s in &marks.county_town_settlements {
        assert!(by_name[s.as_str()].within_limit, "{s} (county town)");
    }
    // village.clinic passes at the small village: its neighbour's clinic within 15 min on foot.
    assert!(!marks.small_village_settlements.is_empty());
    for (s, t) in minutes_to(
        &marks.shared_clinic,
        &marks.small_village_settlements,
        Mode::Walk,
    ) {
        assert!(t <= 15.0, "{s} walks {t} min to {}", marks.shared_clinic);
    }
    // community.station fires at the far community: its center is beyond 15 min on foot.
    for (s, t) in minutes_to(
        &marks.far_community_center,
        &marks.far_community_settlements,
        Mode::Walk,
    ) {
        assert!(t > 15.0, "{s} walks only {t} min to its center");
    }
    // county.referral: the designed nearest and farthest township health centers.
    let referral = minutes_to(&marks.lead_hospital, &marks.township_centers, Mode::Drive);
    let time = |n: &str| referral.iter().find(|(m, _)| m == n).unwrap().1;
    let (near, far) = (time(&marks.near_center), time(&marks.far_center));
    for (n, t) in &referral {
        assert!(
            near <= *t && *t <= far,
            "{n}: {t} min, outside {near}–{far}"
        );
    }
    assert!(near < 15.0 && far > 35.0, "referral {near}–{far} min");
}

/// Facility kinds (类型) by the code of the village or community they stand in.
fn kinds_by_unit() -> HashMap<String, Vec<(String, String)>> {
    let mut map: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for f in features(&county().facilities) {
        let code = prop(&f, "所属区划代码").as_str().unwrap().to_string();
        let kind = prop(&f, "类型").as_str().unwrap().to_string();
        map.entry(code)
            .or_default()
            .push((kind, name(&f).to_string()));
    }
    map
}

/// Metres between two points (equirectangular; fine over a few kilometres).
fn metres(a: geo::Point<f64>, b: geo::Point<f64>) -> f64 {
    let k = (a.y().to_radians()).cos();
    ((a.x() - b.x()) * k).hypot(a.y() - b.y()) * 111_320.0
}

#[test]
fn facilities_stand_where_the_rule_table_says() {
    let units = units();
    let kinds = kinds_by_unit();
    let unit_name = |code: &str| name(&units[code].0).to_string();
    let in_township = |township: &str, kind: &str| -> Vec<String> {
        kinds
            .iter()
            .filter(|(code, _)| unit_name(&format!("{}000", &code[..9])) == township)
            .flat_map(|(_, list)| list.iter())
            .filter(|(k, _)| k == kind)
            .map(|(_, n)| n.clone())
            .collect()
    };
    let centers =
        |t: &str| in_township(t, "乡镇卫生院").len() + in_township(t, "中心乡镇卫生院").len();
    // township.health-center and township.merged.
    assert_eq!(centers("坡荷镇"), 0);
    assert_eq!(centers("百合镇"), 2);
    for t in [
        "龙桥镇",
        "平孟镇",
        "德隆镇",
        "定业镇",
        "新圩镇",
        "高峰镇",
        "东兴镇",
        "板岩瑶族乡",
    ] {
        assert_eq!(centers(t), 1, "{t}");
    }
    assert_eq!(in_township("高峰镇", "乡镇卫生院分院").len(), 1);
    assert_eq!(
        in_township("那桑乡", "乡镇卫生院分院"),
        vec!["定业镇卫生院那桑分院"]
    );
    assert_eq!(centers("那桑乡"), 0);
    assert_eq!(in_township("果乐乡", "乡镇卫生院"), vec!["果乐乡卫生院"]);
    // township.central-center: one in the county town, two outside it.
    let central: Vec<String> = features(&county().facilities)
        .iter()
        .filter(|f| prop(f, "类型") == "中心乡镇卫生院")
        .map(|f| name(f).to_string())
        .collect();
    assert_eq!(
        central,
        ["龙桥镇中心卫生院", "平孟镇中心卫生院", "德隆镇中心卫生院"]
    );
    // subdistrict.health-center and subdistrict.large.
    for (sd, chc, big) in [
        ("城中街道", 1, true),
        ("新城街道", 1, false),
        ("双江街道", 0, false),
    ] {
        assert_eq!(in_township(sd, "社区卫生服务中心").len(), chc, "{sd}");
        let code = units
            .iter()
            .find(|(_, (f, _))| name(f) == sd)
            .map(|(c, _)| c.clone())
            .unwrap();
        let population = prop(&units[&code].0, "人口").as_u64().unwrap();
        assert_eq!(population > 100_000, big, "{sd}: {population}");
    }
    assert_eq!(in_township("双江街道", "政府办一级医院").len(), 1);
    // village.clinic, village.duplicate-clinics, village.special-areas.
    let mut without_clinic = Vec::new();
    let mut special_unserved = Vec::new();
    let mut two_clinics = Vec::new();
    for (code, (f, _)) in units
        .iter()
        .filter(|(_, (f, _))| prop(f, "级别") == "行政村")
    {
        let here = kinds.get(code).cloned().unwrap_or_default();
        let count = |k: &str| here.iter().filter(|(kind, _)| kind == k).count();
        let special = ["山区", "边境", "民族", "偏远", "库区", "搬迁"]
            .iter()
            .any(|flag| prop(f, flag) == &Value::Bool(true));
        let served = count("医疗服务点") + count("固定巡诊点") + count("流动医疗站") > 0;
        match count("村卫生室") {
            0 => {
                without_clinic.push(name(f).to_string());
                if special && !served {
                    special_unserved.push(name(f).to_string());
                }
            }
            1 => {}
            _ => two_clinics.push(name(f).to_string()),
        }
    }
    let case = |rule: &str| county().cases.iter().find(|c| c.rule == rule).unwrap();
    assert_eq!(without_clinic.len(), 8, "{without_clinic:?}");
    for v in &without_clinic {
        let c = case("village.clinic");
        assert!(
            c.fires.contains(v.as_str()) || c.passes.contains(v.as_str()) || {
                // The two seat villages are named by their township in the table.
                let seat = kinds[units.iter().find(|(_, (f, _))| name(f) == v).unwrap().0]
                    .iter()
                    .any(|(k, _)| k.contains("卫生院"));
                seat
            },
            "{v} lacks a clinic but is not in the table"
        );
    }
    assert_eq!(special_unserved.len(), 1, "{special_unserved:?}");
    assert!(case("village.special-areas")
        .fires
        .contains(special_unserved[0].as_str()));
    assert_eq!(two_clinics.len(), 1, "{two_clinics:?}");
    assert!(case("village.duplicate-clinics")
        .fires
        .contains(two_clinics[0].as_str()));
}

#[test]
fn old_peoples_homes_are_beside_some_centers_and_not_others() {
    let all = features(&county().facilities);
    let at = |n: &str| {
        point(
            all.iter()
                .find(|f| name(f) == n)
                .unwrap_or_else(|| panic!("{n}")),
        )
    };
    let homes: Vec<geo::Point<f64>> = all
        .iter()
        .filter(|f| prop(f, "类型") == "养老机构")
        .map(point)
        .collect();
    let nearest = |n: &str| {
        homes
            .iter()
            .map(|h| metres(*h, at(n)))
            .fold(f64::INFINITY, f64::min)
    };
    for beside in [
        "新城街道社区卫生服务中心",
        "平孟镇中心卫生院",
        "定业镇卫生院",
        "高峰镇卫生院",
        "东兴镇卫生院",
    ] {
        assert!(nearest(beside) < 500.0, "{beside}: {} m", nearest(beside));
    }
    for far in [
        "城中街道社区卫生服务中心",
        "德隆镇中心卫生院",
        "新圩镇卫生院",
        "板岩瑶族乡卫生院",
    ] {
        assert!(nearest(far) > 500.0, "{far}: {} m", nearest(far));
    }
}

#[test]
fn every_rule_of_the_catalog_has_a_case() {
    let rules_md = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/RULES.md");
    let text = std::fs::read_to_string(&rules_md)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", rules_md.display()));
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let cases: Vec<&str> = county().cases.iter().map(|c| c.rule).collect();
    assert_eq!(cases, ids, "one case per rule, in catalog order");
    for c in &county().cases {
        assert!(!c.fires.is_empty() && !c.passes.is_empty(), "{}", c.rule);
        assert!(county().readme.contains(&format!("| `{}` |", c.rule)));
    }
}

#[test]
fn the_files_are_small_enough_to_embed() {
    let total: usize = county().files().iter().map(|(_, t)| t.len()).sum();
    assert!(total < 2_000_000, "{total} bytes");
}

/// `demo/county/` is the generator's output. When it is not, the test fails, unless
/// `MEDREACH_BLESS=1`, which rewrites the folder (then review and commit the diff).
#[test]
fn the_committed_demo_is_the_generated_one() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/county");
    let fresh = std::env::temp_dir().join(format!("medreach-demo-county-{}", std::process::id()));
    county()
        .write_to(&fresh)
        .expect("write to a temporary folder");
    let differing: Vec<&str> = FILE_NAMES
        .iter()
        .copied()
        .chain(["README.md"])
        .filter(|f| differs(&fresh.join(f), &committed.join(f)))
        .collect();
    std::fs::remove_dir_all(&fresh).ok();
    if differing.is_empty() {
        return;
    }
    if std::env::var("MEDREACH_BLESS").as_deref() == Ok("1") {
        county().write_to(&committed).expect("rewrite demo/county");
        eprintln!("rewrote {differing:?} in {}", committed.display());
    } else {
        panic!(
            "demo/county/ differs from the generator's output in {differing:?}; if the change \
             is intended, run `MEDREACH_BLESS=1 cargo test --test engine demo_county`, then review and \
             commit the diff"
        );
    }
}

fn differs(a: &Path, b: &Path) -> bool {
    std::fs::read(a).ok() != std::fs::read(b).ok()
}
