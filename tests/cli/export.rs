//! `medreach export` round trips: every file it writes of the demo county is read back — the
//! settlements (GeoJSON, CSV, XLSX) through MedReach's own readers as the same settlements in
//! the same places, also in another coordinate system (`--export-crs`); the findings, admin
//! units and scorecard as CSV and XLSX holding the same cells; the GeoTIFF's header against
//! the surface's grid; the isochrones as admin polygons.

use super::planning::demo_args;
use super::{run, stdout_json, TempFile};
use calamine::{Data, Reader};
use medreach::engine::crs::system::{named, Named};
use medreach::engine::io::{read, Import, ReadOptions};
use medreach::engine::model::{Layers, Settlement};
use std::path::{Path, PathBuf};

/// A folder under the temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(stem: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        TempDir(std::env::temp_dir().join(format!(
            "medreach-export-{}-{nanos}-{stem}",
            std::process::id()
        )))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `medreach export` on the demo county into `dir` with the `extra` flags.
fn export(dir: &Path, extra: &[&str]) {
    let mut args = demo_args("export");
    args.extend(["--out-dir".to_string(), dir.to_string_lossy().into_owned()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The layers of the file `name` in `dir`, read as MedReach reads any file (in `crs` if given).
fn layers(dir: &Path, name: &str, crs: Option<Named>) -> Layers {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let options = ReadOptions {
        crs,
        ..Default::default()
    };
    match read(name, &bytes, 0, &options) {
        Ok(Import::Layers(l)) => l,
        other => panic!("{name}: {other:?}"),
    }
}

/// The demo county's settlements, as its file holds them.
fn demo_settlements() -> Vec<Settlement> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/county/settlements.geojson");
    let bytes = std::fs::read(&path).unwrap();
    match read("settlements.geojson", &bytes, 0, &ReadOptions::default()) {
        Ok(Import::Layers(l)) => l.settlements,
        other => panic!("{other:?}"),
    }
}

/// Asserts `got` are the demo's settlements: count, names, populations, positions to 1e-6°.
fn assert_same_settlements(what: &str, got: &[Settlement], want: &[Settlement]) {
    assert_eq!(got.len(), want.len(), "{what}: count");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.name, w.name, "{what}");
        assert_eq!(g.population, w.population, "{what}: {:?}", w.name);
        assert!(
            (g.at.lon - w.at.lon).abs() < 1e-6 && (g.at.lat - w.at.lat).abs() < 1e-6,
            "{what}: {:?} at {:?}, not {:?}",
            w.name,
            g.at,
            w.at
        );
    }
}

/// The rows of a CSV document: a byte-order mark, CRLF lines, RFC 4180 quoted fields.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 with a byte-order mark");
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(row.is_empty() && field.is_empty(), "the last line ends");
    rows
}

/// The first sheet of a workbook.
fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

/// Asserts the workbook `xlsx` holds the cells of `csv`: numbers equal as numbers, text as
/// the same text, empty as empty.
fn assert_same_table(what: &str, csv: &[Vec<String>], xlsx: &[Vec<Data>]) {
    assert_eq!(csv.len(), xlsx.len(), "{what}: rows");
    for (r, (c, x)) in csv.iter().zip(xlsx).enumerate() {
        for (i, field) in c.iter().enumerate() {
            let cell = x.get(i).cloned().unwrap_or(Data::Empty);
            let ok = match &cell {
                Data::Float(f) => field.parse::<f64>() == Ok(*f),
                Data::Int(n) => field.parse::<f64>() == Ok(*n as f64),
                Data::String(s) => s == field,
                Data::Empty => field.is_empty(),
                _ => false,
            };
            assert!(
                ok,
                "{what}: row {r} column {i}: CSV {field:?}, XLSX {cell:?}"
            );
        }
    }
}

/// Reads a little-endian classic TIFF's first IFD: tag → (type, count, value or offset).
fn tiff_tags(bytes: &[u8]) -> Vec<(u16, u16, u32, u32)> {
    assert_eq!(&bytes[..4], b"II*\0");
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
    let ifd = u32_at(4) as usize;
    (0..u16_at(ifd) as usize)
        .map(|k| {
            let e = ifd + 2 + 12 * k;
            (u16_at(e), u16_at(e + 2), u32_at(e + 4), u32_at(e + 8))
        })
        .collect()
}

#[test]
fn every_export_of_the_demo_county_reads_back() {
    let dir = TempDir::new("wgs84");
    export(&dir.0, &["--cell-m", "300"]);
    let want = demo_settlements();
    assert_eq!(want.len(), 496);

    // The settlements, in WGS84, through MedReach's readers.
    for name in ["settlements.geojson", "settlements.csv", "settlements.xlsx"] {
        let l = layers(&dir.0, name, None);
        assert!(l.facilities.is_empty() && l.roads.is_empty(), "{name}");
        assert_same_settlements(name, &l.settlements, &want);
    }
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.0.join("settlements.geojson")).unwrap()).unwrap();
    assert!(g.get("crs").is_none(), "WGS84 is RFC 7946's default");

    // The tables: the CSV (UTF-8 with a BOM) and the workbook hold the same cells.
    for stem in ["settlements", "findings", "admin-units", "scorecard"] {
        let csv = csv_rows(&std::fs::read(dir.0.join(format!("{stem}.csv"))).unwrap());
        let xlsx = xlsx_rows(std::fs::read(dir.0.join(format!("{stem}.xlsx"))).unwrap());
        assert!(csv.len() > 1, "{stem} has rows");
        assert_same_table(stem, &csv, &xlsx);
        let header = &xlsx[0];
        assert!(
            header.iter().all(|h| matches!(h, Data::String(_))),
            "{stem}"
        );
    }
    // Division codes stay text, populations are numbers.
    let units = xlsx_rows(std::fs::read(dir.0.join("admin-units.xlsx")).unwrap());
    assert_eq!(units[0][1], Data::String("区划代码".into()));
    let codes: Vec<&Data> = units[1..].iter().map(|r| &r[1]).collect();
    assert!(codes.iter().any(
        |c| matches!(c, Data::String(s) if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
    ));
    assert!(codes
        .iter()
        .all(|c| matches!(c, Data::String(_) | Data::Empty)));
    assert!(units[1..].iter().all(|r| matches!(r[3], Data::Float(_))));
    let findings = xlsx_rows(std::fs::read(dir.0.join("findings.xlsx")).unwrap());
    assert!(findings.len() > 1);
    let settlements = xlsx_rows(std::fs::read(dir.0.join("settlements.xlsx")).unwrap());
    assert_eq!(settlements[0][4], Data::String("时间（分钟）".into()));
    assert!(matches!(settlements[1][3], Data::Float(_)), "population");

    // The GeoTIFF is the surface's grid: the same one `medreach surface` reports.
    let tif = TempFile::new("surface.tif", "");
    let mut args = demo_args("surface");
    args.extend(["--cell-m", "300", "--out", &tif.path()].map(String::from));
    let grid = stdout_json(&run(&args));
    let bytes = std::fs::read(dir.0.join("travel-time.tif")).unwrap();
    assert_eq!(bytes, std::fs::read(&tif.0).unwrap(), "the same surface");
    let tags = tiff_tags(&bytes);
    let tag = |t: u16| {
        *tags
            .iter()
            .find(|e| e.0 == t)
            .unwrap_or_else(|| panic!("tag {t}"))
    };
    let f64_at = |i: usize| f64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    assert_eq!(
        u64::from(tag(256).3),
        grid["cols"].as_u64().unwrap(),
        "width"
    );
    assert_eq!(
        u64::from(tag(257).3),
        grid["rows"].as_u64().unwrap(),
        "height"
    );
    let scale = tag(33550).3 as usize;
    assert_eq!((f64_at(scale), f64_at(scale + 8)), (300.0, 300.0));
    let tie = tag(33922).3 as usize;
    assert_eq!(f64_at(tie + 24), grid["west"].as_f64().unwrap());
    assert_eq!(f64_at(tie + 32), grid["north"].as_f64().unwrap());
    let (_, _, count, keys) = tag(34735);
    let keys: Vec<u16> = (0..count as usize)
        .map(|k| u16_at(keys as usize + 2 * k))
        .collect();
    let epsg = keys
        .chunks(4)
        .skip(1)
        .find(|k| k[0] == 3072)
        .map(|k| k[3])
        .expect("ProjectedCSTypeGeoKey");
    assert_eq!(u64::from(epsg), grid["epsg"].as_u64().unwrap());
    assert_eq!(epsg, 32648, "the demo county's UTM zone");

    // The isochrones: one admin polygon per band, with its limit.
    let iso = layers(&dir.0, "isochrones.geojson", None);
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.0.join("isochrones.geojson")).unwrap()).unwrap();
    let limits: Vec<f64> = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["max_min"].as_f64().unwrap())
        .collect();
    assert_eq!(limits, vec![5.0, 10.0, 15.0, 30.0, 60.0]);
    assert_eq!(iso.admin.len(), limits.len());
    assert!(iso.admin.iter().all(|u| !u.polygons.is_empty()));
}

#[test]
fn settlements_export_in_the_systems_asked_for_and_read_back_in_them() {
    let want = demo_settlements();
    // A projected grid: the GeoJSON names it (its crs member); a table cannot, so it is read
    // with the system chosen, as a user would.
    let dir = TempDir::new("gk");
    export(&dir.0, &["--export-crs", "EPSG:4544", "--lang", "en"]);
    let gk = named("EPSG:4544").unwrap();
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.0.join("settlements.geojson")).unwrap()).unwrap();
    assert_eq!(g["crs"]["properties"]["name"], "urn:ogc:def:crs:EPSG::4544");
    let x = g["features"][0]["geometry"]["coordinates"][0]
        .as_f64()
        .unwrap();
    assert!(x > 100_000.0, "metres, not degrees: {x}");
    let l = layers(&dir.0, "settlements.geojson", None);
    assert_same_settlements("GeoJSON in EPSG:4544", &l.settlements, &want);
    for name in ["settlements.csv", "settlements.xlsx"] {
        let l = layers(&dir.0, name, Some(gk.clone()));
        assert_same_settlements(name, &l.settlements, &want);
    }
    let csv = csv_rows(&std::fs::read(dir.0.join("settlements.csv")).unwrap());
    assert_eq!(csv[0][8..], ["x (EPSG:4544)", "y (EPSG:4544)"]);

    // GCJ-02: the table's headers say so and the reader converts back by itself; the GeoJSON
    // notes it (there is no EPSG code) and is read with the system chosen.
    let dir = TempDir::new("gcj");
    export(&dir.0, &["--export-crs", "gcj02"]);
    let csv = csv_rows(&std::fs::read(dir.0.join("settlements.csv")).unwrap());
    assert_eq!(csv[0][8..], ["经度（gcj02）", "纬度（gcj02）"]);
    let shifted: f64 = csv[1][8].parse().unwrap();
    assert!((shifted - want[0].at.lon).abs() > 1e-4, "GCJ-02 is offset");
    for name in ["settlements.csv", "settlements.xlsx"] {
        let l = layers(&dir.0, name, None);
        assert_same_settlements(name, &l.settlements, &want);
    }
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.0.join("settlements.geojson")).unwrap()).unwrap();
    assert_eq!(g["coordinate_system"], "gcj02");
    assert!(g.get("crs").is_none());
    let l = layers(&dir.0, "settlements.geojson", named("gcj02").ok());
    assert_same_settlements("GeoJSON in GCJ-02", &l.settlements, &want);

    // A system MedReach does not convert is refused, naming the flag.
    let mut args = demo_args("export");
    args.extend(["--out-dir", "/tmp/never", "--export-crs", "EPSG:2000"].map(String::from));
    super::assert_fails(&args, &["--export-crs", "EPSG:2000"]);
}
