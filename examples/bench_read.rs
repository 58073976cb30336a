//! Reading GeoJSON, timed: makes the benchmark's GeoJSON files from an OpenStreetMap extract, and
//! times MedReach's GeoJSON reader on a file. `scripts/bench_read.py` drives it, times the CLI
//! end to end against the Python scipy pipeline (`scripts/peers/scipy_walk_pipeline.py`) on the
//! same files, and measures peak memory.
//!
//! ```sh
//! cargo run --release --example bench_read -- make [--pbf FILE.osm.pbf] [--settlements 20000]
//!     [--facilities 30] [--seed 20240601] --out DIR
//! cargo run --release --example bench_read -- read FILE.geojson [--reps 5]
//! ```
//!
//! `make` writes `roads.geojson` (every road of the extract with its `highway`, `name`,
//! `oneway`, `maxspeed` and `motor_vehicle`), `facilities.geojson` (village clinics with
//! `primary_care: true`) and `settlements.geojson` (with `population`): the clinics and
//! settlements are [`medreach::devtools::benchmark::planning_instance`]'s, drawn along the
//! walking network. `read` prints the median time of [`medreach::engine::io::read`] on the
//! file and its throughput; with `--reps 1` it reads once, for a peak-memory measurement.
//!
//! OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::run() {
        eprintln!("bench_read: {e}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use medreach::devtools::benchmark::{flag, median, planning_instance, SEED};
    use medreach::engine::io::osm::{read_osm_pbf, OsmOptions};
    use medreach::engine::io::{read, Import};
    use medreach::engine::model::{Layers, Oneway};
    use medreach::engine::network::Mode;
    use serde_json::{json, Value};
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    pub fn run() -> Result<(), String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match args.first().map(String::as_str) {
            Some("make") => make(&args[1..]),
            Some("read") => {
                let file = args.get(1).ok_or("read FILE")?;
                let reps =
                    flag(&args, "--reps").map_or(Ok(5), |r| r.parse().map_err(|_| "--reps N"))?;
                time_read(Path::new(file), reps)
            }
            _ => Err(
                "usage: bench_read make --out DIR [...] | bench_read read FILE [--reps N]".into(),
            ),
        }
    }

    fn make(args: &[String]) -> Result<(), String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let pbf =
            flag(args, "--pbf").map_or(root.join("tests/data/osm/porto.osm.pbf"), PathBuf::from);
        let out = PathBuf::from(flag(args, "--out").ok_or("--out DIR")?);
        let number = |name: &str, default: usize| -> Result<usize, String> {
            flag(args, name).map_or(Ok(default), |v| v.parse().map_err(|_| format!("{name} N")))
        };
        let settlements = number("--settlements", 20_000)?;
        let facilities = number("--facilities", 30)?;
        let seed = flag(args, "--seed").map_or(Ok(SEED), |v| v.parse().map_err(|_| "--seed N"))?;
        let bytes = std::fs::read(&pbf).map_err(|e| format!("{}: {e}", pbf.display()))?;
        let roads = read_osm_pbf(&bytes, &OsmOptions::default(), 0)
            .map_err(|e| e.to_string())?
            .layers
            .roads;
        let (layers, _) = planning_instance(roads, Mode::Walk, seed, (facilities, settlements, 0))
            .ok_or("the extract has no walking network")?;
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        for (name, text) in [
            ("roads", roads_text(&layers)),
            ("facilities", points_text(&layers, true)),
            ("settlements", points_text(&layers, false)),
        ] {
            let path = out.join(format!("{name}.geojson"));
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
            println!(
                "{}: {} bytes",
                path.display(),
                std::fs::metadata(&path).map_or(0, |m| m.len())
            );
        }
        Ok(())
    }

    fn collection(features: Vec<String>) -> String {
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
            features.join(",\n")
        )
    }

    fn feature(props: Value, kind: &str, coordinates: Value) -> String {
        json!({"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coordinates}})
            .to_string()
    }

    fn roads_text(layers: &Layers) -> String {
        let features = layers
            .roads
            .iter()
            .map(|r| {
                let mut props = serde_json::Map::new();
                props.insert("highway".into(), json!(r.class));
                if let Some(n) = &r.name {
                    props.insert("name".into(), json!(n));
                }
                match r.oneway {
                    Oneway::Forward => props.insert("oneway".into(), json!("yes")),
                    Oneway::Backward => props.insert("oneway".into(), json!("-1")),
                    Oneway::No => None,
                };
                if let Some(s) = r.speed_kmh {
                    props.insert("maxspeed".into(), json!(s.to_string()));
                }
                if !r.drivable {
                    props.insert("motor_vehicle".into(), json!("no"));
                }
                let lines: Vec<Value> = r
                    .lines
                    .iter()
                    .map(|l| l.iter().map(|p| json!([p.lon, p.lat])).collect())
                    .collect();
                if lines.len() == 1 {
                    feature(Value::Object(props), "LineString", lines[0].clone())
                } else {
                    feature(Value::Object(props), "MultiLineString", Value::Array(lines))
                }
            })
            .collect();
        collection(features)
    }

    fn points_text(layers: &Layers, facilities: bool) -> String {
        let features = if facilities {
            layers
                .facilities
                .iter()
                .map(|f| {
                    feature(
                        json!({"name": f.name, "type": "村卫生室", "primary_care": true}),
                        "Point",
                        json!([f.at.lon, f.at.lat]),
                    )
                })
                .collect()
        } else {
            layers
                .settlements
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    feature(
                        json!({"name": format!("settlement {i}"), "population": s.population}),
                        "Point",
                        json!([s.at.lon, s.at.lat]),
                    )
                })
                .collect()
        };
        collection(features)
    }

    fn time_read(file: &Path, reps: usize) -> Result<(), String> {
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let name = file
            .file_name()
            .map_or("file".into(), |n| n.to_string_lossy().to_string());
        let mut times = Vec::new();
        let mut features = 0;
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            let import = read(&name, &bytes, 0, &Default::default()).map_err(|e| e.to_string())?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            if let Import::Layers(l) = &import {
                features = l.roads.len() + l.facilities.len() + l.settlements.len() + l.admin.len();
            }
        }
        let ms = median(&mut times);
        println!("file: {}", file.display());
        println!("bytes: {}", bytes.len());
        println!("features: {features}");
        println!("read_ms: {ms:.1}");
        println!("mb_per_s: {:.0}", bytes.len() as f64 / 1e6 / (ms / 1e3));
        Ok(())
    }
}
