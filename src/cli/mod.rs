//! The command line, one file per command:
//!
//! - [`check`]: `medreach check --roads R --facilities F --settlements S [--admin A]
//!   [--mode walk|drive|ebike] [--limit-min 15]`, or `medreach check --osm EXTRACT.osm.pbf [...]`,
//!   prints one JSON report to stdout. With `--osm`, the OpenStreetMap extract gives every
//!   layer ([`crate::engine::io::osm`]); a GeoJSON layer given as well replaces the extract's
//!   layer of that kind, by the dataset's one policy (the page's). The report then also
//!   carries `attribution` (OpenStreetMap's, required wherever its data are exported),
//!   `population_source` and, per settlement from the extract, its `osm` element and whether
//!   its `population_estimated`.
//! - [`surface`]: the travel-time surface as a GeoTIFF and its isochrones as GeoJSON.
//! - [`plan`]: where to add sites (maximal or set covering), with a proven bound.
//! - [`access`]: capacity-limited coverage (2SFCA, E2SFCA, G2SFCA): capacity per resident
//!   within reach, per settlement and per facility.
//! - [`report`]: the printable report as one self-contained HTML file.
//! - [`export`]: the exports (CSV, XLSX, GeoJSON, GeoTIFF) into a folder, the settlements in
//!   WGS84 or the system `--export-crs` names.
//! - [`synthetic`]: a generated network checked end to end, timed.
//! - [`demo_county`]: writes the generated demo county.

pub mod access;
pub mod check;
pub mod demo_county;
pub mod export;
pub mod plan;
pub mod report;
pub mod surface;
pub mod synthetic;

/// Usage text.
pub const USAGE: &str = "usage: medreach check --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--roads-crs CRS] [--facilities-crs CRS] [--settlements-crs CRS] [--admin-crs CRS] [--mode walk|drive|ebike] [--limit-min 15] [--rules PARAMS.toml|.json] [--plan PLAN.geojson]
       medreach check --osm FILE.osm.pbf [--roads FILE] [--facilities FILE] [--settlements FILE] [--admin FILE] [--floor-m2-per-person 40] [--population auto|places|buildings] [--mode walk|drive|ebike] [--limit-min 15] [--rules PARAMS.toml|.json]
       medreach surface --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive|ebike] [--cell-m 100] --out FILE.tif [--isochrones FILE.geojson] [--bands 5,10,15,30,60]
       medreach plan --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive|ebike] [--limit-min 15] (--add K | --target-share 1.0) [--candidates FILE.geojson] [--spacing-m 300] [--kind medical_service_point]
       medreach access --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive|ebike] --capacity-field FIELD [--catchment-min 15] [--method 2sfca|e2sfca|g2sfca] [--steps 10:1,20:0.68,30:0.22] [--sigma-min 20] [--times]
       medreach report --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive|ebike] [--limit-min 15] [--rules PARAMS] [--lang zh|en] --out report.html
       medreach export --roads FILE --facilities FILE --settlements FILE [--admin FILE] [--mode walk|drive|ebike] [--limit-min 15] [--lang zh|en] [--cell-m 100] [--export-crs CRS] --out-dir DIR
       medreach demo-county --out DIR [--seed 2025]
       medreach synthetic --junctions N [--seed 1] [--mode walk|drive|ebike] [--limit-min 15]

Reads the layers and prints a JSON report to stdout: the share of
residents within the limit of their nearest medical service point, every settlement's time,
the findings of every rule of the layout guidance, and which rules could not be checked.
--rules sets rule parameters (see README); missing keys keep the policy defaults.
--plan PLAN.geojson applies a plan's what-if edits (facilities added, moved, deleted or
changed, roads closed or changed; the page saves such a file) over the layers, for every
command; a plan that names a feature not loaded, places a facility outside the data's area or
gives a speed of zero is refused, and the report lists the edits applied (`edits`).
--speeds FILE (TOML or JSON) sets the speed table in km/h: walk_kmh, offroad_kmh, ebike_kmh,
drive_default_kmh, and [drive_kmh] class = km/h; missing keys keep the defaults, and the report
lists the speeds used.
Every layer flag takes GeoJSON, an OpenStreetMap extract, a .zip of ESRI shapefiles (GBK or
UTF-8 attributes; CGCS2000, Xian 1980 or Beijing 1954 Gauss-Kruger, UTM, Web Mercator or
longitude/latitude from the .prj) or a bare .shp with its .dbf/.prj beside it, a CSV or Excel
table of points, or a KML/KMZ (Google Earth, Ovital); a file's features go to their layers by
geometry and attributes whatever the flag, and --data FILE adds a file that holds several
layers (a zip or a KMZ of them, say).
--roads-crs, --facilities-crs, --settlements-crs, --admin-crs and --data-crs CRS say what a
file's coordinates are when it does not say (or says wrong): wgs84, cgcs2000, gcj02 (AMap,
Tencent), bd09 (Baidu) or EPSG:NNNN (CGCS2000 Gauss-Kruger 4491-4554, Xian 1980 2327-2390,
Beijing 1954 2401-2442 and 21413-21463, UTM 326NN/327NN, Web Mercator 3857). A GeoJSON file's
legacy `crs` member is read; a file without one, in metres, is refused with the systems its
numbers may be in.

--osm reads an OpenStreetMap extract (.osm.pbf) in place of the GeoJSON layers: roads, health
facilities, admin boundaries, and residents from place nodes with a population or else
ESTIMATED from residential buildings (footprint x levels / --floor-m2-per-person, 40 m² by
default; --population chooses the source). A GeoJSON layer given as well replaces the extract's
layer of that kind. OpenStreetMap data (c) OpenStreetMap contributors, ODbL 1.0.

surface writes the travel time from every cell of a grid (--cell-m metres, at least 25, aligned
on the UTM zone's multiples; cells outside the admin units left empty) to its nearest medical
service point as a GeoTIFF (float32 minutes, NaN for empty or unreachable, EPSG of the UTM zone),
and with --isochrones the cumulative bands as GeoJSON (one MultiPolygon per band, `max_min`).

plan suggests where to add medical service points: --add K chooses at most K sites that bring the
most residents within the limit (maximal covering), --target-share S the fewest that bring that
share within it (set covering; when no choice can, the fewest reaching the best share possible).
Candidates are every feature of --candidates (indices are positions in that file), or else
generated at the settlements beyond the limit and every --spacing-m metres along the roads near
them. The JSON gives the residents within the limit before and after, a proven upper bound, the
gap to it, and each site with the residents it adds.

access computes capacity-limited coverage, the two-step floating catchment (2SFCA) as PySAL's
access package defines it: every medical service point with the capacity --capacity-field names
(capacity/容量, doctors/医生数, beds/床位数, staff/人员数, or any attribute name of it) divides it
among the residents within --catchment-min minutes (inclusive; the limit, 15, by default), and
every settlement gets the sum of the ratios of the facilities it reaches: capacity per resident
(not per 1,000), 0 when it reaches none. A facility whose catchment holds nobody has ratio null;
service points without the capacity do not supply and are listed in warnings. --method e2sfca
weighs times by steps (--steps, PySAL's 10:1,20:0.68,30:0.22 by default: weight 1 up to 10 min,
0.68 up to 20, 0.22 up to 30, 0 beyond), g2sfca by a Gaussian exp(-t^2/(2 sigma^2)) (--sigma-min,
20 by default, as PySAL's example); both steps use the weights. --times adds every settlement's
time to each facility whose catchment holds it.

report writes the printable report (title, parameters, map with legend, scale bar and north
arrow, the headline figure, the 2027 target scorecard, the scorecard by township, every finding
with its place, suggestion and clause, the planned sites) as one self-contained HTML file that a
browser prints on A4; Chinese by default.

export writes the page's exports into a folder: settlements.csv, .xlsx and .geojson (time,
nearest service point, within/beyond, position), findings, admin-units and scorecard as .csv
(UTF-8 with a BOM, so a Chinese Excel opens them) and .xlsx (numbers as numbers, codes as text),
and with --cell-m the surface (travel-time.tif) and its isochrones (isochrones.geojson).
Positions are WGS84 unless --export-crs names another system (wgs84, cgcs2000, gcj02, bd09,
EPSG:NNNN) for the settlements: the GeoJSON then carries the legacy crs member (or, for gcj02
and bd09, a coordinate_system note) and the tables' coordinate columns name the system.

synthetic generates a road network of about N junctions with facilities and settlements (see
medreach::devtools::synthetic), runs the whole check on it and prints, as JSON, its size, the seconds of
each stage, the peak memory and the bytes per junction.";

/// Runs the command line with `args` (without the program name); returns the text for stdout
/// (the JSON report, or the usage when asked for), or an error message for stderr.
pub fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("check") => check::run(&args[1..]),
        Some("demo-county") => demo_county::run(&args[1..]),
        Some("synthetic") => synthetic::run(&args[1..]),
        Some("surface") => surface::run(&args[1..]),
        Some("plan") => plan::run(&args[1..]),
        Some("access") => access::run(&args[1..]),
        Some("report") => report::run(&args[1..]),
        Some("export") => export::run(&args[1..]),
        Some("-h") | Some("--help") => Ok(USAGE.to_string()),
        None => Err(USAGE.to_string()),
        Some(other) => Err(format!("unknown command \"{other}\"\n\n{USAGE}")),
    }
}
