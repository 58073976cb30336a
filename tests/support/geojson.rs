//! GeoJSON fixtures in metres: a [`Plane`] places points at exact offsets in metres in the plane
//! MedReach measures in (the UTM zone the engine picks for the origin), through the engine's own
//! inverse projection, so distances and travel times can be worked out by hand; the feature
//! functions and the [`Scene`] builder write the GeoJSON.

use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::crs::{LonLat, Projector, UtmZone, Xy};
use medreach::engine::dataset::Dataset;
use medreach::engine::report::Report;
use medreach::engine::rules::RuleParams;
use serde_json::{json, Value};
use std::fmt::Display;

/// Local metres east and north of an origin ↔ lon/lat, in the UTM zone containing the origin.
#[derive(Clone, Debug)]
pub struct Plane {
    projector: Projector,
    origin: Xy,
}

impl Plane {
    /// The plane around (`lon`, `lat`), which is (0, 0).
    pub fn new(lon: f64, lat: f64) -> Plane {
        let origin = LonLat { lon, lat };
        let projector = Projector::new(UtmZone::containing(origin));
        let origin = projector.project(origin);
        Plane { projector, origin }
    }

    /// The projector of the plane's UTM zone.
    pub fn projector(&self) -> Projector {
        self.projector.clone()
    }

    /// The lon/lat that projects to `origin + (x, y)` metres (the engine's own inverse
    /// projection).
    pub fn at(&self, x: f64, y: f64) -> LonLat {
        let target = Xy {
            x: self.origin.x + x,
            y: self.origin.y + y,
        };
        let p = self.projector.unproject(target);
        let xy = self.projector.project(p);
        assert!(
            (xy.x - target.x).hypot(xy.y - target.y) < 1e-6,
            "inverse projection did not converge"
        );
        p
    }

    /// The GeoJSON position `[lon, lat]` of `(x, y)` metres.
    pub fn position(&self, x: f64, y: f64) -> Value {
        position(self.at(x, y))
    }

    /// A point feature at `(x, y)` metres.
    pub fn point(&self, x: f64, y: f64, props: Value) -> Value {
        point(self.at(x, y), props)
    }

    /// A line feature through `points` (metres).
    pub fn line(&self, points: &[(f64, f64)], props: Value) -> Value {
        let points: Vec<LonLat> = points.iter().map(|&(x, y)| self.at(x, y)).collect();
        line(&points, props)
    }

    /// A polygon feature: the lon/lat rectangle whose west and east edges are the meridians
    /// through `x0` and `x1` metres east of the origin, and whose south and north edges are the
    /// parallels through `y0` and `y1` metres north of it. Rectangles that share an edge in
    /// metres share it exactly in degrees.
    pub fn rectangle(&self, props: Value, x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
        let (w, e) = (self.at(x0, 0.0).lon, self.at(x1, 0.0).lon);
        let (s, n) = (self.at(0.0, y0).lat, self.at(0.0, y1).lat);
        let ring = json!([[w, s], [e, s], [e, n], [w, n], [w, s]]);
        feature(props, json!({"type": "Polygon", "coordinates": [ring]}))
    }
}

/// The GeoJSON position `[lon, lat]` (written as the shortest decimals that read back as the
/// same numbers).
pub fn position(p: LonLat) -> Value {
    json!([p.lon, p.lat])
}

pub fn feature(props: Value, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": geometry})
}

pub fn point(p: LonLat, props: Value) -> Value {
    feature(props, json!({"type": "Point", "coordinates": position(p)}))
}

pub fn line(points: &[LonLat], props: Value) -> Value {
    let coords: Vec<Value> = points.iter().map(|&p| position(p)).collect();
    feature(props, json!({"type": "LineString", "coordinates": coords}))
}

/// A FeatureCollection of `features` (JSON values or JSON text).
pub fn collection(features: &[impl Display]) -> String {
    let features: Vec<String> = features.iter().map(|f| f.to_string()).collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",\n")
    )
}

/// A FeatureCollection under construction, in one file; coordinates are metres on its
/// [`Plane`], properties those of `docs/VOCABULARY.md`.
#[derive(Clone, Debug)]
pub struct Scene {
    plane: Plane,
    features: Vec<Value>,
}

impl Scene {
    /// An empty scene on `plane`.
    pub fn on(plane: Plane) -> Scene {
        Scene {
            plane,
            features: Vec::new(),
        }
    }

    pub fn feature(mut self, props: Value, geometry: Value) -> Scene {
        self.features.push(feature(props, geometry));
        self
    }

    /// An admin unit: the rectangle `[x0, y0] – [x1, y1]` metres (see [`Plane::rectangle`]).
    pub fn unit(mut self, props: Value, x0: f64, y0: f64, x1: f64, y1: f64) -> Scene {
        let unit = self.plane.rectangle(props, x0, y0, x1, y1);
        self.features.push(unit);
        self
    }

    /// An admin unit with a name and a level (Chinese keys).
    pub fn admin(self, name: &str, level: &str, rect: [f64; 4]) -> Scene {
        self.unit(
            json!({"名称": name, "级别": level}),
            rect[0],
            rect[1],
            rect[2],
            rect[3],
        )
    }

    /// An admin unit with a name, a level and a given population (English keys).
    pub fn admin_pop(self, name: &str, level: &str, population: f64, rect: [f64; 4]) -> Scene {
        self.unit(
            json!({"name": name, "level": level, "population": population}),
            rect[0],
            rect[1],
            rect[2],
            rect[3],
        )
    }

    pub fn point(mut self, props: Value, x: f64, y: f64) -> Scene {
        let point = self.plane.point(x, y, props);
        self.features.push(point);
        self
    }

    /// A facility with a name and a kind (Chinese keys and values).
    pub fn facility(self, name: &str, kind: &str, x: f64, y: f64) -> Scene {
        self.point(json!({"名称": name, "类型": kind}), x, y)
    }

    /// A settlement with a name and residents.
    pub fn settlement(self, name: &str, population: f64, x: f64, y: f64) -> Scene {
        self.point(json!({"name": name, "人口": population}), x, y)
    }

    /// A residential road through the given points (metres).
    pub fn road(mut self, points: &[(f64, f64)]) -> Scene {
        let road = self.plane.line(points, json!({"highway": "residential"}));
        self.features.push(road);
        self
    }

    /// A road with its own properties through the given points (metres).
    pub fn road_with(mut self, props: Value, points: &[(f64, f64)]) -> Scene {
        let road = self.plane.line(points, props);
        self.features.push(road);
        self
    }

    /// The plane the scene is placed on.
    pub fn plane(&self) -> &Plane {
        &self.plane
    }

    pub fn text(&self) -> String {
        collection(&self.features)
    }

    /// The scene loaded as one file, with no feature skipped.
    pub fn dataset(&self) -> Dataset {
        let mut data = Dataset::default();
        let loaded = data
            .load("case.geojson", &self.text())
            .expect("valid GeoJSON");
        assert!(
            loaded.layers.skipped.is_empty(),
            "skipped: {:?}",
            loaded.layers.skipped
        );
        data
    }

    /// The report with the default options.
    pub fn check(&self) -> Report {
        self.check_with(RuleParams::default())
    }

    /// The report with the default options and the rule parameters `rules`.
    pub fn check_with(&self, rules: RuleParams) -> Report {
        let options = Options {
            rules,
            ..Options::default()
        };
        check(&self.dataset(), &options).expect("the check runs")
    }
}
