//! What the fuzzers (fuzz/, scripts/fuzz.sh) found, kept: every input that made a reader panic,
//! hang or run out of memory now loads or is refused with an error naming the file and what is
//! wrong. The inputs are in tests/data/fuzz/ (small files) or written here; the fuzzers' seeds
//! (fuzz/seeds/) are checked to load, so a seed that stops meaning what it should is noticed.

use medreach::engine::io::osm::OsmError;
use medreach::engine::io::{read, Import, ReadError, ReadOptions};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/data/fuzz").join(name)).unwrap()
}

/// Reads `bytes` as the file `name` through the readers' one door ([`read`]), as the page and
/// the command line do; a panic fails the test.
fn load(name: &str, bytes: &[u8]) -> Result<Import, Box<ReadError>> {
    read(name, bytes, 0, &ReadOptions::default()).map_err(Box::new)
}

/// The error reading `bytes` as `name` gives, which must name the file and say `what`.
fn refused(name: &str, bytes: &[u8], what: &str) -> ReadError {
    let err = match load(name, bytes) {
        Ok(_) => panic!("{name}: read, but should be refused ({what})"),
        Err(e) => *e,
    };
    let text = err.to_string();
    assert!(
        text.contains(name),
        "{name}: the error does not name the file: {text}"
    );
    assert!(
        text.contains(what),
        "{name}: the error does not say {what:?}: {text}"
    );
    err
}

#[test]
fn every_seed_loads() {
    let seeds = root().join("fuzz/seeds");
    let file = |dir: &str, name: &str| -> PathBuf { seeds.join(dir).join(name) };
    let mut checked = 0;
    for dir in [
        "geojson",
        "osm_pbf",
        "shapefile_zip",
        "csv",
        "xlsx",
        "kml",
        "kmz",
    ] {
        for entry in std::fs::read_dir(seeds.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let bytes = std::fs::read(&path).unwrap();
            let import = load(&name, &bytes).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
            let layers = match import {
                Import::Layers(l) => l,
                Import::Extract(x) => x.layers,
            };
            let features = layers.roads.len()
                + layers.facilities.len()
                + layers.settlements.len()
                + layers.admin.len();
            assert!(features > 0, "{dir}/{name}: nothing read");
            checked += 1;
        }
    }
    // The shapefile parts, split as the fuzz target splits them.
    for set in ["pts", "road", "admin"] {
        let bytes = std::fs::read(file("shapefile_parts", set)).unwrap();
        let parts = split_parts(&bytes);
        let import = medreach::engine::io::read_shapefile_parts("f.shp", parts, 0, None)
            .unwrap_or_else(|e| panic!("shapefile_parts/{set}: {e}"));
        let Import::Layers(layers) = import else {
            panic!("layers")
        };
        assert!(layers.skipped.is_empty(), "{set}: {:?}", layers.skipped);
        checked += 1;
    }
    assert!(checked >= 14, "{checked} seeds");
}

/// The fuzz target shapefile_parts's split: `.shp`, `.dbf`, `.prj`, `.cpg` joined by a line
/// `--8<--`.
fn split_parts(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    const SEP: &[u8] = b"\n--8<--\n";
    let mut parts = Vec::new();
    let mut rest = data;
    for ext in ["shp", "dbf", "prj", "cpg"] {
        let (part, next) = match rest.windows(SEP.len()).position(|w| w == SEP) {
            Some(i) => (&rest[..i], &rest[i + SEP.len()..]),
            None => (rest, &[][..]),
        };
        parts.push((format!("f.{ext}"), part.to_vec()));
        rest = next;
        if rest.is_empty() {
            break;
        }
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// OpenStreetMap PBF

/// Protobuf encoding, for crafting PBF files.
fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}

fn bytes_field(field: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = varint(field << 3 | 2);
    out.extend(varint(payload.len() as u64));
    out.extend_from_slice(payload);
    out
}

fn varint_field(field: u64, v: u64) -> Vec<u8> {
    let mut out = varint(field << 3);
    out.extend(varint(v));
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A framed blob of type `kind` whose `Blob` message is `body`.
fn framed(kind: &str, body: &[u8]) -> Vec<u8> {
    let mut header = bytes_field(1, kind.as_bytes());
    header.extend(varint_field(3, body.len() as u64));
    let mut out = (header.len() as u32).to_be_bytes().to_vec();
    out.extend(header);
    out.extend_from_slice(body);
    out
}

/// A zlib blob declaring `raw_size` (none when `None`).
fn zlib_blob(kind: &str, compressed: &[u8], raw_size: Option<u64>) -> Vec<u8> {
    let mut body = raw_size.map(|s| varint_field(2, s)).unwrap_or_default();
    body.extend(bytes_field(3, compressed));
    framed(kind, &body)
}

/// A good header blob, then `data`.
fn pbf_with(data: &[u8]) -> Vec<u8> {
    let header = [
        bytes_field(4, b"OsmSchema-V0.6"),
        bytes_field(4, b"DenseNodes"),
    ]
    .concat();
    let mut out = zlib_blob("OSMHeader", &zlib(&header), Some(header.len() as u64));
    out.extend_from_slice(data);
    out
}

fn osm_error(name: &str, bytes: &[u8], what: &str) -> OsmError {
    match refused(name, bytes, what) {
        ReadError::Osm { error, .. } => error,
        other => panic!("{name}: not an OSM error: {other:?}"),
    }
}

#[test]
fn a_relation_member_of_unknown_type_is_refused_not_a_panic() {
    // Found by the osm_pbf target: osmpbf unwraps a relation member's type, so a type other
    // than node/way/relation panicked inside the decoder (on the page, a dead worker).
    let bytes = data("osm_pbf_unknown_member_type.osm.pbf");
    let err = osm_error("x.osm.pbf", &bytes, "member of unknown type");
    assert!(matches!(err, OsmError::Corrupt { blob: 2, .. }), "{err:?}");
}

#[test]
fn a_blob_claiming_a_huge_size_is_refused_before_inflating() {
    let small = zlib(b"\x0a\x02\x0a\x00");
    // More than the format's 32 MiB.
    let bytes = pbf_with(&zlib_blob("OSMData", &small, Some(1 << 31)));
    let err = osm_error("huge.osm.pbf", &bytes, "more than the format's 33554432");
    assert!(matches!(err, OsmError::Corrupt { blob: 1, .. }), "{err:?}");
    // A negative int32, as protobuf writes it (ten bytes of varint).
    let bytes = pbf_with(&zlib_blob("OSMData", &small, Some(-1i64 as u64)));
    osm_error("negative.osm.pbf", &bytes, "refused before inflating");
    // Within 32 MiB, but more than deflate can make of so few bytes.
    let bytes = pbf_with(&zlib_blob("OSMData", &small, Some(30 << 20)));
    osm_error("ratio.osm.pbf", &bytes, "more than zlib can");
}

#[test]
fn a_blob_that_does_not_declare_its_size_is_inflated_up_to_the_format_s_limit() {
    // raw_size is optional in the format: such a blob is read (here, an empty data block,
    // so the file is refused for what it holds, not for its framing) ...
    let empty_block = zlib(b"\x0a\x02\x0a\x00");
    let bytes = pbf_with(&zlib_blob("OSMData", &empty_block, None));
    refused("empty.osm.pbf", &bytes, "no usable road");
    // ... and one inflating past 32 MiB is refused when it gets there.
    let bomb = zlib(&vec![0u8; (32 << 20) + 10]);
    let bytes = pbf_with(&zlib_blob("OSMData", &bomb, None));
    osm_error(
        "nosize.osm.pbf",
        &bytes,
        "more than the format's 33554432 bytes",
    );
}

#[test]
fn a_zlib_bomb_stops_at_the_size_it_declares() {
    // 16 MiB of zeros in a few kB, declared as 1 kB: inflating stops after 1 kB + 1 byte.
    let bomb = zlib(&vec![0u8; 16 << 20]);
    assert!(bomb.len() < 64 << 10, "{}", bomb.len());
    let bytes = pbf_with(&zlib_blob("OSMData", &bomb, Some(1024)));
    osm_error(
        "bomb.osm.pbf",
        &bytes,
        "declares it inflates to 1024 bytes, but inflates to more",
    );
    // Fewer bytes than declared is refused too.
    let short = zlib(b"\x0a\x00");
    let bytes = pbf_with(&zlib_blob("OSMData", &short, Some(100)));
    osm_error("short.osm.pbf", &bytes, "but inflates to 2");
}

#[test]
fn blobs_in_other_codecs_are_refused_by_name() {
    let body = bytes_field(7, b"\x28\xb5\x2f\xfd");
    let bytes = pbf_with(&framed("OSMData", &[varint_field(2, 4), body].concat()));
    let err = osm_error("zstd.osm.pbf", &bytes, "compressed with Zstandard");
    assert!(matches!(err, OsmError::Unsupported { .. }), "{err:?}");
    let bytes = pbf_with(&framed("OSMData", &varint_field(2, 4)));
    osm_error("empty.osm.pbf", &bytes, "neither raw nor zlib_data");
}

// ---------------------------------------------------------------------------------------------
// Shapefiles

/// A `.shp` of one point, (105, 23).
fn one_point_shp() -> Vec<u8> {
    let mut shp = vec![0u8; 100];
    shp[..4].copy_from_slice(&9994i32.to_be_bytes());
    shp[24..28].copy_from_slice(&((100 + 8 + 20) / 2i32).to_be_bytes());
    shp[28..32].copy_from_slice(&1000i32.to_le_bytes());
    shp[32..36].copy_from_slice(&1i32.to_le_bytes());
    shp.extend(1i32.to_be_bytes());
    shp.extend(10i32.to_be_bytes());
    shp.extend(1i32.to_le_bytes());
    shp.extend(105f64.to_le_bytes());
    shp.extend(23f64.to_le_bytes());
    shp
}

#[test]
fn a_dbf_with_records_of_no_length_is_refused_not_four_billion_records() {
    // Found by reading for the fuzzers: a record length of 0 made the declared record count
    // (up to 2³² − 1) of empty records out of a few bytes: memory and time without end.
    let mut dbf = vec![0u8; 33];
    dbf[0] = 3;
    dbf[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    dbf[8..10].copy_from_slice(&33u16.to_le_bytes());
    dbf[10..12].copy_from_slice(&0u16.to_le_bytes());
    dbf[32] = 0x0d;
    let parts = vec![
        ("v.shp".to_string(), one_point_shp()),
        ("v.dbf".to_string(), dbf.clone()),
    ];
    let err = medreach::engine::io::read_shapefile_parts("v.shp", parts, 0, None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("v.shp") && text.contains("not a dBASE table"),
        "{text}"
    );
    // A count larger than the records present reads the records present.
    dbf[10..12].copy_from_slice(&1u16.to_le_bytes());
    dbf.push(b' ');
    let parts = vec![
        ("v.shp".to_string(), one_point_shp()),
        ("v.dbf".to_string(), dbf),
    ];
    medreach::engine::io::read_shapefile_parts("v.shp", parts, 0, None).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Excel workbooks

/// A workbook (stored, not deflated) whose one sheet is `sheet` (the XML inside
/// `<sheetData>`), with inline strings.
fn workbook(sheet: &str) -> Vec<u8> {
    workbook_with(sheet, None)
}

/// [`workbook`] with the shared strings part `sst` (its whole XML) when given.
fn workbook_with(sheet: &str, sst: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let ns = "http://schemas.openxmlformats.org";
    let mut parts = vec![
        (
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#
            ),
        ),
    ];
    if let Some(sst) = sst {
        parts.push(("xl/sharedStrings.xml", sst.to_string()));
    }
    let mut book = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        book.start_file(name, stored).unwrap();
        book.write_all(text.as_bytes()).unwrap();
    }
    book.finish().unwrap().into_inner()
}

fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn cells_far_apart_are_refused_not_seventeen_billion_cells() {
    // Found by reading for the fuzzers: the Excel reader made the rectangle from the first to
    // the last cell, so two cells at A1 and XFD1048576 asked for 17 billion cells (an
    // allocation failure: an abort, natively and on the page).
    let sheet = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        text_cell("A1", "lng"),
        text_cell("XFD1048576", "lat")
    );
    // Read as two rows 16384 columns wide (the error names the columns there are, not 16384).
    let err = refused("far.xlsx", &workbook(&sheet), "among lng");
    assert!(err.to_string().len() < 300, "{err}");
    // A wide sheet's rows are refused past 20 million cells.
    let sheet: String = (1..=1300)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}{}</row>"#,
                text_cell(&format!("A{r}"), "x"),
                text_cell(&format!("XFD{r}"), "y")
            )
        })
        .collect();
    refused(
        "wide.xlsx",
        &workbook(&sheet),
        "more than the 20000000 cells",
    );
    // Sparse but reasonable: a header and a row, with a gap of columns and rows, still reads.
    let sheet = format!(
        r#"<row r="1">{}{}{}</row><row r="500"><c r="A500"><v>2991</v></c><c r="C500"><v>105.8</v></c><c r="E500"><v>23.3</v></c></row>"#,
        text_cell("A1", "人口"),
        text_cell("C1", "lng"),
        text_cell("E1", "lat")
    );
    let Ok(Import::Layers(layers)) = load("gap.xlsx", &workbook(&sheet)) else {
        panic!("reads")
    };
    assert_eq!(layers.settlements.len(), 1);
    assert_eq!(layers.settlements[0].population, 2991.0);
}

#[test]
fn a_cell_reference_that_overflows_is_refused() {
    // Found by the xlsx fuzzer: calamine's column arithmetic overflows on a malformed cell
    // reference (a panic where overflow is checked, as in debug builds; garbage positions where
    // it wraps). Natively the reader catches it; either way the file is refused or read, never
    // a crash.
    let bytes = data("xlsx_overflowing_cell_reference.xlsx");
    match load("o.xlsx", &bytes) {
        Ok(_) => {}
        Err(e) => assert!(e.to_string().contains("o.xlsx"), "{e}"),
    }
}

#[test]
fn a_shared_string_count_past_what_the_part_holds_is_refused_before_reading() {
    // Found by the xlsx_sheet fuzzer: calamine reserves room for the declared count of shared
    // strings before reading one, so uniqueCount="004000000000001" asked for 96 TB (an
    // allocation abort, natively and on the page).
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="004000000000001"><si><t>lng</t></si></sst>"#;
    let sheet = text_cell("A1", "lng");
    let book = workbook_with(&format!(r#"<row r="1">{sheet}</row>"#), Some(sst));
    refused(
        "sst.xlsx",
        &book,
        "declares 4000000000001 shared strings (uniqueCount)",
    );
    // A true count reads.
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>人口</t></si><si><t>lng</t></si><si><t>lat</t></si></sst>"#;
    let sheet = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2"><v>5</v></c><c r="B2"><v>105.8</v></c><c r="C2"><v>23.3</v></c></row>"#;
    let Ok(Import::Layers(layers)) = load("sst.xlsx", &workbook_with(sheet, Some(sst))) else {
        panic!("reads")
    };
    assert_eq!(layers.settlements.len(), 1);
}
