//! GeoJSON input: recognises roads, facilities, settlements and admin units in a
//! FeatureCollection by geometry and properties (English and Chinese keys), in WGS84 degrees.
//!
//! A problem with the whole file (not JSON, not GeoJSON, projected coordinates) is an
//! [`InputError`] and nothing of the file is used; a problem with one feature skips that
//! feature with a [`SkipReason`] that the caller shows.

use crate::model::{
    AdminUnit, AreaFlag, Center, Facility, FacilityKind, Layers, Level, Oneway, Ownership, Rings,
    Road, Settlement, SkipReason, Skipped, Source,
};
use crate::projection::LonLat;
use serde_json::{Map, Value};

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
    /// Coordinates outside ±180/±90: the file is in a projected system, not WGS84 lon/lat.
    #[error("{file}: feature {feature} has coordinate [{x}, {y}] outside longitude ±180 / latitude ±90; the file looks projected (metres). Export it as WGS84 longitude/latitude (EPSG:4326)")]
    ProjectedCoordinates {
        /// File name.
        file: String,
        /// Feature position in the file.
        feature: usize,
        /// First coordinate value.
        x: f64,
        /// Second coordinate value.
        y: f64,
    },
    /// The file holds no features at all.
    #[error("{file}: the FeatureCollection has no features")]
    Empty {
        /// File name.
        file: String,
    },
}

/// Property keys, in order of preference (matched case-insensitively for ASCII keys).
const NAME_KEYS: &[&str] = &["name", "名称", "名字", "name:zh", "机构名称", "村名"];
const POPULATION_KEYS: &[&str] = &[
    "population",
    "pop",
    "人口",
    "常住人口",
    "户籍人口",
    "人口数",
    "居民人数",
];
const KIND_KEYS: &[&str] = &[
    "kind",
    "type",
    "类型",
    "facility_type",
    "category",
    "类别",
    "机构类型",
    "机构类别",
];
const CODE_KEYS: &[&str] = &[
    "code",
    "admin_code",
    "区划代码",
    "统计用区划代码",
    "adcode",
    "行政区划代码",
];
const LEVEL_KEYS: &[&str] = &["level", "级别", "层级", "admin_level"];
const HIGHWAY_KEYS: &[&str] = &[
    "highway",
    "class",
    "道路等级",
    "等级",
    "road_class",
    "fclass",
];

/// Road classes that are not (yet, or any longer) usable roads.
const NOT_ROADS: &[&str] = &[
    "proposed",
    "construction",
    "abandoned",
    "disused",
    "razed",
    "planned",
    "platform",
    "raceway",
    "bus_guideway",
    "elevator",
    "no",
];

/// Reads one GeoJSON text. `file_id` is stamped into every feature's [`Source`].
///
/// # Examples
/// ```
/// let text = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"名称":"东村","人口":820},
///    "geometry":{"type":"Point","coordinates":[116.4,39.9]}}]}"#;
/// let layers = medreach::input::read_geojson("villages.geojson", text, 0).unwrap();
/// assert_eq!(layers.settlements[0].population, 820.0);
/// assert_eq!(layers.settlements[0].name.as_deref(), Some("东村"));
/// ```
pub fn read_geojson(file: &str, text: &str, file_id: u32) -> Result<Layers, InputError> {
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        InputError::InvalidJson {
            file: file.to_string(),
            detail: e.to_string(),
        }
    })?;
    let not_geojson = |detail: String| InputError::NotGeoJson {
        file: file.to_string(),
        detail,
    };
    let obj = root.as_object().ok_or_else(|| {
        not_geojson(format!(
            "the top level is {}, not an object",
            json_kind(&root)
        ))
    })?;
    let features: Vec<&Value> = match obj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => obj
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| not_geojson("a FeatureCollection without a \"features\" array".into()))?
            .iter()
            .collect(),
        Some("Feature") => vec![&root],
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
    };
    if features.is_empty() {
        return Err(InputError::Empty {
            file: file.to_string(),
        });
    }
    let mut layers = Layers::default();
    if let Some(crs) = obj.get("crs") {
        let text = crs.to_string();
        if !["4326", "CRS84", "4490", "4979"]
            .iter()
            .any(|ok| text.contains(ok))
        {
            layers.notes.push(format!(
                "{file}: declares crs {text}; GeoJSON is read as WGS84 longitude/latitude"
            ));
        }
    }
    for (index, feature) in features.into_iter().enumerate() {
        let source = Source {
            file: file_id,
            feature: index as u32,
        };
        check_not_projected(file, index, feature.get("geometry"))?;
        if let Err(reason) = read_feature(feature, source, &mut layers) {
            layers.skipped.push(Skipped { source, reason });
        }
    }
    Ok(layers)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Finds the first position outside ±180/±90 in a geometry's coordinates.
fn check_not_projected(
    file: &str,
    feature: usize,
    geometry: Option<&Value>,
) -> Result<(), InputError> {
    fn walk(v: &Value) -> Option<(f64, f64)> {
        let arr = v.as_array()?;
        if let (Some(x), Some(y)) = (
            arr.first().and_then(Value::as_f64),
            arr.get(1).and_then(Value::as_f64),
        ) {
            return (x.abs() > 180.0 || y.abs() > 90.0).then_some((x, y));
        }
        arr.iter().find_map(walk)
    }
    let Some(coords) = geometry.and_then(|g| g.get("coordinates")) else {
        return Ok(());
    };
    match walk(coords) {
        Some((x, y)) => Err(InputError::ProjectedCoordinates {
            file: file.to_string(),
            feature,
            x,
            y,
        }),
        None => Ok(()),
    }
}

fn read_feature(feature: &Value, source: Source, layers: &mut Layers) -> Result<(), SkipReason> {
    let empty = Map::new();
    let props = feature
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => return Err(SkipReason::NoGeometry),
        Some(g) => g,
    };
    let gtype = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
    match gtype {
        "Point" => read_point(props, coords, source, layers),
        "LineString" => {
            let line = read_line(coords)?;
            push_road(props, vec![line], source, layers)
        }
        "MultiLineString" => {
            let parts = coords
                .as_array()
                .ok_or_else(|| degenerate("coordinates are not an array"))?;
            let lines: Vec<_> = parts.iter().filter_map(|p| read_line(p).ok()).collect();
            if lines.is_empty() {
                return Err(degenerate("no part has two distinct positions"));
            }
            push_road(props, lines, source, layers)
        }
        "Polygon" => {
            let poly = read_polygon(coords)?;
            push_admin(props, vec![poly], source, layers);
            Ok(())
        }
        "MultiPolygon" => {
            let parts = coords
                .as_array()
                .ok_or_else(|| degenerate("coordinates are not an array"))?;
            let polys: Vec<_> = parts.iter().filter_map(|p| read_polygon(p).ok()).collect();
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

fn read_position(v: &Value) -> Result<LonLat, SkipReason> {
    let arr = v
        .as_array()
        .ok_or_else(|| degenerate("a position is not an array"))?;
    match (
        arr.first().and_then(Value::as_f64),
        arr.get(1).and_then(Value::as_f64),
    ) {
        (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => Ok(LonLat { lon, lat }),
        _ => Err(degenerate("a position lacks two numbers")),
    }
}

/// A line with consecutive duplicate positions removed; at least two positions remain.
fn read_line(v: &Value) -> Result<Vec<LonLat>, SkipReason> {
    let arr = v
        .as_array()
        .ok_or_else(|| degenerate("coordinates are not an array"))?;
    let mut line: Vec<LonLat> = Vec::with_capacity(arr.len());
    for p in arr {
        let p = read_position(p)?;
        if line.last() != Some(&p) {
            line.push(p);
        }
    }
    if line.len() < 2 {
        return Err(degenerate("a line needs two distinct positions"));
    }
    Ok(line)
}

fn read_polygon(v: &Value) -> Result<Rings, SkipReason> {
    let rings = v
        .as_array()
        .ok_or_else(|| degenerate("coordinates are not an array"))?;
    let mut out = Vec::with_capacity(rings.len());
    for (i, ring) in rings.iter().enumerate() {
        let pts = ring
            .as_array()
            .ok_or_else(|| degenerate("a ring is not an array"))?
            .iter()
            .map(read_position)
            .collect::<Result<Vec<_>, _>>()?;
        if pts.len() < 4 {
            if i == 0 {
                return Err(degenerate("the outer ring has fewer than four positions"));
            }
            continue;
        }
        out.push(pts);
    }
    if out.is_empty() {
        return Err(degenerate("the polygon has no rings"));
    }
    Ok(out)
}

/// Looks a property up by the first matching key (ASCII keys case-insensitively).
fn prop<'a>(props: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    for key in keys {
        if let Some(v) = props.get(*key) {
            if !v.is_null() {
                return Some(v);
            }
        }
    }
    for key in keys.iter().filter(|k| k.is_ascii()) {
        if let Some((_, v)) = props
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())
        {
            return Some(v);
        }
    }
    None
}

fn prop_str(props: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    match prop(props, keys)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn prop_f64(props: &Map<String, Value>, keys: &[&str]) -> Option<f64> {
    match prop(props, keys)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
}

/// A yes/no property: JSON booleans, numbers, and yes/no/true/false/1/0/是/否 strings.
fn prop_bool(props: &Map<String, Value>, keys: &[&str]) -> Option<bool> {
    match prop(props, keys)? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|x| x != 0.0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "是" | "y" => Some(true),
            "false" | "no" | "0" | "否" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The population, if the feature has one: `Ok(None)` when absent, an error when unusable.
fn read_population(props: &Map<String, Value>) -> Result<Option<f64>, SkipReason> {
    let Some(v) = prop(props, POPULATION_KEYS) else {
        return Ok(None);
    };
    let bad = || SkipReason::BadPopulation {
        value: v.to_string(),
    };
    let x = match v {
        Value::Number(n) => n.as_f64().ok_or_else(bad)?,
        Value::String(s) => s
            .trim()
            .replace(',', "")
            .parse::<f64>()
            .map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if !x.is_finite() || x < 0.0 {
        return Err(bad());
    }
    Ok(Some(x))
}

/// Parses a facility kind from an English id or phrase, a Chinese name, or an OSM value.
///
/// # Examples
/// ```
/// use medreach::input::parse_facility_kind;
/// use medreach::model::FacilityKind;
/// assert_eq!(parse_facility_kind("中心乡镇卫生院"), Some(FacilityKind::CentralTownshipHealthCenter));
/// assert_eq!(parse_facility_kind("doctors"), Some(FacilityKind::Doctors));
/// assert_eq!(parse_facility_kind("Village clinic"), Some(FacilityKind::VillageClinic));
/// assert_eq!(parse_facility_kind("bakery"), None);
/// ```
pub fn parse_facility_kind(raw: &str) -> Option<FacilityKind> {
    use FacilityKind::*;
    let s = raw.trim().to_lowercase().replace(['-', ' '], "_");
    if let Some(k) = FacilityKind::ALL.iter().find(|k| k.id() == s) {
        return Some(*k);
    }
    let english = match s.as_str() {
        "county_hospital" | "county_people_hospital" | "general_hospital" => {
            Some(CountyGeneralHospital)
        }
        "tcm_hospital" | "county_tcm" | "traditional_chinese_medicine_hospital" => {
            Some(CountyTcmHospital)
        }
        "township_hospital" | "township_health_centre" | "thc" => Some(TownshipHealthCenter),
        "central_township_hospital" | "central_township_health_centre" => {
            Some(CentralTownshipHealthCenter)
        }
        "branch" | "township_branch" | "township_health_center_branch_hospital" => {
            Some(TownshipHealthCenterBranch)
        }
        "community_health_service_center" | "community_health_centre" | "chc" => {
            Some(CommunityHealthCenter)
        }
        "community_health_service_station" | "chs" => Some(CommunityHealthStation),
        "village_clinic_room" => Some(VillageClinic),
        "service_point" => Some(MedicalServicePoint),
        "mobile_medical_station" | "fixed_mobile_station" | "mobile_clinic" => Some(MobileStation),
        "outpatient_department" => Some(PrivateClinic),
        "first_level_hospital" | "government_first_level_hospital" => Some(FirstLevelHospital),
        "elderly_care_facility" | "nursing_home" | "social_facility" => Some(ElderlyCare),
        "doctor" => Some(Doctors),
        "centre" | "center" => Some(Clinic),
        "chemist" | "drugstore" => Some(Pharmacy),
        "laboratory"
        | "optometrist"
        | "physiotherapist"
        | "psychotherapist"
        | "alternative"
        | "blood_donation"
        | "blood_bank"
        | "birthing_centre"
        | "rehabilitation"
        | "dialysis"
        | "hospice"
        | "audiologist"
        | "speech_therapist"
        | "occupational_therapist"
        | "podiatrist"
        | "counselling"
        | "sample_collection"
        | "vaccination_centre"
        | "veterinary" => Some(OtherHealth),
        _ => None,
    };
    if english.is_some() {
        return english;
    }
    let zh = raw.trim();
    let has = |needle: &str| zh.contains(needle);
    let kind = if has("分院") {
        TownshipHealthCenterBranch
    } else if has("中心乡镇卫生院") || has("中心卫生院") {
        CentralTownshipHealthCenter
    } else if has("卫生院") {
        TownshipHealthCenter
    } else if has("社区卫生服务中心") {
        CommunityHealthCenter
    } else if has("社区卫生服务站") {
        CommunityHealthStation
    } else if has("卫生室") {
        VillageClinic
    } else if has("医疗服务点") {
        MedicalServicePoint
    } else if has("巡诊") || has("流动医疗") {
        MobileStation
    } else if has("养老") || has("敬老院") {
        ElderlyCare
    } else if has("一级医院") {
        FirstLevelHospital
    } else if has("中医") && has("医院") {
        CountyTcmHospital
    } else if has("县级综合医院") || has("人民医院") {
        CountyGeneralHospital
    } else if has("药店") || has("药房") {
        Pharmacy
    } else if has("口腔") || has("牙科") {
        Dentist
    } else if has("诊所") || has("门诊部") {
        PrivateClinic
    } else if has("医院") {
        Hospital
    } else {
        return None;
    };
    Some(kind)
}

fn read_point(
    props: &Map<String, Value>,
    coords: &Value,
    source: Source,
    layers: &mut Layers,
) -> Result<(), SkipReason> {
    let at = read_position(coords)?;
    let name = prop_str(props, NAME_KEYS);
    // The explicit kind wins; OSM healthcare/amenity tags next.
    let kind_texts: Vec<String> = [KIND_KEYS, &["healthcare"], &["amenity"]]
        .iter()
        .filter_map(|keys| prop_str(props, keys))
        .collect();
    let kind = kind_texts.iter().find_map(|t| parse_facility_kind(t));
    let primary_care = prop_bool(props, &["primary_care", "基层医疗"]);
    let facility = |kind: FacilityKind, primary_care: bool, notes: &mut Vec<String>| {
        let mut centers = Vec::new();
        for raw in prop_list(props, &["centers", "中心"]) {
            match parse_center(&raw) {
                Some(c) if !centers.contains(&c) => centers.push(c),
                Some(_) => {}
                None => notes.push(format!(
                    "feature {}: unknown center \"{raw}\" ignored",
                    source.feature
                )),
            }
        }
        Facility {
            source,
            name: name.clone(),
            kind,
            primary_care,
            at,
            grade: prop_str(props, &["grade", "等级", "医院等级"]).and_then(|g| parse_grade(&g)),
            ownership: prop_str(props, &["ownership", "所有制", "性质", "经营性质"])
                .and_then(|o| parse_ownership(&o)),
            lead: prop_bool(props, &["lead", "牵头医院", "医共体牵头医院"]).unwrap_or(false),
            centers,
            admin_code: prop_str(props, &["admin_code", "所属区划代码", "区划代码"])
                .map(|c| normalize_code(&c)),
        }
    };
    if let Some(kind) = kind {
        let f = facility(
            kind,
            primary_care.unwrap_or(kind.is_medical_service_point()),
            &mut layers.notes,
        );
        layers.facilities.push(f);
        return Ok(());
    }
    if let Some(population) = read_population(props)? {
        layers.settlements.push(Settlement {
            source,
            name,
            population,
            at,
            admin_code: prop_str(props, &["admin_code", "所属区划代码"])
                .map(|c| normalize_code(&c)),
        });
        return Ok(());
    }
    if let Some(is_primary) = primary_care {
        // No recognisable kind, but the data says whether it is a medical service point.
        let f = facility(FacilityKind::OtherHealth, is_primary, &mut layers.notes);
        layers.facilities.push(f);
        return Ok(());
    }
    match kind_texts.into_iter().next() {
        Some(value) => Err(SkipReason::UnknownKind { value }),
        None => Err(SkipReason::UnclassifiedPoint),
    }
}

/// A list property: a JSON array, or a string separated by `,` `，` `、` `;` or spaces.
fn prop_list(props: &Map<String, Value>, keys: &[&str]) -> Vec<String> {
    match prop(props, keys) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) => s
            .split([',', '，', '、', ';', '；', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

/// Normalises a division code: 6- and 9-digit codes are padded with zeros to 12 digits.
///
/// # Examples
/// ```
/// use medreach::input::normalize_code;
/// assert_eq!(normalize_code("500236"), "500236000000");
/// assert_eq!(normalize_code(" 500236105 "), "500236105000");
/// assert_eq!(normalize_code("X-7"), "X-7");
/// ```
pub fn normalize_code(raw: &str) -> String {
    let s = raw.trim();
    if s.bytes().all(|b| b.is_ascii_digit()) && (s.len() == 6 || s.len() == 9) {
        format!("{s:0<12}")
    } else {
        s.to_string()
    }
}

/// A hospital grade 1–3 from `3`, `三级`, `三甲`, `二乙`, `一级`, `grade 2`, ….
///
/// # Examples
/// ```
/// use medreach::input::parse_grade;
/// assert_eq!(parse_grade("三甲"), Some(3));
/// assert_eq!(parse_grade("二级"), Some(2));
/// assert_eq!(parse_grade("1"), Some(1));
/// assert_eq!(parse_grade("未定级"), None);
/// ```
pub fn parse_grade(raw: &str) -> Option<u8> {
    let s = raw.trim().to_ascii_lowercase();
    for (grade, digit, numeral, roman) in [
        (3, "3", "三", "iii"),
        (2, "2", "二", "ii"),
        (1, "1", "一", "i"),
    ] {
        let words = s.trim_start_matches("grade").trim();
        if words == digit || words == roman || s.starts_with(numeral) {
            return Some(grade);
        }
    }
    None
}

/// Ownership from English or Chinese words.
pub fn parse_ownership(raw: &str) -> Option<Ownership> {
    let s = raw.trim().to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if has(&[
        "营利",
        "for_profit",
        "for-profit",
        "private",
        "民营",
        "私立",
        "私营",
        "社会办",
    ]) && !has(&["非营利", "non_profit", "non-profit"])
    {
        Some(Ownership::ForProfit)
    } else if has(&[
        "public",
        "government",
        "non_profit",
        "non-profit",
        "公立",
        "政府",
        "非营利",
        "国有",
        "集体",
    ]) {
        Some(Ownership::NonProfit)
    } else {
        None
    }
}

/// A hosted center from its id or Chinese name.
///
/// # Examples
/// ```
/// use medreach::{input::parse_center, model::Center};
/// assert_eq!(parse_center("胸痛中心"), Some(Center::ChestPain));
/// assert_eq!(parse_center("危重新生儿救治中心"), Some(Center::Neonatal));
/// assert_eq!(parse_center("ICU"), Some(Center::IntensiveCare));
/// ```
pub fn parse_center(raw: &str) -> Option<Center> {
    let s = raw.trim().to_lowercase().replace(['-', ' '], "_");
    Center::all()
        .find(|c| c.names().contains(&s.as_str()))
        .or_else(|| {
            Center::all().find(|c| {
                c.names()[1..]
                    .iter()
                    .any(|n| !n.is_ascii() && s.contains(n))
            })
        })
}

/// Maps a Chinese road grade to the OSM class whose speeds it takes.
fn road_class(raw: &str) -> String {
    let s = raw.trim();
    let mapped = match s {
        "高速公路" | "高速" => "motorway",
        "国道" | "一级公路" | "城市快速路" | "主干路" => "primary",
        "省道" | "二级公路" | "次干路" => "secondary",
        "县道" | "三级公路" | "支路" => "tertiary",
        "乡道" | "四级公路" => "unclassified",
        "村道" | "街巷" => "residential",
        "专用公路" => "service",
        "等外公路" | "机耕路" => "track",
        "步行道" | "人行道" | "小路" => "footway",
        _ => "",
    };
    if mapped.is_empty() {
        s.to_ascii_lowercase()
    } else {
        mapped.to_string()
    }
}

/// Parses an OSM `maxspeed` value to km/h (`"50"`, `"30 mph"`, `"50 km/h"`); `None` for
/// symbolic values such as `"RO:urban"` or `"none"`.
///
/// # Examples
/// ```
/// use medreach::input::parse_maxspeed_kmh;
/// assert_eq!(parse_maxspeed_kmh("50"), Some(50.0));
/// assert!((parse_maxspeed_kmh("30 mph").unwrap() - 48.28032).abs() < 1e-9);
/// assert_eq!(parse_maxspeed_kmh("walk"), None);
/// ```
pub fn parse_maxspeed_kmh(raw: &str) -> Option<f64> {
    let s = raw.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = s.strip_suffix("mph") {
        (n.trim(), 1.609_344)
    } else if let Some(n) = s.strip_suffix("km/h").or_else(|| s.strip_suffix("kmh")) {
        (n.trim(), 1.0)
    } else {
        (s.as_str(), 1.0)
    };
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v > 0.0).then_some(v * factor)
}

pub(crate) fn push_road(
    props: &Map<String, Value>,
    lines: Vec<Vec<LonLat>>,
    source: Source,
    layers: &mut Layers,
) -> Result<(), SkipReason> {
    let class = prop_str(props, HIGHWAY_KEYS)
        .map(|c| road_class(&c))
        .unwrap_or_else(|| "road".to_string());
    if NOT_ROADS.contains(&class.as_str()) {
        return Err(SkipReason::NotARoad { class });
    }
    let oneway = match prop(props, &["oneway", "单行"]) {
        Some(Value::Bool(true)) => Oneway::Forward,
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => Oneway::Forward,
        Some(Value::Number(n)) if n.as_f64() == Some(-1.0) => Oneway::Backward,
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "1" | "true" | "是" => Oneway::Forward,
            "-1" | "reverse" => Oneway::Backward,
            _ => Oneway::No,
        },
        _ => Oneway::No,
    };
    // OSM's access hierarchy: the most specific tag present decides (motorcar=yes keeps a road
    // open whatever access=no says); only `no` closes it.
    let closed = ["motorcar", "motor_vehicle", "vehicle", "access"]
        .iter()
        .find_map(|k| prop_str(props, &[k]))
        .is_some_and(|v| v.eq_ignore_ascii_case("no"));
    let walk_only = crate::network::is_walk_only_class(&class);
    let drivable = prop_bool(props, &["drivable", "机动车"]).unwrap_or(!closed && !walk_only);
    let speed_kmh = prop_f64(props, &["maxspeed_kmh"])
        .filter(|v| v.is_finite() && *v > 0.0)
        .or_else(|| prop_str(props, &["maxspeed", "限速"]).and_then(|s| parse_maxspeed_kmh(&s)))
        .or_else(|| prop_f64(props, &["speed_kmh", "速度"]).filter(|v| v.is_finite() && *v > 0.0));
    layers.roads.push(Road {
        source,
        name: prop_str(props, NAME_KEYS),
        class,
        oneway,
        drivable,
        speed_kmh,
        lines,
    });
    Ok(())
}

fn push_admin(
    props: &Map<String, Value>,
    polygons: Vec<Rings>,
    source: Source,
    layers: &mut Layers,
) {
    // A unit's population is optional; an unusable one is dropped with a note rather than
    // losing the boundary.
    let population = match read_population(props) {
        Ok(p) => p,
        Err(reason) => {
            layers.notes.push(format!(
                "feature {}: {reason}; its population is ignored",
                source.feature
            ));
            None
        }
    };
    let code = prop_str(props, CODE_KEYS).map(|c| normalize_code(&c));
    let level_text = prop_str(props, LEVEL_KEYS);
    let level = level_text.as_deref().and_then(Level::parse);
    if let (Some(text), None) = (&level_text, level) {
        if text.parse::<f64>().is_err() {
            layers.notes.push(format!(
                "feature {}: unknown level \"{text}\" (county, township, subdistrict, village, community or 县/乡/镇/街道/行政村/社区)",
                source.feature
            ));
        }
    }
    let listed = prop_list(props, &["flags", "特殊区域"]);
    let flags = AreaFlag::ALL
        .into_iter()
        .filter(|f| {
            f.names().iter().any(|n| {
                prop_bool(props, &[n]).unwrap_or(false)
                    || listed.iter().any(|l| l.eq_ignore_ascii_case(n))
            })
        })
        .collect();
    layers.admin.push(AdminUnit {
        source,
        name: prop_str(props, NAME_KEYS),
        level: level.or_else(|| code.as_deref().and_then(Level::from_code)),
        code,
        population,
        county_town: prop_bool(props, &["county_town", "县城"]).unwrap_or(false),
        flags,
        merged_into: prop_str(props, &["merged_into", "并入", "合并至"])
            .map(|c| normalize_code(&c)),
        polygons,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            e,
            InputError::ProjectedCoordinates {
                file: "utm.geojson".into(),
                feature: 1,
                x: 500000.0,
                y: 4700000.0
            }
        );
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
