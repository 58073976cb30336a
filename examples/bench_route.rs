//! Times MedReach's nearest-facility pass ([`medreach::engine::routing::nearest_origin`]) on a prebuilt
//! routing graph and exports that exact graph, its sources and MedReach's result, so that
//! `scripts/bench_peers.py` can time scipy, igraph and networkx on the identical problem.
//!
//! ```sh
//! cargo run --release --example bench_route -- [--pbf FILE.osm.pbf | --roads FILE.geojson |
//!     --synthetic JUNCTIONS] [--mode drive|walk] [--facilities 30] [--seed 20240601]
//!     [--reps 50] [--out DIR]
//! ```
//!
//! Default input: `tests/data/osm/porto.osm.pbf`, drive mode, 30 facilities, output in
//! `target/bench/porto/`. The facilities sit on distinct road nodes drawn with a fixed-seed
//! generator (SplitMix64) from the nodes in the order they first appear along the roads
//! ([`medreach::devtools::benchmark`]), each with 0 minutes and its draw order as its label, so the
//! search is exactly a multi-source Dijkstra from those nodes. The checksum printed covers
//! every node's minutes and label in that order too, so it does not change when the engine
//! numbers its nodes differently.
//!
//! The graph is written as the **reversed** graph in CSR form (row = arc head, columns = arc
//! tails, weight = minutes of the arc), which is the layout MedReach searches: a forward search
//! from the sources on it gives every node its time *to* the nearest facility. Files (NumPy
//! `.npy`, little-endian): `indptr` (i4, nodes+1), `indices` (i4, arcs), `weights` (f8, arcs),
//! `sources` (i4), `minutes` (f8, MedReach's result, `inf` when unreached), `labels` (u4, the
//! nearest facility, 2³²−1 when unreached); `meta.json` holds the sizes and MedReach's times.
//!
//! OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::run() {
        eprintln!("bench_route: {e}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use medreach::devtools::benchmark::time_pass;
    use medreach::engine::crs::Projector;
    use medreach::engine::dataset::Dataset;
    use medreach::engine::io::osm::{read_osm_pbf, OsmOptions};
    use medreach::engine::network::{Mode, RoadNetwork, RoutingGraph, SpeedTable};
    use medreach::engine::routing::zone_for;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    struct Args {
        pbf: Option<PathBuf>,
        roads: Option<PathBuf>,
        synthetic: Option<usize>,
        mode: Mode,
        facilities: usize,
        seed: u64,
        reps: usize,
        out: PathBuf,
    }

    fn parse_args() -> Result<Args, String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut a = Args {
            pbf: None,
            roads: None,
            synthetic: None,
            mode: Mode::Drive,
            facilities: 30,
            seed: 20240601,
            reps: 50,
            out: root.join("target/bench/porto"),
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--pbf" => a.pbf = Some(value()?.into()),
                "--roads" => a.roads = Some(value()?.into()),
                "--synthetic" => a.synthetic = Some(value()?.parse().map_err(|e| format!("{e}"))?),
                "--mode" => a.mode = value()?.parse()?,
                "--facilities" => a.facilities = value()?.parse().map_err(|e| format!("{e}"))?,
                "--seed" => a.seed = value()?.parse().map_err(|e| format!("{e}"))?,
                "--reps" => a.reps = value()?.parse().map_err(|e| format!("{e}"))?,
                "--out" => a.out = value()?.into(),
                "-h" | "--help" => {
                    return Err("usage: bench_route [--pbf FILE | --roads FILE.geojson | \
                                --synthetic JUNCTIONS] \
                                [--mode drive|walk] [--facilities N] [--seed S] [--reps N] \
                                [--out DIR]"
                        .into())
                }
                _ => return Err(format!("unknown argument {flag}")),
            }
        }
        if a.pbf.is_none() && a.roads.is_none() && a.synthetic.is_none() {
            a.pbf = Some(root.join("tests/data/osm/porto.osm.pbf"));
        }
        if a.reps == 0 || a.facilities == 0 {
            return Err("--reps and --facilities must be positive".into());
        }
        Ok(a)
    }

    fn ms(start: Instant) -> f64 {
        start.elapsed().as_secs_f64() * 1e3
    }

    /// Writes a one-dimensional `.npy` file (format 1.0).
    fn write_npy(path: &Path, descr: &str, count: usize, data: &[u8]) -> Result<(), String> {
        let bytes = medreach::devtools::benchmark::npy_bytes(descr, count, data);
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    fn le_bytes<T: Copy, const N: usize>(v: &[T], f: impl Fn(T) -> [u8; N]) -> Vec<u8> {
        v.iter().flat_map(|&x| f(x)).collect()
    }

    pub fn run() -> Result<(), String> {
        let args = parse_args()?;
        let t = Instant::now();
        let (input, layers) = if let Some(junctions) = args.synthetic {
            (
                PathBuf::from(format!(
                    "synthetic network of {junctions} junctions (seed 1)"
                )),
                medreach::devtools::synthetic::generate(junctions, 1),
            )
        } else if let Some(path) = &args.roads {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut data = Dataset::default();
            data.load("roads.geojson", &text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            (path.clone(), data.layers())
        } else {
            let path = args.pbf.clone().expect("set by parse_args");
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let import = read_osm_pbf(&bytes, &OsmOptions::default(), 0)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            (path, import.layers)
        };
        let read_ms = ms(t);

        let t = Instant::now();
        let zone = zone_for(&layers).ok_or("nothing to place in the input")?;
        let network = RoadNetwork::build(
            &layers.roads,
            args.mode,
            &SpeedTable::default(),
            &Projector::new(zone),
        );
        let build_ms = ms(t);
        let t = Instant::now();
        let (graph, _) = network.routing_graph(&[]);
        let graph_ms = ms(t);
        let n = graph.node_count();

        // Distinct seeded-random nodes (the draw order is the label), timed as in the page.
        let clock = Instant::now();
        let pass = time_pass(
            &network,
            &graph,
            args.facilities,
            args.seed,
            args.reps,
            &mut || clock.elapsed().as_secs_f64() * 1e3,
        )?;
        let sources: Vec<u32> = pass.origins.iter().map(|o| o.node).collect();
        let (minutes, labels, sum) = (&pass.minutes, &pass.labels, pass.checksum);
        let (med, best) = (pass.median_ms(), pass.min_ms());

        export(&args.out, &graph, &sources, minutes, labels)?;
        let reached = labels.iter().filter(|&&l| l != u32::MAX).count();
        let meta = serde_json::json!({
            "input": input.display().to_string(),
            "mode": args.mode.id(),
            "seed": args.seed,
            "nodes": n,
            "arcs": graph.arc_count(),
            "core_nodes": graph.core_node_count(),
            "sources": sources.len(),
            "reached": reached,
            "checksum": format!("{sum:016x}"),
            "medreach": {
                "reps": args.reps,
                "median_ms": med,
                "min_ms": best,
                "read_ms": read_ms,
                "build_ms": build_ms,
                "graph_ms": graph_ms,
            },
        });
        let meta_path = args.out.join("meta.json");
        std::fs::write(&meta_path, format!("{meta:#}\n"))
            .map_err(|e| format!("cannot write {}: {e}", meta_path.display()))?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}: {} mode, {n} nodes ({} core), {} arcs, {} facilities (seed {}), {reached} nodes reached\n\
             read {read_ms:.0} ms, network {build_ms:.0} ms, routing graph {graph_ms:.1} ms\n\
             nearest_origin: median {med:.3} ms, min {best:.3} ms over {} runs; checksum {sum:016x}\n\
             graph and result written to {}",
            input.display(),
            args.mode.id(),
            graph.core_node_count(),
            graph.arc_count(),
            sources.len(),
            args.seed,
            args.reps,
            args.out.display()
        )
        .map_err(|e| e.to_string())
    }

    /// Writes the reversed graph in CSR form, the sources and MedReach's result.
    fn export(
        dir: &Path,
        graph: &RoutingGraph,
        sources: &[u32],
        minutes: &[f64],
        labels: &[u32],
    ) -> Result<(), String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let n = graph.node_count();
        let mut indptr: Vec<i32> = Vec::with_capacity(n + 1);
        let mut indices: Vec<i32> = Vec::with_capacity(graph.arc_count());
        let mut weights: Vec<f64> = Vec::with_capacity(graph.arc_count());
        indptr.push(0);
        for head in 0..n as u32 {
            for (tail, w) in graph.incoming(head) {
                indices.push(tail as i32);
                weights.push(w);
            }
            indptr.push(indices.len() as i32);
        }
        let sources: Vec<i32> = sources.iter().map(|&s| s as i32).collect();
        let write = |name: &str, descr: &str, count: usize, data: Vec<u8>| {
            write_npy(&dir.join(format!("{name}.npy")), descr, count, &data)
        };
        write("indptr", "<i4", n + 1, le_bytes(&indptr, i32::to_le_bytes))?;
        write(
            "indices",
            "<i4",
            indices.len(),
            le_bytes(&indices, i32::to_le_bytes),
        )?;
        write(
            "weights",
            "<f8",
            weights.len(),
            le_bytes(&weights, f64::to_le_bytes),
        )?;
        write(
            "sources",
            "<i4",
            sources.len(),
            le_bytes(&sources, i32::to_le_bytes),
        )?;
        write("minutes", "<f8", n, le_bytes(minutes, f64::to_le_bytes))?;
        write("labels", "<u4", n, le_bytes(labels, u32::to_le_bytes))?;
        Ok(())
    }
}
