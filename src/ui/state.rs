//! The page state: signals for what the user loaded and chose, memos for what the engine
//! computes from them, and the actions that change them.

use super::demo;
use crate::analysis::{Analysis, AnalysisError};
use crate::i18n::Lang;
use crate::input::InputError;
use crate::model::Dataset;
use crate::network::{Mode, SpeedTable};
use crate::report::Report;
use crate::rules::RuleParams;
use crate::scene::Scene;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// An `Arc` compared by identity, so a memo of it only notifies on a real recomputation.
#[derive(Clone, Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

const LANG_KEY: &str = "medreach.lang";

/// What the map should bring into view and highlight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Focus {
    /// The finding's index in the report (`usize::MAX` when not a finding).
    pub finding: usize,
    /// A point to centre on.
    pub at: Option<crate::projection::LonLat>,
    /// A unit to fit and outline.
    pub unit: Option<usize>,
}

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Display language.
    pub lang: RwSignal<Lang>,
    /// What is loaded.
    pub data: RwSignal<Dataset>,
    /// True while the demo is what is loaded.
    pub demo: RwSignal<bool>,
    /// Travel mode.
    pub mode: RwSignal<Mode>,
    /// Limit in minutes.
    pub limit: RwSignal<f64>,
    /// Rule parameters.
    pub rules: RwSignal<RuleParams>,
    /// File-level errors of the last load.
    pub load_errors: RwSignal<Vec<InputError>>,
    /// The selected settlement (index in the analysis' settlements).
    pub selected: RwSignal<Option<usize>>,
    /// The finding or unit the map shows.
    pub focus: RwSignal<Option<Focus>>,
    /// Travel times for the current data and mode, or why there are none.
    pub analysis: Memo<Result<Shared<Analysis>, AnalysisError>>,
    /// The report for the current limit.
    pub report: Memo<Option<Report>>,
    /// What the map draws.
    pub scene: Memo<Option<Shared<Scene>>>,
}

impl AppState {
    /// The initial state: the demo, walking, 15 minutes, the browser's language.
    pub fn new() -> AppState {
        let data = RwSignal::new(demo_dataset());
        let mode = RwSignal::new(Mode::Walk);
        let limit = RwSignal::new(15.0);
        let rules = RwSignal::new(RuleParams::default());
        let analysis = Memo::new(move |_| {
            let mode = mode.get();
            data.with(|d| Analysis::run(d, mode, &SpeedTable::default()))
                .map(|a| Shared(Arc::new(a)))
        });
        let report = Memo::new(move |_| {
            let limit = limit.get();
            rules.with(|params| {
                analysis.with(|a| a.as_ref().ok().map(|a| a.0.report(limit, params)))
            })
        });
        let scene = Memo::new(move |_| {
            analysis.with(|a| {
                a.as_ref()
                    .ok()
                    .map(|a| Shared(Arc::new(Scene::build(&a.0, &SpeedTable::default()))))
            })
        });
        AppState {
            lang: RwSignal::new(initial_language()),
            data,
            demo: RwSignal::new(true),
            mode,
            limit,
            rules,
            load_errors: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            focus: RwSignal::new(None),
            analysis,
            report,
            scene,
        }
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

    /// Shows the demo again, replacing whatever is loaded.
    pub fn show_demo(&self) {
        self.data.set(demo_dataset());
        self.demo.set(true);
        self.load_errors.set(Vec::new());
        self.selected.set(None);
        self.focus.set(None);
    }

    /// Reads the files and loads them: the first user load replaces the demo; a file that
    /// fails leaves what was loaded untouched and is reported.
    pub fn load_file_list(&self, list: web_sys::FileList) {
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if files.is_empty() {
            return;
        }
        let state = *self;
        spawn_local(async move {
            let mut texts = Vec::with_capacity(files.len());
            for file in files {
                let text = match JsFuture::from(file.text()).await {
                    Ok(v) => v.as_string().unwrap_or_default(),
                    Err(e) => {
                        let detail = e
                            .dyn_into::<js_sys::Error>()
                            .map(|e| String::from(e.message()))
                            .unwrap_or_default();
                        state.load_errors.update(|v| {
                            v.push(InputError::InvalidJson {
                                file: file.name(),
                                detail: format!("cannot read the file: {detail}"),
                            })
                        });
                        continue;
                    }
                };
                texts.push((file.name(), text));
            }
            state.load_texts(texts);
        });
    }

    /// Loads named GeoJSON texts (see [`AppState::load_file_list`]).
    pub fn load_texts(&self, texts: Vec<(String, String)>) {
        let was_demo = self.demo.get_untracked();
        let mut next = if was_demo {
            Dataset::default()
        } else {
            self.data.get_untracked()
        };
        let mut errors = Vec::new();
        let mut loaded_any = false;
        for (name, text) in texts {
            match next.load(&name, &text) {
                Ok(_) => loaded_any = true,
                Err(e) => errors.push(e),
            }
        }
        self.load_errors.set(errors);
        if loaded_any {
            self.selected.set(None);
            self.focus.set(None);
            self.data.set(next);
            self.demo.set(false);
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}

fn demo_dataset() -> Dataset {
    let mut d = Dataset::default();
    for (name, text) in demo::FILES {
        // The demo files are the shared test case; a failure here is a build defect.
        if let Err(e) = d.load(name, text) {
            leptos::logging::error!("demo file failed to load: {e}");
        }
    }
    d
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
