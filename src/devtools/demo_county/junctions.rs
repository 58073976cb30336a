//! Step 7, junctions: where two at-grade roads cross, both lines get the crossing point.

use super::builder::RoadLine;
use super::plane::P;
use std::collections::BTreeMap;

/// Where two at-grade roads cross, adds the crossing point to both lines, so that they share
/// a vertex there (a junction).
pub(super) fn insert_junctions(roads: &mut [RoadLine]) {
    struct Seg {
        road: usize,
        index: usize,
        a: P,
        b: P,
        min_x: f64,
        max_x: f64,
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (r, road) in roads.iter().enumerate().filter(|(_, r)| r.at_grade) {
        for (i, w) in road.pts.windows(2).enumerate() {
            segs.push(Seg {
                road: r,
                index: i,
                a: w[0],
                b: w[1],
                min_x: w[0].x.min(w[1].x),
                max_x: w[0].x.max(w[1].x),
            });
        }
    }
    segs.sort_by(|s, t| {
        s.min_x
            .total_cmp(&t.min_x)
            .then(s.road.cmp(&t.road))
            .then(s.index.cmp(&t.index))
    });
    let mut cuts: BTreeMap<(usize, usize), Vec<(f64, P)>> = BTreeMap::new();
    for i in 0..segs.len() {
        let s = &segs[i];
        for t in &segs[i + 1..] {
            if t.min_x > s.max_x {
                break;
            }
            if s.a.y.max(s.b.y) < t.a.y.min(t.b.y) || t.a.y.max(t.b.y) < s.a.y.min(s.b.y) {
                continue;
            }
            let (d1, d2) = (s.b - s.a, t.b - t.a);
            let den = d1.cross(d2);
            if den.abs() < 1e-12 {
                continue;
            }
            let u = (t.a - s.a).cross(d2) / den;
            let v = (t.a - s.a).cross(d1) / den;
            let open = |x: f64| x > 1e-6 && x < 1.0 - 1e-6;
            if open(u) && open(v) {
                let at = s.a + d1 * u;
                cuts.entry((s.road, s.index)).or_default().push((u, at));
                cuts.entry((t.road, t.index)).or_default().push((v, at));
            }
        }
    }
    let mut by_road: BTreeMap<usize, BTreeMap<usize, Vec<(f64, P)>>> = BTreeMap::new();
    for ((r, i), mut list) in cuts {
        list.sort_by(|x, y| x.0.total_cmp(&y.0));
        by_road.entry(r).or_default().insert(i, list);
    }
    for (r, per_segment) in by_road {
        let old = std::mem::take(&mut roads[r].pts);
        let mut pts = Vec::with_capacity(old.len() + per_segment.len());
        for (i, q) in old.iter().enumerate() {
            pts.push(*q);
            if let Some(list) = per_segment.get(&i) {
                pts.extend(list.iter().map(|x| x.1));
            }
        }
        roads[r].pts = pts;
    }
}
