//! ESRI shapefiles: zipped (`.zip` holding one or more `.shp` with their `.dbf`, `.prj` and
//! maybe `.cpg`; member names in UTF-8 or, as Windows zips them, GBK without the UTF-8 flag) or
//! a bare set (`.shp` with its sidecars given together). Geometry from the `.shp`, attributes
//! from the `.dbf` in the encoding the `.cpg` or the language-driver byte names, coordinates
//! converted to WGS84 from the `.prj` (geographic, Gauss–Krüger / transverse Mercator on any
//! ellipsoid, Web Mercator). Every feature then goes through [`super::properties`] like a
//! GeoJSON feature, with field names cut to 10 bytes by the format given back in full.

mod dbf;
mod shp;

use super::placing::{place, Declared};
use super::properties::{push_admin, push_point, push_road};
use super::ReadError;
use crate::engine::crs::system::Named;
use crate::engine::crs::{wkt, LonLat};
use crate::engine::model::{Layers, Rings, SkipReason, Skipped, Source};
use serde_json::{Map, Value};
use shp::Shape;

/// Why a `.shp` cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub enum ShpError {
    /// Not a shapefile (no 9994 file code).
    NotShp,
    /// Ends inside record N.
    Truncated(usize),
    /// Record N is not a shape MedReach reads.
    BadRecord(usize),
}

impl std::fmt::Display for ShpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShpError::NotShp => write!(f, "not an ESRI shapefile (.shp)"),
            ShpError::Truncated(n) => write!(f, "the .shp ends inside record {n}"),
            ShpError::BadRecord(n) => {
                write!(f, "record {n} of the .shp is not a shape MedReach reads")
            }
        }
    }
}

/// Why a shapefile (set or zip) cannot be read; nothing of it is used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ShapefileError {
    /// The file (and the member, in a zip).
    pub file: String,
    /// What is wrong, in English (the page words it in Chinese too).
    pub reason: String,
}

pub use super::archive::MAX_UNZIPPED;

/// One shapefile's parts, by extension.
#[derive(Clone, Debug, Default)]
pub struct ShapeSet {
    /// Its name (the `.shp`'s, without the extension).
    pub name: String,
    /// `.shp`.
    pub shp: Vec<u8>,
    /// `.dbf`, if given.
    pub dbf: Option<Vec<u8>>,
    /// `.prj`, if given.
    pub prj: Option<String>,
    /// `.cpg`, if given.
    pub cpg: Option<String>,
}

/// The extension of a shapefile part, lower case, if `name` is one.
pub fn part_extension(name: &str) -> Option<(&str, String)> {
    let dot = name.rfind('.')?;
    let ext = name[dot + 1..].to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "shp" | "shx" | "dbf" | "prj" | "cpg" | "qix" | "sbn" | "sbx" | "xml"
    )
    .then(|| (&name[..dot], ext))
}

/// Groups named parts into sets by their name without the extension (the `.shp` required).
pub fn group(parts: Vec<(String, Vec<u8>)>) -> Vec<ShapeSet> {
    let mut sets: Vec<ShapeSet> = Vec::new();
    for (name, bytes) in parts {
        let Some((stem, ext)) = part_extension(&name) else {
            continue;
        };
        let i = match sets.iter().position(|s| s.name.eq_ignore_ascii_case(stem)) {
            Some(i) => i,
            None => {
                sets.push(ShapeSet {
                    name: stem.to_string(),
                    ..ShapeSet::default()
                });
                sets.len() - 1
            }
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match ext.as_str() {
            "shp" => sets[i].shp = bytes,
            "dbf" => sets[i].dbf = Some(bytes),
            "prj" => sets[i].prj = Some(text()),
            "cpg" => sets[i].cpg = Some(text()),
            _ => {}
        }
    }
    sets.retain(|s| !s.shp.is_empty());
    sets
}

/// The shapefile parts inside a zip ([`super::archive::unzip`]: names decoded as UTF-8, else
/// GBK; an archive that would inflate past [`MAX_UNZIPPED`] refused).
pub fn unzip(file: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ShapefileError> {
    super::archive::unzip(bytes, |base| part_extension(base).is_some()).map_err(|reason| {
        ShapefileError {
            file: file.to_string(),
            reason,
        }
    })
}

/// Reads the shapefile sets of the file `file`, feature numbers running on across the sets;
/// `chosen` is the coordinate system the user chose, which wins over each `.prj`.
pub fn read_sets(
    file: &str,
    sets: &[ShapeSet],
    file_id: u32,
    chosen: Option<&Named>,
) -> Result<Layers, ReadError> {
    if sets.is_empty() {
        return Err(ShapefileError {
            file: file.to_string(),
            reason: "holds no .shp file".into(),
        }
        .into());
    }
    let mut layers = Layers::default();
    let mut next_feature = 0u32;
    for set in sets {
        let where_ = if sets.len() > 1 || !file.contains(&set.name) {
            format!("{file} ({}.shp)", set.name)
        } else {
            file.to_string()
        };
        let err = |reason: String| ShapefileError {
            file: where_.clone(),
            reason,
        };
        let shapes = shp::read(&set.shp).map_err(|e| err(e.to_string()))?;
        let declared = match &set.prj {
            Some(text) => match wkt::parse(text) {
                Ok((crs, datum)) => Declared {
                    known: Some(Named {
                        crs,
                        datum,
                        code: "the .prj".into(),
                        label: wkt::name(text).unwrap_or_else(|| "the .prj".into()),
                    }),
                    unknown: None,
                },
                Err(why) if chosen.is_none() => return Err(err(why).into()),
                Err(why) => Declared {
                    known: None,
                    unknown: Some(why),
                },
            },
            None => Declared::default(),
        };
        let enc = set
            .dbf
            .as_deref()
            .and_then(|d| dbf::encoding(set.cpg.as_deref(), d));
        let records = match &set.dbf {
            Some(d) => dbf::read(d, enc, &expand_field)
                .ok_or_else(|| err("the .dbf is not a dBASE table".into()))?,
            None => Vec::new(),
        };
        let count = shapes.len();
        let mut read = Layers::default();
        for (i, shape) in shapes.into_iter().enumerate() {
            let source = Source {
                file: file_id,
                feature: next_feature + i as u32,
            };
            let props = records.get(i).cloned().unwrap_or_default();
            push(&props, shape, source, &mut read);
        }
        place(&where_, file_id, &mut read, declared, chosen)?;
        layers.facts = crate::engine::model::FileFacts {
            format: "ESRI shapefile".into(),
            crs: read.facts.crs.clone(),
            encoding: enc.map_or("UTF-8 (assumed)", |e| e.name()).into(),
        };
        layers.roads.append(&mut read.roads);
        layers.facilities.append(&mut read.facilities);
        layers.settlements.append(&mut read.settlements);
        layers.admin.append(&mut read.admin);
        layers.skipped.append(&mut read.skipped);
        layers.notes.append(&mut read.notes);
        next_feature += count as u32;
    }
    Ok(layers)
}

/// One record as a feature of its layer, its positions as the file holds them.
fn push(props: &Map<String, Value>, shape: Shape, source: Source, layers: &mut Layers) {
    let at = |p: [f64; 2]| LonLat {
        lon: p[0],
        lat: p[1],
    };
    let outcome = match shape {
        Shape::Null => Err(SkipReason::NoGeometry),
        Shape::Points(pts) => match pts.first() {
            Some(p) => push_point(props, at(*p), source, layers),
            None => Err(SkipReason::NoGeometry),
        },
        Shape::Lines(parts) => {
            let lines = parts
                .into_iter()
                .map(|l| l.into_iter().map(at).collect())
                .collect();
            push_road(props, lines, source, layers)
        }
        Shape::Rings(rings) => {
            let polygons: Vec<Rings> = shp::polygons(rings)
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .map(|r| r.into_iter().map(at).collect())
                        .collect()
                })
                .collect();
            push_admin(props, polygons, source, layers);
            Ok(())
        }
    };
    if let Err(reason) = outcome {
        layers.skipped.push(Skipped { source, reason });
    }
}

/// A field name as the vocabulary knows it: one cut to the format's 10 bytes (in its
/// encoding, so maybe in the middle of a character) is the known key it begins, among the
/// long keys and the capacities' names (`执业医` is `执业医师数`).
fn expand_field(name: &str) -> String {
    let clean = name.trim_end_matches('\u{fffd}');
    if clean.chars().count() < 3 {
        return name.to_string();
    }
    let capacities = crate::engine::model::CapacityField::ALL
        .into_iter()
        .flat_map(|f| f.names().iter().copied());
    let matches: Vec<&str> = super::properties::LONG_KEYS
        .iter()
        .copied()
        .chain(capacities)
        .filter(|k| k.len() > clean.len() && k.starts_with(clean))
        .collect();
    match matches.as_slice() {
        [one] => one.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::expand_field;

    #[test]
    fn field_names_cut_to_ten_bytes_are_the_vocabularys() {
        for (cut, want) in [
            ("primary_ca", "primary_care"),
            ("所属区\u{fffd}", "所属区划代码"),
            ("执业医\u{fffd}", "执业医师数"),
            ("卫生技\u{fffd}", "卫生技术人员数"),
            ("实有床\u{fffd}", "实有床位数"),
            ("执业(助", "执业(助理)医师数"),
            ("医生数", "医生数"),
            ("名称", "名称"),
        ] {
            assert_eq!(expand_field(cut), want, "{cut}");
        }
    }
}
