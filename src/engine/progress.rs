//! Progress of long work, for a progress bar: which stage runs and how far it is.
//!
//! The engine calls a [`Progress`] callback at the start of each stage and every few thousand
//! items inside it; the web worker forwards the calls to the page, the command line ignores
//! them. Reporting costs nothing measurable (a call every 4,096 items at most).

use serde::{Deserialize, Serialize};

/// A stage of the work, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading and parsing files.
    Reading,
    /// Building the road network of the mode.
    Building,
    /// Joining settlements and facilities to the network.
    Joining,
    /// Travel times from every node to the nearest service point.
    Routing,
    /// The report, the rules and the map.
    Summarising,
    /// The travel-time surface and its isochrones.
    Surface,
    /// Choosing new sites.
    Planning,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 7] = [
        Stage::Reading,
        Stage::Building,
        Stage::Joining,
        Stage::Routing,
        Stage::Summarising,
        Stage::Surface,
        Stage::Planning,
    ];

    /// A stable identifier (`reading`, `building`, …).
    pub fn id(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Building => "building",
            Stage::Joining => "joining",
            Stage::Routing => "routing",
            Stage::Summarising => "summarising",
            Stage::Surface => "surface",
            Stage::Planning => "planning",
        }
    }
}

/// Receives `(stage, done, total)`: `done` of `total` items of `stage` are finished
/// (`total` 0 when unknown).
pub type Progress<'a> = &'a mut dyn FnMut(Stage, u64, u64);

/// Calls `progress` for item `done` of `total` only every 4,096 items (and at the last).
#[inline]
pub fn tick(progress: &mut dyn FnMut(Stage, u64, u64), stage: Stage, done: usize, total: usize) {
    if done % 4096 == 0 || done + 1 == total {
        progress(stage, done as u64, total as u64);
    }
}
