//! The data model: what a planner loads (roads, facilities, settlements, admin units), as plain
//! data in WGS84 degrees, each feature remembering the file and position it came from.

use crate::engine::crs::LonLat;
use serde::{Deserialize, Serialize};

/// Where a feature came from: the loaded file and its position in that file's `features`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Index into [`crate::engine::dataset::Dataset::files`].
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// use medreach::engine::model::FacilityKind;
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

/// The level of an administrative unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 县 / 县级市 / 区: the planning area.
    County,
    /// 乡 / 镇 (township or town).
    Township,
    /// 街道 (urban sub-district).
    Subdistrict,
    /// 行政村 (administrative village).
    Village,
    /// 社区 (urban community).
    Community,
}

impl Level {
    /// 0 for a county, 1 for township-level units, 2 for village-level units.
    pub fn tier(self) -> u8 {
        match self {
            Level::County => 0,
            Level::Township | Level::Subdistrict => 1,
            Level::Village | Level::Community => 2,
        }
    }

    /// The level a 12-digit statistical division code (统计用区划代码) denotes.
    ///
    /// # Examples
    /// ```
    /// use medreach::engine::model::Level;
    /// assert_eq!(Level::from_code("500236000000"), Some(Level::County));
    /// assert_eq!(Level::from_code("500236001000"), Some(Level::Subdistrict));
    /// assert_eq!(Level::from_code("500236105000"), Some(Level::Township));
    /// assert_eq!(Level::from_code("500236001003"), Some(Level::Community));
    /// assert_eq!(Level::from_code("500236105201"), Some(Level::Village));
    /// assert_eq!(Level::from_code("5002"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Level> {
        if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let num = |r: std::ops::Range<usize>| code[r].parse::<u32>().unwrap_or(0);
        Some(match (num(6..9), num(9..12)) {
            (0, 0) => Level::County,
            (1..=99, 0) => Level::Subdistrict,
            (_, 0) => Level::Township,
            (_, 1..=199) => Level::Community,
            _ => Level::Village,
        })
    }

    /// Parses a level name in English or Chinese.
    pub fn parse(raw: &str) -> Option<Level> {
        let s = raw.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match s.as_str() {
            "county" | "district" | "county_level_city" | "县" | "区" | "县级市" | "旗"
            | "县级" => Level::County,
            "township" | "town" | "乡" | "镇" | "乡镇" | "苏木" | "民族乡" => {
                Level::Township
            }
            "subdistrict" | "sub_district" | "street" | "街道" | "街道办事处" => {
                Level::Subdistrict
            }
            "village" | "administrative_village" | "行政村" | "村" | "嘎查" => Level::Village,
            "community" | "社区" | "居委会" | "社区居委会" => Level::Community,
            _ => return None,
        })
    }

    /// The stable id used in reports.
    pub fn id(self) -> &'static str {
        match self {
            Level::County => "county",
            Level::Township => "township",
            Level::Subdistrict => "subdistrict",
            Level::Village => "village",
            Level::Community => "community",
        }
    }
}

/// A special-area mark on a unit (rule `village.special-areas`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaFlag {
    /// 边境.
    Border,
    /// 民族 (ethnic minority area).
    Ethnic,
    /// 偏远.
    Remote,
    /// 山区 / 高原.
    Mountain,
    /// 海岛.
    Island,
    /// 牧区.
    Pastoral,
    /// 库区.
    Reservoir,
    /// 搬迁 / 合并 (relocated or merged).
    Relocated,
}

impl AreaFlag {
    /// All flags.
    pub const ALL: [AreaFlag; 8] = [
        AreaFlag::Border,
        AreaFlag::Ethnic,
        AreaFlag::Remote,
        AreaFlag::Mountain,
        AreaFlag::Island,
        AreaFlag::Pastoral,
        AreaFlag::Reservoir,
        AreaFlag::Relocated,
    ];

    /// The English key and the Chinese names that mark it.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            AreaFlag::Border => &["border", "边境"],
            AreaFlag::Ethnic => &["ethnic", "民族", "少数民族"],
            AreaFlag::Remote => &["remote", "偏远"],
            AreaFlag::Mountain => &["mountain", "mountainous", "plateau", "山区", "高原"],
            AreaFlag::Island => &["island", "海岛"],
            AreaFlag::Pastoral => &["pastoral", "牧区"],
            AreaFlag::Reservoir => &["reservoir", "库区"],
            AreaFlag::Relocated => &["relocated", "merged", "搬迁", "合并"],
        }
    }
}

/// Who owns a facility, as far as the rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// Public, government-run or otherwise non-profit (公立 / 政府办 / 非营利).
    NonProfit,
    /// Private for-profit (民营 / 营利).
    ForProfit,
}

/// A center a hospital may host (`RULES.md`, vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Center {
    /// 医学检验 (resource-sharing).
    Laboratory,
    /// 医学影像 (resource-sharing).
    Imaging,
    /// 心电诊断 (resource-sharing).
    Ecg,
    /// 病理诊断 (resource-sharing).
    Pathology,
    /// 消毒供应 (resource-sharing).
    Disinfection,
    /// 肿瘤防治 (clinical service).
    Oncology,
    /// 慢病管理 (clinical service).
    ChronicDisease,
    /// 微创介入 (clinical service).
    MinimallyInvasive,
    /// 麻醉疼痛诊疗 (clinical service).
    AnesthesiaPain,
    /// 重症监护 (clinical service).
    IntensiveCare,
    /// 胸痛中心 (acute care).
    ChestPain,
    /// 卒中中心 (acute care).
    Stroke,
    /// 创伤中心 (acute care).
    Trauma,
    /// 危重孕产妇救治中心 (acute care).
    Maternal,
    /// 危重新生儿救治中心 (acute care).
    Neonatal,
    /// 危重儿童救治中心 (acute care).
    Pediatric,
}

impl Center {
    /// The five resource-sharing centers.
    pub const RESOURCE_SHARING: [Center; 5] = [
        Center::Laboratory,
        Center::Imaging,
        Center::Ecg,
        Center::Pathology,
        Center::Disinfection,
    ];
    /// The five clinical service centers.
    pub const CLINICAL: [Center; 5] = [
        Center::Oncology,
        Center::ChronicDisease,
        Center::MinimallyInvasive,
        Center::AnesthesiaPain,
        Center::IntensiveCare,
    ];
    /// The acute-care centers.
    pub const ACUTE: [Center; 6] = [
        Center::ChestPain,
        Center::Stroke,
        Center::Trauma,
        Center::Maternal,
        Center::Neonatal,
        Center::Pediatric,
    ];

    /// The stable id, then the Chinese names that denote it.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Center::Laboratory => &["laboratory", "lab", "医学检验", "检验"],
            Center::Imaging => &["imaging", "医学影像", "影像"],
            Center::Ecg => &["ecg", "心电诊断", "心电"],
            Center::Pathology => &["pathology", "病理诊断", "病理"],
            Center::Disinfection => &["disinfection", "disinfection_supply", "消毒供应"],
            Center::Oncology => &["oncology", "tumor", "肿瘤防治", "肿瘤"],
            Center::ChronicDisease => &["chronic_disease", "chronic", "慢病管理", "慢病"],
            Center::MinimallyInvasive => &["minimally_invasive", "微创介入", "微创"],
            Center::AnesthesiaPain => &["anesthesia_pain", "麻醉疼痛诊疗", "麻醉疼痛"],
            Center::IntensiveCare => &["intensive_care", "icu", "重症监护"],
            Center::ChestPain => &["chest_pain", "胸痛中心", "胸痛"],
            Center::Stroke => &["stroke", "卒中中心", "卒中"],
            Center::Trauma => &["trauma", "创伤中心", "创伤"],
            Center::Maternal => &["maternal", "危重孕产妇救治中心", "危重孕产妇"],
            Center::Neonatal => &["neonatal", "危重新生儿救治中心", "危重新生儿"],
            Center::Pediatric => &["pediatric", "危重儿童救治中心", "危重儿童"],
        }
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        self.names()[0]
    }

    /// All centers.
    pub fn all() -> impl Iterator<Item = Center> {
        Center::RESOURCE_SHARING
            .into_iter()
            .chain(Center::CLINICAL)
            .chain(Center::ACUTE)
    }
}

/// A health facility (a point).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Hospital grade 1–3 (一级/二级/三级), if given.
    pub grade: Option<u8>,
    /// Ownership, if given.
    pub ownership: Option<Ownership>,
    /// Lead hospital of the county medical community (医共体牵头医院).
    pub lead: bool,
    /// Centers it hosts.
    pub centers: Vec<Center>,
    /// Code of the admin unit it belongs to, if given (else found by position).
    pub admin_code: Option<String>,
    /// A planned site (the `planned` / `规划` property, or added from a site suggestion), not
    /// one that exists yet.
    #[serde(default)]
    pub planned: bool,
    /// What it can serve, as its data give it (a register's 床位数, 执业医师数, …).
    #[serde(default)]
    pub capacity: Capacity,
}

/// A facility's capacities as its data give them; each `None` when not given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// A capacity in the data's own units (`capacity`, `容量`, `服务能力`).
    pub capacity: Option<f64>,
    /// Practising doctors (`doctors`, `医生数`, `执业医师数`, …).
    pub doctors: Option<f64>,
    /// Beds (`beds`, `床位数`, …).
    pub beds: Option<f64>,
    /// Staff (`staff`, `人员数`, `卫生技术人员数`, …).
    pub staff: Option<f64>,
}

impl Capacity {
    /// The capacity `field` names, `None` when the data do not give it.
    pub fn get(&self, field: CapacityField) -> Option<f64> {
        match field {
            CapacityField::Capacity => self.capacity,
            CapacityField::Doctors => self.doctors,
            CapacityField::Beds => self.beds,
            CapacityField::Staff => self.staff,
        }
    }
}

/// One of a facility's [`Capacity`] fields: what capacity-limited coverage divides among the
/// residents who can reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityField {
    /// [`Capacity::capacity`].
    Capacity,
    /// [`Capacity::doctors`].
    Doctors,
    /// [`Capacity::beds`].
    Beds,
    /// [`Capacity::staff`].
    Staff,
}

impl CapacityField {
    /// All fields.
    pub const ALL: [CapacityField; 4] = [
        CapacityField::Capacity,
        CapacityField::Doctors,
        CapacityField::Beds,
        CapacityField::Staff,
    ];

    /// The attribute names that give it, in order of preference: the English id first, then
    /// the Chinese names (`docs/VOCABULARY.md`).
    pub fn names(self) -> &'static [&'static str] {
        match self {
            CapacityField::Capacity => &["capacity", "容量", "服务能力"],
            CapacityField::Doctors => &[
                "doctors",
                "医生数",
                "执业医师数",
                "执业(助理)医师数",
                "执业（助理）医师数",
                "医师数",
            ],
            CapacityField::Beds => &["beds", "床位数", "编制床位数", "实有床位数", "床位"],
            CapacityField::Staff => &[
                "staff",
                "人员数",
                "卫生技术人员数",
                "卫生人员数",
                "职工数",
                "在岗职工数",
            ],
        }
    }

    /// The stable id (`capacity`, `doctors`, `beds`, `staff`).
    pub fn id(self) -> &'static str {
        self.names()[0]
    }

    /// The field any of its attribute names names (`doctors`, `医生数`, `执业医师数`, `床位数`,
    /// …; ASCII letters in any case, spaces around ignored).
    pub fn parse(raw: &str) -> Option<CapacityField> {
        let raw = raw.trim();
        CapacityField::ALL
            .into_iter()
            .find(|f| f.names().iter().any(|n| n.eq_ignore_ascii_case(raw)))
    }
}

impl Facility {
    /// A facility of `kind` at `at` with nothing else known: a medical service point when its
    /// kind is one; no grade, ownership, centers or code; not the lead hospital; existing.
    pub fn of_kind(
        source: Source,
        name: Option<String>,
        kind: FacilityKind,
        at: LonLat,
    ) -> Facility {
        Facility {
            source,
            name,
            kind,
            primary_care: kind.is_medical_service_point(),
            at,
            grade: None,
            ownership: None,
            lead: false,
            centers: Vec::new(),
            admin_code: None,
            planned: false,
            capacity: Capacity::default(),
        }
    }
}

/// A settlement: a point where people live, with its population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settlement {
    /// Where it came from.
    pub source: Source,
    /// Name, if any.
    pub name: Option<String>,
    /// Residents (non-negative, may be fractional when estimated).
    pub population: f64,
    /// Position.
    pub at: LonLat,
    /// Code of the admin unit it belongs to, if given (else found by position).
    pub admin_code: Option<String>,
}

/// One polygon: an outer ring and its holes, each ring closed.
pub type Rings = Vec<Vec<LonLat>>;

/// Polygons (outer ring first, then holes) as a `geo` multipolygon in degrees.
pub fn to_geo(polygons: &[Rings]) -> geo::MultiPolygon<f64> {
    let ring = |r: &Vec<LonLat>| {
        geo::LineString::from(r.iter().map(|p| (p.lon, p.lat)).collect::<Vec<_>>())
    };
    geo::MultiPolygon::new(
        polygons
            .iter()
            .filter(|rings| !rings.is_empty())
            .map(|rings| geo::Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect()))
            .collect(),
    )
}

/// An administrative unit (a Polygon or MultiPolygon).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminUnit {
    /// Where it came from.
    pub source: Source,
    /// Name, if any.
    pub name: Option<String>,
    /// Administrative division code, normalised: a 6- or 9-digit code is padded with zeros to
    /// the 12-digit 统计用区划代码; other codes are kept as given.
    pub code: Option<String>,
    /// The level, from the `level` property or else from a 12-digit code.
    pub level: Option<Level>,
    /// The unit's own population figure, if any.
    pub population: Option<f64>,
    /// Part of the county town (县城).
    pub county_town: bool,
    /// Special-area marks.
    pub flags: Vec<AreaFlag>,
    /// For a dissolved township: the code (or name) of the unit it was merged into.
    pub merged_into: Option<String>,
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
    /// A position that is not a longitude/latitude (a wild coordinate, or one that does not
    /// convert from the file's coordinate system).
    BadPosition {
        /// The position as the file holds it.
        x: f64,
        /// See `x`.
        y: f64,
        /// The system it was read in, when not longitude/latitude (`EPSG:4527`).
        system: Option<String>,
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
            SkipReason::BadPosition { x, y, system } => match system {
                Some(code) => write!(
                    f,
                    "position [{x}, {y}] does not convert to longitude/latitude as {code}"
                ),
                None => write!(f, "position [{x}, {y}] is outside longitude ±180 / latitude ±90"),
            },
        }
    }
}

/// Defines an id: the position of a feature in one of the [`Layers`]' vectors, as its own type
/// so that one layer's position cannot be passed where another's is expected. It serializes as
/// the bare number.
macro_rules! layer_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub usize);

        impl $name {
            /// The position in its layer.
            pub fn index(self) -> usize {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

layer_id!(
    /// An admin unit: its position in [`Layers::admin`].
    UnitId
);

layer_id!(
    /// A facility: its position in [`Layers::facilities`].
    FacilityId
);

layer_id!(
    /// A settlement: its position in [`Layers::settlements`].
    SettlementId
);

/// What a file was read as, for the report: its format, coordinate system and text encoding
/// (in English; empty when not known).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// The format: "GeoJSON", "ESRI shapefile", "CSV", "Excel (sheet …)", "KMZ", ….
    pub format: String,
    /// The coordinate system the positions were read in: "WGS 84", "EPSG:4544 (CGCS2000 / …)".
    pub crs: String,
    /// The text encoding: "UTF-8", "GBK", ….
    pub encoding: String,
}

/// Everything recognised in one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// What the file was read as.
    #[serde(default)]
    pub facts: FileFacts,
}

impl Layers {
    /// The admin unit `id`.
    pub fn unit(&self, id: UnitId) -> &AdminUnit {
        &self.admin[id.0]
    }

    /// The ids of the admin units, in order.
    pub fn unit_ids(&self) -> impl Iterator<Item = UnitId> {
        (0..self.admin.len()).map(UnitId)
    }

    /// The facility `id`.
    pub fn facility(&self, id: FacilityId) -> &Facility {
        &self.facilities[id.0]
    }

    /// The ids of the facilities, in order.
    pub fn facility_ids(&self) -> impl Iterator<Item = FacilityId> {
        (0..self.facilities.len()).map(FacilityId)
    }

    /// The settlement `id`.
    pub fn settlement(&self, id: SettlementId) -> &Settlement {
        &self.settlements[id.0]
    }

    /// The ids of the settlements, in order.
    pub fn settlement_ids(&self) -> impl Iterator<Item = SettlementId> {
        (0..self.settlements.len()).map(SettlementId)
    }
}

/// Classes that are never driven: walked at walking speed in either mode.
pub fn is_walk_only_class(class: &str) -> bool {
    matches!(
        class,
        "footway"
            | "path"
            | "steps"
            | "pedestrian"
            | "cycleway"
            | "bridleway"
            | "track"
            | "corridor"
    )
}
