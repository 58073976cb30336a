//! A generated demo county for the policy rules: 青岚县, a fictional border county in the
//! mountains of western Guangxi, made by code so that it looks like a real county and so that
//! every rule of `RULES.md` both fires and passes somewhere in it.
//!
//! [`generate`] returns the four GeoJSON layers (admin units, roads, facilities, settlements)
//! as text in the property vocabulary of `docs/VOCABULARY.md` (Chinese keys and values), the
//! [`RuleCase`]s that say where each rule fires and where it passes (by place name), and a
//! README. The committed demo in `demo/county/` is `generate(SEED)`; `tests/engine/demo_county.rs`
//! checks that it still is.
//!
//! How it is made:
//! - Units: the county is a union of cells of one jittered hexagonal lattice (cells 0.65 km
//!   across). Townships are noisy Voronoi regions of their seats around a county town of three
//!   sub-districts; villages and communities are noisy Voronoi regions inside their township or
//!   sub-district; every partition is repaired until each unit is connected and has no hole.
//!   Rings are traced along lattice edges, so neighbours share exact vertices, rings are simple
//!   (three cells meet at every lattice vertex, so no ring can touch itself) and outer rings run
//!   counter-clockwise.
//! - Roads: a national road through the county town, provincial and county roads between
//!   township seats, an expressway with one interchange, township roads to every village
//!   committee and village roads to every settlement (footpaths in some mountain villages).
//!   Roads that cross share a vertex there (a junction), except the expressway and its ramps.
//! - Lengths are kilometres on a local plane; the output is WGS84 degrees rounded to 1e-6°
//!   (about 0.1 m). The arithmetic is plain IEEE (its own PRNG and its own sine, no platform
//!   maths library), so the text is byte-identical on every platform.
//!
//! Everything in it is invented: names, the code 451099 (not a real county), populations and
//! facilities.

//!
//! The steps, in the order [`generate`] takes them, one file each:
//! 1. `lattice.rs`: the hexagonal lattice every unit is made of, on the plane of `plane.rs`
//!    with the random streams of `random.rs`.
//! 2. `units.rs`: the county's outline, its towns, townships and sub-districts, their villages
//!    and communities: noisy Voronoi partitions (`voronoi.rs`) of the plan in `plan.rs`, named
//!    by `names.rs`.
//! 3. `special_areas.rs`: special-area flags and the villages that carry a rule's case. Just
//!    before it, `roads.rs` lays the expressway's line, which committees and settlements keep
//!    clear of.
//! 4. `settlements.rs`: village committees, then settlements (and, once the roads exist, the
//!    remote hamlets far from all of them).
//! 5. `roads.rs`: every road, from the expressway down to village footpaths.
//! 6. `facilities.rs`: hospitals, health centers, clinics, old people's homes and the rest.
//! 7. `junctions.rs`: roads that cross share a vertex.
//! 8. Output: `geojson.rs` (the four layers), `cases.rs` (the rule cases and landmarks) and
//!    `readme.rs`.
//!
//! Every step is an `impl` block of the one `Builder` (`builder.rs`), which holds the county
//! under construction.

mod builder;
mod cases;
mod facilities;
mod geojson;
mod junctions;
mod lattice;
mod names;
mod plan;
mod plane;
mod random;
mod readme;
mod roads;
mod settlements;
mod special_areas;
mod units;
mod voronoi;

use builder::Builder;
use junctions::insert_junctions;

/// The seed of the committed demo in `demo/county/`.
pub const SEED: u64 = 2025;

/// The names of the four GeoJSON files, in the order of [`DemoCounty::files`].
pub const FILE_NAMES: [&str; 4] = [
    "admin.geojson",
    "roads.geojson",
    "facilities.geojson",
    "settlements.geojson",
];

/// A generated county: four GeoJSON FeatureCollections as text, where each rule fires and
/// passes, and the README that says so.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoCounty {
    /// Admin units: the county, its towns, townships and sub-districts, then its villages and
    /// communities (Polygons with `名称`, `级别`, `区划代码`, `人口` and the special-area flags).
    pub admin: String,
    /// Roads (LineStrings with OSM `highway`, `name`, some `oneway` and `maxspeed`).
    pub roads: String,
    /// Facilities (Points with `名称`, `类型`, `所属区划代码` and, for hospitals, `等级`,
    /// `所有制`, `牵头医院`, `中心`).
    pub facilities: String,
    /// Settlements (Points with `名称`, `人口`, `所属区划代码`).
    pub settlements: String,
    /// For each rule of `RULES.md`, in catalog order, where it fires and where it passes.
    pub cases: Vec<RuleCase>,
    /// Names of the places the travel-time cases rely on.
    pub landmarks: Landmarks,
    /// `demo/county/README.md`: what the county holds, the rule table, how it is made.
    pub readme: String,
}

/// Where one rule fires and where it passes in the generated county.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleCase {
    /// The rule id of `RULES.md`, e.g. `village.clinic`.
    pub rule: &'static str,
    /// Where it fires (place names and why), in Chinese place names with English notes.
    pub fires: String,
    /// Where it passes.
    pub passes: String,
}

/// Names of the places whose travel times make a rule fire or pass; `tests/engine/demo_county.rs`
/// measures them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Landmarks {
    /// The lead hospital of the county medical community (县人民医院).
    pub lead_hospital: String,
    /// Settlements more than a kilometre from any road, in a mountain border village that has
    /// no medical service point: beyond 15 minutes even by car.
    pub remote_hamlets: Vec<String>,
    /// The small village without a clinic that shares its neighbour's clinic.
    pub small_village: String,
    /// The settlements of that small village.
    pub small_village_settlements: Vec<String>,
    /// The neighbour's clinic it shares (within 15 minutes on foot).
    pub shared_clinic: String,
    /// The community beyond 15 minutes on foot from its community health service center, with
    /// no station.
    pub far_community: String,
    /// The settlements of that community.
    pub far_community_settlements: Vec<String>,
    /// Its sub-district's community health service center.
    pub far_community_center: String,
    /// Every township health center (general, central, and the unmarked one of a dissolved
    /// township), for the referral times to the lead hospital.
    pub township_centers: Vec<String>,
    /// The township health center nearest to the lead hospital by design.
    pub near_center: String,
    /// The township health center farthest from the lead hospital by design.
    pub far_center: String,
    /// The settlements of every sub-district (the county town), all within 15 minutes by car.
    pub county_town_settlements: Vec<String>,
}

impl DemoCounty {
    /// The four layers as `(file name, text)`, in the order of [`FILE_NAMES`].
    pub fn files(&self) -> [(&'static str, &str); 4] {
        [
            (FILE_NAMES[0], self.admin.as_str()),
            (FILE_NAMES[1], self.roads.as_str()),
            (FILE_NAMES[2], self.facilities.as_str()),
            (FILE_NAMES[3], self.settlements.as_str()),
        ]
    }

    /// Writes the four GeoJSON files and `README.md` into `dir` (created when missing).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn write_to(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, text) in self.files() {
            std::fs::write(dir.join(name), text)?;
        }
        std::fs::write(dir.join("README.md"), &self.readme)
    }
}

/// Generates the county of `seed`. The same seed gives the same text; [`SEED`] is the
/// committed demo. Which unit breaks which rule is fixed by the code; the seed moves the
/// boundaries, roads and settlements and picks the village and settlement names.
///
/// # Examples
/// ```
/// let county = medreach::devtools::demo_county::generate(medreach::devtools::demo_county::SEED);
/// let mut data = medreach::engine::dataset::Dataset::default();
/// for (name, text) in county.files() {
///     assert!(data.load(name, text).unwrap().layers.skipped.is_empty());
/// }
/// assert_eq!(county.cases.len(), 14);
/// ```
pub fn generate(seed: u64) -> DemoCounty {
    let mut b = Builder::new(seed);
    b.partition();
    b.lay_motorway();
    b.mark_special_areas();
    b.choose_centres();
    b.settle();
    b.build_roads();
    b.place_remote_hamlets();
    b.place_facilities();
    insert_junctions(&mut b.roads);
    b.sum_populations();
    let cases = b.cases();
    DemoCounty {
        admin: b.admin_text(),
        roads: b.roads_text(),
        facilities: b.facilities_text(),
        settlements: b.settlements_text(),
        landmarks: b.landmarks(),
        readme: b.readme(&cases),
        cases,
    }
}
