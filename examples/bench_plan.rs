//! Times MedReach's site suggestion end to end on an OpenStreetMap extract and exports the
//! same problem, so that `scripts/bench_plan_peers.py` can time PySAL spopt's MCLP (CBC) on it.
//!
//! ```sh
//! cargo run --release --example bench_plan -- [--pbf FILE.osm.pbf] [--mode walk|drive]
//!     [--facilities 30] [--settlements 20000] [--candidates 300] [--add 10] [--limit-min 15]
//!     [--seed 20240601] [--reps 3] [--out DIR] [--no-export]
//! ```
//!
//! Default: Porto (`tests/data/osm/porto.osm.pbf`), walking, 30 village clinics, 20,000
//! settlements and 300 candidates placed with a fixed seed near the roads
//! ([`medreach::devtools::benchmark::planning_instance`]), K = 10, output in
//! `target/bench/plan-porto/`. Two MedReach times: from the layers in memory to the plan (the
//! network, every join, the baseline search, then the suggestion), and the suggestion alone on
//! the analysis (what a click in the page costs: the candidates joined to the analysis's
//! network, their coverage, the solver with its bound, and everyone's time measured again with
//! the chosen sites).
//!
//! Exported (NumPy `.npy`): the routing graph with every settlement, facility and candidate
//! joined, **reversed**, in CSR form (`indptr`, `indices`, `weights`: a search from a site on it
//! gives every node its time *to* the site); per settlement its join node and off-road minutes
//! and its population; per facility (the existing ones, then the candidates) its join node and
//! off-road minutes. `meta.json` holds the sizes, the limit, K and MedReach's result and time.
//!
//! OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::run() {
        eprintln!("bench_plan: {e}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use medreach::devtools::benchmark::{npy_bytes, planning_instance, SEED};
    use medreach::engine::io::osm::{read_osm_pbf, OsmOptions};
    use medreach::engine::model::FacilityKind;
    use medreach::engine::network::{Mode, SpeedTable};
    use medreach::engine::planning::{
        suggest, with_sites, Candidate, CandidateSource, Objective, PlanRequest,
    };
    use medreach::engine::routing::{travel_times, Router};
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    struct Args {
        pbf: PathBuf,
        mode: Mode,
        counts: (usize, usize, usize),
        k: usize,
        limit: f64,
        seed: u64,
        reps: usize,
        out: PathBuf,
        export: bool,
    }

    fn parse_args() -> Result<Args, String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut a = Args {
            pbf: root.join("tests/data/osm/porto.osm.pbf"),
            mode: Mode::Walk,
            counts: (30, 20_000, 300),
            k: 10,
            limit: 15.0,
            seed: SEED,
            reps: 3,
            out: root.join("target/bench/plan-porto"),
            export: true,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or(format!("{flag} needs a value"));
            let mut number = || -> Result<usize, String> {
                value()?.parse().map_err(|e| format!("{flag}: {e}"))
            };
            match flag.as_str() {
                "--pbf" => a.pbf = value()?.into(),
                "--mode" => a.mode = value()?.parse()?,
                "--facilities" => a.counts.0 = number()?,
                "--settlements" => a.counts.1 = number()?,
                "--candidates" => a.counts.2 = number()?,
                "--add" => a.k = number()?,
                "--limit-min" => {
                    a.limit = value()?.parse().map_err(|e| format!("--limit-min: {e}"))?
                }
                "--seed" => a.seed = number()? as u64,
                "--reps" => a.reps = number()?.max(1),
                "--out" => a.out = value()?.into(),
                "--no-export" => a.export = false,
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(a)
    }

    pub fn run() -> Result<(), String> {
        let args = parse_args()?;
        let bytes = std::fs::read(&args.pbf)
            .map_err(|e| format!("cannot read {}: {e}", args.pbf.display()))?;
        let roads = read_osm_pbf(&bytes, &OsmOptions::default(), 0)
            .map_err(|e| e.to_string())?
            .layers
            .roads;
        let (layers, sites) = planning_instance(roads, args.mode, args.seed, args.counts)
            .ok_or("no usable road in the extract")?;
        let speeds = SpeedTable::default();
        let request = PlanRequest {
            objective: Objective::MaxCovering { k: args.k },
            limit_min: args.limit,
            kind: FacilityKind::MedicalServicePoint,
            candidates: CandidateSource::Given(sites.clone()),
        };
        let (mut times, mut suggest_times) = (Vec::new(), Vec::new());
        let mut plan = None;
        for _ in 0..args.reps {
            let t = Instant::now();
            let reach = travel_times(&layers, args.mode, &speeds).ok_or("nothing to place")?;
            let t_suggest = Instant::now();
            let p =
                suggest(&layers, &reach, &request, &mut |_, _, _| {}).map_err(|e| e.to_string())?;
            suggest_times.push(t_suggest.elapsed().as_secs_f64() * 1000.0);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            plan = Some(p);
        }
        let plan = plan.expect("at least one rep");
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let median_ms = median(&mut times);
        let suggest_ms = median(&mut suggest_times);
        let chosen: Vec<usize> = plan.sites.iter().filter_map(|s| s.candidate).collect();
        let meta = serde_json::json!({
            "input": args.pbf.display().to_string(),
            "mode": args.mode.id(),
            "seed": args.seed,
            "facilities": args.counts.0,
            "settlements": args.counts.1,
            "candidates": args.counts.2,
            "k": args.k,
            "limit_min": args.limit,
            "medreach": {
                "median_ms": median_ms,
                "times_ms": times,
                "suggest_median_ms": suggest_ms,
                "population_total": plan.population_total,
                "population_within_limit_before": plan.population_within_limit_before,
                "population_within_limit_after": plan.population_within_limit_after,
                "upper_bound_population": plan.upper_bound_population,
                "gap": plan.gap(),
                "proven_optimal": plan.proven_optimal,
                "chosen": chosen,
            },
        });
        if args.export {
            export(&args.out, &layers, &sites, args.mode, &speeds)?;
        }
        std::fs::create_dir_all(&args.out)
            .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
        let meta_path = args.out.join("meta.json");
        std::fs::write(&meta_path, format!("{meta:#}\n"))
            .map_err(|e| format!("cannot write {}: {e}", meta_path.display()))?;
        println!(
            "{}: {} mode, {} facilities, {} settlements, {} candidates, K = {}\n\
             MedReach from the layers: median {median_ms:.0} ms over {} runs, of which the \
             suggestion on the analysis {suggest_ms:.0} ms\n\
             within {} min: {:.0} -> {:.0} of {:.0}; proven bound {:.0} (gap {:.4} %{})",
            args.pbf.display(),
            args.mode.id(),
            args.counts.0,
            args.counts.1,
            args.counts.2,
            args.k,
            args.reps,
            args.limit,
            plan.population_within_limit_before,
            plan.population_within_limit_after,
            plan.population_total,
            plan.upper_bound_population.unwrap_or(f64::NAN),
            plan.gap().unwrap_or(f64::NAN) * 100.0,
            if plan.proven_optimal {
                ", proven optimal"
            } else {
                ""
            },
        );
        Ok(())
    }

    /// Writes the graph with every site attached, reversed, in CSR form, and the joins.
    fn export(
        dir: &Path,
        layers: &medreach::engine::model::Layers,
        sites: &[medreach::engine::crs::LonLat],
        mode: Mode,
        speeds: &SpeedTable,
    ) -> Result<(), String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let candidates: Vec<Candidate> = sites
            .iter()
            .map(|&at| Candidate { at, index: None })
            .collect();
        let all = with_sites(
            layers,
            &candidates,
            FacilityKind::MedicalServicePoint,
            false,
        );
        let reach = travel_times(&all, mode, speeds).ok_or("nothing to place")?;
        let Router::Network {
            graph,
            settlement_joins,
            facility_joins,
            ..
        } = &reach.router
        else {
            return Err("the benchmark needs roads".into());
        };
        let n = graph.node_count();
        let (mut indptr, mut indices, mut weights) = (vec![0i32], Vec::new(), Vec::new());
        for head in 0..n as u32 {
            for (tail, w) in graph.incoming(head) {
                indices.push(tail as i32);
                weights.push(w);
            }
            indptr.push(indices.len() as i32);
        }
        // A node per facility and site after the graph's, with arcs (reversed) to the nodes
        // it is reached from: facilities are attached to the graph, not nodes of it.
        for f in facility_joins {
            for (entry, w) in f.entries.iter() {
                indices.push(entry as i32);
                weights.push(w);
            }
            indptr.push(indices.len() as i32);
        }
        let write = |name: &str, descr: &str, count: usize, data: Vec<u8>| {
            let path = dir.join(format!("{name}.npy"));
            std::fs::write(&path, npy_bytes(descr, count, &data))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        let i4 = |v: &[i32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let f8 = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        write("indptr", "<i4", indptr.len(), i4(&indptr))?;
        write("indices", "<i4", indices.len(), i4(&indices))?;
        write("weights", "<f8", weights.len(), f8(&weights))?;
        let nodes = |joins: &[medreach::engine::routing::Join]| {
            joins.iter().map(|j| j.node as i32).collect::<Vec<i32>>()
        };
        let offroad = |joins: &[medreach::engine::routing::Join]| {
            joins.iter().map(|j| j.offroad_min).collect::<Vec<f64>>()
        };
        write(
            "settlement_node",
            "<i4",
            settlement_joins.len(),
            i4(&nodes(settlement_joins)),
        )?;
        write(
            "settlement_offroad",
            "<f8",
            settlement_joins.len(),
            f8(&offroad(settlement_joins)),
        )?;
        let population: Vec<f64> = layers.settlements.iter().map(|s| s.population).collect();
        write("population", "<f8", population.len(), f8(&population))?;
        let facility_node: Vec<i32> = (0..facility_joins.len()).map(|f| (n + f) as i32).collect();
        write(
            "facility_node",
            "<i4",
            facility_node.len(),
            i4(&facility_node),
        )?;
        let facility_offroad: Vec<f64> = facility_joins.iter().map(|f| f.offroad_min).collect();
        write(
            "facility_offroad",
            "<f8",
            facility_offroad.len(),
            f8(&facility_offroad),
        )?;
        Ok(())
    }
}
