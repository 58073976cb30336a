//! `medreach surface`: the travel-time surface as a GeoTIFF (`--out`) and its cumulative
//! isochrones as GeoJSON (`--isochrones`), over the same layers and mode as `check`; prints a
//! JSON summary (the grid, and area and population per band).

use super::check::Inputs;
use super::USAGE;
use crate::app::analysis::Analysis;
use crate::engine::surface::{geotiff, isochrones, Surface, DEFAULT_BANDS, DEFAULT_CELL_M};

/// Runs `surface` with its flags `args`.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut cell_m = DEFAULT_CELL_M;
    let mut out: Option<String> = None;
    let mut iso_out: Option<String> = None;
    let mut bands: Vec<f64> = DEFAULT_BANDS.to_vec();
    let parsed = Inputs::parse(args, &mut |flag, value| {
        match flag {
            "--cell-m" => {
                let v = value()?;
                cell_m = v
                    .parse()
                    .map_err(|_| format!("--cell-m: \"{v}\" is not a number of metres"))?;
            }
            "--out" => out = Some(value()?),
            "--isochrones" => iso_out = Some(value()?),
            "--bands" => bands = parse_bands(&value()?)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let Some(inputs) = parsed else {
        return Ok(USAGE.to_string());
    };
    let out = out.ok_or_else(|| format!("--out FILE.tif is required\n\n{USAGE}"))?;
    let data = inputs.load()?;
    inputs.options.validate().map_err(|e| e.to_string())?;
    let analysis = Analysis::run(&data, inputs.options.mode, &inputs.options.speeds)
        .map_err(|e| e.to_string())?;
    let surface = Surface::compute(&analysis.layers, &analysis.reach, cell_m, &mut |_, _, _| {})
        .map_err(|e| format!("--cell-m {cell_m}: {e}"))?;
    std::fs::write(&out, geotiff::write(&surface)).map_err(|e| format!("{out}: {e}"))?;
    if let Some(path) = &iso_out {
        let iso = isochrones::isochrones(&surface.grid, &surface.minutes, &bands);
        let text =
            serde_json::to_string(&isochrones::to_geojson(&iso)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))?;
    }
    let g = &surface.grid;
    let summary = serde_json::json!({
        "mode": inputs.options.mode.id(),
        "cell_m": g.cell_m,
        "epsg": g.zone.epsg(),
        "cols": g.cols,
        "rows": g.rows,
        "west": g.west,
        "north": g.north,
        "bands": surface.band_table(&analysis.layers, &analysis.reach, &bands),
    });
    serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())
}

/// Band limits: positive minutes, ascending, comma-separated.
fn parse_bands(text: &str) -> Result<Vec<f64>, String> {
    let bands: Vec<f64> = text
        .split(',')
        .map(|b| {
            b.trim()
                .parse::<f64>()
                .ok()
                .filter(|m| m.is_finite() && *m > 0.0)
                .ok_or_else(|| format!("--bands: \"{b}\" is not a positive number of minutes"))
        })
        .collect::<Result<_, _>>()?;
    if bands.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("--bands: \"{text}\" must ascend"));
    }
    Ok(bands)
}
