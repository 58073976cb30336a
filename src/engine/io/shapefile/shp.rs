//! The `.shp` geometry file (ESRI Shapefile Technical Description, 1998): a 100-byte header,
//! then records of a big-endian header and a little-endian shape. Points, multipoints,
//! polylines and polygons, with or without Z and M (which are ignored).

use super::ShpError;

/// One record's geometry in the file's own coordinates.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A null shape (no geometry).
    Null,
    /// Points (a point is one).
    Points(Vec<[f64; 2]>),
    /// A polyline's parts.
    Lines(Vec<Vec<[f64; 2]>>),
    /// A polygon's rings (outer rings clockwise, holes counter-clockwise, in any order).
    Rings(Vec<Vec<[f64; 2]>>),
}

fn le_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_f64(b: &[u8], at: usize) -> Option<f64> {
    Some(f64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Every record's shape, in file order.
pub fn read(bytes: &[u8]) -> Result<Vec<Shape>, ShpError> {
    if bytes.len() < 100 || be_i32(bytes, 0) != Some(9994) {
        return Err(ShpError::NotShp);
    }
    let mut shapes = Vec::new();
    let mut at = 100;
    while at + 8 <= bytes.len() {
        let words = be_i32(bytes, at + 4).ok_or(ShpError::Truncated(shapes.len()))?;
        let len = usize::try_from(words)
            .ok()
            .and_then(|w| w.checked_mul(2))
            .ok_or(ShpError::Truncated(shapes.len()))?;
        // Checked sums: on wasm32 a declared length near 4 GB would wrap past the end.
        let end = (at + 8)
            .checked_add(len)
            .ok_or(ShpError::Truncated(shapes.len()))?;
        let content = bytes
            .get(at + 8..end)
            .ok_or(ShpError::Truncated(shapes.len()))?;
        shapes.push(shape(content).ok_or(ShpError::BadRecord(shapes.len()))?);
        at = end;
    }
    Ok(shapes)
}

/// One record's content.
fn shape(c: &[u8]) -> Option<Shape> {
    let kind = le_i32(c, 0)?;
    match kind {
        0 => Some(Shape::Null),
        1 | 11 | 21 => Some(Shape::Points(vec![[le_f64(c, 4)?, le_f64(c, 12)?]])),
        8 | 18 | 28 => {
            let n = usize::try_from(le_i32(c, 36)?).ok()?;
            if n.checked_mul(16)?.checked_add(40)? > c.len() {
                return None;
            }
            (0..n)
                .map(|i| Some([le_f64(c, 40 + 16 * i)?, le_f64(c, 48 + 16 * i)?]))
                .collect::<Option<Vec<_>>>()
                .map(Shape::Points)
        }
        3 | 13 | 23 | 5 | 15 | 25 => {
            let parts = usize::try_from(le_i32(c, 36)?).ok()?;
            let points = usize::try_from(le_i32(c, 40)?).ok()?;
            let pts_at = parts.checked_mul(4)?.checked_add(44)?;
            if pts_at.checked_add(points.checked_mul(16)?)? > c.len() {
                return None;
            }
            let starts: Vec<usize> = (0..parts)
                .map(|i| usize::try_from(le_i32(c, 44 + 4 * i)?).ok())
                .collect::<Option<_>>()?;
            let mut out = Vec::with_capacity(parts);
            for (i, &s) in starts.iter().enumerate() {
                let e = starts.get(i + 1).copied().unwrap_or(points);
                if s > e || e > points {
                    return None;
                }
                out.push(
                    (s..e)
                        .map(|k| {
                            Some([le_f64(c, pts_at + 16 * k)?, le_f64(c, pts_at + 16 * k + 8)?])
                        })
                        .collect::<Option<Vec<_>>>()?,
                );
            }
            Some(if matches!(kind, 3 | 13 | 23) {
                Shape::Lines(out)
            } else {
                Shape::Rings(out)
            })
        }
        _ => None,
    }
}

/// Twice the signed area of a ring (positive counter-clockwise, with y up).
pub fn doubled_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}

/// Even-odd point in ring.
pub fn contains(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
        {
            inside = !inside;
        }
    }
    inside
}

/// A polygon's rings grouped into polygons: each clockwise ring an outer ring, each
/// counter-clockwise ring a hole of the smallest outer ring holding its first point (a hole in
/// none becomes an outer ring, as readers commonly do).
pub fn polygons(rings: Vec<Vec<[f64; 2]>>) -> Vec<Vec<Vec<[f64; 2]>>> {
    let mut outers: Vec<Vec<Vec<[f64; 2]>>> = Vec::new();
    let mut holes = Vec::new();
    for r in rings.into_iter().filter(|r| r.len() >= 3) {
        if doubled_area(&r) <= 0.0 {
            outers.push(vec![r]);
        } else {
            holes.push(r);
        }
    }
    for h in holes {
        let host = (0..outers.len())
            .filter(|&i| contains(&outers[i][0], h[0]))
            .min_by(|&a, &b| {
                doubled_area(&outers[a][0])
                    .abs()
                    .total_cmp(&doubled_area(&outers[b][0]).abs())
            });
        match host {
            Some(i) => outers[i].push(h),
            None => outers.push(vec![h]),
        }
    }
    outers
}
