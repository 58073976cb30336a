//! The page's side of the engine: starts the web worker (the same module, see `worker.rs`),
//! sends it one job at a time, turns its answers into state, and survives its end.
//!
//! - Jobs queue; a new run replaces a queued run (only the latest settings matter).
//! - Cancel ends the worker at once (a computation cannot be interrupted from outside) and
//!   starts a fresh one, which gets the data that was loaded before, so the page goes on
//!   showing the previous results.
//! - When the worker dies (out of memory, or a defect), the page says what it was doing and
//!   why, and recovers the same way; the file that was being loaded is not kept.

use super::demo::Demo;
use super::protocol::{envelope, open, FromWorker, ToWorker};
use super::state::{AppState, Busy, Notice, RunKey};
use crate::app::scene::Scene;
use crate::engine::network::Mode;
use crate::engine::rules::RuleParams;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
}

/// Work for the worker.
#[derive(Clone, Debug)]
pub enum Job {
    /// Show a demo.
    Demo {
        /// Which.
        demo: Demo,
        /// Giving a new engine the demo shown before (not the user's action).
        restore: bool,
    },
    /// Load files.
    Load {
        /// Names.
        names: Vec<String>,
        /// Contents.
        buffers: Vec<js_sys::ArrayBuffer>,
        /// Replace what is loaded.
        replace: bool,
        /// Re-loading the data of a worker that ended (not the user's action).
        restore: bool,
    },
    /// Another floor area per resident.
    Floor {
        /// m².
        m2: f64,
        /// Part of a restore.
        restore: bool,
    },
    /// Compute the report.
    Run(RunKey),
    /// Time the nearest-facility pass on an extract.
    Bench {
        /// The extract.
        buffer: js_sys::ArrayBuffer,
        /// Repetitions.
        reps: u32,
    },
    /// A synthetic network end to end.
    Synthetic {
        /// Junctions.
        junctions: usize,
    },
}

impl Job {
    fn is_restore(&self) -> bool {
        matches!(
            self,
            Job::Demo { restore: true, .. }
                | Job::Load { restore: true, .. }
                | Job::Floor { restore: true, .. }
        )
    }
}

/// The data the user has loaded, to give a new worker.
#[derive(Clone, Debug)]
enum Committed {
    Demo(Demo),
    Files {
        files: Vec<(String, js_sys::ArrayBuffer)>,
        floor: Option<f64>,
    },
}

struct Client {
    state: AppState,
    worker: Option<web_sys::Worker>,
    /// Bumped for every worker, so a dead worker's late messages are ignored.
    generation: u64,
    ready: bool,
    queue: VecDeque<Job>,
    in_flight: Option<Job>,
    committed: Committed,
    /// The data before the last load, with the names loaded, until the first report on the
    /// new data arrives: if computing it ends the worker, the load is undone.
    before_load: Option<(Committed, String)>,
    /// A restore whose data the page must show (the load before it was undone).
    show_restore: bool,
    /// The notice to show again once that restore is shown.
    pending_notice: Option<Notice>,
    /// The worker's data version after its last answer.
    worker_version: u64,
    /// A panic message the worker sent before it ended.
    panic: Option<String>,
    memory_limit_mb: Option<f64>,
    next_run_id: u64,
    /// The run whose answer is awaited (older answers are dropped).
    awaited_run: u64,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn with_client<R>(f: impl FnOnce(&mut Client) -> R) -> Option<R> {
    CLIENT.with(|c| c.borrow_mut().as_mut().map(f))
}

/// Starts the engine for `state`, showing `demo`.
pub fn start(state: AppState, demo: Demo, memory_limit_mb: Option<f64>) {
    CLIENT.with(|c| {
        *c.borrow_mut() = Some(Client {
            state,
            worker: None,
            generation: 0,
            ready: false,
            queue: VecDeque::new(),
            in_flight: None,
            committed: Committed::Demo(demo),
            before_load: None,
            show_restore: false,
            pending_notice: None,
            worker_version: 0,
            panic: None,
            memory_limit_mb,
            next_run_id: 1,
            awaited_run: 0,
        })
    });
    with_client(|c| c.spawn());
    submit(Job::Demo {
        demo,
        restore: false,
    });
}

/// Queues `job` (a run replaces a queued run).
pub fn submit(job: Job) {
    with_client(|c| {
        if let Job::Run(_) = job {
            c.queue.retain(|j| !matches!(j, Job::Run(_)));
        }
        c.queue.push_back(job);
        c.pump();
    });
}

/// Stops the work in progress and everything queued; the page keeps what it shows.
pub fn cancel() {
    with_client(|c| {
        if c.in_flight.is_none() && c.queue.is_empty() {
            return;
        }
        c.queue.clear();
        c.in_flight = None;
        c.restart();
        c.state.notice.set(Some(Notice::Cancelled));
        c.state.revert_controls();
    });
}

impl Client {
    fn spawn(&mut self) {
        self.generation += 1;
        self.ready = false;
        self.panic = None;
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
        let parts = js_sys::Array::of1(&script.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let worker = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
            .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
            .and_then(|url| {
                let options = web_sys::WorkerOptions::new();
                options.set_type(web_sys::WorkerType::Module);
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
                    with_client(|c| c.died(ev.message()));
                }
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_message.forget();
        on_error.forget();
        self.worker = Some(worker);
    }

    /// Ends the worker and starts a new one with the committed data.
    fn restart(&mut self) {
        if let Some(w) = self.worker.take() {
            w.terminate();
        }
        self.spawn();
        let restore = match &self.committed {
            Committed::Demo(d) => vec![Job::Demo {
                demo: *d,
                restore: true,
            }],
            Committed::Files { files, floor } => {
                let mut jobs = Vec::new();
                if let Some(m2) = floor {
                    jobs.push(Job::Floor {
                        m2: *m2,
                        restore: true,
                    });
                }
                jobs.push(Job::Load {
                    names: files.iter().map(|(n, _)| n.clone()).collect(),
                    buffers: files.iter().map(|(_, b)| b.clone()).collect(),
                    replace: true,
                    restore: true,
                });
                jobs
            }
        };
        for job in restore.into_iter().rev() {
            self.queue.push_front(job);
        }
        self.pump();
    }

    fn pump(&mut self) {
        if !self.ready || self.in_flight.is_some() {
            return;
        }
        let Some(job) = self.queue.pop_front() else {
            self.state.busy.set(None);
            return;
        };
        let Some(worker) = &self.worker else {
            return;
        };
        let (message, buffers) = match &job {
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
            Job::Floor { m2, .. } => (ToWorker::Floor(*m2), Vec::new()),
            Job::Run(key) => {
                let id = self.next_run_id;
                self.next_run_id += 1;
                self.awaited_run = id;
                (
                    ToWorker::Run {
                        id,
                        mode: key.mode,
                        limit_min: key.limit,
                        rules: key.rules.clone(),
                    },
                    Vec::new(),
                )
            }
            Job::Bench { buffer, reps } => (ToWorker::Bench { reps: *reps }, vec![buffer.clone()]),
            Job::Synthetic { junctions } => (
                ToWorker::Synthetic {
                    junctions: *junctions,
                },
                Vec::new(),
            ),
        };
        // Files are copied, not transferred: the page keeps them to give a new worker.
        let _ = worker.post_message(&envelope(&message, &buffers));
        self.state.busy.set(Some(Busy {
            job: describe(&job),
            stage: None,
            done: 0,
            total: 0,
        }));
        self.in_flight = Some(job);
    }

    /// The worker ended (out of memory, a defect, or it could not start).
    fn died(&mut self, message: String) {
        let job = self.in_flight.take();
        let panic = self.panic.take();
        let memory = self.state.memory.get_untracked();
        let what = job.as_ref().map(describe);
        if job.is_none() && !self.ready {
            self.state.notice.set(Some(Notice::NoWorker(message)));
            self.worker = None;
            self.state.busy.set(None);
            return;
        }
        let restoring = job.as_ref().is_some_and(Job::is_restore);
        let mut what = what.unwrap_or_default();
        if restoring {
            // The data that was loaded before no longer fits: start empty.
            self.committed = Committed::Files {
                files: Vec::new(),
                floor: None,
            };
            self.show_restore = true;
        } else if let (Some(Job::Run(_)), Some((before, names))) = (&job, self.before_load.take()) {
            // The first report on newly loaded data did not fit: undo that load, so the page
            // is back where it was before it, and name the files.
            self.committed = before;
            self.show_restore = true;
            what = super::state::JobText::Loading(names);
        } else if let Some(Job::Run(_)) = job {
            self.state.revert_controls();
        }
        let notice = Notice::EngineStopped {
            what,
            panic,
            wasm_mb: memory.wasm_bytes / 1048576.0,
            limit_mb: self.memory_limit_mb,
        };
        self.pending_notice = self.show_restore.then(|| notice.clone());
        self.state.notice.set(Some(notice));
        self.queue.retain(|j| !matches!(j, Job::Run(_)));
        self.restart();
    }
}

/// Words for what a job does, for the progress line and messages.
fn describe(job: &Job) -> super::state::JobText {
    use super::state::JobText;
    match job {
        Job::Demo { restore: false, .. } => JobText::Demo,
        Job::Load {
            names,
            restore: false,
            ..
        } => JobText::Loading(names.join(", ")),
        Job::Demo { restore: true, .. }
        | Job::Load { restore: true, .. }
        | Job::Floor { restore: true, .. } => JobText::Restoring,
        Job::Floor { .. } => JobText::Floor,
        Job::Run(key) => JobText::Computing(key.mode),
        Job::Bench { .. } | Job::Synthetic { .. } => JobText::Timing,
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
    with_client(|c| c.answer(message, buffers));
}

impl Client {
    fn answer(&mut self, message: FromWorker, buffers: Vec<js_sys::ArrayBuffer>) {
        let s = self.state;
        match message {
            FromWorker::Ready => {
                // Messages sent before the worker listens would be lost: the limits go first,
                // then the queue.
                if let Some(w) = &self.worker {
                    let _ = w.post_message(&envelope(
                        &ToWorker::Init {
                            memory_limit_mb: self.memory_limit_mb,
                        },
                        &[],
                    ));
                }
                self.ready = true;
            }
            FromWorker::Progress { stage, done, total } => {
                s.busy.update(|b| {
                    if let Some(b) = b {
                        b.stage = Some(stage);
                        b.done = done;
                        b.total = total;
                    }
                });
                return;
            }
            FromWorker::Panic { message } => {
                self.panic = Some(message);
                return;
            }
            FromWorker::Data {
                summary,
                problems,
                timings,
                memory,
            } => {
                let job = self.in_flight.take();
                let changed = summary.version != self.worker_version;
                self.worker_version = summary.version;
                s.memory.set(memory);
                match job {
                    Some(Job::Demo {
                        demo: d,
                        restore: false,
                    }) => {
                        if let Demo::Synthetic(n) = d {
                            // A network of any size: if its first report does not fit, undo it
                            // as a load of files is undone.
                            self.before_load =
                                Some((self.committed.clone(), format!("synthetic-{n}")));
                        }
                        self.committed = Committed::Demo(d);
                        s.which_demo.set(d);
                        s.demo.set(true);
                        s.load_errors.set(Vec::new());
                        s.show_data(summary, timings);
                    }
                    Some(Job::Load {
                        names,
                        buffers,
                        replace,
                        restore: false,
                    }) => {
                        s.load_errors.set(problems);
                        if changed {
                            let mut files = match (&self.committed, replace) {
                                (Committed::Files { files, .. }, false) => files.clone(),
                                _ => Vec::new(),
                            };
                            let floor = match &self.committed {
                                Committed::Files { floor, .. } => *floor,
                                Committed::Demo(_) => None,
                            };
                            let loaded = names.join(", ");
                            for (name, buffer) in names.into_iter().zip(buffers) {
                                files.retain(|(n, _)| *n != name);
                                files.push((name, buffer));
                            }
                            self.before_load = Some((self.committed.clone(), loaded));
                            // Files that failed are in the list too; re-loading them fails
                            // again, harmlessly, and keeps the list simple.
                            self.committed = Committed::Files { files, floor };
                            s.demo.set(false);
                            s.show_data(summary, timings);
                        }
                    }
                    Some(Job::Floor { m2, restore: false }) => {
                        s.load_errors.set(problems);
                        if let Committed::Files { floor, .. } = &mut self.committed {
                            *floor = Some(m2);
                        }
                        if changed {
                            s.show_data(summary, timings);
                        }
                    }
                    Some(job)
                        if job.is_restore()
                            && self.show_restore
                            && self.queue.iter().all(|j| !j.is_restore()) =>
                    {
                        self.show_restore = false;
                        let demo = matches!(self.committed, Committed::Demo(_));
                        if let Committed::Demo(d) = self.committed {
                            s.which_demo.set(d);
                        }
                        s.demo.set(demo);
                        s.show_data(summary, timings);
                        // The notice explains why the data changed back.
                        s.notice.set(self.pending_notice.take());
                    }
                    _ => {}
                }
            }
            FromWorker::Result {
                id,
                report,
                scene,
                timings,
                memory,
                graph_nodes,
            } => {
                let job = self.in_flight.take();
                s.memory.set(memory);
                if id == self.awaited_run {
                    if scene {
                        match buffers
                            .first()
                            .map(|b| Scene::decode(&super::protocol::from_buffer(b)))
                        {
                            Some(Ok(sc)) => s.scene.set(Some(super::state::Shared(Arc::new(sc)))),
                            Some(Err(e)) => leptos::logging::error!("scene: {e}"),
                            None => {}
                        }
                    }
                    if let Some(Job::Run(key)) = job {
                        s.shown.set(Some(key));
                    }
                    self.before_load = None;
                    s.analysis_error.set(None);
                    s.report.set(Some(*report));
                    s.timings.update(|t| t.run = timings);
                    s.graph_nodes.set(graph_nodes);
                }
            }
            FromWorker::Failed { id, error } => {
                let job = self.in_flight.take();
                if id == self.awaited_run {
                    if let Some(Job::Run(key)) = job {
                        s.shown.set(Some(key));
                    }
                    s.analysis_error.set(Some(error));
                    s.report.set(None);
                    s.scene.set(None);
                }
            }
            FromWorker::Timing { lines, memory } => {
                self.in_flight = None;
                s.memory.set(memory);
                s.timing_lines.set(lines);
            }
        }
        self.pump();
    }
}

/// Asks for the report of the current data with these settings.
pub fn run(epoch: u64, mode: Mode, limit: f64, rules: RuleParams) {
    submit(Job::Run(RunKey {
        epoch,
        mode,
        limit,
        rules,
    }));
}
