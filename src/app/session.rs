//! A user's working session, as the page's web worker holds it: the loaded files, the travel
//! times of each mode computed so far, and what to send back to the page.
//!
//! It exists so that the page re-runs only what changed: a new limit or new rule parameters
//! only rebuild the report (the network, the joins and the travel times are kept); switching
//! the mode computes that mode once and keeps it, so switching back is immediate; loading a
//! file recomputes everything. The map's geometry ([`Scene`]) is only produced when the
//! travel times behind it changed.
//!
//! Pure Rust, like everything below the page: the worker (`src/ui/worker.rs`) only moves bytes and
//! messages, and everything here is tested natively.

use crate::app::analysis::Analysis;
use crate::app::options::{AnalysisError, Options};
use crate::app::planning::{self, PlanAsk, SurfaceInfo};
use crate::app::scene::Scene;
pub use crate::app::text::Bilingual;
use crate::app::text::Lang;
use crate::engine::dataset::{Dataset, LayerCounts};
use crate::engine::io::osm::OsmOptions;
use crate::engine::io::ReadOptions;
use crate::engine::model::{Layers, Skipped};
use crate::engine::network::{Mode, SpeedTable};
use crate::engine::planning::Plan;
use crate::engine::progress::{Progress, Stage};
use crate::engine::report::Report;
use crate::engine::rules::RuleParams;
use serde::{Deserialize, Serialize};

/// A file as the user gave it: its name and its bytes. Its format is told from both
/// ([`crate::engine::io::Format::of`]).
#[derive(Clone, Debug, PartialEq)]
pub struct InputFile {
    /// The file name.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl InputFile {
    /// Files given as (name, text) pairs, as a demo's are.
    pub fn texts(files: &[(&str, &str)]) -> Vec<InputFile> {
        files
            .iter()
            .map(|(name, text)| InputFile {
                name: name.to_string(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect()
    }
}

/// What is loaded, as the page shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// Bumped by every change of the data.
    pub version: u64,
    /// Loaded file names, in load order, with whether each is an OpenStreetMap extract.
    pub files: Vec<(String, bool)>,
    /// Roads, facilities, settlements, admin units, skipped features in use.
    pub counts: LayerCounts,
    /// Skipped features with their file name (the first [`MAX_SKIPPED_SHOWN`]).
    pub skipped: Vec<(String, Skipped)>,
    /// File-level remarks.
    pub notes: Vec<String>,
    /// The settlements' populations are estimates from buildings.
    pub population_estimated: bool,
    /// The floor area per resident used for building estimates, m².
    pub floor_m2_per_person: f64,
    /// Files refused because their positions are not longitude/latitude and they do not say
    /// their coordinate system: the systems they may be in, for the user to choose.
    #[serde(default)]
    pub questions: Vec<CrsQuestion>,
    /// Tables loaded: their sheets and columns, and what was picked, for the user to change.
    #[serde(default)]
    pub tables: Vec<(String, crate::engine::io::table::TableInfo)>,
    /// The what-if edits applied, in order.
    #[serde(default)]
    pub edits: Vec<crate::engine::edits::Edit>,
    /// Edits taken back that can be made again.
    #[serde(default)]
    pub redo: usize,
    /// Why the last edit asked for was refused (nothing changed then).
    #[serde(default)]
    pub edit_refused: Option<Bilingual>,
    /// The edits as a plan file (empty without edits).
    #[serde(default)]
    pub plan_file: String,
    /// Each edit in words.
    #[serde(default)]
    pub edit_labels: Vec<Bilingual>,
    /// The speed table the session computes with (a plan loaded may bring its own).
    #[serde(default)]
    pub speeds: SpeedTable,
    /// The named scenarios, in the order saved, with whether each is the edits now made.
    #[serde(default)]
    pub scenarios: Vec<(String, bool)>,
    /// All the session holds beyond the files, to resume it elsewhere.
    #[serde(default)]
    pub work: Work,
}

/// A file waiting for its coordinate system.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrsQuestion {
    /// The file.
    pub file: String,
    /// A position of it, as it holds it.
    pub x: f64,
    /// See `x`.
    pub y: f64,
    /// The systems it may be in, most likely first: (code, English name).
    pub candidates: Vec<(String, String)>,
}

/// How the user chose to read one file: its coordinate system (a code such as `EPSG:4527`),
/// and for a table its sheet and coordinate columns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileChoice {
    /// The coordinate system's code, if chosen.
    pub crs: Option<String>,
    /// A table's sheet and columns.
    pub table: crate::engine::io::table::TableChoice,
}

/// What a session holds beyond the files' bytes, to give a new engine (after a crash) or a
/// reloaded page: how the user chose to read files, the what-if edits, the edits taken back,
/// and the named scenarios. Applied with [`Session::resume`] after the files are loaded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Work {
    /// How each file was chosen to be read, by file name.
    pub choices: Vec<(String, FileChoice)>,
    /// The edits made, in order.
    pub edits: Vec<crate::engine::edits::Edit>,
    /// Edits taken back, the last taken back last.
    pub redo: Vec<crate::engine::edits::Edit>,
    /// Named scenarios, in the order saved.
    pub scenarios: Vec<(String, Vec<crate::engine::edits::Edit>)>,
}

impl Work {
    /// Whether there is nothing to resume.
    pub fn is_empty(&self) -> bool {
        self.choices.is_empty()
            && self.edits.is_empty()
            && self.redo.is_empty()
            && self.scenarios.is_empty()
    }
}

impl DataSummary {
    /// True when OpenStreetMap data is loaded (the attribution must show).
    pub fn has_osm(&self) -> bool {
        self.files.iter().any(|(_, osm)| *osm)
    }
}

/// How the file `name` is read: the extract options, and what the user chose for it.
fn read_options(osm: &OsmOptions, choices: &[(String, FileChoice)], name: &str) -> ReadOptions {
    let choice = choices.iter().find(|(f, _)| f == name).map(|(_, c)| c);
    ReadOptions {
        osm: osm.clone(),
        crs: choice
            .and_then(|c| c.crs.as_deref())
            .and_then(|code| crate::engine::crs::system::named(code).ok()),
        table: choice.map(|c| c.table.clone()).unwrap_or_default(),
    }
}

/// The largest file the page reads, in bytes. The engine's memory is 4 GiB at most (wasm32)
/// and a file needs its bytes twice (the page's and the engine's copy) and what is read from
/// it besides (up to about 3 times the file for GeoJSON): a larger file would end the tab.
pub const MAX_FILE_BYTES: f64 = 1024.0 * 1024.0 * 1024.0;

/// Why files of `sizes` bytes (by name) are too large to read, checked before they are read:
/// each must fit in `limit` bytes, and so must all of them together. `None` when they fit.
pub fn too_large(files: &[(String, f64)], limit: f64) -> Option<Bilingual> {
    let mb = |b: f64| format!("{:.0} MB", b / 1_048_576.0);
    if let Some((name, size)) = files.iter().find(|(_, s)| *s > limit) {
        return Some(Bilingual {
            en: format!(
                "{name}: {} is more than this page can read ({} a file): split it (by county, say) or use the command line, which has no such limit",
                mb(*size),
                mb(limit)
            ),
            zh: format!(
                "{name}：{}，超过本页面可读取的上限（每个文件 {}）：请拆分文件（例如按县），或使用命令行版本（无此上限）",
                mb(*size),
                mb(limit)
            ),
        });
    }
    let total: f64 = files.iter().map(|(_, s)| s).sum();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    (total > limit).then(|| Bilingual {
        en: format!(
            "{}: together {} is more than this page can read at once ({}): load them in several steps",
            names.join(", "),
            mb(total),
            mb(limit)
        ),
        zh: format!(
            "{}：合计 {}，超过本页面一次可读取的上限（{}）：请分几次载入",
            names.join("、"),
            mb(total),
            mb(limit)
        ),
    })
}

/// How many skipped features a summary lists.
pub const MAX_SKIPPED_SHOWN: usize = 500;

/// What one run produced.
#[derive(Debug)]
pub struct RunOutput {
    /// The report for the asked limit and rules.
    pub report: Report,
    /// The map, when the travel times changed since the last run (else the page keeps its
    /// own).
    pub scene: Option<Scene>,
    /// Nodes of the routing graph (0 without roads).
    pub graph_nodes: usize,
    /// With edits, the plan against the baseline (the same settings without them).
    pub comparison: Option<crate::app::compare::Comparison>,
}

/// The session.
#[derive(Debug, Default)]
pub struct Session {
    data: Dataset,
    version: u64,
    /// Extracts' bytes by file name, to read them again with another floor area per person.
    extracts: Vec<(String, Vec<u8>)>,
    osm: OsmOptions,
    /// How the user chose to read a file, by file name (a coordinate system wins over the
    /// file's own).
    choices: Vec<(String, FileChoice)>,
    /// Files kept to be read again with another choice: tables loaded, and files refused for
    /// want of a coordinate system (with the question).
    kept: Vec<Kept>,
    /// Travel times computed for the current data, by mode.
    analyses: Vec<(Mode, Analysis)>,
    /// The data version and mode of the last scene sent.
    scene_sent: Option<(u64, Mode)>,
    /// The admin rings of the last scene, in its plane, for the next ([`Scene::build_with`]).
    scene_rings: crate::app::scene::ProjectedRings,
    /// The speed table the travel times are computed with.
    speeds: SpeedTable,
    /// The data version, mode and cell size of the last surface sent.
    surface_sent: Option<(u64, Mode, u64)>,
    /// Edits taken back, the last taken back last: redo makes them again.
    redo: Vec<crate::engine::edits::Edit>,
    /// Travel times on the loaded data without the edits, by mode: the baseline a plan is
    /// compared with (kept while only the edits change).
    baselines: Vec<(Mode, Analysis)>,
    /// Named scenarios: each a list of edits, in the order saved.
    scenarios: Vec<(String, Vec<crate::engine::edits::Edit>)>,
    /// The analyses before the last edit, to reuse what the edit left unchanged.
    prior: Vec<(Mode, Analysis)>,
    /// The last baseline report, with the mode, limit and rules it is for: an edit changes
    /// only the plan's report.
    baseline_report: Option<(Mode, u64, RuleParams, Report)>,
    /// Why the last edit asked for was refused.
    edit_refused: Option<Bilingual>,
    /// The surface of the data as loaded (mode, cell size bits; its grid and minutes), to map
    /// the cells whose band an edit changes.
    baseline_surface: Option<((Mode, u64), crate::engine::surface::Grid, Vec<f32>)>,
}

impl Session {
    /// An empty session.
    pub fn new() -> Session {
        Session::default()
    }

    /// The loaded data.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// Loads `files`. With `replace`, what was loaded goes (the demo, say) as soon as one file
    /// loads. A file that cannot be read is reported and leaves the data as it was. Returns
    /// the problems, each naming its file.
    pub fn load(
        &mut self,
        files: Vec<InputFile>,
        replace: bool,
        progress: Progress,
    ) -> Vec<Bilingual> {
        // Each file loads whole or not at all (`Dataset::load_file` leaves the data as it was on
        // an error), so files added to what is loaded go straight in: copying a province's
        // layers to add a file would double the memory. A replacement is built aside and
        // taken only if a file loads, so that the demo stays when every file is refused.
        let (mut fresh, mut fresh_extracts) = (Dataset::default(), Vec::new());
        let (osm, choices) = (self.osm.clone(), self.choices.clone());
        let mut kept = Vec::new();
        // A file loaded already (a table read again with other columns) keeps how it was read.
        let loaded_before: Vec<String> = self.data.files.iter().map(|f| f.name.clone()).collect();
        let (next, extracts) = if replace {
            (&mut fresh, &mut fresh_extracts)
        } else {
            (&mut self.data, &mut self.extracts)
        };
        let (inputs, mut problems) = group_inputs(files);
        let mut loaded_any = false;
        let total = inputs.len() as u64;
        for (i, input) in inputs.into_iter().enumerate() {
            progress(Stage::Reading, i as u64, total);
            let name = input.name().to_string();
            let options = read_options(&osm, &choices, &name);
            let table = matches!(&input, Input::One(f) if crate::engine::io::Format::of(&f.name, &f.bytes) == crate::engine::io::Format::Table);
            let outcome = match &input {
                Input::One(InputFile { name, bytes }) => {
                    next.load_file(name, bytes, &options).map(|l| l.osm)
                }
                // (A bare set's parts are copied: kept, they can be read again as chosen.)
                Input::Shapefile { name, parts } => next
                    .load_parts(name, parts.clone(), &options)
                    .map(|l| l.osm),
            };
            match outcome {
                Ok(osm) => {
                    extracts.retain(|(n, _)| *n != name);
                    if osm {
                        // An extract's bytes are kept to read it again with another floor area.
                        if let Input::One(f) = input {
                            extracts.push((name, f.bytes));
                        }
                    } else if table {
                        kept.push(Kept {
                            input,
                            question: None,
                        });
                    }
                    loaded_any = true;
                }
                Err(e) => {
                    if let Some(u) = e.unplaced().filter(|_| !loaded_before.contains(&name)) {
                        kept.push(Kept {
                            input,
                            question: Some(CrsQuestion {
                                file: name.clone(),
                                x: u.x,
                                y: u.y,
                                candidates: u.candidates.clone(),
                            }),
                        });
                    }
                    problems.push(Bilingual {
                        en: crate::app::text::read_error(Lang::En, &e),
                        zh: crate::app::text::read_error(Lang::Zh, &e),
                    })
                }
            }
        }
        progress(Stage::Reading, total, total);
        if loaded_any && replace {
            self.data = fresh;
            self.extracts = fresh_extracts;
            self.kept.clear();
        }
        for k in kept {
            self.kept.retain(|o| o.input.name() != k.input.name());
            self.kept.push(k);
        }
        // A file loaded now is no longer waiting for a question.
        let loaded: Vec<String> = self.data.files.iter().map(|f| f.name.clone()).collect();
        self.kept.retain(|k| match &k.question {
            Some(q) => !loaded.contains(&q.file),
            None => true,
        });
        if loaded_any {
            self.changed();
        }
        problems
    }

    /// Reads the kept file `file` again as the user now chooses (its coordinate system, or a
    /// table's sheet and columns), replacing what it loaded before; with `replace`, what was
    /// loaded goes if it loads (the demo, say). The problems, each naming its file.
    pub fn reread(
        &mut self,
        file: &str,
        choice: FileChoice,
        replace: bool,
        progress: Progress,
    ) -> Vec<Bilingual> {
        if let Some(code) = &choice.crs {
            if let Err(e) = crate::engine::crs::system::named(code) {
                return vec![Bilingual {
                    en: format!("{file}: {e}"),
                    zh: format!("{file}：{e}"),
                }];
            }
        }
        let Some(at) = self.kept.iter().position(|k| k.input.name() == file) else {
            return vec![Bilingual {
                en: format!("{file}: not kept to be read again: load it again"),
                zh: format!("{file}：未保留该文件，请重新载入"),
            }];
        };
        let previous = self.choices.clone();
        self.choices.retain(|(f, _)| f != file);
        self.choices.push((file.to_string(), choice));
        let input = self.kept[at].input.clone();
        let files = match input {
            Input::One(f) => vec![f],
            Input::Shapefile { parts, .. } => parts
                .into_iter()
                .map(|(name, bytes)| InputFile { name, bytes })
                .collect(),
        };
        let problems = self.load(files, replace, progress);
        if !problems.is_empty() {
            // What loaded before stays, and so does how it was read.
            self.choices = previous;
        }
        problems
    }

    /// Replaces what is loaded with layers made by a program (the synthetic network of the
    /// timing view), as one file called `name`.
    pub fn load_generated(&mut self, name: &str, layers: Layers, progress: Progress) {
        progress(Stage::Reading, 0, 1);
        let mut data = Dataset::default();
        data.add_generated(name, layers);
        self.data = data;
        self.extracts.clear();
        self.changed();
        progress(Stage::Reading, 1, 1);
    }

    /// Reads the extracts again with `m2` square metres of floor area per resident (the
    /// building estimate). Refuses a value that is not a positive number.
    pub fn set_floor_area(&mut self, m2: f64, progress: Progress) -> Result<(), Bilingual> {
        if !(m2.is_finite() && m2 > 0.0) {
            return Err(Bilingual {
                en: format!("floor area per resident must be a positive number of m², not {m2}"),
                zh: format!("人均建筑面积必须是正数（平方米），而不是 {m2}"),
            });
        }
        if m2 == self.osm.floor_m2_per_person {
            return Ok(());
        }
        let options = OsmOptions {
            floor_m2_per_person: m2,
            ..self.osm.clone()
        };
        let mut next = self.data.clone();
        let total = self.extracts.len() as u64;
        for (i, (name, bytes)) in self.extracts.iter().enumerate() {
            progress(Stage::Reading, i as u64, total);
            if let Err(e) = next.load_osm(name, bytes, &options) {
                return Err(Bilingual {
                    en: format!("{name}: cannot read the OpenStreetMap extract: {e}"),
                    zh: format!("{name}：无法读取 OpenStreetMap 文件（{e}）"),
                });
            }
        }
        self.osm = options;
        self.data = next;
        if !self.extracts.is_empty() {
            self.changed();
        }
        Ok(())
    }

    /// Computes the travel times with `speeds` from now on (those of every mode again, and the
    /// map, when they differ from the table used so far).
    pub fn set_speeds(&mut self, speeds: SpeedTable) {
        if speeds != self.speeds {
            self.speeds = speeds;
            self.analyses.clear();
            self.prior.clear();
            self.baselines.clear();
            self.baseline_report = None;
            self.baseline_surface = None;
            self.scene_sent = None;
            self.surface_sent = None;
        }
    }

    /// Makes what-if edits ([`crate::app::editing::EditAsk`]): one made on the map (a click turned into an edit
    /// of the feature it names), undo, redo, a plan file's edits, or none. An edit that cannot
    /// apply is refused with the reason (kept for [`Session::summary`]) and changes nothing.
    pub fn edit(&mut self, ask: &crate::app::editing::EditAsk) -> Result<(), Bilingual> {
        let outcome = self.try_edit(ask);
        self.edit_refused = outcome.as_ref().err().cloned();
        outcome
    }

    fn try_edit(&mut self, ask: &crate::app::editing::EditAsk) -> Result<(), Bilingual> {
        use crate::app::editing::{resolve, EditAsk};
        use crate::engine::edits::Edit;
        let mut edits = self.data.edits().to_vec();
        let mut plan_speeds = None;
        let redo = match ask {
            EditAsk::Undo => {
                let Some(e) = edits.pop() else {
                    return Ok(());
                };
                let mut redo = std::mem::take(&mut self.redo);
                redo.push(e);
                redo
            }
            EditAsk::Redo => {
                let Some(e) = self.redo.last().cloned() else {
                    return Ok(());
                };
                edits.push(e);
                let mut redo = self.redo.clone();
                redo.pop();
                redo
            }
            EditAsk::Clear => {
                if edits.is_empty() {
                    return Ok(());
                }
                edits.clear();
                Vec::new()
            }
            EditAsk::SaveScenario { name } => {
                let name = name.trim();
                if name.is_empty() {
                    return Err(Bilingual {
                        en: "Give the scenario a name.".into(),
                        zh: "请为方案命名。".into(),
                    });
                }
                match self.scenarios.iter_mut().find(|(n, _)| n == name) {
                    Some((_, kept)) => *kept = edits,
                    None => self.scenarios.push((name.to_string(), edits)),
                }
                // Nothing to recompute: the edits stay as they are.
                return Ok(());
            }
            EditAsk::OpenScenario { name } => {
                edits = match name {
                    None => Vec::new(),
                    Some(name) => self
                        .scenarios
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, e)| e.clone())
                        .ok_or_else(|| Bilingual {
                            en: format!("No scenario is named {name}."),
                            zh: format!("没有名为“{name}”的方案。"),
                        })?,
                };
                if edits == self.data.edits() {
                    return Ok(());
                }
                Vec::new()
            }
            EditAsk::Plan { name, text } => {
                let plan =
                    crate::engine::edits::plan_file::read_plan(text).map_err(|e| Bilingual {
                        en: format!("{name}: {e}"),
                        zh: format!("{name}：不是可用的规划文件（{e}）"),
                    })?;
                edits = plan.edits;
                plan_speeds = plan.speeds;
                Vec::new()
            }
            _ => {
                let next_id = edits
                    .iter()
                    .filter_map(|e| match e {
                        Edit::AddFacility { id, .. } => Some(id + 1),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                let (layers, _) = self.data.layers_and_warnings();
                edits.push(resolve(ask, &layers, &self.data.file_names(), next_id)?);
                Vec::new()
            }
        };
        self.data
            .set_edits(edits)
            .map_err(|e| crate::app::text::edit_error(&e))?;
        self.redo = redo;
        if let Some(speeds) = plan_speeds {
            // The plan's speeds from now on (the page takes them from the summary).
            self.set_speeds(speeds);
        }
        // The baseline stays: only the edits changed.
        let baselines = std::mem::take(&mut self.baselines);
        let baseline_report = self.baseline_report.take();
        let baseline_surface = self.baseline_surface.take();
        let prior = std::mem::take(&mut self.analyses);
        self.changed();
        self.baselines = baselines;
        self.baseline_report = baseline_report;
        self.baseline_surface = baseline_surface;
        self.prior = prior;
        Ok(())
    }

    /// Each edit in words, with the name of the facility or road it is about (in `base`, the
    /// layers before the edits).
    fn edit_labels(&self, base: &Layers) -> Vec<Bilingual> {
        use crate::engine::edits::{Edit, FacilityRef};
        let edits = self.data.edits();
        let names = self.data.file_names();
        let file_of = |file: &str| names.iter().position(|n| n == file).map(|i| i as u32);
        edits
            .iter()
            .map(|e| {
                let name = match e {
                    Edit::MoveFacility { facility, .. }
                    | Edit::DeleteFacility { facility }
                    | Edit::SetFacility { facility, .. } => match facility {
                        FacilityRef::Loaded(at) => file_of(&at.file).and_then(|file| {
                            base.facilities
                                .iter()
                                .find(|f| f.source.file == file && f.source.feature == at.index)
                                .and_then(|f| f.name.clone())
                        }),
                        FacilityRef::Added { .. } => None,
                    },
                    Edit::CloseRoad { road } | Edit::SetRoad { road, .. } => file_of(&road.file)
                        .and_then(|file| {
                            base.roads
                                .iter()
                                .find(|r| r.source.file == file && r.source.feature == road.index)
                                .and_then(|r| r.name.clone())
                        }),
                    Edit::AddFacility { .. } => None,
                };
                crate::app::text::edit_label(e, name.as_deref())
            })
            .collect()
    }

    /// The plan file of the edits made ([`crate::engine::edits::plan_file`]).
    pub fn plan_file(&self) -> String {
        self.plan_file_over(&self.data.base_layers())
    }

    /// [`Session::plan_file`], with the layers before the edits already gathered.
    fn plan_file_over(&self, base: &Layers) -> String {
        let speeds = (self.speeds != SpeedTable::default()).then_some(&self.speeds);
        crate::engine::edits::plan_file::write(
            self.data.edits(),
            base,
            &self.data.file_names(),
            speeds,
        )
    }

    fn changed(&mut self) {
        self.version += 1;
        self.analyses.clear();
        self.prior.clear();
        self.baselines.clear();
        self.baseline_report = None;
        self.baseline_surface = None;
        self.scene_sent = None;
        self.surface_sent = None;
    }

    /// What is loaded.
    pub fn summary(&self) -> DataSummary {
        let base = (!self.data.edits().is_empty()).then(|| self.data.base_layers());
        DataSummary {
            version: self.version,
            files: self
                .data
                .files
                .iter()
                .map(|f| (f.name.clone(), f.osm))
                .collect(),
            counts: self.data.counts(),
            skipped: self
                .data
                .files
                .iter()
                .flat_map(|f| f.layers.skipped.iter().map(|k| (f.name.clone(), k.clone())))
                .take(MAX_SKIPPED_SHOWN)
                .collect(),
            notes: self
                .data
                .files
                .iter()
                .flat_map(|f| f.layers.notes.iter().cloned())
                .collect(),
            population_estimated: self.data.population_estimated(),
            floor_m2_per_person: self.osm.floor_m2_per_person,
            questions: self
                .kept
                .iter()
                .filter_map(|k| k.question.clone())
                .collect(),
            tables: self
                .kept
                .iter()
                .filter(|k| k.question.is_none())
                .filter_map(|k| match &k.input {
                    Input::One(f) => {
                        let options = read_options(&self.osm, &self.choices, &f.name);
                        crate::engine::io::table::describe(&f.name, &f.bytes, &options.table)
                            .ok()
                            .map(|info| (f.name.clone(), info))
                    }
                    Input::Shapefile { .. } => None,
                })
                .collect(),
            edits: self.data.edits().to_vec(),
            redo: self.redo.len(),
            edit_refused: self.edit_refused.clone(),
            // The layers before the edits, gathered once for the labels and the plan file.
            edit_labels: base.as_ref().map_or_else(Vec::new, |b| self.edit_labels(b)),
            speeds: self.speeds.clone(),
            scenarios: self
                .scenarios
                .iter()
                .map(|(n, e)| (n.clone(), !e.is_empty() && e == self.data.edits()))
                .collect(),
            plan_file: base
                .as_ref()
                .map_or_else(String::new, |b| self.plan_file_over(b)),
            work: self.work(),
        }
    }

    /// What the session holds beyond the files' bytes ([`Work`]).
    pub fn work(&self) -> Work {
        Work {
            choices: self.choices.clone(),
            edits: self.data.edits().to_vec(),
            redo: self.redo.clone(),
            scenarios: self.scenarios.clone(),
        }
    }

    /// Takes up `work` on the files loaded (the same files, given again): files read again as
    /// chosen, the edits made again, the edits taken back and the scenarios kept. What cannot
    /// be taken up (a file no longer loaded, edits that no longer apply) is told in the
    /// problems, and the rest goes on.
    pub fn resume(&mut self, work: &Work, progress: Progress) -> Vec<Bilingual> {
        let mut problems = Vec::new();
        let before = self.work();
        for (file, choice) in &work.choices {
            if self.choices.iter().any(|(f, c)| f == file && c == choice) {
                continue;
            }
            if self.kept.iter().any(|k| k.input.name() == file) {
                problems.extend(self.reread(file, choice.clone(), false, progress));
            } else {
                // Used when a file of that name is loaded.
                self.choices.retain(|(f, _)| f != file);
                self.choices.push((file.clone(), choice.clone()));
            }
        }
        if work.edits != self.data.edits() {
            match self.data.set_edits(work.edits.clone()) {
                Ok(()) => self.changed(),
                Err(e) => {
                    let e = crate::app::text::edit_error(&e);
                    problems.push(Bilingual {
                        en: format!("The edits kept could not be made again: {}", e.en),
                        zh: format!("保存的修改无法重新应用：{}", e.zh),
                    });
                }
            }
        }
        self.redo = work.redo.clone();
        self.scenarios = work.scenarios.clone();
        if self.work() != before {
            // The page shows the scenarios and the redo count anew.
            self.version += 1;
        }
        problems
    }

    /// The report for `mode`, `limit_min` and `rules`, computing the mode's travel times only
    /// if they are not known yet, and the map when it changed since the last run.
    pub fn run(
        &mut self,
        mode: Mode,
        limit_min: f64,
        rules: &RuleParams,
        progress: Progress,
    ) -> Result<RunOutput, AnalysisError> {
        let speeds = self.speeds.clone();
        Options {
            mode,
            limit_min,
            speeds: speeds.clone(),
            rules: rules.clone(),
        }
        .validate()?;
        let at = self.analysis_index(mode, progress)?;
        progress(Stage::Summarising, 0, 0);
        let analysis = &self.analyses[at].1;
        let report = analysis.report(limit_min, rules);
        let key = (self.version, mode);
        let scene = (self.scene_sent != Some(key))
            .then(|| Scene::build_with(analysis, &mut self.scene_rings));
        self.scene_sent = Some(key);
        let graph_nodes = analysis.reach.graph_nodes();
        let comparison = if self.data.edits().is_empty() {
            None
        } else {
            let at = self.baseline_index(mode, progress)?;
            let key = (mode, limit_min.to_bits(), rules.clone());
            let cached = self
                .baseline_report
                .as_ref()
                .is_some_and(|(m, l, r, _)| (*m, *l, r.clone()) == key);
            if !cached {
                let baseline = self.baselines[at].1.report(limit_min, rules);
                self.baseline_report = Some((key.0, key.1, key.2, baseline));
            }
            self.baseline_report
                .as_ref()
                .map(|(_, _, _, baseline)| crate::app::compare::compare(baseline, &report))
        };
        Ok(RunOutput {
            report,
            scene,
            graph_nodes,
            comparison,
        })
    }

    /// The position in `baselines` of `mode`'s analysis of the data as loaded (without the
    /// edits), computing it if it is not known yet.
    fn baseline_index(&mut self, mode: Mode, progress: Progress) -> Result<usize, AnalysisError> {
        if let Some(i) = self.baselines.iter().position(|(m, _)| *m == mode) {
            return Ok(i);
        }
        let a = Analysis::run_baseline(&self.data, mode, &self.speeds, progress)?;
        self.baselines.push((mode, a));
        Ok(self.baselines.len() - 1)
    }

    /// The position in `analyses` of `mode`'s analysis, computing it if it is not known yet.
    fn analysis_index(&mut self, mode: Mode, progress: Progress) -> Result<usize, AnalysisError> {
        if let Some(i) = self.analyses.iter().position(|(m, _)| *m == mode) {
            return Ok(i);
        }
        let analysis = match self.prior.iter().position(|(m, _)| *m == mode) {
            // After an edit: what it left unchanged is reused.
            Some(i) => {
                let (_, prior) = self.prior.swap_remove(i);
                Analysis::run_after(&self.data, mode, &self.speeds, progress, prior)?
            }
            None => Analysis::run_with(&self.data, mode, &self.speeds, progress)?,
        };
        self.analyses.push((mode, analysis));
        Ok(self.analyses.len() - 1)
    }

    /// The travel-time surface of `mode` at `cell_m` ([`planning::surface_for_page`]).
    pub fn surface(
        &mut self,
        mode: Mode,
        cell_m: f64,
        progress: Progress,
    ) -> Result<(SurfaceInfo, Vec<f32>), Bilingual> {
        let at = self.analysis_index(mode, progress).map_err(bilingual)?;
        let (mut info, minutes) =
            planning::surface_for_page(&self.analyses[at].1, cell_m, progress)?;
        if !self.data.edits().is_empty() {
            // The difference map: the cells whose band the edits changed.
            let key = (mode, cell_m.to_bits());
            if self.baseline_surface.as_ref().map(|(k, _, _)| *k) != Some(key) {
                let at = self.baseline_index(mode, progress).map_err(bilingual)?;
                let (before, minutes) =
                    planning::surface_for_page(&self.baselines[at].1, cell_m, progress)?;
                self.baseline_surface = Some((key, before.grid, minutes));
            }
            if let Some((_, grid, before)) = &self.baseline_surface {
                info.changed =
                    crate::app::compare::changed_cells(grid, before, &info.grid, &minutes);
            }
        }
        Ok((info, minutes))
    }

    /// [`Session::surface`] when it changed since the last one sent (new data, mode or cell
    /// size), else `None`.
    pub fn surface_update(
        &mut self,
        mode: Mode,
        cell_m: f64,
        progress: Progress,
    ) -> Option<Result<(SurfaceInfo, Vec<f32>), Bilingual>> {
        let key = (self.version, mode, cell_m.to_bits());
        if self.surface_sent == Some(key) {
            return None;
        }
        self.surface_sent = Some(key);
        Some(self.surface(mode, cell_m, progress))
    }

    /// Site suggestions for `ask` ([`planning::plan_for_page`]), with the candidates file's
    /// bytes when it names one.
    pub fn plan(
        &mut self,
        ask: &PlanAsk,
        candidates: Option<&[u8]>,
        progress: Progress,
    ) -> Result<Plan, Bilingual> {
        let at = self.analysis_index(ask.mode, progress).map_err(bilingual)?;
        planning::plan_for_page(&self.analyses[at].1, ask, candidates, progress)
    }

    /// Capacity-limited coverage for `ask` ([`crate::app::access_view::access_view`]).
    pub fn access(
        &mut self,
        ask: &crate::app::access_view::AccessAsk,
        progress: Progress,
    ) -> Result<crate::app::access_view::AccessView, Bilingual> {
        let at = self.analysis_index(ask.mode, progress).map_err(bilingual)?;
        crate::app::access_view::access_view(&self.analyses[at].1, ask)
    }

    /// Forgets that a scene was sent (the page lost it, e.g. a new page connected).
    pub fn resend_scene(&mut self) {
        self.scene_sent = None;
        self.surface_sent = None;
    }
}

/// What one load reads: a file, or a shapefile's parts given together.
#[derive(Clone, Debug)]
enum Input {
    /// One file, in whichever format.
    One(InputFile),
    /// A bare shapefile: its `.shp` and the sidecars with the same name.
    Shapefile {
        /// The `.shp`'s name.
        name: String,
        /// Every part, by name.
        parts: Vec<(String, Vec<u8>)>,
    },
}

impl Input {
    fn name(&self) -> &str {
        match self {
            Input::One(f) => &f.name,
            Input::Shapefile { name, .. } => name,
        }
    }
}

/// A file kept to be read again: a table loaded, or a file waiting for its coordinate system.
#[derive(Clone, Debug)]
struct Kept {
    input: Input,
    question: Option<CrsQuestion>,
}

/// The files of one load, with each bare shapefile's parts (`.shp`, `.shx`, `.dbf`, `.prj`,
/// `.cpg`, … of the same name) gathered into one input; a sidecar without its `.shp` is a
/// problem named for the user.
fn group_inputs(files: Vec<InputFile>) -> (Vec<Input>, Vec<Bilingual>) {
    use crate::engine::io::shapefile::part_extension;
    let stem_of = |name: &str| part_extension(name).map(|(stem, ext)| (stem.to_lowercase(), ext));
    let shp_stems: Vec<String> = files
        .iter()
        .filter_map(|f| stem_of(&f.name))
        .filter(|(_, ext)| ext == "shp")
        .map(|(stem, _)| stem)
        .collect();
    let mut inputs: Vec<Input> = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        match stem_of(&f.name) {
            Some((stem, ext)) if shp_stems.contains(&stem) => {
                let at = inputs.iter().position(|i| {
                    matches!(i, Input::Shapefile { name, .. } if stem_of(name).is_some_and(|(s, _)| s == stem))
                });
                let shp_name = (ext == "shp").then(|| f.name.clone());
                match at {
                    Some(i) => {
                        if let Input::Shapefile { name, parts } = &mut inputs[i] {
                            if let Some(n) = shp_name {
                                *name = n;
                            }
                            parts.push((f.name, f.bytes));
                        }
                    }
                    None => inputs.push(Input::Shapefile {
                        name: shp_name.unwrap_or_else(|| format!("{stem}.shp")),
                        parts: vec![(f.name, f.bytes)],
                    }),
                }
            }
            // Indexes and metadata (.shx, .sbn, .qix, .shp.xml) of a shapefile not given: no use
            // alone, and not worth a message.
            Some((_, ext)) if matches!(ext.as_str(), "shx" | "qix" | "sbn" | "sbx" | "xml") => {}
            Some((_, ext)) if ext != "shp" => problems.push(Bilingual {
                en: format!(
                    "{}: part of a shapefile, but its .shp was not given with it: give the .shp, .dbf and .prj together (or the .zip)",
                    f.name
                ),
                zh: format!(
                    "{}：这是 Shapefile 的组成文件，但没有同时给出其 .shp：请一起给出 .shp、.dbf、.prj（或压缩包 .zip）",
                    f.name
                ),
            }),
            _ => inputs.push(Input::One(f)),
        }
    }
    (inputs, problems)
}

/// An analysis error in both languages.
fn bilingual(e: AnalysisError) -> Bilingual {
    Bilingual {
        en: crate::app::text::analysis_error(Lang::En, &e),
        zh: crate::app::text::analysis_error(Lang::Zh, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::io::table::TableChoice;

    fn demo_files() -> Vec<InputFile> {
        let county = crate::devtools::demo_county::generate(crate::devtools::demo_county::SEED);
        InputFile::texts(&county.files())
    }

    fn quiet() -> impl FnMut(Stage, u64, u64) {
        |_, _, _| {}
    }

    #[test]
    fn edits_undo_and_redo_compare_with_the_baseline_at_the_settings_asked() {
        use crate::app::editing::EditAsk;
        let mut s = Session::new();
        assert!(s.load(demo_files(), true, &mut quiet()).is_empty());
        let rules = RuleParams::default();
        let before = s.run(Mode::Walk, 15.0, &rules, &mut quiet()).unwrap();
        assert!(before.comparison.is_none());
        let at = s.data().layers().settlements[0].at;
        let kind = crate::engine::model::FacilityKind::MedicalServicePoint;
        s.edit(&EditAsk::Add { kind, at }).unwrap();
        assert_eq!(s.summary().edits.len(), 1);
        assert_eq!(s.summary().edit_labels.len(), 1);
        assert!(!s.summary().plan_file.is_empty());
        for limit in [15.0, 10.0, 15.0] {
            let out = s.run(Mode::Walk, limit, &rules, &mut quiet()).unwrap();
            let c = out.comparison.expect("a comparison with an edit");
            let baseline = s
                .baselines
                .iter()
                .find(|(m, _)| *m == Mode::Walk)
                .unwrap()
                .1
                .report(limit, &rules);
            assert_eq!(c.before, baseline.summary, "limit {limit}");
            assert_eq!(c.after, out.report.summary);
        }
        // Undo: the data as loaded again; redo: the edit again.
        s.edit(&EditAsk::Undo).unwrap();
        let undone = s.run(Mode::Walk, 15.0, &rules, &mut quiet()).unwrap();
        assert!(undone.comparison.is_none());
        assert_eq!(undone.report, before.report);
        assert_eq!(s.summary().redo, 1);
        s.edit(&EditAsk::Redo).unwrap();
        assert_eq!(s.summary().edits.len(), 1);
        assert_eq!(s.summary().redo, 0);
        // A click far from any facility asks for nothing that applies: refused, kept.
        let far = crate::engine::crs::LonLat {
            lon: at.lon + 5.0,
            lat: at.lat,
        };
        assert!(s
            .edit(&EditAsk::Delete {
                at: far,
                within_m: 10.0
            })
            .is_err());
        assert!(s.summary().edit_refused.is_some());
        assert_eq!(s.summary().edits.len(), 1);
        s.edit(&EditAsk::Clear).unwrap();
        assert!(s.summary().edits.is_empty() && s.summary().edit_refused.is_none());
        // A plan with its own speeds: they are the session's from now on.
        let slow = SpeedTable {
            walk_kmh: 3.0,
            ..SpeedTable::default()
        };
        s.edit(&EditAsk::Add { kind, at }).unwrap();
        s.set_speeds(slow.clone());
        let text = s.plan_file();
        s.set_speeds(SpeedTable::default());
        s.edit(&EditAsk::Clear).unwrap();
        s.edit(&EditAsk::Plan {
            name: "plan.geojson".into(),
            text,
        })
        .unwrap();
        assert_eq!(s.summary().speeds, slow);
        assert_eq!(s.summary().edits.len(), 1);
        // Named scenarios: kept, opened again, the data as loaded in between.
        s.set_speeds(SpeedTable::default());
        assert!(s.edit(&EditAsk::SaveScenario { name: " ".into() }).is_err());
        s.edit(&EditAsk::SaveScenario { name: "A".into() }).unwrap();
        let a = s.summary().edits.clone();
        s.edit(&EditAsk::OpenScenario { name: None }).unwrap();
        assert!(s.summary().edits.is_empty());
        assert_eq!(s.summary().scenarios, vec![("A".to_string(), false)]);
        s.edit(&EditAsk::OpenScenario {
            name: Some("A".into()),
        })
        .unwrap();
        assert_eq!(s.summary().edits, a);
        assert_eq!(s.summary().scenarios, vec![("A".to_string(), true)]);
        assert!(s
            .edit(&EditAsk::OpenScenario {
                name: Some("B".into())
            })
            .is_err());
    }

    #[test]
    fn another_speed_table_recomputes_the_travel_times() {
        let mut s = Session::new();
        assert!(s.load(demo_files(), true, &mut quiet()).is_empty());
        let rules = RuleParams::default();
        let share = |s: &mut Session| {
            s.run(Mode::Walk, 15.0, &rules, &mut quiet())
                .unwrap()
                .report
                .summary
                .share_within_limit
                .unwrap()
        };
        let normal = share(&mut s);
        s.set_speeds(SpeedTable {
            walk_kmh: 2.5,
            ..SpeedTable::default()
        });
        let slow = share(&mut s);
        assert!(slow < normal, "{slow} against {normal}");
        s.set_speeds(SpeedTable::default());
        assert_eq!(share(&mut s), normal);
    }

    #[test]
    fn a_new_session_given_the_files_and_the_work_shows_the_same_report() {
        use crate::app::editing::EditAsk;
        let with_crs =
            String::from_utf8(fixture("tests/data/crs/settlements_epsg4544.geojson")).unwrap();
        let bare = with_crs.replace(
            r#""crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::4544" } },"#,
            "",
        );
        let gk = InputFile {
            name: "gk.geojson".into(),
            bytes: bare.into_bytes(),
        };
        let files = || {
            let mut files = demo_files();
            files.push(gk.clone());
            files
        };
        let rules = RuleParams::default();
        let mut s = Session::new();
        assert_eq!(s.load(files(), true, &mut quiet()).len(), 1, "gk asks");
        let choice = FileChoice {
            crs: Some("EPSG:4544".into()),
            ..FileChoice::default()
        };
        assert!(s
            .reread("gk.geojson", choice, false, &mut quiet())
            .is_empty());
        let at = s.data().layers().settlements[0].at;
        let kind = crate::engine::model::FacilityKind::MedicalServicePoint;
        s.edit(&EditAsk::Add { kind, at }).unwrap();
        s.edit(&EditAsk::SaveScenario { name: "一".into() })
            .unwrap();
        s.edit(&EditAsk::Add {
            kind,
            at: s.data().layers().settlements[1].at,
        })
        .unwrap();
        s.edit(&EditAsk::Undo).unwrap();
        let work = s.work();
        assert_eq!((work.edits.len(), work.redo.len()), (1, 1));
        let report = s
            .run(Mode::Walk, 15.0, &rules, &mut quiet())
            .unwrap()
            .report;

        let mut t = Session::new();
        assert_eq!(t.load(files(), true, &mut quiet()).len(), 1);
        assert!(t.resume(&work, &mut quiet()).is_empty());
        assert_eq!(t.work(), work);
        assert_eq!(t.summary().scenarios, s.summary().scenarios);
        assert_eq!(t.summary().redo, 1);
        assert!(t.summary().questions.is_empty(), "gk read as chosen");
        assert_eq!(
            t.run(Mode::Walk, 15.0, &rules, &mut quiet())
                .unwrap()
                .report,
            report
        );
        // Edits naming a file no longer loaded are told, and the rest is taken up.
        let mut gone = work.clone();
        gone.edits.push(crate::engine::edits::Edit::DeleteFacility {
            facility: crate::engine::edits::FacilityRef::Loaded(crate::engine::edits::FeatureRef {
                file: "gone.geojson".into(),
                index: 0,
            }),
        });
        let mut u = Session::new();
        u.load(files(), true, &mut quiet());
        let problems = u.resume(&gone, &mut quiet());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].en.starts_with("The edits kept could not"));
        assert_eq!(u.summary().scenarios.len(), 1);
    }

    #[test]
    fn a_click_sets_a_facility_s_capacity_and_a_road_s_class_and_speed() {
        use crate::app::editing::EditAsk;
        use crate::engine::model::{Capacity, CapacityField};
        let mut s = Session::new();
        assert!(s.load(demo_files(), true, &mut quiet()).is_empty());
        let layers = s.data().layers();
        let f = &layers.facilities[0];
        let (at, kind) = (f.at, f.kind);
        let capacity = Capacity {
            doctors: Some(7.0),
            ..Capacity::default()
        };
        s.edit(&EditAsk::SetCapacity {
            at,
            within_m: 50.0,
            capacity,
        })
        .unwrap();
        let edited = &s.data().layers().facilities[0];
        assert_eq!(edited.capacity.get(CapacityField::Doctors), Some(7.0));
        assert_eq!(edited.kind, kind, "the kind stays");
        assert_eq!(edited.capacity.beds, layers.facilities[0].capacity.beds);

        // The road under a point of it: a track of the longest county road slows the cars.
        let rules = RuleParams::default();
        let before = s
            .run(Mode::Drive, 15.0, &rules, &mut quiet())
            .unwrap()
            .report;
        let road = layers
            .roads
            .iter()
            .filter(|r| ["secondary", "tertiary"].contains(&r.class.as_str()))
            .max_by_key(|r| r.lines.iter().map(Vec::len).sum::<usize>())
            .unwrap();
        let mid = road.lines[0][road.lines[0].len() / 2];
        let set = |speed: f64| EditAsk::SetRoad {
            at: mid,
            within_m: 5.0,
            class: Some("track".into()),
            speed_kmh: Some(speed),
        };
        assert!(s.edit(&set(0.0)).is_err(), "a speed of zero is refused");
        assert_eq!(s.summary().edits.len(), 1);
        s.edit(&set(10.0)).unwrap();
        assert!(matches!(
            s.summary().edits[1],
            crate::engine::edits::Edit::SetRoad { .. }
        ));
        let after = s
            .run(Mode::Drive, 15.0, &rules, &mut quiet())
            .unwrap()
            .report;
        assert_ne!(after.summary, before.summary);
        let far = crate::engine::crs::LonLat {
            lon: mid.lon + 3.0,
            lat: mid.lat,
        };
        let refused = s
            .edit(&EditAsk::SetRoad {
                at: far,
                within_m: 5.0,
                class: None,
                speed_kmh: Some(30.0),
            })
            .unwrap_err();
        assert!(
            refused.en.starts_with("No road within 5 m"),
            "{}",
            refused.en
        );
    }

    #[test]
    fn the_surface_after_an_edit_lists_the_cells_whose_band_changed() {
        use crate::app::editing::EditAsk;
        let mut s = Session::new();
        assert!(s.load(demo_files(), true, &mut quiet()).is_empty());
        let (plain, _) = s.surface(Mode::Walk, 200.0, &mut quiet()).unwrap();
        assert!(plain.changed.is_empty());
        let rules = RuleParams::default();
        let report = s
            .run(Mode::Walk, 15.0, &rules, &mut quiet())
            .unwrap()
            .report;
        let far = report
            .settlements
            .iter()
            .max_by(|a, b| {
                a.time_min
                    .unwrap_or(0.0)
                    .total_cmp(&b.time_min.unwrap_or(0.0))
            })
            .unwrap();
        let at = s.data().layers().settlements[far.index].at;
        let kind = crate::engine::model::FacilityKind::MedicalServicePoint;
        s.edit(&EditAsk::Add { kind, at }).unwrap();
        let (edited, minutes) = s.surface(Mode::Walk, 200.0, &mut quiet()).unwrap();
        assert!(!edited.changed.is_empty());
        // Each cell listed got faster (a facility added lowers times only) into another band.
        let (_, before) = s.baseline_surface.clone().map(|(_, g, m)| (g, m)).unwrap();
        for &i in &edited.changed {
            let (b, a) = (before[i as usize], minutes[i as usize]);
            assert!(a < b, "cell {i}: {b} -> {a}");
        }
        s.edit(&EditAsk::Undo).unwrap();
        let (undone, _) = s.surface(Mode::Walk, 200.0, &mut quiet()).unwrap();
        assert!(undone.changed.is_empty());
    }

    #[test]
    fn files_larger_than_the_page_can_hold_are_refused_before_they_are_read() {
        let mib = 1_048_576.0;
        let files = |sizes: &[f64]| -> Vec<(String, f64)> {
            sizes
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("f{i}.geojson"), s * mib))
                .collect()
        };
        assert_eq!(too_large(&files(&[10.0, 20.0]), 100.0 * mib), None);
        let one = too_large(&files(&[10.0, 150.0]), 100.0 * mib).unwrap();
        assert!(one.en.starts_with("f1.geojson: 150 MB"), "{}", one.en);
        assert!(one.en.contains("100 MB a file"));
        let all = too_large(&files(&[60.0, 60.0]), 100.0 * mib).unwrap();
        assert!(all.en.contains("together 120 MB"), "{}", all.en);
    }

    fn fixture(rel: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
    }

    #[test]
    fn a_file_without_its_coordinate_system_is_asked_about_and_read_as_chosen() {
        let mut s = Session::new();
        assert!(s.load(demo_files(), true, &mut quiet()).is_empty());
        let with_crs =
            String::from_utf8(fixture("tests/data/crs/settlements_epsg4544.geojson")).unwrap();
        let bare = with_crs.replace(
            r#""crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::4544" } },"#,
            "",
        );
        let before = s.summary();
        let file = |bytes: &str| InputFile {
            name: "gk.geojson".into(),
            bytes: bytes.as_bytes().to_vec(),
        };
        let problems = s.load(vec![file(&bare)], false, &mut quiet());
        assert_eq!(problems.len(), 1, "{problems:?}");
        let summary = s.summary();
        assert_eq!(summary.version, before.version, "what was loaded stays");
        assert_eq!(summary.questions.len(), 1);
        assert_eq!(summary.questions[0].file, "gk.geojson");
        // A wrong choice is refused and the question stays.
        let problems = s.reread(
            "gk.geojson",
            FileChoice {
                crs: Some("EPSG:4523".into()),
                ..FileChoice::default()
            },
            false,
            &mut quiet(),
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(s.summary().questions.len(), 1);
        assert!(s.reread(
            "gk.geojson",
            FileChoice {
                crs: Some("mars".into()),
                ..FileChoice::default()
            },
            false,
            &mut quiet()
        )[0]
        .en
        .contains("mars"));
        // The right one loads it and the question goes.
        let problems = s.reread(
            "gk.geojson",
            FileChoice {
                crs: Some("EPSG:4544".into()),
                ..FileChoice::default()
            },
            false,
            &mut quiet(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let summary = s.summary();
        assert!(summary.questions.is_empty());
        assert!(summary.files.iter().any(|(n, _)| n == "gk.geojson"));
        assert_eq!(summary.counts.settlements, 2 * before.counts.settlements);
    }

    #[test]
    fn a_table_s_sheet_and_columns_can_be_changed() {
        let mut s = Session::new();
        let book = fixture("tests/data/table/facilities_bd09.xlsx");
        let problems = s.load(
            vec![InputFile {
                name: "facilities_bd09.xlsx".into(),
                bytes: book,
            }],
            true,
            &mut quiet(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let summary = s.summary();
        let (name, info) = &summary.tables[0];
        assert_eq!(name, "facilities_bd09.xlsx");
        assert!(info.sheets.len() >= 2, "{info:?}");
        assert_eq!(info.sheet.as_deref(), Some(info.sheets[0].as_str()));
        assert_eq!(info.lon.as_deref(), Some("百度经度"));
        assert_eq!(info.lat.as_deref(), Some("百度纬度"));
        let facilities = summary.counts.facilities;
        // Swapping the columns puts every position out of range: refused, nothing changes.
        let swapped = FileChoice {
            table: TableChoice {
                lon: Some("百度纬度".into()),
                lat: Some("百度经度".into()),
                sheet: None,
            },
            ..FileChoice::default()
        };
        let problems = s.reread("facilities_bd09.xlsx", swapped, false, &mut quiet());
        assert!(!problems.is_empty());
        assert_eq!(s.summary().counts.facilities, facilities);
        // The notes sheet has no coordinates: named in the problem.
        let notes = FileChoice {
            table: TableChoice {
                sheet: Some(info.sheets[1].clone()),
                ..TableChoice::default()
            },
            ..FileChoice::default()
        };
        let problems = s.reread("facilities_bd09.xlsx", notes, false, &mut quiet());
        assert!(
            problems[0].en.contains("facilities_bd09.xlsx"),
            "{problems:?}"
        );
        // Read as WGS84 rather than Baidu's offset: the same facilities, moved.
        let wgs = FileChoice {
            crs: Some("wgs84".into()),
            ..FileChoice::default()
        };
        let problems = s.reread("facilities_bd09.xlsx", wgs, false, &mut quiet());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.summary().counts.facilities, facilities);
    }

    #[test]
    fn a_new_limit_reuses_the_travel_times_and_the_map() {
        let mut s = Session::new();
        let mut stages = Vec::new();
        let problems = s.load(demo_files(), true, &mut |st, _, _| stages.push(st));
        assert!(problems.is_empty());
        assert_eq!(stages.first(), Some(&Stage::Reading));
        let rules = RuleParams::default();
        let mut seen = Vec::new();
        let first = s
            .run(Mode::Drive, 15.0, &rules, &mut |st, _, _| seen.push(st))
            .unwrap();
        assert!(first.scene.is_some());
        for st in [
            Stage::Building,
            Stage::Joining,
            Stage::Routing,
            Stage::Summarising,
        ] {
            assert!(seen.contains(&st), "{st:?} reported");
        }
        seen.clear();
        let second = s
            .run(Mode::Drive, 10.0, &rules, &mut |st, _, _| seen.push(st))
            .unwrap();
        assert_eq!(seen, vec![Stage::Summarising], "only the report is rebuilt");
        assert!(second.scene.is_none(), "the map did not change");
        assert_eq!(second.report.limit_min, 10.0);
        // The same answer as a fresh check.
        let fresh = crate::app::analysis::check(
            s.data(),
            &Options {
                mode: Mode::Drive,
                limit_min: 10.0,
                ..Options::default()
            },
        )
        .unwrap();
        // (The command line's check words its findings in English; the page's report does not.)
        let mut worded = second.report.clone();
        crate::app::text::word_report(&mut worded, Lang::En);
        assert_eq!(worded, fresh);
        // Another mode computes once; switching back costs only the report.
        assert!(s
            .run(Mode::Walk, 10.0, &rules, &mut quiet())
            .unwrap()
            .scene
            .is_some());
        seen.clear();
        let back = s
            .run(Mode::Drive, 10.0, &rules, &mut |st, _, _| seen.push(st))
            .unwrap();
        assert_eq!(seen, vec![Stage::Summarising]);
        assert!(back.scene.is_some(), "the map shows the other mode again");
    }

    #[test]
    fn a_synthetic_network_replaces_the_data_and_runs() {
        let mut s = Session::new();
        s.load(demo_files(), true, &mut quiet());
        let version = s.summary().version;
        s.load_generated(
            "synthetic-2000",
            crate::devtools::synthetic::generate(2_000, 1),
            &mut quiet(),
        );
        let summary = s.summary();
        assert!(summary.version > version);
        assert_eq!(summary.files, vec![("synthetic-2000".to_string(), false)]);
        let layers = crate::devtools::synthetic::generate(2_000, 1);
        let c = summary.counts;
        assert_eq!(
            [c.roads, c.facilities, c.settlements, c.admin],
            [
                layers.roads.len(),
                layers.facilities.len(),
                layers.settlements.len(),
                layers.admin.len()
            ]
        );
        let out = s
            .run(Mode::Drive, 15.0, &RuleParams::default(), &mut quiet())
            .unwrap();
        assert!(out.scene.is_some());
        assert_eq!(out.report.summary.settlements, layers.settlements.len());
        // Findings name the generated file's places (sources point at it).
        assert!(!out.report.findings.is_empty());
    }

    #[test]
    fn added_files_join_the_data_and_a_refused_one_changes_nothing() {
        let mut s = Session::new();
        s.load(demo_files(), true, &mut quiet());
        let before = s.summary();
        // Refused alone: nothing changes, not even the version.
        let problems = s.load(
            vec![InputFile {
                name: "broken.geojson".into(),
                bytes: b"{".to_vec(),
            }],
            false,
            &mut quiet(),
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(s.summary(), before);
        // One good file and one bad: the good one is added beside the demo's files.
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":7},"geometry":{"type":"Point","coordinates":[1.5,42.5]}}]}"#;
        let problems = s.load(
            vec![
                InputFile {
                    name: "extra.geojson".into(),
                    bytes: point.as_bytes().to_vec(),
                },
                InputFile {
                    name: "broken.geojson".into(),
                    bytes: b"{".to_vec(),
                },
            ],
            false,
            &mut quiet(),
        );
        assert_eq!(problems.len(), 1);
        let after = s.summary();
        assert!(after.version > before.version);
        assert_eq!(after.files.len(), before.files.len() + 1);
        assert_eq!(after.counts.settlements, before.counts.settlements + 1);
        assert_eq!(after.counts.roads, before.counts.roads);
    }

    #[test]
    fn bad_files_keep_the_data_and_name_the_file() {
        let mut s = Session::new();
        s.load(demo_files(), true, &mut quiet());
        let before = s.summary();
        let problems = s.load(
            vec![
                InputFile {
                    name: "gbk.geojson".into(),
                    bytes: vec![0x7b, 0xc4, 0xe3, 0x7d],
                },
                InputFile {
                    name: "broken.osm.pbf".into(),
                    bytes: b"nope".to_vec(),
                },
                InputFile {
                    name: "empty.geojson".into(),
                    bytes: br#"{"type":"FeatureCollection","features":[]}"#.to_vec(),
                },
            ],
            true,
            &mut quiet(),
        );
        assert_eq!(problems.len(), 3);
        assert!(problems[0].en.starts_with("gbk.geojson: not UTF-8"));
        assert!(problems[0].zh.contains("UTF-8"));
        assert!(problems[1].en.starts_with("broken.osm.pbf: "));
        assert!(problems[2].en.starts_with("empty.geojson"));
        assert_eq!(s.summary(), before, "nothing loaded, nothing replaced");
        let rules = RuleParams::default();
        assert!(s.run(Mode::Walk, -1.0, &rules, &mut quiet()).is_err());
        assert!(s.run(Mode::Walk, 15.0, &rules, &mut quiet()).is_ok());
    }

    #[test]
    fn floor_area_reads_extracts_again() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/osm/baltimore.osm.pbf");
        let Ok(bytes) = std::fs::read(&path) else {
            panic!("the shared extract is missing: {}", path.display());
        };
        let mut s = Session::new();
        assert!(s
            .load(
                vec![InputFile {
                    name: "baltimore.osm.pbf".into(),
                    bytes
                }],
                false,
                &mut quiet()
            )
            .is_empty());
        let summary = s.summary();
        assert!(summary.population_estimated && summary.has_osm());
        let rules = RuleParams::default();
        let total = |s: &mut Session| {
            s.run(Mode::Walk, 15.0, &rules, &mut quiet())
                .unwrap()
                .report
                .summary
                .population_total
        };
        let at_40 = total(&mut s);
        assert!(s.set_floor_area(0.0, &mut quiet()).is_err());
        s.set_floor_area(20.0, &mut quiet()).unwrap();
        assert_eq!(s.summary().floor_m2_per_person, 20.0);
        assert!(s.summary().version > summary.version);
        let at_20 = total(&mut s);
        assert!(
            (at_20 - 2.0 * at_40).abs() < 1e-6 * at_40,
            "{at_20} vs {at_40}"
        );
    }

    #[test]
    fn suggested_sites_load_as_planned_facilities_and_raise_the_share() {
        let mut s = Session::new();
        assert!(s.load(demo_files(), true, &mut |_, _, _| {}).is_empty());
        let rules = RuleParams::default();
        let before = s
            .run(Mode::Walk, 15.0, &rules, &mut |_, _, _| {})
            .unwrap()
            .report;
        let ask = PlanAsk {
            mode: Mode::Walk,
            limit_min: 15.0,
            objective: crate::engine::planning::Objective::MaxCovering { k: 3 },
            kind: crate::engine::model::FacilityKind::VillageClinic,
            spacing_m: 300.0,
            candidates_file: None,
        };
        let plan = s.plan(&ask, None, &mut |_, _, _| {}).unwrap();
        assert_eq!(plan.sites.len(), 3);
        assert_eq!(
            plan.population_within_limit_before,
            before.summary.population_within_limit
        );
        let file = InputFile {
            name: crate::app::planning::PLANNED_FILE.into(),
            bytes: crate::app::planning::planned_sites_geojson(&plan, ask.kind, 0).into_bytes(),
        };
        assert!(s.load(vec![file], false, &mut |_, _, _| {}).is_empty());
        let after = s.run(Mode::Walk, 15.0, &rules, &mut |_, _, _| {}).unwrap();
        assert_eq!(
            after.report.summary.population_within_limit,
            plan.population_within_limit_after
        );
        let planned = after
            .scene
            .expect("new data, new map")
            .facilities
            .iter()
            .filter(|f| f.planned)
            .count();
        assert_eq!(planned, 3);
        // The surface of the analysis, and a cell size too fine for a tab, said in both
        // languages.
        let (info, minutes) = s.surface(Mode::Walk, 100.0, &mut |_, _, _| {}).unwrap();
        assert_eq!(minutes.len(), info.grid.len());
        assert!(s
            .surface_update(Mode::Walk, 200.0, &mut |_, _, _| {})
            .is_some());
        assert!(
            s.surface_update(Mode::Walk, 200.0, &mut |_, _, _| {})
                .is_none(),
            "sent"
        );
        let e = s.surface(Mode::Walk, 25.0, &mut |_, _, _| {});
        if let Err(e) = e {
            assert!(e.en.contains("cells") && e.zh.contains("栅格"));
        }
        // A bad candidates file is named.
        let bad = PlanAsk {
            candidates_file: Some("c.geojson".into()),
            ..ask
        };
        let e = s.plan(&bad, Some(b"{}"), &mut |_, _, _| {}).unwrap_err();
        assert!(e.en.starts_with("c.geojson") && e.zh.starts_with("c.geojson"));
    }

    #[test]
    fn shapefile_parts_are_grouped_and_strays_named() {
        let file = |name: &str| InputFile {
            name: name.into(),
            bytes: vec![1],
        };
        let (inputs, problems) = group_inputs(vec![
            file("村.SHP"),
            file("村.dbf"),
            file("村.prj"),
            file("村.shp.xml"),
            file("roads.geojson"),
            file("lone.dbf"),
            file("lone.shx"),
        ]);
        assert_eq!(inputs.len(), 2);
        match &inputs[0] {
            Input::Shapefile { name, parts } => {
                assert_eq!(name, "村.SHP");
                assert_eq!(parts.len(), 3);
            }
            Input::One(_) => panic!("the shapefile's parts are one input"),
        }
        assert_eq!(problems.len(), 1, "only the lone .dbf is named");
        assert!(problems[0].en.starts_with("lone.dbf"));
    }
}
