//! The web worker: the same WebAssembly module as the page, started by `client.rs` in a
//! dedicated worker. It holds a [`Session`] and answers the page's messages one at a time,
//! posting progress as it goes; the page's main thread never runs the engine.

use super::protocol::{
    envelope, from_buffer, open, to_buffer, transfer_list, FromWorker, Memory, ToWorker,
};
use crate::app::jobs::Demo;
use crate::app::session::{InputFile, Session};
use crate::engine::progress::Stage;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::new());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now_ms() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or_default()
}

fn post(message: &FromWorker, buffers: &[js_sys::ArrayBuffer]) {
    let data = envelope(message, buffers);
    let _ = scope().post_message_with_transfer(&data, &transfer_list(&data));
}

/// Starts listening; called by `main` when the module runs in a worker.
pub fn listen() {
    std::panic::set_hook(Box::new(|info| {
        post(
            &FromWorker::Panic {
                message: info.to_string(),
            },
            &[],
        );
    }));
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
            match open::<ToWorker>(&ev.data()) {
                Ok((message, buffers)) => handle(message, buffers),
                Err(e) => post(
                    &FromWorker::Panic {
                        message: format!("unreadable message: {e}"),
                    },
                    &[],
                ),
            }
        });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromWorker::Ready, &[]);
}

/// Reports progress to the page (at most every 50 ms, and at every new stage) and keeps the
/// time spent in each stage.
struct Reporter {
    stage: Option<Stage>,
    stage_start: f64,
    last_post: f64,
    timings: Vec<(Stage, f64)>,
}

impl Reporter {
    fn new() -> Reporter {
        Reporter {
            stage: None,
            stage_start: now_ms(),
            last_post: 0.0,
            timings: Vec::new(),
        }
    }

    fn report(&mut self, stage: Stage, done: u64, total: u64) {
        let now = now_ms();
        if self.stage != Some(stage) {
            self.close(now);
            self.stage = Some(stage);
            self.stage_start = now;
        } else if now - self.last_post < 50.0 {
            return;
        }
        self.last_post = now;
        post(&FromWorker::Progress { stage, done, total }, &[]);
    }

    fn close(&mut self, now: f64) {
        if let Some(s) = self.stage.take() {
            self.timings.push((s, now - self.stage_start));
        }
    }

    fn finish(mut self) -> Vec<(Stage, f64)> {
        self.close(now_ms());
        self.timings
    }
}

fn memory() -> Memory {
    super::memory::figures()
}

fn handle(message: ToWorker, buffers: Vec<js_sys::ArrayBuffer>) {
    match message {
        ToWorker::Init { memory_limit_mb } => {
            if let Some(mb) = memory_limit_mb.filter(|m| m.is_finite() && *m > 0.0) {
                super::memory::LIMIT.store(
                    (mb * 1024.0 * 1024.0) as usize,
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
        }
        ToWorker::Demo(Demo::Synthetic(junctions)) => {
            let mut r = Reporter::new();
            SESSION.with(|s| {
                s.borrow_mut().load_generated(
                    &format!("synthetic-{junctions}"),
                    crate::devtools::synthetic::generate(junctions as usize, 1),
                    &mut |st, d, t| r.report(st, d, t),
                )
            });
            send_data(Vec::new(), r);
        }
        ToWorker::Demo(demo) => {
            let files = demo_files(demo);
            load(files, true);
        }
        ToWorker::Load { names, replace } => {
            let files = names
                .into_iter()
                .zip(&buffers)
                .map(|(name, b)| InputFile {
                    name,
                    bytes: from_buffer(b),
                })
                .collect();
            drop(buffers);
            load(files, replace);
        }
        ToWorker::Reread {
            file,
            choice,
            replace,
        } => {
            let mut r = Reporter::new();
            let problems = SESSION.with(|s| {
                s.borrow_mut()
                    .reread(&file, choice, replace, &mut |st, d, t| r.report(st, d, t))
            });
            send_data(problems, r);
        }
        ToWorker::Resume(work) => {
            let mut r = Reporter::new();
            let problems = SESSION.with(|s| {
                s.borrow_mut()
                    .resume(&work, &mut |st, d, t| r.report(st, d, t))
            });
            send_data(problems, r);
        }
        ToWorker::Floor(m2) => {
            let mut r = Reporter::new();
            let outcome = SESSION.with(|s| {
                s.borrow_mut()
                    .set_floor_area(m2, &mut |st, d, t| r.report(st, d, t))
            });
            send_data(outcome.err().into_iter().collect(), r);
        }
        ToWorker::Run {
            id,
            mode,
            limit_min,
            rules,
            cell_m,
            speeds,
        } => {
            SESSION.with(|s| s.borrow_mut().set_speeds(speeds));
            run(id, mode, limit_min, &rules, cell_m)
        }
        ToWorker::Edit(ask) => edit(&ask),
        ToWorker::Access(ask) => access(&ask),
        ToWorker::Plan(ask) => {
            let bytes = buffers.first().map(from_buffer);
            drop(buffers);
            let mut r = Reporter::new();
            let result = SESSION.with(|s| {
                s.borrow_mut()
                    .plan(&ask, bytes.as_deref(), &mut |st, d, t| r.report(st, d, t))
            });
            post(
                &FromWorker::Planned {
                    result: result.map(Box::new),
                    memory: memory(),
                },
                &[],
            );
        }
        ToWorker::Bench { reps } => {
            let bytes = buffers.first().map(from_buffer).unwrap_or_default();
            drop(buffers);
            let lines = bench(&bytes, reps).unwrap_or_else(|e| vec![format!("error: {e}")]);
            post(
                &FromWorker::Timing {
                    lines,
                    memory: memory(),
                },
                &[],
            );
        }
        ToWorker::Synthetic { junctions } => {
            let lines = synthetic(junctions);
            post(
                &FromWorker::Timing {
                    lines,
                    memory: memory(),
                },
                &[],
            );
        }
    }
}

/// Makes a what-if edit (or undo, redo, a plan) and posts the data as they now are; a refusal
/// is in the summary (`edit_refused`), shown beside the edits.
fn edit(ask: &crate::app::editing::EditAsk) {
    let outcome = SESSION.with(|s| s.borrow_mut().edit(ask));
    drop(outcome);
    let summary = SESSION.with(|s| s.borrow().summary());
    post(
        &FromWorker::Data {
            summary,
            problems: Vec::new(),
            timings: Vec::new(),
            memory: memory(),
        },
        &[],
    );
}

/// Computes capacity-limited coverage and posts it, or why there is none.
fn access(ask: &crate::app::access_view::AccessAsk) {
    let mut r = Reporter::new();
    let result = SESSION.with(|s| {
        s.borrow_mut()
            .access(ask, &mut |st, d, t| r.report(st, d, t))
    });
    post(
        &FromWorker::Accessed {
            result: result.map(Box::new),
            memory: memory(),
        },
        &[],
    );
}

/// Computes run `id`'s report (and map) and posts it, then the surface when it changed.
fn run(
    id: u64,
    mode: crate::engine::network::Mode,
    limit_min: f64,
    rules: &crate::engine::rules::RuleParams,
    cell_m: f64,
) {
    let mut r = Reporter::new();
    let outcome = SESSION.with(|s| {
        s.borrow_mut()
            .run(mode, limit_min, rules, &mut |st, d, t| r.report(st, d, t))
    });
    match outcome {
        Ok(out) => {
            let buffers: Vec<js_sys::ArrayBuffer> =
                out.scene.iter().map(|s| to_buffer(&s.encode())).collect();
            post(
                &FromWorker::Result {
                    id,
                    report: Box::new(out.report),
                    scene: !buffers.is_empty(),
                    timings: r.finish(),
                    memory: memory(),
                    graph_nodes: out.graph_nodes,
                    comparison: out.comparison.map(Box::new),
                },
                &buffers,
            );
            // The surface follows the report, so the map and the figures never wait
            // for it; only when the data, the mode or the cell size changed.
            send_surface(mode, cell_m);
        }
        Err(error) => post(&FromWorker::Failed { id, error }, &[]),
    }
}

/// Computes and sends the surface of `mode` at `cell_m` when it changed since the last sent.
fn send_surface(mode: crate::engine::network::Mode, cell_m: f64) {
    let mut r = Reporter::new();
    let update = SESSION.with(|s| {
        s.borrow_mut()
            .surface_update(mode, cell_m, &mut |st, d, t| r.report(st, d, t))
    });
    match update {
        Some(Ok((info, minutes))) => post(
            &FromWorker::Surface { surface: Ok(info) },
            &[f32_buffer(&minutes)],
        ),
        Some(Err(why)) => post(&FromWorker::Surface { surface: Err(why) }, &[]),
        None => {}
    }
}

/// `f32`s as a little-endian `ArrayBuffer`.
fn f32_buffer(values: &[f32]) -> js_sys::ArrayBuffer {
    js_sys::Float32Array::from(values).buffer()
}

fn demo_files(demo: Demo) -> Vec<InputFile> {
    InputFile::texts(&demo.files())
}

fn load(files: Vec<InputFile>, replace: bool) {
    let mut r = Reporter::new();
    let problems = SESSION.with(|s| {
        s.borrow_mut()
            .load(files, replace, &mut |st, d, t| r.report(st, d, t))
    });
    send_data(problems, r);
}

/// Tells the page what is loaded now.
fn send_data(problems: Vec<crate::app::session::Bilingual>, r: Reporter) {
    let summary = SESSION.with(|s| s.borrow().summary());
    post(
        &FromWorker::Data {
            summary,
            problems,
            timings: r.finish(),
            memory: memory(),
        },
        &[],
    );
}

/// The nearest-facility pass of `scripts/bench.sh` (drive, 30 seeded facilities) on the
/// extract in `bytes`, timed here in WebAssembly.
fn bench(bytes: &[u8], reps: u32) -> Result<Vec<String>, String> {
    use crate::devtools::benchmark::{time_pass, FACILITIES, SEED};
    use crate::engine::crs::Projector;
    use crate::engine::io::osm::{read_osm_pbf, OsmOptions};
    use crate::engine::network::{Mode, RoadNetwork, SpeedTable};
    use crate::engine::routing::zone_for;
    let t = now_ms();
    let layers = read_osm_pbf(bytes, &OsmOptions::default(), 0)
        .map_err(|e| e.to_string())?
        .layers;
    let read_ms = now_ms() - t;
    let t = now_ms();
    let zone = zone_for(&layers).ok_or("nothing to place in the extract")?;
    let network = RoadNetwork::build(
        &layers.roads,
        Mode::Drive,
        &SpeedTable::default(),
        &Projector::new(zone),
    );
    let (graph, _) = network.routing_graph(&[]);
    let build_ms = now_ms() - t;
    let pass = time_pass(
        &network,
        &graph,
        FACILITIES,
        SEED,
        reps as usize,
        &mut now_ms,
    )?;
    let mut lines = vec![
        format!("nodes: {}", graph.node_count()),
        format!("arcs: {}", graph.arc_count()),
        format!("read_ms: {read_ms:.1}"),
        format!("build_ms: {build_ms:.1}"),
        format!("pass_median_ms: {:.3}", pass.median_ms()),
        format!("pass_min_ms: {:.3}", pass.min_ms()),
        format!("reps: {}", pass.times_ms.len()),
    ];
    lines.extend(plan_and_surface(layers.roads));
    // Last: the page waits for this line.
    lines.push(format!("checksum: {:016x}", pass.checksum));
    Ok(lines)
}

/// The site-suggestion benchmark (walking, 30 clinics, 20,000 settlements, 2,000 candidates,
/// K = 10) and the walking surface at 100 m, on the extract's roads, timed here.
fn plan_and_surface(roads: Vec<crate::engine::model::Road>) -> Vec<String> {
    use crate::devtools::benchmark::{planning_instance, time_plan, time_surface, SEED};
    use crate::engine::network::Mode;
    let Some((layers, sites)) = planning_instance(roads, Mode::Walk, SEED, (30, 20_000, 2_000))
    else {
        return vec!["plan_error: no usable road".into()];
    };
    let mut lines = Vec::new();
    match time_plan(&layers, sites, Mode::Walk, 10, &mut now_ms) {
        Ok(t) => lines.extend([
            "plan_candidates: 2000".to_string(),
            format!("plan_suggest_ms: {:.0}", t.suggest_ms),
            format!("plan_from_layers_ms: {:.0}", t.from_layers_ms),
            format!(
                "plan_gap_pct: {:.4}",
                t.plan.gap().unwrap_or(f64::NAN) * 100.0
            ),
            format!("plan_after: {:.0}", t.plan.population_within_limit_after),
        ]),
        Err(e) => lines.push(format!("plan_error: {e}")),
    }
    let analysis = crate::app::analysis::Analysis::run_layers(
        layers,
        Vec::new(),
        Mode::Walk,
        &crate::engine::network::SpeedTable::default(),
        &mut |_, _, _| {},
    );
    match analysis
        .map_err(|e| e.to_string())
        .and_then(|a| time_surface(&a, 100.0, &mut now_ms).map_err(|e| e.to_string()))
    {
        Ok(t) => lines.extend([
            format!("surface_100m_cells: {}", t.cells),
            format!("surface_100m_ms: {:.0}", t.surface_ms),
            format!("surface_100m_isochrones_ms: {:.0}", t.isochrones_ms),
        ]),
        Err(e) => lines.push(format!("surface_error: {e}")),
    }
    lines
}

/// A synthetic network ([`crate::devtools::synthetic`]) generated and checked end to end here, with
/// the time of each stage and the memory per junction (what `medreach synthetic` measures
/// natively).
fn synthetic(junctions: usize) -> Vec<String> {
    use crate::app::options::Options;
    use crate::engine::network::Mode;
    let options = Options {
        mode: Mode::Drive,
        ..Options::default()
    };
    let mut r = Reporter::new();
    let run = crate::devtools::benchmark::time_synthetic(
        junctions,
        1,
        &options,
        &mut now_ms,
        &mut |st, d, t| r.report(st, d, t),
    );
    let run = match run {
        Ok(run) => run,
        Err(e) => return vec![format!("error: {e}")],
    };
    let (analysis, report) = (&run.analysis, &run.report);
    let [roads, facilities, settlements, _] = run.generated;
    let nodes = analysis.reach.network.nodes.len().max(1);
    let m = memory();
    let mut lines = vec![
        format!("junctions_requested: {junctions}"),
        format!("junctions: {}", analysis.reach.network.nodes.len()),
        format!("segments: {}", analysis.reach.network.segments.len()),
        format!("roads: {roads}"),
        format!("facilities: {facilities}"),
        format!("settlements: {settlements}"),
    ];
    lines.extend(
        run.stage_ms
            .iter()
            .map(|(stage, ms)| format!("{stage}_ms: {ms:.0}")),
    );
    match crate::devtools::benchmark::time_surface(analysis, 50.0, &mut now_ms) {
        Ok(t) => lines.extend([
            format!("surface_50m_cells: {}", t.cells),
            format!("surface_50m_ms: {:.0}", t.surface_ms),
            format!(
                "surface_50m_cells_per_s: {:.0}",
                t.cells as f64 / (t.surface_ms / 1000.0)
            ),
            format!("surface_50m_isochrones_ms: {:.0}", t.isochrones_ms),
        ]),
        Err(e) => lines.push(format!("surface_error: {e}")),
    }
    lines.extend([
        format!("total_s: {:.2}", run.total_ms / 1000.0),
        format!("wasm_memory_mb: {:.0}", m.wasm_bytes / 1048576.0),
        format!("peak_heap_mb: {:.0}", m.peak_heap_bytes / 1048576.0),
        format!("bytes_per_junction: {:.0}", m.wasm_bytes / nodes as f64),
        format!(
            "peak_heap_bytes_per_junction: {:.0}",
            m.peak_heap_bytes / nodes as f64
        ),
        format!(
            "share_within_15_min_drive: {:.4}",
            report.summary.share_within_limit.unwrap_or(f64::NAN)
        ),
    ]);
    lines
}
