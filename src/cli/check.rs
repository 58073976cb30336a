//! `medreach check`: the report on GeoJSON layers (`--roads`, `--facilities`, `--settlements`,
//! `--admin`) or an OpenStreetMap extract (`--osm`), as one JSON document. The layers load
//! through the dataset, as in the page, so both give the same report on the same files.

use super::USAGE;
use crate::app::analysis::check_with_comparison;
use crate::app::options::Options;
use crate::engine::dataset::Dataset;
use crate::engine::io::osm::OsmOptions;

/// Runs `check` with its flags `args`.
pub fn run(args: &[String]) -> Result<String, String> {
    let Some(inputs) = Inputs::parse(args, &mut |_, _| Ok(false))? else {
        return Ok(USAGE.to_string());
    };
    let data = inputs.load()?;
    // Which layers win and where residents come from are the dataset's (the page's) policy;
    // the report carries the extract's account (attribution, population source, warnings).
    let (report, comparison) =
        check_with_comparison(&data, &inputs.options).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    // With a plan (`--plan`), the report is the plan's, and `comparison` sets it against the
    // loaded data without the plan's edits. Written straight from the report: going through a
    // `serde_json::Value` built, printed and freed a tree of maps, a fifth of the command's
    // time on a city.
    let out = CheckOutput {
        report: &report,
        comparison: comparison.as_ref(),
    };
    let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    // The process ends once the text is printed, and the operating system takes back all its
    // memory at once: freeing the layers and the report piece by piece took a twentieth of a
    // city's run.
    std::mem::forget((data, report, comparison));
    Ok(text)
}

/// What `check` prints: the report's members, and `comparison` with a plan.
#[derive(serde::Serialize)]
struct CheckOutput<'a> {
    #[serde(flatten)]
    report: &'a crate::engine::report::Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a crate::app::compare::Comparison>,
}

/// The language a `--lang` value names: `zh` or `en`.
pub fn parse_lang(value: &str) -> Result<crate::app::text::Lang, String> {
    match value {
        "zh" => Ok(crate::app::text::Lang::Zh),
        "en" => Ok(crate::app::text::Lang::En),
        other => Err(format!("--lang: \"{other}\" is not zh or en")),
    }
}

/// A command's own flags: given a flag and a way to take its value, says whether it took it.
pub type OwnFlags<'a> =
    &'a mut dyn FnMut(&str, &mut dyn FnMut() -> Result<String, String>) -> Result<bool, String>;

/// The data and analysis flags every command that analyses layers shares: the layer files,
/// an OpenStreetMap extract and its options, the mode, the limit and the rule parameters.
#[derive(Default)]
pub struct Inputs {
    /// `(kind, path)` of each GeoJSON layer, in order.
    pub files: Vec<(String, String)>,
    /// The extract, if any.
    pub osm: Option<String>,
    /// How the extract is read.
    pub osm_options: OsmOptions,
    /// The sheet and coordinate columns of tables (`--sheet`, `--lon-column`, `--lat-column`).
    pub table: crate::engine::io::table::TableChoice,
    /// The coordinate system given for each kind of file (`roads`, …, `data`).
    pub crs: Vec<(String, crate::engine::crs::system::Named)>,
    /// A flag given that only applies with `--osm`.
    osm_only_flag: Option<&'static str>,
    /// The plan file whose edits apply over the layers (`--plan`).
    pub plan: Option<String>,
    /// Mode, limit and rule parameters.
    pub options: Options,
}

impl Inputs {
    /// Reads `args`: the shared flags into the inputs, any other to `own`; an unknown flag is
    /// an error. `Ok(None)` when help was asked for.
    pub fn parse(args: &[String], own: OwnFlags) -> Result<Option<Inputs>, String> {
        let mut it = args.iter();
        let mut inputs = Inputs::default();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))
            };
            if flag == "-h" || flag == "--help" {
                return Ok(None);
            }
            if !inputs.take(flag, &mut value)? && !own(flag, &mut value)? {
                return Err(format!("unknown option \"{flag}\"\n\n{USAGE}"));
            }
        }
        // A plan made with its own speed table brings it, unless --speeds gives one.
        if let (Some(path), false) = (&inputs.plan, args.iter().any(|a| a == "--speeds")) {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let plan = crate::engine::edits::plan_file::read_plan(&text)
                .map_err(|e| format!("{path}: {e}"))?;
            if let Some(speeds) = plan.speeds {
                inputs.options.speeds = speeds;
            }
        }
        Ok(Some(inputs))
    }

    /// Takes `flag` (and its value, from `value`) if it is one of the shared flags: `Ok(true)`
    /// when taken, `Ok(false)` when it is not one of them.
    pub fn take(
        &mut self,
        flag: &str,
        value: &mut dyn FnMut() -> Result<String, String>,
    ) -> Result<bool, String> {
        match flag {
            "--roads" | "--facilities" | "--settlements" | "--admin" | "--data" => self
                .files
                .push((flag.trim_start_matches("--").to_string(), value()?)),
            "--osm" => self.osm = Some(value()?),
            "--plan" => self.plan = Some(value()?),
            "--sheet" => self.table.sheet = Some(value()?),
            "--lon-column" => self.table.lon = Some(value()?),
            "--lat-column" => self.table.lat = Some(value()?),
            "--roads-crs" | "--facilities-crs" | "--settlements-crs" | "--admin-crs"
            | "--data-crs" => {
                let kind = flag.trim_start_matches("--").trim_end_matches("-crs");
                let named = crate::engine::crs::system::named(&value()?)
                    .map_err(|e| format!("{flag}: {e}"))?;
                self.crs.retain(|(k, _)| k != kind);
                self.crs.push((kind.to_string(), named));
            }
            "--floor-m2-per-person" => {
                let v = value()?;
                self.osm_options.floor_m2_per_person = v
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite() && *x > 0.0)
                    .ok_or_else(|| {
                        format!("--floor-m2-per-person: \"{v}\" is not a positive number of m²")
                    })?;
                self.osm_only_flag = Some("--floor-m2-per-person");
            }
            "--population" => {
                self.osm_options.population = value()?.parse()?;
                self.osm_only_flag = Some("--population");
            }
            "--mode" => self.options.mode = value()?.parse()?,
            "--rules" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                self.options.rules = crate::engine::rules::RuleParams::parse(&text)
                    .map_err(|e| format!("{path}: {e}"))?;
            }
            "--speeds" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                self.options.speeds = crate::engine::network::SpeedTable::parse(&text)
                    .map_err(|e| format!("{path}: {e}"))?;
            }
            "--limit-min" => {
                let v = value()?;
                self.options.limit_min = v
                    .parse()
                    .map_err(|_| format!("--limit-min: \"{v}\" is not a number"))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Checks that the layers needed were given and loads them into a dataset, printing on
    /// stderr what each file skipped.
    pub fn load(&self) -> Result<Dataset, String> {
        if self.osm.is_none() {
            if let Some(flag) = self.osm_only_flag {
                return Err(format!("{flag} applies to --osm FILE.osm.pbf\n\n{USAGE}"));
            }
            // A zip of shapefiles, a KML/KMZ (folders of layers), or any file given as --data
            // may hold every layer.
            let bundle = self.files.iter().any(|(k, p)| {
                let p = p.to_ascii_lowercase();
                k == "data" || [".zip", ".kml", ".kmz"].iter().any(|e| p.ends_with(e))
            });
            for required in ["roads", "facilities", "settlements"] {
                if !bundle && !self.files.iter().any(|(k, _)| k == required) {
                    return Err(format!(
                        "--{required} is required (or --osm FILE.osm.pbf)\n\n{USAGE}"
                    ));
                }
            }
        }
        let mut data = Dataset::default();
        if let Some(path) = &self.osm {
            load_osm(&mut data, path, &self.osm_options)?;
        }
        // The files are read side by side, one thread each, then added in the order given.
        let names: Vec<&str> = self.files.iter().map(|(_, p)| p.as_str()).collect();
        let ids = data.file_ids(&names);
        let reads: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (self.files.iter().zip(ids))
                .map(|((kind, path), id)| {
                    let options = self.read_options(kind);
                    scope.spawn(move || {
                        let import = read_file(path, id, &options);
                        (options, import)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        for ((kind, path), (options, import)) in self.files.iter().zip(reads) {
            let loaded = data.put_import(path, import?, &options.osm);
            for s in &loaded.layers.skipped {
                eprintln!("{path}: feature {} skipped: {}", s.source.feature, s.reason);
            }
            // A file given as one layer that holds none of it is named.
            let l = &loaded.layers;
            let held = match kind.as_str() {
                "roads" => Some((l.roads.len(), "road (line)")),
                "facilities" => Some((l.facilities.len(), "facility (point with a kind)")),
                "settlements" => {
                    Some((l.settlements.len(), "settlement (point with a population)"))
                }
                "admin" => Some((l.admin.len(), "admin unit (polygon)")),
                _ => None,
            };
            if let Some((0, what)) = held {
                eprintln!(
                    "warning: {path}: given as --{kind} but holds no {what}: {} roads, {} facilities, {} settlements, {} admin units recognised",
                    l.roads.len(),
                    l.facilities.len(),
                    l.settlements.len(),
                    l.admin.len()
                );
            }
            for n in &loaded.layers.notes {
                eprintln!("{n}");
            }
        }
        if let Some(path) = &self.plan {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let plan = crate::engine::edits::plan_file::read_plan(&text)
                .map_err(|e| format!("{path}: {e}"))?;
            data.set_edits(plan.edits)
                .map_err(|e| format!("{path}: {e}"))?;
        }
        Ok(data)
    }
}

impl Inputs {
    /// How a file given as `kind` (`roads`, …, `data`) is read.
    fn read_options(&self, kind: &str) -> crate::engine::io::ReadOptions {
        crate::engine::io::ReadOptions {
            osm: self.osm_options.clone(),
            crs: self
                .crs
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, n)| n.clone()),
            table: self.table.clone(),
        }
    }
}

/// Reads the file at `path` (a bare `.shp` with its parts beside it) for the file index `id`.
fn read_file(
    path: &str,
    id: u32,
    options: &crate::engine::io::ReadOptions,
) -> Result<crate::engine::io::Import, String> {
    if path.to_ascii_lowercase().ends_with(".shp") {
        let parts = shapefile_parts(path)?;
        crate::engine::io::read_shapefile_parts(path, parts, id, options.crs.as_ref())
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        crate::engine::io::read(path, &bytes, id, options)
    }
    .map_err(|e| e.to_string())
}

/// A bare shapefile's parts: the `.shp` at `path` and the files beside it with the same name
/// and a shapefile extension (`.dbf`, `.prj`, `.cpg`, …, in any case).
fn shapefile_parts(path: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    use crate::engine::io::shapefile::part_extension;
    let p = std::path::Path::new(path);
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = part_extension(&name)
        .map(|(s, _)| s.to_lowercase())
        .unwrap_or_default();
    let mut parts = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        if part_extension(&n).is_some_and(|(s, _)| s.to_lowercase() == stem) {
            let bytes = std::fs::read(entry.path()).map_err(|e| format!("{n}: {e}"))?;
            parts.push((n, bytes));
        }
    }
    if !parts.iter().any(|(n, _)| n == &name) {
        return Err(format!("{path}: no such file"));
    }
    Ok(parts)
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
    // user's layers: `Dataset::layers_and_warnings`), not here.
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
        let cli: serde_json::Value =
            serde_json::from_str(&crate::cli::run(&args).unwrap()).unwrap();

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
        let mut page = session
            .run(mode, 15.0, &RuleParams::default(), &mut |_, _, _| {})
            .unwrap()
            .report;
        // The page words findings in its own language; the command line's JSON in English.
        crate::app::text::word_report(&mut page, crate::app::text::Lang::En);
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
