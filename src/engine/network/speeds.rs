//! Travel modes, the speed table by road class, and the speeds of a road in a mode.

use crate::engine::model::{is_walk_only_class, Oneway, Road};
use serde::{Deserialize, Serialize};

/// How residents travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On foot: 5 km/h on every road but motorways and trunk roads, both ways.
    Walk,
    /// By motor vehicle: the road's speed, one-way honoured; roads closed to motor vehicles
    /// are walked.
    Drive,
    /// By electric bicycle (电动车), the countryside's way to the clinic (`RULES.md`): the
    /// table's e-bike speed (15 km/h by default, or the road's limit when lower, never below
    /// walking) on every road but motorways and trunk roads, one-way honoured (pushed against
    /// it at walking speed); footways, paths and steps walked, both ways.
    Ebike,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Walk, Mode::Drive, Mode::Ebike];

    /// `"walk"`, `"drive"` or `"ebike"`.
    pub fn id(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Drive => "drive",
            Mode::Ebike => "ebike",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "walk" => Ok(Mode::Walk),
            "drive" => Ok(Mode::Drive),
            "ebike" | "e-bike" => Ok(Mode::Ebike),
            _ => Err(format!("unknown mode \"{s}\" (walk, drive or ebike)")),
        }
    }
}

/// Speeds by road class, in km/h (`RULES.md`, "Default speeds"; a local setting).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeedTable {
    /// Walking speed on any walkable road.
    pub walk_kmh: f64,
    /// Off-road speed for the straight legs to and from the network.
    pub offroad_kmh: f64,
    /// Motor-vehicle speed by OSM `highway` class when the road has no speed of its own.
    pub drive_kmh: Vec<(String, f64)>,
    /// Motor-vehicle speed for a drivable class missing from `drive_kmh`.
    pub drive_default_kmh: f64,
    /// E-bike speed on roads a bike may use.
    #[serde(default = "default_ebike_kmh")]
    pub ebike_kmh: f64,
}

fn default_ebike_kmh() -> f64 {
    15.0
}

impl Default for SpeedTable {
    fn default() -> Self {
        let drive = [
            ("motorway", 100.0),
            ("motorway_link", 60.0),
            ("trunk", 80.0),
            ("trunk_link", 50.0),
            ("primary", 60.0),
            ("primary_link", 45.0),
            ("secondary", 50.0),
            ("secondary_link", 40.0),
            ("tertiary", 40.0),
            ("tertiary_link", 30.0),
            ("unclassified", 30.0),
            ("road", 25.0),
            ("residential", 25.0),
            ("service", 15.0),
            ("living_street", 10.0),
        ];
        SpeedTable {
            walk_kmh: 5.0,
            offroad_kmh: 4.0,
            drive_kmh: drive.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
            drive_default_kmh: 25.0,
            ebike_kmh: default_ebike_kmh(),
        }
    }
}

impl SpeedTable {
    /// A table from a file's text, TOML or JSON, over the defaults: `walk_kmh`, `offroad_kmh`,
    /// `ebike_kmh`, `drive_default_kmh`, and `drive_kmh` as a table of class = km/h (the
    /// classes listed replace their defaults; the others keep theirs). Unknown keys are errors.
    ///
    /// ```
    /// let t = medreach::engine::network::SpeedTable::parse(
    ///     "walk_kmh = 4.5\n[drive_kmh]\nprimary = 50\ntrack = 10\n",
    /// ).unwrap();
    /// assert_eq!(t.walk_kmh, 4.5);
    /// assert_eq!(t.drive_class_kmh("primary"), Some(50.0));
    /// assert_eq!(t.drive_class_kmh("track"), Some(10.0));
    /// assert_eq!(t.drive_class_kmh("secondary"), Some(50.0), "a default kept");
    /// ```
    pub fn parse(text: &str) -> Result<SpeedTable, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            walk_kmh: Option<f64>,
            offroad_kmh: Option<f64>,
            ebike_kmh: Option<f64>,
            drive_default_kmh: Option<f64>,
            drive_kmh: Option<std::collections::BTreeMap<String, f64>>,
        }
        let file: File = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| e.to_string())?
        } else {
            toml::from_str(text).map_err(|e| e.to_string())?
        };
        let mut t = SpeedTable::default();
        t.walk_kmh = file.walk_kmh.unwrap_or(t.walk_kmh);
        t.offroad_kmh = file.offroad_kmh.unwrap_or(t.offroad_kmh);
        t.ebike_kmh = file.ebike_kmh.unwrap_or(t.ebike_kmh);
        t.drive_default_kmh = file.drive_default_kmh.unwrap_or(t.drive_default_kmh);
        for (class, kmh) in file.drive_kmh.unwrap_or_default() {
            match t.drive_kmh.iter_mut().find(|(c, _)| *c == class) {
                Some(slot) => slot.1 = kmh,
                None => t.drive_kmh.push((class, kmh)),
            }
        }
        Ok(t)
    }

    /// The table's motor-vehicle speed for `class`, if it lists one.
    pub fn drive_class_kmh(&self, class: &str) -> Option<f64> {
        self.drive_kmh
            .iter()
            .find(|(c, _)| c == class)
            .map(|(_, v)| *v)
    }
}

/// Classes closed to pedestrians: motorways and trunk roads with their links.
pub fn is_walkable_class(class: &str) -> bool {
    !matches!(class, "motorway" | "motorway_link" | "trunk" | "trunk_link")
}

/// Converts km/h to metres per minute.
pub fn kmh_to_m_per_min(kmh: f64) -> f64 {
    kmh * 1000.0 / 60.0
}

/// Speeds of a road in a mode, in m/min: (along the vertex order, against it). `None` when
/// the road is not usable in this mode at all.
pub fn road_speeds(
    road: &Road,
    mode: Mode,
    speeds: &SpeedTable,
) -> Option<(Option<f64>, Option<f64>)> {
    let walk = kmh_to_m_per_min(speeds.walk_kmh);
    let one_way = |v: f64| match road.oneway {
        Oneway::No => (Some(v), Some(v)),
        Oneway::Forward => (Some(v), None),
        Oneway::Backward => (None, Some(v)),
    };
    match mode {
        Mode::Walk => is_walkable_class(&road.class).then_some((Some(walk), Some(walk))),
        Mode::Ebike => {
            if !is_walkable_class(&road.class) {
                return None;
            }
            if is_walk_only_class(&road.class) {
                return Some((Some(walk), Some(walk)));
            }
            let kmh = road
                .speed_kmh
                .map_or(speeds.ebike_kmh, |limit| limit.min(speeds.ebike_kmh));
            // Ridden along a one-way street, pushed against it at walking speed.
            let (along, against) = one_way(kmh_to_m_per_min(kmh).max(walk));
            Some((along.or(Some(walk)), against.or(Some(walk))))
        }
        Mode::Drive => {
            let drive_kmh = if road.drivable {
                road.speed_kmh
                    .or_else(|| speeds.drive_class_kmh(&road.class))
                    .or_else(|| {
                        (!is_walk_only_class(&road.class)).then_some(speeds.drive_default_kmh)
                    })
            } else {
                None
            };
            let Some(kmh) = drive_kmh else {
                return Some((Some(walk), Some(walk)));
            };
            Some(one_way(kmh_to_m_per_min(kmh)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::Source;

    fn road(class: &str, oneway: Oneway, speed_kmh: Option<f64>) -> Road {
        Road {
            source: Source {
                file: 0,
                feature: 0,
            },
            name: None,
            class: class.into(),
            oneway,
            drivable: true,
            speed_kmh,
            lines: Vec::new(),
        }
    }

    #[test]
    fn e_bikes_ride_roads_and_walk_footways() {
        let t = SpeedTable::default();
        let m = kmh_to_m_per_min;
        let speeds = |r: &Road| road_speeds(r, Mode::Ebike, &t);
        assert_eq!(
            speeds(&road("primary", Oneway::No, Some(60.0))),
            Some((Some(m(15.0)), Some(m(15.0))))
        );
        assert_eq!(
            speeds(&road("residential", Oneway::No, Some(10.0))),
            Some((Some(m(10.0)), Some(m(10.0))))
        );
        assert_eq!(
            speeds(&road("residential", Oneway::Forward, None)),
            Some((Some(m(15.0)), Some(m(5.0)))),
            "pushed against a one-way street"
        );
        assert_eq!(
            speeds(&road("footway", Oneway::No, None)),
            Some((Some(m(5.0)), Some(m(5.0))))
        );
        assert_eq!(
            speeds(&road("steps", Oneway::Forward, None)),
            Some((Some(m(5.0)), Some(m(5.0))))
        );
        assert_eq!(speeds(&road("motorway", Oneway::No, None)), None);
        assert_eq!(speeds(&road("trunk_link", Oneway::No, None)), None);
        assert_eq!("e-bike".parse::<Mode>(), Ok(Mode::Ebike));
        assert_eq!(Mode::Ebike.id(), "ebike");
    }
}
