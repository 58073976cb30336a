//! OpenStreetMap extracts (`tests/data/osm/*.osm.pbf`) read by `medreach::engine::io::osm`.
//!
//! The expected counts were established independently: a Python script using pyosmium
//! (libosmium's reader and its multipolygon assembler, installed from PyPI in a throw-away venv;
//! not a dependency of this repository) applies the rules documented in `src/engine/io/osm/`, written
//! again from the documentation: roads are `highway=*` ways whose class is not in the
//! not-a-road lists and that have two distinct positions; facilities are nodes, ways and
//! multipolygons with `healthcare` or a health `amenity`; settlements are settlement `place`
//! nodes with a numeric `population`; residential buildings are closed `building` ways of a
//! home type (or `yes` without a non-residential tag) of at least 30 m²; complete admin units
//! are the areas libosmium assembles from `boundary=administrative` relations. Its output:
//!
//! ```text
//! andorra       nodes 69644  ways 2725  relations 74  roads 1613  facilities 10 (7 service points)  places 1   residential 274   admin areas 6
//! baltimore     nodes 51385  ways 7230  relations 167 roads 3835  facilities 16 (11 service points) places 0   residential 1253  admin areas 0
//! liechtenstein nodes 142832 ways 15247 relations 358 roads 4659  facilities 4 (1 service point)    places 12  residential 7849  admin areas 14
//! porto         nodes 347944 ways 51458 relations 357 roads 51195 facilities 0                      places 0   residential 1     admin areas 0
//! ```
//!
//! The roads and facilities read from the extracts are also checked against the independent
//! reference results of `tests/data/cases/` (built from the same extracts): with the case's
//! own settlements, every travel time matches. (`tests/cli/osm.rs` runs the command line on
//! the extracts.)

use crate::support::data::{case_text, extract_path};
use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::crs::LonLat;
use medreach::engine::dataset::{Dataset, LoadedFile};
use medreach::engine::io::osm::{
    estimate_residents, read_osm_pbf, OsmError, OsmImport, OsmOptions, OsmType, OsmWarning,
    PopulationChoice, PopulationSource, ResidentialBuilding,
};
use medreach::engine::model::{AdminUnit, FacilityKind, Source};
use medreach::engine::network::{Mode, SpeedTable};
use serde_json::Value;

fn extract(name: &str) -> Vec<u8> {
    let path = extract_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn import(name: &str, options: &OsmOptions) -> OsmImport {
    read_osm_pbf(&extract(name), options, 0)
        .unwrap_or_else(|e| panic!("{name}.osm.pbf does not load: {e}"))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// What one extract is expected to hold (see the module docs for where the numbers come from).
struct Expected {
    name: &'static str,
    nodes: usize,
    ways: usize,
    relations: usize,
    roads: usize,
    facilities: usize,
    service_points: usize,
    settlements: usize,
    population: PopulationSource,
    residential_buildings: usize,
    admin: usize,
}

const EXPECTED: [Expected; 4] = [
    Expected {
        name: "liechtenstein",
        nodes: 142_832,
        ways: 15_247,
        relations: 358,
        roads: 4659,
        facilities: 4,
        service_points: 1,
        settlements: 12,
        population: PopulationSource::PlaceNodes,
        residential_buildings: 7849,
        admin: 14,
    },
    Expected {
        name: "andorra",
        nodes: 69_644,
        ways: 2725,
        relations: 74,
        roads: 1613,
        facilities: 10,
        service_points: 7,
        settlements: 1,
        population: PopulationSource::PlaceNodes,
        residential_buildings: 274,
        admin: 6,
    },
    Expected {
        name: "baltimore",
        nodes: 51_385,
        ways: 7230,
        relations: 167,
        roads: 3835,
        facilities: 16,
        service_points: 11,
        settlements: 1253,
        population: PopulationSource::BuildingEstimate,
        residential_buildings: 1253,
        admin: 0,
    },
    Expected {
        name: "porto",
        nodes: 347_944,
        ways: 51_458,
        relations: 357,
        roads: 51_195,
        facilities: 0,
        service_points: 0,
        settlements: 1,
        population: PopulationSource::BuildingEstimate,
        residential_buildings: 1,
        admin: 0,
    },
];

#[test]
fn every_extract_loads_with_the_independently_counted_layers() {
    for want in &EXPECTED {
        let got = import(want.name, &OsmOptions::default());
        let l = &got.layers;
        let name = want.name;
        assert_eq!(got.stats.nodes, want.nodes, "{name}: nodes");
        assert_eq!(got.stats.ways, want.ways, "{name}: ways");
        assert_eq!(got.stats.relations, want.relations, "{name}: relations");
        assert_eq!(got.stats.missing_node_refs, 0, "{name}: complete ways");
        assert_eq!(l.roads.len(), want.roads, "{name}: roads");
        assert_eq!(l.facilities.len(), want.facilities, "{name}: facilities");
        let service_points = l.facilities.iter().filter(|f| f.primary_care).count();
        assert_eq!(
            service_points, want.service_points,
            "{name}: service points"
        );
        assert_eq!(l.settlements.len(), want.settlements, "{name}: settlements");
        assert_eq!(got.population_source, want.population, "{name}: population");
        assert_eq!(
            got.stats.residential_buildings, want.residential_buildings,
            "{name}: residential buildings"
        );
        assert_eq!(got.buildings.len(), want.residential_buildings);
        assert_eq!(l.admin.len(), want.admin, "{name}: complete admin units");
        assert_eq!(got.stats.admin_complete, want.admin);
        // Every feature names its OSM element, and the elements are of the right type.
        for r in &l.roads {
            assert_eq!(got.element(r.source).map(|e| e.kind), Some(OsmType::Way));
            assert_eq!(r.source.file, 0);
        }
        for a in &l.admin {
            assert_eq!(
                got.element(a.source).map(|e| e.kind),
                Some(OsmType::Relation)
            );
            assert!(a
                .polygons
                .iter()
                .all(|p| p[0].len() >= 4 && p[0][0] == p[0][p[0].len() - 1]));
        }
        for s in &l.settlements {
            assert!(s.population.is_finite() && s.population >= 0.0);
        }
        let estimated = got
            .warnings
            .iter()
            .any(|w| matches!(w, OsmWarning::PopulationEstimated { .. }));
        assert_eq!(
            estimated,
            want.population == PopulationSource::BuildingEstimate
        );
        assert_eq!(got.stats.population_estimated, estimated);
        assert_eq!(
            got.warnings.contains(&OsmWarning::NoFacility),
            want.facilities == 0,
            "{name}: the no-facility message"
        );
        for w in &got.warnings {
            assert!(
                l.notes.iter().any(|n| n.contains(&w.to_string())),
                "{name}: warning {w} is among the notes"
            );
        }
    }
}

#[test]
fn liechtenstein_municipalities_with_population_are_settlements() {
    let got = import("liechtenstein", &OsmOptions::default());
    let municipalities = [
        ("Vaduz", 5229.0),
        ("Schaan", 5933.0),
        ("Triesen", 4913.0),
        ("Balzers", 4539.0),
        ("Eschen", 4284.0),
        ("Mauren", 4138.0),
        ("Triesenberg", 2634.0),
        ("Ruggell", 2065.0),
        ("Gamprin", 1636.0),
        ("Schellenberg", 1037.0),
        ("Planken", 430.0),
    ];
    let settlements = &got.layers.settlements;
    for (name, population) in municipalities {
        let s = settlements
            .iter()
            .find(|s| s.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name} is not a settlement"));
        assert_eq!(s.population, population, "{name}");
        assert_eq!(got.element(s.source).map(|e| e.kind), Some(OsmType::Node));
        // Each municipality's place node lies in its own boundary relation.
        assert!(
            got.layers
                .admin
                .iter()
                .any(|a| a.name.as_deref() == Some(name)),
            "{name} has its admin unit"
        );
    }
    // The twelfth is the village of Nendeln (part of Eschen), which has its own population.
    assert_eq!(settlements.len(), 12);
    assert!(settlements
        .iter()
        .any(|s| s.name.as_deref() == Some("Nendeln")));
    assert!(settlements
        .iter()
        .all(|s| !s.name.as_deref().unwrap_or("").contains("estimate")));
    assert!(got.warnings.iter().any(|w| matches!(
        w,
        OsmWarning::PartialPlacePopulation {
            with_population: 12,
            without_population: 11
        }
    )));
    let hospital: Vec<_> = got
        .layers
        .facilities
        .iter()
        .filter(|f| f.primary_care)
        .collect();
    assert_eq!(hospital.len(), 1);
    assert_eq!(hospital[0].kind, FacilityKind::Hospital);
    assert_eq!(
        hospital[0].name.as_deref(),
        Some("Liechtensteinisches Landesspital")
    );
}

#[test]
fn andorra_hospitals_are_recognised_and_pharmacies_are_not_service_points() {
    let got = import("andorra", &OsmOptions::default());
    let f = &got.layers.facilities;
    let hospitals: Vec<_> = f
        .iter()
        .filter(|f| f.kind == FacilityKind::Hospital)
        .collect();
    assert_eq!(hospitals.len(), 7);
    assert!(hospitals.iter().all(|h| h.primary_care));
    let pharmacies: Vec<_> = f
        .iter()
        .filter(|f| f.kind == FacilityKind::Pharmacy)
        .collect();
    assert_eq!(pharmacies.len(), 3);
    assert!(pharmacies.iter().all(|p| !p.primary_care));
    // One hospital is an area (way 194554955): it sits at its area centroid, where the
    // independent conversion in the reference case puts it too (to its 7 decimals).
    let area = hospitals
        .iter()
        .find(|h| got.element(h.source).map(|e| e.kind) == Some(OsmType::Way))
        .expect("a hospital area");
    assert_eq!(got.element(area.source).map(|e| e.id), Some(194_554_955));
    assert!((area.at.lon - 1.533_965_8).abs() < 1e-7 && (area.at.lat - 42.511_531_3).abs() < 1e-7);
    // Six of the seven parishes have a complete boundary; the country's has not.
    assert_eq!(got.layers.admin.len(), 6);
    assert!(got
        .layers
        .notes
        .iter()
        .any(|n| n.contains("relation 9407") && n.contains("Andorra")));
}

/// Runs the OSM extract's roads and facilities with the reference case's own settlements and
/// compares every settlement's time with the case's independent reference.
fn matches_reference(case: &str, mode: Mode) {
    let got = import(case, &OsmOptions::default());
    let settlements = medreach::engine::io::geojson::read_geojson(
        "settlements.geojson",
        &case_text(case, "settlements.geojson"),
        1,
    )
    .expect("case settlements load");
    let facilities_json = json(&case_text(case, "facilities.geojson"));
    let reference = json(&case_text(case, &format!("reference_{}.json", mode.id())));
    let mut layers = got.layers.clone();
    layers.settlements = settlements.settlements;
    layers.admin.clear();
    let reach = medreach::engine::routing::travel_times(&layers, mode, &SpeedTable::default())
        .expect("an analysis");
    let rows = reference["settlements"].as_array().expect("reference rows");
    assert_eq!(rows.len(), reach.settlements.len(), "{case}: settlements");
    let mut worst: f64 = 0.0;
    for (k, (ours, theirs)) in reach.settlements.iter().zip(rows).enumerate() {
        // The reference has facility areas at their centroid rounded to 7 decimals (1 cm):
        // times to them may differ by a few 1e-5 min; every other time agrees to float noise.
        let to_area = ours
            .nearest
            .and_then(|i| got.element(layers.facility(i).source))
            .is_some_and(|e| e.kind != OsmType::Node);
        let tolerance = if to_area { 1e-3 } else { 1e-6 };
        match (ours.minutes, theirs["time_min"].as_f64()) {
            (Some(a), Some(b)) => {
                assert!(
                    (a - b).abs() < tolerance,
                    "{case} {mode:?} settlement {k}: {a} min, reference {b} min"
                );
                worst = worst.max((a - b).abs());
            }
            (None, None) => {}
            (a, b) => panic!("{case} {mode:?} settlement {k}: {a:?} min, reference {b:?}"),
        }
        // The same nearest facility, identified by its position.
        if let (Some(i), Some(j)) = (ours.nearest, theirs["nearest_facility"].as_u64()) {
            let at = layers.facility(i).at;
            let c = &facilities_json["features"][j as usize]["geometry"]["coordinates"];
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (at.lon - lon).abs() < 1e-6 && (at.lat - lat).abs() < 1e-6,
                "{case} {mode:?} settlement {k}: nearest facility at {at:?}, reference [{lon}, {lat}]"
            );
        }
    }
    assert!(
        worst < 1e-3,
        "{case} {mode:?}: largest difference from the reference {worst} min"
    );
}

#[test]
fn andorra_roads_and_facilities_reproduce_the_reference() {
    matches_reference("andorra", Mode::Drive);
    matches_reference("andorra", Mode::Walk);
}

#[test]
fn liechtenstein_roads_and_facilities_reproduce_the_reference() {
    matches_reference("liechtenstein", Mode::Drive);
    matches_reference("liechtenstein", Mode::Walk);
}

fn dataset(name: &str, import: &OsmImport) -> Dataset {
    let mut data = Dataset::default();
    data.files = vec![LoadedFile {
        name: format!("{name}.osm.pbf"),
        layers: import.layers.clone(),
        osm: true,
        population_estimated: import.population_source
            == medreach::engine::io::osm::PopulationSource::BuildingEstimate,
        buildings: Vec::new(),
        floor_m2_per_person: medreach::engine::io::osm::DEFAULT_FLOOR_M2_PER_PERSON,
        extract: None,
    }];
    data
}

#[test]
fn dataset_load_osm_keeps_user_settlements_first() {
    let path = extract_path("andorra");
    let bytes = std::fs::read(&path).expect("the extract is readable");
    let mut data = Dataset::default();
    assert!(data
        .load_osm("x.osm.pbf", b"not a pbf", &OsmOptions::default())
        .is_err());
    assert!(
        data.files.is_empty(),
        "a refused extract leaves the data as it was"
    );
    data.load_osm("andorra.osm.pbf", &bytes, &OsmOptions::default())
        .unwrap();
    assert!(data.files[0].osm);
    let from_osm = data.layers().settlements.len();
    assert!(from_osm > 0);
    data.load(
        "mine.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":5},"geometry":{"type":"Point","coordinates":[1.5,42.5]}}]}"#,
    )
    .unwrap();
    assert_eq!(
        data.layers().settlements.len(),
        1,
        "the user's settlements replace the extract's"
    );
    assert!(!data.population_estimated());
}

#[test]
fn liechtenstein_travel_times_are_plausible() {
    let got = import("liechtenstein", &OsmOptions::default());
    let data = dataset("liechtenstein", &got);
    let time = |report: &medreach::engine::report::Report, name: &str| {
        report
            .settlements
            .iter()
            .find(|s| s.name.as_deref() == Some(name))
            .and_then(|s| s.time_min)
            .unwrap_or_else(|| panic!("{name} has a time"))
    };
    let drive = check(
        &data,
        &Options {
            mode: Mode::Drive,
            ..Options::default()
        },
    )
    .expect("drive analysis");
    let share = drive.summary.share_within_limit.expect("a share");
    assert!(share > 0.0 && share < 1.0, "share {share}");
    assert_eq!(drive.summary.settlements, 12);
    assert_eq!(drive.summary.service_points, 1);
    // The only hospital, the Landesspital, is in Vaduz, 560 m south of Vaduz's place node:
    // a couple of minutes by car.
    assert!(
        time(&drive, "Vaduz") < 3.0,
        "Vaduz {}",
        time(&drive, "Vaduz")
    );
    // Schaan's centre is 3.8 km north: about 4 km of road through town at 25–50 km/h.
    assert!((4.0..10.0).contains(&time(&drive, "Schaan")));
    // Ruggell is the northernmost municipality, 11.7 km away as the crow flies.
    assert!((10.0..25.0).contains(&time(&drive, "Ruggell")));
    // Balzers is 7.6 km south along the Landstrasse, tagged motor_vehicle=no with
    // motorcar=yes: open to cars (OSM's access hierarchy), so under a quarter of an hour.
    assert!(
        (7.0..15.0).contains(&time(&drive, "Balzers")),
        "{}",
        time(&drive, "Balzers")
    );
    // Nearer is quicker along the valley road: Triesen (3.2 km) before Schaan before Ruggell.
    assert!(time(&drive, "Triesen") < time(&drive, "Schaan"));
    assert!(time(&drive, "Schaan") < time(&drive, "Ruggell"));
    let walk = check(&data, &Options::default()).expect("walk analysis");
    // Walking the 560 m from Vaduz's centre takes 7 to 15 minutes; Ruggell is hours away.
    assert!(
        (7.0..15.0).contains(&time(&walk, "Vaduz")),
        "{}",
        time(&walk, "Vaduz")
    );
    assert!(time(&walk, "Ruggell") > 120.0);
    let walk_share = walk.summary.share_within_limit.expect("a share");
    assert!(walk_share > 0.0 && walk_share < share);
}

#[test]
fn liechtenstein_building_estimate_spreads_municipal_populations() {
    let options = OsmOptions {
        population: PopulationChoice::Buildings,
        ..OsmOptions::default()
    };
    let got = import("liechtenstein", &options);
    assert_eq!(got.population_source, PopulationSource::BuildingEstimate);
    assert_eq!(got.layers.settlements.len(), 7849);
    assert!(got.layers.settlements.iter().all(|s| s
        .name
        .as_deref()
        .is_some_and(|n| n.ends_with(" (estimate)"))));
    // The eleven municipalities take the populations of their place nodes (matched by name),
    // and spread them over their buildings: they add up exactly.
    use geo::Contains;
    let mut inside = 0.0;
    let municipalities: Vec<&AdminUnit> = got
        .layers
        .admin
        .iter()
        .filter(|a| a.population.is_some())
        .collect();
    assert_eq!(municipalities.len(), 11);
    let total: f64 = municipalities.iter().map(|a| a.population.unwrap()).sum();
    assert_eq!(total, 36_838.0);
    for s in &got.layers.settlements {
        let p = geo::Point::new(s.at.lon, s.at.lat);
        if municipalities.iter().any(|a| to_geo(a).contains(&p)) {
            inside += s.population;
        }
    }
    assert!((inside - total).abs() < 1e-6, "{inside}");
    assert!(got.warnings.iter().any(|w| matches!(
        w,
        OsmWarning::PopulationEstimated {
            buildings: 7849,
            units_spread: 11,
            ..
        }
    )));
}

fn to_geo(unit: &AdminUnit) -> geo::MultiPolygon<f64> {
    let ring = |r: &Vec<LonLat>| {
        geo::LineString::from(r.iter().map(|p| (p.lon, p.lat)).collect::<Vec<_>>())
    };
    geo::MultiPolygon::new(
        unit.polygons
            .iter()
            .map(|rings| geo::Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect()))
            .collect(),
    )
}

#[test]
fn user_layers_replace_the_extracts_and_user_admin_populations_are_spread_over_its_buildings() {
    let bytes = extract("baltimore");
    let mut data = Dataset::default();
    data.load_osm("baltimore.osm.pbf", &bytes, &OsmOptions::default())
        .unwrap();
    assert!(data.population_estimated());
    let from_buildings = data.layers().settlements;
    assert!(!from_buildings.is_empty());
    let [w, s, e, n] = {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in from_buildings.iter().map(|p| p.at) {
            (w, s, e, n) = (w.min(p.lon), s.min(p.lat), e.max(p.lon), n.max(p.lat));
        }
        [w - 0.01, s - 0.01, e + 0.01, n + 0.01]
    };
    // The user's own admin unit, covering every building, with 12,345 residents.
    data.load(
        "district.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"D","population":12345}},"geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}]}}"#
        ),
    )
    .unwrap();
    let spread = data.layers().settlements;
    assert_eq!(spread.len(), from_buildings.len(), "one per building");
    let people: f64 = spread.iter().map(|s| s.population).sum();
    assert!((people - 12345.0).abs() < 1e-6, "{people}");
    assert!(data.population_estimated());
    assert_eq!(data.counts().settlements, spread.len());
    // The user's admin layer replaced the extract's (Baltimore's has none, so one unit).
    assert_eq!(data.layers().admin.len(), 1);
    // The user's own roads replace the extract's.
    let osm_roads = data.layers().roads.len();
    assert!(osm_roads > 1000);
    data.load(
        "roads.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[-76.6,39.3],[-76.61,39.3]]}}]}"#,
    )
    .unwrap();
    assert_eq!(data.layers().roads.len(), 1);
    assert_eq!(data.counts().roads, 1);
    // Settlements of their own end the estimate.
    data.load(
        "mine.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":5},"geometry":{"type":"Point","coordinates":[-76.6,39.3]}}]}"#,
    )
    .unwrap();
    assert_eq!(data.layers().settlements.len(), 1);
    assert!(!data.population_estimated());
}

#[test]
fn baltimore_residents_are_estimated_from_buildings() {
    let got = import("baltimore", &OsmOptions::default());
    let floor: f64 = got
        .buildings
        .iter()
        .map(ResidentialBuilding::floor_m2)
        .sum();
    let people: f64 = got.layers.settlements.iter().map(|s| s.population).sum();
    assert!((people - floor / 40.0).abs() < 1e-6 * people);
    // 138 buildings have building:levels; the rest count one level.
    assert_eq!(got.stats.buildings_with_levels, 138);
    assert!(got
        .buildings
        .iter()
        .all(|b| b.levels >= 1.0 && b.footprint_m2 >= 30.0));
    for (s, b) in got.layers.settlements.iter().zip(&got.buildings) {
        assert_eq!(s.source, b.source);
        assert_eq!(got.element(s.source).map(|e| e.id), Some(b.way_id));
        assert!(s.name.as_deref().unwrap().ends_with("(estimate)"));
    }
    // Half the floor area per person, twice the residents.
    let denser = import(
        "baltimore",
        &OsmOptions {
            floor_m2_per_person: 20.0,
            ..OsmOptions::default()
        },
    );
    let denser_people: f64 = denser.layers.settlements.iter().map(|s| s.population).sum();
    assert!((denser_people - 2.0 * people).abs() < 1e-6 * people);
    // The ten hospitals (six points, four areas) and the clinic are service points.
    let sp = got.layers.facilities.iter().filter(|f| f.primary_care);
    let kinds: Vec<FacilityKind> = sp.map(|f| f.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == FacilityKind::Hospital)
            .count(),
        10
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == FacilityKind::Clinic).count(),
        1
    );
}

#[test]
fn estimate_spreads_an_admin_population_over_floor_area_nested_units_first() {
    let square = |x0: f64, y0: f64, x1: f64, y1: f64| -> Vec<Vec<LonLat>> {
        vec![[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
            .iter()
            .map(|&(lon, lat)| LonLat { lon, lat })
            .collect()]
    };
    let unit = |feature: u32, name: &str, population: f64, polygon| AdminUnit {
        source: Source { file: 0, feature },
        name: Some(name.to_string()),
        code: None,
        level: None,
        population: Some(population),
        county_town: false,
        flags: Vec::new(),
        merged_into: None,
        polygons: vec![polygon],
    };
    let outer = unit(0, "district", 1000.0, square(0.0, 0.0, 1.0, 1.0));
    let inner = unit(1, "village", 300.0, square(0.1, 0.1, 0.3, 0.3));
    let building = |id: i64, lon: f64, lat: f64, footprint_m2: f64| ResidentialBuilding {
        source: Source {
            file: 0,
            feature: id as u32,
        },
        way_id: id,
        name: None,
        at: LonLat { lon, lat },
        footprint_m2,
        levels: 1.0,
    };
    let buildings = [
        building(10, 0.2, 0.2, 100.0),   // in the village
        building(11, 0.25, 0.15, 200.0), // in the village
        building(12, 0.6, 0.6, 100.0),   // in the district, outside the village
        building(13, 0.7, 0.8, 300.0),   // in the district, outside the village
        building(14, 2.0, 2.0, 80.0),    // in neither
    ];
    let estimate = estimate_residents(&buildings, &[outer, inner], 40.0);
    let people: Vec<f64> = estimate.settlements.iter().map(|s| s.population).collect();
    let want = [100.0, 200.0, 175.0, 525.0, 2.0];
    for (got, want) in people.iter().zip(want) {
        assert!((got - want).abs() < 1e-9, "{people:?}");
    }
    assert_eq!(estimate.units_spread, 2);
    assert_eq!(
        estimate.settlements[4].name.as_deref(),
        Some("building 14 (estimate)")
    );
    // A populated unit without a building is named in a note; its people are not placed.
    let empty = unit(2, "hamlet", 50.0, square(5.0, 5.0, 6.0, 6.0));
    let estimate = estimate_residents(&buildings, &[empty], 40.0);
    assert!(estimate.notes.iter().any(|n| n.contains("hamlet")));
}

#[test]
fn bad_bytes_are_errors_not_panics() {
    let options = OsmOptions::default();
    let read = |bytes: &[u8]| read_osm_pbf(bytes, &options, 0);
    assert_eq!(read(b"").unwrap_err(), OsmError::Empty);
    let e = read(br#"{"type":"FeatureCollection","features":[]}"#).unwrap_err();
    assert!(matches!(e, OsmError::NotPbf { .. }), "{e}");
    // Random bytes (a fixed linear congruential sequence).
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for len in [1usize, 3, 4, 7, 100, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (x >> 56) as u8
            })
            .collect();
        assert!(read(&bytes).is_err(), "{len} random bytes");
    }
    let good = extract("andorra");
    // Cut short anywhere: truncated, with the place named.
    for cut in [
        1,
        3,
        4,
        5,
        13,
        100,
        1000,
        good.len() / 3,
        good.len() / 2,
        good.len() - 1,
    ] {
        match read(&good[..cut]) {
            Err(OsmError::Truncated { .. }) => {}
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    // Only the header blob: a valid file without a road.
    let header_len = u32::from_be_bytes([good[0], good[1], good[2], good[3]]) as usize;
    let first_blob = first_blob_len(&good);
    assert_eq!(read(&good[..first_blob]).unwrap_err(), OsmError::NoRoads);
    // Bytes flipped inside the blobs (compressed data, lengths, the header): an error or,
    // where the change is harmless, a result; never a panic.
    let mut errors = 0;
    for k in 0..40 {
        let at = 4 + header_len + 7 + (k * 7919 * 13) % (good.len() - header_len - 12);
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        match read(&bad) {
            Ok(_) => {}
            Err(e) => {
                assert!(!e.to_string().contains("decoder failed"), "{at}: {e}");
                errors += 1;
            }
        }
    }
    assert!(errors > 30, "{errors} of 40 corruptions noticed");
    let mut bad = good.clone();
    bad[4] ^= 0xff;
    assert!(read(&bad).is_err());
    // Options out of range.
    for options in [
        OsmOptions {
            floor_m2_per_person: 0.0,
            ..OsmOptions::default()
        },
        OsmOptions {
            default_levels: f64::NAN,
            ..OsmOptions::default()
        },
    ] {
        assert!(matches!(
            read_osm_pbf(&good, &options, 0),
            Err(OsmError::BadOption(_))
        ));
    }
}

/// Length of the first blob (header length, header, data) of a PBF file.
fn first_blob_len(bytes: &[u8]) -> usize {
    let header_len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let header = &bytes[4..4 + header_len];
    // BlobHeader field 3 (datasize) is the last varint: find its key 0x18.
    let mut pos = header.iter().rposition(|&b| b == 0x18).expect("datasize") + 1;
    let mut datasize = 0usize;
    let mut shift = 0;
    loop {
        let b = header[pos];
        datasize |= usize::from(b & 0x7f) << shift;
        pos += 1;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    4 + header_len + datasize
}

/// Reading time of each extract; run with `cargo test --release --test engine osm::reading_times
/// -- --ignored --nocapture`.
#[test]
#[ignore]
fn reading_times() {
    for want in &EXPECTED {
        let bytes = extract(want.name);
        let started = std::time::Instant::now();
        let got = read_osm_pbf(&bytes, &OsmOptions::default(), 0).expect("loads");
        println!(
            "{}: {} bytes, {} roads, read in {:.1} ms",
            want.name,
            bytes.len(),
            got.layers.roads.len(),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
}
