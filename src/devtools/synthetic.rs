//! A synthetic road network of any size, for measuring time and memory at scale: roads,
//! facilities and settlements around 30° N 110° E, generated deterministically from a seed.
//!
//! Layout: a grid of about `junctions` points, 100 m apart, each point jittered by up to ±30 m,
//! every point a vertex of some road, so the network has (within a few per cent) that many
//! nodes. Every row is a road; every 3rd column is a road, the others have a short cross link
//! here and there, so most vertices are, as in real networks, shape points between two
//! neighbours. Every 30th row and column is a primary road, every 10th a secondary one (each
//! without gaps); the rest are local roads (residential, unclassified, track, service,
//! tertiary) in pieces of 20–200 vertices, with about 3 % of their links missing and about 8 %
//! of residential pieces one-way. Primary roads cross every 7th row on a bridge (no junction).
//! Facilities: one per about 2,000 junctions (a township health centre for every 8th, the rest
//! village clinics; all medical service points), up to 40 m off the road. Settlements: one per
//! about 50 junctions, up to 100 m off the road, 30 to 1,650 residents. Admin units, with
//! 12-digit division codes: villages of 20 × 20 grid points (about 2 × 2 km), townships of
//! 5 × 5 villages, counties of 5 × 5 townships (units at the edge are cut by the grid), so ten
//! million junctions make about 25,000 villages in 1,000 townships and 40 counties; their
//! populations are the settlements'.
//!
//! The random numbers are SplitMix64, so a seed gives the same network on every platform.

use super::random::{mix, SplitMix64};
use crate::engine::crs::LonLat;
use crate::engine::model::{
    AdminUnit, Facility, FacilityKind, Layers, Level, Oneway, Road, Settlement, Source,
};

/// Centre of the generated area.
pub const CENTRE: LonLat = LonLat {
    lon: 110.0,
    lat: 30.0,
};

/// Grid spacing in metres.
pub const SPACING_M: f64 = 100.0;

/// Junctions per facility, about.
pub const JUNCTIONS_PER_FACILITY: usize = 2_000;

/// Junctions per settlement, about.
pub const JUNCTIONS_PER_SETTLEMENT: usize = 50;

/// Side of a village in grid points.
pub const VILLAGE_SIDE: usize = 20;

/// Villages (townships) along each side of a township (county).
pub const UNITS_PER_SIDE: usize = 5;

/// The grid: its size and where its points are.
struct Grid {
    width: usize,
    height: usize,
    seed: u64,
    lon0: f64,
    lat0: f64,
    dlon: f64,
    dlat: f64,
}

impl Grid {
    fn new(junctions: usize, seed: u64) -> Grid {
        let width = ((junctions.max(4) as f64).sqrt().ceil() as usize).max(2);
        let height = ((junctions.max(4) as f64 / width as f64).round() as usize).max(2);
        let dlat = SPACING_M / 111_320.0;
        let dlon = SPACING_M / (111_320.0 * CENTRE.lat.to_radians().cos());
        Grid {
            width,
            height,
            seed,
            lon0: CENTRE.lon - dlon * (width - 1) as f64 / 2.0,
            lat0: CENTRE.lat - dlat * (height - 1) as f64 / 2.0,
            dlon,
            dlat,
        }
    }

    /// Point `(i, j)` (column, row), jittered by a hash of its position: the same point
    /// whichever road asks for it.
    fn point(&self, i: usize, j: usize) -> LonLat {
        let h = mix(self.seed ^ mix(((i as u64) << 32) | j as u64));
        let jitter = |bits: u64| ((bits & 0xFFFF) as f64 / 65_535.0 - 0.5) * 0.6;
        LonLat {
            lon: self.lon0 + (i as f64 + jitter(h)) * self.dlon,
            lat: self.lat0 + (j as f64 + jitter(h >> 16)) * self.dlat,
        }
    }

    /// A point near `(i, j)`, up to `reach` grid spacings away in each direction.
    fn near(&self, i: usize, j: usize, reach: f64, rng: &mut SplitMix64) -> LonLat {
        let p = self.point(i, j);
        LonLat {
            lon: p.lon + (rng.unit() - 0.5) * 2.0 * reach * self.dlon,
            lat: p.lat + (rng.unit() - 0.5) * 2.0 * reach * self.dlat,
        }
    }
}

/// The class of a row (`along_rows`) or column road at `k`, `None` for a local road.
fn arterial(k: usize) -> Option<&'static str> {
    if k % 30 == 0 {
        Some("primary")
    } else if k % 10 == 0 {
        Some("secondary")
    } else {
        None
    }
}

/// A random local road class.
fn local_class(rng: &mut SplitMix64) -> &'static str {
    match rng.below(100) {
        0..45 => "residential",
        45..75 => "unclassified",
        75..90 => "track",
        90..95 => "service",
        _ => "tertiary",
    }
}

/// Collects roads.
struct Roads {
    roads: Vec<Road>,
}

impl Roads {
    fn push(&mut self, class: &'static str, oneway: Oneway, line: Vec<LonLat>) {
        if line.len() < 2 {
            return;
        }
        let feature = self.roads.len() as u32;
        self.roads.push(Road {
            source: Source { file: 0, feature },
            name: None,
            class: class.to_string(),
            oneway,
            drivable: true,
            speed_kmh: None,
            lines: vec![line],
        });
    }

    /// Lays a road along `len` grid points `at(0..len)`: an arterial in one piece, a local
    /// road in pieces of random class with missing links.
    fn lay(
        &mut self,
        len: usize,
        class: Option<&'static str>,
        rng: &mut SplitMix64,
        at: impl Fn(usize) -> LonLat,
    ) {
        if let Some(class) = class {
            self.push(class, Oneway::No, (0..len).map(at).collect());
            return;
        }
        let mut k = 0;
        while k + 1 < len {
            let piece = 20 + rng.below(181) as usize;
            let class = local_class(rng);
            let oneway = if class == "residential" && rng.below(100) < 8 {
                if rng.below(2) == 0 {
                    Oneway::Forward
                } else {
                    Oneway::Backward
                }
            } else {
                Oneway::No
            };
            let mut line = vec![at(k)];
            while line.len() < piece && k + 1 < len {
                if rng.below(100) < 3 {
                    // A missing link: the piece ends here, the next starts one point on.
                    k += 1;
                    break;
                }
                k += 1;
                line.push(at(k));
            }
            self.push(class, oneway, line);
        }
    }
}

/// Generates about `junctions` road junctions (network nodes) with their facilities and
/// settlements; the same `seed` gives the same layers.
///
/// # Examples
/// ```
/// let layers = medreach::devtools::synthetic::generate(10_000, 7);
/// assert!(layers.facilities.len() >= 5 && layers.settlements.len() >= 200);
/// ```
pub fn generate(junctions: usize, seed: u64) -> Layers {
    let grid = Grid::new(junctions, seed);
    let (w, h) = (grid.width, grid.height);
    let mut rng = SplitMix64(seed);
    let mut roads = Roads { roads: Vec::new() };
    for j in 0..h {
        roads.lay(w, arterial(j), &mut rng, |i| grid.point(i, j));
    }
    for i in 0..w {
        let class = arterial(i);
        if class.is_some() || i % 3 == 0 {
            let bridge = class == Some("primary");
            roads.lay(h, class, &mut rng, |j| {
                let p = grid.point(i, j);
                if bridge && j % 7 == 3 {
                    // Over the row on a bridge: a vertex of its own, no junction.
                    LonLat {
                        lon: p.lon + 0.05 * grid.dlon,
                        lat: p.lat,
                    }
                } else {
                    p
                }
            });
        } else {
            // Cross links of one to three spans, at about one point in twenty.
            let mut j = 0;
            while j + 1 < h {
                if rng.below(20) == 0 {
                    let span = 1 + rng.below(3) as usize;
                    let end = (j + span).min(h - 1);
                    let class = local_class(&mut rng);
                    roads.push(
                        class,
                        Oneway::No,
                        (j..=end).map(|k| grid.point(i, k)).collect(),
                    );
                    j = end;
                }
                j += 1;
            }
        }
    }
    let mut feature = roads.roads.len() as u32;
    let mut source = || {
        feature += 1;
        Source {
            file: 0,
            feature: feature - 1,
        }
    };
    let facilities = (0..(junctions / JUNCTIONS_PER_FACILITY).max(1))
        .map(|k| {
            let (i, j) = (rng.below(w as u64) as usize, rng.below(h as u64) as usize);
            let kind = if k % 8 == 0 {
                FacilityKind::TownshipHealthCenter
            } else {
                FacilityKind::VillageClinic
            };
            Facility::of_kind(
                source(),
                Some(format!("{} {k}", kind.id())),
                kind,
                grid.near(i, j, 0.4, &mut rng),
            )
        })
        .collect();
    let settlements = (0..(junctions / JUNCTIONS_PER_SETTLEMENT).max(1))
        .map(|_| {
            let (i, j) = (rng.below(w as u64) as usize, rng.below(h as u64) as usize);
            Settlement {
                source: source(),
                name: None,
                population: (30.0 * (4.0 * rng.unit()).exp()).round(),
                at: grid.near(i, j, 1.0, &mut rng),
                admin_code: None,
            }
        })
        .collect();
    let admin = admin_units(&grid, &mut source);
    Layers {
        roads: roads.roads,
        facilities,
        settlements,
        admin,
        ..Layers::default()
    }
}

/// Counties, townships and villages tiling the grid (see the module comment), each a
/// rectangle between grid lines, with a 12-digit code whose prefixes give its parents.
fn admin_units(grid: &Grid, source: &mut impl FnMut() -> Source) -> Vec<AdminUnit> {
    // Grid line `k` of `n` points: halfway between points, and at the outer edges far enough
    // out to hold every settlement and facility (up to 1.3 spacings off their point).
    let line = |k: usize, n: usize| {
        if k == 0 {
            -1.5
        } else if k >= n {
            n as f64 + 0.5
        } else {
            k as f64 - 0.5
        }
    };
    let corner = |i: usize, j: usize| LonLat {
        lon: grid.lon0 + line(i, grid.width) * grid.dlon,
        lat: grid.lat0 + line(j, grid.height) * grid.dlat,
    };
    let mut units = Vec::new();
    let mut unit =
        |level: Level, code: String, name: String, (i0, j0, side): (usize, usize, usize)| {
            let (i1, j1) = ((i0 + side).min(grid.width), (j0 + side).min(grid.height));
            let ring = vec![
                corner(i0, j0),
                corner(i1, j0),
                corner(i1, j1),
                corner(i0, j1),
                corner(i0, j0),
            ];
            units.push(AdminUnit {
                source: source(),
                name: Some(name),
                code: Some(code),
                level: Some(level),
                population: None,
                county_town: false,
                flags: Vec::new(),
                merged_into: None,
                polygons: vec![vec![ring]],
            });
        };
    let township_side = VILLAGE_SIDE * UNITS_PER_SIDE;
    let county_side = township_side * UNITS_PER_SIDE;
    let tiles = |from: (usize, usize), side: usize, limit: usize| {
        let (w, h) = (
            (grid.width - from.0).min(limit),
            (grid.height - from.1).min(limit),
        );
        let (nx, ny) = (w.div_ceil(side), h.div_ceil(side));
        (0..ny).flat_map(move |b| (0..nx).map(move |a| (from.0 + a * side, from.1 + b * side)))
    };
    for (c, county) in tiles((0, 0), county_side, usize::MAX).enumerate() {
        let county_code = format!("{:06}", 430_001 + c);
        unit(
            Level::County,
            format!("{county_code}000000"),
            format!("县 {}", c + 1),
            (county.0, county.1, county_side),
        );
        for (t, township) in tiles(county, township_side, county_side).enumerate() {
            let township_code = format!("{county_code}{:03}", t + 1);
            unit(
                Level::Township,
                format!("{township_code}000"),
                format!("镇 {}-{}", c + 1, t + 1),
                (township.0, township.1, township_side),
            );
            for (v, village) in tiles(township, VILLAGE_SIDE, township_side).enumerate() {
                unit(
                    Level::Village,
                    format!("{township_code}{:03}", v + 1),
                    format!("村 {}-{}-{}", c + 1, t + 1, v + 1),
                    (village.0, village.1, VILLAGE_SIDE),
                );
            }
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::crs::Projector;
    use crate::engine::network::{Mode, RoadNetwork, SpeedTable};
    use crate::engine::routing::{bounding_box, zone_for};

    #[test]
    fn the_same_seed_gives_the_same_layers_and_another_seed_others() {
        let a = generate(5_000, 1);
        assert_eq!(a, generate(5_000, 1));
        assert_ne!(a, generate(5_000, 2));
    }

    #[test]
    fn the_network_has_about_the_junctions_asked_for() {
        for (junctions, seed) in [(2_000, 3), (20_000, 4), (100_000, 5)] {
            let layers = generate(junctions, seed);
            for mode in [Mode::Walk, Mode::Drive] {
                let projector = Projector::new(zone_for(&layers).unwrap());
                let net =
                    RoadNetwork::build(&layers.roads, mode, &SpeedTable::default(), &projector);
                let ratio = net.nodes.len() as f64 / junctions as f64;
                assert!(
                    (0.97..1.03).contains(&ratio),
                    "{junctions}: {}",
                    net.nodes.len()
                );
                assert_eq!(net.zero_length_dropped, 0);
            }
            assert_eq!(layers.facilities.len(), junctions / JUNCTIONS_PER_FACILITY);
            assert_eq!(
                layers.settlements.len(),
                junctions / JUNCTIONS_PER_SETTLEMENT
            );
            assert!(layers.facilities.iter().all(|f| f.primary_care));
            assert!(layers.roads.iter().any(|r| r.oneway != Oneway::No));
            assert!(layers.roads.iter().any(|r| r.class == "primary"));
            // Long polylines, not one road per segment.
            let vertices: usize = layers.roads.iter().map(|r| r.lines[0].len()).sum();
            assert!(vertices > 10 * layers.roads.len(), "{vertices} vertices");
        }
    }

    #[test]
    fn admin_units_tile_the_grid_in_a_three_level_hierarchy() {
        let layers = generate(300_000, 2);
        let h = crate::engine::admin::Hierarchy::build(&layers);
        let count = |level| {
            layers
                .admin
                .iter()
                .filter(|u| u.level == Some(level))
                .count()
        };
        // 548 x 547 points: 28 x 28 villages, 6 x 6 townships, 2 x 2 counties.
        assert_eq!(
            (
                count(Level::County),
                count(Level::Township),
                count(Level::Village)
            ),
            (4, 36, 784)
        );
        // Every village and township has its parent; every settlement lies in a village.
        for (i, u) in layers.admin.iter().enumerate() {
            assert_eq!(h.units[i].parent.is_none(), u.level == Some(Level::County));
        }
        for unit in h.settlement_unit.iter().chain(&h.facility_unit) {
            let u = unit.expect("every settlement and facility is inside a village");
            assert_eq!(layers.unit(u).level, Some(Level::Village));
        }
        let total: f64 = layers.settlements.iter().map(|s| s.population).sum();
        let counties: f64 = h
            .units
            .iter()
            .zip(&layers.admin)
            .filter(|(_, u)| u.level == Some(Level::County))
            .map(|(n, _)| n.population)
            .sum();
        assert_eq!(counties, total);
    }

    #[test]
    fn ten_million_junctions_fit_in_the_longitude_limit() {
        let grid = Grid::new(10_000_000, 1);
        let west = grid.point(0, 0).lon - grid.dlon;
        let east = grid.point(grid.width - 1, 0).lon + grid.dlon;
        assert!(
            east - west < crate::app::options::MAX_LON_SPAN_DEG / 4.0,
            "{}",
            east - west
        );
        let (w, s, e, n) = bounding_box(&generate(3_000, 9)).unwrap();
        assert!(w > 109.0 && e < 111.0 && s > 29.0 && n < 31.0);
    }
}
