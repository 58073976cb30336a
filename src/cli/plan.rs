//! `medreach plan`: where to add sites. `--add K` chooses at most K sites bringing the most
//! residents within the limit (maximal covering); `--target-share S` the fewest bringing the
//! share S within it (set covering). Candidates come from `--candidates C.geojson` (every
//! feature, by its position in the file) or are generated near the settlements beyond the
//! limit. Prints the plan as JSON.

use super::check::Inputs;
use super::USAGE;
use crate::app::analysis::Analysis;
use crate::engine::io::points::read_points;
use crate::engine::io::properties::parse_facility_kind;
use crate::engine::model::FacilityKind;
use crate::engine::planning::{
    suggest, CandidateSource, Objective, PlanRequest, DEFAULT_SPACING_M,
};

/// Runs `plan` with its flags `args`.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut objective: Option<Objective> = None;
    let mut candidates_path: Option<String> = None;
    let mut spacing_m = DEFAULT_SPACING_M;
    let mut kind = FacilityKind::MedicalServicePoint;
    let parsed = Inputs::parse(args, &mut |flag, value| {
        let number = |v: &str, what: &str| {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{flag}: \"{v}\" is not {what}"))
        };
        match flag {
            "--add" => {
                let v = value()?;
                let k = v.parse::<usize>().ok().filter(|&k| k > 0).ok_or_else(|| {
                    format!("--add: \"{v}\" is not a number of sites (1 or more)")
                })?;
                objective = Some(Objective::MaxCovering { k });
            }
            "--target-share" => {
                let v = value()?;
                let s = number(&v, "a share")?;
                if !(0.0..=1.0).contains(&s) {
                    return Err(format!("--target-share: {s} is not a share from 0 to 1"));
                }
                objective = Some(Objective::SetCovering { target_share: s });
            }
            "--candidates" => candidates_path = Some(value()?),
            "--spacing-m" => {
                let v = value()?;
                spacing_m = number(&v, "a number of metres")?;
                if spacing_m < 10.0 {
                    return Err(format!(
                        "--spacing-m: {spacing_m} m is too fine; give 10 m or more"
                    ));
                }
            }
            "--kind" => {
                let v = value()?;
                kind = parse_facility_kind(&v)
                    .filter(|k| k.is_medical_service_point())
                    .ok_or_else(|| {
                        format!("--kind: \"{v}\" is not a kind of medical service point (village_clinic, medical_service_point, mobile_station, ...)")
                    })?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let Some(inputs) = parsed else {
        return Ok(USAGE.to_string());
    };
    let objective =
        objective.ok_or_else(|| format!("--add K or --target-share S is required\n\n{USAGE}"))?;
    let candidates = match &candidates_path {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            CandidateSource::Given(read_points(path, &bytes).map_err(|e| e.to_string())?)
        }
        None => CandidateSource::Generated { spacing_m },
    };
    let data = inputs.load()?;
    inputs.options.validate().map_err(|e| e.to_string())?;
    let analysis = Analysis::run(&data, inputs.options.mode, &inputs.options.speeds)
        .map_err(|e| e.to_string())?;
    let request = PlanRequest {
        objective,
        limit_min: inputs.options.limit_min,
        kind,
        candidates,
    };
    let plan = suggest(
        &analysis.layers,
        &analysis.reach,
        &request,
        &mut |_, _, _| {},
    )
    .map_err(|e| match &candidates_path {
        Some(path) => format!("{path}: {e}"),
        None => e.to_string(),
    })?;
    for s in plan
        .sites
        .iter()
        .filter(|s| s.offroad_m.is_some_and(|m| m > 500.0))
    {
        eprintln!(
            "warning: site at ({:.6}, {:.6}) is {:.0} m from the nearest usable road; its time includes that walk",
            s.lon,
            s.lat,
            s.offroad_m.unwrap_or(0.0)
        );
    }
    let mut json = serde_json::to_value(&plan).map_err(|e| e.to_string())?;
    json["gap"] = serde_json::json!(plan.gap());
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}
