//! Township rules: one health center per township (`township.health-center`), merged
//! townships keep theirs only as a branch (`township.merged`), and 1–2 central township
//! health centers per county away from the county town (`township.central-center`).

use super::{Candidate, Context, Message, Missing, Outcome, Place, RuleId, Severity};
use crate::engine::model::{FacilityId, FacilityKind, Level, UnitId};
use crate::engine::routing::Site;

/// Kinds that count as a township's health center (a branch never does).
pub(super) const CENTERS: [FacilityKind; 2] = [
    FacilityKind::TownshipHealthCenter,
    FacilityKind::CentralTownshipHealthCenter,
];

const HEALTH_CENTER: RuleId = RuleId::TownshipHealthCenter;
const MERGED: RuleId = RuleId::TownshipMerged;
const CENTRAL: RuleId = RuleId::TownshipCentralCenter;

/// `township.health-center`.
pub(super) fn health_center(ctx: &Context, out: &mut Outcome) {
    let townships: Vec<UnitId> = ctx
        .hierarchy
        .units_of(Level::Township)
        .filter(|&u| ctx.layers.unit(u).merged_into.is_none())
        .collect();
    if townships.is_empty() {
        out.not_checked(HEALTH_CENTER, Missing::Townships);
        return;
    }
    out.checked(HEALTH_CENTER, townships.len());
    for u in townships {
        let centers = ctx.facilities_of(u, &CENTERS);
        let detail = match centers.len() {
            0 => Message::TownshipNoCenter,
            1 => continue,
            n => Message::TownshipManyCenters { count: n },
        };
        out.push(ctx.finding(
            HEALTH_CENTER,
            Severity::Violation,
            ctx.unit_place(u),
            detail,
        ));
    }
}

/// `township.merged`.
pub(super) fn merged(ctx: &Context, out: &mut Outcome) {
    let dissolved: Vec<UnitId> = ctx
        .hierarchy
        .units_of(Level::Township)
        .filter(|&u| ctx.layers.unit(u).merged_into.is_some())
        .collect();
    if dissolved.is_empty() {
        out.not_checked(MERGED, Missing::MergedTownships);
        return;
    }
    out.checked(MERGED, dissolved.len());
    for u in dissolved {
        let target = ctx.layers.unit(u).merged_into.clone().unwrap_or_default();
        let into = ctx
            .layers
            .unit_ids()
            .find(|&i| {
                let a = ctx.layers.unit(i);
                a.code.as_deref() == Some(&target) || a.name.as_deref() == Some(&target)
            })
            .map(|i| ctx.name(i))
            .unwrap_or(target);
        for f in ctx.facilities_of(u, &CENTERS) {
            let detail = Message::MergedNotBranch { into: into.clone() };
            out.push(ctx.finding(MERGED, Severity::Violation, ctx.facility_place(f), detail));
        }
    }
}

/// Whether a unit is part of the county town: flagged so itself or above, or a sub-district.
pub(super) fn in_county_town(ctx: &Context, unit: Option<UnitId>) -> bool {
    let mut cur = unit;
    while let Some(u) = cur {
        let a = &ctx.layers.unit(u);
        if a.county_town || a.level == Some(Level::Subdistrict) || a.level == Some(Level::Community)
        {
            return true;
        }
        cur = ctx.hierarchy.node(u).parent;
    }
    false
}

/// The counties to check county-level rules in: every county unit, or the whole data as one
/// planning area when there is none.
pub(super) fn scopes(ctx: &Context) -> Vec<Option<UnitId>> {
    let counties: Vec<Option<UnitId>> = ctx.hierarchy.units_of(Level::County).map(Some).collect();
    if counties.is_empty() {
        vec![None]
    } else {
        counties
    }
}

/// Whether facility `f` lies in `scope`.
pub(super) fn facility_in(ctx: &Context, scope: Option<UnitId>, f: FacilityId) -> bool {
    match scope {
        None => true,
        Some(c) => ctx
            .hierarchy
            .unit_of_facility(f)
            .is_some_and(|u| ctx.hierarchy.is_within(u, c)),
    }
}

/// The place of a scope.
pub(super) fn scope_place(ctx: &Context, scope: Option<UnitId>) -> Place {
    match scope {
        Some(c) => ctx.unit_place(c),
        None => Place {
            name: "planning area".to_string(),
            unit: None,
            facility: None,
            at: None,
            special_area: false,
        },
    }
}

/// The county hospital of a scope: the lead hospital, else a county general hospital, else a
/// county TCM hospital.
pub(super) fn county_hospitals(ctx: &Context, scope: Option<UnitId>) -> Vec<FacilityId> {
    let fs = ctx.layers;
    let in_scope = |f: &FacilityId| facility_in(ctx, scope, *f);
    let lead: Vec<FacilityId> = fs
        .facility_ids()
        .filter(in_scope)
        .filter(|&f| fs.facility(f).lead)
        .collect();
    if !lead.is_empty() {
        return lead;
    }
    for kind in [
        FacilityKind::CountyGeneralHospital,
        FacilityKind::CountyTcmHospital,
    ] {
        let found: Vec<FacilityId> = fs
            .facility_ids()
            .filter(in_scope)
            .filter(|&f| fs.facility(f).kind == kind)
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// `township.central-center`.
pub(super) fn central_center(ctx: &Context, out: &mut Outcome) {
    if ctx.hierarchy.units_of(Level::Township).next().is_none() {
        out.not_checked(CENTRAL, Missing::Townships);
        return;
    }
    let p = ctx.params;
    for scope in scopes(ctx) {
        out.checked(CENTRAL, 1);
        let central: Vec<FacilityId> = ctx
            .layers
            .facility_ids()
            .filter(|&f| ctx.layers.facility(f).kind == FacilityKind::CentralTownshipHealthCenter)
            .filter(|&f| facility_in(ctx, scope, f))
            .collect();
        let (in_town, outside): (Vec<FacilityId>, Vec<FacilityId>) = central
            .into_iter()
            .partition(|&f| in_county_town(ctx, ctx.hierarchy.unit_of_facility(f)));
        for f in in_town {
            out.push(ctx.finding(
                CENTRAL,
                Severity::Violation,
                ctx.facility_place(f),
                Message::CentralInCountyTown,
            ));
        }
        let count = outside.len();
        if count < p.central_min as usize || count > p.central_max as usize {
            let detail = Message::CentralCount {
                count,
                min: p.central_min,
                max: p.central_max,
            };
            out.push(ctx.finding(
                CENTRAL,
                Severity::Violation,
                scope_place(ctx, scope),
                detail,
            ));
        }
        let candidates = rank_candidates(ctx, scope);
        if !candidates.is_empty() {
            let detail = Message::CentralCandidates { candidates };
            out.push(ctx.finding(CENTRAL, Severity::Advisory, scope_place(ctx, scope), detail));
        }
    }
}

/// A candidate township: unit, population, minutes from its center to the county hospital.
type Row = (UnitId, f64, Option<f64>);

/// Townships outside the county town with a health center, ranked by population served and
/// travel time from the center to the county hospital (sum of the two ranks; larger and
/// farther first).
fn rank_candidates(ctx: &Context, scope: Option<UnitId>) -> Vec<Candidate> {
    let hospitals = county_hospitals(ctx, scope);
    let townships: Vec<(UnitId, FacilityId)> = ctx
        .hierarchy
        .units_of(Level::Township)
        .filter(|&u| ctx.layers.unit(u).merged_into.is_none())
        .filter(|&u| scope.is_none_or(|c| ctx.hierarchy.is_within(u, c)))
        .filter(|&u| !in_county_town(ctx, Some(u)))
        .filter_map(|u| Some((u, ctx.facilities_of(u, &CENTERS).into_iter().next()?)))
        .collect();
    // Only the centers' times: a search per county that stops once they are settled.
    let sites: Vec<Site> = townships.iter().map(|&(_, f)| Site::Facility(f)).collect();
    let to_hospital = (ctx.transfer)().nearest_among_for(&hospitals, &sites);
    let mut rows: Vec<Row> = townships
        .iter()
        .zip(to_hospital)
        .map(|(&(u, _), time)| (u, ctx.hierarchy.node(u).population, time.map(|(m, _)| m)))
        .collect();
    let rank = |key: &dyn Fn(&Row) -> f64| -> Vec<usize> {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| key(&rows[b]).total_cmp(&key(&rows[a])));
        let mut r = vec![0; rows.len()];
        for (pos, i) in order.into_iter().enumerate() {
            r[i] = pos;
        }
        r
    };
    let by_pop = rank(&|r| r.1);
    let by_time = rank(&|r| r.2.unwrap_or(f64::INFINITY));
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (by_pop[i] + by_time[i], by_pop[i]));
    let picked: Vec<usize> = order
        .into_iter()
        .take(ctx.params.central_candidates)
        .collect();
    let mut out = Vec::with_capacity(picked.len());
    for i in picked {
        let (u, population, minutes) = std::mem::replace(&mut rows[i], (UnitId(0), 0.0, None));
        out.push(Candidate {
            name: ctx.name(u),
            population,
            minutes_to_county_hospital: minutes,
        });
    }
    out
}
