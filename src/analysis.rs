//! One analysis: the loaded data, the travel times of one mode, and reports for any limit.
//! Changing the limit only rebuilds the report; changing the mode or the data recomputes the
//! travel times.

use crate::hierarchy::Hierarchy;
use crate::model::{Dataset, Layers};
use crate::network::{Mode, SpeedTable};
use crate::progress::{Progress, Stage};
use crate::reach::{travel_times_with, Reach};
use crate::report::{build_report, settlements_in_units, Report};
use crate::rules::RuleParams;
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

/// Travel times of one mode over a snapshot of the loaded data.
#[derive(Debug)]
pub struct Analysis {
    /// All layers of all files, concatenated.
    pub layers: Layers,
    /// Loaded file names, indexed by `Source::file`.
    pub file_names: Vec<String>,
    /// The travel times.
    pub reach: Reach,
    /// Per admin unit, the settlements inside it.
    pub units: Vec<Vec<usize>>,
    /// The administrative hierarchy.
    pub hierarchy: Hierarchy,
}

impl Analysis {
    /// Computes travel times for `mode` over everything in `dataset`.
    pub fn run(
        dataset: &Dataset,
        mode: Mode,
        speeds: &SpeedTable,
    ) -> Result<Analysis, AnalysisError> {
        Analysis::run_with(dataset, mode, speeds, &mut |_, _, _| {})
    }

    /// [`Analysis::run`], reporting its stages to `progress`.
    pub fn run_with(
        dataset: &Dataset,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
    ) -> Result<Analysis, AnalysisError> {
        let file_names = dataset.files.iter().map(|f| f.name.clone()).collect();
        Analysis::run_layers(dataset.layers(), file_names, mode, speeds, progress)
    }

    /// [`Analysis::run_with`] over layers already gathered (kept, not copied), with the names
    /// of the files their [`crate::model::Source`]s point into. Reports the start of each stage
    /// to `progress`: building, joining, routing, then summarising (settlements placed in
    /// admin units, the hierarchy).
    pub fn run_layers(
        layers: Layers,
        file_names: Vec<String>,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
    ) -> Result<Analysis, AnalysisError> {
        if let Some((west, _, east, _)) = crate::reach::bounding_box(&layers) {
            if east - west > MAX_LON_SPAN_DEG {
                return Err(AnalysisError::AreaTooWide(east - west));
            }
        }
        let reach = travel_times_with(&layers, mode, speeds, progress)
            .ok_or(AnalysisError::NothingLoaded)?;
        progress(Stage::Summarising, 0, 0);
        let units = settlements_in_units(&layers);
        let hierarchy = Hierarchy::build(&layers);
        Ok(Analysis {
            hierarchy,
            file_names,
            layers,
            reach,
            units,
        })
    }

    /// The report for a limit in minutes and rule parameters.
    pub fn report(&self, limit_min: f64, params: &RuleParams) -> Report {
        build_report(
            &self.layers,
            &self.reach,
            &self.hierarchy,
            limit_min,
            params,
            &self.file_names,
            &self.units,
        )
    }
}

/// Runs the whole check: validate, compute, report.
///
/// # Examples
/// ```
/// use medreach::{analysis::{check, Options}, model::Dataset};
/// let mut data = Dataset::default();
/// data.load("f.geojson", r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"kind":"village_clinic"},"geometry":{"type":"Point","coordinates":[116.0,40.0]}},
///   {"type":"Feature","properties":{"population":100},"geometry":{"type":"Point","coordinates":[116.0,40.009]}}]}"#).unwrap();
/// let report = check(&data, &Options::default()).unwrap();
/// // No roads: about 1 km in a straight line at 4 km/h is 15 minutes.
/// assert!(report.summary.straight_line);
/// assert!((report.settlements[0].time_min.unwrap() - 15.0).abs() < 0.1);
/// ```
pub fn check(dataset: &Dataset, options: &Options) -> Result<Report, AnalysisError> {
    options.validate()?;
    Ok(Analysis::run(dataset, options.mode, &options.speeds)?
        .report(options.limit_min, &options.rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lon: f64, props: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"Point","coordinates":[{lon},30.0]}}}}"#
        )
    }

    #[test]
    fn refuses_data_wider_than_one_plane_and_bad_options() {
        let mut data = Dataset::default();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            point(100.0, r#"{"kind":"clinic"}"#),
            point(125.0, r#"{"population":10}"#)
        );
        data.load("wide.geojson", &text).unwrap();
        assert!(matches!(
            check(&data, &Options::default()),
            Err(AnalysisError::AreaTooWide(span)) if (span - 25.0).abs() < 1e-9
        ));
        let bad_limit = Options {
            limit_min: 0.0,
            ..Options::default()
        };
        assert_eq!(
            check(&data, &bad_limit).unwrap_err(),
            AnalysisError::BadLimit(0.0)
        );
        assert_eq!(
            check(&Dataset::default(), &Options::default()).unwrap_err(),
            AnalysisError::NothingLoaded
        );
    }
}
