//! Coordinate-system text: a shapefile's `.prj` WKT, read with a small shapefile as the page
//! and the command line read one (and parsed on its own, so that every text reaches the
//! parser), and the names a user gives (`--crs`, a GeoJSON `crs` member), each system then used
//! on a few positions.
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::crs::{system, wkt, LonLat};
use medreach::engine::io::read_shapefile_parts;

/// Three points in a 3-degree Gauss-Kruger zone (seeds/shp/gk.shp).
const SHP: &[u8] = include_bytes!("../seeds/parts/gk.shp");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = wkt::name(text);
    let mut systems = Vec::new();
    if let Ok((crs, _)) = wkt::parse(text) {
        systems.push(crs);
    }
    if let Ok(named) = system::named(text) {
        systems.push(named.crs);
    }
    for crs in systems {
        for (x, y) in [
            (500_000.0, 3_000_000.0),
            (39_500_000.0, 4_400_000.0),
            (116.4, 39.9),
        ] {
            let p = crs.to_lonlat(x, y);
            let _ = crs.from_lonlat(LonLat {
                lon: p.lon,
                lat: p.lat,
            });
        }
    }
    let parts = vec![
        ("fuzz.shp".to_string(), SHP.to_vec()),
        ("fuzz.prj".to_string(), data.to_vec()),
    ];
    let _ = read_shapefile_parts("fuzz.shp", parts, 0, None);
});
