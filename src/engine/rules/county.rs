//! County rules: the county medical community (`county.medical-community`), acute-care
//! centers (`county.acute-care-centers`), referral times to the lead hospital
//! (`county.referral`), and elderly care next to health centers (`planning.elderly-care`).

use super::township::{facility_in, scope_place, scopes, CENTERS};
use super::{Context, LeadProblem, Message, Missing, Outcome, RuleId, Severity};
use crate::engine::model::{Center, FacilityId, FacilityKind, Ownership, SettlementId, UnitId};
use crate::engine::routing::{Nearest, Site};

const COMMUNITY: RuleId = RuleId::CountyMedicalCommunity;
const ACUTE: RuleId = RuleId::CountyAcuteCareCenters;
const REFERRAL: RuleId = RuleId::CountyReferral;
const ELDERLY: RuleId = RuleId::PlanningElderlyCare;

fn leads(ctx: &Context, scope: Option<UnitId>) -> Vec<FacilityId> {
    ctx.layers
        .facility_ids()
        .filter(|&f| ctx.layers.facility(f).lead && facility_in(ctx, scope, f))
        .collect()
}

fn has_community_data(ctx: &Context) -> bool {
    ctx.layers
        .facilities
        .iter()
        .any(|f| f.lead || !f.centers.is_empty())
}

/// `county.medical-community`.
pub(super) fn medical_community(ctx: &Context, out: &mut Outcome) {
    if !has_community_data(ctx) {
        out.not_checked(COMMUNITY, Missing::MedicalCommunity);
        return;
    }
    for scope in scopes(ctx) {
        out.checked(COMMUNITY, 1);
        let lead = leads(ctx, scope);
        if lead.is_empty() {
            out.push(ctx.finding(
                COMMUNITY,
                Severity::Violation,
                scope_place(ctx, scope),
                Message::NoLeadHospital,
            ));
        }
        for &f in &lead {
            let h = &ctx.layers.facility(f);
            let mut problems = Vec::new();
            if !matches!(
                h.kind,
                FacilityKind::CountyGeneralHospital | FacilityKind::CountyTcmHospital
            ) {
                problems.push(LeadProblem::NotCountyHospital);
            }
            if h.ownership == Some(Ownership::ForProfit) {
                problems.push(LeadProblem::ForProfit);
            }
            if h.grade.is_none_or(|g| g < 2) {
                problems.push(LeadProblem::GradeBelowTwo);
            }
            if !problems.is_empty() {
                out.push(ctx.finding(
                    COMMUNITY,
                    Severity::Violation,
                    ctx.facility_place(f),
                    Message::LeadNotQualified { problems },
                ));
            }
        }
        let hosted: Vec<Center> = ctx
            .layers
            .facility_ids()
            .filter(|&f| facility_in(ctx, scope, f))
            .flat_map(|f| ctx.layers.facility(f).centers.iter().copied())
            .collect();
        for (clinical, group) in [(false, Center::RESOURCE_SHARING), (true, Center::CLINICAL)] {
            let centers: Vec<Center> = group.into_iter().filter(|c| !hosted.contains(c)).collect();
            if !centers.is_empty() {
                let detail = Message::MissingCenters { clinical, centers };
                out.push(ctx.finding(
                    COMMUNITY,
                    Severity::Violation,
                    scope_place(ctx, scope),
                    detail,
                ));
            }
        }
    }
}

/// `county.acute-care-centers`.
pub(super) fn acute_care(ctx: &Context, out: &mut Outcome) {
    if !ctx.layers.facilities.iter().any(|f| !f.centers.is_empty()) {
        out.not_checked(ACUTE, Missing::Centers);
        return;
    }
    let limit = ctx.params.acute_care_limit_min;
    let mode = ctx.params.referral_mode;
    // A center serving the county may stand outside it: any loaded facility counts, so each
    // center's times are the same for every county and are searched once.
    let by_center: Vec<(Center, Option<Nearest>)> = Center::ACUTE
        .into_iter()
        .map(|center| {
            let hosts: Vec<FacilityId> = ctx
                .layers
                .facility_ids()
                .filter(|&f| ctx.layers.facility(f).centers.contains(&center))
                .collect();
            (
                center,
                (!hosts.is_empty()).then(|| (ctx.transfer)().nearest_among(&hosts)),
            )
        })
        .collect();
    for scope in scopes(ctx) {
        out.checked(ACUTE, 1);
        let residents: Vec<SettlementId> = match scope {
            Some(c) => ctx.hierarchy.settlements_in(c).collect(),
            None => ctx.layers.settlement_ids().collect(),
        };
        for (center, nearest) in &by_center {
            let center = *center;
            let Some(nearest) = nearest else {
                out.push(ctx.finding(
                    ACUTE,
                    Severity::Violation,
                    scope_place(ctx, scope),
                    Message::AcuteMissing { center },
                ));
                continue;
            };
            let (mut total, mut within) = (0.0, 0.0);
            for &s in &residents {
                let p = ctx.layers.settlement(s).population;
                total += p;
                if nearest.settlement(s).is_some_and(|(m, _)| m <= limit) {
                    within += p;
                }
            }
            if total > 0.0 && within < total {
                let detail = Message::AcuteFar {
                    center,
                    share_within: within / total,
                    limit,
                    mode,
                };
                out.push(ctx.finding(ACUTE, Severity::Advisory, scope_place(ctx, scope), detail));
            }
        }
    }
}

/// `county.referral`.
pub(super) fn referral(ctx: &Context, out: &mut Outcome) {
    let kinds = [
        CENTERS[0],
        CENTERS[1],
        FacilityKind::TownshipHealthCenterBranch,
    ];
    for scope in scopes(ctx) {
        let lead = leads(ctx, scope);
        if lead.is_empty() {
            out.not_checked(REFERRAL, Missing::LeadHospital);
            continue;
        }
        let centers: Vec<FacilityId> = ctx
            .layers
            .facility_ids()
            .filter(|&f| kinds.contains(&ctx.layers.facility(f).kind) && facility_in(ctx, scope, f))
            .collect();
        if centers.is_empty() {
            out.not_checked(REFERRAL, Missing::TownshipCenters);
            continue;
        }
        out.checked(REFERRAL, centers.len());
        // Only the centres' times: a search per county that stops once they are settled.
        let sites: Vec<Site> = centers.iter().map(|&f| Site::Facility(f)).collect();
        let nearest = (ctx.transfer)().nearest_among_for(&lead, &sites);
        let mut times = Vec::new();
        for (&f, time) in centers.iter().zip(nearest) {
            match time {
                Some((m, _)) => times.push((ctx.facility_place(f).name, m)),
                None => out.push(ctx.finding(
                    REFERRAL,
                    Severity::Violation,
                    ctx.facility_place(f),
                    Message::ReferralUnreachable {
                        mode: ctx.params.referral_mode,
                    },
                )),
            }
        }
        if times.is_empty() {
            continue;
        }
        times.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mean_minutes = times.iter().map(|t| t.1).sum::<f64>() / times.len() as f64;
        let detail = Message::ReferralTimes {
            max_minutes: times[0].1,
            mean_minutes,
            times,
            mode: ctx.params.referral_mode,
        };
        out.push(ctx.finding(
            REFERRAL,
            Severity::Advisory,
            scope_place(ctx, scope),
            detail,
        ));
    }
}

/// `planning.elderly-care`.
pub(super) fn elderly_care(ctx: &Context, out: &mut Outcome) {
    let fs = ctx.layers;
    let kinds = [CENTERS[0], CENTERS[1], FacilityKind::CommunityHealthCenter];
    let centers: Vec<FacilityId> = fs
        .facility_ids()
        .filter(|&f| kinds.contains(&fs.facility(f).kind))
        .collect();
    if centers.is_empty() {
        out.not_checked(ELDERLY, Missing::HealthCenters);
        return;
    }
    out.checked(ELDERLY, centers.len());
    let homes: Vec<FacilityId> = fs
        .facility_ids()
        .filter(|&f| fs.facility(f).kind == FacilityKind::ElderlyCare)
        .collect();
    let limit_m = ctx.params.elderly_adjacent_m;
    for f in centers {
        let at = ctx.reach.facility_xy[f.index()];
        let distance_m = homes
            .iter()
            .map(|&h| at.distance_m(ctx.reach.facility_xy[h.index()]))
            .min_by(f64::total_cmp);
        if distance_m.is_none_or(|d| d > limit_m) {
            let detail = Message::ElderlyNotAdjacent {
                distance_m,
                limit_m,
            };
            out.push(ctx.finding(ELDERLY, Severity::Advisory, ctx.facility_place(f), detail));
        }
    }
}
