//! Village rules: a clinic in every administrative village with its exceptions
//! (`village.clinic`), no duplicates (`village.duplicate-clinics`), and service points or
//! mobile stations for special-area villages (`village.special-areas`).

use super::township::CENTERS;
use super::{Context, Message, Missing, Outcome, RuleId, Severity};
use crate::engine::admin::UnitBoxes;
use crate::engine::model::{AreaFlag, FacilityId, FacilityKind, Level, SettlementId, UnitId};
use crate::engine::routing::Site;
use geo::{BoundingRect, Intersects};

const CLINIC: RuleId = RuleId::VillageClinic;
const DUPLICATE: RuleId = RuleId::VillageDuplicateClinics;
const SPECIAL: RuleId = RuleId::VillageSpecialAreas;

const OUTREACH: [FacilityKind; 2] = [
    FacilityKind::MedicalServicePoint,
    FacilityKind::MobileStation,
];

/// The special-area flags that count for a village (see [`super::special_flags`]).
pub(super) fn special_flags(ctx: &Context, unit: UnitId) -> Vec<AreaFlag> {
    super::special_flags(ctx.layers, ctx.hierarchy, ctx.params, unit)
}

fn villages(ctx: &Context, out: &mut Outcome, rule: RuleId) -> Vec<UnitId> {
    let v: Vec<UnitId> = ctx.hierarchy.units_of(Level::Village).collect();
    if v.is_empty() {
        out.not_checked(rule, Missing::Villages);
    }
    v
}

/// The villages whose polygons meet each other's, found through an index of their boxes.
struct Neighbours {
    shapes: Vec<Option<geo::MultiPolygon<f64>>>,
    boxes: UnitBoxes,
}

impl Neighbours {
    fn new(ctx: &Context, villages: &[UnitId]) -> Neighbours {
        let mut shapes = vec![None; ctx.layers.admin.len()];
        for &v in villages {
            shapes[v.index()] = Some(crate::engine::model::to_geo(&ctx.layers.unit(v).polygons));
        }
        let boxes = UnitBoxes::new(
            shapes
                .iter()
                .map(|s| s.as_ref().and_then(|s| s.bounding_rect())),
        );
        Neighbours { shapes, boxes }
    }

    /// The other villages touching or overlapping village `v`, ascending.
    fn of(&self, v: UnitId) -> Vec<UnitId> {
        let Some(shape) = &self.shapes[v.index()] else {
            return Vec::new();
        };
        let Some(rect) = shape.bounding_rect() else {
            return Vec::new();
        };
        self.boxes
            .overlapping(rect)
            .into_iter()
            .filter(|&u| {
                u != v
                    && self.shapes[u.index()]
                        .as_ref()
                        .is_some_and(|s| s.intersects(shape))
            })
            .collect()
    }
}

/// `village.clinic`.
pub(super) fn clinic(ctx: &Context, out: &mut Outcome) {
    let villages = villages(ctx, out, CLINIC);
    if villages.is_empty() {
        return;
    }
    out.checked(CLINIC, villages.len());
    let clinics: Vec<FacilityId> = ctx
        .layers
        .facility_ids()
        .filter(|&f| ctx.layers.facility(f).kind == FacilityKind::VillageClinic)
        .collect();
    let nearest = ctx.reach.nearest_among(&clinics);
    let neighbours = Neighbours::new(ctx, &villages);
    for v in villages {
        if !ctx
            .facilities_of(v, &[FacilityKind::VillageClinic])
            .is_empty()
            || !ctx.facilities_of(v, &CENTERS).is_empty()
            || (!special_flags(ctx, v).is_empty() && !ctx.facilities_of(v, &OUTREACH).is_empty())
        {
            continue;
        }
        let population = ctx.hierarchy.node(v).population;
        let mut shared_minutes = None;
        if population < ctx.params.small_village_population {
            // A small village may share the clinic of an adjacent village, reachable within the
            // limit from every one of its settlements.
            let near = neighbours.of(v);
            let adjacent = |clinic: FacilityId| {
                ctx.hierarchy
                    .unit_of_facility(clinic)
                    .is_some_and(|u| near.binary_search(&u).is_ok())
            };
            let settlements: Vec<SettlementId> = ctx.hierarchy.settlements_in(v).collect();
            let mut times: Vec<Option<(f64, FacilityId)>> =
                settlements.iter().map(|&s| nearest.settlement(s)).collect();
            // A settlement no clinic reaches is reached by no adjacent one either.
            if times.iter().all(Option::is_some)
                && !times.iter().flatten().all(|&(_, c)| adjacent(c))
            {
                // A nearer clinic that is not an adjacent village's does not count: time the
                // clinics of the adjacent villages alone, searching only as far as this
                // village's settlements.
                let shared: Vec<FacilityId> =
                    clinics.iter().copied().filter(|&c| adjacent(c)).collect();
                let sites: Vec<Site> = settlements.iter().map(|&s| Site::Settlement(s)).collect();
                times = ctx.reach.nearest_among_for(&shared, &sites);
            }
            let worst = times
                .iter()
                .try_fold(0.0_f64, |w, t| t.map(|(m, _)| w.max(m)));
            if let (Some(worst), false) = (worst, times.is_empty()) {
                if worst <= ctx.limit_min {
                    continue;
                }
                shared_minutes = Some(worst);
            }
        }
        let detail = Message::VillageNoClinic {
            population,
            shared_minutes,
            limit: ctx.limit_min,
        };
        out.push(ctx.finding(CLINIC, Severity::Violation, ctx.unit_place(v), detail));
    }
}

/// `village.duplicate-clinics`.
pub(super) fn duplicate_clinics(ctx: &Context, out: &mut Outcome) {
    let villages = villages(ctx, out, DUPLICATE);
    out.checked(DUPLICATE, villages.len());
    for v in villages {
        let count = ctx.facilities_of(v, &[FacilityKind::VillageClinic]).len();
        if count > 1 {
            out.push(ctx.finding(
                DUPLICATE,
                Severity::Violation,
                ctx.unit_place(v),
                Message::DuplicateClinics { count },
            ));
        }
    }
}

/// `village.special-areas`.
pub(super) fn special_areas(ctx: &Context, out: &mut Outcome) {
    let special: Vec<UnitId> = ctx
        .hierarchy
        .units_of(Level::Village)
        .filter(|&v| !special_flags(ctx, v).is_empty())
        .collect();
    if special.is_empty() {
        out.not_checked(SPECIAL, Missing::SpecialVillages);
        return;
    }
    out.checked(SPECIAL, special.len());
    for v in special {
        if ctx
            .facilities_of(v, &[FacilityKind::VillageClinic])
            .is_empty()
            && ctx.facilities_of(v, &OUTREACH).is_empty()
        {
            let detail = Message::SpecialNoService {
                flags: special_flags(ctx, v),
            };
            out.push(ctx.finding(SPECIAL, Severity::Violation, ctx.unit_place(v), detail));
        }
    }
}
