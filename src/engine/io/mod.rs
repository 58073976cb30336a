//! Readers: bytes in, [`crate::engine::model::Layers`] out. A reader only reads; which layer
//! wins when several files are loaded is [`crate::engine::dataset`]'s business.
//!
//! [`read`] is the one door: it tells the format from the file's name and first bytes and
//! hands the bytes to that format's reader. Every format turns its attributes into a property
//! map and leaves their meaning to [`properties`], so all formats share one vocabulary.
//!
//! Adding a reader: a module here that turns bytes into [`Layers`] (through
//! [`properties::push_road`], [`properties::push_point`], [`properties::push_admin`]), a
//! [`Format`] variant recognised in [`Format::of`], its arm in [`read`], and its errors in
//! [`ReadError`] (worded in [`crate::app::text`]).

pub mod archive;
pub mod geojson;
pub mod kml;
pub mod osm;
pub mod placing;
pub mod points;
pub mod properties;
pub mod shapefile;
pub mod table;

use crate::engine::crs::system::Named;
use crate::engine::model::Layers;

/// How to read a file: the extract reader's options, and the coordinate system the user chose
/// for the file (which wins over what the file says; [`placing`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// How an OpenStreetMap extract is read.
    pub osm: osm::OsmOptions,
    /// The file's coordinate system, as the user chose it.
    pub crs: Option<Named>,
    /// A table's sheet and coordinate columns, as the user chose them.
    pub table: table::TableChoice,
}

/// The formats MedReach reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON (RFC 7946) text.
    GeoJson,
    /// An OpenStreetMap `.osm.pbf` extract.
    OsmPbf,
    /// ESRI shapefiles: a `.zip` of them, or a bare `.shp` (its sidecars given with it through
    /// [`read_shapefile_parts`]).
    Shapefile,
    /// A table of points: CSV, or an Excel workbook.
    Table,
    /// KML text (`.kml`, or any text beginning `<?xml` or `<kml`), or a `.kmz` (a zip of it).
    Kml,
}

impl Format {
    /// The format of a file, from its name (`.pbf`, `.kml`, `.kmz`, …) or else its first bytes
    /// (an OSM PBF starts with the length of a `BlobHeader` whose type is `OSMHeader`; a zip with
    /// `PK`; XML text with `<?xml` or `<kml`); anything else is read as GeoJSON text, whose
    /// reader says what is wrong with it.
    pub fn of(name: &str, bytes: &[u8]) -> Format {
        let pbf_name = name.to_ascii_lowercase().ends_with(".pbf");
        let pbf_magic = bytes.len() >= 15
            && bytes[..2] == [0, 0]
            && bytes[4..bytes.len().min(32)]
                .windows(9)
                .any(|w| w == b"OSMHeader");
        let lower = name.to_ascii_lowercase();
        let zip = lower.ends_with(".zip") || bytes.starts_with(b"PK\x03\x04");
        if pbf_name || pbf_magic {
            Format::OsmPbf
        } else if table::is_workbook(name) {
            Format::Table
        } else if lower.ends_with(".kml") || lower.ends_with(".kmz") {
            Format::Kml
        } else if zip || lower.ends_with(".shp") {
            Format::Shapefile
        } else if lower.ends_with(".csv") || lower.ends_with(".tsv") {
            Format::Table
        } else if kml::looks_like_xml(bytes) {
            Format::Kml
        } else {
            Format::GeoJson
        }
    }
}

/// What [`read`] took in.
#[derive(Debug)]
pub enum Import {
    /// A file of layers (GeoJSON).
    Layers(Layers),
    /// An OpenStreetMap extract, with what its reader says of it.
    Extract(osm::OsmImport),
}

/// Why a file could not be read; nothing of it is used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Text that is not UTF-8 (a GBK export, say).
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset}); GeoJSON must be UTF-8: save it as UTF-8 (files exported as GBK need converting)")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The first invalid byte.
        offset: usize,
    },
    /// The GeoJSON reader's complaint.
    #[error(transparent)]
    GeoJson(#[from] geojson::InputError),
    /// The table reader's complaint.
    #[error(transparent)]
    Table(#[from] table::TableError),
    /// The shapefile reader's complaint.
    #[error(transparent)]
    Shapefile(#[from] shapefile::ShapefileError),
    /// Positions that are not longitude/latitude in the system the file was read in.
    #[error(transparent)]
    Unplaced(#[from] placing::Unplaced),
    /// The KML/KMZ reader's complaint.
    #[error(transparent)]
    Kml(#[from] kml::KmlError),
    /// The OpenStreetMap reader's complaint.
    #[error("{file}: cannot read the OpenStreetMap extract: {error}")]
    Osm {
        /// The file.
        file: String,
        /// What went wrong.
        error: osm::OsmError,
    },
}

impl ReadError {
    /// The positions' complaint, when that is why the file was refused.
    pub fn unplaced(&self) -> Option<&placing::Unplaced> {
        match self {
            ReadError::Unplaced(u) => Some(u),
            ReadError::GeoJson(geojson::InputError::Unplaced(u)) => Some(u),
            _ => None,
        }
    }
}

/// Reads the file `name` holding `bytes` in whichever format it is ([`Format::of`]), stamping
/// `file_id` into every feature's source.
pub fn read(
    name: &str,
    bytes: &[u8],
    file_id: u32,
    options: &ReadOptions,
) -> Result<Import, ReadError> {
    let chosen = options.crs.as_ref();
    match Format::of(name, bytes) {
        Format::OsmPbf => osm::read_osm_pbf(bytes, &options.osm, file_id)
            .map(Import::Extract)
            .map_err(|error| ReadError::Osm {
                file: name.to_string(),
                error,
            }),
        Format::GeoJson => {
            let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
                file: name.to_string(),
                offset: e.valid_up_to(),
            })?;
            Ok(Import::Layers(geojson::read_geojson_in(
                name, text, file_id, chosen,
            )?))
        }
        Format::Table => Ok(Import::Layers(table::read_table_in(
            name,
            bytes,
            file_id,
            chosen,
            &options.table,
        )?)),
        Format::Kml => Ok(Import::Layers(kml::read_kml(name, bytes, file_id)?)),
        Format::Shapefile => {
            let parts = if name.to_ascii_lowercase().ends_with(".shp") && !bytes.starts_with(b"PK")
            {
                vec![(name.to_string(), bytes.to_vec())]
            } else {
                shapefile::unzip(name, bytes)?
            };
            read_shapefile_parts(name, parts, file_id, chosen)
        }
    }
}

/// Reads a shapefile given as its parts (`.shp`, `.dbf`, `.prj`, `.cpg`, … by name), as the
/// file `name`, in the coordinate system `chosen` if the user chose one.
pub fn read_shapefile_parts(
    name: &str,
    parts: Vec<(String, Vec<u8>)>,
    file_id: u32,
    chosen: Option<&Named>,
) -> Result<Import, ReadError> {
    let sets = shapefile::group(parts);
    Ok(Import::Layers(shapefile::read_sets(
        name, &sets, file_id, chosen,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_name_and_by_first_bytes() {
        let pbf = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osm/andorra.osm.pbf"),
        )
        .unwrap();
        assert_eq!(Format::of("andorra.osm.pbf", &pbf), Format::OsmPbf);
        assert_eq!(Format::of("download", &pbf), Format::OsmPbf);
        assert_eq!(Format::of("x.PBF", b""), Format::OsmPbf);
        assert_eq!(
            Format::of("roads.geojson", b"{\"type\":1}"),
            Format::GeoJson
        );
        assert_eq!(Format::of("roads.json", b"\xef\xbb\xbf{"), Format::GeoJson);
        assert_eq!(Format::of("a.KMZ", b"PK\x03\x04"), Format::Kml);
        assert_eq!(Format::of("a.kml", b""), Format::Kml);
        assert_eq!(Format::of("export", b"\xef\xbb\xbf <?xml"), Format::Kml);
        assert_eq!(Format::of("export.txt", b"<kml>"), Format::Kml);
        assert_eq!(Format::of("c.zip", b"PK\x03\x04"), Format::Shapefile);
    }

    #[test]
    fn township_branches_are_told_by_name_or_mark() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"名称":"甲镇卫生院乙分院","类型":"乡镇卫生院"},"geometry":{"type":"Point","coordinates":[110,30]}},
          {"type":"Feature","properties":{"名称":"丙院","类型":"乡镇卫生院","分院":"是"},"geometry":{"type":"Point","coordinates":[110,30]}},
          {"type":"Feature","properties":{"名称":"丁镇卫生院","类型":"乡镇卫生院"},"geometry":{"type":"Point","coordinates":[110,30]}}]}"#;
        let Ok(Import::Layers(l)) = read("f.geojson", text.as_bytes(), 0, &Default::default())
        else {
            panic!("reads")
        };
        use crate::engine::model::FacilityKind::*;
        let kinds: Vec<_> = l.facilities.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                TownshipHealthCenterBranch,
                TownshipHealthCenterBranch,
                TownshipHealthCenter
            ]
        );
    }

    #[test]
    fn every_format_is_read_through_one_door() {
        let text = br#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"population":5},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        let Ok(Import::Layers(l)) = read("s.geojson", text, 3, &Default::default()) else {
            panic!("GeoJSON reads");
        };
        assert_eq!(l.settlements[0].source.file, 3);
        let gbk = b"{\"name\":\"\xb6\xab\xb4\xe5\"}";
        assert_eq!(
            read("gbk.geojson", gbk, 0, &Default::default()).unwrap_err(),
            ReadError::NotUtf8 {
                file: "gbk.geojson".into(),
                offset: 9
            }
        );
        let err = read("broken.osm.pbf", b"not a pbf", 0, &Default::default()).unwrap_err();
        assert!(matches!(err, ReadError::Osm { .. }), "{err:?}");
    }
}
