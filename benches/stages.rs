//! Criterion benchmarks of each stage of one analysis, on the Liechtenstein reference case
//! (`tests/data/cases/liechtenstein`, drive mode): parse (GeoJSON roads), build
//! (`RoadNetwork::build`), snap (every settlement), route (`nearest_origin` on the prebuilt
//! routing graph, from the medical service points) and summarise (`Analysis::report`).
//!
//! ```sh
//! cargo bench --bench stages            # all stages, about a minute
//! cargo bench --bench stages -- route   # one stage
//! ```
//!
//! Small samples (10) and short measurement windows (3 s) keep a run quick; the numbers are for
//! spotting regressions between commits on one machine, not for publication (that is
//! `scripts/bench.sh`).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut c = native::config().configure_from_args();
    native::stages(&mut c);
    c.final_summary();
}

// The wasm32 build (clippy --all-targets, cargo test) only needs the target to exist.
#[cfg(target_arch = "wasm32")]
fn main() {}

// The tests' data helper: reads a case file, decompressing `<name>.gz` when that is how it is
// stored.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/data.rs"]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::Criterion;
    use medreach::app::analysis::Analysis;
    use medreach::engine::crs::{Projector, Xy};
    use medreach::engine::dataset::Dataset;
    use medreach::engine::io::geojson::read_geojson;
    use medreach::engine::network::{Mode, RoadNetwork, SpeedTable};
    use medreach::engine::routing::{nearest_origin, origins, zone_for, Router};
    use medreach::engine::rules::RuleParams;
    use std::hint::black_box;
    use std::time::Duration;

    pub fn config() -> Criterion {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
    }

    fn read(name: &str) -> String {
        super::common::case_text("liechtenstein", name)
    }

    pub fn stages(c: &mut Criterion) {
        let mode = Mode::Drive;
        let speeds = SpeedTable::default();
        let roads_text = read("roads.geojson");
        let mut data = Dataset::default();
        for name in [
            "roads.geojson",
            "facilities.geojson",
            "settlements.geojson",
            "admin.geojson",
        ] {
            let text = if name == "roads.geojson" {
                roads_text.clone()
            } else {
                read(name)
            };
            data.load(name, &text).expect("the case loads");
        }
        let analysis = Analysis::run(&data, mode, &speeds).expect("the case runs");
        let layers = &analysis.layers;
        let projector = Projector::new(zone_for(layers).expect("the case has data"));
        let settlement_xy: Vec<Xy> = layers
            .settlements
            .iter()
            .map(|s| projector.project(s.at))
            .collect();
        let Router::Network {
            graph,
            facility_joins,
            ..
        } = &analysis.reach.router
        else {
            panic!("the Liechtenstein case has roads");
        };
        let origins = origins(facility_joins, &analysis.reach.service_points);
        let params = RuleParams::default();

        let mut g = c.benchmark_group("liechtenstein_drive");
        g.bench_function("parse", |b| {
            b.iter(|| read_geojson("roads.geojson", black_box(&roads_text), 0).expect("parses"))
        });
        g.bench_function("build", |b| {
            b.iter(|| RoadNetwork::build(black_box(&layers.roads), mode, &speeds, &projector))
        });
        let network = &analysis.reach.network;
        g.bench_function("snap", |b| {
            b.iter(|| {
                black_box(&settlement_xy)
                    .iter()
                    .map(|p| network.snap(*p).expect("roads exist"))
                    .collect::<Vec<_>>()
            })
        });
        g.bench_function("route", |b| {
            b.iter(|| nearest_origin(black_box(graph), black_box(&origins)))
        });
        g.bench_function("summarise", |b| {
            b.iter(|| analysis.report(black_box(15.0), &params))
        });
        g.finish();
    }
}
