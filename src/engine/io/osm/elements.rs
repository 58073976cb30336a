//! Building the layers from the decoded elements: roads (through the road conversion every
//! reader shares), health facilities, place nodes with a population, admin units and residential
//! buildings; then the population source is chosen and the warnings are written.

use super::estimate::estimate_residents;
use super::index::Builder;
use super::pbf::Raw;
use super::rings::{assemble, ring_area_centroid};
use super::tags::{
    facility_kind, is_residential, parse_levels, parse_population, tag, Tags, OSM_NOT_WAYS,
    ROAD_TAGS, SETTLEMENT_PLACES,
};
use super::{
    OsmError, OsmImport, OsmOptions, OsmStats, OsmType, OsmWarning, PopulationChoice,
    PopulationSource, ResidentialBuilding,
};
use crate::engine::crs::LonLat;
use crate::engine::model::{AdminUnit, Facility, Layers, Settlement, SkipReason, Skipped, Source};

/// The mean of the positions; `None` for none.
fn mean_position(points: &[LonLat]) -> Option<LonLat> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some(LonLat {
        lon: points.iter().map(|p| p.lon).sum::<f64>() / n,
        lat: points.iter().map(|p| p.lat).sum::<f64>() / n,
    })
}

pub(super) fn build(
    mut raw: Raw,
    options: &OsmOptions,
    file_id: u32,
) -> Result<OsmImport, OsmError> {
    // Nodes by id: PBF files are sorted, but do not rely on it; a duplicate keeps its last
    // position.
    if !raw.nodes.windows(2).all(|w| w[0].0 < w[1].0) {
        raw.nodes.sort_by_key(|(id, _)| *id);
        let mut dedup: Vec<(i64, LonLat)> = Vec::with_capacity(raw.nodes.len());
        for n in raw.nodes.drain(..) {
            match dedup.last_mut() {
                Some(last) if last.0 == n.0 => *last = n,
                _ => dedup.push(n),
            }
        }
        raw.nodes = dedup;
    }
    let mut b = Builder {
        raw: &raw,
        file_id,
        elements: Vec::new(),
        way_index: raw
            .ways
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id, i))
            .collect(),
    };
    let mut stats = raw.stats.clone();
    let mut layers = Layers::default();

    read_roads(&mut b, &mut layers, &mut stats);
    if layers.roads.is_empty() {
        return Err(OsmError::NoRoads);
    }
    read_facilities(&mut b, &mut layers);
    let (places, bad_places) = read_places(&mut b, &mut stats);
    layers.skipped.extend(bad_places);
    read_admin(&mut b, &mut layers, &mut stats, &places);
    let buildings = read_buildings(&mut b, options, &mut stats);

    let mut warnings = Vec::new();
    let has_places = places.iter().any(|p| p.settlement);
    let use_places = match options.population {
        PopulationChoice::Auto => has_places,
        PopulationChoice::PlaceNodes => true,
        PopulationChoice::Buildings => false,
    };
    let population_source = if use_places && has_places {
        layers
            .settlements
            .extend(places.iter().filter(|p| p.settlement).map(|p| Settlement {
                source: p.source,
                name: p.name.clone(),
                population: p.population,
                at: p.at,
                admin_code: None,
            }));
        if stats.place_nodes_without_population > 0 {
            warnings.push(OsmWarning::PartialPlacePopulation {
                with_population: stats.place_nodes_with_population,
                without_population: stats.place_nodes_without_population,
            });
        }
        PopulationSource::PlaceNodes
    } else if !use_places && !buildings.is_empty() {
        let estimate = estimate_residents(&buildings, &layers.admin, options.floor_m2_per_person);
        layers.settlements = estimate.settlements;
        layers.notes.extend(estimate.notes);
        warnings.push(OsmWarning::PopulationEstimated {
            buildings: buildings.len(),
            floor_m2_per_person: options.floor_m2_per_person,
            units_spread: estimate.units_spread,
        });
        stats.population_estimated = true;
        PopulationSource::BuildingEstimate
    } else {
        warnings.push(OsmWarning::NoPopulation);
        PopulationSource::None
    };
    if layers.facilities.is_empty() {
        warnings.push(OsmWarning::NoFacility);
    } else if !layers.facilities.iter().any(|f| f.primary_care) {
        warnings.push(OsmWarning::NoServicePoint {
            facilities: layers.facilities.len(),
        });
    }
    layers.notes.extend(
        warnings
            .iter()
            .map(|w| format!("OpenStreetMap extract: {w}")),
    );
    let elements = std::mem::take(&mut b.elements);
    Ok(OsmImport {
        layers,
        stats,
        population_source,
        elements,
        buildings,
        warnings,
    })
}

/// Runs of consecutive present, distinct positions with at least two positions each.
fn present_runs(positions: &[Option<LonLat>]) -> Vec<Vec<LonLat>> {
    let mut lines = Vec::new();
    let mut current: Vec<LonLat> = Vec::new();
    for p in positions {
        match p {
            Some(p) => {
                if current.last() != Some(p) {
                    current.push(*p);
                }
            }
            None => {
                if current.len() >= 2 {
                    lines.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        lines.push(current);
    }
    lines
}

fn read_roads(b: &mut Builder<'_>, layers: &mut Layers, stats: &mut OsmStats) {
    let raw = b.raw;
    for way in &raw.ways {
        let Some(tags) = &way.tags else { continue };
        let Some(highway) = tag(tags, "highway") else {
            continue;
        };
        stats.highway_ways += 1;
        let source = b.source(OsmType::Way, way.id);
        let class = highway.to_ascii_lowercase();
        if OSM_NOT_WAYS.contains(&class.as_str()) {
            layers.skipped.push(Skipped {
                source,
                reason: SkipReason::NotARoad { class },
            });
            continue;
        }
        let positions = b.positions(way);
        stats.missing_node_refs += positions.iter().filter(|p| p.is_none()).count();
        let lines = present_runs(&positions);
        if lines.is_empty() {
            layers.skipped.push(Skipped {
                source,
                reason: SkipReason::Degenerate {
                    detail: format!(
                        "way {}: fewer than two distinct positions among the {} of its {} nodes in the extract",
                        way.id,
                        positions.iter().filter(|p| p.is_some()).count(),
                        positions.len()
                    ),
                },
            });
            continue;
        }
        let mut props = serde_json::Map::new();
        // With the access keys, so that the one access policy of every reader decides.
        let access = super::super::properties::MOTOR_VEHICLE_ACCESS_KEYS;
        for key in ROAD_TAGS.iter().chain(access) {
            if let Some(v) = tag(tags, key) {
                props.insert(key.to_string(), serde_json::Value::String(v.to_string()));
            }
        }
        let implied_oneway =
            matches!(tag(tags, "junction"), Some("roundabout" | "circular")) || class == "motorway";
        if implied_oneway && !props.contains_key("oneway") {
            props.insert("oneway".into(), serde_json::Value::String("yes".into()));
        }
        // A list of speeds ("90;30") counts by its first.
        if let Some(first) = tag(tags, "maxspeed").and_then(|v| v.split(';').next()) {
            props.insert(
                "maxspeed".into(),
                serde_json::Value::String(first.trim().to_string()),
            );
        }
        // Access (OSM's hierarchy) and walk-only classes: the one policy of every reader.
        if let Err(reason) = super::super::properties::push_road(&props, lines, source, layers) {
            layers.skipped.push(Skipped { source, reason });
        }
    }
}

fn read_facilities(b: &mut Builder<'_>, layers: &mut Layers) {
    let raw = b.raw;
    let mut push = |b: &mut Builder<'_>, kind: OsmType, id: i64, tags: &Tags, at: LonLat| {
        let Some(facility) = facility_kind(tags) else {
            return;
        };
        let source = b.source(kind, id);
        layers.facilities.push(Facility::of_kind(
            source,
            tag(tags, "name").map(str::to_string),
            facility,
            at,
        ));
    };
    for (id, at, tags) in &raw.tagged_nodes {
        push(b, OsmType::Node, *id, tags, *at);
    }
    for way in &raw.ways {
        let Some(tags) = &way.tags else { continue };
        if facility_kind(tags).is_none() {
            continue;
        }
        let at = match b.closed_ring(way) {
            Some(ring) => ring_area_centroid(&ring).map(|(_, c)| c),
            None => None,
        }
        .or_else(|| {
            let present: Vec<LonLat> = b.positions(way).into_iter().flatten().collect();
            mean_position(&present)
        });
        if let Some(at) = at {
            push(b, OsmType::Way, way.id, tags, at);
        }
    }
    for rel in &raw.relations {
        if tag(&rel.tags, "type") != Some("multipolygon") || facility_kind(&rel.tags).is_none() {
            continue;
        }
        let at = match assemble(b, rel) {
            Ok(polygons) => polygons
                .iter()
                .filter_map(|p| ring_area_centroid(&p[0]))
                .max_by(|x, y| x.0.total_cmp(&y.0))
                .map(|(_, c)| c),
            Err(_) => None,
        }
        .or_else(|| {
            let present: Vec<LonLat> = rel
                .members
                .iter()
                .filter(|(k, _, _)| *k == OsmType::Way)
                .filter_map(|(_, id, _)| b.way_index.get(id))
                .flat_map(|&w| b.positions(&raw.ways[w]))
                .flatten()
                .collect();
            mean_position(&present)
        });
        if let Some(at) = at {
            push(b, OsmType::Relation, rel.id, &rel.tags, at);
        }
    }
}

/// A place node with a population.
struct Place {
    source: Source,
    id: i64,
    name: Option<String>,
    population: f64,
    at: LonLat,
    /// A settlement kind (city … hamlet), not an area such as a country.
    settlement: bool,
}

fn read_places(b: &mut Builder<'_>, stats: &mut OsmStats) -> (Vec<Place>, Vec<Skipped>) {
    let raw = b.raw;
    let mut places = Vec::new();
    let mut skipped = Vec::new();
    for (id, at, tags) in &raw.tagged_nodes {
        let Some(place) = tag(tags, "place") else {
            continue;
        };
        let settlement = SETTLEMENT_PLACES.contains(&place);
        match tag(tags, "population") {
            None => {
                if settlement {
                    stats.place_nodes_without_population += 1;
                }
            }
            Some(value) => match parse_population(value) {
                Some(population) => {
                    if settlement {
                        stats.place_nodes_with_population += 1;
                    }
                    places.push(Place {
                        source: b.source(OsmType::Node, *id),
                        id: *id,
                        name: tag(tags, "name").map(str::to_string),
                        population,
                        at: *at,
                        settlement,
                    });
                }
                None => skipped.push(Skipped {
                    source: b.source(OsmType::Node, *id),
                    reason: SkipReason::BadPopulation {
                        value: value.to_string(),
                    },
                }),
            },
        }
    }
    (places, skipped)
}

fn read_admin(b: &mut Builder<'_>, layers: &mut Layers, stats: &mut OsmStats, places: &[Place]) {
    use geo::{Area, BoundingRect, Contains};
    let raw = b.raw;
    let first_admin = layers.admin.len();
    for rel in &raw.relations {
        let admin = tag(&rel.tags, "boundary") == Some("administrative")
            && matches!(tag(&rel.tags, "type"), Some("boundary" | "multipolygon"));
        if !admin {
            continue;
        }
        stats.admin_relations += 1;
        let name = tag(&rel.tags, "name").map(str::to_string);
        let polygons = match assemble(b, rel) {
            Ok(p) => p,
            Err(why) => {
                layers.notes.push(format!(
                    "boundary relation {} ({}, admin_level {}) is incomplete in this extract and is left out: {why}",
                    rel.id,
                    name.as_deref().unwrap_or("no name"),
                    tag(&rel.tags, "admin_level").unwrap_or("?")
                ));
                continue;
            }
        };
        stats.admin_complete += 1;
        let own = tag(&rel.tags, "population").and_then(parse_population);
        let label = || {
            rel.members
                .iter()
                .filter(|(k, _, role)| *k == OsmType::Node && role == "label")
                .find_map(|(_, id, _)| places.iter().find(|p| p.id == *id))
                .map(|p| p.population)
        };
        let source = b.source(OsmType::Relation, rel.id);
        layers.admin.push(AdminUnit {
            source,
            name,
            code: None,
            level: None,
            population: own.or_else(label),
            county_town: false,
            flags: Vec::new(),
            merged_into: None,
            polygons,
        });
    }
    // A unit without a population of its own takes that of the one place node of the same name
    // inside it; each place node gives its population to the smallest such unit only.
    let shapes: Vec<_> = layers.admin[first_admin..]
        .iter()
        .map(|u| {
            let mp = crate::engine::model::to_geo(&u.polygons);
            let area = mp.unsigned_area();
            (mp.bounding_rect(), mp, area)
        })
        .collect();
    for place in places {
        let Some(name) = &place.name else { continue };
        let p = geo::Point::new(place.at.lon, place.at.lat);
        let host = (0..shapes.len())
            .filter(|&k| {
                let u = &layers.admin[first_admin + k];
                u.population.is_none()
                    && u.name.as_deref() == Some(name.as_str())
                    && shapes[k].0.is_some_and(|bb| bb.contains(&p))
                    && shapes[k].1.contains(&p)
            })
            .min_by(|&x, &y| shapes[x].2.total_cmp(&shapes[y].2));
        if let Some(k) = host {
            let unit = &mut layers.admin[first_admin + k];
            unit.population = Some(place.population);
            layers.notes.push(format!(
                "admin unit {name} takes the population {} of place node {} of the same name",
                place.population, place.id
            ));
        }
    }
}

fn read_buildings(
    b: &mut Builder<'_>,
    options: &OsmOptions,
    stats: &mut OsmStats,
) -> Vec<ResidentialBuilding> {
    let raw = b.raw;
    let mut buildings = Vec::new();
    for way in &raw.ways {
        let Some(tags) = &way.tags else { continue };
        if tag(tags, "building").is_none() {
            continue;
        }
        stats.building_ways += 1;
        if !is_residential(tags) {
            continue;
        }
        let Some((footprint_m2, at)) = b.closed_ring(way).and_then(|r| ring_area_centroid(&r))
        else {
            continue;
        };
        if footprint_m2 < options.min_footprint_m2 {
            continue;
        }
        let tagged_levels = tag(tags, "building:levels").and_then(parse_levels);
        if tagged_levels.is_some() {
            stats.buildings_with_levels += 1;
        }
        buildings.push(ResidentialBuilding {
            source: b.source(OsmType::Way, way.id),
            way_id: way.id,
            name: tag(tags, "name").map(str::to_string),
            at,
            footprint_m2,
            levels: tagged_levels.unwrap_or(options.default_levels),
        });
    }
    stats.residential_buildings = buildings.len();
    buildings
}
