//! The administrative hierarchy: county → township / sub-district → village / community.
//!
//! Parents come from division codes (the 6- or 9-digit prefix of a 12-digit code) or, for a
//! unit without a usable code, from the smallest unit of a higher tier whose polygon contains
//! the unit's interior point. Facilities and settlements belong to the unit their
//! `admin_code` names or else to the deepest, smallest unit whose polygon contains them, and
//! so to every unit above it; a unit without a level stands outside the tree and holds what
//! its polygon contains. [`Hierarchy::settlements_in`] is the one answer to "what is in this
//! unit" for the report's per-unit figures and the rules alike.
//! A unit's population is its own figure where given, else the sum of the settlements in it
//! and its descendants; [`PopulationSource`] says which.

use crate::engine::crs::LonLat;
use crate::engine::model::{AdminUnit, FacilityId, Layers, Level, SettlementId, UnitId};
use geo::{Area, BoundingRect, Contains, InteriorPoint};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a unit's population figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationSource {
    /// The unit's own `population` property.
    Given,
    /// The sum of the settlements inside it.
    Settlements,
    /// Neither: no figure and no settlements.
    None,
}

/// One unit's place in the hierarchy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitNode {
    /// Its level, when known.
    pub level: Option<Level>,
    /// The unit above it.
    pub parent: Option<UnitId>,
    /// The units directly below it.
    pub children: Vec<UnitId>,
    /// A point inside it (for the map and for containment of units).
    pub interior: Option<LonLat>,
    /// Population and where it comes from.
    pub population: f64,
    /// Where the population comes from.
    pub population_source: PopulationSource,
}

/// The hierarchy over the admin layer of a [`Layers`].
#[derive(Clone, Debug, PartialEq)]
pub struct Hierarchy {
    /// Per admin unit (same order as `layers.admin`).
    pub units: Vec<UnitNode>,
    /// Per facility, the unit it belongs to (see [`Hierarchy::unit_of_facility`]).
    pub facility_unit: Vec<Option<UnitId>>,
    /// Per settlement, the unit it belongs to (see [`Hierarchy::unit_of_settlement`]).
    pub settlement_unit: Vec<Option<UnitId>>,
    /// Per unit, the facilities in it or below it, ascending.
    facility_members: Vec<Vec<FacilityId>>,
    /// Per unit, the settlements in it or below it, ascending.
    settlement_members: Vec<Vec<SettlementId>>,
}

/// The bounding boxes of admin units in a spatial index, so that finding the units around a
/// point looks at the few whose box holds it, not at every unit of a province.
pub struct UnitBoxes(RTree<GeomWithData<Rectangle<[f64; 2]>, UnitId>>);

impl UnitBoxes {
    /// Indexes the boxes (`None` for a unit without a polygon), by unit index.
    pub fn new(boxes: impl IntoIterator<Item = Option<geo::Rect<f64>>>) -> UnitBoxes {
        UnitBoxes(RTree::bulk_load(
            boxes
                .into_iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    let b = b?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]),
                        UnitId(i),
                    ))
                })
                .collect(),
        ))
    }

    /// The units whose box meets `rect` (edges included), ascending.
    pub fn overlapping(&self, rect: geo::Rect<f64>) -> Vec<UnitId> {
        let envelope =
            rstar::AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut v: Vec<UnitId> = self
            .0
            .locate_in_envelope_intersecting(&envelope)
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }

    /// The units whose box holds `p` (edges included), ascending.
    pub fn at(&self, p: LonLat) -> Vec<UnitId> {
        let mut v: Vec<UnitId> = self
            .0
            .locate_all_at_point(&[p.lon, p.lat])
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Per unit, the items in it or in a unit below it, ascending.
fn members<I: Copy>(
    units: &[UnitNode],
    item_unit: &[Option<UnitId>],
    id: impl Fn(usize) -> I,
) -> Vec<Vec<I>> {
    let mut out = vec![Vec::new(); units.len()];
    for (k, unit) in item_unit.iter().enumerate() {
        let mut cur = *unit;
        while let Some(u) = cur {
            out[u.0].push(id(k));
            cur = units[u.0].parent;
        }
    }
    out
}

/// What placing points and units in the admin layer needs: each unit's polygon, box and
/// tier, and the units by code.
struct Places<'a> {
    layers: &'a Layers,
    shapes: Vec<Shape>,
    by_code: HashMap<&'a str, UnitId>,
    boxes: UnitBoxes,
    /// Per unit, whether it has no level (stands outside the tree).
    loose: Vec<bool>,
}

impl<'a> Places<'a> {
    fn new(layers: &'a Layers) -> Places<'a> {
        let shapes: Vec<Shape> = layers.admin.iter().map(shape).collect();
        let by_code = layers
            .unit_ids()
            .filter_map(|i| layers.unit(i).code.as_deref().map(|c| (c, i)))
            .collect();
        let boxes = UnitBoxes::new(shapes.iter().map(|s| s.bbox));
        let loose = layers.admin.iter().map(|u| u.level.is_none()).collect();
        Places {
            layers,
            shapes,
            by_code,
            boxes,
            loose,
        }
    }

    fn tier(&self, i: UnitId) -> Option<u8> {
        self.layers.unit(i).level.map(Level::tier)
    }

    /// The deepest, smallest unit containing a point, among units of tier below
    /// `below_tier` (the last in input order among equals).
    fn containing(&self, p: LonLat, below_tier: u8) -> Option<UnitId> {
        let pt = geo::Point::new(p.lon, p.lat);
        self.boxes
            .at(p)
            .into_iter()
            .filter(|&i| self.tier(i).is_some_and(|t| t < below_tier))
            .filter(|&i| self.shapes[i.0].polygon.contains(&pt))
            .max_by(|&a, &b| {
                self.tier(a)
                    .cmp(&self.tier(b))
                    .then(self.shapes[b.0].area.total_cmp(&self.shapes[a.0].area))
            })
    }

    /// The unit a point belongs to: the one its code names, else the deepest containing it.
    fn locate(&self, code: &Option<String>, at: LonLat) -> Option<UnitId> {
        code.as_deref()
            .and_then(|c| self.by_code.get(c).copied())
            .or_else(|| self.containing(at, 3))
    }

    /// The units' tree: each unit's parent (by code prefix, else the smallest unit of a
    /// higher tier containing its interior point), children and interior point.
    fn units(&self, layers: &Layers) -> Vec<UnitNode> {
        let mut units: Vec<UnitNode> = layers
            .admin
            .iter()
            .zip(&self.shapes)
            .map(|(u, s)| UnitNode {
                level: u.level,
                parent: None,
                children: Vec::new(),
                interior: s.polygon.interior_point().map(|p| LonLat {
                    lon: p.x(),
                    lat: p.y(),
                }),
                population: 0.0,
                population_source: PopulationSource::None,
            })
            .collect();
        for i in layers.unit_ids() {
            let Some(t) = self.tier(i) else { continue };
            if t == 0 {
                continue;
            }
            let by_prefix = layers
                .unit(i)
                .code
                .as_deref()
                .filter(|c| c.len() == 12)
                .and_then(|c| {
                    let parent_code = if t == 2 {
                        format!("{}000", &c[..9])
                    } else {
                        format!("{}000000", &c[..6])
                    };
                    self.by_code
                        .get(parent_code.as_str())
                        .copied()
                        .filter(|&p| self.tier(p).is_some_and(|pt| pt < t))
                });
            let parent =
                by_prefix.or_else(|| units[i.0].interior.and_then(|p| self.containing(p, t)));
            units[i.0].parent = parent;
            if let Some(p) = parent {
                units[p.0].children.push(i);
            }
        }
        units
    }

    /// A unit without a level stands outside the tree: each item (`at` its position) lying
    /// inside its polygon is added to its members.
    fn add_loose<I: Copy>(
        &self,
        items: impl Iterator<Item = I>,
        item_members: &mut [Vec<I>],
        at: impl Fn(I) -> LonLat,
    ) {
        if !self.loose.iter().any(|&l| l) {
            return;
        }
        for k in items {
            let p = at(k);
            let pt = geo::Point::new(p.lon, p.lat);
            for u in self.boxes.at(p) {
                if self.loose[u.0] && self.shapes[u.0].polygon.contains(&pt) {
                    item_members[u.0].push(k);
                }
            }
        }
    }
}

struct Shape {
    polygon: geo::MultiPolygon<f64>,
    bbox: Option<geo::Rect<f64>>,
    area: f64,
}

fn shape(unit: &AdminUnit) -> Shape {
    let polygon = crate::engine::model::to_geo(&unit.polygons);
    Shape {
        bbox: polygon.bounding_rect(),
        area: polygon.unsigned_area(),
        polygon,
    }
}

impl Hierarchy {
    /// Builds the hierarchy of `layers`.
    pub fn build(layers: &Layers) -> Hierarchy {
        Hierarchy::build_after(layers, None)
    }

    /// [`Hierarchy::build`], reusing `prior`, the hierarchy of the layers `prior_layers`, when
    /// their admin units and settlements are those of `layers` (after a facility edit): the
    /// units' tree, interior points and populations and the settlements' places are kept, and
    /// only the facilities are placed again. The same result as building afresh.
    pub fn build_after(layers: &Layers, prior: Option<(&Layers, Hierarchy)>) -> Hierarchy {
        let places = Places::new(layers);
        let kept = prior
            .filter(|(l, _)| l.admin == layers.admin && l.settlements == layers.settlements)
            .map(|(_, h)| h);
        let mut h = match kept {
            Some(h) => Hierarchy {
                facility_unit: Vec::new(),
                facility_members: Vec::new(),
                ..h
            },
            None => {
                let units = places.units(layers);
                let settlement_unit: Vec<Option<UnitId>> = layers
                    .settlements
                    .iter()
                    .map(|s| places.locate(&s.admin_code, s.at))
                    .collect();
                let mut settlement_members = members(&units, &settlement_unit, SettlementId);
                places.add_loose(layers.settlement_ids(), &mut settlement_members, |k| {
                    layers.settlement(k).at
                });
                let mut h = Hierarchy {
                    facility_members: Vec::new(),
                    settlement_members,
                    units,
                    facility_unit: Vec::new(),
                    settlement_unit,
                };
                h.set_populations(layers);
                h
            }
        };
        h.facility_unit = layers
            .facilities
            .iter()
            .map(|f| places.locate(&f.admin_code, f.at))
            .collect();
        h.facility_members = members(&h.units, &h.facility_unit, FacilityId);
        places.add_loose(layers.facility_ids(), &mut h.facility_members, |k| {
            layers.facility(k).at
        });
        h
    }

    /// Each unit's population: its own figure where given, else the sum over its members.
    fn set_populations(&mut self, layers: &Layers) {
        // Sums over each unit's members, in settlement order.
        let sums: Vec<(f64, usize)> = self
            .settlement_members
            .iter()
            .map(|m| {
                let total = m.iter().map(|&k| layers.settlement(k).population).sum();
                (total, m.len())
            })
            .collect();
        for (i, node) in self.units.iter_mut().enumerate() {
            (node.population, node.population_source) = match (layers.admin[i].population, sums[i])
            {
                (Some(p), _) => (p, PopulationSource::Given),
                (None, (sum, n)) if n > 0 => (sum, PopulationSource::Settlements),
                _ => (0.0, PopulationSource::None),
            };
        }
    }

    /// The unit `id`'s place in the hierarchy.
    pub fn node(&self, id: UnitId) -> &UnitNode {
        &self.units[id.0]
    }

    /// The unit facility `f` belongs to.
    pub fn unit_of_facility(&self, f: FacilityId) -> Option<UnitId> {
        self.facility_unit[f.0]
    }

    /// The unit settlement `s` belongs to.
    pub fn unit_of_settlement(&self, s: SettlementId) -> Option<UnitId> {
        self.settlement_unit[s.0]
    }

    /// Whether `unit` is `ancestor` or lies below it.
    pub fn is_within(&self, unit: UnitId, ancestor: UnitId) -> bool {
        let mut cur = Some(unit);
        while let Some(u) = cur {
            if u == ancestor {
                return true;
            }
            cur = self.node(u).parent;
        }
        false
    }

    /// Facilities that belong to `unit` or a unit below it.
    pub fn facilities_in(&self, unit: UnitId) -> impl Iterator<Item = FacilityId> + '_ {
        self.facility_members[unit.0].iter().copied()
    }

    /// Settlements that belong to `unit` or a unit below it.
    pub fn settlements_in(&self, unit: UnitId) -> impl Iterator<Item = SettlementId> + '_ {
        self.settlement_members[unit.0].iter().copied()
    }

    /// The county above (or at) `unit`.
    pub fn county_of(&self, unit: UnitId) -> Option<UnitId> {
        let mut cur = Some(unit);
        while let Some(u) = cur {
            if self.node(u).level == Some(Level::County) {
                return Some(u);
            }
            cur = self.node(u).parent;
        }
        None
    }

    /// Units of a level, in input order.
    pub fn units_of(&self, level: Level) -> impl Iterator<Item = UnitId> + '_ {
        (0..self.units.len())
            .map(UnitId)
            .filter(move |&i| self.node(i).level == Some(level))
    }

    /// The unit's name with its ancestors', e.g. `某县 / 某镇 / 某村`.
    pub fn path_name(&self, layers: &Layers, unit: UnitId) -> String {
        let mut names = Vec::new();
        let mut cur = Some(unit);
        while let Some(u) = cur {
            names.push(unit_name(layers, u));
            cur = self.node(u).parent;
        }
        names.reverse();
        names.join(" / ")
    }
}

/// A unit's name, or its code, or its position.
pub fn unit_name(layers: &Layers, unit: UnitId) -> String {
    let u = layers.unit(unit);
    u.name
        .clone()
        .or_else(|| u.code.clone())
        .unwrap_or_else(|| format!("unit #{}", u.source.feature))
}
