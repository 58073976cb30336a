//! A plan against the baseline: the two reports of the same settings, one on the loaded data,
//! one with the plan's edits; the headline before and after, every admin unit whose figures
//! changed (county, township, village), the settlements whose time band changed (for the
//! difference map), and the findings the plan resolves and those it adds.

use crate::engine::model::{Level, UnitId};
use crate::engine::report::{Report, Summary};
use crate::engine::rules::Finding;
use crate::engine::surface::DEFAULT_BANDS;
use serde::{Deserialize, Serialize};

/// A plan's comparison with the baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline's headline.
    pub before: Summary,
    /// The plan's.
    pub after: Summary,
    /// Residents the plan brings within the limit (negative: who fall out of it).
    pub population_gained: f64,
    /// Every admin unit whose share within the limit or mean time changed.
    pub units: Vec<UnitChange>,
    /// Every settlement whose time band changed (bands of 5, 10, 15, 30, 60 minutes).
    pub settlements: Vec<SettlementChange>,
    /// Findings of the baseline the plan no longer has.
    pub resolved: Vec<Finding>,
    /// Findings the plan has that the baseline had not.
    pub added: Vec<Finding>,
}

/// An admin unit before and after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitChange {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: Option<String>,
    /// Its level.
    pub level: Option<Level>,
    /// Residents.
    pub population: f64,
    /// Within the limit, before.
    pub within_before: f64,
    /// Within the limit, after.
    pub within_after: f64,
    /// Share within, before.
    pub share_before: Option<f64>,
    /// Share within, after.
    pub share_after: Option<f64>,
    /// Mean minutes, before.
    pub mean_before: Option<f64>,
    /// Mean minutes, after.
    pub mean_after: Option<f64>,
}

/// A settlement whose time band changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementChange {
    /// Its position among the report's settlements (the analysis' order).
    pub row: usize,
    /// Minutes before (`None`: unreachable).
    pub before: Option<f64>,
    /// Minutes after.
    pub after: Option<f64>,
    /// Band before: 0 for ≤ 5 min … 5 for over 60 min, 6 unreachable.
    pub band_before: u8,
    /// Band after.
    pub band_after: u8,
}

/// The band of a time: the first of [`DEFAULT_BANDS`] it is within (inclusive), one past them
/// beyond the last, two past them unreachable.
pub fn band(minutes: Option<f64>) -> u8 {
    match minutes {
        None => DEFAULT_BANDS.len() as u8 + 1,
        Some(m) => DEFAULT_BANDS
            .iter()
            .position(|&b| m <= b)
            .unwrap_or(DEFAULT_BANDS.len()) as u8,
    }
}

/// The cells whose band ([`band`]) differs between two surfaces, as positions in the `after`
/// grid: a cell of `after` is compared with the cell of `before` under its centre (the grids
/// differ when an edit widened the data's area), a cell outside `before` not at all.
/// Non-finite minutes are unreachable.
pub fn changed_cells(
    before_grid: &crate::engine::surface::Grid,
    before: &[f32],
    after_grid: &crate::engine::surface::Grid,
    after: &[f32],
) -> Vec<u32> {
    let minutes = |m: f32| m.is_finite().then_some(f64::from(m));
    let same = before_grid == after_grid;
    let same_plane = before_grid.zone == after_grid.zone;
    (0..after.len().min(after_grid.len()))
        .filter(|&i| {
            let j = if same {
                Some(i)
            } else if same_plane {
                let (col, row) = (i % after_grid.cols, i / after_grid.cols);
                before_grid.index_of(after_grid.centre(col, row))
            } else {
                None
            };
            j.and_then(|j| before.get(j))
                .is_some_and(|&b| band(minutes(b)) != band(minutes(after[i])))
        })
        .map(|i| i as u32)
        .collect()
}

/// What identifies a finding across two reports: its rule, its place and what it says (the
/// kind of message, not its figures).
fn key(
    f: &Finding,
) -> (
    crate::engine::rules::RuleId,
    &str,
    std::mem::Discriminant<crate::engine::rules::Message>,
) {
    (f.rule, f.place.as_str(), std::mem::discriminant(&f.detail))
}

/// Compares `plan` with `baseline`, two reports of the same settings on the same settlements
/// and admin units.
///
/// # Examples
/// ```
/// use medreach::app::compare::band;
/// assert_eq!(band(Some(15.0)), 2); // thresholds are inclusive
/// assert_eq!(band(Some(15.01)), 3);
/// assert_eq!(band(None), 6);
/// ```
pub fn compare(baseline: &Report, plan: &Report) -> Comparison {
    let units = baseline
        .admin
        .iter()
        .zip(&plan.admin)
        .filter(|(b, a)| {
            b.population_within_limit != a.population_within_limit
                || b.mean_time_min != a.mean_time_min
        })
        .map(|(b, a)| UnitChange {
            unit: a.unit,
            name: a.name.clone(),
            level: a.level,
            population: a.population,
            within_before: b.population_within_limit,
            within_after: a.population_within_limit,
            share_before: b.share_within_limit,
            share_after: a.share_within_limit,
            mean_before: b.mean_time_min,
            mean_after: a.mean_time_min,
        })
        .collect();
    let settlements = baseline
        .settlements
        .iter()
        .zip(&plan.settlements)
        .enumerate()
        .filter_map(|(row, (b, a))| {
            let (band_before, band_after) = (band(b.time_min), band(a.time_min));
            (band_before != band_after).then_some(SettlementChange {
                row,
                before: b.time_min,
                after: a.time_min,
                band_before,
                band_after,
            })
        })
        .collect();
    let before_keys: std::collections::HashSet<_> = baseline.findings.iter().map(key).collect();
    let after_keys: std::collections::HashSet<_> = plan.findings.iter().map(key).collect();
    Comparison {
        population_gained: plan.summary.population_within_limit
            - baseline.summary.population_within_limit,
        before: baseline.summary.clone(),
        after: plan.summary.clone(),
        units,
        settlements,
        resolved: baseline
            .findings
            .iter()
            .filter(|f| !after_keys.contains(&key(f)))
            .cloned()
            .collect(),
        added: plan
            .findings
            .iter()
            .filter(|f| !before_keys.contains(&key(f)))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_whose_band_changed_are_listed_in_the_grid_after() {
        use crate::engine::crs::UtmZone;
        use crate::engine::surface::Grid;
        let grid = |west: f64, cols: usize| Grid {
            zone: UtmZone {
                number: 48,
                north: true,
            },
            cell_m: 100.0,
            west,
            north: 1000.0,
            cols,
            rows: 1,
        };
        let inf = f32::INFINITY;
        // 4.9 and 5.0 share the 0–5 band (inclusive); 5.1 does not; unreachable to 70 changes.
        let before = [4.9, 5.1, inf, 20.0];
        let after = [5.0, 4.0, 70.0, 20.0];
        assert_eq!(
            changed_cells(&grid(0.0, 4), &before, &grid(0.0, 4), &after),
            vec![1, 2]
        );
        // A grid widened by one column to the west: its cell 0 has nothing before.
        let wider = [1.0, 5.0, 4.0, 70.0, 20.0];
        assert_eq!(
            changed_cells(&grid(0.0, 4), &before, &grid(-100.0, 5), &wider),
            vec![2, 3]
        );
    }
}
