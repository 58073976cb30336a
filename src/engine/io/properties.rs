//! What a feature's properties mean, for every reader: property keys in English and Chinese,
//! facility kinds, road classes, one-way, motor-vehicle access and speeds, populations, codes
//! and levels. A reader turns its format's attributes into a property map (JSON values) and
//! hands it here with the feature's geometry, so every format recognises the same vocabulary
//! (`docs/VOCABULARY.md`) in the same way.

use crate::engine::crs::LonLat;
use crate::engine::model::{
    is_walk_only_class, AdminUnit, AreaFlag, Capacity, CapacityField, Center, Facility,
    FacilityKind, Layers, Level, Oneway, Ownership, Rings, Road, Settlement, SkipReason, Source,
};
use serde_json::{Map, Value};

/// Property keys, in order of preference (matched case-insensitively for ASCII keys).
pub(super) const NAME_KEYS: &[&str] = &["name", "名称", "名字", "name:zh", "机构名称", "村名"];
pub(super) const POPULATION_KEYS: &[&str] = &[
    "population",
    "pop",
    "人口",
    "常住人口",
    "户籍人口",
    "人口数",
    "居民人数",
];
pub(super) const KIND_KEYS: &[&str] = &[
    "kind",
    "type",
    "类型",
    "facility_type",
    "category",
    "类别",
    "机构类型",
    "机构类别",
];
pub(super) const CODE_KEYS: &[&str] = &[
    "code",
    "admin_code",
    "区划代码",
    "统计用区划代码",
    "adcode",
    "行政区划代码",
];
pub(super) const LEVEL_KEYS: &[&str] = &["level", "级别", "层级", "admin_level"];
pub(super) const HIGHWAY_KEYS: &[&str] = &[
    "highway",
    "class",
    "道路等级",
    "等级",
    "road_class",
    "fclass",
];

/// Road classes that are not (yet, or any longer) usable roads.
pub const NOT_ROADS: &[&str] = &[
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

/// Vocabulary keys longer than a dBASE field name can be (10 bytes: 3 Chinese characters in
/// UTF-8, 5 in GBK), in order of preference: a shapefile's field whose name was cut is the
/// first of these its name begins (`primary_ca` is `primary_care`).
pub const LONG_KEYS: &[&str] = &[
    "primary_care",
    "merged_into",
    "maxspeed_kmh",
    "county_town",
    "admin_level",
    "admin_code",
    "facility_type",
    "motor_vehicle",
    "road_class",
    "population",
    "speed_kmh",
    "ownership",
    "category",
    "healthcare",
    "drivable",
    "统计用区划代码",
    "行政区划代码",
    "所属区划代码",
    "医共体牵头医院",
    "牵头医院",
    "区划代码",
    "常住人口",
    "户籍人口",
    "居民人数",
    "机构名称",
    "机构类型",
    "机构类别",
    "经营性质",
    "医院等级",
    "基层医疗",
    "特殊区域",
    "道路等级",
];

/// Access keys for motor vehicles, most specific first: the first one present decides.
pub const MOTOR_VEHICLE_ACCESS_KEYS: &[&str] = &["motorcar", "motor_vehicle", "vehicle", "access"];

/// Whether access tags close a road to motor vehicles, for every reader: the most specific of
/// `motorcar`, `motor_vehicle`, `vehicle`, `access` that is present decides (`value_of` gives a
/// key's value, if any), and only `no` closes it (so `motor_vehicle=no` with `motorcar=yes` is
/// open; `private`, `destination`, `agricultural` are not closed, as in `RULES.md`).
pub fn closed_to_motor_vehicles(value_of: impl Fn(&str) -> Option<String>) -> bool {
    MOTOR_VEHICLE_ACCESS_KEYS
        .iter()
        .find_map(|k| value_of(k))
        .is_some_and(|v| v.eq_ignore_ascii_case("no"))
}

/// Looks a property up by the first matching key (ASCII keys case-insensitively).
///
/// Features have a handful of properties and a road or a point is asked for some thirty keys:
/// a scan that compares lengths first is cheaper than the map's own search.
pub(super) fn prop<'a>(props: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    let mut other_case = None;
    for key in keys {
        for (k, v) in props {
            if k.len() != key.len() || v.is_null() {
                continue;
            }
            if k == key {
                return Some(v);
            }
            if other_case.is_none() && key.is_ascii() && k.eq_ignore_ascii_case(key) {
                other_case = Some(v);
            }
        }
    }
    other_case
}

pub(super) fn prop_str(props: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    match prop(props, keys)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn prop_f64(props: &Map<String, Value>, keys: &[&str]) -> Option<f64> {
    match prop(props, keys)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
}

/// A count or capacity: a non-negative number, also written with a unit after it (`45张`,
/// `12 人`); `None` when absent or not a count.
pub(super) fn prop_count(props: &Map<String, Value>, keys: &[&str]) -> Option<f64> {
    let v = match prop(props, keys)? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => {
            let s = s.trim().replace(',', "");
            let end = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(s.len());
            s[..end].parse().ok()?
        }
        _ => return None,
    };
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// A yes/no property: JSON booleans, numbers, and yes/no/true/false/1/0/是/否 strings.
pub(super) fn prop_bool(props: &Map<String, Value>, keys: &[&str]) -> Option<bool> {
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
pub(super) fn read_population(props: &Map<String, Value>) -> Result<Option<f64>, SkipReason> {
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
/// use medreach::engine::io::properties::parse_facility_kind;
/// use medreach::engine::model::FacilityKind;
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

/// Adds a point to the facilities (when it has a kind, or says whether it is a medical service
/// point) or to the settlements (when it has a population), or says why it cannot be used.
pub fn push_point(
    props: &Map<String, Value>,
    at: LonLat,
    source: Source,
    layers: &mut Layers,
) -> Result<(), SkipReason> {
    let name = prop_str(props, NAME_KEYS);
    // The explicit kind wins; OSM healthcare/amenity tags next.
    let kind_texts: Vec<String> = [KIND_KEYS, &["healthcare"], &["amenity"]]
        .iter()
        .filter_map(|keys| prop_str(props, keys))
        .collect();
    // A township health center named …分院, or marked `branch` / `分院`, is a branch.
    let branch = prop_bool(props, &["branch", "分院"]) == Some(true)
        || name
            .as_deref()
            .is_some_and(|n| n.trim_end().ends_with("分院"));
    let kind = kind_texts
        .iter()
        .find_map(|t| parse_facility_kind(t))
        .map(|k| match k {
            FacilityKind::TownshipHealthCenter if branch => {
                FacilityKind::TownshipHealthCenterBranch
            }
            k => k,
        });
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
            ownership: prop_str(
                props,
                &["ownership", "所有制", "性质", "经营性质", "经济类型"],
            )
            .and_then(|o| parse_ownership(&o)),
            lead: prop_bool(props, &["lead", "牵头医院", "医共体牵头医院"]).unwrap_or(false),
            centers,
            admin_code: prop_str(props, &["admin_code", "所属区划代码", "区划代码"])
                .map(|c| normalize_code(&c)),
            planned: prop_bool(props, &["planned", "规划", "拟建"]).unwrap_or(false),
            capacity: Capacity {
                capacity: prop_count(props, CapacityField::Capacity.names()),
                doctors: prop_count(props, CapacityField::Doctors.names()),
                beds: prop_count(props, CapacityField::Beds.names()),
                staff: prop_count(props, CapacityField::Staff.names()),
            },
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
pub(super) fn prop_list(props: &Map<String, Value>, keys: &[&str]) -> Vec<String> {
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
/// use medreach::engine::io::properties::normalize_code;
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
/// use medreach::engine::io::properties::parse_grade;
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
/// use medreach::{engine::io::properties::parse_center, engine::model::Center};
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

/// Maps a Chinese road grade to the OSM class whose speeds it takes (an OSM class is
/// lower-cased).
pub fn road_class(raw: &str) -> String {
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
/// use medreach::engine::io::properties::parse_maxspeed_kmh;
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

/// Adds a road (its class, one-way, motor-vehicle access and speed from the properties), or
/// says why it is not a usable road.
pub fn push_road(
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
    let closed = closed_to_motor_vehicles(|k| prop_str(props, &[k]));
    let walk_only = is_walk_only_class(&class);
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

/// Adds an admin unit (name, code, level, population, special-area flags).
pub fn push_admin(
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
