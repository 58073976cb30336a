//! The command line: `medreach check --roads R --facilities F --settlements S [--admin A]
//! [--mode walk|drive] [--limit-min 15]`, or `medreach check --osm EXTRACT.osm.pbf [...]`,
//! prints one JSON report to stdout.
//!
//! With `--osm`, the OpenStreetMap extract gives every layer ([`crate::engine::io::osm`]); a GeoJSON layer
//! given as well replaces the extract's layer of that kind (a population layer — settlements,
//! or admin polygons with a population — takes precedence over the extract's population). The
//! report then also carries `attribution` (OpenStreetMap's, required wherever its data are
//! exported), `population_source` and, per settlement from the extract, its `osm` element and
//! whether its `population_estimated`.

use crate::app::analysis::check;
use crate::app::options::Options;
use crate::engine::dataset::Dataset;
use crate::engine::io::osm::OsmOptions;

/// Usage text.
pub const USAGE: &str = "usage: medreach check --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive] [--limit-min 15] [--rules PARAMS.toml|.json]
       medreach check --osm FILE.osm.pbf [--roads FILE] [--facilities FILE] [--settlements FILE] [--admin FILE] [--floor-m2-per-person 40] [--population auto|places|buildings] [--mode walk|drive] [--limit-min 15] [--rules PARAMS.toml|.json]
       medreach demo-county --out DIR [--seed 2025]
       medreach synthetic --junctions N [--seed 1] [--mode walk|drive] [--limit-min 15]

Reads GeoJSON (WGS84 longitude/latitude) and prints a JSON report to stdout: the share of
residents within the limit of their nearest medical service point, every settlement's time,
the findings of every rule of the layout guidance, and which rules could not be checked.
--rules sets rule parameters (see README); missing keys keep the policy defaults.

--osm reads an OpenStreetMap extract (.osm.pbf) in place of the GeoJSON layers: roads, health
facilities, admin boundaries, and residents from place nodes with a population or else
ESTIMATED from residential buildings (footprint x levels / --floor-m2-per-person, 40 m² by
default; --population chooses the source). A GeoJSON layer given as well replaces the extract's
layer of that kind. OpenStreetMap data (c) OpenStreetMap contributors, ODbL 1.0.

synthetic generates a road network of about N junctions with facilities and settlements (see
medreach::devtools::synthetic), runs the whole check on it and prints, as JSON, its size, the seconds of
each stage, the peak memory and the bytes per junction.";

/// Runs the command line with `args` (without the program name); returns the text for stdout
/// (the JSON report, or the usage when asked for), or an error message for stderr.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("check") => {}
        Some("demo-county") => return demo_county(&args[1..]),
        Some("synthetic") => return synthetic(&args[1..]),
        Some("-h") | Some("--help") => return Ok(USAGE.to_string()),
        None => return Err(USAGE.to_string()),
        Some(other) => return Err(format!("unknown command \"{other}\"\n\n{USAGE}")),
    }
    let mut files: Vec<(&str, String)> = Vec::new();
    let mut options = Options::default();
    let mut osm: Option<String> = None;
    let mut osm_options = OsmOptions::default();
    let mut osm_only_flag: Option<&str> = None;
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        match flag.as_str() {
            "--roads" | "--facilities" | "--settlements" | "--admin" => {
                files.push((flag.trim_start_matches("--"), value()?.clone()))
            }
            "--osm" => osm = Some(value()?.clone()),
            "--floor-m2-per-person" => {
                let v = value()?;
                osm_options.floor_m2_per_person = v
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite() && *x > 0.0)
                    .ok_or_else(|| {
                        format!("--floor-m2-per-person: \"{v}\" is not a positive number of m²")
                    })?;
                osm_only_flag = Some("--floor-m2-per-person");
            }
            "--population" => {
                osm_options.population = value()?.parse()?;
                osm_only_flag = Some("--population");
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
                options.rules = crate::engine::rules::RuleParams::parse(&text)
                    .map_err(|e| format!("{path}: {e}"))?;
            }
            "-h" | "--help" => return Ok(USAGE.to_string()),
            other => return Err(format!("unknown option \"{other}\"\n\n{USAGE}")),
        }
    }
    if osm.is_none() {
        if let Some(flag) = osm_only_flag {
            return Err(format!("{flag} applies to --osm FILE.osm.pbf\n\n{USAGE}"));
        }
        for required in ["roads", "facilities", "settlements"] {
            if !files.iter().any(|(k, _)| *k == required) {
                return Err(format!(
                    "--{required} is required (or --osm FILE.osm.pbf)\n\n{USAGE}"
                ));
            }
        }
    }
    let mut data = Dataset::default();
    if let Some(path) = &osm {
        load_osm(&mut data, path, &osm_options)?;
    }
    for (_, path) in &files {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let loaded = data
            .load_file(path, &bytes, &osm_options)
            .map_err(|e| e.to_string())?;
        for s in &loaded.layers.skipped {
            eprintln!("{path}: feature {} skipped: {}", s.source.feature, s.reason);
        }
        for n in &loaded.layers.notes {
            eprintln!("{n}");
        }
    }
    // Which layers win and where residents come from are the dataset's (the page's) policy;
    // the report carries the extract's account (attribution, population source, warnings).
    let report = check(&data, &options).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
}

/// Reads the extract at `path` into `data` as its first file, printing what it skipped and
/// its notes on stderr.
fn load_osm(data: &mut Dataset, path: &str, options: &OsmOptions) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let loaded = data
        .load_osm(path, &bytes, options)
        .map_err(|e| format!("{path}: {e}"))?;
    let Some(extract) = &loaded.extract else {
        return Ok(());
    };
    for s in &loaded.layers.skipped {
        let what = extract.elements.get(s.source.feature as usize).map_or_else(
            || format!("feature {}", s.source.feature),
            |e| e.to_string(),
        );
        eprintln!("{path}: {what} skipped: {}", s.reason);
    }
    // The extract's warnings go into the report's warnings (those that still apply with the
    // user's layers: `Dataset::extract_warnings`), not here.
    let repeats: Vec<String> = extract
        .warnings
        .iter()
        .map(|w| format!("OpenStreetMap extract: {w}"))
        .collect();
    for n in loaded.layers.notes.iter().filter(|n| !repeats.contains(n)) {
        eprintln!("{path}: {n}");
    }
    Ok(())
}

/// `medreach demo-county --out DIR [--seed N]`: writes the generated demo county's four GeoJSON
/// files (and its README) into DIR.
fn demo_county(args: &[String]) -> Result<String, String> {
    let mut out: Option<&str> = None;
    let mut seed = crate::devtools::demo_county::SEED;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"));
        match flag.as_str() {
            "--out" => out = Some(value?),
            "--seed" => {
                let v = value?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: \"{v}\" is not a whole number"))?;
            }
            other => return Err(format!("unknown option \"{other}\"\n\n{USAGE}")),
        }
    }
    let dir = out.ok_or_else(|| format!("demo-county needs --out DIR\n\n{USAGE}"))?;
    crate::devtools::demo_county::generate(seed)
        .write_to(std::path::Path::new(dir))
        .map_err(|e| format!("{dir}: {e}"))?;
    Ok(format!("wrote the demo county (seed {seed}) to {dir}"))
}

/// `medreach synthetic --junctions N [--seed S] [--mode walk|drive] [--limit-min 15]`: generates
/// a synthetic network ([`crate::devtools::synthetic`]), runs the check on it end to end and reports the
/// sizes, the seconds of each stage, the peak memory and the bytes per junction as JSON.
fn synthetic(args: &[String]) -> Result<String, String> {
    use std::time::Instant;
    let mut junctions: Option<usize> = None;
    let mut seed = 1u64;
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let v = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        let number = |what: &str| format!("{flag}: \"{v}\" is not {what}");
        match flag.as_str() {
            "--junctions" => {
                junctions = Some(
                    v.parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| number("a positive whole number"))?,
                )
            }
            "--seed" => seed = v.parse().map_err(|_| number("a whole number"))?,
            "--mode" => options.mode = v.parse()?,
            "--limit-min" => options.limit_min = v.parse().map_err(|_| number("a number"))?,
            other => return Err(format!("unknown option \"{other}\"\n\n{USAGE}")),
        }
    }
    let junctions = junctions.ok_or_else(|| format!("synthetic needs --junctions N\n\n{USAGE}"))?;
    options.validate().map_err(|e| e.to_string())?;

    let start = Instant::now();
    let mut now = || start.elapsed().as_secs_f64() * 1e3;
    let run = crate::devtools::benchmark::time_synthetic(
        junctions,
        seed,
        &options,
        &mut now,
        &mut |_, _, _| {},
    )
    .map_err(|e| e.to_string())?;
    let mut seconds = serde_json::Map::new();
    for (stage, ms) in &run.stage_ms {
        seconds.insert(stage.to_string(), (ms / 1e3).into());
    }
    seconds.insert("total".to_string(), (run.total_ms / 1e3).into());
    let (analysis, report) = (&run.analysis, &run.report);
    let [roads, facilities, settlements, admin_units] = run.generated;

    let nodes = analysis.reach.network.nodes.len();
    let peak = peak_memory_bytes();
    let json = serde_json::json!({
        "junctions_requested": junctions,
        "seed": seed,
        "mode": options.mode.id(),
        "junctions": nodes,
        "segments": analysis.reach.network.segments.len(),
        "roads": roads,
        "facilities": facilities,
        "settlements": settlements,
        "admin_units": admin_units,
        "findings": report.findings.len(),
        "graph_nodes": analysis.reach.graph_nodes(),
        "graph_core_nodes": match &analysis.reach.router {
            crate::engine::routing::Router::Network { graph, .. } => graph.core_node_count(),
            crate::engine::routing::Router::StraightLine { .. } => 0,
        },
        "graph_arcs": analysis.reach.graph_arcs(),
        "seconds": seconds,
        "peak_memory_mb": peak.map(|b| b as f64 / (1u64 << 20) as f64),
        "bytes_per_junction": peak.map(|b| b as f64 / nodes.max(1) as f64),
        "summary": report.summary,
    });
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

/// The process's peak resident memory (`VmHWM` in `/proc/self/status`), where there is one.
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use crate::app::session::{InputFile, Session};
    use crate::engine::network::Mode;
    use crate::engine::rules::RuleParams;
    use std::path::PathBuf;

    fn data(rel: &str) -> String {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(rel)
            .to_string_lossy()
            .into_owned()
    }

    /// The command line's report and the page's (the worker's session, given the same files
    /// under the same names) are the same JSON: one layer-precedence and population policy.
    fn page_and_cli_agree(osm: &str, geojson: &[(&str, String)], mode: Mode) -> serde_json::Value {
        let mut args = vec!["check".to_string(), "--osm".into(), osm.to_string()];
        for (flag, path) in geojson {
            args.push(format!("--{flag}"));
            args.push(path.clone());
        }
        args.extend(["--mode".into(), mode.id().to_string()]);
        let cli: serde_json::Value = serde_json::from_str(&super::run(&args).unwrap()).unwrap();

        let mut files = vec![InputFile {
            name: osm.to_string(),
            bytes: std::fs::read(osm).unwrap(),
        }];
        for (_, path) in geojson {
            files.push(InputFile {
                name: path.clone(),
                bytes: std::fs::read(path).unwrap(),
            });
        }
        let mut session = Session::new();
        assert!(session.load(files, true, &mut |_, _, _| {}).is_empty());
        let page = session
            .run(mode, 15.0, &RuleParams::default(), &mut |_, _, _| {})
            .unwrap()
            .report;
        // Both through the same text, as serde_json's parsing may round a last bit.
        let page: serde_json::Value =
            serde_json::from_str(&serde_json::to_string_pretty(&page).unwrap()).unwrap();
        if let Some(at) = first_difference(&page, &cli, String::new()) {
            panic!("the page's and the command line's reports differ at {at}");
        }
        cli
    }

    /// Where two JSON values first differ, as a path with both values.
    fn first_difference(
        a: &serde_json::Value,
        b: &serde_json::Value,
        at: String,
    ) -> Option<String> {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<_> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| {
                    let (u, v) = (
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                    );
                    first_difference(u, v, format!("{at}.{k}"))
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (u, v))| first_difference(u, v, format!("{at}[{i}]"))),
            _ => (a != b).then(|| format!("{at}: page {a}, command line {b}")),
        }
    }

    #[test]
    fn an_extract_alone_gives_the_same_report_in_the_page_and_the_command_line() {
        let osm = data("tests/data/osm/liechtenstein.osm.pbf");
        let report = page_and_cli_agree(&osm, &[], Mode::Drive);
        assert_eq!(report["population_source"], "osm_place_nodes");
    }

    #[test]
    fn user_settlements_replace_the_extracts_in_the_page_and_the_command_line() {
        let osm = data("tests/data/osm/andorra.osm.pbf");
        let settlements = data("tests/data/cases/andorra/settlements.geojson");
        let report = page_and_cli_agree(&osm, &[("settlements", settlements)], Mode::Drive);
        assert_eq!(report["population_source"], "settlements_layer");
        assert_eq!(report["settlements"].as_array().unwrap().len(), 59);
    }

    #[test]
    fn user_admin_populations_spread_over_buildings_alike_in_the_page_and_the_command_line() {
        // One unit with a population over the middle of Baltimore's extract.
        let dir = std::env::temp_dir().join(format!("medreach-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let admin = dir.join("admin.geojson");
        std::fs::write(
            &admin,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature",
              "properties":{"name":"Downtown","population":50000},
              "geometry":{"type":"Polygon","coordinates":[[[-76.64,39.27],[-76.58,39.27],
              [-76.58,39.31],[-76.64,39.31],[-76.64,39.27]]]}}]}"#,
        )
        .unwrap();
        let osm = data("tests/data/osm/baltimore.osm.pbf");
        let admin = admin.to_string_lossy().into_owned();
        let report = page_and_cli_agree(&osm, &[("admin", admin)], Mode::Walk);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            report["population_source"],
            "osm_building_estimate_in_admin_layer"
        );
        assert!(report["warnings"][0].as_str().unwrap().contains("ESTIMATE"));
    }
}
