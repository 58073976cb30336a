//! Every piece of user-facing text, in Chinese and English, in one place.
//!
//! [`Key::text`] is one exhaustive `match`, so a key without both languages does not compile.
//! Messages with values ([`input_error`], [`skip_reason`]) are built here too.

use crate::analysis::AnalysisError;
use crate::input::InputError;
use crate::model::SkipReason;
use serde::{Deserialize, Serialize};

/// A display language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// 简体中文.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language for a browser language tag: Chinese for `zh*`, else English.
    ///
    /// # Examples
    /// ```
    /// use medreach::i18n::Lang;
    /// assert_eq!(Lang::from_tag("zh-TW"), Lang::Zh);
    /// assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    /// ```
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// A fixed piece of UI text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Key {
    AppName,
    Tagline,
    LangSwitch,
    LoadFiles,
    DropHint,
    PrivacyNote,
    Layers,
    Roads,
    Facilities,
    Settlements,
    AdminUnits,
    Skipped,
    Feature,
    LoadErrors,
    Mode,
    Walk,
    Drive,
    LimitMin,
    ShareWithin,
    RuleReach,
    RuleReachClause,
    Target,
    Population,
    PopulationWithin,
    MeanTime,
    Unreachable,
    UnreachablePopulation,
    SettlementsBeyond,
    ServicePoints,
    Settlement,
    Time,
    NearestFacility,
    Minutes,
    AdminUnit,
    Share,
    PerUnit,
    DemoBanner,
    DemoReload,
    Attribution,
    ZoomIn,
    ZoomOut,
    Fit,
    Legend,
    TravelTime,
    Within,
    Beyond,
    ServicePoint,
    OtherFacility,
    StraightLine,
    NoServicePoints,
    NoSettlements,
    NothingLoaded,
    Findings,
    ModeNote,
    Close,
    Network,
    NoneFound,
    Computing,
    Hospital,
    HealthCenter,
    ClinicClass,
    Outreach,
    NotUsable,
    ServicePointColour,
}

impl Key {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Key::AppName => ("MedReach", "MedReach 医疗可达"),
            Key::Tagline => (
                "Who can reach primary health care within 15 minutes, and who cannot",
                "谁能在15分钟内到达基层医疗服务点，谁不能",
            ),
            Key::LangSwitch => ("中文", "English"),
            Key::LoadFiles => ("Load GeoJSON files", "载入 GeoJSON 文件"),
            Key::DropHint => (
                "Drop GeoJSON files anywhere on the page: roads, facilities, settlements with population, admin units (WGS84 longitude/latitude).",
                "将 GeoJSON 文件拖放到页面任意位置：道路、医疗机构、带人口的居民点、行政区划（WGS84 经纬度）。",
            ),
            Key::PrivacyNote => (
                "Everything runs in your browser; your data never leaves this computer.",
                "所有计算都在浏览器中完成，数据不会离开本机。",
            ),
            Key::Layers => ("Recognised", "已识别"),
            Key::Roads => ("Roads", "道路"),
            Key::Facilities => ("Facilities", "医疗机构"),
            Key::Settlements => ("Settlements", "居民点"),
            Key::AdminUnits => ("Admin units", "行政区划"),
            Key::Skipped => ("Skipped features", "跳过的要素"),
            Key::Feature => ("feature", "要素"),
            Key::LoadErrors => ("Files not loaded", "未能载入的文件"),
            Key::Mode => ("Travel mode", "出行方式"),
            Key::Walk => ("Walk", "步行"),
            Key::Drive => ("Drive", "机动车"),
            Key::LimitMin => ("Limit (min)", "时限（分钟）"),
            Key::ShareWithin => ("Residents within the limit", "时限内可达的居民比例"),
            Key::RuleReach => ("Rule reach.15min", "规则 reach.15min"),
            Key::RuleReachClause => (
                "000, General Requirements: “residents can reach the nearest medical service point within 15 minutes” (by 2027); 001",
                "000 总体要求：“力争居民15分钟可达最近的医疗服务点”（到2027年）；001",
            ),
            Key::Target => ("target 100 %", "目标 100%"),
            Key::Population => ("Population", "人口"),
            Key::PopulationWithin => ("Within the limit", "时限内人口"),
            Key::MeanTime => ("Mean time (population-weighted)", "平均时间（按人口加权）"),
            Key::Unreachable => ("unreachable", "不可达"),
            Key::UnreachablePopulation => ("Cannot reach any service point", "无法到达任何服务点的人口"),
            Key::SettlementsBeyond => ("Settlements beyond the limit", "超出时限的居民点"),
            Key::ServicePoints => ("Medical service points", "医疗服务点"),
            Key::Settlement => ("Settlement", "居民点"),
            Key::Time => ("Time", "时间"),
            Key::NearestFacility => ("Nearest service point", "最近服务点"),
            Key::Minutes => ("min", "分钟"),
            Key::AdminUnit => ("Admin unit", "行政区划"),
            Key::Share => ("Within", "可达比例"),
            Key::PerUnit => ("By admin unit", "按行政区划"),
            Key::DemoBanner => (
                "Demo: Andorra, from OpenStreetMap (settlement populations partly assumed). Load your own files to replace it.",
                "演示数据：安道尔（来自 OpenStreetMap，部分居民点人口为假设值）。载入您自己的文件即可替换。",
            ),
            Key::DemoReload => ("Show the demo again", "重新显示演示"),
            Key::Attribution => (
                "Map data © OpenStreetMap contributors, ODbL",
                "地图数据 © OpenStreetMap 贡献者，ODbL 许可",
            ),
            Key::ZoomIn => ("Zoom in", "放大"),
            Key::ZoomOut => ("Zoom out", "缩小"),
            Key::Fit => ("Fit to data", "适合数据范围"),
            Key::Legend => ("Legend", "图例"),
            Key::TravelTime => ("Travel time to the nearest service point (min)", "到最近服务点的时间（分钟）"),
            Key::Within => ("within the limit", "时限内"),
            Key::Beyond => ("beyond the limit", "超出时限"),
            Key::ServicePoint => ("medical service point", "医疗服务点"),
            Key::OtherFacility => ("other facility (not counted)", "其他机构（不计入）"),
            Key::StraightLine => (
                "No usable roads: times are straight-line distance at the off-road speed (4 km/h), not travel on roads.",
                "没有可用道路：时间按直线距离和路外速度（4 公里/小时）计算，并非沿道路的出行时间。",
            ),
            Key::NoServicePoints => ("No medical service point is loaded: nobody can reach one.", "未载入任何医疗服务点：所有居民均不可达。"),
            Key::NoSettlements => ("No settlements with population are loaded.", "未载入带人口的居民点。"),
            Key::NothingLoaded => ("Nothing loaded yet.", "尚未载入数据。"),
            Key::Findings => ("Findings", "检查结果"),
            Key::ModeNote => (
                "Walk: 5 km/h on all roads but motorways and trunk roads. Drive: road speed limits or class defaults, one-way honoured. Off-road legs at 4 km/h.",
                "步行：除高速公路和干线公路外的所有道路，5 公里/小时。机动车：按道路限速或道路等级默认速度，遵守单行。路外步行 4 公里/小时。",
            ),
            Key::Close => ("Close", "关闭"),
            Key::Network => ("Network", "路网"),
            Key::NoneFound => ("None", "无"),
            Key::Computing => ("Computing…", "正在计算…"),
            Key::Hospital => ("hospital", "医院"),
            Key::HealthCenter => ("health center", "卫生院 / 社区卫生服务中心"),
            Key::ClinicClass => ("clinic or station", "卫生室 / 卫生服务站 / 诊所"),
            Key::Outreach => ("service point or mobile station", "医疗服务点 / 巡诊点"),
            Key::ServicePointColour => (
                "Red: a medical service point (counts for the 15-minute rule); grey: not counted.",
                "红色：医疗服务点（计入15分钟规则）；灰色：不计入。",
            ),
            Key::NotUsable => ("road not usable in this mode", "该出行方式不可通行的道路"),
        };
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// A file-level load error in `lang`.
pub fn input_error(lang: Lang, e: &InputError) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Zh => match e {
            InputError::InvalidJson { file, detail } => format!("{file}：不是有效的 JSON（{detail}）"),
            InputError::NotGeoJson { file, detail } => format!("{file}：不是 GeoJSON（{detail}）"),
            InputError::ProjectedCoordinates { file, feature, x, y } => format!(
                "{file}：第 {feature} 个要素的坐标 [{x}, {y}] 超出经度 ±180 / 纬度 ±90，文件似乎是投影坐标（米）。请导出为 WGS84 经纬度（EPSG:4326）"
            ),
            InputError::Empty { file } => format!("{file}：FeatureCollection 中没有要素"),
        },
    }
}

/// Why no analysis could run, in `lang`.
pub fn analysis_error(lang: Lang, e: &AnalysisError) -> String {
    match (lang, e) {
        (Lang::En, _) => e.to_string(),
        (Lang::Zh, AnalysisError::NothingLoaded) => Key::NothingLoaded.text(lang).to_string(),
        (Lang::Zh, AnalysisError::BadLimit(v)) => format!("时限必须是正的分钟数，而不是 {v}"),
        (Lang::Zh, AnalysisError::BadSpeed(what)) => format!("{what} 的速度必须是正的公里/小时数"),
        (Lang::Zh, AnalysisError::AreaTooWide(span)) => format!(
            "数据跨越经度 {span:.0}°；MedReach 在一个 UTM 投影带内计算，最多接受 {}°（一个县或一个省，而不是一个大洲）",
            crate::analysis::MAX_LON_SPAN_DEG
        ),
    }
}

/// Why a feature was skipped, in `lang`.
pub fn skip_reason(lang: Lang, r: &SkipReason) -> String {
    match lang {
        Lang::En => r.to_string(),
        Lang::Zh => match r {
            SkipReason::NoGeometry => "没有几何".to_string(),
            SkipReason::UnsupportedGeometry { geometry } => {
                format!("不使用 {geometry} 几何类型（仅支持 Point、LineString、MultiLineString、Polygon、MultiPolygon）")
            }
            SkipReason::Degenerate { detail } => format!("几何为空或退化：{detail}"),
            SkipReason::UnclassifiedPoint => {
                "点要素既没有机构类型（kind/type/类型、amenity、healthcare），也没有人口（population/人口）".to_string()
            }
            SkipReason::UnknownKind { value } => format!("未知的机构类型“{value}”"),
            SkipReason::BadPopulation { value } => format!("人口 {value} 不是非负数"),
            SkipReason::NotARoad { class } => format!("highway={class} 不是可通行的道路"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_differ_for_sentences() {
        for key in [
            Key::Tagline,
            Key::DemoBanner,
            Key::StraightLine,
            Key::RuleReachClause,
        ] {
            assert_ne!(key.text(Lang::Zh), key.text(Lang::En));
            assert!(!key.text(Lang::Zh).is_empty());
        }
        let e = InputError::Empty {
            file: "a.geojson".into(),
        };
        assert!(input_error(Lang::Zh, &e).starts_with("a.geojson："));
        assert!(input_error(Lang::En, &e).starts_with("a.geojson: "));
    }
}
