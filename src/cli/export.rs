//! `medreach export`: the page's exports as files in a folder — the settlements (CSV, XLSX and
//! GeoJSON; WGS84, or the system `--export-crs` names), the findings, the admin units and the
//! scorecard (CSV, UTF-8 with a BOM for Excel, and XLSX; in Chinese by default), and with
//! `--cell-m` the surface (GeoTIFF) and its isochrones.

use super::check::{parse_lang, Inputs};
use super::USAGE;
use crate::app::analysis::Analysis;
use crate::app::export;
use crate::app::scene::Scene;
use crate::app::text::Lang;
use crate::engine::crs::system::{named, Named};
use crate::engine::surface::{geotiff, isochrones, Surface, DEFAULT_BANDS};

/// Runs `export` with its flags `args`; returns the files written, one per line.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut out: Option<String> = None;
    let mut lang = Lang::Zh;
    let mut cell_m: Option<f64> = None;
    let mut system: Option<Named> = None;
    let parsed = Inputs::parse(args, &mut |flag, value| {
        match flag {
            "--out-dir" => out = Some(value()?),
            "--lang" => lang = parse_lang(&value()?)?,
            "--export-crs" => {
                system = Some(named(&value()?).map_err(|e| format!("--export-crs: {e}"))?)
            }
            "--cell-m" => {
                let v = value()?;
                cell_m = Some(
                    v.parse()
                        .map_err(|_| format!("--cell-m: \"{v}\" is not a number of metres"))?,
                );
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let Some(inputs) = parsed else {
        return Ok(USAGE.to_string());
    };
    let dir = std::path::PathBuf::from(
        out.ok_or_else(|| format!("--out-dir DIR is required\n\n{USAGE}"))?,
    );
    let data = inputs.load()?;
    let options = &inputs.options;
    options.validate().map_err(|e| e.to_string())?;
    let analysis =
        Analysis::run(&data, options.mode, &options.speeds).map_err(|e| e.to_string())?;
    let report = analysis.report(options.limit_min, &options.rules);
    let scene = Scene::build(&analysis);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let sc = Some(&scene);
    let system = system.as_ref();
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (
            "settlements.csv",
            export::settlements_csv(&report, sc, lang, system).into_bytes(),
        ),
        (
            "settlements.xlsx",
            export::settlements_xlsx(&report, sc, lang, system),
        ),
        (
            "settlements.geojson",
            export::settlements_geojson(&report, sc, system).into_bytes(),
        ),
        (
            "findings.csv",
            export::findings_csv(&report, lang).into_bytes(),
        ),
        ("findings.xlsx", export::findings_xlsx(&report, lang)),
        (
            "admin-units.csv",
            export::units_csv(&report, lang).into_bytes(),
        ),
        ("admin-units.xlsx", export::units_xlsx(&report, lang)),
        (
            "scorecard.csv",
            export::scorecard_csv(&report, lang).into_bytes(),
        ),
        ("scorecard.xlsx", export::scorecard_xlsx(&report, lang)),
        (
            "referral.csv",
            export::referral_csv(&report, lang).into_bytes(),
        ),
        ("referral.xlsx", export::referral_xlsx(&report, lang)),
    ];
    if let Some(cell_m) = cell_m {
        let s = Surface::compute(&analysis.layers, &analysis.reach, cell_m, &mut |_, _, _| {})
            .map_err(|e| format!("--cell-m {cell_m}: {e}"))?;
        let bands = isochrones::isochrones(&s.grid, &s.minutes, &DEFAULT_BANDS);
        files.push(("travel-time.tif", geotiff::write(&s)));
        files.push((
            "isochrones.geojson",
            isochrones::to_geojson(&bands).to_string().into_bytes(),
        ));
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written.join("\n"))
}
