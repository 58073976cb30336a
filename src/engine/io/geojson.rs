//! GeoJSON input: recognises roads, facilities, settlements and admin units in a
//! FeatureCollection by geometry and properties (English and Chinese keys).
//!
//! The text is read in one pass without building a JSON tree: the features are deserialised
//! one at a time, their coordinates straight into positions of the geometry their `type` names
//! (a geometry whose `type` follows its `coordinates` takes a slower path through a JSON value),
//! and each goes into the layers before the next is read. Only a feature's properties become a
//! JSON map, for [`super::properties`].
//!
//! Positions are WGS84 longitude/latitude unless the legacy `crs` member (as ogr2ogr and
//! ArcGIS write it) or the user says otherwise; [`super::placing`] converts them.
//!
//! A problem with the whole file (not JSON, not GeoJSON, positions that are not
//! longitude/latitude) is an [`InputError`] and nothing of the file is used; a problem with one
//! feature skips that feature with a [`SkipReason`] that the caller shows.

use super::placing::{place, Declared, Unplaced};
use super::properties::{push_admin, push_point, push_road};
use crate::engine::crs::system::{named, Named};
use crate::engine::crs::LonLat;
use crate::engine::model::{Layers, Rings, SkipReason, Skipped, Source};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;

/// A problem that stops a whole file from loading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// The text is not valid JSON.
    #[error("{file}: not valid JSON: {detail}")]
    InvalidJson {
        /// File name.
        file: String,
        /// The parser's message, with line and column.
        detail: String,
    },
    /// Valid JSON, but not a GeoJSON FeatureCollection or Feature.
    #[error("{file}: not GeoJSON: {detail}")]
    NotGeoJson {
        /// File name.
        file: String,
        /// What was found instead.
        detail: String,
    },
    /// Positions that are not longitude/latitude in the system the file was read in.
    #[error(transparent)]
    Unplaced(#[from] Unplaced),
    /// The file holds no features at all.
    #[error("{file}: the FeatureCollection has no features")]
    Empty {
        /// File name.
        file: String,
    },
}

/// Reads one GeoJSON text in WGS84 (or the system its `crs` member names). `file_id` is
/// stamped into every feature's [`Source`].
///
/// # Examples
/// ```
/// let text = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"名称":"东村","人口":820},
///    "geometry":{"type":"Point","coordinates":[116.4,39.9]}}]}"#;
/// let layers = medreach::engine::io::geojson::read_geojson("villages.geojson", text, 0).unwrap();
/// assert_eq!(layers.settlements[0].population, 820.0);
/// assert_eq!(layers.settlements[0].name.as_deref(), Some("东村"));
/// ```
pub fn read_geojson(file: &str, text: &str, file_id: u32) -> Result<Layers, InputError> {
    read_geojson_in(file, text, file_id, None)
}

/// [`read_geojson`] with the coordinate system the user chose for the file, which wins over
/// the file's own `crs` member.
pub fn read_geojson_in(
    file: &str,
    text: &str,
    file_id: u32,
    chosen: Option<&Named>,
) -> Result<Layers, InputError> {
    let mut reader = Reader {
        layers: Layers::default(),
        file_id,
        features: 0,
        tape: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text.trim_start_matches('\u{feff}'));
    let invalid = |e: serde_json::Error| InputError::InvalidJson {
        file: file.to_string(),
        detail: e.to_string(),
    };
    let top = (&mut reader).deserialize(&mut de).map_err(invalid)?;
    de.end().map_err(invalid)?;
    let not_geojson = |detail: String| InputError::NotGeoJson {
        file: file.to_string(),
        detail,
    };
    let (kind, features, crs, single) = match top {
        Top::Object {
            kind,
            features,
            crs,
            single,
        } => (kind, features, crs, single),
        Top::Other(what) => {
            return Err(not_geojson(format!(
                "the top level is {what}, not an object"
            )))
        }
    };
    match kind.as_deref() {
        Some("FeatureCollection") => match features {
            Some(true) => {}
            _ => {
                return Err(not_geojson(
                    "a FeatureCollection without a \"features\" array".into(),
                ))
            }
        },
        Some("Feature") => {
            let (props, geometry) = single.unwrap_or_default();
            reader.add(props, geometry);
        }
        Some(other) => {
            return Err(not_geojson(format!(
                "type is \"{other}\"; expected a FeatureCollection"
            )))
        }
        None => {
            return Err(not_geojson(
                "no \"type\": \"FeatureCollection\" member".into(),
            ))
        }
    }
    if reader.features == 0 {
        return Err(InputError::Empty {
            file: file.to_string(),
        });
    }
    let mut layers = reader.layers;
    place(file, file_id, &mut layers, declared(crs.as_ref()), chosen)?;
    layers.facts.format = "GeoJSON".into();
    layers.facts.encoding = "UTF-8".into();
    Ok(layers)
}

/// The system a legacy `crs` member names: `{"type": "name", "properties": {"name":
/// "urn:ogc:def:crs:EPSG::4547"}}`, or the 2008 form `{"type": "EPSG", "properties": {"code":
/// 4547}}`.
fn declared(crs: Option<&Value>) -> Declared {
    let Some(crs) = crs.filter(|c| !c.is_null()) else {
        return Declared::default();
    };
    let props = crs.get("properties");
    let text = match (
        props.and_then(|p| p.get("name")),
        props.and_then(|p| p.get("code")),
    ) {
        (Some(Value::String(name)), _) => name.clone(),
        (_, Some(code)) => format!("EPSG:{}", code.to_string().trim_matches('"')),
        _ => crs.to_string(),
    };
    match named(&text) {
        Ok(n) => Declared {
            known: Some(n),
            unknown: None,
        },
        Err(_) => Declared {
            known: None,
            unknown: Some(text),
        },
    }
}

/// What the top level held.
enum Top {
    /// An object: its `type`, whether `features` was an array (streamed into the layers), its
    /// `crs`, and its own properties and geometry (for a lone Feature).
    Object {
        kind: Option<String>,
        features: Option<bool>,
        crs: Option<Value>,
        single: Option<(Map<String, Value>, Geometry)>,
    },
    /// Something else, named ("an array").
    Other(&'static str),
}

/// The layers being filled, how many features were met, and the tape the current geometry's
/// coordinates are read onto (kept between features, so reading allocates nothing for it).
struct Reader {
    layers: Layers,
    file_id: u32,
    features: u32,
    tape: Vec<Tok>,
}

impl Reader {
    fn add(&mut self, props: Map<String, Value>, geometry: Geometry) {
        let source = Source {
            file: self.file_id,
            feature: self.features,
        };
        self.features += 1;
        if let Err(reason) = add_feature(&props, geometry, &self.tape, source, &mut self.layers) {
            self.layers.skipped.push(Skipped { source, reason });
        }
    }
}

macro_rules! other_kinds {
    ($out:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($out("a boolean"))
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($out("a number"))
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($out("a number"))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($out("a number"))
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($out("a string"))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($out("null"))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($out("null"))
        }
    };
}

impl<'de> DeserializeSeed<'de> for &mut Reader {
    type Value = Top;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Top, D::Error> {
        d.deserialize_any(TopVisitor(self))
    }
}

struct TopVisitor<'a>(&'a mut Reader);

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Top;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    other_kinds!(Top::Other);
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let (mut kind, mut features, mut crs) = (None, None, None);
        let (mut props, mut geometry) = (None, None);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type => kind = map.next_value::<Value>()?.as_str().map(String::from),
                Key::Features => features = Some(map.next_value_seed(FeaturesSeed(self.0))?),
                Key::Crs => crs = Some(map.next_value::<Value>()?),
                Key::Properties => props = Some(object(map.next_value::<Value>()?)),
                Key::Geometry => {
                    geometry = Some(map.next_value_seed(GeometrySeed(&mut self.0.tape))?)
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let single = (props.is_some() || geometry.is_some()).then(|| {
            (
                props.unwrap_or_default(),
                geometry.unwrap_or(Geometry::Null),
            )
        });
        Ok(Top::Object {
            kind,
            features,
            crs,
            single,
        })
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The members the reader looks at.
enum Key {
    Type,
    Features,
    Crs,
    Properties,
    Geometry,
    Coordinates,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "type" => Key::Type,
                    "features" => Key::Features,
                    "crs" => Key::Crs,
                    "properties" => Key::Properties,
                    "geometry" => Key::Geometry,
                    "coordinates" => Key::Coordinates,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// `features`: every element is read and added as it comes. `true` when it was an array.
struct FeaturesSeed<'a>(&'a mut Reader);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }
    other_kinds!(|_| false);
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some((props, geometry)) = seq.next_element_seed(FeatureSeed(&mut self.0.tape))? {
            self.0.add(props, geometry);
        }
        Ok(true)
    }
}

/// One feature: its properties, and its geometry's type with its coordinates on the tape
/// (`Null` when the feature is not an object).
struct FeatureSeed<'a>(&'a mut Vec<Tok>);

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_> {
    type Value = (Map<String, Value>, Geometry);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_> {
    type Value = (Map<String, Value>, Geometry);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature")
    }
    other_kinds!(|_| (Map::new(), Geometry::Null));
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((Map::new(), Geometry::Null))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut props, mut geometry) = (Map::new(), Geometry::Null);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Properties => props = object(map.next_value::<Value>()?),
                Key::Geometry => geometry = map.next_value_seed(GeometrySeed(&mut *self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((props, geometry))
    }
}

/// A geometry as read: its type; its coordinates are on the reader's tape.
#[derive(Default)]
enum Geometry {
    #[default]
    Null,
    /// The GeoJSON type (`""` when there is none).
    Typed(String),
}

/// The coordinates of a geometry, read in any member order without knowing their nesting: each
/// array of numbers becomes one position, and every other array is written as its opening,
/// its elements and its closing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Open,
    Close,
    Pos(LonLat),
    /// Something that should have been a position or an array: what is wrong with it.
    Bad(&'static str),
}

struct GeometrySeed<'a>(&'a mut Vec<Tok>);

impl<'de> DeserializeSeed<'de> for GeometrySeed<'_> {
    type Value = Geometry;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Geometry, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed<'_> {
    type Value = Geometry;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a geometry")
    }
    other_kinds!(|k| if k == "null" {
        Geometry::Null
    } else {
        Geometry::Typed(String::new())
    });
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Geometry, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Geometry::Typed(String::new()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Geometry, A::Error> {
        let mut kind = String::new();
        self.0.clear();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type => {
                    kind = map
                        .next_value::<Value>()?
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                }
                Key::Coordinates => {
                    self.0.clear();
                    map.next_value_seed(Coords(&mut *self.0))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Geometry::Typed(kind))
    }
}

/// Coordinates (or any part of them) onto the tape.
struct Coords<'a>(&'a mut Vec<Tok>);

impl<'de> DeserializeSeed<'de> for Coords<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Coords<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates")
    }
    other_kinds!(|_| ());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.0
            .push(Tok::Bad("an object where coordinates were expected"));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let start = self.0.len();
        self.0.push(Tok::Open);
        let (mut numbers, mut arrays, mut junk) = (0usize, 0usize, false);
        let mut xy = [f64::NAN; 2];
        while let Some(item) = seq.next_element_seed(Item(&mut *self.0))? {
            match item {
                Some(Some(v)) => {
                    if numbers < 2 {
                        xy[numbers] = v;
                    }
                    numbers += 1;
                }
                Some(None) => junk = true,
                None => arrays += 1,
            }
        }
        if arrays == 0 && numbers == 0 && !junk {
            self.0.push(Tok::Close);
            return Ok(());
        }
        if arrays > 0 && numbers == 0 && !junk {
            self.0.push(Tok::Close);
            return Ok(());
        }
        self.0.truncate(start);
        self.0.push(
            if arrays == 0 && numbers >= 2 && xy[0].is_finite() && xy[1].is_finite() {
                Tok::Pos(LonLat {
                    lon: xy[0],
                    lat: xy[1],
                })
            } else {
                Tok::Bad("a position lacks two numbers")
            },
        );
        Ok(())
    }
}

/// An element of a coordinates array: a number (`Some(Some)`), an array (`None`, written onto
/// the tape), or anything else (`Some(None)`).
struct Item<'a>(&'a mut Vec<Tok>);

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = Option<Option<f64>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Item<'_> {
    type Value = Option<Option<f64>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or an array")
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Some(v)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Some(v as f64)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Some(v as f64)))
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(None))
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(None))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Some(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Coords(self.0).visit_seq(seq)?;
        Ok(None)
    }
}

/// Reads the tape by the nesting a geometry type calls for. Each reader consumes exactly one
/// element of the tape (a position, a bad item, or an array with all it holds), also when what
/// it finds is wrong.
struct Cursor<'a> {
    tape: &'a [Tok],
    at: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<Tok> {
        let t = self.tape.get(self.at).copied();
        self.at += 1;
        t
    }

    /// Skips the rest of an array whose opening was read.
    fn skip_rest(&mut self) {
        let mut depth = 1;
        while depth > 0 {
            match self.next() {
                Some(Tok::Open) => depth += 1,
                Some(Tok::Close) => depth -= 1,
                Some(_) => {}
                None => return,
            }
        }
    }

    fn position(&mut self) -> Result<LonLat, &'static str> {
        match self.next() {
            Some(Tok::Pos(p)) => Ok(p),
            Some(Tok::Bad(why)) => Err(why),
            Some(Tok::Open) => {
                self.skip_rest();
                Err("a position lacks two numbers")
            }
            _ => Err("a position is not an array"),
        }
    }

    /// The elements of an array, each read by `item`; `not_array` when it is not one. The
    /// first item's error is returned after the whole array is read.
    fn list<T>(
        &mut self,
        not_array: &'static str,
        mut item: impl FnMut(&mut Self) -> Result<T, &'static str>,
        mut each: impl FnMut(T),
    ) -> Result<(), &'static str> {
        match self.next() {
            Some(Tok::Open) => {}
            Some(Tok::Pos(_)) | Some(Tok::Bad(_)) | Some(Tok::Close) | None => {
                return Err(not_array)
            }
        }
        let mut first_err = None;
        while let Some(t) = self.tape.get(self.at) {
            if *t == Tok::Close {
                self.at += 1;
                break;
            }
            match item(self) {
                Ok(v) if first_err.is_none() => each(v),
                Ok(_) => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    /// A line with consecutive duplicate positions removed.
    fn line(&mut self) -> Result<Vec<LonLat>, &'static str> {
        let mut line: Vec<LonLat> = Vec::new();
        self.list("coordinates are not an array", Cursor::position, |p| {
            if line.last() != Some(&p) {
                line.push(p);
            }
        })?;
        if line.len() < 2 {
            return Err("a line needs two distinct positions");
        }
        Ok(line)
    }

    fn ring(&mut self) -> Result<Vec<LonLat>, &'static str> {
        let mut ring = Vec::new();
        self.list("a ring is not an array", Cursor::position, |p| ring.push(p))?;
        Ok(ring)
    }

    fn polygon(&mut self) -> Result<Rings, &'static str> {
        let mut rings: Vec<Vec<LonLat>> = Vec::new();
        self.list("coordinates are not an array", Cursor::ring, |r| {
            rings.push(r)
        })?;
        let mut out = Vec::with_capacity(rings.len());
        for (i, ring) in rings.into_iter().enumerate() {
            if ring.len() < 4 {
                if i == 0 {
                    return Err("the outer ring has fewer than four positions");
                }
                continue;
            }
            out.push(ring);
        }
        if out.is_empty() {
            return Err("the polygon has no rings");
        }
        Ok(out)
    }

    /// The parts of a Multi… geometry that read; a part that does not is left out.
    fn parts<T>(
        &mut self,
        mut part: impl FnMut(&mut Self) -> Result<T, &'static str>,
    ) -> Result<Vec<T>, &'static str> {
        let mut out = Vec::new();
        self.list(
            "coordinates are not an array",
            |c| Ok(part(c).ok()),
            |p| out.extend(p),
        )?;
        Ok(out)
    }
}

fn add_feature(
    props: &Map<String, Value>,
    geometry: Geometry,
    tape: &[Tok],
    source: Source,
    layers: &mut Layers,
) -> Result<(), SkipReason> {
    let Geometry::Typed(kind) = geometry else {
        return Err(SkipReason::NoGeometry);
    };
    let mut c = Cursor { tape, at: 0 };
    match kind.as_str() {
        "Point" => push_point(props, c.position().map_err(degenerate)?, source, layers),
        "LineString" => push_road(props, vec![c.line().map_err(degenerate)?], source, layers),
        "MultiLineString" => {
            let lines = c.parts(Cursor::line).map_err(degenerate)?;
            if lines.is_empty() {
                return Err(degenerate("no part has two distinct positions"));
            }
            push_road(props, lines, source, layers)
        }
        "Polygon" => {
            push_admin(
                props,
                vec![c.polygon().map_err(degenerate)?],
                source,
                layers,
            );
            Ok(())
        }
        "MultiPolygon" => {
            let polys = c.parts(Cursor::polygon).map_err(degenerate)?;
            if polys.is_empty() {
                return Err(degenerate("no polygon has a valid outer ring"));
            }
            push_admin(props, polys, source, layers);
            Ok(())
        }
        other => Err(SkipReason::UnsupportedGeometry {
            geometry: if other.is_empty() {
                "(none)".into()
            } else {
                other.to_string()
            },
        }),
    }
}

fn degenerate(detail: &str) -> SkipReason {
    SkipReason::Degenerate {
        detail: detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::Oneway;

    fn fc(features: &str) -> String {
        format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
    }

    #[test]
    fn recognises_each_layer() {
        let text = fc(r#"
          {"type":"Feature","properties":{"highway":"residential","oneway":"-1"},"geometry":{"type":"LineString","coordinates":[[1,1],[1,1],[1.1,1]]}},
          {"type":"Feature","properties":{"amenity":"clinic"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"类型":"村卫生室","primary_care":"否"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"常住人口":"1,200"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#);
        let l = read_geojson("a.geojson", &text, 3).unwrap();
        assert_eq!(l.roads.len(), 1);
        assert_eq!(l.roads[0].lines[0].len(), 2, "duplicate vertex dropped");
        assert_eq!(l.roads[0].oneway, Oneway::Backward);
        assert_eq!(l.facilities.len(), 2);
        assert!(l.facilities[0].primary_care);
        assert!(
            !l.facilities[1].primary_care,
            "primary_care property decides"
        );
        assert_eq!(l.settlements[0].population, 1200.0);
        assert_eq!(
            l.settlements[0].source,
            Source {
                file: 3,
                feature: 3
            }
        );
        assert_eq!(l.admin.len(), 1);
        assert!(l.skipped.is_empty());
    }

    #[test]
    fn file_level_errors_name_the_file() {
        let e = read_geojson("x.json", "{\"type\":", 0).unwrap_err();
        assert!(matches!(e, InputError::InvalidJson { .. }));
        assert!(e.to_string().starts_with("x.json: not valid JSON"));
        let e = read_geojson("x.json", "{\"hello\":1}", 0).unwrap_err();
        assert!(matches!(e, InputError::NotGeoJson { .. }), "{e}");
        let e = read_geojson("x.json", "[1,2]", 0).unwrap_err();
        assert!(matches!(e, InputError::NotGeoJson { .. }), "{e}");
        let text = fc(
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}},
            {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[500000,4700000],[500100,4700000]]}}"#,
        );
        let e = read_geojson("utm.geojson", &text, 0).unwrap_err();
        let InputError::Unplaced(u) = e else {
            panic!("{e:?}")
        };
        assert_eq!((u.file.as_str(), u.feature), ("utm.geojson", 1));
        assert_eq!((u.x, u.y), (500000.0, 4700000.0));
        assert!(matches!(
            read_geojson("e", &fc(""), 0),
            Err(InputError::Empty { .. })
        ));
    }

    #[test]
    fn feature_problems_are_skipped_with_reasons() {
        let text = fc(r#"
          {"type":"Feature","properties":{"population":-5},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"population":"many"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"kind":"bakery"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,1],[1,1]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[1,1]]}},
          {"type":"Feature","properties":{"highway":"proposed"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}"#);
        let l = read_geojson("bad.geojson", &text, 0).unwrap();
        let reasons: Vec<_> = l
            .skipped
            .iter()
            .map(|s| (s.source.feature, s.reason.clone()))
            .collect();
        assert_eq!(reasons.len(), 9, "{reasons:?}");
        assert!(matches!(reasons[0].1, SkipReason::BadPopulation { .. }));
        assert!(matches!(reasons[1].1, SkipReason::BadPopulation { .. }));
        assert_eq!(
            reasons[2].1,
            SkipReason::UnknownKind {
                value: "bakery".into()
            }
        );
        assert_eq!(reasons[3].1, SkipReason::UnclassifiedPoint);
        assert_eq!(reasons[4].1, SkipReason::NoGeometry);
        assert!(matches!(reasons[5].1, SkipReason::Degenerate { .. }));
        assert!(matches!(
            reasons[6].1,
            SkipReason::UnsupportedGeometry { .. }
        ));
        assert!(matches!(reasons[7].1, SkipReason::NotARoad { .. }));
        assert!(matches!(reasons[8].1, SkipReason::Degenerate { .. }));
    }

    #[test]
    fn road_attributes() {
        let text = fc(r#"
          {"type":"Feature","properties":{"highway":"footway"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{"highway":"primary","motor_vehicle":"no","maxspeed":"20 mph"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{"highway":"primary","motor_vehicle":"no","motorcar":"yes"},"geometry":{"type":"LineString","coordinates":[[1,1],[2,1]]}},
          {"type":"Feature","properties":{"道路等级":"县道","oneway":true,"speed_kmh":35},"geometry":{"type":"MultiLineString","coordinates":[[[1,1],[2,1]],[[3,3]]]}}"#);
        let l = read_geojson("r", &text, 0).unwrap();
        assert!(!l.roads[0].drivable);
        assert!(!l.roads[1].drivable);
        assert!((l.roads[1].speed_kmh.unwrap() - 32.18688).abs() < 1e-9);
        assert!(
            l.roads[2].drivable,
            "motorcar=yes is more specific than motor_vehicle=no"
        );
        assert_eq!(l.roads[3].class, "tertiary");
        assert_eq!(l.roads[3].oneway, Oneway::Forward);
        assert_eq!(l.roads[3].speed_kmh, Some(35.0));
        assert_eq!(l.roads[3].lines.len(), 1, "degenerate part dropped");
    }
}
