//! Candidate sites: the user's points, or generated: every settlement beyond the limit, and
//! points every `spacing_m` metres along the usable roads near them.

use super::Candidate;
use crate::engine::crs::{LonLat, Projector, Xy};
use crate::engine::model::Layers;
use crate::engine::network::kmh_to_m_per_min;
use crate::engine::routing::Reach;
use rstar::{primitives::GeomWithData, RTree};

/// Default spacing of generated candidates along roads, in metres.
pub const DEFAULT_SPACING_M: f64 = 300.0;
/// Most generated candidates: beyond this the spacing along roads widens.
pub const MAX_GENERATED: usize = 3_000;

/// Where candidate sites come from.
#[derive(Clone, Debug, PartialEq)]
pub enum CandidateSource {
    /// The user's points, in the order of their file.
    Given(Vec<LonLat>),
    /// Generated near the settlements beyond the limit.
    Generated {
        /// Spacing along roads, metres.
        spacing_m: f64,
    },
}

/// Candidates at the settlements not `covered` and along the usable roads within reach of
/// them on foot in the limit's off-road time (at least two spacings): what a planner would
/// walk to look at. At most [`MAX_GENERATED`] (road points thinned first).
pub fn generate(
    layers: &Layers,
    reach: &Reach,
    covered: &[bool],
    spacing_m: f64,
) -> Vec<Candidate> {
    let spacing_m = if spacing_m.is_finite() && spacing_m > 0.0 {
        spacing_m
    } else {
        super::DEFAULT_SPACING_M
    };
    let beyond: Vec<usize> = (0..layers.settlements.len())
        .filter(|&i| !covered[i] && layers.settlements[i].population > 0.0)
        .collect();
    let mut out: Vec<Candidate> = beyond
        .iter()
        .map(|&i| Candidate {
            at: layers.settlements[i].at,
            index: None,
        })
        .collect();
    if beyond.is_empty() || reach.network.is_empty() {
        out.truncate(MAX_GENERATED);
        return out;
    }
    let tree: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
        beyond
            .iter()
            .map(|&i| {
                let p = reach.settlement_xy[i];
                GeomWithData::new([p.x, p.y], i)
            })
            .collect(),
    );
    // A quarter hour's walk off-road, or two spacings.
    let near_m = (15.0 * kmh_to_m_per_min(4.0)).max(2.0 * spacing_m);
    let mut road_points = along_roads(reach, spacing_m, &tree, near_m);
    let room = MAX_GENERATED.saturating_sub(out.len());
    if road_points.len() > room {
        let step = road_points.len().div_ceil(room.max(1));
        road_points = road_points.into_iter().step_by(step).take(room).collect();
    }
    let projector = Projector::new(reach.zone);
    out.extend(road_points.into_iter().map(|p| Candidate {
        at: projector.unproject(p),
        index: None,
    }));
    out.truncate(MAX_GENERATED);
    out
}

/// Points every `spacing_m` along each road's usable segments (measured along the road,
/// restarting where the road's segments break), kept when within `near_m` of a settlement in
/// `tree`.
fn along_roads(
    reach: &Reach,
    spacing_m: f64,
    tree: &RTree<GeomWithData<[f64; 2], usize>>,
    near_m: f64,
) -> Vec<Xy> {
    let net = &reach.network;
    let mut out = Vec::new();
    let mut carried = 0.0;
    let mut last: Option<(u32, u32)> = None;
    for s in &net.segments {
        // A new stretch when the road changes or the segments do not continue each other.
        if last != Some((s.road, s.a)) {
            carried = spacing_m / 2.0;
        }
        let (a, b) = (net.nodes[s.a as usize], net.nodes[s.b as usize]);
        let len = a.distance_m(b);
        let mut d = carried;
        while d < len {
            let t = d / len;
            let p = Xy {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            };
            if tree
                .locate_within_distance([p.x, p.y], near_m * near_m)
                .next()
                .is_some()
            {
                out.push(p);
            }
            d += spacing_m;
        }
        carried = d - len;
        last = Some((s.road, s.b));
    }
    out
}
