//! Capacity-limited coverage (2SFCA and its variants) as the page shows it: every settlement's
//! ratio for the map, the most overloaded and the idle facilities for the table (the guidance
//! warns against both "hotspots" and "idle and wasted resources"), and the classes the map
//! colours by.

use crate::app::analysis::Analysis;
use crate::app::text::Bilingual;
use crate::engine::model::{CapacityField, FacilityKind};
use crate::engine::network::Mode;
use crate::engine::planning::access::{capacity_access, AccessError, AccessRequest, Method};
use serde::{Deserialize, Serialize};

/// What the page asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessAsk {
    /// The travel mode.
    pub mode: Mode,
    /// The capacity each supplier offers.
    pub field: CapacityField,
    /// The catchment in minutes (inclusive).
    pub catchment_min: f64,
    /// `2sfca`, `e2sfca` or `g2sfca` (PySAL's default steps and width).
    pub method: String,
}

/// A supplier as the table lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupplierRow {
    /// Its position among the analysis' facilities.
    pub facility: usize,
    /// Its name, if any.
    pub name: Option<String>,
    /// Its kind.
    pub kind: FacilityKind,
    /// Its capacity.
    pub capacity: f64,
    /// Residents in its catchment.
    pub population: f64,
    /// Capacity per resident of its (weighted) catchment; `None` when nobody is in it.
    pub ratio: Option<f64>,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessView {
    /// What was asked.
    pub ask: AccessAsk,
    /// Per settlement (the analysis' order), capacity per resident within reach.
    pub settlement_ratio: Vec<f64>,
    /// The class of each settlement's ratio for the map: 0 none within reach, then 1–4 by
    /// the quartiles of the ratios above 0.
    pub settlement_class: Vec<u8>,
    /// The upper bounds of classes 1–3 (class 4 is above the last).
    pub class_bounds: Vec<f64>,
    /// The suppliers with the lowest ratio first: the most overloaded.
    pub overloaded: Vec<SupplierRow>,
    /// The suppliers nobody reaches, then those with the highest ratio: the idle.
    pub idle: Vec<SupplierRow>,
    /// Suppliers in all.
    pub suppliers: usize,
    /// Medical service points without the capacity, which do not supply.
    pub without_capacity: usize,
    /// Residents with no supplier within the catchment.
    pub population_without: f64,
}

/// Rows in each of the two tables.
pub const TABLE_ROWS: usize = 10;

/// Computes the view for `ask` over `analysis` (whose mode it must be).
pub fn access_view(analysis: &Analysis, ask: &AccessAsk) -> Result<AccessView, Bilingual> {
    let method = Method::with_defaults(&ask.method).ok_or_else(|| Bilingual {
        en: format!("\"{}\" is not a method (2sfca, e2sfca, g2sfca)", ask.method),
        zh: format!("“{}”不是可用的方法（2sfca、e2sfca、g2sfca）", ask.method),
    })?;
    let request = AccessRequest {
        field: ask.field,
        catchment_min: ask.catchment_min,
        method,
    };
    let access = capacity_access(&analysis.layers, &analysis.reach, &request)
        .map_err(|e| access_error(&e))?;
    let layers = &analysis.layers;
    let settlement_ratio: Vec<f64> = access.settlements.iter().map(|s| s.ratio).collect();
    let mut positive: Vec<f64> = settlement_ratio
        .iter()
        .copied()
        .filter(|r| *r > 0.0)
        .collect();
    positive.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        positive
            .get(((positive.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let class_bounds = vec![quantile(0.25), quantile(0.5), quantile(0.75)];
    let settlement_class = settlement_ratio
        .iter()
        .map(|&r| {
            if r <= 0.0 {
                0
            } else {
                1 + class_bounds.iter().filter(|&&b| r > b).count() as u8
            }
        })
        .collect();
    let population_without = access
        .settlements
        .iter()
        .filter(|s| s.ratio <= 0.0)
        .map(|s| layers.settlement(s.id).population)
        .sum();
    let rows: Vec<SupplierRow> = access
        .facilities
        .iter()
        .map(|f| {
            let fac = layers.facility(f.id);
            SupplierRow {
                facility: f.id.index(),
                name: fac.name.clone(),
                kind: fac.kind,
                capacity: f.capacity,
                population: f.population,
                ratio: f.ratio,
            }
        })
        .collect();
    let mut overloaded: Vec<SupplierRow> =
        rows.iter().filter(|r| r.ratio.is_some()).cloned().collect();
    overloaded.sort_by(|a, b| a.ratio.unwrap_or(0.0).total_cmp(&b.ratio.unwrap_or(0.0)));
    let mut idle = rows.clone();
    // Nobody in reach first, then the most capacity per resident.
    idle.sort_by(|a, b| match (a.ratio, b.ratio) {
        (None, None) => a.facility.cmp(&b.facility),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.total_cmp(&x),
    });
    // Each table lists at most half the suppliers, so that one facility is not in both.
    let rows_each = TABLE_ROWS.min(rows.len().div_ceil(2));
    overloaded.truncate(rows_each);
    idle.truncate(rows_each);
    Ok(AccessView {
        ask: ask.clone(),
        settlement_ratio,
        settlement_class,
        class_bounds,
        overloaded,
        idle,
        suppliers: access.facilities.len(),
        without_capacity: access.without_capacity.len(),
        population_without,
    })
}

/// Why capacity-limited coverage cannot be computed, in both languages.
pub fn access_error(e: &AccessError) -> Bilingual {
    let zh = match e {
        AccessError::NoCapacity {
            field,
            service_points,
        } => format!(
            "{service_points} 个医疗服务点都没有“{}”（属性名 {}）：请在机构数据中提供，或选择其他服务能力指标。",
            field_zh(*field),
            field.names().join("、")
        ),
        AccessError::Catchment(m) => format!("服务范围 {m} 分钟无效：请填写正数。"),
        AccessError::Steps(_) => "分段权重无效。".to_string(),
        AccessError::Sigma(s) => format!("高斯宽度 {s} 分钟无效：请填写正数。"),
    };
    Bilingual {
        en: e.to_string(),
        zh,
    }
}

/// A capacity's name in Chinese.
pub fn field_zh(field: CapacityField) -> &'static str {
    match field {
        CapacityField::Capacity => "服务能力",
        CapacityField::Doctors => "医生数",
        CapacityField::Beds => "床位数",
        CapacityField::Staff => "人员数",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::Dataset;
    use crate::engine::network::SpeedTable;

    fn fixture() -> Dataset {
        let mut data = Dataset::default();
        for name in ["roads", "facilities", "settlements"] {
            let path = format!(
                "{}/tests/data/access/{name}.geojson",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap();
            data.load(&format!("{name}.geojson"), &text).unwrap();
        }
        data
    }

    #[test]
    fn the_view_ranks_the_suppliers_and_classes_the_settlements() {
        let data = fixture();
        let a = Analysis::run(&data, Mode::Walk, &SpeedTable::default()).unwrap();
        let ask = AccessAsk {
            mode: Mode::Walk,
            field: CapacityField::Doctors,
            catchment_min: 15.0,
            method: "2sfca".into(),
        };
        let v = access_view(&a, &ask).unwrap();
        assert_eq!(v.settlement_ratio.len(), a.layers.settlements.len());
        let ratios: Vec<f64> = v.overloaded.iter().map(|r| r.ratio.unwrap()).collect();
        assert!(ratios.windows(2).all(|w| w[0] <= w[1]), "{ratios:?}");
        assert!(v
            .settlement_class
            .iter()
            .zip(&v.settlement_ratio)
            .all(|(&c, &r)| (c == 0) == (r <= 0.0) && c <= 4));
        assert!(v.population_without > 0.0);
        assert!(
            v.without_capacity > 0,
            "the fixture leaves some without 医生数"
        );
        // No supplier with the capacity: refused, in both languages.
        let none = AccessAsk {
            field: CapacityField::Capacity,
            ..ask.clone()
        };
        let mut d = Dataset::default();
        d.load(
            "f.geojson",
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"kind":"village_clinic"},"geometry":{"type":"Point","coordinates":[116.0,40.0]}},
            {"type":"Feature","properties":{"population":100},"geometry":{"type":"Point","coordinates":[116.0,40.001]}}]}"#,
        )
        .unwrap();
        let a = Analysis::run(&d, Mode::Walk, &SpeedTable::default()).unwrap();
        let e = access_view(&a, &none).unwrap_err();
        assert!(e.zh.contains("服务能力"), "{}", e.zh);
        let bad = AccessAsk {
            method: "3sfca".into(),
            ..ask
        };
        assert!(access_view(&a, &bad).is_err());
    }
}
