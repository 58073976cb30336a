//! KML and KMZ, as planners get them from Google Earth or 奥维 (Ovital): every `Placemark`, at
//! any depth of `Document`/`Folder` nesting, is one feature (numbered in the order of the file).
//! Its properties are its `name`, its `description` when that is short plain text (not the HTML
//! balloons Google Earth writes), its `ExtendedData` (`Data name=…` with its `value`, and
//! `SchemaData`/`SimpleData name=…`, as GDAL writes a layer's attributes), and `folder`, the
//! names of the folders it sits in (outermost first, joined by ` / `). They go through
//! [`super::properties`] like a GeoJSON feature's, so values stay text and are read there.
//!
//! Geometry, always WGS84 longitude/latitude (`<coordinates>`: `lon,lat[,alt]` tuples apart by
//! white space): a `Point` is a facility or settlement, a `LineString` a road, a `Polygon`
//! (`outerBoundaryIs`, `innerBoundaryIs`) or a bare `LinearRing` an admin unit. A
//! `MultiGeometry` (nested ones flattened) of lines is one road with several lines; with
//! polygons, one admin unit with several polygons (a label point beside them is ignored); of
//! one point, that point; of several points, or of lines and polygons together, it is skipped
//! with its reason, as are `gx:Track`, `gx:MultiTrack` and `Model`.
//!
//! A `.kmz` is a zip: its `doc.kml`, else its first `.kml` member, is read (inflated through
//! [`super::archive`], so a zip bomb is refused). The text is UTF-8, or the encoding its XML
//! declaration names (GBK, GB2312, GB18030, …); undeclared bytes that are not UTF-8 are read
//! as GBK when they are valid GBK, else with the bad bytes replaced, and a note says so.
//! A file that is not well-formed XML, not KML, or holds no Placemark is a [`KmlError`].

use super::properties::{push_admin, push_point, push_road};
use crate::engine::crs::LonLat;
use crate::engine::model::{Layers, Rings, SkipReason, Skipped, Source};
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

/// Why a KML or KMZ file cannot be read; nothing of it is used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct KmlError {
    /// The file.
    pub file: String,
    /// What is wrong (English; the page words it in Chinese too).
    pub reason: String,
}

/// The longest `description` read as a property (longer ones are balloons, not values).
const MAX_DESCRIPTION_CHARS: usize = 200;

/// The deepest nesting of MultiGeometry followed.
const MAX_NESTING: usize = 16;

/// Whether `bytes` begin like XML text (`<?xml` or `<kml`, after a byte-order mark and white
/// space), for [`super::Format::of`].
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let b = &b[start..];
    b.starts_with(b"<?xml") || b.starts_with(b"<kml")
}

/// Reads one KML text or KMZ archive. `file_id` is stamped into every feature's [`Source`].
///
/// # Examples
/// ```
/// let kml = r#"<kml><Document><Folder><name>村</name><Placemark><name>东村</name>
///   <ExtendedData><Data name="人口"><value>820</value></Data></ExtendedData>
///   <Point><coordinates>116.4,39.9,0</coordinates></Point></Placemark></Folder></Document></kml>"#;
/// let layers = medreach::engine::io::kml::read_kml("v.kml", kml.as_bytes(), 0).unwrap();
/// assert_eq!(layers.settlements[0].population, 820.0);
/// assert_eq!(layers.settlements[0].name.as_deref(), Some("东村"));
/// ```
pub fn read_kml(file: &str, bytes: &[u8], file_id: u32) -> Result<Layers, KmlError> {
    let err = |reason: String| KmlError {
        file: file.to_string(),
        reason,
    };
    let unzipped;
    let zipped = bytes.starts_with(b"PK\x03\x04") || file.to_lowercase().ends_with(".kmz");
    let kml: &[u8] = if zipped {
        let is_kml = |base: &str| base.to_lowercase().ends_with(".kml");
        let mut members = super::archive::unzip(bytes, is_kml).map_err(err)?;
        let doc = members
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case("doc.kml"))
            .unwrap_or(0);
        if members.is_empty() {
            return Err(err("a KMZ without a .kml document inside".into()));
        }
        unzipped = members.swap_remove(doc).1;
        &unzipped
    } else {
        bytes
    };
    let mut layers = Layers::default();
    let (text, encoding) = decode(file, kml, &mut layers.notes);
    let placemarks = parse(&text).map_err(err)?;
    if placemarks.is_empty() {
        return Err(err("the KML holds no Placemark".into()));
    }
    for (index, placemark) in placemarks.into_iter().enumerate() {
        let source = Source {
            file: file_id,
            feature: index as u32,
        };
        if let Err(reason) = push(placemark, source, &mut layers) {
            layers.skipped.push(Skipped { source, reason });
        }
    }
    layers.facts = crate::engine::model::FileFacts {
        format: if zipped { "KMZ" } else { "KML" }.into(),
        crs: "WGS 84 (longitude/latitude)".into(),
        encoding: encoding.into(),
    };
    Ok(layers)
}

/// The encoding the XML declaration names, if any (`<?xml … encoding="GBK"?>`).
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(256)];
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    if !decl.trim_start().starts_with("<?xml") {
        return None;
    }
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let label = after[1..].split(quote).next()?;
    // A declaration read as ASCII cannot be UTF-16, whatever it says.
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
}

/// The text of a KML file (see the module's documentation) and the name of the encoding it was
/// read in, with a note when it had to guess.
fn decode(file: &str, bytes: &[u8], notes: &mut Vec<String>) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let declared = declared_encoding(bytes);
    if let Some(enc) = declared.filter(|e| *e != encoding_rs::UTF_8) {
        let (text, _, bad) = enc.decode(bytes);
        if bad {
            notes.push(format!(
                "{file}: bytes that are not valid {} were replaced by \u{fffd}",
                enc.name()
            ));
        }
        return (text.into_owned(), enc.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(e) => {
            let (gbk, bad) = encoding_rs::GBK.decode_without_bom_handling(bytes);
            if declared.is_none() && !bad {
                notes.push(format!(
                    "{file}: not UTF-8 and no encoding declared; read as GBK"
                ));
                return (gbk.into_owned(), "GBK");
            }
            notes.push(format!(
                "{file}: not valid UTF-8 (first invalid byte at offset {}); bad bytes were replaced by \u{fffd}: save it as UTF-8",
                e.valid_up_to()
            ));
            (String::from_utf8_lossy(bytes).into_owned(), "UTF-8")
        }
    }
}

/// A geometry being read, or read.
#[derive(Debug)]
enum Geom {
    Point(Option<LonLat>),
    Line(Vec<LonLat>),
    Polygon {
        outer: Option<Vec<LonLat>>,
        inner: Vec<Vec<LonLat>>,
        /// A `LinearRing` given alone (not inside a `Polygon`).
        bare_ring: bool,
    },
    Multi(Vec<Geom>),
    Unsupported(String),
    /// `<coordinates>` that are not `lon,lat` tuples, or outside ±180/±90.
    Bad(String),
}

/// One Placemark: its properties and its geometry.
#[derive(Debug, Default)]
struct Placemark {
    props: Map<String, Value>,
    geometry: Option<Geom>,
}

/// The attribute `name` of an element, unescaped.
fn attr(e: &BytesStart<'_>, decoder: quick_xml::encoding::Decoder, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok()??;
    a.decode_and_unescape_value(decoder)
        .ok()
        .map(|v| v.trim().to_string())
}

/// What [`parse`] keeps between events.
#[derive(Default)]
struct State {
    /// The local names of the open elements.
    stack: Vec<String>,
    /// The folders around: their depth and, once read, their name.
    folders: Vec<(usize, String)>,
    /// The Placemark being read and its depth.
    placemark: Option<(usize, Placemark)>,
    /// The geometries being read, innermost last.
    geoms: Vec<Geom>,
    /// The `name` of the `Data` and of the `SimpleData` being read.
    data_name: Option<String>,
    simple_data_name: Option<String>,
    /// The Placemarks read.
    out: Vec<Placemark>,
}

/// Reads the Placemarks of a KML text, in order; the error is the reason the whole file fails.
fn parse(text: &str) -> Result<Vec<Placemark>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut st = State::default();
    // The text of the innermost element, and the depth of the element it belongs to (an
    // element with child elements has no text of its own).
    let mut content = String::new();
    let mut content_depth = 0usize;
    let mut root_seen = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                check_root(&mut root_seen, &local)?;
                st.stack.push(local.clone());
                content.clear();
                content_depth = st.stack.len();
                st.start(&local, &e, reader.decoder());
            }
            Event::Empty(e) => {
                content.clear();
                content_depth = 0;
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                check_root(&mut root_seen, &local)?;
                if st.placemark.is_some()
                    && matches!(local.as_str(), "Track" | "MultiTrack" | "Model")
                {
                    st.attach(Geom::Unsupported(kind_name(&local)));
                }
            }
            Event::End(_) => {
                let depth = st.stack.len();
                let Some(local) = st.stack.pop() else {
                    return Err("not well-formed XML: a closing tag without its opening".into());
                };
                let own = (content_depth == depth).then(|| content.trim().to_string());
                st.end(&local, own, depth);
                content.clear();
            }
            Event::Text(t) => {
                content.push_str(&t.xml_content().map_err(|e| e.to_string())?);
            }
            Event::CData(t) => {
                content.push_str(&t.xml_content().map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    content.push(c);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => content.push_str(s),
                        None => {
                            content.push('&');
                            content.push_str(&name);
                            content.push(';');
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = st.stack.last() {
        return Err(format!(
            "ends inside <{open}>: the file is cut short or a tag is not closed"
        ));
    }
    Ok(st.out)
}

/// Refuses a document whose first element is not `<kml>` (any namespace prefix).
fn check_root(root_seen: &mut bool, local: &str) -> Result<(), String> {
    if !std::mem::replace(root_seen, true) && local != "kml" {
        return Err(format!(
            "not KML: the document's root element is <{local}>, not <kml>"
        ));
    }
    Ok(())
}

/// The name a skipped geometry is reported by.
fn kind_name(local: &str) -> String {
    match local {
        "Track" | "MultiTrack" => format!("gx:{local}"),
        other => other.to_string(),
    }
}

impl State {
    /// Puts a finished geometry into the one around it, or makes it the Placemark's.
    fn attach(&mut self, g: Geom) {
        match self.geoms.last_mut() {
            Some(Geom::Multi(parts)) => parts.push(g),
            // Inside a geometry that is not used (a gx:Track's Model, say).
            Some(_) => {}
            None => {
                if let Some((_, p)) = &mut self.placemark {
                    // A Placemark has one geometry; a second one is not KML and is ignored.
                    p.geometry.get_or_insert(g);
                }
            }
        }
    }

    /// An element `local` opens (already on the stack).
    fn start(&mut self, local: &str, e: &BytesStart<'_>, decoder: quick_xml::encoding::Decoder) {
        let depth = self.stack.len();
        let polygon = |bare_ring| Geom::Polygon {
            outer: None,
            inner: Vec::new(),
            bare_ring,
        };
        match local {
            "Folder" => self.folders.push((depth, String::new())),
            "Placemark" if self.placemark.is_none() => {
                self.placemark = Some((depth, Placemark::default()));
                self.geoms.clear();
            }
            _ if self.placemark.is_none() => {}
            "Data" => self.data_name = attr(e, decoder, "name"),
            "SimpleData" => self.simple_data_name = attr(e, decoder, "name"),
            "Point" => self.geoms.push(Geom::Point(None)),
            "LineString" => self.geoms.push(Geom::Line(Vec::new())),
            "Polygon" => self.geoms.push(polygon(false)),
            "LinearRing" if !matches!(self.geoms.last(), Some(Geom::Polygon { .. })) => {
                self.geoms.push(polygon(true))
            }
            // Deeper nesting is no real file's, and is not followed (nor recursed into).
            "MultiGeometry" if self.geoms.len() >= MAX_NESTING => self.geoms.push(Geom::Bad(
                format!("MultiGeometry nested deeper than {MAX_NESTING}"),
            )),
            "MultiGeometry" => self.geoms.push(Geom::Multi(Vec::new())),
            "Track" | "MultiTrack" | "Model" => {
                self.geoms.push(Geom::Unsupported(kind_name(local)))
            }
            _ => {}
        }
    }

    /// The element `local` at `depth` closes (already off the stack); `own` is its text when it
    /// has no child elements.
    fn end(&mut self, local: &str, own: Option<String>, depth: usize) {
        let parent = self.stack.last().map(String::as_str);
        let in_placemark = self.placemark.as_ref().map(|(d, _)| *d);
        match (local, in_placemark) {
            ("name", None) if parent == Some("Folder") => {
                if let (Some(f), Some(text)) = (self.folders.last_mut(), own) {
                    f.1 = text;
                }
            }
            ("Folder", None) => {
                self.folders.pop();
            }
            ("Placemark", Some(d)) if d == depth => {
                let Some((_, mut p)) = self.placemark.take() else {
                    return;
                };
                let path: Vec<&str> = self
                    .folders
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .filter(|n| !n.is_empty())
                    .collect();
                if !path.is_empty() && !p.props.contains_key("folder") {
                    p.props
                        .insert("folder".into(), Value::String(path.join(" / ")));
                }
                self.out.push(p);
                self.geoms.clear();
            }
            (_, Some(pm_depth)) => self.end_in_placemark(local, own, depth == pm_depth + 1),
            _ => {}
        }
    }

    /// [`State::end`] inside a Placemark; `direct` when the element is the Placemark's child.
    fn end_in_placemark(&mut self, local: &str, own: Option<String>, direct: bool) {
        let parent = self.stack.last().map(String::as_str);
        let text = own.filter(|t| !t.is_empty());
        let Some((_, p)) = &mut self.placemark else {
            return;
        };
        match local {
            "name" if direct => {
                if let Some(t) = text {
                    p.props.entry("name").or_insert(Value::String(t));
                }
            }
            "description" if direct => {
                // Plain short text only: HTML (escaped or as child elements) is a balloon.
                if let Some(t) = text.filter(|t| {
                    t.chars().count() <= MAX_DESCRIPTION_CHARS && !t.contains(['<', '>'])
                }) {
                    p.props.insert("description".into(), Value::String(t));
                }
            }
            "value" if parent == Some("Data") => {
                if let (Some(k), Some(t)) = (self.data_name.clone(), text) {
                    p.props.insert(k, Value::String(t));
                }
            }
            "Data" => self.data_name = None,
            "SimpleData" => {
                if let (Some(k), Some(t)) = (self.simple_data_name.take(), text) {
                    p.props.insert(k, Value::String(t));
                }
            }
            "coordinates" => {
                coordinates(text.as_deref().unwrap_or(""), &self.stack, &mut self.geoms)
            }
            "Point" | "LineString" | "Polygon" | "MultiGeometry" | "Track" | "MultiTrack"
            | "Model" => {
                if let Some(g) = self.geoms.pop() {
                    self.attach(g);
                }
            }
            "LinearRing" => {
                if let Some(Geom::Polygon {
                    bare_ring: true, ..
                }) = self.geoms.last()
                {
                    if let Some(g) = self.geoms.pop() {
                        self.attach(g);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Puts the positions of a `<coordinates>` (its element already popped from `stack`) into the
/// geometry being read.
fn coordinates(text: &str, stack: &[String], geoms: &mut [Geom]) {
    let Some(g) = geoms.last_mut() else {
        return;
    };
    let positions = match positions(text) {
        Ok(p) => p,
        Err(why) => {
            *g = Geom::Bad(why);
            return;
        }
    };
    match g {
        Geom::Point(at) => *at = positions.first().copied(),
        Geom::Line(line) => *line = positions,
        Geom::Polygon { outer, inner, .. } => {
            let in_inner = stack.len() >= 2 && stack[stack.len() - 2] == "innerBoundaryIs";
            if in_inner {
                inner.push(positions);
            } else if outer.is_none() {
                *outer = Some(positions);
            }
        }
        _ => {}
    }
}

/// `lon,lat[,alt]` tuples apart by white space (white space around the commas tolerated).
fn positions(text: &str) -> Result<Vec<LonLat>, String> {
    let joined = text.split(',').map(str::trim).collect::<Vec<_>>().join(",");
    joined
        .split_whitespace()
        .map(|tuple| {
            let mut it = tuple.split(',').map(|v| v.parse::<f64>());
            match (it.next(), it.next()) {
                (Some(Ok(lon)), Some(Ok(lat)))
                    if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 =>
                {
                    Ok(LonLat { lon, lat })
                }
                (Some(Ok(_)), Some(Ok(_))) => Err(format!(
                    "coordinate {tuple} is outside longitude ±180 / latitude ±90 (KML is WGS84 longitude,latitude)"
                )),
                _ => Err(format!("coordinate \"{tuple}\" is not longitude,latitude")),
            }
        })
        .collect()
}

fn degenerate(detail: &str) -> SkipReason {
    SkipReason::Degenerate {
        detail: detail.to_string(),
    }
}

/// A line with consecutive duplicate positions removed; at least two positions remain.
fn line(points: Vec<LonLat>) -> Result<Vec<LonLat>, SkipReason> {
    let mut out: Vec<LonLat> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    if out.len() < 2 {
        return Err(degenerate("a line needs two distinct positions"));
    }
    Ok(out)
}

/// An outer ring of at least four positions and the inner rings that have as many.
fn polygon(outer: Option<Vec<LonLat>>, inner: Vec<Vec<LonLat>>) -> Result<Rings, SkipReason> {
    let outer = outer.ok_or_else(|| degenerate("a polygon without an outer ring"))?;
    if outer.len() < 4 {
        return Err(degenerate("the outer ring has fewer than four positions"));
    }
    let mut rings = vec![outer];
    rings.extend(inner.into_iter().filter(|r| r.len() >= 4));
    Ok(rings)
}

/// The parts of a MultiGeometry, nested ones flattened.
fn flatten(parts: Vec<Geom>, out: &mut Vec<Geom>) {
    for g in parts {
        match g {
            Geom::Multi(inner) => flatten(inner, out),
            other => out.push(other),
        }
    }
}

/// Hands one Placemark to the layers, or says why it cannot be used.
fn push(p: Placemark, source: Source, layers: &mut Layers) -> Result<(), SkipReason> {
    let props = &p.props;
    match p.geometry.ok_or(SkipReason::NoGeometry)? {
        Geom::Point(Some(at)) => push_point(props, at, source, layers),
        Geom::Point(None) => Err(degenerate("a Point without coordinates")),
        Geom::Line(points) => push_road(props, vec![line(points)?], source, layers),
        Geom::Polygon { outer, inner, .. } => {
            push_admin(props, vec![polygon(outer, inner)?], source, layers);
            Ok(())
        }
        Geom::Unsupported(kind) => Err(SkipReason::UnsupportedGeometry { geometry: kind }),
        Geom::Bad(why) => Err(SkipReason::Degenerate { detail: why }),
        Geom::Multi(parts) => {
            let mut flat = Vec::new();
            flatten(parts, &mut flat);
            let (mut points, mut lines, mut polygons, mut other) = (vec![], vec![], vec![], vec![]);
            let mut bad = None;
            for g in flat {
                match g {
                    Geom::Point(Some(at)) => points.push(at),
                    Geom::Line(l) => lines.push(l),
                    Geom::Polygon { outer, inner, .. } => polygons.push((outer, inner)),
                    Geom::Unsupported(kind) => other.push(kind),
                    Geom::Bad(why) => bad = Some(why),
                    Geom::Point(None) | Geom::Multi(_) => {}
                }
            }
            let unsupported = |what: &str| SkipReason::UnsupportedGeometry {
                geometry: format!("MultiGeometry of {what}"),
            };
            if !other.is_empty() {
                return Err(unsupported(&other.join(", ")));
            }
            match (points.len(), lines.is_empty(), polygons.is_empty()) {
                (_, false, false) => Err(unsupported("lines and polygons")),
                (_, false, true) => {
                    let lines: Vec<_> = lines.into_iter().filter_map(|l| line(l).ok()).collect();
                    if lines.is_empty() {
                        return Err(degenerate("no line has two distinct positions"));
                    }
                    push_road(props, lines, source, layers)
                }
                (_, true, false) => {
                    let polys: Vec<_> = polygons
                        .into_iter()
                        .filter_map(|(o, i)| polygon(o, i).ok())
                        .collect();
                    if polys.is_empty() {
                        return Err(degenerate("no polygon has a valid outer ring"));
                    }
                    push_admin(props, polys, source, layers);
                    Ok(())
                }
                (1, true, true) => push_point(props, points[0], source, layers),
                (0, true, true) => Err(match bad {
                    Some(detail) => SkipReason::Degenerate { detail },
                    None => SkipReason::NoGeometry,
                }),
                (_, true, true) => Err(unsupported("several points")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{FacilityKind, Oneway};

    fn kml(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>县</name>{body}</Document></kml>"#
        )
    }

    fn read(body: &str) -> Layers {
        read_kml("t.kml", kml(body).as_bytes(), 2).unwrap()
    }

    fn reason(body: &str) -> String {
        read_kml("t.kml", body.as_bytes(), 0)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn placemarks_in_nested_folders_with_extended_data() {
        let l = read(
            r##"<Folder><name>医疗机构</name><Folder><name>乡镇</name>
              <Placemark><name>甲镇卫生院</name><description>新建 2021 年</description>
                <ExtendedData><Data name="类型"><displayName>类型</displayName><value>乡镇卫生院</value></Data>
                  <Data name="所属区划代码"><value> 451099101000 </value></Data>
                  <Data name="空"><value></value></Data></ExtendedData>
                <Point><coordinates> 105.1,23.2,0 </coordinates></Point></Placemark>
              </Folder>
              <Placemark><name>乙村</name>
                <description><![CDATA[<table><tr><td>人口</td></tr></table>]]></description>
                <ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="人口">1,200</SimpleData>
                  <SimpleData name="所属区划代码">451099101001</SimpleData></SchemaData></ExtendedData>
                <Point><extrude>1</extrude><coordinates>105.2 , 23.3</coordinates></Point></Placemark>
            </Folder>
            <Placemark><name>R &amp; D &#x8def;</name><ExtendedData><Data name="highway"><value>primary</value></Data>
              <Data name="oneway"><value>-1</value></Data></ExtendedData>
              <LineString><tessellate>1</tessellate><coordinates>
                105.0,23.0,10 105.0,23.0,10
                105.1,23.0,10
              </coordinates></LineString></Placemark>"##,
        );
        assert!(l.skipped.is_empty(), "{:?}", l.skipped);
        assert_eq!(l.facilities.len(), 1);
        let f = &l.facilities[0];
        assert_eq!(f.kind, FacilityKind::TownshipHealthCenter);
        assert_eq!(f.name.as_deref(), Some("甲镇卫生院"));
        assert_eq!(f.admin_code.as_deref(), Some("451099101000"));
        assert_eq!(
            f.source,
            Source {
                file: 2,
                feature: 0
            }
        );
        assert_eq!(l.settlements.len(), 1);
        assert_eq!(l.settlements[0].population, 1200.0);
        assert_eq!(
            (l.settlements[0].at.lon, l.settlements[0].at.lat),
            (105.2, 23.3)
        );
        assert_eq!(l.roads.len(), 1);
        assert_eq!(l.roads[0].name.as_deref(), Some("R & D 路"));
        assert_eq!(l.roads[0].class, "primary");
        assert_eq!(l.roads[0].oneway, Oneway::Backward);
        assert_eq!(l.roads[0].lines[0].len(), 2, "duplicate vertex dropped");
        assert_eq!(l.roads[0].source.feature, 2);
    }

    #[test]
    fn the_property_map_of_a_placemark() {
        let text = kml(
            r#"<Folder><name>A</name><Folder><name>B</name><Placemark><name>x</name>
                 <description>plain</description><Point><coordinates>1,2</coordinates></Point>
               </Placemark></Folder></Folder>
               <Folder><name>C</name></Folder>
               <Placemark><description>line one<br/>line two</description>
                 <Point><coordinates>1,2</coordinates></Point></Placemark>"#,
        );
        let pms = parse(&text).unwrap();
        assert_eq!(pms.len(), 2);
        let p = &pms[0].props;
        assert_eq!(p["name"], "x");
        assert_eq!(p["description"], "plain");
        assert_eq!(p["folder"], "A / B");
        assert!(!pms[1].props.contains_key("folder"), "outside every folder");
        assert!(
            !pms[1].props.contains_key("description"),
            "markup is not a value"
        );
    }

    #[test]
    fn multigeometry_and_a_polygon_with_a_hole() {
        let ring = |x0: f64| format!("{x0},0 {},0 {},1 {x0},1 {x0},0", x0 + 1.0, x0 + 1.0);
        let l = read(&format!(
            r#"<Placemark><name>甲乡</name><ExtendedData><Data name="区划代码"><value>451099101</value></Data></ExtendedData>
                <Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 10,0 10,10 0,10 0,0</coordinates></LinearRing></outerBoundaryIs>
                  <innerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></innerBoundaryIs>
                  <innerBoundaryIs><LinearRing><coordinates>1,1 2,2 1,1</coordinates></LinearRing></innerBoundaryIs>
                </Polygon></Placemark>
              <Placemark><name>两块</name><MultiGeometry><Point><coordinates>0.5,0.5</coordinates></Point>
                <Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon>
                <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry>
              </MultiGeometry></Placemark>
              <Placemark><ExtendedData><Data name="highway"><value>track</value></Data></ExtendedData>
                <MultiGeometry><LineString><coordinates>0,0 1,1</coordinates></LineString>
                <LineString><coordinates>1,1 1,1</coordinates></LineString>
                <LineString><coordinates>1,1 2,1</coordinates></LineString></MultiGeometry></Placemark>
              <Placemark><name>环</name><LinearRing><coordinates>{}</coordinates></LinearRing></Placemark>
              <Placemark><ExtendedData><Data name="人口"><value>5</value></Data></ExtendedData>
                <MultiGeometry><Point><coordinates>3,4</coordinates></Point></MultiGeometry></Placemark>"#,
            ring(2.0),
            ring(20.0),
            ring(30.0),
            ring(40.0)
        ));
        assert!(l.skipped.is_empty(), "{:?}", l.skipped);
        assert_eq!(l.admin.len(), 3);
        let a = &l.admin[0];
        assert_eq!(a.code.as_deref(), Some("451099101000"));
        assert_eq!(a.polygons.len(), 1);
        assert_eq!(
            a.polygons[0].len(),
            2,
            "the hole kept, the degenerate ring dropped"
        );
        assert_eq!(a.polygons[0][1][0], LonLat { lon: 2.0, lat: 0.0 });
        assert_eq!(
            l.admin[1].polygons.len(),
            2,
            "nested MultiGeometry flattened"
        );
        assert_eq!(l.admin[2].name.as_deref(), Some("环"));
        assert_eq!(l.roads.len(), 1);
        assert_eq!(l.roads[0].lines.len(), 2, "the degenerate line dropped");
        assert_eq!(l.settlements.len(), 1);
        assert_eq!(l.settlements[0].at, LonLat { lon: 3.0, lat: 4.0 });
    }

    #[test]
    fn feature_problems_are_skipped_with_reasons() {
        let l = read(
            r#"<Placemark><name>no geometry</name></Placemark>
              <Placemark><gx:Track><when>2020-01-01</when><gx:coord>1 2 3</gx:coord></gx:Track></Placemark>
              <Placemark><MultiGeometry><Point><coordinates>1,2</coordinates></Point><Point><coordinates>1,3</coordinates></Point></MultiGeometry></Placemark>
              <Placemark><MultiGeometry><LineString><coordinates>0,0 1,1</coordinates></LineString>
                <Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>
              <Placemark><LineString><coordinates>500000,4700000 500100,4700000</coordinates></LineString></Placemark>
              <Placemark><Point><coordinates>east,north</coordinates></Point></Placemark>
              <Placemark><LineString><coordinates>1,1 1,1</coordinates></LineString></Placemark>
              <Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
              <Placemark><name>nothing</name><Point><coordinates>1,2</coordinates></Point></Placemark>
              <Placemark><ExtendedData><Data name="人口"><value>many</value></Data></ExtendedData><Point><coordinates>1,2</coordinates></Point></Placemark>"#,
        );
        let reasons: Vec<_> = l
            .skipped
            .iter()
            .map(|s| (s.source.feature, s.reason.clone()))
            .collect();
        assert_eq!(reasons.len(), 10, "{reasons:?}");
        assert_eq!(reasons[0].1, SkipReason::NoGeometry);
        assert_eq!(
            reasons[1].1,
            SkipReason::UnsupportedGeometry {
                geometry: "gx:Track".into()
            }
        );
        assert_eq!(
            reasons[2].1,
            SkipReason::UnsupportedGeometry {
                geometry: "MultiGeometry of several points".into()
            }
        );
        assert!(
            matches!(&reasons[3].1, SkipReason::UnsupportedGeometry { geometry } if geometry.contains("lines and polygons"))
        );
        assert!(
            matches!(&reasons[4].1, SkipReason::Degenerate { detail } if detail.contains("outside longitude"))
        );
        assert!(
            matches!(&reasons[5].1, SkipReason::Degenerate { detail } if detail.contains("east,north"))
        );
        assert!(matches!(reasons[6].1, SkipReason::Degenerate { .. }));
        assert!(matches!(reasons[7].1, SkipReason::Degenerate { .. }));
        assert_eq!(reasons[8].1, SkipReason::UnclassifiedPoint);
        assert!(matches!(reasons[9].1, SkipReason::BadPopulation { .. }));
        assert_eq!(reasons[9].0, 9);
    }

    #[test]
    fn file_level_errors_name_the_file() {
        let point = "<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>";
        assert!(reason("").starts_with("t.kml: the KML holds no Placemark"));
        assert!(reason("<kml><Document/></kml>").contains("no Placemark"));
        let e = reason(&format!("<kml><Document>{point}"));
        assert!(e.starts_with("t.kml: ends inside <Document>"), "{e}");
        let e = reason(&format!("<kml><Document>{point}</Folder></kml>"));
        assert!(e.starts_with("t.kml: not well-formed XML"), "{e}");
        let e = reason("<?xml version=\"1.0\"?><gpx><wpt lat=\"1\" lon=\"2\"/></gpx>");
        assert!(
            e.contains("not KML: the document's root element is <gpx>"),
            "{e}"
        );
        let e = reason("{\"type\":\"FeatureCollection\"}");
        assert!(e.contains("no Placemark"), "{e}");
        let e = read_kml("a.kmz", b"PK\x03\x04 garbage", 0).unwrap_err();
        assert!(e.to_string().starts_with("a.kmz: not a zip archive"), "{e}");
        // A KMZ holding only an image.
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("files/icon.png", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"\x89PNG").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let e = read_kml("a.kmz", &bytes, 0).unwrap_err();
        assert_eq!(e.reason, "a KMZ without a .kml document inside");
        // MultiGeometry nested 100,000 deep is refused without recursing.
        let deep = format!(
            "<kml><Placemark>{}<Point><coordinates>1,2</coordinates></Point>{}</Placemark></kml>",
            "<MultiGeometry>".repeat(100_000),
            "</MultiGeometry>".repeat(100_000)
        );
        let l = read_kml("deep.kml", deep.as_bytes(), 0).unwrap();
        assert!(
            matches!(&l.skipped[0].reason, SkipReason::Degenerate { detail } if detail.contains("nested"))
        );
        // Arbitrary bytes never panic.
        for junk in [
            &b"\xff\xfe<\x00k\x00"[..],
            b"<kml><<<",
            b"<kml>&bogus;</kml>",
            b"\x00\x01",
        ] {
            let _ = read_kml("j.kml", junk, 0);
        }
    }

    #[test]
    fn a_kmz_reads_its_doc_kml() {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, body) in [
            ("other.kml", "<kml><Placemark><Point><coordinates>9,9</coordinates></Point></Placemark></kml>".to_string()),
            ("doc.kml", kml("<Placemark><ExtendedData><Data name=\"population\"><value>7</value></Data></ExtendedData><Point><coordinates>1,2</coordinates></Point></Placemark>")),
        ] {
            zip.start_file(name, opts).unwrap();
            std::io::Write::write_all(&mut zip, body.as_bytes()).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let l = read_kml("a.kmz", &bytes, 0).unwrap();
        assert_eq!(l.settlements.len(), 1);
        assert_eq!(l.settlements[0].population, 7.0);
    }

    #[test]
    fn encodings() {
        // A declaration that says UTF-16 of ASCII bytes is not believed.
        let text = kml("<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>")
            .replace("UTF-8", "UTF-16");
        let l = read_kml("u.kml", text.as_bytes(), 0).unwrap();
        assert_eq!(l.skipped.len(), 1);
        assert!(l.notes.is_empty());
        // Declared GBK (and GB2312, which is read as GBK).
        for label in ["GBK", "gb2312", "GB18030"] {
            let text = kml("<Placemark><name>东村</name><ExtendedData><Data name=\"人口\"><value>3</value></Data></ExtendedData><Point><coordinates>1,2</coordinates></Point></Placemark>")
                .replace("UTF-8", label);
            let (bytes, _, _) = encoding_rs::GBK.encode(&text);
            let l = read_kml("gbk.kml", &bytes, 0).unwrap();
            assert_eq!(l.settlements[0].name.as_deref(), Some("东村"), "{label}");
            assert!(l.notes.is_empty(), "{:?}", l.notes);
        }
        // Undeclared GBK: read as GBK, with a note.
        let text = "<kml><Placemark><name>东村</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let l = read_kml("gbk.kml", &bytes, 0).unwrap();
        assert!(l.notes[0].contains("read as GBK"), "{:?}", l.notes);
        // Declared UTF-8 with a stray byte: read with the byte replaced, and a note.
        let mut bytes = kml(
            "<Placemark><name>x</name><Point><coordinates>1,2</coordinates></Point></Placemark>",
        )
        .into_bytes();
        let at = bytes.windows(2).position(|w| w == b">x").unwrap() + 1;
        bytes[at] = 0xff;
        let l = read_kml("bad.kml", &bytes, 0).unwrap();
        assert!(
            l.notes[0].starts_with("bad.kml: not valid UTF-8"),
            "{:?}",
            l.notes
        );
        assert_eq!(l.skipped[0].reason, SkipReason::UnclassifiedPoint);
        // A byte-order mark is dropped.
        let bytes = [
            b"\xef\xbb\xbf".as_slice(),
            kml("<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>").as_bytes(),
        ]
        .concat();
        assert_eq!(read_kml("bom.kml", &bytes, 0).unwrap().skipped.len(), 1);
    }
}
