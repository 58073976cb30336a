//! Rule `reach.15min`: the share of residents within the limit of a medical service point,
//! for the planning area and every admin unit, and every settlement beyond the limit (special
//! areas first, then the most populous).
//!
//! Semantics: a settlement is within the limit when its time is `<=` the limit; a share's
//! denominator is every settlement's population (unreachable ones included); the mean time is
//! population-weighted over reachable settlements. [`Tally`] is that arithmetic, for this rule
//! and the report's figures alike.

use super::{
    special_flags, Context, Message, Missing, Outcome, Place, RuleId, RuleParams, Severity,
};
use crate::engine::admin::Hierarchy;
use crate::engine::model::{Layers, SettlementId};
use crate::engine::routing::Reach;

const REACH: RuleId = RuleId::Reach15Min;

/// Residents and settlements counted against a limit.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    /// Residents.
    pub total: f64,
    /// Residents within the limit.
    pub within: f64,
    /// Residents who reach no service point.
    pub unreachable: f64,
    /// Σ population × minutes over reachable settlements.
    pub weighted_minutes: f64,
    /// Residents who reach a service point.
    pub reachable_pop: f64,
    /// Settlements.
    pub count: usize,
    /// Settlements beyond the limit (unreachable ones included).
    pub beyond: usize,
}

impl Tally {
    /// Counts a settlement of `population` at `minutes` (`None`: unreachable).
    pub fn add(&mut self, population: f64, minutes: Option<f64>, limit: f64) {
        self.total += population;
        self.count += 1;
        match minutes {
            Some(m) => {
                self.weighted_minutes += population * m;
                self.reachable_pop += population;
                if m <= limit {
                    self.within += population;
                } else {
                    self.beyond += 1;
                }
            }
            None => {
                self.unreachable += population;
                self.beyond += 1;
            }
        }
    }

    /// The share of residents within the limit; `None` without residents.
    pub fn share(&self) -> Option<f64> {
        (self.total > 0.0).then(|| self.within / self.total)
    }

    /// The population-weighted mean time of those who reach a service point.
    pub fn mean(&self) -> Option<f64> {
        (self.reachable_pop > 0.0).then(|| self.weighted_minutes / self.reachable_pop)
    }
}

/// What the reach rule and the report both read, counted once per report: the tally over
/// every settlement, the tally of each admin unit over its members
/// ([`crate::engine::admin::Hierarchy::settlements_in`]), and whether each settlement lies in
/// a special-area unit (listed first).
#[derive(Clone, Debug, Default)]
pub struct Figures {
    /// Over every settlement.
    pub all: Tally,
    /// Per admin unit, indexed by [`crate::engine::model::UnitId`].
    pub units: Vec<Tally>,
    /// Per settlement, indexed by [`SettlementId`]: in a special-area unit.
    pub special: Vec<bool>,
}

impl Figures {
    /// Counts the settlements of `layers` against `limit` minutes with the times of `reach`.
    pub fn count(
        layers: &Layers,
        reach: &Reach,
        hierarchy: &Hierarchy,
        params: &RuleParams,
        limit: f64,
    ) -> Figures {
        let mut all = Tally::default();
        for (s, r) in layers.settlements.iter().zip(&reach.settlements) {
            all.add(s.population, r.minutes, limit);
        }
        let units = layers
            .unit_ids()
            .map(|i| {
                let mut t = Tally::default();
                for k in hierarchy.settlements_in(i) {
                    t.add(
                        layers.settlement(k).population,
                        reach.settlement(k).minutes,
                        limit,
                    );
                }
                t
            })
            .collect();
        let special = layers
            .settlement_ids()
            .map(|k| {
                hierarchy
                    .unit_of_settlement(k)
                    .is_some_and(|u| !special_flags(layers, hierarchy, params, u).is_empty())
            })
            .collect();
        Figures {
            all,
            units,
            special,
        }
    }
}

/// The display name of a settlement: its name, else its feature number and file.
fn settlement_name(ctx: &Context, k: SettlementId) -> String {
    let s = ctx.layers.settlement(k);
    match &s.name {
        Some(n) => n.clone(),
        None => {
            let file = ctx
                .file_names
                .get(s.source.file as usize)
                .map_or("", String::as_str);
            format!("settlement #{} ({file})", s.source.feature)
        }
    }
}

pub(super) fn check(ctx: &Context, out: &mut Outcome) {
    let (layers, limit) = (ctx.layers, ctx.limit_min);
    out.checked(REACH, layers.settlements.len());
    if layers.settlements.is_empty() {
        out.not_checked(REACH, Missing::Settlements);
    }
    let target = ctx.params.target_share;
    let all = &ctx.figures.all;
    let finding = |place: Place, detail: Message, value: Option<f64>| {
        let mut f = ctx.finding(REACH, Severity::Violation, place, detail);
        f.value = value;
        f
    };
    if let Some(share) = all.share().filter(|s| *s < target) {
        let detail = Message::ReachArea {
            share,
            within: all.within,
            total: all.total,
            limit,
        };
        let place = Place {
            name: "planning area".to_string(),
            unit: None,
            facility: None,
            at: None,
            special_area: false,
        };
        out.push(finding(place, detail, Some(share)));
    }
    for (i, t) in layers.unit_ids().zip(&ctx.figures.units) {
        if let Some(share) = t.share().filter(|s| *s < target) {
            let detail = Message::ReachUnit {
                share,
                within: t.within,
                total: t.total,
                limit,
            };
            out.push(finding(ctx.unit_place(i), detail, Some(share)));
        }
    }
    settlements_beyond(ctx, out);
}

/// One finding per settlement beyond the limit: special areas first, then the most populous.
fn settlements_beyond(ctx: &Context, out: &mut Outcome) {
    let (layers, reach, limit) = (ctx.layers, ctx.reach, ctx.limit_min);
    let special = |k: SettlementId| ctx.figures.special[k.index()];
    let within = |k: SettlementId| reach.settlement(k).minutes.is_some_and(|m| m <= limit);
    let mut beyond: Vec<SettlementId> = layers.settlement_ids().filter(|&k| !within(k)).collect();
    let population = |k: SettlementId| layers.settlement(k).population;
    beyond.sort_by(|&a, &b| {
        special(b)
            .cmp(&special(a))
            .then(population(b).total_cmp(&population(a)))
            .then(a.cmp(&b))
    });
    for k in beyond {
        let s = layers.settlement(k);
        let r = reach.settlement(k);
        let detail = Message::ReachSettlement {
            population: s.population,
            minutes: r.minutes,
            facility: r.nearest.and_then(|f| layers.facility(f).name.clone()),
            limit,
        };
        let name = settlement_name(ctx, k);
        let unit = ctx.hierarchy.unit_of_settlement(k);
        let place = Place {
            name: match unit {
                Some(u) => format!("{} / {name}", ctx.hierarchy.path_name(layers, u)),
                None => name,
            },
            unit,
            facility: None,
            at: Some(s.at),
            special_area: special(k),
        };
        let mut f = ctx.finding(REACH, Severity::Violation, place, detail);
        f.value = r.minutes;
        out.push(f);
    }
}
