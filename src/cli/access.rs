//! `medreach access`: capacity-limited coverage (the two-step floating catchment, 2SFCA, and
//! its stepped and Gaussian variants, [`crate::engine::planning::access`]). Prints JSON:
//! `method`, `catchment_min`, `settlements[].{index, ratio}` and `facilities[].{index, ratio,
//! demand}`, with more members beside them (the capacity field, the mode, the weights, names,
//! files, capacities, residents, warnings, and with `--times` every settlement's time to every
//! facility whose catchment holds it).

use super::check::Inputs;
use super::USAGE;
use crate::app::analysis::Analysis;
use crate::engine::model::{CapacityField, Layers, Source};
use crate::engine::planning::access::{capacity_access, Access, AccessRequest, Method};
use serde_json::{json, Value};

/// Runs `access` with its flags `args`.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut field: Option<CapacityField> = None;
    let mut catchment_min: Option<f64> = None;
    let mut method_id = "2sfca".to_string();
    let mut steps: Option<Vec<(f64, f64)>> = None;
    let mut sigma_min: Option<f64> = None;
    let mut times = false;
    let parsed = Inputs::parse(args, &mut |flag, value| {
        match flag {
            "--capacity-field" => {
                let v = value()?;
                field = Some(CapacityField::parse(&v).ok_or_else(|| {
                    format!("--capacity-field: \"{v}\" is not a capacity: give capacity (容量), doctors (医生数), beds (床位数) or staff (人员数)")
                })?);
            }
            "--catchment-min" => {
                let v = value()?;
                catchment_min = Some(positive(&v).ok_or_else(|| {
                    format!("--catchment-min: \"{v}\" is not a positive number of minutes")
                })?);
            }
            "--method" => {
                let v = value()?;
                let m = Method::with_defaults(&v).ok_or_else(|| {
                    format!("--method: \"{v}\" is not a method: give 2sfca, e2sfca or g2sfca")
                })?;
                method_id = m.id().to_string();
            }
            "--steps" => steps = Some(parse_steps(&value()?)?),
            "--sigma-min" => {
                let v = value()?;
                sigma_min = Some(positive(&v).ok_or_else(|| {
                    format!("--sigma-min: \"{v}\" is not a positive number of minutes")
                })?);
            }
            "--times" => times = true,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let Some(inputs) = parsed else {
        return Ok(USAGE.to_string());
    };
    let field = field.ok_or_else(|| format!("--capacity-field FIELD is required\n\n{USAGE}"))?;
    let method = match (method_id.as_str(), steps, sigma_min) {
        ("e2sfca", Some(steps), _) => Method::Enhanced { steps },
        ("g2sfca", _, Some(sigma_min)) => Method::Gaussian { sigma_min },
        (_, Some(_), _) => return Err("--steps applies to --method e2sfca".to_string()),
        (_, _, Some(_)) => return Err("--sigma-min applies to --method g2sfca".to_string()),
        (id, None, None) => Method::with_defaults(id).expect("a known method"),
    };
    method.validate().map_err(|e| e.to_string())?;
    let data = inputs.load()?;
    inputs.options.validate().map_err(|e| e.to_string())?;
    let analysis = Analysis::run(&data, inputs.options.mode, &inputs.options.speeds)
        .map_err(|e| e.to_string())?;
    let request = AccessRequest {
        field,
        catchment_min: catchment_min.unwrap_or(inputs.options.limit_min),
        method,
    };
    let access =
        capacity_access(&analysis.layers, &analysis.reach, &request).map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    if analysis.reach.straight_line {
        warnings.push(format!(
            "no usable road for {}: times are straight lines at the off-road speed",
            access.mode.id()
        ));
    }
    if !access.without_capacity.is_empty() {
        let listed: Vec<String> = access
            .without_capacity
            .iter()
            .take(20)
            .map(|&f| analysis.layers.facility(f).source.feature.to_string())
            .collect();
        let more = access.without_capacity.len() - listed.len();
        warnings.push(format!(
            "{} of {} medical service points give no {} ({}) and do not supply: facilities {}{}",
            access.without_capacity.len(),
            analysis.reach.service_points.len(),
            field.id(),
            field.names()[1],
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let json = to_json(&access, &analysis, warnings, times);
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

/// A finite positive number.
fn positive(v: &str) -> Option<f64> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0)
}

/// `--steps`: `minutes:weight` pairs separated by commas (`10:1,20:0.68,30:0.22`), sorted by
/// their bound.
fn parse_steps(text: &str) -> Result<Vec<(f64, f64)>, String> {
    let bad =
        || format!("--steps: \"{text}\" is not a list of minutes:weight (as 10:1,20:0.68,30:0.22)");
    let mut steps = text
        .split(',')
        .map(|pair| {
            let (b, w) = pair.split_once(':').ok_or_else(bad)?;
            let number = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
            Ok((number(b).ok_or_else(bad)?, number(w).ok_or_else(bad)?))
        })
        .collect::<Result<Vec<(f64, f64)>, String>>()?;
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    if steps.windows(2).any(|p| p[0].0 == p[1].0) {
        return Err(format!("--steps: \"{text}\" gives a bound twice"));
    }
    if steps.iter().any(|s| s.1 < 0.0) {
        return Err(format!("--steps: \"{text}\": weights are 0 or more"));
    }
    Ok(steps)
}

/// The JSON the command prints.
fn to_json(access: &Access, analysis: &Analysis, warnings: Vec<String>, times: bool) -> Value {
    let layers: &Layers = &analysis.layers;
    let file = |s: Source| {
        analysis
            .file_names
            .get(s.file as usize)
            .cloned()
            .unwrap_or_default()
    };
    let settlements: Vec<Value> = access
        .settlements
        .iter()
        .map(|a| {
            let s = layers.settlement(a.id);
            json!({
                "index": s.source.feature,
                "ratio": a.ratio,
                "file": file(s.source),
                "name": s.name,
                "population": s.population,
            })
        })
        .collect();
    let facilities: Vec<Value> = access
        .facilities
        .iter()
        .map(|a| {
            let f = layers.facility(a.id);
            json!({
                "index": f.source.feature,
                "ratio": a.ratio,
                "demand": a.demand,
                "file": file(f.source),
                "name": f.name,
                "kind": f.kind,
                "capacity": a.capacity,
                "population": a.population,
                "settlements_in_catchment": a.catchment.len(),
            })
        })
        .collect();
    let weights = match &access.method {
        Method::TwoStep => json!(null),
        Method::Enhanced { steps } => json!({ "steps": steps }),
        Method::Gaussian { sigma_min } => json!({ "sigma_min": sigma_min }),
    };
    let mut out = json!({
        "method": access.method.id(),
        "catchment_min": access.catchment_min,
        "capacity_field": access.field.id(),
        "mode": access.mode.id(),
        "weights": weights,
        "straight_line": analysis.reach.straight_line,
        "settlements": settlements,
        "facilities": facilities,
        "warnings": warnings,
    });
    if times {
        out["times"] = access
            .facilities
            .iter()
            .flat_map(|a| {
                let f = layers.facility(a.id).source.feature;
                a.catchment.iter().map(move |&(s, minutes)| {
                    json!({
                        "settlement": layers.settlement(s).source.feature,
                        "facility": f,
                        "minutes": minutes,
                    })
                })
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_read_sorted_and_checked() {
        assert_eq!(
            parse_steps("20:0.68, 10:1,30:0.22").unwrap(),
            vec![(10.0, 1.0), (20.0, 0.68), (30.0, 0.22)]
        );
        for bad in ["", "10", "10:x", "10:1,10:2", "10:-1", "inf:1"] {
            assert!(parse_steps(bad).is_err(), "{bad}");
        }
    }
}
