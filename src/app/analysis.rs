//! One analysis: the loaded data, the travel times of one mode, and reports for any limit.
//! Changing the limit only rebuilds the report; changing the mode or the data recomputes the
//! travel times.

use super::options::{AnalysisError, Options, MAX_LON_SPAN_DEG};
use crate::engine::admin::Hierarchy;
use crate::engine::dataset::{Dataset, ExtractWarning, PopulationOrigin};
use crate::engine::io::osm::OsmRef;
use crate::engine::model::Layers;
use crate::engine::network::{Mode, SpeedTable};
use crate::engine::progress::{Progress, Stage};
use crate::engine::report::{build_report, Caveat, Report};
use crate::engine::routing::{travel_times_with, Reach};
use crate::engine::rules::RuleParams;

/// Travel times of one mode over a snapshot of the loaded data.
#[derive(Debug)]
pub struct Analysis {
    /// All layers of all files, concatenated.
    pub layers: Layers,
    /// Loaded file names, indexed by `Source::file`.
    pub file_names: Vec<String>,
    /// The files read, with what each was read as, for the report.
    pub inputs: Vec<crate::engine::report::InputRow>,
    /// The speeds the travel times were computed with.
    pub speeds: SpeedTable,
    /// The what-if edits applied over the loaded data.
    pub edits: Vec<crate::engine::edits::Edit>,
    /// The travel times.
    pub reach: Reach,
    /// The administrative hierarchy.
    pub hierarchy: Hierarchy,
    /// What an OpenStreetMap extract adds to every report, when one is loaded.
    pub extract: Option<ExtractAccount>,
    /// Travel times in the other modes, for the rules that transfer patients
    /// ([`RuleParams::referral_mode`]), each computed when first asked (indexed as
    /// [`Mode::ALL`]).
    others: [std::cell::OnceCell<Option<Reach>>; 3],
}

/// What an OpenStreetMap extract adds to the report, taken from the dataset's one policy
/// ([`Dataset::population_origin`], [`Dataset::layers_and_warnings`]): where the residents come
/// from, the attribution, the warnings that still apply, and each settlement's OSM element.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtractAccount {
    /// Where the residents come from.
    pub origin: PopulationOrigin,
    /// The extract's warnings that apply, each with its file.
    pub warnings: Vec<ExtractWarning>,
    /// Per settlement in use, its OSM element when it comes from an extract.
    pub settlement_osm: Vec<Option<OsmRef>>,
}

impl ExtractAccount {
    /// The account of `dataset`'s extracts for its `layers` and the `warnings` that still
    /// apply ([`Dataset::layers_and_warnings`]); `None` without an extract.
    pub fn of(
        dataset: &Dataset,
        layers: &Layers,
        warnings: Vec<ExtractWarning>,
    ) -> Option<ExtractAccount> {
        Some(ExtractAccount {
            origin: dataset.population_origin()?,
            warnings,
            settlement_osm: layers
                .settlements
                .iter()
                .map(|s| dataset.osm_element(s.source).copied())
                .collect(),
        })
    }

    /// Writes the account into `report`: the population source and attribution, the
    /// warnings first, and per settlement from an extract its element and whether its
    /// population is an estimate.
    pub fn annotate(&self, report: &mut Report) {
        report.population_source = Some(self.origin.id().to_string());
        report.attribution = Some(crate::engine::io::osm::ATTRIBUTION.to_string());
        let extract = self.warnings.iter().cloned().map(Caveat::Extract);
        report.caveats.splice(0..0, extract);
        for (row, osm) in report.settlements.iter_mut().zip(&self.settlement_osm) {
            if let Some(osm) = osm {
                row.osm = Some(osm.to_string());
                row.population_estimated = Some(self.origin.estimated());
            }
        }
    }
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
        Analysis::run_gathered(dataset, true, mode, speeds, progress)
    }

    /// [`Analysis::run_with`] on the loaded data as the files give it, without the edits: the
    /// baseline a plan is compared with.
    pub fn run_baseline(
        dataset: &Dataset,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
    ) -> Result<Analysis, AnalysisError> {
        Analysis::run_gathered(dataset, false, mode, speeds, progress)
    }

    /// [`Analysis::run_with`] after an edit, reusing what `prior` (the analysis before it, of
    /// the same mode and speeds) computed that the edit left unchanged: the network when the
    /// roads are the same, the graph, the settlements' joins and the search when they are too
    /// ([`crate::engine::routing::travel_times_after`]), and the admin hierarchy when the units
    /// and settlements are ([`Hierarchy::build_after`]). The same result as computing afresh.
    pub fn run_after(
        dataset: &Dataset,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
        prior: Analysis,
    ) -> Result<Analysis, AnalysisError> {
        Analysis::gather_and_run(dataset, true, mode, speeds, progress, Some(prior))
    }

    fn run_gathered(
        dataset: &Dataset,
        edited: bool,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
    ) -> Result<Analysis, AnalysisError> {
        Analysis::gather_and_run(dataset, edited, mode, speeds, progress, None)
    }

    fn gather_and_run(
        dataset: &Dataset,
        edited: bool,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
        prior: Option<Analysis>,
    ) -> Result<Analysis, AnalysisError> {
        let mut file_names = dataset.file_names();
        let (layers, warnings) = if edited {
            dataset.layers_and_warnings()
        } else {
            file_names.truncate(dataset.files.len());
            dataset.base_layers_and_warnings()
        };
        let extract = ExtractAccount::of(dataset, &layers, warnings);
        let mut analysis =
            Analysis::run_layers_after(layers, file_names, mode, speeds, progress, prior)?;
        analysis.extract = extract;
        if edited {
            analysis.edits = dataset.edits().to_vec();
        }
        analysis.inputs = dataset
            .files
            .iter()
            .map(|f| crate::engine::report::InputRow {
                file: f.name.clone(),
                facts: f.layers.facts.clone(),
            })
            .collect();
        Ok(analysis)
    }

    /// [`Analysis::run_with`] over layers already gathered (kept, not copied), with the names
    /// of the files their [`crate::engine::model::Source`]s point into. Reports the start of each stage
    /// to `progress`: building, joining, routing, then summarising (settlements placed in
    /// admin units, the hierarchy).
    pub fn run_layers(
        layers: Layers,
        file_names: Vec<String>,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
    ) -> Result<Analysis, AnalysisError> {
        Analysis::run_layers_after(layers, file_names, mode, speeds, progress, None)
    }

    fn run_layers_after(
        layers: Layers,
        file_names: Vec<String>,
        mode: Mode,
        speeds: &SpeedTable,
        progress: Progress,
        prior: Option<Analysis>,
    ) -> Result<Analysis, AnalysisError> {
        if let Some((west, _, east, _)) = crate::engine::routing::bounding_box(&layers) {
            if east - west > MAX_LON_SPAN_DEG {
                return Err(AnalysisError::AreaTooWide(east - west));
            }
        }
        let prior = prior.filter(|p| p.reach.mode == mode && p.speeds == *speeds);
        let others: [std::cell::OnceCell<Option<Reach>>; 3] = Default::default();
        let mut before_hierarchy = None;
        let reach = match prior {
            Some(Analysis {
                layers: before,
                reach,
                others: before_others,
                hierarchy,
                ..
            }) => {
                let reach = crate::engine::routing::travel_times_after(
                    &layers,
                    mode,
                    speeds,
                    progress,
                    Some(crate::engine::routing::Prior {
                        layers: &before,
                        reach,
                    }),
                );
                // The other modes the rules asked of the analysis before (the transfer times
                // by car, say) will be asked again: computed now, reusing theirs too (their
                // stages reported after the mode's own).
                for (cell, before_other) in others.iter().zip(before_others) {
                    if let Some(Some(r)) = before_other.into_inner() {
                        let other = crate::engine::routing::travel_times_after(
                            &layers,
                            r.mode,
                            speeds,
                            progress,
                            Some(crate::engine::routing::Prior {
                                layers: &before,
                                reach: r,
                            }),
                        );
                        let _ = cell.set(other);
                    }
                }
                before_hierarchy = Some((before, hierarchy));
                reach
            }
            None => travel_times_with(&layers, mode, speeds, progress),
        }
        .ok_or(AnalysisError::NothingLoaded)?;
        progress(Stage::Summarising, 0, 0);
        let hierarchy = match before_hierarchy {
            Some((before, h)) => Hierarchy::build_after(&layers, Some((&before, h))),
            None => Hierarchy::build(&layers),
        };
        Ok(Analysis {
            hierarchy,
            file_names,
            inputs: Vec::new(),
            edits: Vec::new(),
            speeds: speeds.clone(),
            layers,
            reach,
            extract: None,
            others,
        })
    }

    /// The travel times in `mode`: the analysis' own, or computed over the same layers and
    /// speeds when first asked (then kept).
    pub fn reach_in(&self, mode: Mode) -> &Reach {
        if mode == self.reach.mode {
            return &self.reach;
        }
        let i = Mode::ALL.iter().position(|&m| m == mode).unwrap_or(0);
        self.others[i]
            .get_or_init(|| crate::engine::routing::travel_times(&self.layers, mode, &self.speeds))
            .as_ref()
            // The same layers placed the analysis' own times: this cannot be `None`.
            .unwrap_or(&self.reach)
    }

    /// The report for a limit in minutes and rule parameters.
    pub fn report(&self, limit_min: f64, params: &RuleParams) -> Report {
        let transfer = || self.reach_in(params.referral_mode);
        let mut report = build_report(
            &self.layers,
            &self.reach,
            &transfer,
            &self.hierarchy,
            limit_min,
            params,
            &self.file_names,
        );
        if let Some(extract) = &self.extract {
            extract.annotate(&mut report);
        }
        report.inputs = self.inputs.clone();
        report.edits = self.edits.clone();
        report.speeds = Some(self.speeds.clone());
        report
    }
}

/// Runs the whole check: validate, compute, report.
///
/// # Examples
/// ```
/// use medreach::{app::analysis::check, app::options::Options, engine::dataset::Dataset};
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
    let mut report = Analysis::run(dataset, options.mode, &options.speeds)?
        .report(options.limit_min, &options.rules);
    // The command line's JSON carries English; the page words each finding in its own language.
    super::text::word_report(&mut report, super::text::Lang::En);
    Ok(report)
}

/// [`check`], and when the dataset has edits, the plan's comparison with the baseline (the
/// same check on the loaded data without them), worded in English.
pub fn check_with_comparison(
    dataset: &Dataset,
    options: &Options,
) -> Result<(Report, Option<super::compare::Comparison>), AnalysisError> {
    let report = check(dataset, options)?;
    if dataset.edits().is_empty() {
        return Ok((report, None));
    }
    let mut baseline =
        Analysis::run_baseline(dataset, options.mode, &options.speeds, &mut |_, _, _| {})?
            .report(options.limit_min, &options.rules);
    super::text::word_report(&mut baseline, super::text::Lang::En);
    let comparison = super::compare::compare(&baseline, &report);
    Ok((report, Some(comparison)))
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
