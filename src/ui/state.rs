//! The page state: signals for what the user loaded and chose, memos for what the engine
//! computes from them, and the actions that change them.

use super::protocol::Memory;
use crate::app::jobs::{Demo, JobText, Notice, RunKey};
use crate::app::options::AnalysisError;
use crate::app::planning::SurfaceInfo;
use crate::app::scene::{Focus, Scene};
use crate::app::session::{Bilingual, DataSummary};
use crate::app::text::Lang;
use crate::engine::network::Mode;
use crate::engine::planning::Plan;
use crate::engine::progress::Stage;
use crate::engine::report::Report;
use crate::engine::rules::RuleParams;
use leptos::prelude::*;
use std::sync::Arc;

/// An `Arc` compared by identity, so a memo of it only notifies on a real recomputation.
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

const LANG_KEY: &str = "medreach.lang";

/// The travel-time surface as the page holds it: its grid and band table, and each cell's
/// minutes (NaN outside the units, infinite when nothing is reached).
#[derive(Debug)]
pub struct SurfaceLayer {
    /// The grid and the band table.
    pub info: SurfaceInfo,
    /// Minutes per cell, row by row from the north.
    pub minutes: Vec<f32>,
}

/// The engine's work in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Busy {
    /// What it does.
    pub job: JobText,
    /// The stage it reported last.
    pub stage: Option<Stage>,
    /// Items done in that stage.
    pub done: u64,
    /// Items in that stage (0 when unknown).
    pub total: u64,
}

/// Stage timings of the last load and the last run, milliseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timings {
    /// Reading.
    pub load: Vec<(Stage, f64)>,
    /// Building, joining, routing, summarising.
    pub run: Vec<(Stage, f64)>,
    /// The map's last redraw (shown in the timing view only).
    pub draw: Option<f64>,
}

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Display language.
    pub lang: RwSignal<Lang>,
    /// What is loaded.
    pub summary: RwSignal<DataSummary>,
    /// Bumped whenever the loaded data changes.
    pub epoch: RwSignal<u64>,
    /// True while a demo is what is loaded.
    pub demo: RwSignal<bool>,
    /// Which demo is (or was last) shown.
    pub which_demo: RwSignal<Demo>,
    /// Whether OpenStreetMap data is shown (the attribution must be visible).
    pub osm_data: Memo<bool>,
    /// Travel mode.
    pub mode: RwSignal<Mode>,
    /// Limit in minutes.
    pub limit: RwSignal<f64>,
    /// Rule parameters.
    pub rules: RwSignal<RuleParams>,
    /// Files of the last load that could not be read.
    pub load_errors: RwSignal<Vec<Bilingual>>,
    /// The selected settlement (index in the analysis' settlements).
    pub selected: RwSignal<Option<usize>>,
    /// The finding or unit the map shows.
    pub focus: RwSignal<Option<Focus>>,
    /// Why there is no report, if there is none.
    pub analysis_error: RwSignal<Option<AnalysisError>>,
    /// The report shown.
    pub report: RwSignal<Option<Report>>,
    /// Whether the long lists (the findings, the settlements beyond the limit) show the report
    /// yet: a report with a new map clears it and sets it again once the map's frame is
    /// drawn, so that the map and the figures come first (a city's lists are hundreds of rows
    /// to lay out).
    pub lists_shown: RwSignal<bool>,
    /// What the map draws.
    pub scene: RwSignal<Option<Shared<Scene>>>,
    /// The settings of the report shown.
    pub shown: RwSignal<Option<RunKey>>,
    /// The settings last asked for.
    pub(super) requested: RwSignal<Option<RunKey>>,
    /// The engine's work in progress.
    pub busy: RwSignal<Option<Busy>>,
    /// A message about the engine.
    pub notice: RwSignal<Option<Notice>>,
    /// The engine's memory.
    pub memory: RwSignal<Memory>,
    /// Stage timings.
    pub timings: RwSignal<Timings>,
    /// Nodes of the routing graph of the report shown.
    pub graph_nodes: RwSignal<usize>,
    /// Results of the timing view.
    pub timing_lines: RwSignal<Vec<String>>,
    /// Whether the timing view is shown (`?timing`).
    pub timing_view: bool,
    /// Cell size of the travel-time surface, metres.
    pub cell_m: RwSignal<f64>,
    /// The speed table (km/h), as the user edited it.
    pub speeds: RwSignal<crate::engine::network::SpeedTable>,
    /// The travel-time surface drawn under the roads.
    pub surface: RwSignal<Option<Shared<SurfaceLayer>>>,
    /// Why there is no surface, if the engine said.
    pub surface_error: RwSignal<Option<Bilingual>>,
    /// Whether the surface is drawn.
    pub show_surface: RwSignal<bool>,
    /// Its opacity, 0–1.
    pub surface_opacity: RwSignal<f64>,
    /// The last site suggestions, or why there are none.
    pub plan: RwSignal<Option<Result<Plan, Bilingual>>>,
    /// Whether the printable report is shown.
    pub report_open: RwSignal<bool>,
    /// How the map draws roads: `None` chooses by size; `?render=paths` or `?render=raster`
    /// forces one (for comparing them).
    pub render_raster: Option<bool>,
    /// What a click on the map does: select, or a what-if edit.
    pub edit_tool: RwSignal<EditTool>,
    /// The next map is of edited data: keep the view rather than fit it.
    pub keep_view: RwSignal<bool>,
    /// With edits, the plan against the baseline, for the report shown.
    pub comparison: RwSignal<Option<crate::app::compare::Comparison>>,
    /// Whether the map marks the settlements whose time band the plan changes.
    pub show_changes: RwSignal<bool>,
    /// The last capacity-limited coverage, or why there is none.
    pub access: RwSignal<Option<Result<crate::app::access_view::AccessView, Bilingual>>>,
    /// Whether the map colours the settlements by their capacity ratio.
    pub show_access: RwSignal<bool>,
    /// The notice that the work kept by an earlier visit is back (with a button to start
    /// fresh).
    pub restored: RwSignal<Option<crate::app::text::Bilingual>>,
    /// Why the work cannot be kept in this browser (a private window, a full quota).
    pub storage_note: RwSignal<Option<crate::app::text::Bilingual>>,
    /// The capacities the capacity tool gives a facility clicked.
    pub edit_capacity: RwSignal<crate::engine::model::Capacity>,
    /// The class and speed (km/h) the road tool gives a road clicked (`None`: kept).
    pub edit_road: RwSignal<(Option<String>, Option<f64>)>,
}

/// What a click (or a drag) on the map does.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum EditTool {
    /// Select a settlement; a drag pans.
    #[default]
    Select,
    /// Add a facility of this kind where clicked.
    Add(crate::engine::model::FacilityKind),
    /// Delete the facility clicked.
    Delete,
    /// Drag a facility to its new place.
    Move,
    /// Close the road clicked.
    CloseRoad,
    /// Give the facility clicked this kind.
    SetKind(crate::engine::model::FacilityKind),
    /// Give the facility clicked the capacities entered ([`AppState::edit_capacity`]).
    SetCapacity,
    /// Give the road clicked the class or speed entered ([`AppState::edit_road`]).
    SetRoad,
}

fn query() -> String {
    window().location().search().unwrap_or_default()
}

pub(super) fn query_value(name: &str) -> Option<String> {
    query()
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=').map(str::to_string))
}

impl AppState {
    /// The initial state: the demo, walking, 15 minutes, the browser's language (the engine
    /// is started by [`super::client::start`]).
    pub fn new() -> AppState {
        let first = Demo::from_query(&query()).unwrap_or(Demo::County);
        let summary = RwSignal::new(DataSummary::default());
        let demo = RwSignal::new(true);
        let which_demo = RwSignal::new(first);
        let state = AppState {
            lang: RwSignal::new(initial_language()),
            summary,
            epoch: RwSignal::new(0),
            demo,
            which_demo,
            osm_data: Memo::new(move |_| {
                summary.with(|s| s.has_osm()) || (demo.get() && which_demo.get().is_osm())
            }),
            mode: RwSignal::new(Mode::Walk),
            limit: RwSignal::new(15.0),
            rules: RwSignal::new(RuleParams::default()),
            load_errors: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            focus: RwSignal::new(None),
            analysis_error: RwSignal::new(None),
            report: RwSignal::new(None),
            lists_shown: RwSignal::new(true),
            scene: RwSignal::new(None),
            shown: RwSignal::new(None),
            requested: RwSignal::new(None),
            busy: RwSignal::new(None),
            notice: RwSignal::new(None),
            memory: RwSignal::new(Memory::default()),
            timings: RwSignal::new(Timings::default()),
            graph_nodes: RwSignal::new(0),
            cell_m: RwSignal::new(crate::engine::surface::DEFAULT_CELL_M),
            speeds: RwSignal::new(Default::default()),
            surface: RwSignal::new(None),
            surface_error: RwSignal::new(None),
            show_surface: RwSignal::new(true),
            surface_opacity: RwSignal::new(0.55),
            plan: RwSignal::new(None),
            report_open: RwSignal::new(false),
            timing_lines: RwSignal::new(Vec::new()),
            render_raster: match query_value("render").as_deref() {
                Some("raster") => Some(true),
                Some("paths") => Some(false),
                _ => None,
            },
            edit_tool: RwSignal::new(EditTool::Select),
            keep_view: RwSignal::new(false),
            comparison: RwSignal::new(None),
            show_changes: RwSignal::new(true),
            access: RwSignal::new(None),
            show_access: RwSignal::new(true),
            restored: RwSignal::new(None),
            storage_note: RwSignal::new(None),
            edit_capacity: RwSignal::new(Default::default()),
            edit_road: RwSignal::new((None, None)),
            timing_view: query()
                .trim_start_matches('?')
                .split('&')
                .any(|kv| kv == "timing"),
        };
        state
    }

    /// Puts the language on `<html lang>` and remembers the choice.
    pub fn sync_document_language(&self) {
        let lang = self.lang.get();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", lang.tag());
        }
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(LANG_KEY, lang.tag());
        }
    }

    /// Whether the report shown was computed on the data and settings now chosen. Between a
    /// new load (or a changed setting) and its report it is not, and the page greys the
    /// figures so that new counts are never read against old results.
    pub fn report_is_current(&self) -> bool {
        let (epoch, mode, limit) = (self.epoch.get(), self.mode.get(), self.limit.get());
        self.shown.with(|k| {
            k.as_ref().is_some_and(|k| {
                k.epoch == epoch
                    && k.mode == mode
                    && k.limit == limit
                    && self.rules.with(|r| *r == k.rules)
            })
        })
    }

    /// New data arrived from the engine.
    pub(super) fn show_data(&self, summary: DataSummary, timings: Vec<(Stage, f64)>) {
        self.summary.set(summary);
        self.timings.update(|t| t.load = timings);
        self.selected.set(None);
        self.focus.set(None);
        self.notice.set(None);
        self.plan.set(None);
        self.access.set(None);
        self.epoch.update(|e| *e += 1);
    }

    /// Shows edited data: the summary, and the report asked for again on it; the selection,
    /// the focus and the view stay.
    pub(super) fn show_edited(&self, summary: DataSummary) {
        // A plan loaded brings the speeds it was made with.
        if summary.speeds != self.speeds.get_untracked() {
            self.speeds.set(summary.speeds.clone());
        }
        self.summary.set(summary);
        // The ratios were of the data before the edit.
        self.access.set(None);
        self.keep_view.set(true);
        self.epoch.update(|e| *e += 1);
    }

    /// Puts the controls back to the settings of the report shown (after a cancel), without
    /// asking for a new report.
    pub(super) fn revert_controls(&self) {
        let Some(key) = self.shown.get_untracked() else {
            return;
        };
        self.requested.set(Some(key.clone()));
        if self.epoch.get_untracked() != key.epoch {
            // The data changed meanwhile: keep the new settings and ask again.
            self.requested.set(None);
            return;
        }
        self.mode.set(key.mode);
        self.limit.set(key.limit);
        self.rules.set(key.rules);
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}

fn initial_language() -> Lang {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let tag = stored
        .or_else(|| window().navigator().language())
        .unwrap_or_default();
    Lang::from_tag(&tag)
}
