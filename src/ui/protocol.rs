//! Messages between the page and its web worker. Each message is a JS object
//! `{ body, buffers }`: `body` is the message below written by [`crate::app::wire`]
//! (MessagePack), `buffers` holds its bulk bytes as `ArrayBuffer`s (files going in, the encoded
//! map coming out), so that nothing large goes through a structured clone of nested arrays.

use crate::app::jobs::Demo;
use crate::app::options::AnalysisError;
use crate::app::planning::{PlanAsk, SurfaceInfo};
use crate::app::session::{Bilingual, DataSummary};
use crate::engine::network::Mode;
use crate::engine::planning::Plan;
use crate::engine::progress::Stage;
use crate::engine::report::Report;
use crate::engine::rules::RuleParams;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

/// From the page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// First message: limits for this worker.
    Init {
        /// Refuse allocations beyond this many MB (tests make an out-of-memory cheaply).
        memory_limit_mb: Option<f64>,
    },
    /// Replace everything with a demo.
    Demo(Demo),
    /// Load files (their bytes in `buffers`, same order as `names`).
    Load {
        /// File names.
        names: Vec<String>,
        /// Replace what is loaded (a demo) once one file loads.
        replace: bool,
    },
    /// Read a kept file again as the user now chooses.
    Reread {
        /// The file.
        file: String,
        /// How to read it.
        choice: crate::app::session::FileChoice,
        /// Replace what is loaded (a demo) if it loads.
        replace: bool,
    },
    /// Read extracts again with another floor area per resident, m².
    Floor(f64),
    /// Take up the work of an earlier engine or page on the files loaded.
    Resume(crate::app::session::Work),
    /// Compute the report (and the map when it changed).
    Run {
        /// Request number; answers carry it.
        id: u64,
        /// Travel mode.
        mode: Mode,
        /// Limit, minutes.
        limit_min: f64,
        /// Rule parameters.
        rules: RuleParams,
        /// Cell size of the travel-time surface, metres.
        cell_m: f64,
        /// The speed table.
        speeds: crate::engine::network::SpeedTable,
    },
    /// Suggest sites (the candidates file's bytes, if the ask names one, in `buffers[0]`).
    Plan(PlanAsk),
    /// A what-if edit, undo, redo or a plan file.
    Edit(crate::app::editing::EditAsk),
    /// Capacity-limited coverage.
    Access(crate::app::access_view::AccessAsk),
    /// Time the nearest-facility pass on an extract (its bytes in `buffers[0]`), for the
    /// timing page.
    Bench {
        /// Repetitions.
        reps: u32,
    },
    /// Generate a synthetic network and run it end to end, for the timing page.
    Synthetic {
        /// Junctions wanted.
        junctions: usize,
    },
}

/// Memory of the worker's engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// Size of the WebAssembly linear memory, bytes (it never shrinks: the peak).
    pub wasm_bytes: f64,
    /// Most bytes ever allocated at once.
    pub peak_heap_bytes: f64,
}

/// From the worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// One message per job, serialised to cross to the page at once: boxing the summary would save
// nothing worth its noise.
#[allow(clippy::large_enum_variant)]
pub enum FromWorker {
    /// The engine is loaded and listens.
    Ready,
    /// A stage advanced.
    Progress {
        /// The stage.
        stage: Stage,
        /// Items done.
        done: u64,
        /// Items in all (0 when unknown).
        total: u64,
    },
    /// What is loaded, after a `Demo`, `Load` or `Floor`.
    Data {
        /// What is loaded now.
        summary: DataSummary,
        /// Files that could not be loaded, and why.
        problems: Vec<Bilingual>,
        /// Milliseconds per stage.
        timings: Vec<(Stage, f64)>,
        /// Memory after the work.
        memory: Memory,
    },
    /// A report (with the encoded map in `buffers[0]` when `scene`).
    Result {
        /// The request's number.
        id: u64,
        /// The report.
        report: Box<Report>,
        /// Whether a map comes with it.
        scene: bool,
        /// Milliseconds per stage.
        timings: Vec<(Stage, f64)>,
        /// Memory after the work.
        memory: Memory,
        /// Nodes of the routing graph.
        graph_nodes: usize,
        /// With edits, the plan against the baseline.
        comparison: Option<Box<crate::app::compare::Comparison>>,
    },
    /// The travel-time surface, after the report whose data, mode or cell size changed it (its
    /// `f32` minutes in `buffers[0]`), or why there is none.
    Surface {
        /// The surface's grid and band table, or why there is none.
        surface: Result<SurfaceInfo, Bilingual>,
    },
    /// Site suggestions, or why there are none.
    Planned {
        /// The plan.
        result: Result<Box<Plan>, Bilingual>,
        /// Memory after the work.
        memory: Memory,
    },
    /// Capacity-limited coverage, or why there is none.
    Accessed {
        /// The ratios and tables.
        result: Result<Box<crate::app::access_view::AccessView>, Bilingual>,
        /// Memory after the work.
        memory: Memory,
    },
    /// The run could not be done.
    Failed {
        /// The request's number.
        id: u64,
        /// Why.
        error: AnalysisError,
    },
    /// A timing-page measurement, as text lines.
    Timing {
        /// `name: value` lines.
        lines: Vec<String>,
        /// Memory after the work.
        memory: Memory,
    },
    /// The engine panicked (a defect); the worker is unusable after this.
    Panic {
        /// The panic message.
        message: String,
    },
}

/// Builds the `{ body, buffers }` object. The body travels as bytes in an `ArrayBuffer` (a
/// report can be megabytes); [`transfer_list`] lists it with the buffers, to move them without
/// a copy.
pub fn envelope<T: Serialize>(message: &T, buffers: &[js_sys::ArrayBuffer]) -> JsValue {
    let body = crate::app::wire::encode(message);
    let obj = js_sys::Object::new();
    let array = js_sys::Array::new();
    for b in buffers {
        array.push(b);
    }
    let _ = js_sys::Reflect::set(&obj, &"body".into(), &to_buffer(&body));
    let _ = js_sys::Reflect::set(&obj, &"buffers".into(), &array);
    obj.into()
}

/// The buffers of an [`envelope`] (its body and the buffers it carries), to transfer.
pub fn transfer_list(envelope: &JsValue) -> js_sys::Array {
    let list = js_sys::Array::new();
    if let Ok(body) = js_sys::Reflect::get(envelope, &"body".into()) {
        list.push(&body);
    }
    if let Some(buffers) = js_sys::Reflect::get(envelope, &"buffers".into())
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::Array>().ok())
    {
        for b in buffers.iter() {
            list.push(&b);
        }
    }
    list
}

/// Reads a `{ body, buffers }` object.
pub fn open<T: for<'de> Deserialize<'de>>(
    data: &JsValue,
) -> Result<(T, Vec<js_sys::ArrayBuffer>), String> {
    let body = js_sys::Reflect::get(data, &"body".into())
        .ok()
        .and_then(|j| j.dyn_into::<js_sys::ArrayBuffer>().ok())
        .ok_or("message without a body")?;
    let message = crate::app::wire::decode(&from_buffer(&body))?;
    let buffers = js_sys::Reflect::get(data, &"buffers".into())
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::Array>().ok())
        .map(|a| {
            a.iter()
                .filter_map(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
                .collect()
        })
        .unwrap_or_default();
    Ok((message, buffers))
}

/// Copies bytes out of WebAssembly memory into a new `ArrayBuffer`.
pub fn to_buffer(bytes: &[u8]) -> js_sys::ArrayBuffer {
    js_sys::Uint8Array::from(bytes).buffer()
}

/// Copies an `ArrayBuffer` into WebAssembly memory.
pub fn from_buffer(buffer: &js_sys::ArrayBuffer) -> Vec<u8> {
    js_sys::Uint8Array::new(buffer).to_vec()
}
