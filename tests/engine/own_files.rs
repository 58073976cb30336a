//! Planners' own files give the report of the GeoJSON originals: zipped and bare ESRI
//! shapefiles (made from the demo county by GDAL: `tests/data/shapefile/make.sh`) and CSV
//! registers in GBK with AMap (GCJ-02) positions or UTF-8 with a BOM (`tests/data/table/make.py`),
//! and KML/KMZ (made by GDAL's KML driver: `tests/data/kml/make.sh`).

use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::dataset::Dataset;
use medreach::engine::io::{read, ReadError};
use medreach::engine::report::Report;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo_geojson(layers: &[&str]) -> Dataset {
    let mut data = Dataset::default();
    for name in layers {
        let path = root().join(format!("demo/county/{name}.geojson"));
        data.load_file(name, &std::fs::read(&path).unwrap(), &Default::default())
            .unwrap();
    }
    data
}

fn report(data: &Dataset) -> Report {
    check(data, &Options::default()).unwrap()
}

/// The same residents, times (to 1e-6 min: the coordinates went through GDAL's projection and
/// back through MedReach's) and findings.
fn assert_same(a: &Report, b: &Report, what: &str) {
    assert_close(a, b, what, 1e-6);
}

/// [`assert_same`] with times to `tol` minutes.
fn assert_close(a: &Report, b: &Report, what: &str, tol: f64) {
    assert_eq!(
        a.summary.population_total, b.summary.population_total,
        "{what}"
    );
    assert_eq!(a.summary.settlements, b.summary.settlements, "{what}");
    assert_eq!(a.summary.service_points, b.summary.service_points, "{what}");
    let (sa, sb) = (
        a.summary.share_within_limit.unwrap(),
        b.summary.share_within_limit.unwrap(),
    );
    assert!((sa - sb).abs() < 1e-12, "{what}: share {sa} against {sb}");
    for (x, y) in a.settlements.iter().zip(&b.settlements) {
        match (x.time_min, y.time_min) {
            (Some(p), Some(q)) => {
                assert!((p - q).abs() < tol, "{what}: {:?} {p} against {q}", x.name)
            }
            (p, q) => assert_eq!(p, q, "{what}: {:?}", x.name),
        }
        assert_eq!(x.name, y.name);
    }
    let key = |r: &Report| -> BTreeSet<(String, String)> {
        r.findings
            .iter()
            .map(|f| (f.rule.id().to_string(), f.place.clone()))
            .collect()
    };
    assert_eq!(key(a), key(b), "{what}: findings");
}

#[test]
fn zipped_gauss_kruger_shapefiles_in_gbk_give_the_geojson_report() {
    let want = report(&demo_geojson(&[
        "roads",
        "facilities",
        "settlements",
        "admin",
    ]));
    for zip in ["county_gk3_cm105.zip", "county_gk3_zone35.zip"] {
        let path = root().join("tests/data/shapefile").join(zip);
        let mut data = Dataset::default();
        let loaded = data
            .load_file(zip, &std::fs::read(&path).unwrap(), &Default::default())
            .unwrap();
        assert!(
            loaded.layers.skipped.is_empty(),
            "{zip}: {:?}",
            loaded.layers.skipped
        );
        // GBK names and attributes read: the township names are Chinese, not mojibake.
        assert!(
            loaded
                .layers
                .admin
                .iter()
                .any(|u| u.name.as_deref() == Some("青岚县")),
            "{zip}"
        );
        // `所属区划代码`, cut by the format to `所属区` and a broken byte, is recognised.
        assert!(
            loaded
                .layers
                .facilities
                .iter()
                .all(|f| f.admin_code.is_some()),
            "{zip}"
        );
        assert_same(&want, &report(&data), zip);
    }
}

#[test]
fn a_chosen_coordinate_system_reads_a_shapefile_without_its_prj() {
    let want = report(&demo_geojson(&[
        "roads",
        "facilities",
        "settlements",
        "admin",
    ]));
    // CGCS2000 3-degree Gauss-Kruger, CM 105 E, without the zone number: EPSG:4544.
    let bytes = std::fs::read(root().join("tests/data/shapefile/county_gk3_cm105.zip")).unwrap();
    let mut parts = medreach::engine::io::shapefile::unzip("c.zip", &bytes).unwrap();
    parts.retain(|(n, _)| !n.ends_with(".prj"));
    let options = medreach::engine::io::ReadOptions {
        crs: Some(medreach::engine::crs::system::named("EPSG:4544").unwrap()),
        ..Default::default()
    };
    let mut data = Dataset::default();
    data.load_parts("c.zip", parts, &options).unwrap();
    assert_same(&want, &report(&data), "EPSG:4544 chosen");
    // A choice that disagrees with the .prj wins, with a note; here the same grid with the
    // zone number in front reads every position far off, so the file is refused.
    let options = medreach::engine::io::ReadOptions {
        crs: Some(medreach::engine::crs::system::named("EPSG:4523").unwrap()),
        ..Default::default()
    };
    let e = Dataset::default()
        .load_file("c.zip", &bytes, &options)
        .map(|_| ())
        .unwrap_err();
    assert!(e.to_string().contains("as EPSG:4523"), "{e}");
}

#[test]
fn a_bare_shapefile_set_replaces_a_layer() {
    let want = report(&demo_geojson(&[
        "roads",
        "facilities",
        "settlements",
        "admin",
    ]));
    let mut data = demo_geojson(&["roads", "facilities", "admin"]);
    let dir = root().join("tests/data/shapefile");
    let parts: Vec<(String, Vec<u8>)> = ["shp", "shx", "dbf", "prj", "cpg"]
        .iter()
        .map(|ext| {
            let name = format!("settlements_wgs84.{ext}");
            (name.clone(), std::fs::read(dir.join(&name)).unwrap())
        })
        .collect();
    data.load_parts("settlements_wgs84.shp", parts, &Default::default())
        .unwrap();
    assert_same(&want, &report(&data), "bare set");
}

#[test]
fn broken_shapefiles_are_named_and_refused() {
    let dir = root().join("tests/data/shapefile");
    let shp = std::fs::read(dir.join("settlements_wgs84.shp")).unwrap();
    // A .shp alone in longitude/latitude reads (no attributes: its points are unclassified).
    let Ok(medreach::engine::io::Import::Layers(l)) = read("s.shp", &shp, 0, &Default::default())
    else {
        panic!("reads")
    };
    assert_eq!(l.skipped.len(), 496);
    // Cut short.
    let e = read("s.shp", &shp[..shp.len() - 10], 0, &Default::default()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("s.shp: the .shp ends inside record"),
        "{e}"
    );
    // Projected coordinates without a .prj: refused, naming the systems they may be in when
    // the easting says its zone.
    for (zip, candidates) in [
        ("county_gk3_cm105.zip", vec![]),
        (
            "county_gk3_zone35.zip",
            vec!["EPSG:4523", "EPSG:2359", "EPSG:2411"],
        ),
    ] {
        let bytes = std::fs::read(dir.join(zip)).unwrap();
        let mut parts = medreach::engine::io::shapefile::unzip(zip, &bytes).unwrap();
        parts.retain(|(n, _)| !n.ends_with(".prj"));
        let e = medreach::engine::io::read_shapefile_parts(zip, parts, 0, None).unwrap_err();
        let ReadError::Unplaced(u) = &e else {
            panic!("{e}")
        };
        let codes: Vec<&str> = u.candidates.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, candidates, "{e}");
        assert!(
            e.to_string().contains("does not say its coordinate system"),
            "{e}"
        );
    }
    // Not a zip at all.
    let e = read("c.zip", b"PK\x03\x04 garbage", 0, &Default::default()).unwrap_err();
    assert!(e.to_string().starts_with("c.zip: not a zip archive"), "{e}");
}

/// Loads the table `name` of `tests/data/table/` into `data`, checking that no row was
/// skipped; its layers.
fn load_table(data: &mut Dataset, name: &str) -> medreach::engine::model::Layers {
    let bytes = std::fs::read(root().join("tests/data/table").join(name)).unwrap();
    let loaded = data.load_file(name, &bytes, &Default::default()).unwrap();
    assert!(
        loaded.layers.skipped.is_empty(),
        "{name}: {:?}",
        loaded.layers.skipped
    );
    loaded.layers.clone()
}

#[test]
fn csv_registers_with_amap_positions_give_the_geojson_report() {
    let want = report(&demo_geojson(&[
        "roads",
        "facilities",
        "settlements",
        "admin",
    ]));
    let mut data = demo_geojson(&["roads", "admin"]);
    for name in ["facilities_gcj02_gbk.csv", "settlements_utf8bom.csv"] {
        let layers = load_table(&mut data, name);
        assert!(layers.notes[0].contains(if name.contains("gcj") {
            "GCJ-02"
        } else {
            "WGS84"
        }));
    }
    // GCJ-02 converted back to within a millimetre: the same times to 1e-6 min.
    assert_same(&want, &report(&data), "CSV");
    // The register as an Excel workbook with Baidu (BD-09) positions: Baidu's published inverse
    // is good to about 1e-6°, so the times agree to a hundredth of a minute.
    let mut data = demo_geojson(&["roads", "admin", "settlements"]);
    let layers = load_table(&mut data, "facilities_bd09.xlsx");
    assert!(layers.notes[0].contains("BD-09"));
    assert_eq!(layers.facilities.len(), 120);
    assert_close(&want, &report(&data), "xlsx", 0.01);
    // A table without coordinate columns, or with projected ones, is refused by name.
    let e = read(
        "t.csv",
        "名称,人口\n甲,3\n".as_bytes(),
        0,
        &Default::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("t.csv: no longitude and latitude columns"),
        "{e}"
    );
    let e = read(
        "t.csv",
        "名称,类型,X,Y\n甲,卫生院,2560000,35500000\n".as_bytes(),
        0,
        &Default::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("is not longitude/latitude"), "{e}");
}

#[test]
fn kml_and_kmz_written_by_gdal_give_the_geojson_report() {
    let want = report(&demo_geojson(&[
        "roads",
        "facilities",
        "settlements",
        "admin",
    ]));
    let dir = root().join("tests/data/kml");
    // The four layers as folders of one doc.kml in a KMZ, every attribute in SchemaData.
    let mut data = Dataset::default();
    let bytes = std::fs::read(dir.join("county.kmz")).unwrap();
    let layers = data
        .load_file("county.kmz", &bytes, &Default::default())
        .unwrap()
        .layers
        .clone();
    assert!(layers.skipped.is_empty(), "{:?}", layers.skipped);
    assert_eq!(
        (
            layers.roads.len(),
            layers.facilities.len(),
            layers.settlements.len(),
            layers.admin.len()
        ),
        (531, 120, 496, 108)
    );
    // Kinds, codes, levels and populations from SimpleData are recognised.
    assert!(layers.facilities.iter().all(|f| f.admin_code.is_some()));
    assert!(layers
        .admin
        .iter()
        .all(|u| u.code.is_some() && u.level.is_some() && u.population.is_some()));
    assert!(layers
        .admin
        .iter()
        .any(|u| u.name.as_deref() == Some("青岚县")));
    assert_same(&want, &report(&data), "county.kmz");
    // The settlements alone as plain KML in GBK (declared), replacing the GeoJSON layer.
    let mut data = demo_geojson(&["roads", "facilities", "admin"]);
    let bytes = std::fs::read(dir.join("settlements_gbk.kml")).unwrap();
    let loaded = data
        .load_file("settlements_gbk.kml", &bytes, &Default::default())
        .unwrap();
    assert!(loaded.layers.skipped.is_empty() && loaded.layers.notes.is_empty());
    assert_eq!(loaded.layers.settlements[0].name.as_deref(), Some("龙桥街"));
    assert_same(&want, &report(&data), "settlements_gbk.kml");
    // Cut short, it is refused by name.
    let cut = bytes.windows(9).position(|w| w == b"</Folder>").unwrap();
    let e = read("s.kml", &bytes[..cut], 0, &Default::default()).unwrap_err();
    assert!(
        matches!(&e, ReadError::Kml(k) if k.file == "s.kml" && k.reason.starts_with("ends inside <Folder>")),
        "{e}"
    );
    // Cut anywhere or with a byte changed, it never panics.
    for i in (0..bytes.len()).step_by(4001) {
        let _ = read("s.kml", &bytes[..i], 0, &Default::default());
        let mut broken = bytes.clone();
        broken[i] = b"<>&\"/\xff"[i % 6];
        let _ = read("s.kml", &broken, 0, &Default::default());
    }
}

#[test]
fn geojson_with_a_legacy_crs_member_or_a_chosen_system_gives_the_geojson_report() {
    let want = report(&demo_geojson(&[
        "roads",
        "facilities",
        "settlements",
        "admin",
    ]));
    let path = root().join("tests/data/crs/settlements_epsg4544.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut data = demo_geojson(&["roads", "facilities", "admin"]);
    data.load_file("settlements.geojson", text.as_bytes(), &Default::default())
        .unwrap();
    assert_same(&want, &report(&data), "crs member");
    // Without its crs member the metres are refused, naming no zone (no zone number in front)…
    let bare = text.replace(
        r#""crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::4544" } },"#,
        "",
    );
    assert_ne!(bare, text);
    let mut data = demo_geojson(&["roads", "facilities", "admin"]);
    let e = data
        .load_file("settlements.geojson", bare.as_bytes(), &Default::default())
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(e, ReadError::GeoJson(_)), "{e}");
    // …and read right when the user names the system.
    let options = medreach::engine::io::ReadOptions {
        crs: Some(medreach::engine::crs::system::named("EPSG:4544").unwrap()),
        ..Default::default()
    };
    data.load_file("settlements.geojson", bare.as_bytes(), &options)
        .unwrap();
    assert_same(&want, &report(&data), "EPSG:4544 chosen");
}

#[test]
fn each_file_says_what_it_was_read_as() {
    let facts = |name: &str| {
        let bytes = std::fs::read(root().join(name)).unwrap();
        let mut data = Dataset::default();
        data.load_file(name, &bytes, &Default::default()).unwrap();
        let f = &data.files[0].layers.facts;
        (f.format.clone(), f.crs.clone(), f.encoding.clone())
    };
    assert_eq!(
        facts("tests/data/shapefile/county_gk3_zone35.zip"),
        (
            "ESRI shapefile".into(),
            "CGCS2000_3_Degree_GK_Zone_35".into(),
            "GBK".into()
        )
    );
    assert_eq!(
        facts("tests/data/table/facilities_gcj02_gbk.csv"),
        ("CSV".into(), "GCJ-02 (AMap, Tencent)".into(), "GBK".into())
    );
    assert_eq!(
        facts("tests/data/crs/settlements_epsg4544.geojson"),
        (
            "GeoJSON".into(),
            "EPSG:4544 (CGCS2000 / 3-degree Gauss-Kruger CM 105E)".into(),
            "UTF-8".into()
        )
    );
    assert_eq!(facts("tests/data/kml/county.kmz").0, "KMZ");
    assert!(facts("tests/data/table/facilities_bd09.xlsx")
        .0
        .starts_with("Excel (sheet "));
}
