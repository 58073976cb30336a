//! The travel-time surface: exact at settlements, checked by hand on a small network, and its
//! isochrones valid with the cells' area.

use crate::support::geojson::{Plane, Scene};
use geo::Validation;
use medreach::app::analysis::Analysis;
use medreach::engine::crs::Xy;
use medreach::engine::dataset::Dataset;
use medreach::engine::model::{to_geo, Layers};
use medreach::engine::network::{Mode, SpeedTable};
use medreach::engine::routing::travel_times;
use medreach::engine::surface::{isochrones, Cell, Grid, GridError, Sampler, Surface};
use serde_json::json;

fn assert_sampler_matches_settlements(layers: &Layers, mode: Mode) {
    let reach = travel_times(layers, mode, &SpeedTable::default()).unwrap();
    let sampler = Sampler::new(&reach);
    for (i, r) in reach.settlements.iter().enumerate() {
        let got = sampler.minutes_at(reach.settlement_xy[i]);
        assert_eq!(
            got.map(f64::to_bits),
            r.minutes.map(f64::to_bits),
            "{mode:?} settlement {i}: {got:?} against {:?}",
            r.minutes
        );
    }
}

#[test]
fn the_surface_at_settlements_is_their_own_time_bit_for_bit() {
    let layers = medreach::devtools::synthetic::generate(20_000, 5);
    for mode in [Mode::Walk, Mode::Drive] {
        assert_sampler_matches_settlements(&layers, mode);
    }
    let demo = demo_layers();
    for mode in [Mode::Walk, Mode::Drive] {
        assert_sampler_matches_settlements(&demo, mode);
    }
    let mut no_roads = demo.clone();
    no_roads.roads.clear();
    assert_sampler_matches_settlements(&no_roads, Mode::Walk);
}

fn demo_layers() -> Layers {
    let mut data = Dataset::default();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/county");
    for name in ["roads", "facilities", "settlements", "admin"] {
        let path = dir.join(format!("{name}.geojson"));
        data.load_file(
            &path.to_string_lossy(),
            &std::fs::read(&path).unwrap(),
            &Default::default(),
        )
        .unwrap();
    }
    data.layers()
}

const WALK: f64 = 5000.0 / 60.0;
const OFFROAD: f64 = 4000.0 / 60.0;
const RESIDENTIAL: f64 = 25_000.0 / 60.0;

/// A two-way residential road along y = 0 from x = 0 to 4,000 m with a clinic 20 m north of
/// its middle; a one-way residential road north from its east end to a dead end; a trunk road
/// (closed to walkers, joined to nothing) along y = 300 m.
fn hand_scene() -> Scene {
    Scene::on(Plane::new(112.0, 30.0))
        .road(&[(0.0, 0.0), (4000.0, 0.0)])
        .road_with(
            json!({"highway": "residential", "oneway": "yes"}),
            &[(4000.0, 0.0), (4000.0, 2000.0)],
        )
        .road_with(
            json!({"highway": "trunk"}),
            &[(0.0, 300.0), (3000.0, 300.0)],
        )
        .facility("卫生室", "村卫生室", 2000.0, 20.0)
        .settlement("屯", 100.0, 500.0, 50.0)
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("reachable");
    assert!((a - b).abs() < 1e-6, "{a} against {b}");
}

#[test]
fn points_on_a_hand_made_network_take_their_way_by_hand() {
    let scene = hand_scene();
    let data = scene.dataset();
    let plane = scene.plane();
    let origin = plane.projector().project(plane.at(0.0, 0.0));
    let xy = |x: f64, y: f64| Xy {
        x: origin.x + x,
        y: origin.y + y,
    };
    let speeds = SpeedTable::default();
    let walk = Analysis::run(&data, Mode::Walk, &speeds).unwrap();
    let drive = Analysis::run(&data, Mode::Drive, &speeds).unwrap();
    let (w, d) = (Sampler::new(&walk.reach), Sampler::new(&drive.reach));
    // Beside the clinic: to the road, then along it to where the clinic joins (0 m), then the
    // clinic's own 20 m off-road leg.
    close(
        w.minutes_at(xy(2000.0, -10.0)),
        10.0 / OFFROAD + 20.0 / OFFROAD,
    );
    // 1 km along the road in walk mode.
    close(
        w.minutes_at(xy(1000.0, 40.0)),
        40.0 / OFFROAD + 1000.0 / WALK + 20.0 / OFFROAD,
    );
    // Next to the trunk road, which walkers cannot use: walking joins the road 310 m away.
    close(
        w.minutes_at(xy(1000.0, 310.0)),
        310.0 / OFFROAD + 1000.0 / WALK + 20.0 / OFFROAD,
    );
    // Driving joins the trunk road, which leads nowhere.
    assert_eq!(d.minutes_at(xy(1000.0, 310.0)), None);
    close(
        d.minutes_at(xy(1000.0, -40.0)),
        40.0 / OFFROAD + 1000.0 / RESIDENTIAL + 20.0 / OFFROAD,
    );
    // On the one-way road, driving only leads away to its dead end; walking may go back.
    assert_eq!(d.minutes_at(xy(4010.0, 1000.0)), None);
    close(
        w.minutes_at(xy(4010.0, 1000.0)),
        10.0 / OFFROAD + 1000.0 / WALK + 2000.0 / WALK + 20.0 / OFFROAD,
    );
    // The cells are those points at their centres.
    let surface = Surface::compute(&walk.layers, &walk.reach, 25.0, &mut |_, _, _| {}).unwrap();
    let g = surface.grid;
    assert_eq!(g.west % 25.0, 0.0);
    assert_eq!(g.north % 25.0, 0.0);
    let (col, row) = g.cell_of(xy(1000.0, 310.0)).unwrap();
    let c = g.centre(col, row);
    let by_hand =
        (c.y - origin.y) / OFFROAD + (c.x - origin.x - 2000.0).abs() / WALK + 20.0 / OFFROAD;
    match surface.cell(col, row) {
        Cell::Minutes(m) => assert!((m - by_hand).abs() < 1e-6, "{m} against {by_hand}"),
        other => panic!("{other:?}"),
    }
    let drive_surface =
        Surface::compute(&drive.layers, &drive.reach, 25.0, &mut |_, _, _| {}).unwrap();
    let (col, row) = g.cell_of(xy(4010.0, 1000.0)).unwrap();
    assert_eq!(drive_surface.cell(col, row), Cell::Unreachable);
}

#[test]
fn the_grid_covers_every_layer_and_admin_units_mask_it() {
    let scene = hand_scene().admin("甲村", "行政村", [0.0, -500.0, 2000.0, 500.0]);
    let data = scene.dataset();
    let a = Analysis::run(&data, Mode::Walk, &SpeedTable::default()).unwrap();
    let s = Surface::compute(&a.layers, &a.reach, 100.0, &mut |_, _, _| {}).unwrap();
    let g = s.grid;
    // From x = 0 to 4,000 m and y = -500 to 2,000 m: about 41 x 26 cells, whatever the
    // alignment.
    assert!(
        (41..=42).contains(&g.cols) && (26..=27).contains(&g.rows),
        "{g:?}"
    );
    let inside = s.minutes.iter().filter(|m| !m.is_nan()).count();
    // The unit is 2,000 m x 1,000 m: 200 cells of 100 m.
    assert!((180..=220).contains(&inside), "{inside}");
    // Too fine a grid is refused with a size that fits.
    let wide = Scene::on(Plane::new(112.0, 30.0))
        .settlement("西", 10.0, 0.0, 0.0)
        .settlement("东", 10.0, 150_000.0, 150_000.0)
        .dataset()
        .layers();
    let zone = g.zone;
    match Grid::covering(&wide, zone, 25.0) {
        Err(GridError::TooManyCells {
            cells,
            suggested_cell_m,
            ..
        }) => {
            assert!(cells > 30_000_000, "{cells}");
            let g = Grid::covering(&wide, zone, suggested_cell_m).unwrap();
            assert!(g.len() <= medreach::engine::surface::MAX_CELLS);
            assert!(g.len() > medreach::engine::surface::MAX_CELLS / 2, "{g:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Grid::covering(&wide, zone, 10.0),
        Err(GridError::CellSize { .. })
    ));
}

/// The area of WGS84 polygons on the ellipsoid, in m²: the exact area of their image in the
/// cylindrical equal-area projection of the WGS84 ellipsoid (authalic latitude).
fn ellipsoidal_area_m2(polygons: &[medreach::engine::model::Rings]) -> f64 {
    const A: f64 = 6_378_137.0;
    let e2: f64 = 0.006_694_379_990_141_317;
    let e = e2.sqrt();
    let q = |lat: f64| {
        let s = lat.to_radians().sin();
        (1.0 - e2)
            * (s / (1.0 - e2 * s * s) - (1.0 / (2.0 * e)) * ((1.0 - e * s) / (1.0 + e * s)).ln())
    };
    let ring_area = |r: &Vec<medreach::engine::crs::LonLat>| {
        let pts: Vec<(f64, f64)> = r
            .iter()
            .map(|p| (A * p.lon.to_radians(), A * q(p.lat) / 2.0))
            .collect();
        let mut a = 0.0;
        for w in pts.windows(2) {
            a += w[0].0 * w[1].1 - w[1].0 * w[0].1;
        }
        a / 2.0
    };
    polygons.iter().flatten().map(ring_area).sum()
}

#[test]
fn isochrones_are_valid_and_have_the_cells_area() {
    let demo = demo_layers();
    let reach = travel_times(&demo, Mode::Walk, &SpeedTable::default()).unwrap();
    let s = Surface::compute(&demo, &reach, 100.0, &mut |_, _, _| {}).unwrap();
    let bands = isochrones::isochrones(&s.grid, &s.minutes, &[5.0, 15.0, 60.0]);
    let mut last = 0;
    for b in &bands {
        let cells = s.minutes.iter().filter(|&&m| m <= b.max_min).count() as u64;
        assert_eq!(b.cells, cells);
        assert!(cells >= last, "cumulative");
        last = cells;
        let mp = to_geo(&b.polygons);
        assert!(
            mp.is_valid(),
            "{} min: {:?}",
            b.max_min,
            mp.validation_errors()
        );
        // The polygons' area on the ellipsoid against the cells' area in the plane (UTM's
        // scale is within 0.1 % of 1 near the zone's centre).
        let area = ellipsoidal_area_m2(&b.polygons);
        let rel = (area - b.area_m2).abs() / b.area_m2;
        assert!(
            rel < 0.01,
            "{} min: {area} m² against {} m²",
            b.max_min,
            b.area_m2
        );
    }
}

/// The grid is filled by blocks and segment by segment; every cell must still be what the
/// point query gives at its centre, bit for bit.
#[test]
fn every_cell_is_the_point_query_at_its_centre() {
    let synthetic = medreach::devtools::synthetic::generate(5_000, 3);
    let demo = demo_layers();
    for (layers, cell_m) in [(&synthetic, 25.0), (&demo, 150.0)] {
        for mode in [Mode::Walk, Mode::Drive] {
            let reach = travel_times(layers, mode, &SpeedTable::default()).unwrap();
            let s = Surface::compute(layers, &reach, cell_m, &mut |_, _, _| {}).unwrap();
            let sampler = Sampler::new(&reach);
            let g = s.grid;
            let mut compared = 0;
            for row in 0..g.rows {
                for col in 0..g.cols {
                    let want = match s.cell(col, row) {
                        Cell::Empty => continue,
                        Cell::Unreachable => None,
                        Cell::Minutes(m) => Some(m.to_bits()),
                    };
                    let got = sampler.minutes_at(g.centre(col, row)).map(f64::to_bits);
                    assert_eq!(got, want, "{mode:?} cell ({col}, {row})");
                    compared += 1;
                }
            }
            assert!(compared > 1_000, "{compared}");
        }
    }
}
