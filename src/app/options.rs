//! What the user chooses (travel mode, limit, speeds, rule parameters), and why an analysis
//! cannot run with it.

use crate::engine::network::{Mode, SpeedTable};
use crate::engine::rules::RuleParams;
use serde::{Deserialize, Serialize};

/// What the user chose.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Travel mode.
    pub mode: Mode,
    /// The limit in minutes (policy default 15).
    pub limit_min: f64,
    /// Speeds by road class.
    pub speeds: SpeedTable,
    /// Rule parameters.
    pub rules: RuleParams,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Walk,
            limit_min: 15.0,
            speeds: SpeedTable::default(),
            rules: RuleParams::default(),
        }
    }
}

/// Why an analysis cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum AnalysisError {
    /// Nothing with a position was loaded.
    #[error("nothing to analyse: load roads, facilities and settlements")]
    NothingLoaded,
    /// The limit is not a positive number of minutes.
    #[error("the limit must be a positive number of minutes, not {0}")]
    BadLimit(f64),
    /// The data spans more longitude than one plane can measure faithfully.
    #[error("the data spans {0:.0}° of longitude; MedReach measures in one UTM zone and accepts at most {MAX_LON_SPAN_DEG}° (a county or a province, not a continent)")]
    AreaTooWide(f64),
    /// A rule parameter is unusable.
    #[error("rule parameters: {0}")]
    BadRules(String),
    /// A speed is not positive.
    #[error("speed for {0} must be a positive number of km/h")]
    BadSpeed(String),
}

impl Options {
    /// Checks the options a user can edit.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        if !(self.limit_min.is_finite() && self.limit_min > 0.0) {
            return Err(AnalysisError::BadLimit(self.limit_min));
        }
        let s = &self.speeds;
        let named = [
            ("walking", s.walk_kmh),
            ("off-road", s.offroad_kmh),
            ("default drive", s.drive_default_kmh),
            ("e-bike", s.ebike_kmh),
        ];
        for (name, v) in named
            .into_iter()
            .chain(s.drive_kmh.iter().map(|(c, v)| (c.as_str(), *v)))
        {
            if !(v.is_finite() && v > 0.0) {
                return Err(AnalysisError::BadSpeed(name.to_string()));
            }
        }
        self.rules.validate().map_err(AnalysisError::BadRules)
    }
}

/// The widest longitude span accepted. Transverse Mercator distorts lengths by about 1.5 % at
/// 10° from the central meridian and breaks down towards 90°.
pub const MAX_LON_SPAN_DEG: f64 = 20.0;
