//! Where to build next, for the page and the command line: the travel-time surface of an
//! analysis as the page draws it (the cells' minutes and the band table), site suggestions
//! asked in the page's terms, and suggested sites written as a file of planned facilities
//! that loads like any other (so they are kept, restored and marked as planned everywhere).

use super::analysis::Analysis;
use super::text::{self, Bilingual, Lang};
use crate::engine::io::points::read_points;
use crate::engine::model::FacilityKind;
use crate::engine::network::Mode;
use crate::engine::planning::{suggest, CandidateSource, Objective, Plan, PlanRequest};
use crate::engine::progress::Progress;
use crate::engine::surface::{BandRow, Grid, Surface, DEFAULT_BANDS};
use serde::{Deserialize, Serialize};

/// The surface as the page gets it: the grid and the band table; the cells' minutes travel
/// beside it as `f32` (NaN outside the units, infinite when nothing is reached).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurfaceInfo {
    /// The grid (in the analysis's UTM plane).
    pub grid: Grid,
    /// Area and population per band (0–5–10–15–30–60, beyond, unreachable).
    pub bands: Vec<BandRow>,
    /// With what-if edits: the cells (row by row from the north) whose band differs from the
    /// data as loaded (the difference map).
    #[serde(default)]
    pub changed: Vec<u32>,
}

/// The surface of `analysis` at `cell_m`, for the page: its description and the cells'
/// minutes as `f32`; or why it cannot be made, in both languages.
pub fn surface_for_page(
    analysis: &Analysis,
    cell_m: f64,
    progress: Progress,
) -> Result<(SurfaceInfo, Vec<f32>), Bilingual> {
    let s = Surface::compute(&analysis.layers, &analysis.reach, cell_m, progress).map_err(|e| {
        Bilingual {
            en: text::grid_error(Lang::En, &e),
            zh: text::grid_error(Lang::Zh, &e),
        }
    })?;
    let bands = s.band_table(&analysis.layers, &analysis.reach, &DEFAULT_BANDS);
    let minutes = s.minutes.iter().map(|&m| m as f32).collect();
    Ok((
        SurfaceInfo {
            grid: s.grid,
            bands,
            changed: Vec::new(),
        },
        minutes,
    ))
}

/// A request for site suggestions from the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanAsk {
    /// Mode.
    pub mode: Mode,
    /// Limit, minutes.
    pub limit_min: f64,
    /// K sites, or a target share.
    pub objective: Objective,
    /// Kind of the new sites.
    pub kind: FacilityKind,
    /// Spacing of generated candidates along roads, metres.
    pub spacing_m: f64,
    /// The name of the candidates file (its bytes go beside the message), or `None` to
    /// generate candidates.
    pub candidates_file: Option<String>,
}

/// Runs `ask` on `analysis` (computed in `ask.mode`), with the candidates file's bytes when
/// it names one; errors in both languages, naming the file.
pub fn plan_for_page(
    analysis: &Analysis,
    ask: &PlanAsk,
    candidates: Option<&[u8]>,
    progress: Progress,
) -> Result<Plan, Bilingual> {
    let source = match (&ask.candidates_file, candidates) {
        (Some(name), Some(bytes)) => {
            CandidateSource::Given(read_points(name, bytes).map_err(|e| Bilingual {
                en: text::points_error(Lang::En, &e),
                zh: text::points_error(Lang::Zh, &e),
            })?)
        }
        _ => CandidateSource::Generated {
            spacing_m: ask.spacing_m,
        },
    };
    let request = PlanRequest {
        objective: ask.objective,
        limit_min: ask.limit_min,
        kind: ask.kind,
        candidates: source,
    };
    suggest(&analysis.layers, &analysis.reach, &request, progress).map_err(|e| {
        let prefix = ask
            .candidates_file
            .as_ref()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        Bilingual {
            en: format!("{prefix}{}", text::plan_error(Lang::En, &e)),
            zh: format!("{prefix}{}", text::plan_error(Lang::Zh, &e)),
        }
    })
}

/// The name of the file suggested sites are added as.
pub const PLANNED_FILE: &str = "planned-sites.geojson";

/// Suggested `sites` of `kind` as a GeoJSON file of planned facilities, numbered after the
/// `already` planned ones: each a medical service point with `planned: true`, named
/// "规划站点 N" (planned site N), with the residents it adds.
pub fn planned_sites_geojson(plan: &Plan, kind: FacilityKind, already: usize) -> String {
    let features: Vec<serde_json::Value> = plan
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({
                "type": "Feature",
                "properties": {
                    "name": format!("规划站点 {} · planned site {}", already + i + 1, already + i + 1),
                    "kind": kind.id(),
                    "planned": true,
                    "primary_care": true,
                    "added_population": s.added_population,
                },
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}
