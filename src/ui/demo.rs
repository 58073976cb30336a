//! The demos' files, built into the page so it works offline and from a file: a generated
//! county that exercises every rule (the default), and the Andorra OpenStreetMap case. Which
//! demo is shown is [`crate::app::jobs::Demo`].

use crate::app::jobs::Demo;

impl Demo {
    /// The demo's files: (name, GeoJSON text); none for the synthetic network, which the
    /// worker generates.
    pub fn files(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Demo::Synthetic(_) => Vec::new(),
            Demo::County => vec![
                (
                    "county/roads.geojson",
                    include_str!("../../demo/county/roads.geojson"),
                ),
                (
                    "county/facilities.geojson",
                    include_str!("../../demo/county/facilities.geojson"),
                ),
                (
                    "county/settlements.geojson",
                    include_str!("../../demo/county/settlements.geojson"),
                ),
                (
                    "county/admin.geojson",
                    include_str!("../../demo/county/admin.geojson"),
                ),
            ],
            Demo::Andorra => vec![
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
            ],
        }
    }
}
