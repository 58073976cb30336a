//! The data model: what a planner loads (roads, facilities, settlements, admin units), as plain
//! data in WGS84 degrees, each feature remembering the file and position it came from.

use crate::projection::LonLat;
use serde::{Deserialize, Serialize};

/// Where a feature came from: the loaded file and its position in that file's `features`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Index into [`Dataset::files`].
    pub file: u32,
    /// Zero-based position of the feature in the file's `features` array.
    pub feature: u32,
}

/// How a road's direction applies to motor vehicles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Oneway {
    /// Both directions.
    No,
    /// Only along the line's vertex order.
    Forward,
    /// Only against the line's vertex order.
    Backward,
}

/// A road: one feature, one or more lines (a MultiLineString has several).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Road {
    /// Where it came from.
    pub source: Source,
    /// Road name, if any.
    pub name: Option<String>,
    /// OSM `highway` class (lower case), or the class a Chinese road grade maps to.
    pub class: String,
    /// Direction for motor vehicles.
    pub oneway: Oneway,
    /// False when closed to motor vehicles (then it is walked in drive mode).
    pub drivable: bool,
    /// The road's own motor-vehicle speed in km/h (`maxspeed_kmh`, `maxspeed`, `speed_kmh`).
    pub speed_kmh: Option<f64>,
    /// The lines, each with at least two distinct positions.
    pub lines: Vec<Vec<LonLat>>,
}

/// What kind of facility a point is. The categories of `RULES.md` plus the OpenStreetMap
/// health values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    /// 县级综合医院 / 县人民医院.
    CountyGeneralHospital,
    /// 县中医院 (often the lead of the county medical community).
    CountyTcmHospital,
    /// 乡镇卫生院.
    TownshipHealthCenter,
    /// 中心乡镇卫生院.
    CentralTownshipHealthCenter,
    /// 乡镇卫生院分院 (a merged township's former center).
    TownshipHealthCenterBranch,
    /// 社区卫生服务中心.
    CommunityHealthCenter,
    /// 社区卫生服务站.
    CommunityHealthStation,
    /// 村卫生室.
    VillageClinic,
    /// 医疗服务点.
    MedicalServicePoint,
    /// 固定巡诊点 / 流动医疗站.
    MobileStation,
    /// 诊所 / 门诊部 (private clinic or outpatient department).
    PrivateClinic,
    /// 政府办一级医院.
    FirstLevelHospital,
    /// 养老机构.
    ElderlyCare,
    /// OSM `hospital` (or 医院 without further detail).
    Hospital,
    /// OSM `clinic`.
    Clinic,
    /// OSM `doctors`.
    Doctors,
    /// OSM `pharmacy` (药店).
    Pharmacy,
    /// OSM `dentist` (口腔诊所).
    Dentist,
    /// Another health facility that is not a medical service point (OSM `healthcare=*` values
    /// such as `laboratory`, `optometrist`, `physiotherapist`).
    OtherHealth,
}

impl FacilityKind {
    /// All kinds, in display order.
    pub const ALL: [FacilityKind; 19] = [
        FacilityKind::CountyGeneralHospital,
        FacilityKind::CountyTcmHospital,
        FacilityKind::TownshipHealthCenter,
        FacilityKind::CentralTownshipHealthCenter,
        FacilityKind::TownshipHealthCenterBranch,
        FacilityKind::CommunityHealthCenter,
        FacilityKind::CommunityHealthStation,
        FacilityKind::VillageClinic,
        FacilityKind::MedicalServicePoint,
        FacilityKind::MobileStation,
        FacilityKind::PrivateClinic,
        FacilityKind::FirstLevelHospital,
        FacilityKind::ElderlyCare,
        FacilityKind::Hospital,
        FacilityKind::Clinic,
        FacilityKind::Doctors,
        FacilityKind::Pharmacy,
        FacilityKind::Dentist,
        FacilityKind::OtherHealth,
    ];

    /// Whether this kind is a "medical service point" in the sense of rule `reach.15min`
    /// (`RULES.md`: village clinic, community health station or center, township health center
    /// or branch, medical service point, mobile station, county hospital; and OSM `hospital`,
    /// `clinic`, `doctors`).
    ///
    /// # Examples
    /// ```
    /// use medreach::model::FacilityKind;
    /// assert!(FacilityKind::VillageClinic.is_medical_service_point());
    /// assert!(!FacilityKind::Pharmacy.is_medical_service_point());
    /// ```
    pub fn is_medical_service_point(self) -> bool {
        use FacilityKind::*;
        matches!(
            self,
            CountyGeneralHospital
                | CountyTcmHospital
                | TownshipHealthCenter
                | CentralTownshipHealthCenter
                | TownshipHealthCenterBranch
                | CommunityHealthCenter
                | CommunityHealthStation
                | VillageClinic
                | MedicalServicePoint
                | MobileStation
                | Hospital
                | Clinic
                | Doctors
        )
    }

    /// The stable snake_case id used in reports and the `kind` property.
    pub fn id(self) -> &'static str {
        use FacilityKind::*;
        match self {
            CountyGeneralHospital => "county_general_hospital",
            CountyTcmHospital => "county_tcm_hospital",
            TownshipHealthCenter => "township_health_center",
            CentralTownshipHealthCenter => "central_township_health_center",
            TownshipHealthCenterBranch => "township_health_center_branch",
            CommunityHealthCenter => "community_health_center",
            CommunityHealthStation => "community_health_station",
            VillageClinic => "village_clinic",
            MedicalServicePoint => "medical_service_point",
            MobileStation => "mobile_station",
            PrivateClinic => "private_clinic",
            FirstLevelHospital => "first_level_hospital",
            ElderlyCare => "elderly_care",
            Hospital => "hospital",
            Clinic => "clinic",
            Doctors => "doctors",
            Pharmacy => "pharmacy",
            Dentist => "dentist",
            OtherHealth => "other_health",
        }
    }
}

/// A health facility (a point).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Facility {
    /// Where it came from.
    pub source: Source,
    /// Name, if any.
    pub name: Option<String>,
    /// Its kind.
    pub kind: FacilityKind,
    /// Whether it counts as a medical service point: the `primary_care` property where present,
    /// else [`FacilityKind::is_medical_service_point`].
    pub primary_care: bool,
    /// Position.
    pub at: LonLat,
}

/// A settlement: a point where people live, with its population.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settlement {
    /// Where it came from.
    pub source: Source,
    /// Name, if any.
    pub name: Option<String>,
    /// Residents (non-negative, may be fractional when estimated).
    pub population: f64,
    /// Position.
    pub at: LonLat,
}

/// One polygon: an outer ring and its holes, each ring closed.
pub type Rings = Vec<Vec<LonLat>>;

/// An administrative unit (a Polygon or MultiPolygon).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AdminUnit {
    /// Where it came from.
    pub source: Source,
    /// Name, if any.
    pub name: Option<String>,
    /// Administrative division code (e.g. the 12-digit 统计用区划代码), if any.
    pub code: Option<String>,
    /// The `level` property as given, if any.
    pub level: Option<String>,
    /// The unit's own population figure, if any.
    pub population: Option<f64>,
    /// The polygons.
    pub polygons: Vec<Rings>,
}

/// A feature that was not used, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// Where it came from.
    pub source: Source,
    /// What is wrong, in one sentence (English; the page translates the known reasons).
    pub reason: SkipReason,
}

/// Why a feature was skipped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SkipReason {
    /// The feature has no geometry (`null`).
    NoGeometry,
    /// A geometry type MedReach does not use (e.g. MultiPoint, GeometryCollection).
    UnsupportedGeometry {
        /// The GeoJSON type.
        geometry: String,
    },
    /// The geometry is empty or degenerate (a line with fewer than two distinct positions, a
    /// ring with fewer than four positions, a malformed coordinate).
    Degenerate {
        /// What exactly.
        detail: String,
    },
    /// A point with neither a facility kind nor a population.
    UnclassifiedPoint,
    /// A point whose kind is not a known facility kind, and that has no population.
    UnknownKind {
        /// The value given.
        value: String,
    },
    /// A population that is negative, not a number, or empty.
    BadPopulation {
        /// The value given.
        value: String,
    },
    /// A road class that is not a usable road (e.g. `proposed`, `construction`).
    NotARoad {
        /// The class given.
        class: String,
    },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NoGeometry => write!(f, "no geometry"),
            SkipReason::UnsupportedGeometry { geometry } => {
                write!(f, "geometry type {geometry} is not used (Point, LineString, MultiLineString, Polygon or MultiPolygon)")
            }
            SkipReason::Degenerate { detail } => write!(f, "empty or degenerate geometry: {detail}"),
            SkipReason::UnclassifiedPoint => write!(
                f,
                "a point with neither a facility kind (kind/type/类型, amenity, healthcare) nor a population (population/人口)"
            ),
            SkipReason::UnknownKind { value } => write!(f, "unknown facility kind \"{value}\""),
            SkipReason::BadPopulation { value } => {
                write!(f, "population {value} is not a non-negative number")
            }
            SkipReason::NotARoad { class } => write!(f, "highway={class} is not a usable road"),
        }
    }
}

/// Everything recognised in one file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Layers {
    /// Roads.
    pub roads: Vec<Road>,
    /// Facilities.
    pub facilities: Vec<Facility>,
    /// Settlements.
    pub settlements: Vec<Settlement>,
    /// Admin units.
    pub admin: Vec<AdminUnit>,
    /// Features not used, with the reason.
    pub skipped: Vec<Skipped>,
    /// File-level remarks that do not stop the load (e.g. a declared CRS).
    pub notes: Vec<String>,
}

impl Layers {
    fn append(&mut self, other: &Layers) {
        self.roads.extend(other.roads.iter().cloned());
        self.facilities.extend(other.facilities.iter().cloned());
        self.settlements.extend(other.settlements.iter().cloned());
        self.admin.extend(other.admin.iter().cloned());
        self.skipped.extend(other.skipped.iter().cloned());
        self.notes.extend(other.notes.iter().cloned());
    }
}

/// A loaded file: its name and what was recognised in it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadedFile {
    /// The file name as the user gave it.
    pub name: String,
    /// What it held.
    pub layers: Layers,
}

/// All loaded files. Loading a file whose name is already loaded replaces it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Dataset {
    /// The files, in load order; [`Source::file`] indexes this.
    pub files: Vec<LoadedFile>,
}

impl Dataset {
    /// Reads `text` as GeoJSON and adds it under `name`, replacing a file of the same name.
    /// On error the dataset is unchanged.
    pub fn load(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<&LoadedFile, crate::input::InputError> {
        let slot = self.files.iter().position(|f| f.name == name);
        let file_id = slot.unwrap_or(self.files.len()) as u32;
        let layers = crate::input::read_geojson(name, text, file_id)?;
        let loaded = LoadedFile {
            name: name.to_string(),
            layers,
        };
        let idx = match slot {
            Some(i) => {
                self.files[i] = loaded;
                i
            }
            None => {
                self.files.push(loaded);
                self.files.len() - 1
            }
        };
        Ok(&self.files[idx])
    }

    /// Every layer of every file, concatenated in load order.
    pub fn layers(&self) -> Layers {
        let mut all = Layers::default();
        for f in &self.files {
            all.append(&f.layers);
        }
        all
    }

    /// The name of the file a source points into.
    pub fn file_name(&self, source: Source) -> &str {
        self.files
            .get(source.file as usize)
            .map(|f| f.name.as_str())
            .unwrap_or("?")
    }
}
