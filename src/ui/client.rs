//! The page's side of the engine: starts the web worker (the same module, see `worker.rs`),
//! sends it the jobs that [`crate::app::jobs::Jobs`] decides on, turns its answers into
//! state, and survives its end. What happens on each answer, on a cancel or on the worker's
//! end is decided there, in plain Rust; this file carries out its commands with the Worker and
//! the page's signals.

use super::protocol::{envelope, from_buffer, open, FromWorker, ToWorker};
use super::state::{query_value, AppState, Busy, Shared, SurfaceLayer};
use crate::app::jobs::{self, Command, Demo, Jobs, Loaded, Notice, RunKey};
use crate::app::scene::Scene;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
}

/// Work for the worker; files are kept as the page read them.
pub type Job = jobs::Job<js_sys::ArrayBuffer>;

struct Client {
    state: AppState,
    worker: Option<web_sys::Worker>,
    /// Bumped for every worker, so a dead worker's late messages are ignored.
    generation: u64,
    jobs: Jobs<js_sys::ArrayBuffer>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn with_client<R>(f: impl FnOnce(&mut Client) -> R) -> Option<R> {
    CLIENT.with(|c| c.borrow_mut().as_mut().map(f))
}

/// Starts the engine for `state`, showing the demo it names (`?memory_limit_mb=` sets the
/// engine's limit), and asks for the report whenever the data or a setting changes.
pub fn start(state: AppState) {
    let demo = state.which_demo.get_untracked();
    let memory_limit_mb = query_value("memory_limit_mb").and_then(|v| v.parse().ok());
    CLIENT.with(|c| {
        *c.borrow_mut() = Some(Client {
            state,
            worker: None,
            generation: 0,
            jobs: Jobs::new(demo, memory_limit_mb),
        })
    });
    with_client(|c| c.spawn());
    // The work kept by an earlier visit comes back; else the demo shows.
    spawn_local(async move {
        match super::autosave::read().await {
            Ok(Some(found)) => resume_kept(state, found, demo),
            found => {
                if let Err(note) = found {
                    state.storage_note.set(Some(note));
                }
                submit(Job::Demo {
                    demo,
                    restore: false,
                });
            }
        }
        super::autosave::enable(
            std::rc::Rc::new(saved_now),
            std::rc::Rc::new(move |note| state.storage_note.set(note)),
        );
    });
    // A changed setting is kept (once the engine is idle).
    Effect::new(move |_| {
        state.mode.track();
        state.limit.track();
        state.rules.track();
        state.cell_m.track();
        state.speeds.track();
        super::autosave::schedule();
    });
    // The engine re-runs only what changed.
    Effect::new(move |_| {
        let key = RunKey {
            epoch: state.epoch.get(),
            mode: state.mode.get(),
            limit: state.limit.get(),
            rules: state.rules.get(),
            cell_m: state.cell_m.get(),
            speeds: state.speeds.get(),
        };
        if key.epoch == 0 || state.requested.with_untracked(|r| r.as_ref() == Some(&key)) {
            return;
        }
        state.requested.set(Some(key.clone()));
        submit(Job::Run(key));
    });
}

/// Shows the work kept by an earlier visit: its settings, then its data and work as jobs
/// (`demo` when none of its files was kept), with a notice.
fn resume_kept(state: AppState, found: super::autosave::Found, demo: Demo) {
    use crate::app::saved::Saved;
    let saved = found.saved;
    let names: Vec<String> = found.files.iter().map(|(n, _)| n.clone()).collect();
    let settings = &saved.settings;
    state.mode.set(settings.mode);
    state.limit.set(settings.limit);
    state.rules.set(settings.rules.clone());
    state.cell_m.set(settings.cell_m);
    state.speeds.set(settings.speeds.clone());
    let date = js_sys::Date::new(&saved.saved_at_ms.into());
    let when = format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    );
    state
        .restored
        .set(Some(Saved::restored_text(&when, &saved.missing(&names))));
    for job in saved.jobs(found.files, demo) {
        submit(job);
    }
}

/// The work to keep now (none while the engine is busy: the record would describe a
/// half-done change), with the files' bytes.
fn saved_now() -> Option<(crate::app::saved::Saved, Vec<(String, js_sys::ArrayBuffer)>)> {
    with_client(|c| {
        if c.jobs.is_busy() {
            return None;
        }
        let s = c.state;
        let (data, files, work) = c.jobs.saved_data();
        let saved = crate::app::saved::Saved {
            format: crate::app::saved::FORMAT,
            saved_at_ms: js_sys::Date::now(),
            data,
            settings: crate::app::saved::Settings {
                mode: s.mode.get_untracked(),
                limit: s.limit.get_untracked(),
                rules: s.rules.get_untracked(),
                cell_m: s.cell_m.get_untracked(),
                speeds: s.speeds.get_untracked(),
            },
            work: work.clone(),
        };
        Some((saved, files))
    })
    .flatten()
}

/// Queues `job` (a run replaces a queued run).
pub fn submit(job: Job) {
    with_client(|c| {
        let commands = c.jobs.submit(job);
        c.apply(commands, None);
    });
}

/// Stops the work in progress and everything queued; the page keeps what it shows.
pub fn cancel() {
    with_client(|c| {
        let commands = c.jobs.cancel();
        c.apply(commands, None);
    });
}

/// Shows a demo, replacing whatever is loaded.
pub fn show_demo(state: &AppState, demo: Demo) {
    state.load_errors.set(Vec::new());
    submit(Job::Demo {
        demo,
        restore: false,
    });
}

/// A what-if edit (or undo, redo, a plan file) for the engine.
pub fn edit(ask: crate::app::editing::EditAsk) {
    submit(Job::Edit(ask));
}

/// Capacity-limited coverage for the engine to compute.
pub fn access(ask: crate::app::access_view::AccessAsk) {
    submit(Job::Access(ask));
}

/// Another floor area per resident for the extracts' building estimate.
pub fn set_floor_area(m2: f64) {
    submit(Job::Floor { m2, restore: false });
}

/// Reads the files and hands them to the engine: the first user load replaces the demo; a
/// file that fails leaves what was loaded untouched and is reported.
pub fn load_file_list(state: &AppState, list: web_sys::FileList) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    if files.is_empty() {
        return;
    }
    // A file larger than the tab can hold is refused before it is read (a quarter of a memory
    // limit set for tests, `?memory_limit_mb=`).
    let limit = query_value("memory_limit_mb")
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(crate::app::session::MAX_FILE_BYTES, |mb| {
            mb * 1_048_576.0 / 4.0
        });
    let sizes: Vec<(String, f64)> = files.iter().map(|f| (f.name(), f.size())).collect();
    if let Some(problem) = crate::app::session::too_large(&sizes, limit) {
        state.load_errors.set(vec![problem]);
        return;
    }
    let state = *state;
    spawn_local(async move {
        let mut names = Vec::with_capacity(files.len());
        let mut buffers = Vec::with_capacity(files.len());
        let mut errors = Vec::new();
        // Every file's reading begun at once, so the browser reads them side by side (each
        // awaited from the start, so a file that fails early is not an unhandled rejection).
        let reading: Vec<(String, JsFuture)> = files
            .iter()
            .map(|f| (f.name(), JsFuture::from(f.array_buffer())))
            .collect();
        for (name, read) in reading {
            match read.await {
                Ok(b) => {
                    names.push(name);
                    buffers.push(b.unchecked_into::<js_sys::ArrayBuffer>());
                }
                Err(e) => errors.push(unreadable(&name, e)),
            }
        }
        state.load_errors.set(errors);
        if !names.is_empty() {
            submit(Job::Load {
                names,
                buffers,
                replace: state.demo.get_untracked(),
                restore: false,
            });
        }
    });
}

fn unreadable(name: &str, e: JsValue) -> crate::app::session::Bilingual {
    let detail = e
        .dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default();
    crate::app::session::Bilingual {
        en: format!("{name}: cannot read the file: {detail}"),
        zh: format!("{name}：无法读取文件（{detail}）"),
    }
}

impl Client {
    fn spawn(&mut self) {
        self.generation += 1;
        let generation = self.generation;
        // This module's own URL; Trunk names its wasm `<module name>_bg.wasm` beside it.
        let module = IMPORT_META.with(|m| m.url());
        let wasm = match module.strip_suffix(".js") {
            Some(stem) => format!("{stem}_bg.wasm"),
            None => module.clone(),
        };
        let quote = |s: &str| serde_json::to_string(s).expect("a string serialises");
        let script = format!(
            "import init from {};\nawait init({{ module_or_path: {} }});\n",
            quote(&module),
            quote(&wasm)
        );
        // The one-file build (scripts/offline.sh) has no module or wasm file beside the page
        // to name: its page gives the worker's whole script (the glue, and the wasm packed in
        // it), a classic one, as a page opened from a file cannot start a module worker.
        let given = js_sys::Reflect::get(&js_sys::global(), &"medreachWorkerScript".into())
            .ok()
            .and_then(|v| v.as_string());
        let module_worker = given.is_none();
        let script = given.unwrap_or(script);
        let parts = js_sys::Array::of1(&script.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let worker = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
            .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
            .and_then(|url| {
                let options = web_sys::WorkerOptions::new();
                if module_worker {
                    options.set_type(web_sys::WorkerType::Module);
                }
                options.set_name("medreach-engine");
                web_sys::Worker::new_with_options(&url, &options)
            });
        let worker = match worker {
            Ok(w) => w,
            Err(e) => {
                self.state
                    .notice
                    .set(Some(Notice::NoWorker(format!("{e:?}"))));
                return;
            }
        };
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let data = ev.data();
                let current = with_client(|c| c.generation == generation).unwrap_or(false);
                if current {
                    receive(&data);
                }
            });
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
                ev.prevent_default();
                let current = with_client(|c| c.generation == generation).unwrap_or(false);
                if current {
                    with_client(|c| {
                        let wasm_mb = c.state.memory.get_untracked().wasm_bytes / 1048576.0;
                        let commands = c.jobs.died(ev.message(), wasm_mb);
                        c.apply(commands, None);
                    });
                }
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_message.forget();
        on_error.forget();
        self.worker = Some(worker);
    }

    /// Ends the worker and starts a new one (the jobs have queued the data it gets).
    fn restart(&mut self) {
        if let Some(w) = self.worker.take() {
            w.terminate();
        }
        self.spawn();
    }

    /// Posts `job` to the worker and shows it as the work in progress.
    fn post(&mut self, job: &Job, run_id: Option<u64>) {
        let Some(worker) = &self.worker else {
            return;
        };
        let (message, buffers) = to_worker(job, run_id);
        // Files are copied, not transferred: the page keeps them to give a new worker.
        let _ = worker.post_message(&envelope(&message, &buffers));
        self.state.busy.set(Some(Busy {
            job: job.describe(),
            stage: None,
            done: 0,
            total: 0,
        }));
    }

    /// Carries out the jobs' commands; `answer` is the worker's message they answer, whose
    /// data, report or lines they show.
    fn apply(&mut self, commands: Vec<Command<js_sys::ArrayBuffer>>, answer: Option<Answer>) {
        let s = self.state;
        let mut answer = answer;
        for command in commands {
            match command {
                Command::Init { memory_limit_mb } => {
                    if let Some(w) = &self.worker {
                        let init = ToWorker::Init { memory_limit_mb };
                        let _ = w.post_message(&envelope(&init, &[]));
                    }
                }
                Command::Post { job, run_id } => self.post(&job, run_id),
                Command::Idle => {
                    s.busy.set(None);
                    super::autosave::schedule();
                }
                Command::Restart => self.restart(),
                Command::DropWorker => self.worker = None,
                Command::Notice(notice) => s.notice.set(notice),
                Command::RevertControls => s.revert_controls(),
                Command::ClearProblems => s.load_errors.set(Vec::new()),
                Command::Loaded(Loaded::Demo(d)) => {
                    s.which_demo.set(d);
                    s.demo.set(true);
                }
                Command::Loaded(Loaded::Files) => s.demo.set(false),
                command => show_answer(s, command, &mut answer),
            }
        }
    }
}

/// The worker's answer, with its buffers.
struct Answer {
    message: FromWorker,
    buffers: Vec<js_sys::ArrayBuffer>,
}

/// The worker's message for `job` (a run with its number) and the bytes that go with it.
fn to_worker(job: &Job, run_id: Option<u64>) -> (ToWorker, Vec<js_sys::ArrayBuffer>) {
    match job {
        Job::Demo { demo, .. } => (ToWorker::Demo(*demo), Vec::new()),
        Job::Load {
            names,
            buffers,
            replace,
            ..
        } => (
            ToWorker::Load {
                names: names.clone(),
                replace: *replace,
            },
            buffers.clone(),
        ),
        Job::Reread {
            file,
            choice,
            replace,
        } => (
            ToWorker::Reread {
                file: file.clone(),
                choice: choice.clone(),
                replace: *replace,
            },
            Vec::new(),
        ),
        Job::Floor { m2, .. } => (ToWorker::Floor(*m2), Vec::new()),
        Job::Resume { work, .. } => (ToWorker::Resume(work.clone()), Vec::new()),
        Job::Run(key) => (
            ToWorker::Run {
                id: run_id.unwrap_or_default(),
                mode: key.mode,
                limit_min: key.limit,
                rules: key.rules.clone(),
                cell_m: key.cell_m,
                speeds: key.speeds.clone(),
            },
            Vec::new(),
        ),
        Job::Plan { ask, candidates } => (
            ToWorker::Plan(ask.clone()),
            candidates.iter().cloned().collect(),
        ),
        Job::Bench { buffer, reps } => (ToWorker::Bench { reps: *reps }, vec![buffer.clone()]),
        Job::Edit(ask) => (ToWorker::Edit(ask.clone()), Vec::new()),
        Job::Access(ask) => (ToWorker::Access(ask.clone()), Vec::new()),
        Job::Synthetic { junctions } => (
            ToWorker::Synthetic {
                junctions: *junctions,
            },
            Vec::new(),
        ),
    }
}

fn receive(data: &JsValue) {
    let (message, buffers) = match open::<FromWorker>(data) {
        Ok(m) => m,
        Err(e) => {
            leptos::logging::error!("unreadable message from the engine: {e}");
            return;
        }
    };
    with_client(|c| c.answer(Answer { message, buffers }));
}

impl Client {
    /// Hands the worker's answer to the jobs and carries out what they decide.
    fn answer(&mut self, answer: Answer) {
        let s = self.state;
        let commands = match &answer.message {
            FromWorker::Ready => self.jobs.ready(),
            FromWorker::Progress { stage, done, total } => {
                s.busy.update(|b| {
                    if let Some(b) = b {
                        b.stage = Some(*stage);
                        b.done = *done;
                        b.total = *total;
                    }
                });
                return;
            }
            FromWorker::Panic { message } => {
                self.jobs.panicked(message.clone());
                return;
            }
            FromWorker::Surface { surface } => {
                show_surface(s, surface.clone(), answer.buffers.first());
                return;
            }
            FromWorker::Data {
                summary, memory, ..
            } => {
                s.memory.set(*memory);
                self.jobs.keep_work(summary.work.clone());
                self.jobs.data(summary.version)
            }
            FromWorker::Result { id, memory, .. } => {
                s.memory.set(*memory);
                self.jobs.report(*id)
            }
            FromWorker::Failed { id, .. } => self.jobs.failed(*id),
            FromWorker::Timing { memory, .. } => {
                s.memory.set(*memory);
                self.jobs.timing()
            }
            FromWorker::Planned { memory, .. } => {
                s.memory.set(*memory);
                self.jobs.planned()
            }
            FromWorker::Accessed { memory, .. } => {
                s.memory.set(*memory);
                self.jobs.accessed()
            }
        };
        self.apply(commands, Some(answer));
    }
}

/// The problems of an answer's load, and what the page asks about even when the data did not
/// change: a file's coordinate system, a table's columns, an edit refused, the edits as they
/// stand.
fn show_problems(
    s: AppState,
    problems: Vec<crate::app::text::Bilingual>,
    summary: &crate::app::session::DataSummary,
) {
    s.load_errors.set(problems);
    // A file refused for want of a coordinate system asks its question (and a
    // table its columns) even when the data did not change.
    let (questions, tables) = (summary.questions.clone(), summary.tables.clone());
    // So does an edit refused, and the edits as they stand.
    let (edits, redo, refused, plan, labels, scenarios) = (
        summary.edits.clone(),
        summary.redo,
        summary.edit_refused.clone(),
        summary.plan_file.clone(),
        summary.edit_labels.clone(),
        summary.scenarios.clone(),
    );
    s.summary.update(|d| {
        d.questions = questions;
        d.tables = tables;
        d.edits = edits;
        d.redo = redo;
        d.edit_refused = refused;
        d.plan_file = plan;
        d.edit_labels = labels;
        d.scenarios = scenarios;
    });
}

/// Shows what the worker answered: its data, its report (and map), why there is none, or its
/// timing lines. A report, an error or lines are shown once and taken out of `answer`.
fn show_answer(s: AppState, command: Command<js_sys::ArrayBuffer>, answer: &mut Option<Answer>) {
    use std::mem::take;
    match command {
        Command::ShowProblems => {
            if let Some(Answer {
                message:
                    FromWorker::Data {
                        problems, summary, ..
                    },
                ..
            }) = answer
            {
                show_problems(s, take(problems), summary);
            }
        }
        Command::ShowEdited => {
            if let Some(Answer {
                message: FromWorker::Data { summary, .. },
                ..
            }) = answer
            {
                s.show_edited(take(summary));
            }
        }
        Command::ShowData => {
            if let Some(Answer {
                message:
                    FromWorker::Data {
                        summary, timings, ..
                    },
                ..
            }) = answer
            {
                s.show_data(take(summary), take(timings));
            }
        }
        Command::ShowReport(key) => {
            if let Some(Answer {
                message:
                    FromWorker::Result {
                        report,
                        scene,
                        timings,
                        graph_nodes,
                        comparison,
                        ..
                    },
                buffers,
            }) = answer.take()
            {
                s.comparison.set(comparison.map(|c| *c));
                if scene {
                    show_scene(s, buffers.first());
                    // The lists once the new map is on screen: the map's redraw is asked
                    // for after this, in the same frame; a task after that frame shows them.
                    s.lists_shown.set(false);
                    request_animation_frame(move || {
                        set_timeout(move || s.lists_shown.set(true), std::time::Duration::ZERO)
                    });
                }
                if let Some(key) = key {
                    s.shown.set(Some(key));
                }
                s.analysis_error.set(None);
                s.report.set(Some(*report));
                s.timings.update(|t| t.run = timings);
                s.graph_nodes.set(graph_nodes);
            }
        }
        Command::ShowFailure(key) => {
            if let Some(Answer {
                message: FromWorker::Failed { error, .. },
                ..
            }) = answer.take()
            {
                if let Some(key) = key {
                    s.shown.set(Some(key));
                }
                s.analysis_error.set(Some(error));
                s.report.set(None);
                s.scene.set(None);
                s.surface.set(None);
            }
        }
        Command::ShowAccess => {
            if let Some(Answer {
                message: FromWorker::Accessed { result, .. },
                ..
            }) = answer.take()
            {
                s.access.set(Some(result.map(|v| *v)));
            }
        }
        Command::ShowPlan => {
            if let Some(Answer {
                message: FromWorker::Planned { result, .. },
                ..
            }) = answer.take()
            {
                s.plan.set(Some(result.map(|p| *p)));
            }
        }
        Command::ShowTiming => {
            if let Some(Answer {
                message: FromWorker::Timing { lines, .. },
                ..
            }) = answer.take()
            {
                s.timing_lines.set(lines);
            }
        }
        _ => {}
    }
}

/// Shows the surface that followed a report (its minutes in `buffer`), or why there is none.
fn show_surface(
    s: AppState,
    surface: Result<crate::app::planning::SurfaceInfo, crate::app::session::Bilingual>,
    buffer: Option<&js_sys::ArrayBuffer>,
) {
    match surface {
        Ok(info) => {
            let minutes = buffer
                .map(|b| js_sys::Float32Array::new(b).to_vec())
                .unwrap_or_default();
            if minutes.len() == info.grid.len() {
                s.surface_error.set(None);
                s.surface
                    .set(Some(Shared(Arc::new(SurfaceLayer { info, minutes }))));
            }
        }
        Err(why) => {
            s.surface.set(None);
            s.surface_error.set(Some(why));
        }
    }
}

/// Decodes the map that came with a report.
fn show_scene(s: AppState, buffer: Option<&js_sys::ArrayBuffer>) {
    match buffer.map(|b| Scene::decode(&from_buffer(b))) {
        Some(Ok(scene)) => s.scene.set(Some(Shared(Arc::new(scene)))),
        Some(Err(e)) => leptos::logging::error!("scene: {e}"),
        None => {}
    }
}
