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
//!
//! The steps, one file each; a file imports only files listed before it: `tags` (what tags
//! mean), `pbf` (the blob framing, then one guarded decoding pass), `index` (nodes and ways by
//! id, and the elements features come from), `rings` (closed ways measured, multipolygons
//! assembled with their holes), `estimate` (residents from buildings, [`estimate_residents`])
//! and `elements` (the layers, the population source and the warnings).

mod elements;
mod estimate;
mod index;
mod pbf;
mod rings;
mod tags;

pub use estimate::{estimate_residents, ResidentEstimate};

use crate::engine::crs::LonLat;
use crate::engine::model::{Layers, Source};
use serde::{Deserialize, Serialize};

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
    let blobs = pbf::frame(bytes)?;
    let raw = pbf::decode_guarded(bytes, &blobs)?;
    let mut import = elements::build(raw, options, file_id)?;
    import.layers.facts = crate::engine::model::FileFacts {
        format: "OpenStreetMap PBF".into(),
        crs: "WGS 84 (longitude/latitude)".into(),
        encoding: "UTF-8".into(),
    };
    Ok(import)
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
