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
use crate::engine::dataset::{Dataset, LoadedFile};
use crate::engine::io::osm::{
    estimate_residents, read_osm_pbf, OsmImport, OsmOptions, OsmWarning, PopulationSource,
};

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
    let osm_import = match &osm {
        Some(path) => Some(load_osm(&mut data, path, &osm_options)?),
        None => None,
    };
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
    let population = match (&osm, &osm_import) {
        (Some(path), Some(import)) => Some(give_precedence(
            &mut data,
            path,
            import,
            &files,
            &osm_options,
        )),
        _ => None,
    };
    let mut report = check(&data, &options).map_err(|e| e.to_string())?;
    if let Some((_, osm_warnings)) = &population {
        report.warnings.splice(0..0, osm_warnings.iter().cloned());
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let mut json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    if let (Some(path), Some(import), Some((source, _))) = (&osm, &osm_import, &population) {
        annotate(&mut json, path, import, *source);
    }
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

/// Reads the extract at `path` into `data` as its first file.
fn load_osm(data: &mut Dataset, path: &str, options: &OsmOptions) -> Result<OsmImport, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let import = read_osm_pbf(&bytes, options, data.files.len() as u32)
        .map_err(|e| format!("{path}: {e}"))?;
    for s in &import.layers.skipped {
        let what = import.element(s.source).map_or_else(
            || format!("feature {}", s.source.feature),
            |e| e.to_string(),
        );
        eprintln!("{path}: {what} skipped: {}", s.reason);
    }
    // The extract's warnings go into the report's warnings (see `give_precedence`), not here.
    let repeats: Vec<String> = import
        .warnings
        .iter()
        .map(|w| format!("OpenStreetMap extract: {w}"))
        .collect();
    for n in import.layers.notes.iter().filter(|n| !repeats.contains(n)) {
        eprintln!("{path}: {n}");
    }
    data.files.push(LoadedFile {
        name: path.to_string(),
        layers: import.layers.clone(),
        osm: true,
        population_estimated: import.population_source == PopulationSource::BuildingEstimate,
        // `give_precedence` applies the user's layers and spreads their admin populations
        // itself (it also words the warnings), so the dataset needs no buildings.
        buildings: Vec::new(),
        floor_m2_per_person: options.floor_m2_per_person,
    });
    Ok(import)
}

/// Where the population comes from, as the report names it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Population {
    /// The extract's own.
    Osm(PopulationSource),
    /// The user's settlements layer.
    UserSettlements,
    /// The extract's buildings, with the user's admin populations spread over them.
    BuildingsInUserAdmin,
}

/// Drops each layer of the extract that a GeoJSON file replaces. Returns where the population
/// comes from and the extract's warnings that still apply (a population estimate, a missing
/// population or facility), each naming the file.
fn give_precedence(
    data: &mut Dataset,
    path: &str,
    import: &OsmImport,
    files: &[(&str, String)],
    options: &OsmOptions,
) -> (Population, Vec<String>) {
    let given = |kind: &str| files.iter().any(|(k, _)| *k == kind);
    let user_admin: Vec<_> = data.files[1..]
        .iter()
        .flat_map(|f| f.layers.admin.iter().cloned())
        .collect();
    let osm = &mut data.files[0].layers;
    if given("roads") {
        osm.roads.clear();
    }
    if given("facilities") {
        osm.facilities.clear();
    }
    if given("admin") {
        osm.admin.clear();
    }
    let about_facilities = |w: &&OsmWarning| {
        matches!(
            w,
            OsmWarning::NoFacility | OsmWarning::NoServicePoint { .. }
        )
    };
    let mut warnings: Vec<OsmWarning> = if given("facilities") {
        Vec::new()
    } else {
        import
            .warnings
            .iter()
            .filter(about_facilities)
            .cloned()
            .collect()
    };
    let population = if given("settlements") {
        osm.settlements.clear();
        Population::UserSettlements
    } else if user_admin.iter().any(|u| u.population.is_some()) && !import.buildings.is_empty() {
        let estimate =
            estimate_residents(&import.buildings, &user_admin, options.floor_m2_per_person);
        for n in &estimate.notes {
            eprintln!("{path}: {n}");
        }
        osm.settlements = estimate.settlements;
        warnings.insert(
            0,
            OsmWarning::PopulationEstimated {
                buildings: import.buildings.len(),
                floor_m2_per_person: options.floor_m2_per_person,
                units_spread: estimate.units_spread,
            },
        );
        Population::BuildingsInUserAdmin
    } else {
        let about_population = import.warnings.iter().filter(|w| !about_facilities(w));
        for (k, w) in about_population.enumerate() {
            warnings.insert(k, w.clone());
        }
        Population::Osm(import.population_source)
    };
    (
        population,
        warnings.iter().map(|w| format!("{path}: {w}")).collect(),
    )
}

/// Adds the extract's attribution, the population source and, per settlement from the extract,
/// its OSM element and whether its population is an estimate.
fn annotate(json: &mut serde_json::Value, path: &str, import: &OsmImport, population: Population) {
    use serde_json::Value;
    let estimated = match population {
        Population::Osm(s) => s == PopulationSource::BuildingEstimate,
        Population::BuildingsInUserAdmin => true,
        Population::UserSettlements => false,
    };
    let source = match population {
        Population::Osm(PopulationSource::PlaceNodes) => "osm_place_nodes",
        Population::Osm(PopulationSource::BuildingEstimate) => "osm_building_estimate",
        Population::Osm(PopulationSource::None) => "none",
        Population::UserSettlements => "settlements_layer",
        Population::BuildingsInUserAdmin => "osm_building_estimate_in_admin_layer",
    };
    let Some(obj) = json.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(rows)) = obj.get_mut("settlements") {
        for row in rows {
            if row.get("file").and_then(Value::as_str) != Some(path) {
                continue;
            }
            let element = row
                .get("index")
                .and_then(Value::as_u64)
                .and_then(|i| import.elements.get(i as usize));
            if let (Some(e), Some(row)) = (element, row.as_object_mut()) {
                row.insert("osm".into(), Value::String(e.to_string()));
                row.insert("population_estimated".into(), Value::Bool(estimated));
            }
        }
    }
    obj.insert(
        "population_source".into(),
        Value::String(source.to_string()),
    );
    obj.insert(
        "attribution".into(),
        Value::String(crate::engine::io::osm::ATTRIBUTION.to_string()),
    );
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
    use crate::app::analysis::Analysis;
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
    let mut last = start;
    let mut seconds = serde_json::Map::new();
    let mut lap = |name: &str| {
        let now = Instant::now();
        seconds.insert(name.to_string(), (now - last).as_secs_f64().into());
        last = now;
    };
    let layers = crate::devtools::synthetic::generate(junctions, seed);
    lap("generate");
    let (roads, facilities, settlements, admin_units) = (
        layers.roads.len(),
        layers.facilities.len(),
        layers.settlements.len(),
        layers.admin.len(),
    );
    // Each stage runs until the next one starts (the last until run_layers returns).
    let mut current: Option<crate::engine::progress::Stage> = None;
    let analysis = Analysis::run_layers(
        layers,
        vec!["synthetic".to_string()],
        options.mode,
        &options.speeds,
        &mut |stage, _, _| {
            if current != Some(stage) {
                if let Some(previous) = current {
                    lap(previous.id());
                }
                current = Some(stage);
            }
        },
    )
    .map_err(|e| e.to_string())?;
    if let Some(last_stage) = current {
        lap(last_stage.id());
    }
    let report = analysis.report(options.limit_min, &options.rules);
    lap("report");
    let total = start.elapsed().as_secs_f64();
    seconds.insert("total".to_string(), total.into());

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
