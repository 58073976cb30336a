//! The demo shown on first visit: the shared Andorra case (OpenStreetMap data), built into the
//! page so it works offline and from a file.

/// The demo's files: (name, GeoJSON text).
pub const FILES: [(&str, &str); 4] = [
    (
        "andorra/roads.geojson",
        include_str!("../../demo/andorra/roads.geojson"),
    ),
    (
        "andorra/facilities.geojson",
        include_str!("../../demo/andorra/facilities.geojson"),
    ),
    (
        "andorra/settlements.geojson",
        include_str!("../../demo/andorra/settlements.geojson"),
    ),
    (
        "andorra/admin.geojson",
        include_str!("../../demo/andorra/admin.geojson"),
    ),
];
