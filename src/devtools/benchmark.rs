//! The benchmarks, one timing for every caller (the native example `examples/bench_route.rs`
//! that `scripts/bench.sh` compares with scipy, igraph and networkx; `medreach synthetic`; the
//! page's timing view in WebAssembly). Each caller brings its own clock, in milliseconds.
//!
//! - The nearest-facility pass ([`time_pass`]): facilities on distinct road nodes drawn with a
//!   fixed-seed generator from the nodes in road order, each starting at 0 minutes with its
//!   draw order as its label, so the search is exactly a multi-source Dijkstra from those
//!   nodes; the first run's checksum, then every run timed and checked against it.
//! - A synthetic network checked end to end ([`time_synthetic`]): the time of each stage.

use super::random::SplitMix64;
use crate::app::analysis::Analysis;
use crate::app::options::{AnalysisError, Options};
use crate::engine::network::{NodeId, RoadNetwork, RoutingGraph};
use crate::engine::progress::{Progress, Stage};
use crate::engine::report::Report;
use crate::engine::routing::{nearest_origin, Origin};

/// The default seed of the facility draw.
pub const SEED: u64 = 20240601;
/// The default number of facilities.
pub const FACILITIES: usize = 30;

/// The network's nodes in the order they first appear along its segments (each segment's
/// start, then its end). The facility draw picks from this list, so it stays the same problem
/// however the network numbers its nodes.
pub fn nodes_in_road_order(network: &RoadNetwork) -> Vec<NodeId> {
    let mut seen = vec![false; network.nodes.len()];
    let mut order = Vec::with_capacity(network.nodes.len());
    for s in &network.segments {
        for n in [s.a, s.b] {
            if !std::mem::replace(&mut seen[n as usize], true) {
                order.push(n);
            }
        }
    }
    order
}

/// `count` distinct nodes of `candidates` drawn with `seed` (SplitMix64, each draw an index
/// into `candidates` modulo its length, repeats skipped), as origins labelled by draw order.
/// `None` when there are fewer candidates than facilities.
pub fn seeded_origins(candidates: &[NodeId], count: usize, seed: u64) -> Option<Vec<Origin>> {
    if candidates.len() < count {
        return None;
    }
    let mut rng = SplitMix64(seed);
    let mut picked: Vec<NodeId> = Vec::with_capacity(count);
    while picked.len() < count {
        let node = candidates[rng.below(candidates.len() as u64) as usize];
        if !picked.contains(&node) {
            picked.push(node);
        }
    }
    Some(
        picked
            .into_iter()
            .enumerate()
            .map(|(i, node)| Origin {
                node,
                minutes: 0.0,
                label: i as u32,
            })
            .collect(),
    )
}

/// FNV-1a over the bytes of a result taken in the order of `nodes` (every minute's bits, then
/// every label, little-endian): equal checksums mean bit-identical results, across runs,
/// builds and targets. With [`nodes_in_road_order`] it does not depend on how the network
/// numbers its nodes.
pub fn checksum(minutes: &[f64], labels: &[u32], nodes: &[NodeId]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = nodes
        .iter()
        .flat_map(|&n| minutes[n as usize].to_bits().to_le_bytes())
        .chain(nodes.iter().flat_map(|&n| labels[n as usize].to_le_bytes()));
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The value after `name` among a benchmark's command-line `args` (`--reps 7`), if given.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The median of `v` (sorted in place); 0 when empty.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The nearest-facility pass timed: its result, the checksum every run matched, and each
/// run's time.
#[derive(Clone, Debug)]
pub struct PassTiming {
    /// Every node's minutes to its nearest facility (the first run's).
    pub minutes: Vec<f64>,
    /// Every node's nearest facility label (the first run's).
    pub labels: Vec<u32>,
    /// The origins searched from (the drawn facilities).
    pub origins: Vec<Origin>,
    /// [`checksum`] of the result over the nodes in road order.
    pub checksum: u64,
    /// Each timed run, ms.
    pub times_ms: Vec<f64>,
}

impl PassTiming {
    /// The median run, ms.
    pub fn median_ms(&self) -> f64 {
        median(&mut self.times_ms.clone())
    }

    /// The fastest run, ms.
    pub fn min_ms(&self) -> f64 {
        self.times_ms.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

/// Times [`nearest_origin`] on `graph` from `facilities` nodes of `network` drawn with `seed`
/// ([`seeded_origins`] over [`nodes_in_road_order`]): one run for the checksum, then `reps`
/// timed runs with `now` (ms), each checked to give the same bits.
pub fn time_pass(
    network: &RoadNetwork,
    graph: &RoutingGraph,
    facilities: usize,
    seed: u64,
    reps: usize,
    now: &mut dyn FnMut() -> f64,
) -> Result<PassTiming, String> {
    let order = nodes_in_road_order(network);
    let origins = seeded_origins(&order, facilities, seed)
        .ok_or_else(|| format!("too few road nodes for {facilities} facilities"))?;
    let (minutes, labels) = nearest_origin(graph, &origins);
    let sum = checksum(&minutes, &labels, &order);
    let mut times_ms = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let t = now();
        let r = nearest_origin(std::hint::black_box(graph), std::hint::black_box(&origins));
        times_ms.push(now() - t);
        if checksum(&r.0, &r.1, &order) != sum {
            return Err("nearest_origin is not deterministic".into());
        }
    }
    Ok(PassTiming {
        minutes,
        labels,
        origins,
        checksum: sum,
        times_ms,
    })
}

/// A synthetic network generated and checked end to end, timed.
#[derive(Debug)]
pub struct SyntheticTiming {
    /// Roads, facilities, settlements and admin units generated.
    pub generated: [usize; 4],
    /// The analysis (network, travel times, hierarchy).
    pub analysis: Analysis,
    /// The report at the asked limit.
    pub report: Report,
    /// Each stage's time, ms, in order: `generate`, the engine's stages (`building`,
    /// `joining`, `routing`, `summarising`) and `report`.
    pub stage_ms: Vec<(&'static str, f64)>,
    /// The whole run, ms.
    pub total_ms: f64,
}

/// Generates the synthetic network of about `junctions` junctions with `seed`
/// ([`crate::devtools::synthetic::generate`]) and checks it with `options`, timing each stage
/// with `now` (ms); each stage runs until the next starts. `progress` hears the engine's
/// stages as they go.
pub fn time_synthetic(
    junctions: usize,
    seed: u64,
    options: &Options,
    now: &mut dyn FnMut() -> f64,
    progress: Progress,
) -> Result<SyntheticTiming, AnalysisError> {
    let start = now();
    let mut last = start;
    let mut stage_ms: Vec<(&'static str, f64)> = Vec::new();
    let layers = super::synthetic::generate(junctions, seed);
    let t = now();
    stage_ms.push(("generate", t - last));
    last = t;
    let generated = [
        layers.roads.len(),
        layers.facilities.len(),
        layers.settlements.len(),
        layers.admin.len(),
    ];
    let mut current: Option<Stage> = None;
    let analysis = Analysis::run_layers(
        layers,
        vec!["synthetic".to_string()],
        options.mode,
        &options.speeds,
        &mut |stage, done, total| {
            if current != Some(stage) {
                let t = now();
                if let Some(previous) = current {
                    stage_ms.push((previous.id(), t - last));
                }
                last = t;
                current = Some(stage);
            }
            progress(stage, done, total);
        },
    )?;
    if let Some(stage) = current {
        let t = now();
        stage_ms.push((stage.id(), t - last));
        last = t;
    }
    let report = analysis.report(options.limit_min, &options.rules);
    let t = now();
    stage_ms.push(("report", t - last));
    Ok(SyntheticTiming {
        generated,
        analysis,
        report,
        stage_ms,
        total_ms: t - start,
    })
}

/// The site-suggestion benchmark's instance on `roads`: `facilities` village clinics,
/// `settlements` settlements of 30–1,650 residents and `candidates` candidate sites, each at a
/// point of a usable segment of `mode`'s network (drawn with SplitMix64 from `seed`: a segment,
/// a position along it) moved up to 80 m off it. Returns the layers and the candidates.
pub fn planning_instance(
    roads: Vec<crate::engine::model::Road>,
    mode: crate::engine::network::Mode,
    seed: u64,
    (facilities, settlements, candidates): (usize, usize, usize),
) -> Option<(
    crate::engine::model::Layers,
    Vec<crate::engine::crs::LonLat>,
)> {
    use crate::engine::crs::{LonLat, Projector, Xy};
    use crate::engine::model::{Facility, FacilityKind, Layers, Settlement, Source};
    use crate::engine::network::SpeedTable;
    let mut layers = Layers {
        roads,
        ..Layers::default()
    };
    let zone = crate::engine::routing::zone_for(&layers)?;
    let projector = Projector::new(zone);
    let network = RoadNetwork::build(&layers.roads, mode, &SpeedTable::default(), &projector);
    if network.is_empty() {
        return None;
    }
    let mut rng = SplitMix64(seed);
    let place = |rng: &mut SplitMix64| -> LonLat {
        let s = network.segments[rng.below(network.segments.len() as u64) as usize];
        let (a, b) = (network.nodes[s.a as usize], network.nodes[s.b as usize]);
        let t = rng.unit();
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy).max(1e-9);
        let off = (rng.unit() * 2.0 - 1.0) * 80.0;
        projector.unproject(Xy {
            x: a.x + t * dx - dy / len * off,
            y: a.y + t * dy + dx / len * off,
        })
    };
    let source = |i: usize| Source {
        file: 0,
        feature: i as u32,
    };
    layers.facilities = (0..facilities)
        .map(|i| {
            Facility::of_kind(
                source(i),
                Some(format!("clinic {i}")),
                FacilityKind::VillageClinic,
                place(&mut rng),
            )
        })
        .collect();
    layers.settlements = (0..settlements)
        .map(|i| Settlement {
            source: source(i),
            name: None,
            population: (30 + rng.below(1_621)) as f64,
            at: place(&mut rng),
            admin_code: None,
        })
        .collect();
    let sites = (0..candidates).map(|_| place(&mut rng)).collect();
    Some((layers, sites))
}

/// A NumPy `.npy` file (version 1.0) holding `count` values of dtype `descr` (e.g. `<f8`)
/// whose little-endian bytes are `data`.
pub fn npy_bytes(descr: &str, count: usize, data: &[u8]) -> Vec<u8> {
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({count},), }}");
    // Magic (6) + version (2) + header length (2) + dict + padding + '\n' ≡ 0 mod 64.
    let unpadded = 10 + dict.len() + 1;
    let header = format!("{dict}{}\n", " ".repeat((64 - unpadded % 64) % 64));
    let mut bytes = Vec::with_capacity(10 + header.len() + data.len());
    bytes.extend_from_slice(b"\x93NUMPY\x01\x00");
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// The travel-time surface of an analysis and its isochrones, timed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceTiming {
    /// Cells of the grid.
    pub cells: usize,
    /// The surface, ms.
    pub surface_ms: f64,
    /// The isochrones of the default bands, ms.
    pub isochrones_ms: f64,
}

/// Times the surface of `analysis` at `cell_m` and its isochrones with `now` (ms).
pub fn time_surface(
    analysis: &Analysis,
    cell_m: f64,
    now: &mut dyn FnMut() -> f64,
) -> Result<SurfaceTiming, crate::engine::surface::GridError> {
    use crate::engine::surface::{isochrones, Surface, DEFAULT_BANDS};
    let t = now();
    let s = Surface::compute(&analysis.layers, &analysis.reach, cell_m, &mut |_, _, _| {})?;
    let surface_ms = now() - t;
    let t = now();
    let bands = isochrones::isochrones(&s.grid, &s.minutes, &DEFAULT_BANDS);
    let isochrones_ms = now() - t;
    debug_assert_eq!(bands.len(), DEFAULT_BANDS.len());
    Ok(SurfaceTiming {
        cells: s.grid.len(),
        surface_ms,
        isochrones_ms,
    })
}

/// A site suggestion timed: from the layers (network, joins, baseline, then the suggestion)
/// and the suggestion alone on the analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanTiming {
    /// From the layers to the plan, ms.
    pub from_layers_ms: f64,
    /// The suggestion on the analysis, ms.
    pub suggest_ms: f64,
    /// What it suggested.
    pub plan: crate::engine::planning::Plan,
}

/// Suggests `k` sites among `sites` for `layers` in `mode` within 15 minutes (maximal
/// covering), timed with `now` (ms).
pub fn time_plan(
    layers: &crate::engine::model::Layers,
    sites: Vec<crate::engine::crs::LonLat>,
    mode: crate::engine::network::Mode,
    k: usize,
    now: &mut dyn FnMut() -> f64,
) -> Result<PlanTiming, String> {
    use crate::engine::planning::{suggest, CandidateSource, Objective, PlanRequest};
    let request = PlanRequest {
        objective: Objective::MaxCovering { k },
        limit_min: 15.0,
        kind: crate::engine::model::FacilityKind::MedicalServicePoint,
        candidates: CandidateSource::Given(sites),
    };
    let t0 = now();
    let reach = crate::engine::routing::travel_times(
        layers,
        mode,
        &crate::engine::network::SpeedTable::default(),
    )
    .ok_or("nothing to place")?;
    let t1 = now();
    let plan = suggest(layers, &reach, &request, &mut |_, _, _| {}).map_err(|e| e.to_string())?;
    let t2 = now();
    Ok(PlanTiming {
        from_layers_ms: t2 - t0,
        suggest_ms: t2 - t1,
        plan,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_distinct_deterministic_and_labelled_in_order() {
        let candidates: Vec<NodeId> = (0..100).map(|i| 1000 - 7 * i).collect();
        let a = seeded_origins(&candidates, 30, SEED).unwrap();
        assert_eq!(a, seeded_origins(&candidates, 30, SEED).unwrap());
        assert!(a.iter().all(|o| candidates.contains(&o.node)));
        let mut nodes: Vec<u32> = a.iter().map(|o| o.node).collect();
        nodes.sort();
        nodes.dedup();
        assert_eq!(nodes.len(), 30);
        assert!(a.iter().enumerate().all(|(i, o)| o.label == i as u32));
        assert!(seeded_origins(&candidates[..10], 30, SEED).is_none());
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
