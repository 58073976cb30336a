//! Urban rules: a community health service center per sub-district
//! (`subdistrict.health-center`), large sub-districts (`subdistrict.large`), and stations where
//! centers do not reach (`community.station`).

use super::{Context, Message, Missing, Outcome, RuleId, Severity};
use crate::engine::model::{FacilityId, FacilityKind, Level, UnitId};

const SUB_CENTER: RuleId = RuleId::SubdistrictHealthCenter;
const SUB_LARGE: RuleId = RuleId::SubdistrictLarge;
const STATION: RuleId = RuleId::CommunityStation;

fn subdistricts(ctx: &Context, out: &mut Outcome, rule: RuleId) -> Vec<UnitId> {
    let s: Vec<UnitId> = ctx.hierarchy.units_of(Level::Subdistrict).collect();
    if s.is_empty() {
        out.not_checked(rule, Missing::Subdistricts);
    } else {
        out.checked(rule, s.len());
    }
    s
}

/// `subdistrict.health-center`.
pub(super) fn subdistrict_health_center(ctx: &Context, out: &mut Outcome) {
    for s in subdistricts(ctx, out, SUB_CENTER) {
        if !ctx
            .facilities_of(s, &[FacilityKind::CommunityHealthCenter])
            .is_empty()
        {
            continue;
        }
        let convertible = ctx
            .facilities_of(s, &[FacilityKind::FirstLevelHospital])
            .first()
            .map(|&f| ctx.facility_place(f).name);
        let detail = Message::SubdistrictNoCenter { convertible };
        out.push(ctx.finding(SUB_CENTER, Severity::Violation, ctx.unit_place(s), detail));
    }
}

/// `subdistrict.large`.
pub(super) fn subdistrict_large(ctx: &Context, out: &mut Outcome) {
    let threshold = ctx.params.subdistrict_large_population;
    for s in subdistricts(ctx, out, SUB_LARGE) {
        let population = ctx.hierarchy.node(s).population;
        if population > threshold {
            let detail = Message::SubdistrictLarge {
                population,
                threshold,
            };
            out.push(ctx.finding(SUB_LARGE, Severity::Advisory, ctx.unit_place(s), detail));
        }
    }
}

/// `community.station`.
pub(super) fn community_station(ctx: &Context, out: &mut Outcome) {
    let communities: Vec<UnitId> = ctx.hierarchy.units_of(Level::Community).collect();
    if communities.is_empty() {
        out.not_checked(STATION, Missing::Communities);
        return;
    }
    out.checked(STATION, communities.len());
    let centers: Vec<FacilityId> = ctx
        .layers
        .facility_ids()
        .filter(|&f| ctx.layers.facility(f).kind == FacilityKind::CommunityHealthCenter)
        .collect();
    let nearest = ctx.reach.nearest_among(&centers);
    let served = [
        FacilityKind::CommunityHealthStation,
        FacilityKind::CommunityHealthCenter,
    ];
    for c in communities {
        if !ctx.facilities_of(c, &served).is_empty() {
            continue;
        }
        let population = ctx.hierarchy.node(c).population;
        let large = population > ctx.params.community_large_population;
        let times: Vec<Option<f64>> = ctx
            .hierarchy
            .settlements_in(c)
            .map(|s| nearest.settlement(s).map(|t| t.0))
            .collect();
        let max_minutes = if times.is_empty() {
            None
        } else {
            times.iter().try_fold(0.0_f64, |w, t| t.map(|m| w.max(m)))
        };
        let wide = !times.is_empty() && max_minutes.is_none_or(|m| m > ctx.limit_min);
        if large || wide {
            let detail = Message::CommunityNeedsStation {
                population,
                max_minutes,
                limit: ctx.limit_min,
                large,
            };
            out.push(ctx.finding(STATION, Severity::Violation, ctx.unit_place(c), detail));
        }
    }
}
