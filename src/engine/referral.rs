//! The referral table: from every township health center and community health service center
//! to the lead hospital and to every county-level hospital, the time, the distance and the
//! way, in the mode patients are transferred ([`crate::engine::rules::RuleParams::referral_mode`]).

use crate::engine::crs::{LonLat, Projector};
use crate::engine::model::{FacilityId, FacilityKind, Layers};
use crate::engine::network::Mode;
use crate::engine::routing::Reach;
use serde::{Deserialize, Serialize};

/// The kinds referred from.
pub const FROM_KINDS: [FacilityKind; 4] = [
    FacilityKind::TownshipHealthCenter,
    FacilityKind::CentralTownshipHealthCenter,
    FacilityKind::TownshipHealthCenterBranch,
    FacilityKind::CommunityHealthCenter,
];

/// One row: a center to a hospital.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferralRow {
    /// The center referred from: its position in its file's features.
    pub from: usize,
    /// Its name, if any.
    pub from_name: Option<String>,
    /// Its kind.
    pub from_kind: FacilityKind,
    /// The hospital referred to: its position in its file's features.
    pub to: usize,
    /// Its name, if any.
    pub to_name: Option<String>,
    /// Whether it leads the county medical community.
    pub to_lead: bool,
    /// The mode of the transfer.
    pub mode: Mode,
    /// Minutes, `None` when the hospital cannot be reached.
    pub minutes: Option<f64>,
    /// Kilometres travelled, off-road legs included.
    pub km: Option<f64>,
    /// The way, from the center to the hospital (empty when there is none).
    pub path: Vec<LonLat>,
}

/// The hospitals referred to: the lead hospitals and every county-level hospital, in load
/// order.
pub fn hospitals(layers: &Layers) -> Vec<FacilityId> {
    layers
        .facility_ids()
        .filter(|&f| {
            let f = layers.facility(f);
            f.lead
                || matches!(
                    f.kind,
                    FacilityKind::CountyGeneralHospital | FacilityKind::CountyTcmHospital
                )
        })
        .collect()
}

/// The table over `reach` (the transfer mode's times, asked for only when there are centers
/// and hospitals): per center (in load order), a row to each hospital (in load order). Empty
/// without centers or hospitals.
pub fn table<'r>(layers: &Layers, reach: &dyn Fn() -> &'r Reach) -> Vec<ReferralRow> {
    let centers: Vec<FacilityId> = layers
        .facility_ids()
        .filter(|&f| FROM_KINDS.contains(&layers.facility(f).kind))
        .collect();
    let hospitals = hospitals(layers);
    if centers.is_empty() || hospitals.is_empty() {
        return Vec::new();
    }
    let reach = reach();
    let projector = Projector::new(reach.zone);
    let mut rows = Vec::with_capacity(centers.len() * hospitals.len());
    let routes: Vec<_> = hospitals
        .iter()
        .map(|&h| reach.routes_to(h, &centers))
        .collect();
    // The routes to one hospital share most of their way: each point is converted once.
    let mut lon_lat: std::collections::HashMap<[u64; 2], crate::engine::crs::LonLat> =
        std::collections::HashMap::new();
    let mut unproject = |p: crate::engine::crs::Xy| {
        *lon_lat
            .entry([p.x.to_bits(), p.y.to_bits()])
            .or_insert_with(|| projector.unproject(p))
    };
    for (i, &c) in centers.iter().enumerate() {
        let from = layers.facility(c);
        for (&h, routes) in hospitals.iter().zip(&routes) {
            let to = layers.facility(h);
            let route = routes[i].as_ref();
            rows.push(ReferralRow {
                from: from.source.feature as usize,
                from_name: from.name.clone(),
                from_kind: from.kind,
                to: to.source.feature as usize,
                to_name: to.name.clone(),
                to_lead: to.lead,
                mode: reach.mode,
                minutes: route.map(|r| r.minutes),
                km: route.map(|r| r.metres / 1000.0),
                path: route
                    .map(|r| r.line.iter().map(|&p| unproject(p)).collect())
                    .unwrap_or_default(),
            });
        }
    }
    rows
}
