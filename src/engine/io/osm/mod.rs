//! OpenStreetMap input: reads an `.osm.pbf` extract (its bytes, as the browser has them) into
//! MedReach's layers — roads, health facilities, residents and admin units — with the same
//! meaning the GeoJSON reader ([`crate::engine::io::geojson`]) gives the same tags.
//!
//! What is read, in WGS84 degrees (a node's stored nanodegrees ÷ 10⁹, so a node shared by two
//! ways gives both the bit-identical coordinate and junctions come out right):
//!
//! - **Roads**: ways with `highway=*`, converted by the GeoJSON reader's own road conversion
//!   from the way's `highway`, `oneway`, `maxspeed` and `name` tags (classes that are not roads
//!   are skipped with their reason, as in GeoJSON; so are the OSM values that mark an area or a
//!   point rather than a way, such as `rest_area` and `services`). Three OSM rules are applied
//!   first: the implied one-way of `junction=roundabout`/`circular` and `highway=motorway`
//!   without an `oneway` tag (one-way along the way); a `maxspeed` list (`90;30`) counts by its
//!   first value; and access follows OSM's hierarchy — the most specific of `motorcar`,
//!   `motor_vehicle`, `vehicle`, `access` present decides, and only `no` closes the way to motor
//!   vehicles (`motor_vehicle=no` + `motorcar=yes` is open). A way whose nodes are partly
//!   missing from the extract keeps its runs of consecutive present nodes.
//! - **Facilities**: nodes, ways (area centroid of a closed way, mean of the vertices of an open
//!   one) and multipolygon relations tagged `healthcare=*` or `amenity` = `hospital`, `clinic`,
//!   `doctors`, `dentist`, `pharmacy` or `nursing_home`, through
//!   [`super::properties::parse_facility_kind`] (`healthcare` first). `hospital`, `clinic` and
//!   `doctors` are medical service points; the others are not.
//! - **Admin units**: `boundary=administrative` relations of type `boundary` or `multipolygon`
//!   whose outer (and inner) member ways are all in the extract and join into closed rings. An
//!   incomplete one is left out with a note naming the relation. A unit's population is its
//!   `population` tag, else that of its `label` member node, else that of the one place node of
//!   the same name inside it (given to the smallest such unit only).
//! - **Residents** ([`PopulationSource`], chosen by [`OsmOptions::population`]): `place` nodes
//!   of a settlement kind (`city`, `town`, `village`, `hamlet`, `suburb`, `neighbourhood`, … —
//!   not `country`, `state`, `county`, `locality`, `island`, …) with a numeric `population`;
//!   where the extract has none, an **estimate** from residential buildings
//!   ([`estimate_residents`]): one settlement per building at its footprint's centroid, with
//!   floor area (footprint m² × levels) ÷ [`OsmOptions::floor_m2_per_person`] residents, except
//!   that an admin unit with a population spreads exactly that population over the buildings
//!   inside it in proportion to their floor area. Every estimated settlement's name ends in
//!   "(estimate)" and the import says so in [`OsmImport::warnings`]. No population, no facility
//!   or no medical service point is a warning with a clear message, not an error.
//!
//! Residential buildings (the documented rule): closed ways with `building` (or, where present,
//! `building:use`) = `house`, `residential`, `apartments`, `detached`, `semidetached_house`,
//! `terrace`, `bungalow`, `dormitory`, `farm`, `cabin`, `houseboat`, `static_caravan`, or `yes`
//! when the way carries no tag of a non-residential use (`amenity`, `shop`, `office`, `craft`,
//! `industrial`, `tourism`, `leisure`, `man_made`, `healthcare`, `public_transport`, `railway`,
//! `aeroway`, `power`, `military`, `emergency`, `sport`, `historic`, `religion`); with a
//! footprint of at least [`OsmOptions::min_footprint_m2`] (30 m²: sheds and garages mapped as
//! `yes` are not homes). Footprints are measured in a local tangent plane on the WGS84 ellipsoid
//! at the building (metres; better than 0.01 % at building size); levels are `building:levels`
//! (at least 1), else [`OsmOptions::default_levels`]. Building relations are not read.
//!
//! The PBF decoding is the `osmpbf` crate's (pure Rust, zlib inflated by `miniz_oxide`; only
//! its in-memory `BlobReader`, so no memory map and no threads: it runs in wasm32 as natively).
//! Reading takes one pass over the file and keeps every node's position (24 bytes a node) and
//! every way's node list until the layers are built.
//!
//! Invariants: [`Source::feature`] of everything produced indexes [`OsmImport::elements`], the
//! OSM element it came from; coordinates are within ±180/±90; bad bytes give an [`OsmError`],
//! never a panic of this module's own: the blob framing is walked and checked before the
//! decoder sees it (so a file that is not PBF or is cut short is named as such), and every
//! zlib-compressed blob — all of them in real extracts — is checked by its Adler-32 sum. The
//! decoder itself can still panic on a crafted uncompressed block (an unknown relation member
//! type); natively that panic is caught and reported as [`OsmError::Corrupt`].
//!
//! OpenStreetMap data are © OpenStreetMap contributors, ODbL 1.0: whatever draws or exports
//! them shows [`ATTRIBUTION`].

use crate::engine::crs::LonLat;
use crate::engine::model::{
    AdminUnit, Facility, FacilityKind, Layers, Rings, Settlement, SkipReason, Skipped, Source,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The attribution OpenStreetMap's licence requires wherever its data are drawn or exported.
pub const ATTRIBUTION: &str =
    "OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)";

/// The default floor area per resident, in m².
pub const DEFAULT_FLOOR_M2_PER_PERSON: f64 = 40.0;

/// Which population an extract's residents come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationChoice {
    /// Place nodes with a population where the extract has any, else the building estimate.
    #[default]
    Auto,
    /// Only place nodes with a population.
    PlaceNodes,
    /// Only the building estimate, even where place nodes have a population.
    Buildings,
}

impl std::str::FromStr for PopulationChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<PopulationChoice, String> {
        match s {
            "auto" => Ok(PopulationChoice::Auto),
            "places" | "place_nodes" => Ok(PopulationChoice::PlaceNodes),
            "buildings" => Ok(PopulationChoice::Buildings),
            _ => Err(format!(
                "unknown population source \"{s}\" (auto, places or buildings)"
            )),
        }
    }
}

/// How to read an extract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OsmOptions {
    /// Floor area per resident in m² for the building estimate (positive; default 40).
    pub floor_m2_per_person: f64,
    /// Levels of a building without `building:levels` (at least 1; default 1).
    pub default_levels: f64,
    /// Smallest footprint in m² counted as a home (default 30; 0 counts every building).
    pub min_footprint_m2: f64,
    /// Where residents come from.
    pub population: PopulationChoice,
}

impl Default for OsmOptions {
    fn default() -> Self {
        OsmOptions {
            floor_m2_per_person: DEFAULT_FLOOR_M2_PER_PERSON,
            default_levels: 1.0,
            min_footprint_m2: 30.0,
            population: PopulationChoice::Auto,
        }
    }
}

/// Where the residents of an import come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationSource {
    /// `place` nodes with a `population` tag (census-like figures as mapped).
    PlaceNodes,
    /// Estimated from residential buildings: every settlement is an estimate.
    BuildingEstimate,
    /// No usable population in the extract.
    None,
}

/// The type of an OpenStreetMap element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OsmType {
    /// A node.
    Node,
    /// A way.
    Way,
    /// A relation.
    Relation,
}

/// One OpenStreetMap element, e.g. `way/25208578`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OsmRef {
    /// Node, way or relation.
    #[serde(rename = "type")]
    pub kind: OsmType,
    /// Its OSM id.
    pub id: i64,
}

impl std::fmt::Display for OsmRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            OsmType::Node => "node",
            OsmType::Way => "way",
            OsmType::Relation => "relation",
        };
        write!(f, "{kind}/{}", self.id)
    }
}

/// A residential building, ready for the resident estimate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResidentialBuilding {
    /// Where its settlement comes from (the way, in [`OsmImport::elements`]).
    pub source: Source,
    /// The way's OSM id.
    pub way_id: i64,
    /// The building's `name`, if any.
    pub name: Option<String>,
    /// Area centroid of the footprint.
    pub at: LonLat,
    /// Footprint area in m².
    pub footprint_m2: f64,
    /// Levels above ground (`building:levels`, else the default), at least 1.
    pub levels: f64,
}

impl ResidentialBuilding {
    /// Floor area in m²: footprint × levels.
    pub fn floor_m2(&self) -> f64 {
        self.footprint_m2 * self.levels
    }
}

/// Counts of what was read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OsmStats {
    /// Blobs (header and data blocks) in the file.
    pub blobs: usize,
    /// Nodes read.
    pub nodes: usize,
    /// Ways read.
    pub ways: usize,
    /// Relations read.
    pub relations: usize,
    /// Ways with `highway=*`.
    pub highway_ways: usize,
    /// Node references of used ways that point to a node missing from the extract.
    pub missing_node_refs: usize,
    /// Settlement place nodes with a usable population.
    pub place_nodes_with_population: usize,
    /// Settlement place nodes (city … hamlet) without a population.
    pub place_nodes_without_population: usize,
    /// Ways with `building=*`.
    pub building_ways: usize,
    /// Residential buildings counted (see the module docs for the rule).
    pub residential_buildings: usize,
    /// Of those, buildings with `building:levels`.
    pub buildings_with_levels: usize,
    /// `boundary=administrative` relations of an area type.
    pub admin_relations: usize,
    /// Of those, complete ones (used as admin units).
    pub admin_complete: usize,
    /// True when the settlements are the building estimate.
    pub population_estimated: bool,
}

/// Something the user should know about an import; it does not stop it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum OsmWarning {
    /// No place node with a population and no residential building.
    NoPopulation,
    /// No health facility at all.
    NoFacility,
    /// Facilities, but none is a medical service point.
    NoServicePoint {
        /// How many facilities there are.
        facilities: usize,
    },
    /// Residents are the building estimate.
    PopulationEstimated {
        /// Buildings the estimate rests on.
        buildings: usize,
        /// Floor area per person used, m².
        floor_m2_per_person: f64,
        /// Admin units whose own population was spread over their buildings.
        units_spread: usize,
    },
    /// Some settlement place nodes have a population and others have none: those are not
    /// counted.
    PartialPlacePopulation {
        /// Place nodes with a population.
        with_population: usize,
        /// Place nodes without one.
        without_population: usize,
    },
}

impl std::fmt::Display for OsmWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OsmWarning::NoPopulation => write!(
                f,
                "the extract has no usable population (no place node with a population tag, no \
                 residential building): add a population layer (GeoJSON points with a \
                 population, or admin polygons with a population)"
            ),
            OsmWarning::NoFacility => write!(
                f,
                "the extract has no health facility (amenity=hospital/clinic/doctors/…, \
                 healthcare=*): add a facilities layer"
            ),
            OsmWarning::NoServicePoint { facilities } => write!(
                f,
                "none of the extract's {facilities} health facilities is a medical service point \
                 (hospital, clinic, doctors): add a facilities layer"
            ),
            OsmWarning::PopulationEstimated {
                buildings,
                floor_m2_per_person,
                units_spread,
            } => {
                write!(
                    f,
                    "residents are an ESTIMATE from {}: footprint × levels ÷ \
                     {floor_m2_per_person} m² per person",
                    plural(*buildings, "residential building")
                )?;
                if *units_spread > 0 {
                    write!(
                        f,
                        "; in {} with a population, that population is spread over the \
                         buildings inside by floor area",
                        plural(*units_spread, "admin unit")
                    )?;
                }
                write!(f, ". Add a population layer for real figures")
            }
            OsmWarning::PartialPlacePopulation {
                with_population,
                without_population,
            } => write!(
                f,
                "only {with_population} of the extract's {} place nodes have a population; the \
                 {without_population} without one are not counted: add a population layer for \
                 the rest",
                with_population + without_population
            ),
        }
    }
}

/// "1 thing", "2 things".
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// What an extract holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OsmImport {
    /// Roads, facilities, settlements, admin units, skipped features and notes.
    pub layers: Layers,
    /// Counts of what was read.
    pub stats: OsmStats,
    /// Where the settlements come from.
    pub population_source: PopulationSource,
    /// The OSM element behind every feature: [`Source::feature`] indexes this.
    pub elements: Vec<OsmRef>,
    /// The residential buildings, whichever population source was chosen (for
    /// [`estimate_residents`] with other admin units or another floor area per person).
    pub buildings: Vec<ResidentialBuilding>,
    /// What the user should know (also in `layers.notes`, in English).
    pub warnings: Vec<OsmWarning>,
}

impl OsmImport {
    /// The OSM element a feature came from.
    pub fn element(&self, source: Source) -> Option<OsmRef> {
        self.elements.get(source.feature as usize).copied()
    }
}

/// A problem that stops an extract from loading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OsmError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// The bytes do not start like an OpenStreetMap PBF file.
    #[error("not an OpenStreetMap PBF file (.osm.pbf): {detail}")]
    NotPbf {
        /// What was found.
        detail: String,
    },
    /// The file ends inside a blob.
    #[error("the PBF file is truncated: {detail}")]
    Truncated {
        /// Where.
        detail: String,
    },
    /// A blob cannot be decoded.
    #[error("the PBF file is corrupt: blob {blob}: {detail}")]
    Corrupt {
        /// Position of the blob in the file (0 is the header).
        blob: usize,
        /// The decoder's message.
        detail: String,
    },
    /// The file needs a reader feature MedReach does not have (e.g. history files).
    #[error("the PBF file needs features MedReach cannot read: {features}")]
    Unsupported {
        /// The required features not supported.
        features: String,
    },
    /// Nothing in the extract is a usable road.
    #[error("the extract has no usable road (no way with a highway=* tag of a road class whose nodes are in the file)")]
    NoRoads,
    /// An option is out of range.
    #[error("{0}")]
    BadOption(String),
}

/// Reads an `.osm.pbf` extract. `file_id` is stamped into every feature's [`Source`].
///
/// # Errors
/// [`OsmError`] names what is wrong with the bytes or the options, or that the extract has no
/// usable road. A missing population or facility is not an error: see
/// [`OsmImport::warnings`].
///
/// # Examples
/// ```
/// use medreach::engine::io::osm::{read_osm_pbf, OsmError, OsmOptions};
/// let err = read_osm_pbf(b"{\"type\":\"FeatureCollection\"}", &OsmOptions::default(), 0);
/// assert!(matches!(err, Err(OsmError::NotPbf { .. })));
/// ```
pub fn read_osm_pbf(
    bytes: &[u8],
    options: &OsmOptions,
    file_id: u32,
) -> Result<OsmImport, OsmError> {
    validate(options)?;
    let blobs = frame(bytes)?;
    let raw = decode_guarded(bytes, blobs)?;
    build(raw, options, file_id)
}

fn validate(options: &OsmOptions) -> Result<(), OsmError> {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    if !ok(options.floor_m2_per_person) {
        return Err(OsmError::BadOption(format!(
            "floor area per person must be a positive number of m², not {}",
            options.floor_m2_per_person
        )));
    }
    if !(options.default_levels.is_finite() && options.default_levels >= 1.0) {
        return Err(OsmError::BadOption(format!(
            "default levels must be a number of at least 1, not {}",
            options.default_levels
        )));
    }
    if !(options.min_footprint_m2.is_finite() && options.min_footprint_m2 >= 0.0) {
        return Err(OsmError::BadOption(format!(
            "smallest home footprint must be a non-negative number of m², not {}",
            options.min_footprint_m2
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Framing: walk the blob structure before the decoder sees it, so that a file that is not PBF,
// or is cut short, gets a precise error.

/// Largest blob header and blob, as the PBF format defines them.
const MAX_HEADER: usize = 64 * 1024;
const MAX_BLOB: usize = 32 * 1024 * 1024;

/// Checks the framing of every blob; returns the number of blobs.
fn frame(bytes: &[u8]) -> Result<usize, OsmError> {
    if bytes.is_empty() {
        return Err(OsmError::Empty);
    }
    let mut pos = 0usize;
    let mut index = 0usize;
    while pos < bytes.len() {
        let left = bytes.len() - pos;
        if left < 4 {
            return Err(OsmError::Truncated {
                detail: format!(
                    "{left} stray bytes at the end (offset {pos}), too few for a blob header"
                ),
            });
        }
        let header_len =
            u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
                as usize;
        pos += 4;
        let bad = |detail: String| {
            if index == 0 {
                OsmError::NotPbf { detail }
            } else {
                OsmError::Corrupt {
                    blob: index,
                    detail,
                }
            }
        };
        if header_len == 0 || header_len > MAX_HEADER {
            return Err(bad(format!(
                "blob header length {header_len} at offset {} is not between 1 and {MAX_HEADER}",
                pos - 4
            )));
        }
        if bytes.len() - pos < header_len {
            return Err(OsmError::Truncated {
                detail: format!(
                    "blob {index}'s header needs {header_len} bytes at offset {pos}, {} remain",
                    bytes.len() - pos
                ),
            });
        }
        let (kind, datasize) = blob_header(&bytes[pos..pos + header_len])
            .ok_or_else(|| bad(format!("blob {index}'s header is not a PBF blob header")))?;
        if index == 0 && kind != "OSMHeader" {
            return Err(OsmError::NotPbf {
                detail: format!("the first blob is \"{kind}\", not \"OSMHeader\""),
            });
        }
        pos += header_len;
        if datasize > MAX_BLOB {
            return Err(bad(format!(
                "blob {index} declares {datasize} bytes, more than {MAX_BLOB}"
            )));
        }
        if bytes.len() - pos < datasize {
            return Err(OsmError::Truncated {
                detail: format!(
                    "blob {index} needs {datasize} bytes at offset {pos}, {} remain",
                    bytes.len() - pos
                ),
            });
        }
        pos += datasize;
        index += 1;
    }
    Ok(index)
}

fn varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Parses a `BlobHeader` message: (type, datasize). `None` when it is not one.
fn blob_header(buf: &[u8]) -> Option<(String, usize)> {
    let mut pos = 0;
    let mut kind = None;
    let mut datasize = None;
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        match (key >> 3, key & 7) {
            (3, 0) => datasize = Some(varint(buf, &mut pos)?),
            (field, 2) => {
                let len = usize::try_from(varint(buf, &mut pos)?).ok()?;
                let end = pos.checked_add(len).filter(|&e| e <= buf.len())?;
                if field == 1 {
                    kind = Some(String::from_utf8(buf[pos..end].to_vec()).ok()?);
                }
                pos = end;
            }
            (_, 0) => {
                varint(buf, &mut pos)?;
            }
            _ => return None,
        }
    }
    let datasize = usize::try_from(datasize?).ok()?;
    Some((kind?, datasize))
}

// ---------------------------------------------------------------------------------------------
// Decoding: one pass over the elements, keeping what later steps need.

type Tags = Vec<(String, String)>;

#[derive(Default)]
struct Raw {
    stats: OsmStats,
    /// Every node's position, by id (sorted before use).
    nodes: Vec<(i64, LonLat)>,
    /// Nodes with a tag MedReach reads (place, population, amenity, healthcare), in file order.
    tagged_nodes: Vec<(i64, LonLat, Tags)>,
    /// Every way's node ids, concatenated; `ways` indexes into it.
    refs: Vec<i64>,
    /// Every way: id, range in `refs`, and its tags when MedReach reads it.
    ways: Vec<RawWay>,
    /// Relations MedReach reads (admin boundaries, facility multipolygons), in file order.
    relations: Vec<RawRelation>,
}

struct RawWay {
    id: i64,
    start: usize,
    len: usize,
    tags: Option<Tags>,
}

struct RawRelation {
    id: i64,
    tags: Tags,
    /// (member type, id, role).
    members: Vec<(OsmType, i64, String)>,
}

/// Tag keys that make a node worth keeping.
const NODE_KEYS: &[&str] = &["place", "population", "amenity", "healthcare"];
/// Tag keys that make a way's tags worth keeping.
const WAY_KEYS: &[&str] = &["highway", "building", "amenity", "healthcare"];

fn tag<'a>(tags: &'a [(String, String)], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn position(nano_lon: i64, nano_lat: i64) -> Option<LonLat> {
    // Dividing the exact integer by 10⁹ gives the double nearest the decimal value, the same
    // double a GeoJSON export of it parses to.
    let p = LonLat {
        lon: nano_lon as f64 / 1e9,
        lat: nano_lat as f64 / 1e9,
    };
    (p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0).then_some(p)
}

/// Decodes the blobs; natively a panic inside the PBF reader becomes [`OsmError::Corrupt`].
fn decode_guarded(bytes: &[u8], blobs: usize) -> Result<Raw, OsmError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(|| decode(bytes, blobs)).unwrap_or_else(|_| {
            Err(OsmError::Corrupt {
                blob: 0,
                detail: "the PBF decoder failed on malformed data".to_string(),
            })
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        decode(bytes, blobs)
    }
}

fn decode(bytes: &[u8], blobs: usize) -> Result<Raw, OsmError> {
    use osmpbf::{BlobDecode, BlobReader, Element};
    let mut raw = Raw::default();
    let reader = BlobReader::new(std::io::Cursor::new(bytes));
    for (index, blob) in reader.enumerate() {
        let corrupt = |e: osmpbf::Error| OsmError::Corrupt {
            blob: index,
            detail: e.to_string(),
        };
        let blob = blob.map_err(corrupt)?;
        raw.stats.blobs += 1;
        match blob.decode().map_err(corrupt)? {
            BlobDecode::OsmHeader(header) => {
                let unsupported: Vec<&str> = header
                    .required_features()
                    .iter()
                    .map(String::as_str)
                    .filter(|f| !matches!(*f, "OsmSchema-V0.6" | "DenseNodes"))
                    .collect();
                if !unsupported.is_empty() {
                    return Err(OsmError::Unsupported {
                        features: unsupported.join(", "),
                    });
                }
            }
            BlobDecode::OsmData(block) => {
                for element in block.elements() {
                    match element {
                        Element::Node(n) => {
                            raw.node(n.id(), n.nano_lon(), n.nano_lat(), n.tags());
                        }
                        Element::DenseNode(n) => {
                            raw.node(n.id(), n.nano_lon(), n.nano_lat(), n.tags());
                        }
                        Element::Way(w) => raw.way(&w),
                        Element::Relation(r) => raw.relation(&r),
                    }
                }
            }
            BlobDecode::Unknown(_) => {}
        }
    }
    if raw.stats.blobs != blobs {
        return Err(OsmError::Corrupt {
            blob: raw.stats.blobs,
            detail: format!("{} of {blobs} blobs could be read", raw.stats.blobs),
        });
    }
    Ok(raw)
}

impl Raw {
    fn node<'a>(
        &mut self,
        id: i64,
        nano_lon: i64,
        nano_lat: i64,
        tags: impl Iterator<Item = (&'a str, &'a str)>,
    ) {
        self.stats.nodes += 1;
        let Some(at) = position(nano_lon, nano_lat) else {
            return;
        };
        self.nodes.push((id, at));
        let tags: Tags = tags.map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if tags.iter().any(|(k, _)| NODE_KEYS.contains(&k.as_str())) {
            self.tagged_nodes.push((id, at, tags));
        }
    }

    fn way(&mut self, w: &osmpbf::Way<'_>) {
        self.stats.ways += 1;
        let start = self.refs.len();
        self.refs.extend(w.refs());
        let len = self.refs.len() - start;
        // A file with node locations on ways may leave the nodes out: take them from the way.
        let locations: Vec<_> = w.node_locations().collect();
        if locations.len() == len {
            for (k, loc) in locations.iter().enumerate() {
                if let Some(at) = position(loc.nano_lon(), loc.nano_lat()) {
                    self.nodes.push((self.refs[start + k], at));
                }
            }
        }
        let keep = w.tags().any(|(k, _)| WAY_KEYS.contains(&k));
        let tags = keep.then(|| {
            w.tags()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        });
        self.ways.push(RawWay {
            id: w.id(),
            start,
            len,
            tags,
        });
    }

    fn relation(&mut self, r: &osmpbf::Relation<'_>) {
        self.stats.relations += 1;
        let tags: Tags = r
            .tags()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let admin = tag(&tags, "boundary") == Some("administrative")
            && matches!(tag(&tags, "type"), Some("boundary" | "multipolygon"));
        let facility = tag(&tags, "type") == Some("multipolygon") && facility_kind(&tags).is_some();
        if !(admin || facility) {
            return;
        }
        let members = r
            .members()
            .map(|m| {
                let kind = match m.member_type {
                    osmpbf::RelMemberType::Node => OsmType::Node,
                    osmpbf::RelMemberType::Way => OsmType::Way,
                    osmpbf::RelMemberType::Relation => OsmType::Relation,
                };
                (kind, m.member_id, m.role().unwrap_or("").to_string())
            })
            .collect();
        self.relations.push(RawRelation {
            id: r.id(),
            tags,
            members,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Building the layers.

/// OSM `highway` values that mark an area or a point rather than a way one travels along; the
/// GeoJSON reader's own list of classes that are not roads applies as well.
const OSM_NOT_WAYS: &[&str] = &[
    "rest_area",
    "services",
    "bus_stop",
    "emergency_bay",
    "turning_circle",
    "turning_loop",
    "mini_roundabout",
    "traffic_signals",
    "crossing",
    "stop",
    "give_way",
    "street_lamp",
    "milestone",
    "speed_camera",
    "motorway_junction",
    "passing_place",
    "emergency_access_point",
    "traffic_island",
];

/// Tags of a road way handed as they are to the GeoJSON reader's road conversion.
const ROAD_TAGS: &[&str] = &[
    "highway",
    "name",
    "name:zh",
    "oneway",
    "motorcar",
    "motor_vehicle",
    "vehicle",
    "access",
];

/// `amenity` values read as health facilities.
const HEALTH_AMENITIES: &[&str] = &[
    "hospital",
    "clinic",
    "doctors",
    "dentist",
    "pharmacy",
    "nursing_home",
];

/// `place` values that are settlements (people live at that point).
const SETTLEMENT_PLACES: &[&str] = &[
    "city",
    "town",
    "village",
    "hamlet",
    "isolated_dwelling",
    "farm",
    "allotments",
    "suburb",
    "borough",
    "quarter",
    "neighbourhood",
    "city_block",
    "plot",
    "municipality",
];

/// `building` values that are homes.
const RESIDENTIAL_BUILDINGS: &[&str] = &[
    "house",
    "residential",
    "apartments",
    "detached",
    "semidetached_house",
    "terrace",
    "bungalow",
    "dormitory",
    "farm",
    "cabin",
    "houseboat",
    "static_caravan",
];

/// Keys that mark a `building=yes` as used for something other than living.
const NON_RESIDENTIAL_KEYS: &[&str] = &[
    "amenity",
    "shop",
    "office",
    "craft",
    "industrial",
    "tourism",
    "leisure",
    "man_made",
    "healthcare",
    "public_transport",
    "railway",
    "aeroway",
    "power",
    "military",
    "emergency",
    "sport",
    "historic",
    "religion",
];

/// The facility kind of an element's tags, if it is a health facility.
fn facility_kind(tags: &[(String, String)]) -> Option<FacilityKind> {
    if let Some(h) = tag(tags, "healthcare").filter(|h| *h != "no") {
        return Some(
            super::properties::parse_facility_kind(h).unwrap_or(FacilityKind::OtherHealth),
        );
    }
    let amenity = tag(tags, "amenity")?;
    if HEALTH_AMENITIES.contains(&amenity) {
        super::properties::parse_facility_kind(amenity)
    } else {
        None
    }
}

/// An OSM population value: digits, optionally grouped in thousands by `,` `.` `'` or spaces.
fn parse_population(raw: &str) -> Option<f64> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '\'' | ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let grouped_with_dots = {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() > 1
            && (1..=3).contains(&parts[0].len())
            && parts[1..].iter().all(|p| p.len() == 3)
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    };
    let s = if grouped_with_dots {
        s.replace('.', "")
    } else {
        s
    };
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// `building:levels`: the first number, at least 1.
fn parse_levels(raw: &str) -> Option<f64> {
    let first = raw.split([';', ',', '-']).next()?.trim();
    let v: f64 = first.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v.clamp(1.0, 500.0))
}

/// Whether a building way's tags make it a home (the rule in the module docs).
fn is_residential(tags: &[(String, String)]) -> bool {
    let Some(building) = tag(tags, "building") else {
        return false;
    };
    let kind = tag(tags, "building:use").unwrap_or(building);
    if RESIDENTIAL_BUILDINGS.contains(&kind) {
        return true;
    }
    kind == "yes"
        && !tags
            .iter()
            .any(|(k, _)| NON_RESIDENTIAL_KEYS.contains(&k.as_str()))
}

/// WGS84 radii of curvature at `lat_deg`: (meridional, prime vertical), metres.
fn radii(lat_deg: f64) -> (f64, f64) {
    use crate::engine::crs::wgs84::{A_M as A, E2};
    let s = lat_deg.to_radians().sin();
    let w = 1.0 - E2 * s * s;
    (A * (1.0 - E2) / (w * w.sqrt()), A / w.sqrt())
}

/// Area (m²) and area centroid of a closed ring, in a local tangent plane at its first vertex.
/// `None` for a ring of zero area.
fn ring_area_centroid(ring: &[LonLat]) -> Option<(f64, LonLat)> {
    let origin = *ring.first()?;
    let (m, n) = radii(origin.lat);
    let kx = n * origin.lat.to_radians().cos() * std::f64::consts::PI / 180.0;
    let ky = m * std::f64::consts::PI / 180.0;
    let xy: Vec<(f64, f64)> = ring
        .iter()
        .map(|p| ((p.lon - origin.lon) * kx, (p.lat - origin.lat) * ky))
        .collect();
    let (mut a2, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in xy.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let cross = x0 * y1 - x1 * y0;
        a2 += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if !a2.is_finite() || a2.abs() <= 1e-9 || kx == 0.0 {
        return None;
    }
    let (cx, cy) = (cx / (3.0 * a2), cy / (3.0 * a2));
    Some((
        a2.abs() / 2.0,
        LonLat {
            lon: origin.lon + cx / kx,
            lat: origin.lat + cy / ky,
        },
    ))
}

fn mean_position(points: &[LonLat]) -> Option<LonLat> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some(LonLat {
        lon: points.iter().map(|p| p.lon).sum::<f64>() / n,
        lat: points.iter().map(|p| p.lat).sum::<f64>() / n,
    })
}

struct Builder<'a> {
    raw: &'a Raw,
    file_id: u32,
    elements: Vec<OsmRef>,
    way_index: HashMap<i64, usize>,
}

impl Builder<'_> {
    fn source(&mut self, kind: OsmType, id: i64) -> Source {
        self.elements.push(OsmRef { kind, id });
        Source {
            file: self.file_id,
            feature: (self.elements.len() - 1) as u32,
        }
    }

    fn node_at(&self, id: i64) -> Option<LonLat> {
        self.raw
            .nodes
            .binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .map(|k| self.raw.nodes[k].1)
    }

    fn refs(&self, way: &RawWay) -> &[i64] {
        &self.raw.refs[way.start..way.start + way.len]
    }

    /// A way's positions; `None` where a node is missing.
    fn positions(&self, way: &RawWay) -> Vec<Option<LonLat>> {
        self.refs(way).iter().map(|&id| self.node_at(id)).collect()
    }

    /// A closed way's ring, when every node is present.
    fn closed_ring(&self, way: &RawWay) -> Option<Vec<LonLat>> {
        let refs = self.refs(way);
        if refs.len() < 4 || refs.first() != refs.last() {
            return None;
        }
        self.positions(way).into_iter().collect()
    }
}

fn build(mut raw: Raw, options: &OsmOptions, file_id: u32) -> Result<OsmImport, OsmError> {
    // Nodes by id: PBF files are sorted, but do not rely on it; a duplicate keeps its last
    // position.
    if !raw.nodes.windows(2).all(|w| w[0].0 < w[1].0) {
        raw.nodes.sort_by_key(|(id, _)| *id);
        let mut dedup: Vec<(i64, LonLat)> = Vec::with_capacity(raw.nodes.len());
        for n in raw.nodes.drain(..) {
            match dedup.last_mut() {
                Some(last) if last.0 == n.0 => *last = n,
                _ => dedup.push(n),
            }
        }
        raw.nodes = dedup;
    }
    let mut b = Builder {
        raw: &raw,
        file_id,
        elements: Vec::new(),
        way_index: raw
            .ways
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id, i))
            .collect(),
    };
    let mut stats = raw.stats.clone();
    let mut layers = Layers::default();

    read_roads(&mut b, &mut layers, &mut stats);
    if layers.roads.is_empty() {
        return Err(OsmError::NoRoads);
    }
    read_facilities(&mut b, &mut layers);
    let (places, bad_places) = read_places(&mut b, &mut stats);
    layers.skipped.extend(bad_places);
    read_admin(&mut b, &mut layers, &mut stats, &places);
    let buildings = read_buildings(&mut b, options, &mut stats);

    let mut warnings = Vec::new();
    let has_places = places.iter().any(|p| p.settlement);
    let use_places = match options.population {
        PopulationChoice::Auto => has_places,
        PopulationChoice::PlaceNodes => true,
        PopulationChoice::Buildings => false,
    };
    let population_source = if use_places && has_places {
        layers
            .settlements
            .extend(places.iter().filter(|p| p.settlement).map(|p| Settlement {
                source: p.source,
                name: p.name.clone(),
                population: p.population,
                at: p.at,
                admin_code: None,
            }));
        if stats.place_nodes_without_population > 0 {
            warnings.push(OsmWarning::PartialPlacePopulation {
                with_population: stats.place_nodes_with_population,
                without_population: stats.place_nodes_without_population,
            });
        }
        PopulationSource::PlaceNodes
    } else if !use_places && !buildings.is_empty() {
        let estimate = estimate_residents(&buildings, &layers.admin, options.floor_m2_per_person);
        layers.settlements = estimate.settlements;
        layers.notes.extend(estimate.notes);
        warnings.push(OsmWarning::PopulationEstimated {
            buildings: buildings.len(),
            floor_m2_per_person: options.floor_m2_per_person,
            units_spread: estimate.units_spread,
        });
        stats.population_estimated = true;
        PopulationSource::BuildingEstimate
    } else {
        warnings.push(OsmWarning::NoPopulation);
        PopulationSource::None
    };
    if layers.facilities.is_empty() {
        warnings.push(OsmWarning::NoFacility);
    } else if !layers.facilities.iter().any(|f| f.primary_care) {
        warnings.push(OsmWarning::NoServicePoint {
            facilities: layers.facilities.len(),
        });
    }
    layers.notes.extend(
        warnings
            .iter()
            .map(|w| format!("OpenStreetMap extract: {w}")),
    );
    let elements = std::mem::take(&mut b.elements);
    Ok(OsmImport {
        layers,
        stats,
        population_source,
        elements,
        buildings,
        warnings,
    })
}

/// Runs of consecutive present, distinct positions with at least two positions each.
fn present_runs(positions: &[Option<LonLat>]) -> Vec<Vec<LonLat>> {
    let mut lines = Vec::new();
    let mut current: Vec<LonLat> = Vec::new();
    for p in positions {
        match p {
            Some(p) => {
                if current.last() != Some(p) {
                    current.push(*p);
                }
            }
            None => {
                if current.len() >= 2 {
                    lines.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        lines.push(current);
    }
    lines
}

fn read_roads(b: &mut Builder<'_>, layers: &mut Layers, stats: &mut OsmStats) {
    let raw = b.raw;
    for way in &raw.ways {
        let Some(tags) = &way.tags else { continue };
        let Some(highway) = tag(tags, "highway") else {
            continue;
        };
        stats.highway_ways += 1;
        let source = b.source(OsmType::Way, way.id);
        let class = highway.to_ascii_lowercase();
        if OSM_NOT_WAYS.contains(&class.as_str()) {
            layers.skipped.push(Skipped {
                source,
                reason: SkipReason::NotARoad { class },
            });
            continue;
        }
        let positions = b.positions(way);
        stats.missing_node_refs += positions.iter().filter(|p| p.is_none()).count();
        let lines = present_runs(&positions);
        if lines.is_empty() {
            layers.skipped.push(Skipped {
                source,
                reason: SkipReason::Degenerate {
                    detail: format!(
                        "way {}: fewer than two distinct positions among the {} of its {} nodes in the extract",
                        way.id,
                        positions.iter().filter(|p| p.is_some()).count(),
                        positions.len()
                    ),
                },
            });
            continue;
        }
        let mut props = serde_json::Map::new();
        for key in ROAD_TAGS {
            if let Some(v) = tag(tags, key) {
                props.insert(key.to_string(), serde_json::Value::String(v.to_string()));
            }
        }
        let implied_oneway =
            matches!(tag(tags, "junction"), Some("roundabout" | "circular")) || class == "motorway";
        if implied_oneway && !props.contains_key("oneway") {
            props.insert("oneway".into(), serde_json::Value::String("yes".into()));
        }
        // A list of speeds ("90;30") counts by its first.
        if let Some(first) = tag(tags, "maxspeed").and_then(|v| v.split(';').next()) {
            props.insert(
                "maxspeed".into(),
                serde_json::Value::String(first.trim().to_string()),
            );
        }
        // Access (OSM's hierarchy) and walk-only classes: the one policy of every reader.
        if let Err(reason) = super::properties::push_road(&props, lines, source, layers) {
            layers.skipped.push(Skipped { source, reason });
        }
    }
}

fn read_facilities(b: &mut Builder<'_>, layers: &mut Layers) {
    let raw = b.raw;
    let mut push = |b: &mut Builder<'_>, kind: OsmType, id: i64, tags: &Tags, at: LonLat| {
        let Some(facility) = facility_kind(tags) else {
            return;
        };
        let source = b.source(kind, id);
        layers.facilities.push(Facility {
            source,
            name: tag(tags, "name").map(str::to_string),
            kind: facility,
            primary_care: facility.is_medical_service_point(),
            at,
            grade: None,
            ownership: None,
            lead: false,
            centers: Vec::new(),
            admin_code: None,
        });
    };
    for (id, at, tags) in &raw.tagged_nodes {
        push(b, OsmType::Node, *id, tags, *at);
    }
    for way in &raw.ways {
        let Some(tags) = &way.tags else { continue };
        if facility_kind(tags).is_none() {
            continue;
        }
        let at = match b.closed_ring(way) {
            Some(ring) => ring_area_centroid(&ring).map(|(_, c)| c),
            None => None,
        }
        .or_else(|| {
            let present: Vec<LonLat> = b.positions(way).into_iter().flatten().collect();
            mean_position(&present)
        });
        if let Some(at) = at {
            push(b, OsmType::Way, way.id, tags, at);
        }
    }
    for rel in &raw.relations {
        if tag(&rel.tags, "type") != Some("multipolygon") || facility_kind(&rel.tags).is_none() {
            continue;
        }
        let at = match assemble(b, rel) {
            Ok(polygons) => polygons
                .iter()
                .filter_map(|p| ring_area_centroid(&p[0]))
                .max_by(|x, y| x.0.total_cmp(&y.0))
                .map(|(_, c)| c),
            Err(_) => None,
        }
        .or_else(|| {
            let present: Vec<LonLat> = rel
                .members
                .iter()
                .filter(|(k, _, _)| *k == OsmType::Way)
                .filter_map(|(_, id, _)| b.way_index.get(id))
                .flat_map(|&w| b.positions(&raw.ways[w]))
                .flatten()
                .collect();
            mean_position(&present)
        });
        if let Some(at) = at {
            push(b, OsmType::Relation, rel.id, &rel.tags, at);
        }
    }
}

/// A place node with a population.
struct Place {
    source: Source,
    id: i64,
    name: Option<String>,
    population: f64,
    at: LonLat,
    /// A settlement kind (city … hamlet), not an area such as a country.
    settlement: bool,
}

fn read_places(b: &mut Builder<'_>, stats: &mut OsmStats) -> (Vec<Place>, Vec<Skipped>) {
    let raw = b.raw;
    let mut places = Vec::new();
    let mut skipped = Vec::new();
    for (id, at, tags) in &raw.tagged_nodes {
        let Some(place) = tag(tags, "place") else {
            continue;
        };
        let settlement = SETTLEMENT_PLACES.contains(&place);
        match tag(tags, "population") {
            None => {
                if settlement {
                    stats.place_nodes_without_population += 1;
                }
            }
            Some(value) => match parse_population(value) {
                Some(population) => {
                    if settlement {
                        stats.place_nodes_with_population += 1;
                    }
                    places.push(Place {
                        source: b.source(OsmType::Node, *id),
                        id: *id,
                        name: tag(tags, "name").map(str::to_string),
                        population,
                        at: *at,
                        settlement,
                    });
                }
                None => skipped.push(Skipped {
                    source: b.source(OsmType::Node, *id),
                    reason: SkipReason::BadPopulation {
                        value: value.to_string(),
                    },
                }),
            },
        }
    }
    (places, skipped)
}

/// Roles of a boundary's member ways: outer rings, inner rings.
fn ring_role(role: &str) -> Option<bool> {
    match role {
        "outer" | "" | "exclave" => Some(true),
        "inner" | "enclave" => Some(false),
        _ => None,
    }
}

/// Joins ways (node-id sequences) into closed rings. `Err` names the node where a ring stops.
fn join_rings(ways: Vec<Vec<i64>>) -> Result<Vec<Vec<i64>>, String> {
    let mut ends: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, w) in ways.iter().enumerate() {
        if let (Some(&a), Some(&z)) = (w.first(), w.last()) {
            ends.entry(a).or_default().push(i);
            ends.entry(z).or_default().push(i);
        }
    }
    let mut used = vec![false; ways.len()];
    let mut rings = Vec::new();
    for start in 0..ways.len() {
        if used[start] || ways[start].len() < 2 {
            continue;
        }
        used[start] = true;
        let mut ring = ways[start].clone();
        while ring.first() != ring.last() {
            let end = *ring.last().unwrap_or(&0);
            let next = ends
                .get(&end)
                .and_then(|c| c.iter().copied().find(|&i| !used[i]));
            let Some(next) = next else {
                return Err(format!("a ring does not close: it stops at node {end}"));
            };
            used[next] = true;
            let w = &ways[next];
            if w.first() == Some(&end) {
                ring.extend_from_slice(&w[1..]);
            } else {
                ring.extend(w.iter().rev().skip(1));
            }
        }
        if ring.len() >= 4 {
            rings.push(ring);
        }
    }
    Ok(rings)
}

/// Whether an outer ring holds `p` (inside or on its boundary), by `geo`'s test.
fn outer_contains(ring: &[LonLat], p: LonLat) -> bool {
    use geo::Intersects;
    let ring = geo::LineString::from(ring.iter().map(|q| (q.lon, q.lat)).collect::<Vec<_>>());
    geo::Polygon::new(ring, Vec::new()).intersects(&geo::Point::new(p.lon, p.lat))
}

/// The polygons of a relation from its outer and inner member ways, when all are in the
/// extract and close into rings; otherwise why not.
fn assemble(b: &Builder<'_>, rel: &RawRelation) -> Result<Vec<Rings>, String> {
    let raw = b.raw;
    let mut outer_ways = Vec::new();
    let mut inner_ways = Vec::new();
    let mut missing = 0usize;
    let mut total = 0usize;
    for (kind, id, role) in &rel.members {
        let Some(is_outer) = ring_role(role).filter(|_| *kind == OsmType::Way) else {
            continue;
        };
        total += 1;
        match b.way_index.get(id) {
            Some(&w) => {
                let refs = b.refs(&raw.ways[w]).to_vec();
                if is_outer {
                    outer_ways.push(refs);
                } else {
                    inner_ways.push(refs);
                }
            }
            None => missing += 1,
        }
    }
    if total == 0 {
        return Err("it has no outer member way".to_string());
    }
    if missing > 0 {
        return Err(format!(
            "{missing} of its {total} member ways are not in the extract"
        ));
    }
    let to_positions = |ring: Vec<i64>| -> Result<Vec<LonLat>, String> {
        ring.iter()
            .map(|&id| {
                b.node_at(id)
                    .ok_or_else(|| format!("node {id} of a member way is not in the extract"))
            })
            .collect()
    };
    let outers = join_rings(outer_ways)?
        .into_iter()
        .map(to_positions)
        .collect::<Result<Vec<_>, _>>()?;
    let inners = join_rings(inner_ways)?
        .into_iter()
        .map(to_positions)
        .collect::<Result<Vec<_>, _>>()?;
    if outers.is_empty() {
        return Err("its outer ways form no ring".to_string());
    }
    let areas: Vec<f64> = outers
        .iter()
        .map(|r| ring_area_centroid(r).map_or(0.0, |(a, _)| a))
        .collect();
    let mut polygons: Vec<Rings> = outers.into_iter().map(|r| vec![r]).collect();
    for inner in inners {
        let probe = inner[0];
        let host = (0..polygons.len())
            .filter(|&k| outer_contains(&polygons[k][0], probe))
            .min_by(|&x, &y| areas[x].total_cmp(&areas[y]));
        if let Some(k) = host {
            polygons[k].push(inner);
        }
    }
    Ok(polygons)
}

fn read_admin(b: &mut Builder<'_>, layers: &mut Layers, stats: &mut OsmStats, places: &[Place]) {
    use geo::{Area, BoundingRect, Contains};
    let raw = b.raw;
    let first_admin = layers.admin.len();
    for rel in &raw.relations {
        let admin = tag(&rel.tags, "boundary") == Some("administrative")
            && matches!(tag(&rel.tags, "type"), Some("boundary" | "multipolygon"));
        if !admin {
            continue;
        }
        stats.admin_relations += 1;
        let name = tag(&rel.tags, "name").map(str::to_string);
        let polygons = match assemble(b, rel) {
            Ok(p) => p,
            Err(why) => {
                layers.notes.push(format!(
                    "boundary relation {} ({}, admin_level {}) is incomplete in this extract and is left out: {why}",
                    rel.id,
                    name.as_deref().unwrap_or("no name"),
                    tag(&rel.tags, "admin_level").unwrap_or("?")
                ));
                continue;
            }
        };
        stats.admin_complete += 1;
        let own = tag(&rel.tags, "population").and_then(parse_population);
        let label = || {
            rel.members
                .iter()
                .filter(|(k, _, role)| *k == OsmType::Node && role == "label")
                .find_map(|(_, id, _)| places.iter().find(|p| p.id == *id))
                .map(|p| p.population)
        };
        let source = b.source(OsmType::Relation, rel.id);
        layers.admin.push(AdminUnit {
            source,
            name,
            code: None,
            level: None,
            population: own.or_else(label),
            county_town: false,
            flags: Vec::new(),
            merged_into: None,
            polygons,
        });
    }
    // A unit without a population of its own takes that of the one place node of the same name
    // inside it; each place node gives its population to the smallest such unit only.
    let shapes: Vec<_> = layers.admin[first_admin..]
        .iter()
        .map(|u| {
            let mp = crate::engine::model::to_geo(&u.polygons);
            let area = mp.unsigned_area();
            (mp.bounding_rect(), mp, area)
        })
        .collect();
    for place in places {
        let Some(name) = &place.name else { continue };
        let p = geo::Point::new(place.at.lon, place.at.lat);
        let host = (0..shapes.len())
            .filter(|&k| {
                let u = &layers.admin[first_admin + k];
                u.population.is_none()
                    && u.name.as_deref() == Some(name.as_str())
                    && shapes[k].0.is_some_and(|bb| bb.contains(&p))
                    && shapes[k].1.contains(&p)
            })
            .min_by(|&x, &y| shapes[x].2.total_cmp(&shapes[y].2));
        if let Some(k) = host {
            let unit = &mut layers.admin[first_admin + k];
            unit.population = Some(place.population);
            layers.notes.push(format!(
                "admin unit {name} takes the population {} of place node {} of the same name",
                place.population, place.id
            ));
        }
    }
}

fn read_buildings(
    b: &mut Builder<'_>,
    options: &OsmOptions,
    stats: &mut OsmStats,
) -> Vec<ResidentialBuilding> {
    let raw = b.raw;
    let mut buildings = Vec::new();
    for way in &raw.ways {
        let Some(tags) = &way.tags else { continue };
        if tag(tags, "building").is_none() {
            continue;
        }
        stats.building_ways += 1;
        if !is_residential(tags) {
            continue;
        }
        let Some((footprint_m2, at)) = b.closed_ring(way).and_then(|r| ring_area_centroid(&r))
        else {
            continue;
        };
        if footprint_m2 < options.min_footprint_m2 {
            continue;
        }
        let tagged_levels = tag(tags, "building:levels").and_then(parse_levels);
        if tagged_levels.is_some() {
            stats.buildings_with_levels += 1;
        }
        buildings.push(ResidentialBuilding {
            source: b.source(OsmType::Way, way.id),
            way_id: way.id,
            name: tag(tags, "name").map(str::to_string),
            at,
            footprint_m2,
            levels: tagged_levels.unwrap_or(options.default_levels),
        });
    }
    stats.residential_buildings = buildings.len();
    buildings
}

/// Residents estimated from buildings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ResidentEstimate {
    /// One settlement per building, at its centroid, named "… (estimate)".
    pub settlements: Vec<Settlement>,
    /// Admin units whose own population was spread over their buildings.
    pub units_spread: usize,
    /// Remarks (a unit's population with no building to place it on, …).
    pub notes: Vec<String>,
}

/// Estimates residents from residential buildings.
///
/// A building in no admin unit with a population houses floor area ÷ `floor_m2_per_person`
/// residents. Each admin unit with a population spreads it over the buildings it contains (a
/// building belongs to the smallest such unit containing its centroid) in proportion to their
/// floor area; a unit nested in a larger populated unit is taken out of the larger one first
/// (the larger unit spreads its population minus the nested units'). A non-positive or
/// non-finite `floor_m2_per_person` is replaced by [`DEFAULT_FLOOR_M2_PER_PERSON`].
///
/// # Examples
/// ```
/// use medreach::engine::model::Source;
/// use medreach::engine::io::osm::{estimate_residents, ResidentialBuilding};
/// use medreach::engine::crs::LonLat;
/// let house = ResidentialBuilding {
///     source: Source { file: 0, feature: 0 },
///     way_id: 7,
///     name: None,
///     at: LonLat { lon: 9.5, lat: 47.1 },
///     footprint_m2: 120.0,
///     levels: 2.0,
/// };
/// let estimate = estimate_residents(&[house], &[], 40.0);
/// assert_eq!(estimate.settlements[0].population, 6.0);
/// assert_eq!(estimate.settlements[0].name.as_deref(), Some("building 7 (estimate)"));
/// ```
pub fn estimate_residents(
    buildings: &[ResidentialBuilding],
    admin: &[AdminUnit],
    floor_m2_per_person: f64,
) -> ResidentEstimate {
    use geo::{Area, BoundingRect, Contains, InteriorPoint};
    let per_person = if floor_m2_per_person.is_finite() && floor_m2_per_person > 0.0 {
        floor_m2_per_person
    } else {
        DEFAULT_FLOOR_M2_PER_PERSON
    };
    struct Unit {
        index: usize,
        population: f64,
        shape: geo::MultiPolygon<f64>,
        bbox: Option<geo::Rect<f64>>,
        area: f64,
    }
    let units: Vec<Unit> = admin
        .iter()
        .enumerate()
        .filter_map(|(index, u)| {
            let population = u.population.filter(|p| p.is_finite() && *p >= 0.0)?;
            let shape = crate::engine::model::to_geo(&u.polygons);
            Some(Unit {
                index,
                population,
                bbox: shape.bounding_rect(),
                area: shape.unsigned_area(),
                shape,
            })
        })
        .collect();
    // The smallest populated unit containing a point, other than `except`, larger than `above`.
    let smallest = |p: geo::Point<f64>, except: Option<usize>, above: f64| -> Option<usize> {
        (0..units.len())
            .filter(|&k| Some(k) != except && units[k].area > above)
            .filter(|&k| {
                units[k].bbox.is_some_and(|bb| bb.contains(&p)) && units[k].shape.contains(&p)
            })
            .min_by(|&x, &y| units[x].area.total_cmp(&units[y].area))
    };
    let owner: Vec<Option<usize>> = buildings
        .iter()
        .map(|b| smallest(geo::Point::new(b.at.lon, b.at.lat), None, -1.0))
        .collect();
    let mut own: Vec<f64> = units.iter().map(|u| u.population).collect();
    for (k, u) in units.iter().enumerate() {
        let parent = u
            .shape
            .interior_point()
            .and_then(|p| smallest(p, Some(k), u.area));
        if let Some(parent) = parent {
            own[parent] -= u.population;
        }
    }
    let mut floor = vec![0.0; units.len()];
    for (b, o) in buildings.iter().zip(&owner) {
        if let Some(k) = o {
            floor[*k] += b.floor_m2();
        }
    }
    let mut notes = Vec::new();
    let unit_name = |k: usize| {
        admin[units[k].index]
            .name
            .clone()
            .unwrap_or_else(|| format!("#{}", units[k].index))
    };
    for k in 0..units.len() {
        if own[k] < 0.0 {
            notes.push(format!(
                "admin unit {}: the populations of the units inside it add up to more than its own {}; none is left for its other buildings",
                unit_name(k),
                units[k].population
            ));
            own[k] = 0.0;
        } else if own[k] > 0.0 && floor[k] <= 0.0 {
            notes.push(format!(
                "admin unit {}: no residential building inside to place its population {} on; it is not counted",
                unit_name(k),
                own[k]
            ));
        }
    }
    let units_spread = floor.iter().filter(|f| **f > 0.0).count();
    let settlements = buildings
        .iter()
        .zip(&owner)
        .map(|(b, o)| {
            let population = match o {
                Some(k) => own[*k] * b.floor_m2() / floor[*k],
                None => b.floor_m2() / per_person,
            };
            let name = match &b.name {
                Some(n) => format!("{n} (estimate)"),
                None => format!("building {} (estimate)", b.way_id),
            };
            Settlement {
                source: b.source,
                name: Some(name),
                population,
                at: b.at,
                admin_code: None,
            }
        })
        .collect();
    ResidentEstimate {
        settlements,
        units_spread,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The access policy of every reader, asked with an OSM way's tags.
    fn closed_to_cars(tags: &[(String, String)]) -> bool {
        super::super::properties::closed_to_motor_vehicles(|k| tag(tags, k).map(str::to_string))
    }

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn population_values() {
        assert_eq!(parse_population("4539"), Some(4539.0));
        assert_eq!(parse_population("24,678"), Some(24678.0));
        assert_eq!(parse_population("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_population("12 345"), Some(12345.0));
        assert_eq!(parse_population("83888.5"), Some(83888.5));
        assert_eq!(parse_population("-5"), None);
        assert_eq!(parse_population("about 500"), None);
        assert_eq!(parse_levels("3"), Some(3.0));
        assert_eq!(parse_levels("2;3"), Some(2.0));
        assert_eq!(parse_levels("0"), Some(1.0));
        assert_eq!(parse_levels("many"), None);
    }

    #[test]
    fn residential_rule() {
        assert!(is_residential(&tags(&[("building", "house")])));
        assert!(is_residential(&tags(&[("building", "yes")])));
        assert!(!is_residential(&tags(&[
            ("building", "yes"),
            ("shop", "bakery")
        ])));
        assert!(!is_residential(&tags(&[("building", "garage")])));
        assert!(is_residential(&tags(&[
            ("building", "commercial"),
            ("building:use", "residential")
        ])));
        assert!(!is_residential(&tags(&[("highway", "residential")])));
    }

    #[test]
    fn car_access_follows_the_hierarchy() {
        assert!(closed_to_cars(&tags(&[("motor_vehicle", "no")])));
        assert!(!closed_to_cars(&tags(&[
            ("motor_vehicle", "no"),
            ("motorcar", "yes")
        ])));
        assert!(closed_to_cars(&tags(&[
            ("access", "yes"),
            ("motorcar", "no")
        ])));
        assert!(!closed_to_cars(&tags(&[
            ("access", "no"),
            ("motor_vehicle", "destination")
        ])));
        assert!(!closed_to_cars(&tags(&[("access", "private")])));
        assert!(closed_to_cars(&tags(&[("vehicle", "no")])));
    }

    #[test]
    fn health_tags() {
        let k = |pairs: &[(&str, &str)]| facility_kind(&tags(pairs));
        assert_eq!(k(&[("amenity", "hospital")]), Some(FacilityKind::Hospital));
        assert_eq!(
            k(&[("amenity", "doctors"), ("healthcare", "doctor")]),
            Some(FacilityKind::Doctors)
        );
        assert_eq!(
            k(&[("healthcare", "midwife")]),
            Some(FacilityKind::OtherHealth)
        );
        assert_eq!(k(&[("amenity", "veterinary")]), None);
        assert_eq!(k(&[("amenity", "school")]), None);
        assert_eq!(k(&[("amenity", "pharmacy")]), Some(FacilityKind::Pharmacy));
    }

    #[test]
    fn footprint_area_and_centroid() {
        // A 20 m × 10 m rectangle at 47° N: 200 m², centred on its middle.
        let (m, n) = radii(47.0);
        let dlat = 10.0 / m * 180.0 / std::f64::consts::PI;
        let dlon = 20.0 / (n * 47f64.to_radians().cos()) * 180.0 / std::f64::consts::PI;
        let ring: Vec<LonLat> = [
            (0.0, 0.0),
            (dlon, 0.0),
            (dlon, dlat),
            (0.0, dlat),
            (0.0, 0.0),
        ]
        .iter()
        .map(|&(x, y)| LonLat {
            lon: 9.5 + x,
            lat: 47.0 + y,
        })
        .collect();
        let (area, c) = ring_area_centroid(&ring).unwrap();
        assert!((area - 200.0).abs() < 0.01, "{area}");
        assert!(
            (c.lon - (9.5 + dlon / 2.0)).abs() < 1e-12
                && (c.lat - (47.0 + dlat / 2.0)).abs() < 1e-9
        );
        assert_eq!(ring_area_centroid(&ring[..2]), None);
    }

    #[test]
    fn rings_join_in_either_direction() {
        let rings = join_rings(vec![vec![1, 2, 3], vec![5, 4, 3], vec![5, 6, 1]]).unwrap();
        assert_eq!(rings, vec![vec![1, 2, 3, 4, 5, 6, 1]]);
        let open = join_rings(vec![vec![1, 2, 3], vec![3, 4]]).unwrap_err();
        assert!(open.contains("node 4"), "{open}");
    }

    #[test]
    fn framing() {
        assert_eq!(frame(&[]), Err(OsmError::Empty));
        assert!(matches!(frame(&[0, 0, 0]), Err(OsmError::Truncated { .. })));
        assert!(matches!(
            frame(&[0xff, 0, 0, 0, 1]),
            Err(OsmError::NotPbf { .. })
        ));
        // A header blob of type "OSMData" first is not a PBF file.
        let header = [0x0a, 7, b'O', b'S', b'M', b'D', b'a', b't', b'a', 0x18, 0];
        let mut bytes = vec![0, 0, 0, header.len() as u8];
        bytes.extend_from_slice(&header);
        assert!(matches!(frame(&bytes), Err(OsmError::NotPbf { .. })));
        assert_eq!(blob_header(&header), Some(("OSMData".to_string(), 0)));
        assert_eq!(blob_header(&[0x0a, 50, b'x']), None);
    }
}
