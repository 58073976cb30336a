//! Rings: a closed way's area and centroid on the WGS84 ellipsoid, ways joined into closed
//! rings, and a relation's polygons assembled from its outer and inner member ways (holes go to
//! the smallest outer ring that holds them).

use super::index::Builder;
use super::pbf::RawRelation;
use super::OsmType;
use crate::engine::crs::LonLat;
use crate::engine::model::Rings;
use std::collections::HashMap;

/// WGS84 radii of curvature at `lat_deg`: (meridional, prime vertical), metres.
fn radii(lat_deg: f64) -> (f64, f64) {
    use crate::engine::crs::wgs84::{A_M as A, E2};
    let s = lat_deg.to_radians().sin();
    let w = 1.0 - E2 * s * s;
    (A * (1.0 - E2) / (w * w.sqrt()), A / w.sqrt())
}

/// Area (m²) and area centroid of a closed ring, in a local tangent plane at its first vertex.
/// `None` for a ring of zero area.
pub(super) fn ring_area_centroid(ring: &[LonLat]) -> Option<(f64, LonLat)> {
    let origin = *ring.first()?;
    let (m, n) = radii(origin.lat);
    let kx = n * origin.lat.to_radians().cos() * std::f64::consts::PI / 180.0;
    let ky = m * std::f64::consts::PI / 180.0;
    let xy: Vec<(f64, f64)> = ring
        .iter()
        .map(|p| ((p.lon - origin.lon) * kx, (p.lat - origin.lat) * ky))
        .collect();
    let (mut a2, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in xy.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let cross = x0 * y1 - x1 * y0;
        a2 += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if !a2.is_finite() || a2.abs() <= 1e-9 || kx == 0.0 {
        return None;
    }
    let (cx, cy) = (cx / (3.0 * a2), cy / (3.0 * a2));
    Some((
        a2.abs() / 2.0,
        LonLat {
            lon: origin.lon + cx / kx,
            lat: origin.lat + cy / ky,
        },
    ))
}

/// Roles of a boundary's member ways: outer rings, inner rings.
fn ring_role(role: &str) -> Option<bool> {
    match role {
        "outer" | "" | "exclave" => Some(true),
        "inner" | "enclave" => Some(false),
        _ => None,
    }
}

/// Joins ways (node-id sequences) into closed rings. `Err` names the node where a ring stops.
fn join_rings(ways: Vec<Vec<i64>>) -> Result<Vec<Vec<i64>>, String> {
    let mut ends: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, w) in ways.iter().enumerate() {
        if let (Some(&a), Some(&z)) = (w.first(), w.last()) {
            ends.entry(a).or_default().push(i);
            ends.entry(z).or_default().push(i);
        }
    }
    let mut used = vec![false; ways.len()];
    let mut rings = Vec::new();
    for start in 0..ways.len() {
        if used[start] || ways[start].len() < 2 {
            continue;
        }
        used[start] = true;
        let mut ring = ways[start].clone();
        while ring.first() != ring.last() {
            let end = *ring.last().unwrap_or(&0);
            let next = ends
                .get(&end)
                .and_then(|c| c.iter().copied().find(|&i| !used[i]));
            let Some(next) = next else {
                return Err(format!("a ring does not close: it stops at node {end}"));
            };
            used[next] = true;
            let w = &ways[next];
            if w.first() == Some(&end) {
                ring.extend_from_slice(&w[1..]);
            } else {
                ring.extend(w.iter().rev().skip(1));
            }
        }
        if ring.len() >= 4 {
            rings.push(ring);
        }
    }
    Ok(rings)
}

/// Whether an outer ring holds `p` (inside or on its boundary), by `geo`'s test.
fn outer_contains(ring: &[LonLat], p: LonLat) -> bool {
    use geo::Intersects;
    let ring = geo::LineString::from(ring.iter().map(|q| (q.lon, q.lat)).collect::<Vec<_>>());
    geo::Polygon::new(ring, Vec::new()).intersects(&geo::Point::new(p.lon, p.lat))
}

/// The polygons of a relation from its outer and inner member ways, when all are in the
/// extract and close into rings; otherwise why not.
pub(super) fn assemble(b: &Builder<'_>, rel: &RawRelation) -> Result<Vec<Rings>, String> {
    let raw = b.raw;
    let mut outer_ways = Vec::new();
    let mut inner_ways = Vec::new();
    let mut missing = 0usize;
    let mut total = 0usize;
    for (kind, id, role) in &rel.members {
        let Some(is_outer) = ring_role(role).filter(|_| *kind == OsmType::Way) else {
            continue;
        };
        total += 1;
        match b.way_index.get(id) {
            Some(&w) => {
                let refs = b.refs(&raw.ways[w]).to_vec();
                if is_outer {
                    outer_ways.push(refs);
                } else {
                    inner_ways.push(refs);
                }
            }
            None => missing += 1,
        }
    }
    if total == 0 {
        return Err("it has no outer member way".to_string());
    }
    if missing > 0 {
        return Err(format!(
            "{missing} of its {total} member ways are not in the extract"
        ));
    }
    let to_positions = |ring: Vec<i64>| -> Result<Vec<LonLat>, String> {
        ring.iter()
            .map(|&id| {
                b.node_at(id)
                    .ok_or_else(|| format!("node {id} of a member way is not in the extract"))
            })
            .collect()
    };
    let outers = join_rings(outer_ways)?
        .into_iter()
        .map(to_positions)
        .collect::<Result<Vec<_>, _>>()?;
    let inners = join_rings(inner_ways)?
        .into_iter()
        .map(to_positions)
        .collect::<Result<Vec<_>, _>>()?;
    if outers.is_empty() {
        return Err("its outer ways form no ring".to_string());
    }
    let areas: Vec<f64> = outers
        .iter()
        .map(|r| ring_area_centroid(r).map_or(0.0, |(a, _)| a))
        .collect();
    let mut polygons: Vec<Rings> = outers.into_iter().map(|r| vec![r]).collect();
    for inner in inners {
        let probe = inner[0];
        let host = (0..polygons.len())
            .filter(|&k| outer_contains(&polygons[k][0], probe))
            .min_by(|&x, &y| areas[x].total_cmp(&areas[y]));
        if let Some(k) = host {
            polygons[k].push(inner);
        }
    }
    Ok(polygons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footprint_area_and_centroid() {
        // A 20 m × 10 m rectangle at 47° N: 200 m², centred on its middle.
        let (m, n) = radii(47.0);
        let dlat = 10.0 / m * 180.0 / std::f64::consts::PI;
        let dlon = 20.0 / (n * 47f64.to_radians().cos()) * 180.0 / std::f64::consts::PI;
        let ring: Vec<LonLat> = [
            (0.0, 0.0),
            (dlon, 0.0),
            (dlon, dlat),
            (0.0, dlat),
            (0.0, 0.0),
        ]
        .iter()
        .map(|&(x, y)| LonLat {
            lon: 9.5 + x,
            lat: 47.0 + y,
        })
        .collect();
        let (area, c) = ring_area_centroid(&ring).unwrap();
        assert!((area - 200.0).abs() < 0.01, "{area}");
        assert!(
            (c.lon - (9.5 + dlon / 2.0)).abs() < 1e-12
                && (c.lat - (47.0 + dlat / 2.0)).abs() < 1e-9
        );
        assert_eq!(ring_area_centroid(&ring[..2]), None);
    }

    #[test]
    fn rings_join_in_either_direction() {
        let rings = join_rings(vec![vec![1, 2, 3], vec![5, 4, 3], vec![5, 6, 1]]).unwrap();
        assert_eq!(rings, vec![vec![1, 2, 3, 4, 5, 6, 1]]);
        let open = join_rings(vec![vec![1, 2, 3], vec![3, 4]]).unwrap_err();
        assert!(open.contains("node 4"), "{open}");
    }
}
