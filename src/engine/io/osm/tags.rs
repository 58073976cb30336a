//! What OpenStreetMap tags mean to MedReach: the value lists of the module docs (ways that are
//! not roads, road tags, health amenities, settlement places, homes) and the parsing of tag
//! values (population, levels).

use crate::engine::model::FacilityKind;

/// An element's tags: (key, value) in the file's order.
pub(super) type Tags = Vec<(String, String)>;

/// A tag's value, trimmed; `None` when absent or blank.
pub(super) fn tag<'a>(tags: &'a [(String, String)], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// OSM `highway` values that mark an area or a point rather than a way one travels along; the
/// GeoJSON reader's own list of classes that are not roads applies as well.
pub(super) const OSM_NOT_WAYS: &[&str] = &[
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
pub(super) const ROAD_TAGS: &[&str] = &["highway", "name", "name:zh", "oneway"];

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
pub(super) const SETTLEMENT_PLACES: &[&str] = &[
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
pub(super) fn facility_kind(tags: &[(String, String)]) -> Option<FacilityKind> {
    if let Some(h) = tag(tags, "healthcare").filter(|h| *h != "no") {
        return Some(
            super::super::properties::parse_facility_kind(h).unwrap_or(FacilityKind::OtherHealth),
        );
    }
    let amenity = tag(tags, "amenity")?;
    if HEALTH_AMENITIES.contains(&amenity) {
        super::super::properties::parse_facility_kind(amenity)
    } else {
        None
    }
}

/// An OSM population value: digits, optionally grouped in thousands by `,` `.` `'` or spaces.
pub(super) fn parse_population(raw: &str) -> Option<f64> {
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
pub(super) fn parse_levels(raw: &str) -> Option<f64> {
    let first = raw.split([';', ',', '-']).next()?.trim();
    let v: f64 = first.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v.clamp(1.0, 500.0))
}

/// Whether a building way's tags make it a home (the rule in the module docs).
pub(super) fn is_residential(tags: &[(String, String)]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The access policy of every reader, asked with an OSM way's tags.
    fn closed_to_cars(tags: &[(String, String)]) -> bool {
        super::super::super::properties::closed_to_motor_vehicles(|k| {
            tag(tags, k).map(str::to_string)
        })
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
}
