//! The command line: `medreach check --roads R --facilities F --settlements S [--admin A]
//! [--mode walk|drive] [--limit-min 15]` prints one JSON report to stdout.

use crate::analysis::{check, Options};
use crate::model::Dataset;

/// Usage text.
pub const USAGE: &str = "usage: medreach check --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive] [--limit-min 15] [--rules PARAMS.toml|.json]

Reads GeoJSON (WGS84 longitude/latitude) and prints a JSON report to stdout: the share of
residents within the limit of their nearest medical service point, every settlement's time,
the findings of every rule of the layout guidance, and which rules could not be checked.
--rules sets rule parameters (see README); missing keys keep the policy defaults.";

/// Runs the command line with `args` (without the program name); returns the text for stdout
/// (the JSON report, or the usage when asked for), or an error message for stderr.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("check") => {}
        Some("-h") | Some("--help") => return Ok(USAGE.to_string()),
        None => return Err(USAGE.to_string()),
        Some(other) => return Err(format!("unknown command \"{other}\"\n\n{USAGE}")),
    }
    let mut files: Vec<(&str, String)> = Vec::new();
    let mut options = Options::default();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        match flag.as_str() {
            "--roads" | "--facilities" | "--settlements" | "--admin" => {
                files.push((flag.trim_start_matches("--"), value()?.clone()))
            }
            "--mode" => options.mode = value()?.parse()?,
            "--limit-min" => {
                let v = value()?;
                options.limit_min = v
                    .parse()
                    .map_err(|_| format!("--limit-min: \"{v}\" is not a number"))?;
            }
            "--rules" => {
                let path = value()?;
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                options.rules =
                    crate::rules::RuleParams::parse(&text).map_err(|e| format!("{path}: {e}"))?;
            }
            "-h" | "--help" => return Ok(USAGE.to_string()),
            other => return Err(format!("unknown option \"{other}\"\n\n{USAGE}")),
        }
    }
    for required in ["roads", "facilities", "settlements"] {
        if !files.iter().any(|(k, _)| *k == required) {
            return Err(format!("--{required} is required\n\n{USAGE}"));
        }
    }
    let mut data = Dataset::default();
    for (_, path) in &files {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let loaded = data.load(path, &text).map_err(|e| e.to_string())?;
        for s in &loaded.layers.skipped {
            eprintln!("{path}: feature {} skipped: {}", s.source.feature, s.reason);
        }
        for n in &loaded.layers.notes {
            eprintln!("{n}");
        }
    }
    let report = check(&data, &options).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
}
