//! Properties of the travel-time engine on small generated networks (seeded `proptest`), and
//! hand-made networks whose times can be worked out on paper.
//!
//! Generated networks: a 4 × 4 lattice of points near lon 116°, lat 40° (about 256 m × 222 m
//! apart, each point jittered by up to ±0.0003°), and 1–10 roads, each a walk of 1–4 steps
//! between neighbouring lattice points (diagonals included, so some roads cross without a
//! shared vertex). Each road takes a random class from the speed table (footway, motorway and
//! the rest), a random `oneway` (none, `yes`, `-1`, `true`, `no`), sometimes a `maxspeed` and
//! sometimes `motor_vehicle=no`. 1–4 facilities (most of them medical service points) and 1–8
//! settlements lie anywhere in and around the lattice.
//!
//! Properties, in both modes unless said otherwise:
//! (a) the multi-source result equals the minimum over single-source runs, and the nearest
//!     facility is one that achieves it;
//! (b) adding a facility never makes a time longer, nor a reachable settlement unreachable;
//! (c) raising the limit never lowers the share (one analysis, several limits);
//! (d) walking times do not depend on `oneway`.

use crate::support::geojson::{collection, point, Plane};
use medreach::app::analysis::{check, Analysis};
use medreach::app::options::Options;
use medreach::engine::crs::LonLat;
use medreach::engine::dataset::Dataset;
use medreach::engine::network::{Mode, SpeedTable};
use medreach::engine::report::Report;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{json, Value};
use std::fmt::Display;

// ---------------------------------------------------------------------------------------------
// Loading and checking

/// Loads the three layers (an empty road list loads no road file) and checks them.
fn run<F: Display>(roads: &[F], facilities: &[F], settlements: &[F], options: &Options) -> Report {
    let data = dataset(roads, facilities, settlements);
    check(&data, options).expect("the check runs")
}

fn dataset<F: Display>(roads: &[F], facilities: &[F], settlements: &[F]) -> Dataset {
    let mut data = Dataset::default();
    for (name, features) in [
        ("roads.geojson", roads),
        ("facilities.geojson", facilities),
        ("settlements.geojson", settlements),
    ] {
        if features.is_empty() {
            continue;
        }
        let loaded = data
            .load(name, &collection(features))
            .unwrap_or_else(|e| panic!("{name} does not load: {e}"));
        assert!(
            loaded.layers.skipped.is_empty(),
            "{name}: skipped {:?}",
            loaded.layers.skipped
        );
    }
    data
}

fn options(mode: Mode, limit_min: f64) -> Options {
    Options {
        mode,
        limit_min,
        ..Options::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-made networks
//
// Points are placed at exact offsets in metres in the plane the engine measures in (UTM zone 50N,
// the zone of lon 116°), from an origin at lon 116°, lat 40°: the lon/lat written to the GeoJSON
// is the inverse projection of the offset, so a road from (0, 0) to (1000, 0) is 1000 m long
// to well under a micrometre. With the default speeds, in metres per minute:
//   walking 5 km/h = 83.333, off-road 4 km/h = 66.667, residential 25 km/h = 416.667,
//   primary 60 km/h = 1000, motorway 100 km/h = 1666.667, service 15 km/h = 250,
//   unclassified 30 km/h = 500, living_street 10 km/h = 166.667.

/// Largest difference allowed between a hand-computed time and the engine's.
const HAND_TOLERANCE_MIN: f64 = 1e-6;

const WALK: f64 = 5000.0 / 60.0;
const OFFROAD: f64 = 4000.0 / 60.0;

/// Local metres around lon 116°, lat 40° in UTM zone 50N.
fn plane() -> Plane {
    Plane::new(116.0, 40.0)
}

/// A feature at `p` with `props`, the members of a JSON object (`"kind":"clinic"`).
fn point_feature(p: LonLat, props: &str) -> Value {
    point(p, members(props))
}

fn members(props: &str) -> Value {
    serde_json::from_str(&format!("{{{props}}}"))
        .unwrap_or_else(|e| panic!("{{{props}}} is not a JSON object: {e}"))
}

/// The hand-made networks' features on the plane: roads with the given properties, clinics
/// that are medical service points, settlements with residents.
trait HandMade {
    fn road(&self, points: &[(f64, f64)], props: &str) -> Value;
    fn clinic(&self, x: f64, y: f64) -> Value;
    fn settlement(&self, x: f64, y: f64, population: f64) -> Value;
}

impl HandMade for Plane {
    fn road(&self, points: &[(f64, f64)], props: &str) -> Value {
        self.line(points, members(props))
    }

    fn clinic(&self, x: f64, y: f64) -> Value {
        self.point(x, y, json!({"kind": "clinic", "primary_care": true}))
    }

    fn settlement(&self, x: f64, y: f64, population: f64) -> Value {
        self.point(x, y, json!({ "population": population }))
    }
}

fn assert_time(report: &Report, settlement: usize, want: Option<f64>, what: &str) {
    assert_eq!(
        report.network.epsg, 32650,
        "{what}: measured in UTM zone 50N"
    );
    let got = report.settlements[settlement].time_min;
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= HAND_TOLERANCE_MIN,
            "{what}: settlement {settlement} takes {g} min, by hand {w} min"
        ),
        _ => panic!("{what}: settlement {settlement} takes {got:?} min, by hand {want:?}"),
    }
}

/// A straight 1 km road from A (0, 0) to B (1000, 0); a clinic 100 m off the road beside A at
/// (0, 100); a settlement 50 m off the road beside B at (1000, -50). Travel runs from the
/// settlement to the clinic, i.e. from B to A, against the line's vertex order.
///   walk:  50/66.667 + 1000/83.333 + 100/66.667 = 0.75 + 12 + 1.5 = 14.25 min
///   drive (residential): 0.75 + 1000/416.667 + 1.5 = 0.75 + 2.4 + 1.5 = 4.65 min
#[test]
fn straight_road_by_hand() {
    let plane = plane();
    let roads = [plane.road(&[(0.0, 0.0), (1000.0, 0.0)], r#""highway":"residential""#)];
    let facilities = [plane.clinic(0.0, 100.0)];
    let settlements = [plane.settlement(1000.0, -50.0, 120.0)];

    let walk = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    assert_time(&walk, 0, Some(0.75 + 12.0 + 1.5), "walk");
    assert_eq!(walk.settlements[0].nearest_facility, Some(0));
    let offroad = walk.settlements[0].offroad_m.expect("an off-road leg");
    assert!((offroad - 50.0).abs() < 1e-6, "off-road leg {offroad} m");
    assert_eq!(walk.summary.share_within_limit, Some(1.0));
    assert!(!walk.summary.straight_line);

    let drive = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Drive, 15.0),
    );
    assert_time(&drive, 0, Some(0.75 + 2.4 + 1.5), "drive");
    assert_eq!(drive.mode, Mode::Drive);

    // 14.25 min is beyond a 14-minute limit.
    let tight = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Walk, 14.0),
    );
    assert_eq!(tight.summary.share_within_limit, Some(0.0));
    assert_eq!(tight.summary.settlements_beyond_limit, 1);
    assert!(!tight.settlements[0].within_limit);
}

/// The same 1 km road and points, with other road properties: how each class, `oneway`,
/// `maxspeed` and closure to motor vehicles changes the drive time (walking is 14.25 min on
/// every walkable road).
#[test]
fn road_properties_by_hand() {
    let plane = plane();
    let facilities = [plane.clinic(0.0, 100.0)];
    let settlements = [plane.settlement(1000.0, -50.0, 120.0)];
    let legs = 0.75 + 1.5;
    let walked = legs + 1000.0 / WALK;
    let cases: [(&str, Option<f64>, Option<f64>); 12] = [
        (r#""highway":"residential""#, Some(walked), Some(legs + 2.4)),
        (r#""highway":"primary""#, Some(walked), Some(legs + 1.0)),
        (r#""highway":"service""#, Some(walked), Some(legs + 4.0)),
        (
            r#""highway":"unclassified""#,
            Some(walked),
            Some(legs + 2.0),
        ),
        (
            r#""highway":"living_street""#,
            Some(walked),
            Some(legs + 6.0),
        ),
        // Walk-only classes and roads closed to motor vehicles are walked in drive mode.
        (r#""highway":"footway""#, Some(walked), Some(walked)),
        (r#""highway":"track""#, Some(walked), Some(walked)),
        (
            r#""highway":"residential","motor_vehicle":"no""#,
            Some(walked),
            Some(walked),
        ),
        (
            r#""highway":"residential","drivable":false"#,
            Some(walked),
            Some(walked),
        ),
        // The road's own speed: 50 km/h = 833.333 m/min, 1.2 min.
        (
            r#""highway":"residential","maxspeed":"50""#,
            Some(walked),
            Some(legs + 1.2),
        ),
        // One-way along A→B: the settlement at B cannot drive to A at all; walking ignores it.
        (
            r#""highway":"residential","oneway":"yes""#,
            Some(walked),
            None,
        ),
        // One-way against the vertex order (B→A): the way the settlement needs.
        (
            r#""highway":"residential","oneway":"-1""#,
            Some(walked),
            Some(legs + 2.4),
        ),
    ];
    for (props, walk_min, drive_min) in cases {
        let roads = [plane.road(&[(0.0, 0.0), (1000.0, 0.0)], props)];
        let walk = run(
            &roads,
            &facilities,
            &settlements,
            &options(Mode::Walk, 15.0),
        );
        assert_time(&walk, 0, walk_min, &format!("walk on {{{props}}}"));
        let drive = run(
            &roads,
            &facilities,
            &settlements,
            &options(Mode::Drive, 15.0),
        );
        assert_time(&drive, 0, drive_min, &format!("drive on {{{props}}}"));
        if drive_min.is_none() {
            assert_eq!(drive.settlements[0].nearest_facility, None);
            assert_eq!(drive.summary.unreachable_population, 120.0);
            assert_eq!(drive.summary.mean_time_min, None);
            assert_eq!(drive.summary.share_within_limit, Some(0.0));
        }
    }
}

/// A motorway is not walkable: with only a motorway there is no walking network, and times are
/// straight lines at the off-road speed: hypot(1000, 150) / 66.667 min. Driving takes it at
/// 100 km/h: 0.75 + 1000/1666.667 + 1.5 = 2.85 min.
#[test]
fn a_motorway_alone_is_not_walked() {
    let plane = plane();
    let roads = [plane.road(&[(0.0, 0.0), (1000.0, 0.0)], r#""highway":"motorway""#)];
    let facilities = [plane.clinic(0.0, 100.0)];
    let settlements = [plane.settlement(1000.0, -50.0, 120.0)];
    let walk = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    assert!(
        walk.summary.straight_line,
        "no walkable road: straight lines"
    );
    assert!(!walk.warnings.is_empty(), "straight lines are warned about");
    assert_time(&walk, 0, Some(1000f64.hypot(150.0) / OFFROAD), "walk");
    let drive = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Drive, 15.0),
    );
    assert!(!drive.summary.straight_line);
    assert_time(&drive, 0, Some(0.75 + 0.6 + 1.5), "drive");
}

/// A motorway at y = 0 and a residential road 500 m north of it, both from x = 0 to 2000; the
/// settlement at (0, 100) and the clinic at (2000, 100) lie 100 m from the motorway.
///   walk (motorway unusable): 400/66.667 + 2000/83.333 + 400/66.667 = 6 + 24 + 6 = 36 min
///   drive (motorway, 100 km/h): 1.5 + 2000/1666.667 + 1.5 = 4.2 min
#[test]
fn walkers_join_the_nearest_walkable_road() {
    let plane = plane();
    let roads = [
        plane.road(&[(0.0, 0.0), (2000.0, 0.0)], r#""highway":"motorway""#),
        plane.road(
            &[(0.0, 500.0), (2000.0, 500.0)],
            r#""highway":"residential""#,
        ),
    ];
    let facilities = [plane.clinic(2000.0, 100.0)];
    let settlements = [plane.settlement(0.0, 100.0, 10.0)];
    let walk = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    assert_time(&walk, 0, Some(36.0), "walk");
    let offroad = walk.settlements[0].offroad_m.unwrap();
    assert!(
        (offroad - 400.0).abs() < 1e-6,
        "walk off-road leg {offroad}"
    );
    let drive = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Drive, 15.0),
    );
    assert_time(&drive, 0, Some(4.2), "drive");
}

/// A square A (0, 0), B (1000, 0), C (1000, 1000), D (0, 1000). A→B is one-way the wrong way
/// (only B→A may be driven); A–D–C–B is two-way residential. The settlement is 50 m from A at
/// (-30, -40), the clinic 50 m from B at (1030, -40).
///   drive: 0.75 + 3000/416.667 + 0.75 = 0.75 + 7.2 + 0.75 = 8.7 min (the detour)
///   walk:  0.75 + 1000/83.333 + 0.75 = 13.5 min (straight along A–B)
/// With settlement and clinic swapped the one-way road is the right way: 0.75 + 2.4 + 0.75.
#[test]
fn a_oneway_road_forces_a_detour_when_driving() {
    let plane = plane();
    let (a, b, c, d) = ((0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0));
    let ring = plane.road(&[a, d, c, b], r#""highway":"residential""#);
    // Three ways of saying "only from B to A".
    let oneways = [
        plane.road(&[b, a], r#""highway":"residential","oneway":"yes""#),
        plane.road(&[b, a], r#""highway":"residential","oneway":true"#),
        plane.road(&[a, b], r#""highway":"residential","oneway":"-1""#),
        plane.road(&[a, b], r#""highway":"residential","oneway":"reverse""#),
    ];
    for oneway in oneways {
        let roads = [oneway.clone(), ring.clone()];
        let near_a = [plane.settlement(-30.0, -40.0, 10.0)];
        let near_b = [plane.clinic(1030.0, -40.0)];
        let drive = run(&roads, &near_b, &near_a, &options(Mode::Drive, 15.0));
        assert_time(&drive, 0, Some(0.75 + 7.2 + 0.75), "drive A to B");
        let walk = run(&roads, &near_b, &near_a, &options(Mode::Walk, 15.0));
        assert_time(&walk, 0, Some(0.75 + 12.0 + 0.75), "walk A to B");

        let near_b = [plane.settlement(1030.0, -40.0, 10.0)];
        let near_a = [plane.clinic(-30.0, -40.0)];
        let drive = run(&roads, &near_a, &near_b, &options(Mode::Drive, 15.0));
        assert_time(&drive, 0, Some(0.75 + 2.4 + 0.75), "drive B to A");
    }
}

/// Two roads that cross at (1000, 0) without a shared vertex (a bridge) do not connect; with
/// the crossing point as a vertex of both they do; a vertex of one lying on the other's segment
/// is not a junction either. Settlement at (-50, 0), 50 m before the west end of the east–west
/// road; clinic at (1000, 1050), 50 m beyond the north end of the north–south road.
///   connected: 0.75 + (1000 + 1000)/83.333 + 0.75 = 25.5 min walking.
#[test]
fn crossing_lines_connect_only_at_a_shared_vertex() {
    let plane = plane();
    let facilities = [plane.clinic(1000.0, 1050.0)];
    let settlements = [plane.settlement(-50.0, 0.0, 30.0)];
    let east_west = r#""highway":"residential""#;
    let north_south = r#""highway":"tertiary""#;
    let bridge = [
        plane.road(&[(0.0, 0.0), (2000.0, 0.0)], east_west),
        plane.road(&[(1000.0, -1000.0), (1000.0, 1000.0)], north_south),
    ];
    let junction = [
        plane.road(&[(0.0, 0.0), (1000.0, 0.0), (2000.0, 0.0)], east_west),
        plane.road(
            &[(1000.0, -1000.0), (1000.0, 0.0), (1000.0, 1000.0)],
            north_south,
        ),
    ];
    let vertex_on_segment = [
        plane.road(&[(0.0, 0.0), (2000.0, 0.0)], east_west),
        plane.road(
            &[(1000.0, -1000.0), (1000.0, 0.0), (1000.0, 1000.0)],
            north_south,
        ),
    ];
    for mode in [Mode::Walk, Mode::Drive] {
        for (roads, what) in [(&bridge, "bridge"), (&vertex_on_segment, "T on a segment")] {
            let r = run(roads, &facilities, &settlements, &options(mode, 15.0));
            assert_time(&r, 0, None, &format!("{mode:?} over a {what}"));
            assert_eq!(r.settlements[0].nearest_facility, None);
            assert_eq!(r.summary.unreachable_population, 30.0);
            assert_eq!(r.summary.mean_time_min, None);
        }
    }
    let walk = run(
        &junction,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    assert_time(&walk, 0, Some(25.5), "walk through the junction");
    // Drive: 1000 m residential (2.4 min) and 1000 m tertiary at 40 km/h (1.5 min).
    let drive = run(
        &junction,
        &facilities,
        &settlements,
        &options(Mode::Drive, 15.0),
    );
    assert_time(
        &drive,
        0,
        Some(0.75 + 2.4 + 1.5 + 0.75),
        "drive through the junction",
    );
}

/// Snaps inside one segment A (0, 0) → B (1000, 0), residential: clinic F0 30 m off A at
/// (0, -30); clinic F1 snapping at x = 800, 20 m off; settlements S0 at x = 300 (40 m off), S1 at
/// x = 650 (40 m off), S2 at x = 900 (60 m off). Four virtual nodes on one segment.
///   walk S0: 0.6 + 300/83.333 + 0.45 = 4.65 (F0)   [to F1: 0.6 + 6 + 0.3 = 6.9]
///   walk S1: 0.6 + 150/83.333 + 0.3  = 2.7  (F1)
///   walk S2: 0.9 + 100/83.333 + 0.3  = 2.4  (F1)
/// One-way A→B in drive mode: only travel towards B is possible.
///   drive S0: 0.6 + 500/416.667 + 0.3 = 2.1 (F1); S1: 0.6 + 0.36 + 0.3 = 1.26 (F1);
///   S2 (past F1): unreachable.
#[test]
fn settlements_and_clinics_snap_inside_a_segment() {
    let plane = plane();
    let facilities = [plane.clinic(0.0, -30.0), plane.clinic(800.0, -20.0)];
    let settlements = [
        plane.settlement(300.0, 40.0, 100.0),
        plane.settlement(650.0, 40.0, 200.0),
        plane.settlement(900.0, -60.0, 300.0),
    ];
    let two_way = [plane.road(&[(0.0, 0.0), (1000.0, 0.0)], r#""highway":"residential""#)];
    let walk = run(
        &two_way,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    for (i, (t, f, off)) in [(4.65, 0, 40.0), (2.7, 1, 40.0), (2.4, 1, 60.0)]
        .into_iter()
        .enumerate()
    {
        assert_time(&walk, i, Some(t), "walk");
        assert_eq!(walk.settlements[i].nearest_facility, Some(f), "S{i}");
        let o = walk.settlements[i].offroad_m.unwrap();
        assert!((o - off).abs() < 1e-6, "S{i} off-road {o}");
    }
    let mean = (100.0 * 4.65 + 200.0 * 2.7 + 300.0 * 2.4) / 600.0;
    assert!((walk.summary.mean_time_min.unwrap() - mean).abs() < 1e-6);

    let one_way = [plane.road(
        &[(0.0, 0.0), (1000.0, 0.0)],
        r#""highway":"residential","oneway":"yes""#,
    )];
    let walk_one_way = run(
        &one_way,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    assert_eq!(
        walk_one_way.settlements, walk.settlements,
        "walking ignores oneway"
    );
    let drive = run(
        &one_way,
        &facilities,
        &settlements,
        &options(Mode::Drive, 15.0),
    );
    assert_time(&drive, 0, Some(2.1), "drive");
    assert_time(&drive, 1, Some(1.26), "drive");
    assert_time(&drive, 2, None, "drive");
    assert_eq!(drive.settlements[0].nearest_facility, Some(1));
    assert_eq!(drive.summary.unreachable_population, 300.0);
    assert_eq!(drive.summary.share_within_limit, Some(0.5));
}

/// Without any road, times are straight lines at 4 km/h to the nearest clinic, and the report
/// says so. Settlement at (0, 0); clinics at (300, 400) (500 m, 7.5 min) and (0, -600).
#[test]
fn without_roads_times_are_straight_lines() {
    let plane = plane();
    let facilities = [plane.clinic(0.0, -600.0), plane.clinic(300.0, 400.0)];
    let settlements = [plane.settlement(0.0, 0.0, 5.0)];
    for mode in [Mode::Walk, Mode::Drive] {
        let r = run(&[], &facilities, &settlements, &options(mode, 15.0));
        assert!(r.summary.straight_line);
        assert_time(&r, 0, Some(7.5), "straight line");
        assert_eq!(r.settlements[0].nearest_facility, Some(1));
    }
}

/// A pharmacy is not a medical service point: it is never the nearest facility.
#[test]
fn only_medical_service_points_count() {
    let plane = plane();
    let roads = [plane.road(&[(0.0, 0.0), (1000.0, 0.0)], r#""highway":"residential""#)];
    let facilities = [
        point_feature(plane.at(1000.0, 10.0), r#""kind":"pharmacy""#),
        plane.clinic(0.0, 100.0),
    ];
    let settlements = [plane.settlement(1000.0, -50.0, 1.0)];
    let r = run(
        &roads,
        &facilities,
        &settlements,
        &options(Mode::Walk, 15.0),
    );
    assert_time(&r, 0, Some(14.25), "walk");
    assert_eq!(r.settlements[0].nearest_facility, Some(1));
    assert_eq!(r.summary.service_points, 1);
}

// ---------------------------------------------------------------------------------------------
// Generated networks

/// Road classes: the speed table's, the walk-only ones, and the motorway family.
const CLASSES: [&str; 22] = [
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "road",
    "residential",
    "service",
    "living_street",
    "footway",
    "path",
    "steps",
    "pedestrian",
    "cycleway",
    "bridleway",
    "track",
];

const LATTICE: i64 = 4;
/// Lattice spacing in micro-degrees.
const STEP_LON_U: i64 = 3000;
const STEP_LAT_U: i64 = 2000;
const DIRECTIONS: [(i64, i64); 8] = [
    (1, 0),
    (-1, 0),
    (0, 1),
    (0, -1),
    (1, 1),
    (-1, -1),
    (1, -1),
    (-1, 1),
];

#[derive(Clone, Debug)]
struct RoadSpec {
    start: (i64, i64),
    steps: Vec<usize>,
    class: usize,
    /// 0 none, 1 "yes", 2 "-1", 3 true, 4 "no".
    oneway: u8,
    /// 0 or 1 none, 2 "30", 3 "20 mph".
    maxspeed: u8,
    closed: bool,
}

#[derive(Clone, Debug)]
struct Scenario {
    /// Per lattice point (row-major), its offset in micro-degrees.
    jitter: Vec<(i64, i64)>,
    roads: Vec<RoadSpec>,
    /// Position in micro-degrees from (116°, 40°) and whether it is a medical service point.
    facilities: Vec<((i64, i64), bool)>,
    /// Position in micro-degrees and population.
    settlements: Vec<((i64, i64), u32)>,
    /// A facility to add, for property (b).
    extra: (i64, i64),
}

fn micro_degrees(v: i64) -> String {
    assert!(v > 0);
    format!("{}.{:06}", v / 1_000_000, v % 1_000_000)
}

fn position_u((x, y): (i64, i64)) -> String {
    format!(
        "[{},{}]",
        micro_degrees(116_000_000 + x),
        micro_degrees(40_000_000 + y)
    )
}

fn point_u(at: (i64, i64), props: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Point","coordinates":{}}}}}"#,
        position_u(at)
    )
}

impl Scenario {
    fn lattice_point(&self, (i, j): (i64, i64)) -> (i64, i64) {
        let (jx, jy) = self.jitter[(j * LATTICE + i) as usize];
        (i * STEP_LON_U + jx, j * STEP_LAT_U + jy)
    }

    /// The roads as features; `keep_oneway` false drops every `oneway` property.
    fn roads(&self, keep_oneway: bool) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.roads {
            let mut path = vec![r.start];
            for &s in &r.steps {
                let (dx, dy) = DIRECTIONS[s];
                let (x, y) = *path.last().unwrap();
                let next = (x + dx, y + dy);
                if (0..LATTICE).contains(&next.0) && (0..LATTICE).contains(&next.1) {
                    path.push(next);
                }
            }
            if path.len() < 2 {
                continue;
            }
            let mut props = vec![format!(r#""highway":"{}""#, CLASSES[r.class])];
            let oneway = match r.oneway {
                1 => Some(r#""yes""#),
                2 => Some(r#""-1""#),
                3 => Some("true"),
                4 => Some(r#""no""#),
                _ => None,
            };
            if let (Some(v), true) = (oneway, keep_oneway) {
                props.push(format!(r#""oneway":{v}"#));
            }
            match r.maxspeed {
                2 => props.push(r#""maxspeed":"30""#.to_string()),
                3 => props.push(r#""maxspeed":"20 mph""#.to_string()),
                _ => {}
            }
            if r.closed {
                props.push(r#""motor_vehicle":"no""#.to_string());
            }
            let coords: Vec<String> = path
                .iter()
                .map(|&p| position_u(self.lattice_point(p)))
                .collect();
            out.push(format!(
                r#"{{"type":"Feature","properties":{{{}}},"geometry":{{"type":"LineString","coordinates":[{}]}}}}"#,
                props.join(","),
                coords.join(",")
            ));
        }
        out
    }

    /// The facilities; `primary(i, given)` decides whether facility `i` is a service point.
    fn facilities(&self, primary: impl Fn(usize, bool) -> bool) -> Vec<String> {
        self.facilities
            .iter()
            .enumerate()
            .map(|(i, &(at, given))| {
                point_u(
                    at,
                    &format!(r#""kind":"clinic","primary_care":{}"#, primary(i, given)),
                )
            })
            .collect()
    }

    fn settlements(&self) -> Vec<String> {
        self.settlements
            .iter()
            .map(|&(at, pop)| point_u(at, &format!(r#""population":{pop}"#)))
            .collect()
    }
}

fn spot() -> impl Strategy<Value = (i64, i64)> {
    (-1000i64..=10_000, -1000i64..=7000)
}

fn road_spec() -> impl Strategy<Value = RoadSpec> {
    (
        (0..LATTICE, 0..LATTICE),
        prop::collection::vec(0..DIRECTIONS.len(), 1..=4),
        0..CLASSES.len(),
        0u8..5,
        0u8..4,
        prop::bool::weighted(0.15),
    )
        .prop_map(|(start, steps, class, oneway, maxspeed, closed)| RoadSpec {
            start,
            steps,
            class,
            oneway,
            maxspeed,
            closed,
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec((-300i64..=300, -300i64..=300), (LATTICE * LATTICE) as usize),
        prop::collection::vec(road_spec(), 1..=10),
        prop::collection::vec((spot(), prop::bool::weighted(0.85)), 1..=4),
        prop::collection::vec((spot(), 0u32..2000), 1..=8),
        spot(),
    )
        .prop_map(|(jitter, roads, facilities, settlements, extra)| Scenario {
            jitter,
            roads,
            facilities,
            settlements,
            extra,
        })
}

fn config(seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Largest difference allowed between two routes of the same time computed over differently
/// split segments.
const NOISE_MIN: f64 = 1e-9;

fn times(report: &Report) -> Vec<Option<f64>> {
    report.settlements.iter().map(|r| r.time_min).collect()
}

/// Property (a) for one mode.
fn multi_source_is_min_of_single_sources(s: &Scenario, mode: Mode) -> Result<(), TestCaseError> {
    let roads = s.roads(true);
    let settlements = s.settlements();
    let opts = options(mode, 15.0);
    let all = run(&roads, &s.facilities(|_, p| p), &settlements, &opts);
    let singles: Vec<(usize, Vec<Option<f64>>)> = (0..s.facilities.len())
        .filter(|&j| s.facilities[j].1)
        .map(|j| {
            let only_j = s.facilities(|i, p| p && i == j);
            (j, times(&run(&roads, &only_j, &settlements, &opts)))
        })
        .collect();
    for (i, row) in all.settlements.iter().enumerate() {
        let best = singles
            .iter()
            .filter_map(|(_, t)| t[i])
            .min_by(f64::total_cmp);
        match (row.time_min, best) {
            (None, None) => prop_assert_eq!(row.nearest_facility, None),
            (Some(t), Some(b)) => {
                prop_assert!(
                    (t - b).abs() <= NOISE_MIN,
                    "{:?}: settlement {} takes {} min with all facilities, {} min at best alone",
                    mode,
                    i,
                    t,
                    b
                );
                let k = row
                    .nearest_facility
                    .expect("a reached settlement has a nearest");
                let alone = singles
                    .iter()
                    .find(|(j, _)| *j == k)
                    .and_then(|(_, t)| t[i]);
                prop_assert!(
                    alone.is_some_and(|a| (a - b).abs() <= NOISE_MIN),
                    "{:?}: settlement {}: nearest facility {} takes {:?} alone, the best is {}",
                    mode,
                    i,
                    k,
                    alone,
                    b
                );
            }
            (t, b) => prop_assert!(
                false,
                "{:?}: settlement {}: {:?} with all facilities, {:?} at best alone",
                mode,
                i,
                t,
                b
            ),
        }
    }
    Ok(())
}

/// Property (b) for one mode.
fn adding_a_facility_never_lengthens(s: &Scenario, mode: Mode) -> Result<(), TestCaseError> {
    let roads = s.roads(true);
    let settlements = s.settlements();
    let opts = options(mode, 15.0);
    let before_f = s.facilities(|_, p| p);
    let mut after_f = before_f.clone();
    after_f.push(point_u(s.extra, r#""kind":"clinic","primary_care":true"#));
    let before = run(&roads, &before_f, &settlements, &opts);
    let after = run(&roads, &after_f, &settlements, &opts);
    for (i, (b, a)) in before
        .settlements
        .iter()
        .zip(&after.settlements)
        .enumerate()
    {
        match (b.time_min, a.time_min) {
            (Some(tb), Some(ta)) => prop_assert!(
                ta <= tb + NOISE_MIN,
                "{:?}: settlement {}: {} min before adding a facility, {} after",
                mode,
                i,
                tb,
                ta
            ),
            (Some(tb), None) => prop_assert!(
                false,
                "{:?}: settlement {} ({} min) became unreachable after adding a facility",
                mode,
                i,
                tb
            ),
            (None, _) => {}
        }
        if let (Some(tb), Some(ta)) = (b.time_min, a.time_min) {
            // Either the old facility is still the nearest, or the new one is at least as near.
            let new_index = s.facilities.len();
            prop_assert!(
                a.nearest_facility == b.nearest_facility
                    || a.nearest_facility == Some(new_index)
                    || (ta - tb).abs() <= NOISE_MIN,
                "{:?}: settlement {}: nearest went from {:?} to {:?}",
                mode,
                i,
                b.nearest_facility,
                a.nearest_facility
            );
        }
    }
    // Only noise at the limit itself could move a settlement out.
    let at_the_limit = before
        .settlements
        .iter()
        .any(|r| r.time_min.is_some_and(|t| (t - 15.0).abs() <= NOISE_MIN));
    prop_assert!(
        after.summary.population_within_limit >= before.summary.population_within_limit
            || at_the_limit,
        "{:?}: {} residents within the limit before adding a facility, {} after",
        mode,
        before.summary.population_within_limit,
        after.summary.population_within_limit
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(0x6d65_6472_6561_6368))]

    /// (a) The multi-source result equals the minimum over single-source runs.
    #[test]
    fn multi_source_equals_minimum_over_single_sources(s in scenario()) {
        multi_source_is_min_of_single_sources(&s, Mode::Walk)?;
        multi_source_is_min_of_single_sources(&s, Mode::Drive)?;
    }
}

proptest! {
    #![proptest_config(config(0x0b_0b_0b_0b))]

    /// (b) Adding a facility never makes a travel time longer.
    #[test]
    fn adding_a_facility_never_makes_a_time_longer(s in scenario()) {
        adding_a_facility_never_lengthens(&s, Mode::Walk)?;
        adding_a_facility_never_lengthens(&s, Mode::Drive)?;
    }
}

proptest! {
    #![proptest_config(config(0x0c_0c_0c_0c))]

    /// (c) Raising the limit never lowers the share, nor the population within it.
    #[test]
    fn raising_the_limit_never_lowers_the_share(
        s in scenario(),
        mut limits in prop::collection::vec(0.5f64..60.0, 2..6),
    ) {
        limits.sort_by(f64::total_cmp);
        let data = dataset(&s.roads(true), &s.facilities(|_, p| p), &s.settlements());
        for mode in [Mode::Walk, Mode::Drive] {
            let analysis = Analysis::run(&data, mode, &SpeedTable::default()).expect("runs");
            let reports: Vec<Report> = limits.iter().map(|&l| analysis.report(l, &medreach::engine::rules::RuleParams::default())).collect();
            for pair in reports.windows(2) {
                let (lo, hi) = (&pair[0].summary, &pair[1].summary);
                match (lo.share_within_limit, hi.share_within_limit) {
                    (Some(a), Some(b)) => prop_assert!(
                        b >= a,
                        "{:?}: share {} at {} min, {} at {} min",
                        mode, a, pair[0].limit_min, b, pair[1].limit_min
                    ),
                    (None, None) => prop_assert_eq!(lo.population_total, 0.0),
                    other => prop_assert!(false, "share defined at one limit only: {:?}", other),
                }
                prop_assert!(hi.population_within_limit >= lo.population_within_limit);
                prop_assert!(hi.settlements_beyond_limit <= lo.settlements_beyond_limit);
                prop_assert_eq!(times(&pair[0]), times(&pair[1]));
            }
            // The report for a limit equals a fresh check at that limit (which the command
            // line words in English).
            let fresh = check(&data, &options(mode, limits[0])).expect("runs");
            let mut worded = reports[0].clone();
            medreach::app::text::word_report(&mut worded, medreach::app::text::Lang::En);
            prop_assert_eq!(&fresh, &worded);
        }
    }
}

proptest! {
    #![proptest_config(config(0x0d_0d_0d_0d))]

    /// (d) Walking times do not depend on `oneway`.
    #[test]
    fn walking_ignores_oneway(s in scenario()) {
        let facilities = s.facilities(|_, p| p);
        let settlements = s.settlements();
        let opts = options(Mode::Walk, 15.0);
        let with = run(&s.roads(true), &facilities, &settlements, &opts);
        let without = run(&s.roads(false), &facilities, &settlements, &opts);
        prop_assert_eq!(&with.settlements, &without.settlements);
        prop_assert_eq!(&with.summary, &without.summary);
    }
}
