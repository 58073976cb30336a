//! The work a page keeps in the browser's storage (IndexedDB) so that a reload or a crashed tab
//! loses nothing: which data is shown (a demo, or the files' names with the floor area per
//! resident chosen), the settings (mode, limit, rule parameters, cell size, speeds), and what
//! the engine holds beyond the files ([`Work`]: edits, scenarios, files read as chosen).
//!
//! The files' bytes are stored apart, once each, by name (`ui::autosave`); this record is
//! small and written on every change. What it turns into on the next visit is a list of
//! [`Job`]s, so a restored page loads exactly as the user's own actions would.

use crate::app::jobs::{Demo, Job};
use crate::app::session::Work;
use crate::app::text::Bilingual;
use crate::engine::network::{Mode, SpeedTable};
use crate::engine::rules::RuleParams;
use serde::{Deserialize, Serialize};

/// The version of the record's layout; a record of another is not read (it says so).
pub const FORMAT: u32 = 1;

pub use crate::app::jobs::ShownData as SavedData;

/// The settings the report is computed with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Travel mode.
    pub mode: Mode,
    /// Limit, minutes.
    pub limit: f64,
    /// Rule parameters.
    pub rules: RuleParams,
    /// Cell size of the travel-time surface, metres.
    pub cell_m: f64,
    /// The speed table.
    pub speeds: SpeedTable,
}

impl Default for Settings {
    /// The page's own: walking, 15 minutes, the default rules, cells and speeds.
    fn default() -> Self {
        Settings {
            mode: Mode::Walk,
            limit: 15.0,
            rules: RuleParams::default(),
            cell_m: crate::engine::surface::DEFAULT_CELL_M,
            speeds: SpeedTable::default(),
        }
    }
}

/// One page's work, as kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// [`FORMAT`].
    pub format: u32,
    /// When it was kept, milliseconds since 1970 (UTC).
    pub saved_at_ms: f64,
    /// The data shown.
    pub data: SavedData,
    /// The settings.
    pub settings: Settings,
    /// Edits, scenarios and files read as chosen.
    pub work: Work,
}

impl Saved {
    /// Whether there is anything a reload would lose: the user's files, edits or scenarios,
    /// or settings other than the page's own. A demo looked at as it comes is not kept (a
    /// reload shows it anyway, without a notice).
    pub fn worth_keeping(&self) -> bool {
        matches!(self.data, SavedData::Files { .. })
            || !self.work.is_empty()
            || self.settings != Settings::default()
    }

    /// Whether `other` keeps the same work, whenever it was kept (all but `saved_at_ms`).
    pub fn same_work(&self, other: &Saved) -> bool {
        self.format == other.format
            && self.data == other.data
            && self.settings == other.settings
            && self.work == other.work
    }

    /// The record as stored (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the record serialises")
    }

    /// Reads a stored record; refuses one of another layout or that is not one.
    pub fn from_json(text: &str) -> Result<Saved, String> {
        #[derive(Deserialize)]
        struct Format {
            format: u32,
        }
        let format = serde_json::from_str::<Format>(text)
            .map_err(|e| format!("not a MedReach record: {e}"))?
            .format;
        if format != FORMAT {
            return Err(format!(
                "kept by another version of MedReach (layout {format}, this one reads {FORMAT})"
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("a damaged record: {e}"))
    }

    /// The jobs that show this work again on a new page, given the stored `files` (name and
    /// bytes) found for it: the demo or the files, the floor area, then the work. Files not
    /// found are left out (the page names them); when none is found, `fallback` shows instead.
    pub fn jobs<B>(&self, files: Vec<(String, B)>, fallback: Demo) -> Vec<Job<B>> {
        let mut jobs = match &self.data {
            SavedData::Demo(demo) => vec![Job::Demo {
                demo: *demo,
                restore: false,
            }],
            SavedData::Files { .. } if files.is_empty() => {
                // The work was on those files: none of it applies to the demo.
                return vec![Job::Demo {
                    demo: fallback,
                    restore: false,
                }];
            }
            SavedData::Files { floor, .. } => {
                let (names, buffers) = files.into_iter().unzip();
                let mut jobs = vec![Job::Load {
                    names,
                    buffers,
                    replace: true,
                    restore: false,
                }];
                jobs.extend(floor.map(|m2| Job::Floor { m2, restore: false }));
                jobs
            }
        };
        if !self.work.is_empty() {
            jobs.push(Job::Resume {
                work: self.work.clone(),
                restore: false,
            });
        }
        jobs
    }

    /// The page's notice: the work kept at `saved_at` (a local date and time, in words) is
    /// back, but for the files `missing`.
    pub fn restored_text(saved_at: &str, missing: &[String]) -> Bilingual {
        let (mut en, mut zh) = (
            format!("Restored your work from {saved_at}."),
            format!("已恢复 {saved_at} 保存的工作。"),
        );
        if !missing.is_empty() {
            let names = missing.join(", ");
            en.push_str(&format!(" Not kept, load again: {names}."));
            zh.push_str(&format!("以下文件未保存，请重新载入：{names}。"));
        }
        Bilingual { en, zh }
    }

    /// The names of the files this work needs that are not among `found`.
    pub fn missing(&self, found: &[String]) -> Vec<String> {
        match &self.data {
            SavedData::Demo(_) => Vec::new(),
            SavedData::Files { names, .. } => names
                .iter()
                .filter(|n| !found.contains(n))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::crs::LonLat;
    use crate::engine::edits::Edit;
    use crate::engine::model::FacilityKind;

    fn work() -> Work {
        let add = Edit::AddFacility {
            id: 0,
            kind: FacilityKind::VillageClinic,
            at: LonLat {
                lon: 105.66062,
                lat: 23.1299,
            },
            name: None,
            capacity: Default::default(),
        };
        Work {
            edits: vec![add.clone()],
            scenarios: vec![("东片".into(), vec![add])],
            ..Work::default()
        }
    }

    fn files(floor: Option<f64>) -> Saved {
        Saved {
            format: FORMAT,
            saved_at_ms: 1.7e12,
            data: SavedData::Files {
                names: vec!["roads.geojson".into(), "村.zip".into()],
                floor,
            },
            settings: Settings {
                mode: Mode::Drive,
                limit: 20.0,
                ..Settings::default()
            },
            work: work(),
        }
    }

    #[test]
    fn a_record_reads_back_as_written_and_another_layout_is_refused() {
        let saved = files(Some(30.0));
        assert_eq!(Saved::from_json(&saved.to_json()).unwrap(), saved);
        let other = saved.to_json().replacen("\"format\":1", "\"format\":99", 1);
        assert!(Saved::from_json(&other)
            .unwrap_err()
            .contains("another version"));
        assert!(Saved::from_json("[1,2]")
            .unwrap_err()
            .contains("not a MedReach record"));
        let later = Saved {
            saved_at_ms: saved.saved_at_ms + 1000.0,
            ..saved.clone()
        };
        assert!(later.same_work(&saved));
        let other = Saved {
            settings: Settings::default(),
            ..saved.clone()
        };
        assert!(!other.same_work(&saved));
        let damaged = saved.to_json().replace("\"limit\":20.0", "\"limit\":\"x\"");
        assert!(Saved::from_json(&damaged).unwrap_err().contains("damaged"));
    }

    #[test]
    fn files_load_then_the_floor_area_then_the_work() {
        let saved = files(Some(30.0));
        let jobs = saved.jobs(vec![("roads.geojson".to_string(), "bytes")], Demo::County);
        assert_eq!(
            jobs,
            vec![
                Job::Load {
                    names: vec!["roads.geojson".into()],
                    buffers: vec!["bytes"],
                    replace: true,
                    restore: false,
                },
                Job::Floor {
                    m2: 30.0,
                    restore: false
                },
                Job::Resume {
                    work: work(),
                    restore: false
                },
            ]
        );
        assert_eq!(saved.missing(&["roads.geojson".into()]), vec!["村.zip"]);
        let notice = Saved::restored_text("2026-12-06 10:20", &saved.missing(&[]));
        assert_eq!(
            notice.en,
            "Restored your work from 2026-12-06 10:20. Not kept, load again: roads.geojson, 村.zip."
        );
        // No file found: the demo, without the work done on the files.
        assert_eq!(
            saved.jobs::<()>(Vec::new(), Demo::County),
            vec![Job::Demo {
                demo: Demo::County,
                restore: false
            }]
        );
    }

    #[test]
    fn an_untouched_demo_is_not_kept_but_its_edits_or_settings_are() {
        let mut saved = Saved {
            format: FORMAT,
            saved_at_ms: 0.0,
            data: SavedData::Demo(Demo::Andorra),
            settings: Settings::default(),
            work: Work::default(),
        };
        assert!(!saved.worth_keeping());
        assert_eq!(
            saved.jobs::<()>(Vec::new(), Demo::County),
            vec![Job::Demo {
                demo: Demo::Andorra,
                restore: false
            }]
        );
        saved.settings.limit = 10.0;
        assert!(saved.worth_keeping());
        saved.settings = Settings::default();
        saved.work = work();
        assert!(saved.worth_keeping());
        assert!(files(None).worth_keeping());
    }
}
