//! The page state: signals for what the user loaded and chose, memos for what the engine
//! computes from them, and the actions that change them.

use super::demo::Demo;
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

/// Why a file was not loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// A GeoJSON file.
    Input(InputError),
    /// An OpenStreetMap extract (file name, error).
    Osm(String, crate::osm::OsmError),
}

impl LoadError {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            LoadError::Input(e) => crate::i18n::input_error(lang, e),
            LoadError::Osm(file, e) => match lang {
                Lang::En => format!("{file}: cannot read the OpenStreetMap extract: {e}"),
                Lang::Zh => format!("{file}：无法读取 OpenStreetMap 文件（{e}）"),
            },
        }
    }
}

/// A file's content as read in the browser.
enum Content {
    Text(String),
    Bytes(Vec<u8>),
}

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
    /// File-level errors of the last load.
    pub load_errors: RwSignal<Vec<LoadError>>,
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
        let first = window()
            .location()
            .search()
            .ok()
            .and_then(|q| Demo::from_query(&q))
            .unwrap_or(Demo::County);
        let data = RwSignal::new(demo_dataset(first));
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
            which_demo: RwSignal::new(first),
            osm_data: Memo::new(move |_| {
                data.with(|d| {
                    d.files
                        .iter()
                        .any(|f| f.name.starts_with("andorra/") || f.osm)
                })
            }),
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

    /// Shows a demo, replacing whatever is loaded.
    pub fn show_demo(&self, demo: Demo) {
        self.which_demo.set(demo);
        self.data.set(demo_dataset(demo));
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
            let mut contents = Vec::with_capacity(files.len());
            let mut errors = Vec::new();
            for file in files {
                let name = file.name();
                let read = if name.to_ascii_lowercase().ends_with(".pbf") {
                    JsFuture::from(file.array_buffer())
                        .await
                        .map(|b| Content::Bytes(js_sys::Uint8Array::new(&b).to_vec()))
                } else {
                    JsFuture::from(file.text())
                        .await
                        .map(|v| Content::Text(v.as_string().unwrap_or_default()))
                };
                match read {
                    Ok(c) => contents.push((name, c)),
                    Err(e) => {
                        let detail = e
                            .dyn_into::<js_sys::Error>()
                            .map(|e| String::from(e.message()))
                            .unwrap_or_default();
                        errors.push(LoadError::Input(InputError::InvalidJson {
                            file: name,
                            detail: format!("cannot read the file: {detail}"),
                        }));
                    }
                }
            }
            state.load_contents(contents, errors);
        });
    }

    /// Loads GeoJSON texts and OpenStreetMap extracts read by [`AppState::load_file_list`].
    fn load_contents(&self, contents: Vec<(String, Content)>, mut errors: Vec<LoadError>) {
        let was_demo = self.demo.get_untracked();
        let mut next = if was_demo {
            Dataset::default()
        } else {
            self.data.get_untracked()
        };
        let mut loaded_any = false;
        for (name, content) in contents {
            let result = match content {
                Content::Text(text) => next
                    .load(&name, &text)
                    .map(|_| ())
                    .map_err(LoadError::Input),
                Content::Bytes(bytes) => next
                    .load_osm(&name, &bytes, &crate::osm::OsmOptions::default())
                    .map(|_| ())
                    .map_err(|e| LoadError::Osm(name.clone(), e)),
            };
            match result {
                Ok(()) => loaded_any = true,
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

fn demo_dataset(demo: Demo) -> Dataset {
    let mut d = Dataset::default();
    for (name, text) in demo.files() {
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
