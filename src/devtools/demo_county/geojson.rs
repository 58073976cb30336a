//! Output, the four GeoJSON layers as text: properties in the order given, one feature per
//! line, coordinates in WGS84 degrees.

use super::builder::Builder;
use super::plan::Level;
use super::plane::lonlat;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

/// Feature properties in the order given (serde_json's map would sort them).
pub(super) struct Props(Vec<(String, Value)>);

impl Props {
    pub(super) fn new() -> Props {
        Props(Vec::new())
    }
    pub(super) fn push(&mut self, key: &str, value: Value) {
        self.0.push((key.to_string(), value));
    }
}

impl Serialize for Props {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

pub(super) fn feature<G: Serialize + ?Sized>(props: &Props, kind: &str, coordinates: &G) -> String {
    let props = serde_json::to_string(props).expect("properties serialise");
    let coords = serde_json::to_string(coordinates).expect("coordinates serialise");
    format!(
        r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"{kind}","coordinates":{coords}}}}}"#
    )
}

/// A FeatureCollection with one feature per line.
fn collection(features: impl Iterator<Item = String>) -> String {
    let body: Vec<String> = features.collect();
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        body.join(",\n")
    )
}

impl Builder {
    fn code_of_cell(&self, cell: usize) -> String {
        let u = self.leaf[cell].expect("every point lies in the county");
        self.units[u].code.clone()
    }

    pub(super) fn admin_text(&self) -> String {
        let mut order: Vec<usize> = (0..self.units.len()).collect();
        order.sort_by_key(|&u| {
            let rank = match self.units[u].level {
                Level::County => 0,
                Level::Town | Level::Township | Level::Subdistrict => 1,
                Level::Village | Level::Community => 2,
            };
            (rank, self.units[u].code.clone())
        });
        let features = order.into_iter().map(|u| {
            let unit = &self.units[u];
            let mut props = Props::new();
            props.push("名称", json!(unit.name));
            props.push("级别", json!(unit.level.zh()));
            props.push("区划代码", json!(unit.code));
            props.push("人口", json!(unit.population));
            if unit.county_town {
                props.push("县城", json!(true));
            }
            if let Some(code) = &unit.merged_into {
                props.push("并入", json!(code));
            }
            for flag in unit.flags.named() {
                props.push(flag, json!(true));
            }
            let rings: Vec<Vec<[f64; 2]>> = self
                .lat
                .rings(&unit.cells)
                .into_iter()
                .map(|r| r.into_iter().map(|v| lonlat(self.lat.verts[v])).collect())
                .collect();
            feature(&props, "Polygon", &rings)
        });
        collection(features)
    }

    pub(super) fn roads_text(&self) -> String {
        let features = self.roads.iter().map(|r| {
            let mut props = Props::new();
            props.push("highway", json!(r.class));
            if let Some(name) = &r.name {
                props.push("name", json!(name));
            }
            if let Some(oneway) = r.oneway {
                props.push("oneway", json!(oneway));
            }
            if let Some(speed) = r.maxspeed {
                props.push("maxspeed", json!(speed));
            }
            let mut coords: Vec<[f64; 2]> = Vec::with_capacity(r.pts.len());
            for q in &r.pts {
                let c = lonlat(*q);
                if coords.last() != Some(&c) {
                    coords.push(c);
                }
            }
            feature(&props, "LineString", &coords)
        });
        collection(features)
    }

    pub(super) fn facilities_text(&self) -> String {
        let features = self.facilities.iter().map(|f| {
            let mut props = Props::new();
            props.push("名称", json!(f.name));
            props.push("类型", json!(f.kind));
            for (k, v) in &f.extra {
                props.push(k, v.clone());
            }
            props.push("所属区划代码", json!(self.code_of_cell(f.cell)));
            feature(&props, "Point", &lonlat(f.at))
        });
        collection(features)
    }

    pub(super) fn settlements_text(&self) -> String {
        let features = self.settlements.iter().map(|s| {
            let mut props = Props::new();
            props.push("名称", json!(s.name));
            props.push("人口", json!(s.population));
            props.push("所属区划代码", json!(self.code_of_cell(s.cell)));
            feature(&props, "Point", &lonlat(s.at))
        });
        collection(features)
    }
}
