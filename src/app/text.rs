//! Every piece of user-facing text, in Chinese and English, in one place.
//!
//! [`Key::text`] is one exhaustive `match`, so a key without both languages does not compile.
//! Messages with values ([`input_error`], [`skip_reason`]) are built here too.

use crate::app::options::AnalysisError;
use crate::engine::dataset::ExtractWarning;
use crate::engine::io::geojson::InputError;
use crate::engine::io::osm::OsmWarning;
use crate::engine::io::ReadError;
use crate::engine::model::SkipReason;
use crate::engine::model::{AreaFlag, Center, FacilityKind};
use crate::engine::network::Mode;
use crate::engine::report::Caveat;
use crate::engine::rules::{LeadProblem, Message, Missing, RuleId};
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
    /// use medreach::app::text::Lang;
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

/// Declares [`Key`] and its wording together: each piece of UI text is one line of this
/// table, in English then Chinese, so a key cannot exist without both texts.
macro_rules! texts {
    ($($(#[$doc:meta])* $key:ident => ($en:expr, $zh:expr $(,)?),)*) => {
        /// A fixed piece of UI text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Key {
            $($(#[$doc])* $key,)*
        }

        impl Key {
            /// The text in English and in Chinese.
            fn pair(self) -> (&'static str, &'static str) {
                match self {
                    $(Key::$key => ($en, $zh),)*
                }
            }
        }
    };
}

texts! {
    AppName => ("MedReach", "MedReach 医疗可达"),
    Tagline => (
        "Who can reach primary health care within 15 minutes, and who cannot",
        "谁能在15分钟内到达基层医疗服务点，谁不能",
    ),
    LangSwitch => ("中文", "English"),
    LoadFiles => ("Load GeoJSON files", "载入 GeoJSON 文件"),
    DropHint => (
        "Drop GeoJSON files anywhere on the page: roads, facilities, settlements with population, admin units (WGS84 longitude/latitude).",
        "将 GeoJSON 文件拖放到页面任意位置：道路、医疗机构、带人口的居民点、行政区划（WGS84 经纬度）。",
    ),
    PrivacyNote => (
        "Everything runs in your browser; your data never leaves this computer.",
        "所有计算都在浏览器中完成，数据不会离开本机。",
    ),
    Layers => ("Recognised", "已识别"),
    Roads => ("Roads", "道路"),
    Facilities => ("Facilities", "医疗机构"),
    Settlements => ("Settlements", "居民点"),
    AdminUnits => ("Admin units", "行政区划"),
    Skipped => ("Skipped features", "跳过的要素"),
    Feature => ("feature", "要素"),
    LoadErrors => ("Files not loaded", "未能载入的文件"),
    Mode => ("Travel mode", "出行方式"),
    Walk => ("Walk", "步行"),
    Drive => ("Drive", "机动车"),
    Ebike => ("E-bike", "电动车"),
    SpeedsTitle => ("Speeds (km/h) of this mode", "本出行方式的速度（公里/小时）"),
    SpeedWalking => ("Walking", "步行"),
    SpeedOffroad => ("Off-road legs", "路外步行"),
    SpeedDriveDefault => ("Other roads", "其他道路"),
    SpeedDefault => ("default", "默认"),
    SpeedsReset => ("Back to the defaults", "恢复默认值"),
    LimitMin => ("Limit (min)", "时限（分钟）"),
    ShareWithin => ("Residents within the limit", "时限内可达的居民比例"),
    RuleReach => ("Rule reach.15min", "规则 reach.15min"),
    RuleReachClause => (
        "000, General Requirements: “residents can reach the nearest medical service point within 15 minutes” (by 2027); 001",
        "000 总体要求：“力争居民15分钟可达最近的医疗服务点”（到2027年）；001",
    ),
    Target => ("target 100 %", "目标 100%"),
    Population => ("Population", "人口"),
    PopulationWithin => ("Within the limit", "时限内人口"),
    MeanTime => ("Mean time (population-weighted)", "平均时间（按人口加权）"),
    Unreachable => ("unreachable", "不可达"),
    UnreachablePopulation => ("Cannot reach any service point", "无法到达任何服务点的人口"),
    SettlementsBeyond => ("Settlements beyond the limit", "超出时限的居民点"),
    ServicePoints => ("Medical service points", "医疗服务点"),
    Settlement => ("Settlement", "居民点"),
    Time => ("Time", "时间"),
    NearestFacility => ("Nearest service point", "最近服务点"),
    Minutes => ("min", "分钟"),
    AdminUnit => ("Admin unit", "行政区划"),
    Share => ("Within", "可达比例"),
    PerUnit => ("By admin unit", "按行政区划"),
    DemoBanner => (
        "Demo: Andorra, from OpenStreetMap (settlement populations partly assumed). Load your own files to replace it.",
        "演示数据：安道尔（来自 OpenStreetMap，部分居民点人口为假设值）。载入您自己的文件即可替换。",
    ),
    DemoReload => ("Show the demo again", "重新显示演示"),
    Attribution => (
        "Map data © OpenStreetMap contributors, ODbL",
        "地图数据 © OpenStreetMap 贡献者，ODbL 许可",
    ),
    ZoomIn => ("Zoom in", "放大"),
    ZoomOut => ("Zoom out", "缩小"),
    Fit => ("Fit to data", "适合数据范围"),
    Legend => ("Legend", "图例"),
    TravelTime => ("Travel time to the nearest service point (min)", "到最近服务点的时间（分钟）"),
    Within => ("within the limit", "时限内"),
    Beyond => ("beyond the limit", "超出时限"),
    ServicePoint => ("medical service point", "医疗服务点"),
    OtherFacility => ("other facility (not counted)", "其他机构（不计入）"),
    StraightLine => (
        "No usable roads: times are straight-line distance at the off-road speed (4 km/h), not travel on roads.",
        "没有可用道路：时间按直线距离和路外速度（4 公里/小时）计算，并非沿道路的出行时间。",
    ),
    NoServicePoints => ("No medical service point is loaded: nobody can reach one.", "未载入任何医疗服务点：所有居民均不可达。"),
    NoSettlements => ("No settlements with population are loaded.", "未载入带人口的居民点。"),
    NothingLoaded => ("Nothing loaded yet.", "尚未载入数据。"),
    Findings => ("Findings", "检查结果"),
    ModeNote => (
        "Walk: 5 km/h on all roads but motorways and trunk roads. Drive: road speed limits or class defaults, one-way honoured. E-bike: 15 km/h (or a lower limit) on the same roads as walking, one-way honoured (pushed against it), footways and steps walked. Off-road legs at 4 km/h.",
        "步行：除高速公路和干线公路外的所有道路，5 公里/小时。机动车：按道路限速或道路等级默认速度，遵守单行。电动车：与步行相同的道路上 15 公里/小时（限速更低时按限速），遵守单行（逆行时推行），人行道和台阶步行。路外步行 4 公里/小时。",
    ),
    Close => ("Close", "关闭"),
    Network => ("Network", "路网"),
    NoneFound => ("None", "无"),
    Computing => ("Computing…", "正在计算…"),
    Hospital => ("hospital", "医院"),
    HealthCenter => ("health center", "卫生院 / 社区卫生服务中心"),
    ClinicClass => ("clinic or station", "卫生室 / 卫生服务站 / 诊所"),
    Outreach => ("service point or mobile station", "医疗服务点 / 巡诊点"),
    NotUsable => ("road not usable in this mode", "该出行方式不可通行的道路"),
    ServicePointColour => (
        "Red: a medical service point (counts for the 15-minute rule); grey: not counted.",
        "红色：医疗服务点（计入15分钟规则）；灰色：不计入。",
    ),
    Violations => ("violations", "违规"),
    Advisories => ("advisories", "建议"),
    Violation => ("violation", "违规"),
    Advisory => ("advisory", "建议"),
    DemoCountyBanner => (
        "Demo: 青岚县, a generated county (not real data) in which every rule both fires and passes somewhere. Load your own files to replace it.",
        "演示数据：青岚县，程序生成的虚构县（非真实数据），每条规则都有违反和满足的地方。载入您自己的文件即可替换。",
    ),
    ShowAndorra => ("Show the OpenStreetMap demo (Andorra)", "显示 OpenStreetMap 演示（安道尔）"),
    ShowCounty => ("Show the generated county demo", "显示生成的县域演示"),
    PopulationEstimate => (
        "Residents are estimated from residential buildings (floor area ÷ 40 m² per person): an estimate, not a census. Load settlements with population to replace it.",
        "居民人数按住宅建筑估算（建筑面积 ÷ 每人 40 平方米），是估算值而非普查数据。载入带人口的居民点即可替换。",
    ),
    NotChecked => ("not checked", "未检查"),
    AllSeverities => ("All severities", "全部类型"),
    AllRules => ("All rules", "全部规则"),
    FilterUnit => ("Filter by place…", "按地点筛选…"),
    GroupBy => ("Group by", "分组"),
    ByRule => ("rule", "规则"),
    ByUnit => ("township / sub-district", "乡镇 / 街道"),
    Suggestion => ("Suggested", "建议做法"),
    Clause => ("Clause", "依据"),
    Scorecard => ("Scorecard by township and sub-district", "乡镇、街道评分卡"),
    CentersCount => ("Health centers", "卫生院 / 中心数"),
    VillagesServed => ("Villages / communities served", "有卫生室（站）的村 / 社区"),
    PopulationEstimated => ("sum of settlements", "居民点合计"),
    Parameters => ("Rule parameters", "规则参数"),
    DefaultValue => ("policy default", "政策默认值"),
    Reset => ("Reset", "恢复默认"),
    PlanningArea => ("planning area", "规划区域"),
    Shown => ("shown", "已显示"),
    Cancel => ("Cancel", "取消"),
    Cancelled => (
        "Cancelled. The results shown are those from before.",
        "已取消。显示的仍是之前的结果。",
    ),
    StageReading => ("Reading", "读取"),
    StageBuilding => ("Building the road network", "构建路网"),
    StageJoining => ("Joining settlements and facilities", "连接居民点和机构"),
    StageRouting => ("Routing", "计算通行时间"),
    StageSummarising => ("Summarising", "汇总"),
    StageSurface => ("Travel-time surface", "计算通行时间面"),
    StagePlanning => ("Choosing sites", "选址计算"),
    CoverageMap => ("Coverage map: travel time everywhere", "覆盖图：各处到最近医疗服务点的时间"),
    ShowSurface => ("Show the travel-time surface", "显示通行时间面"),
    Opacity => ("Opacity", "透明度"),
    CellSize => ("Cell size", "栅格边长"),
    Band => ("Band", "时间段"),
    AreaKm2 => ("Area, km²", "面积（平方公里）"),
    SurfaceNote => (
        "Each cell is timed as a settlement at its centre would be; the outlines are the isochrones (bold: the limit).",
        "每个栅格按其中心处居民点的方式计时；轮廓线为等时线（粗线为时限）。",
    ),
    SuggestSites => ("Where to build next", "下一步在哪里建"),
    AddSites => ("Add", "新增"),
    SitesWord => ("sites", "个站点"),
    TargetShare => ("Reach a share of", "覆盖率达到"),
    NewSiteKind => ("New sites are", "新站点类型"),
    Candidates => ("Candidates", "候选点"),
    CandidatesGenerated => ("Generated: settlements beyond the limit and points along roads every", "自动生成：时限外的居民点及附近道路上每隔"),
    Metres => ("m", "米"),
    CandidatesFile => ("From a file (points, parcels)", "来自文件（点或地块）"),
    Suggest => ("Suggest sites", "给出建议站点"),
    ShareBeforeAfter => ("Share within the limit", "时限内居民占比"),
    ProvenOptimal => ("Proven the best possible", "已证明为最优"),
    WithinOfBest => ("Proven within", "已证明与最优相差不超过"),
    OfBest => ("of the best possible", ""),
    TargetNotReached => ("The target cannot be reached with these candidates; these sites reach the best share possible.", "这些候选点无法达到目标；以下站点可达到的最高覆盖率。"),
    AddsPeople => ("adds", "新增覆盖"),
    Residents => ("residents", "人"),
    OffRoad => ("off road", "距道路"),
    AddAsPlanned => ("Add them as planned facilities", "作为规划站点加入"),
    Planned => ("planned", "规划"),
    PlannedSite => ("Planned site", "规划站点"),
    OpenReport => ("Printable report", "打印报告"),
    PrintReport => ("Print / save as PDF", "打印 / 另存为 PDF"),
    CloseReport => ("Back to the map", "返回地图"),
    ReportTitle => ("Primary health care accessibility report", "基层医疗卫生服务可达性评估报告"),
    ReportDate => ("Date", "日期"),
    ReportFiles => ("Data files", "数据文件"),
    ReportParameters => ("Parameters", "参数"),
    ReportMode => ("Travel mode", "出行方式"),
    ReportTransferMode => ("Patient transfer (referral, acute care, distance to the county hospital)", "患者转运（转诊、急救、距县医院时间）"),
    ReportLimit => ("Time limit", "时间标准"),
    ReportSpeeds => ("Speeds", "速度"),
    ReportSpeedsText => (
        "walking 5 km/h on every road but motorways and trunk roads; driving at the road's speed limit or its class's default, one-way honoured; off-road legs 4 km/h",
        "步行：除高速公路和干线公路外所有道路 5 公里/小时；机动车：道路限速或按道路等级默认速度，遵守单行；道路外路段 4 公里/小时",
    ),
    ReportMap => ("Map", "地图"),
    ReportHeadline => ("Residents within the limit", "时限内可达的居民"),
    ReportTargets => ("Targets for 2027 (and beyond, where the data can speak)", "2027 年目标（及数据可判断的 2030/2035 年目标）"),
    ReportTarget => ("Target", "目标"),
    ReportStatus => ("Status", "状态"),
    ReportRule => ("Rule", "规则"),
    ReportClause => ("Clause", "依据"),
    ReportFindings => ("Violations and advisories", "违规与建议"),
    ReportPlace => ("Place", "地点"),
    ReportFinding => ("Finding", "问题"),
    ReportSuggestion => ("Suggestion", "建议措施"),
    ReportPlanned => ("Planned sites", "规划站点"),
    ReportServes => ("Residents within the limit it serves", "服务的时限内居民"),
    ReportNoFindings => ("No violation or advisory.", "没有违规或建议。"),
    ReportSources => (
        "Clauses: 000 Guiding Opinions on Optimizing the Layout and Construction of Primary Medical and Health Institutions (2025); 001 the 13 ministries' release of it; 002 Opinions on Further Deepening Reform to Promote the Healthy Development of the Rural Medical and Health System (2023); 003 Guiding Opinions on Comprehensively Promoting Close-knit County Medical and Health Communities (2023); 004 Opinions on Further Improving the Medical and Health Service System (2023).",
        "依据文件：000《关于优化基层医疗卫生机构布局建设的指导意见》（2025）；001 国家卫生健康委等 13 部门发布该意见；002《关于进一步深化改革促进乡村医疗卫生体系健康发展的意见》（2023）；003《关于全面推进紧密型县域医疗卫生共同体建设的指导意见》（2023）；004《关于进一步完善医疗卫生服务体系的意见》（2023）。",
    ),
    TargetReach => ("Every resident reaches the nearest medical service point within 15 minutes (2027)", "居民 15 分钟内可到达最近的医疗服务点（2027 年）"),
    TargetTownship => ("A township health center in every township (2027)", "每个乡镇有一所乡镇卫生院（2027 年）"),
    TargetVillage => ("Basic medical services in every administrative village (2027)", "每个行政村有基本医疗服务（2027 年）"),
    TargetSubdistrict => ("A community health service center in every sub-district (2027)", "每个街道有一所社区卫生服务中心（2027 年）"),
    TargetCommunity => ("Basic services in every community (2027)", "每个社区有基本医疗服务（2027 年）"),
    TargetCounty => ("The county medical community's lead hospital and ten centers (2027)", "县域医共体牵头医院与十大中心（2027 年）"),
    TargetCentral => ("1–2 central township health centers per county (2030)", "每县 1–2 所中心乡镇卫生院（2030 年）"),
    TargetAcute => ("Acute-care centers within reach of every resident (2035)", "急危重症救治中心覆盖全体居民（2035 年）"),
    Met => ("met", "达标"),
    NotMet => ("not met", "未达标"),
    Places => ("places", "处"),
    North => ("N", "北"),
    Exports => ("Export (files stay on this computer)", "导出（文件只保存在本机）"),
    CrsQuestionTitle => ("Which coordinate system?", "坐标系是哪一个？"),
    CrsQuestionText => ("does not say its coordinate system, and its positions are not longitude/latitude, e.g.", "没有说明坐标系，其位置也不是经纬度，例如"),
    CrsOther => ("Other (EPSG code)", "其他（EPSG 代码）"),
    ReadAgain => ("Read again", "重新读取"),
    TableColumns => ("Table", "表格"),
    TableSheet => ("Sheet", "工作表"),
    TableLon => ("Longitude / X column", "经度 / X 列"),
    TableLat => ("Latitude / Y column", "纬度 / Y 列"),
    TableCrs => ("Coordinates in", "坐标系"),
    CrsAsFileSays => ("as the file says", "按文件所示"),
    ExportSettlementsCsv => ("Settlements, CSV", "居民点 CSV"),
    ExportSettlementsGeojson => ("Settlements, GeoJSON", "居民点 GeoJSON"),
    ExportFindingsCsv => ("Findings, CSV", "问题清单 CSV"),
    ExportUnitsCsv => ("Admin units, CSV", "行政区划 CSV"),
    ExportScorecardCsv => ("Scorecard, CSV", "评分卡 CSV"),
    ExportSettlementsXlsx => ("Settlements, Excel", "居民点 Excel"),
    ExportFindingsXlsx => ("Findings, Excel", "问题清单 Excel"),
    ExportUnitsXlsx => ("Admin units, Excel", "行政区划 Excel"),
    ExportScorecardXlsx => ("Scorecard, Excel", "评分卡 Excel"),
    ExportReferralCsv => ("Referral table, CSV", "转诊时间表 CSV"),
    ExportReferralXlsx => ("Referral table, Excel", "转诊时间表 Excel"),
    SheetReferral => ("Referral", "转诊"),
    ReferralTable => ("Referral: health centers to the hospitals", "转诊：卫生院（中心）到县级医院"),
    ReferralHint => ("Click a row to draw the way on the map.", "点击一行，在地图上显示路线。"),
    RefFrom => ("Health center", "卫生院（中心）"),
    RefTo => ("Hospital (★ lead)", "医院（★ 牵头）"),
    RefMinutes => ("Minutes", "分钟"),
    RefKm => ("km", "公里"),
    ColFrom => ("from", "转出机构"),
    ColToHospital => ("to_hospital", "转入医院"),
    ColLead => ("lead_hospital", "牵头医院"),
    ColMode => ("mode", "方式"),
    ColKm => ("km", "距离（公里）"),
    ExportCrs => ("Settlement coordinates in", "居民点坐标系"),
    ExportCrsOther => ("Other EPSG code", "其他 EPSG 代码"),
    ExportCrsInvalid => (
        "Not a coordinate system MedReach converts: use an EPSG code such as 4544 (CGCS2000 Gauss-Kruger), 326NN (UTM) or 3857",
        "MedReach 无法转换该坐标系：请填写 EPSG 代码，如 4544（CGCS2000 高斯-克吕格）、326NN（UTM）或 3857",
    ),
    SheetSettlements => ("Settlements", "居民点"),
    SheetFindings => ("Findings", "问题清单"),
    SheetUnits => ("Admin units", "行政区划"),
    SheetScorecard => ("Scorecard", "评分卡"),
    ExportSurfaceTif => ("Surface, GeoTIFF", "通行时间面 GeoTIFF"),
    ExportIsochrones => ("Isochrones, GeoJSON", "等时圈 GeoJSON"),
    ExportMapPng => ("Map, PNG", "地图 PNG"),
    ColIndex => ("index", "序号"),
    ColFile => ("file", "文件"),
    ColName => ("name", "名称"),
    ColTime => ("time_min", "时间（分钟）"),
    ColWithin => ("within_limit", "时限内"),
    ColNearest => ("nearest_facility", "最近服务点"),
    ColOffroad => ("offroad_m", "距道路（米）"),
    ColLon => ("lon", "经度"),
    ColLat => ("lat", "纬度"),
    ColCode => ("code", "区划代码"),
    ColLevel => ("level", "级别"),
    ColMeanTime => ("mean_time_min", "平均时间（分钟）"),
    Waiting => ("Starting", "启动中"),
    LoadingDemo => ("Loading the demo", "载入演示"),
    LoadingFilesPrefix => ("Loading", "载入"),
    Restoring => ("Restoring the data loaded before", "恢复之前载入的数据"),
    RereadingExtracts => ("Re-reading the extracts", "重新读取 OSM 文件"),
    ComputingWalk => ("Computing walking times", "计算步行时间"),
    ComputingDrive => ("Computing driving times", "计算驾车时间"),
    ComputingEbike => ("Computing e-bike times", "计算电动车时间"),
    Measuring => ("Measuring", "测量中"),
    Editing => ("Applying the edit", "应用编辑"),
    EditTitle => ("What-if edits", "模拟调整"),
    AccessTitle => ("Capacity within reach (2SFCA)", "服务能力可及性（两步移动搜索法）"),
    AccessField => ("Capacity", "服务能力指标"),
    AccessCatchment => ("Catchment (min)", "服务范围（分钟）"),
    AccessMethod => ("Method", "方法"),
    AccessRun => ("Compute", "计算"),
    AccessCapacity => ("Capacity", "能力"),
    AccessFacility => ("Facility", "机构"),
    AccessPopulation => ("Residents in reach", "范围内居民"),
    AccessRatio => ("Per 1,000 residents", "每千人"),
    AccessSuppliers => ("Facilities supplying", "提供服务的机构"),
    AccessWithout => ("without the capacity (not counted)", "缺少该指标（未计入）"),
    AccessPopulationWithout => ("residents with none within reach", "范围内无机构的居民"),
    AccessShowMap => ("Colour the settlements by capacity per resident", "按人均服务能力为居民点着色"),
    AccessNone => ("none in reach", "范围内无"),
    AccessOverloaded => ("Most overloaded (least capacity per resident in reach)", "负荷最重（人均能力最低）"),
    AccessIdle => ("Idle or least used (nobody in reach first)", "闲置或利用最少（范围内无居民者在前）"),
    CompareTitle => ("The plan against the data as loaded", "规划与现状对比"),
    CompareGained => ("Residents brought within the limit", "新增时限内居民"),
    CompareCells => (
        "Cells of the coverage map whose time band changes (shaded blue)",
        "覆盖图中时间段变化的网格（蓝色阴影）",
    ),
    CompareShowMap => ("Mark the settlements and cells whose time band changes on the map", "在地图上标出时间段变化的居民点和网格"),
    CompareResolved => ("Findings the plan resolves", "规划解决的问题"),
    CompareAdded => ("Findings the plan adds", "规划新增的问题"),
    EditSelect => ("Select", "选择"),
    EditAdd => ("Add", "新增"),
    EditMove => ("Move", "移动"),
    EditSetKind => ("Change kind", "改类型"),
    EditHintSetKind => ("Click a facility to give it the kind chosen.", "点击医疗机构，将其改为所选类型。"),
    EditSetCapacity => ("Set capacity", "改容量"),
    EditHintSetCapacity => (
        "Enter doctors or beds, then click a facility to give it them (empty fields stay as they are).",
        "填写医生数或床位数，再点击医疗机构（留空的项保持不变）。",
    ),
    EditSetRoad => ("Change road", "改道路"),
    EditHintSetRoad => (
        "Choose a class or enter a speed, then click a road to give it them (empty stays as it is).",
        "选择道路等级或填写车速，再点击道路（留空的项保持不变）。",
    ),
    EditDoctors => ("doctors", "医生数"),
    EditBeds => ("beds", "床位数"),
    EditRoadClassKeep => ("class as it is", "等级不变"),
    EditRoadSpeed => ("km/h", "公里/小时"),
    EditDelete => ("Delete", "删除"),
    EditCloseRoad => ("Close a road", "关闭道路"),
    EditHintSelect => ("Choose a tool, then click the map: the figures, findings and map follow each edit.", "选择工具后点击地图：每次调整后，指标、问题清单和地图随之更新。"),
    EditHintAdd => ("Click the map where the new facility stands.", "在地图上点击新机构的位置。"),
    EditHintDelete => ("Click a facility to delete it.", "点击要删除的医疗机构。"),
    EditHintMove => ("Drag a facility to its new place.", "拖动医疗机构到新位置。"),
    EditHintCloseRoad => ("Click a road to close it (a flooded road, say).", "点击要关闭的道路（如被洪水阻断）。"),
    Undo => ("Undo", "撤销"),
    Redo => ("Redo", "重做"),
    EditClear => ("Clear all", "全部清除"),
    EditSave => ("Save plan", "保存规划"),
    ScenarioName => ("Scenario name", "方案名称"),
    ScenarioSave => ("Keep as scenario", "保存为方案"),
    ScenarioBaseline => ("The data as loaded", "现状（未调整）"),
    EditLoad => ("Load plan", "载入规划"),
    EngineStoppedPrefix => ("The engine stopped while", "计算引擎在以下工作中停止："),
    OutOfMemory => (
        "it ran out of memory (a browser tab's WebAssembly can use at most 4 GB). Try a smaller area, or the command line, which has no such limit.",
        "内存不足（浏览器中 WebAssembly 最多使用 4 GB）。请缩小范围，或使用没有此限制的命令行版本。",
    ),
    EngineDefect => ("an internal error (please report it):", "内部错误（请报告）："),
    StartFresh => ("Start fresh", "重新开始"),
    MapRedraw => ("map redraw", "地图重绘"),
    EngineKept => (
        "The page carries on with the data loaded before.",
        "页面继续使用之前载入的数据。",
    ),
    NoWorker => (
        "The engine could not start (serve the page over http, not from a file):",
        "计算引擎无法启动（请通过 http 访问页面，而不是直接打开文件）：",
    ),
    FloorArea => ("Floor area per resident (m²)", "人均居住建筑面积（平方米）"),
    FloorAreaNote => (
        "Residents estimated from buildings: footprint × levels ÷ this area.",
        "由建筑估算人口：占地面积 × 层数 ÷ 该面积。",
    ),
    TimingTitle => ("Timing (this browser)", "计时（本浏览器）"),
    EngineMemory => ("Engine memory", "引擎内存"),
    RoutingNodes => ("Routing graph nodes", "路网节点"),
    TimeBench => (
        "Time the nearest-facility pass on an extract",
        "测量 OSM 文件上的最近机构计算",
    ),
    TimeSynthetic => ("Synthetic network", "合成路网"),
    /// Load the synthetic network into the page.
    ShowOnMap => ("Show it on the map", "在地图上显示"),
    /// Banner of the synthetic demo (followed by its number of junctions).
    SyntheticBanner => (
        "Demo: a synthetic network generated to show the page at scale (not real data); junctions requested:",
        "演示数据：为展示大规模数据而生成的合成路网（非真实数据）；请求的路口数：",
    ),
}

impl Key {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
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
            InputError::InvalidJson { file, detail } => {
                format!("{file}：不是有效的 JSON（{detail}）")
            }
            InputError::NotGeoJson { file, detail } => format!("{file}：不是 GeoJSON（{detail}）"),
            InputError::Unplaced(u) => unplaced(lang, u),
            InputError::Empty { file } => format!("{file}：FeatureCollection 中没有要素"),
        },
    }
}

/// A file whose positions are not longitude/latitude in the system it was read in, in `lang`.
pub fn unplaced(lang: Lang, u: &crate::engine::io::placing::Unplaced) -> String {
    if lang == Lang::En {
        return u.to_string();
    }
    let what = match (&u.system, &u.unknown_declared) {
        (Some(code), _) => format!("按 {code} 无法换算为经纬度"),
        (None, Some(declared)) => {
            format!("不是经纬度（文件似乎是投影坐标），且文件声明的坐标系（{declared}）MedReach 不能换算")
        }
        (None, None) => "不是经纬度（文件似乎是投影坐标），且文件没有说明其坐标系".to_string(),
    };
    let choices = if u.candidates.is_empty() {
        "请给出文件的坐标系（EPSG:NNNN）".to_string()
    } else {
        format!(
            "可能是：{}，请选择其一",
            u.candidates
                .iter()
                .map(|(code, label)| format!("{code}（{}）", crs_label_zh(label)))
                .collect::<Vec<_>>()
                .join("、")
        )
    };
    format!(
        "{}：第 {} 个要素的位置 [{}, {}] {what}；{choices}（在页面中选择，或在命令行用 --roads-crs、--facilities-crs、--settlements-crs、--admin-crs 或 --data-crs），或将文件导出为 WGS84 经纬度（EPSG:4326）",
        u.file, u.feature, u.x, u.y
    )
}

/// What a file was read as (format · coordinate system · encoding), in `lang`.
pub fn file_facts(lang: Lang, f: &crate::engine::model::FileFacts) -> String {
    let parts: Vec<String> = [&f.format, &f.crs, &f.encoding]
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| match lang {
            Lang::En => p.clone(),
            Lang::Zh => crs_label_zh(p)
                .replace("(longitude/latitude)", "（经纬度）")
                .replace("Excel (sheet ", "Excel（工作表 ")
                .replace("ESRI shapefile", "ESRI Shapefile")
                .replace("UTF-8 with BOM", "UTF-8（带 BOM）")
                .replace("UTF-8 (assumed)", "UTF-8（推定）")
                .replace("OpenStreetMap PBF", "OpenStreetMap 数据（PBF）"),
        })
        .collect();
    parts.join(" · ")
}

/// A coordinate system's English name ([`crate::engine::crs::system::Named::label`]) in
/// Chinese.
pub fn crs_label_zh(label: &str) -> String {
    label
        .replace("3-degree Gauss-Kruger", "3度带高斯-克吕格")
        .replace("Gauss-Kruger", "6度带高斯-克吕格")
        .replace(" zone ", " 带号 ")
        .replace("Xian 1980", "西安80")
        .replace("Beijing 1954", "北京54")
        .replace("Pseudo-Mercator", "Web 墨卡托")
        .replace("(AMap, Tencent)", "（高德、腾讯）")
        .replace("(Baidu)", "（百度）")
        .replace(" CM ", " 中央经线 ")
}

/// A message for the user in both languages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bilingual {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

impl Bilingual {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// Why a file could not be read, in `lang`.
pub fn read_error(lang: Lang, e: &ReadError) -> String {
    match (lang, e) {
        (_, ReadError::GeoJson(e)) => input_error(lang, e),
        (_, ReadError::Unplaced(u)) => unplaced(lang, u),
        (Lang::En, e) => e.to_string(),
        (Lang::Zh, ReadError::NotUtf8 { file, offset }) => format!(
            "{file}：不是 UTF-8 文本（第 {offset} 字节无效）；GeoJSON 必须是 UTF-8 编码，GBK 编码的文件请另存为 UTF-8"
        ),
        (Lang::Zh, ReadError::Osm { file, error }) => {
            format!("{file}：无法读取 OpenStreetMap 文件（{error}）")
        }
        (Lang::Zh, ReadError::Shapefile(e)) => format!("{}：无法读取 Shapefile（{}）", e.file, e.reason),
        (Lang::Zh, ReadError::Table(e)) => format!("{}：无法读取表格（{}）", e.file, e.reason),
        (Lang::Zh, ReadError::Kml(e)) => format!("{}：无法读取 KML/KMZ（{}）", e.file, e.reason),
    }
}

/// Why no analysis could run, in `lang`.
pub fn analysis_error(lang: Lang, e: &AnalysisError) -> String {
    match (lang, e) {
        (Lang::En, _) => e.to_string(),
        (Lang::Zh, AnalysisError::NothingLoaded) => Key::NothingLoaded.text(lang).to_string(),
        (Lang::Zh, AnalysisError::BadLimit(v)) => format!("时限必须是正的分钟数，而不是 {v}"),
        (Lang::Zh, AnalysisError::BadSpeed(what)) => format!("{what} 的速度必须是正的公里/小时数"),
        (Lang::Zh, AnalysisError::BadRules(why)) => format!("规则参数：{why}"),
        (Lang::Zh, AnalysisError::AreaTooWide(span)) => format!(
            "数据跨越经度 {span:.0}°；MedReach 在一个 UTM 投影带内计算，最多接受 {}°（一个县或一个省，而不是一个大洲）",
            crate::app::options::MAX_LON_SPAN_DEG
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
            SkipReason::BadPosition { x, y, system } => match system {
                Some(code) => format!("位置 [{x}, {y}] 按 {code} 无法换算为经纬度"),
                None => format!("位置 [{x}, {y}] 超出经度 ±180 / 纬度 ±90"),
            },
        },
    }
}

/// A center's name in `lang`.
pub fn center_name(lang: Lang, c: Center) -> String {
    match lang {
        Lang::Zh => c
            .names()
            .iter()
            .find(|n| !n.is_ascii())
            .copied()
            .unwrap_or(c.id())
            .to_string(),
        Lang::En => match c {
            Center::Laboratory => "medical laboratory",
            Center::Imaging => "imaging",
            Center::Ecg => "ECG diagnosis",
            Center::Pathology => "pathology",
            Center::Disinfection => "disinfection supply",
            Center::Oncology => "tumor prevention and treatment",
            Center::ChronicDisease => "chronic disease management",
            Center::MinimallyInvasive => "minimally invasive intervention",
            Center::AnesthesiaPain => "anesthesia and pain",
            Center::IntensiveCare => "intensive care",
            Center::ChestPain => "chest pain center",
            Center::Stroke => "stroke center",
            Center::Trauma => "trauma center",
            Center::Maternal => "center for critically ill pregnant women",
            Center::Neonatal => "center for critically ill newborns",
            Center::Pediatric => "center for critically ill children",
        }
        .to_string(),
    }
}

/// A special-area flag's name in `lang`.
pub fn flag_name(lang: Lang, f: AreaFlag) -> &'static str {
    let names = f.names();
    match lang {
        Lang::En => names[0],
        Lang::Zh => names
            .iter()
            .find(|n| !n.is_ascii())
            .copied()
            .unwrap_or(names[0]),
    }
}

fn list(lang: Lang, items: impl Iterator<Item = String>) -> String {
    items
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "、" } else { ", " })
}

fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

fn mins(lang: Lang, m: Option<f64>) -> String {
    match (lang, m) {
        (Lang::En, Some(m)) => format!("{m:.1} min"),
        (Lang::Zh, Some(m)) => format!("{m:.1} 分钟"),
        (Lang::En, None) => "unreachable".into(),
        (Lang::Zh, None) => "不可达".into(),
    }
}

/// What a finding says, in `lang`.
pub fn message(lang: Lang, m: &Message) -> String {
    use Message::*;
    let zh = lang == Lang::Zh;
    match m {
        ReachArea { share, within, total, limit } | ReachUnit { share, within, total, limit } => {
            if zh {
                format!("{} 的居民（{within:.0} / {total:.0} 人）可在 {limit} 分钟内到达医疗服务点，目标为 100%。", pct(*share))
            } else {
                format!("{} of residents ({within:.0} of {total:.0}) reach a medical service point within {limit} min; the target is 100 %.", pct(*share))
            }
        }
        ReachSettlement { population, minutes, facility, limit } => match (zh, minutes) {
            (false, Some(m)) => format!(
                "{population:.0} residents are {m:.1} min from the nearest medical service point{}; the limit is {limit} min.",
                facility.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
            ),
            (true, Some(m)) => format!(
                "{population:.0} 名居民距最近的医疗服务点{} {m:.1} 分钟，超出 {limit} 分钟时限。",
                facility.as_ref().map(|n| format!("（{n}）")).unwrap_or_default()
            ),
            (false, None) => format!("{population:.0} residents cannot reach any medical service point."),
            (true, None) => format!("{population:.0} 名居民无法到达任何医疗服务点。"),
        },
        TownshipNoCenter => if zh { "该乡镇没有乡镇卫生院。".into() } else { "The township has no township health center.".into() },
        TownshipManyCenters { count } => if zh {
            format!("该乡镇有 {count} 所乡镇卫生院（原则上一乡一院）。")
        } else {
            format!("The township has {count} township health centers; in principle it has one.")
        },
        MergedNotBranch { into } => if zh {
            format!("该乡镇已并入{into}，其卫生院未标为分院。")
        } else {
            format!("The township was merged into {into}, but its health center is not marked as a branch.")
        },
        CentralCount { count, min, max } => if zh {
            format!("县城以外有 {count} 所中心乡镇卫生院，应为 {min}–{max} 所。")
        } else {
            format!("{count} central township health centers outside the county town; the guidance asks for {min} to {max}.")
        },
        CentralInCountyTown => if zh { "中心乡镇卫生院位于县城内。".into() } else { "This central township health center lies in the county town.".into() },
        CentralCandidates { candidates } => {
            let items = candidates.iter().map(|c| {
                if zh {
                    format!("{}（{:.0} 人，距县医院 {}）", c.name, c.population, mins(lang, c.minutes_to_county_hospital))
                } else {
                    format!("{} ({:.0} residents, {} to the county hospital)", c.name, c.population, mins(lang, c.minutes_to_county_hospital))
                }
            });
            if zh { format!("中心乡镇卫生院候选乡镇（人口多、距县医院远者优先）：{}。", list(lang, items)) } else { format!("Candidates for a central township health center (large and far from the county hospital first): {}.", list(lang, items)) }
        }
        VillageNoClinic { population, shared_minutes, limit } => match (zh, shared_minutes) {
            (false, None) => format!("The administrative village ({population:.0} residents) has no village clinic."),
            (true, None) => format!("该行政村（{population:.0} 人）没有村卫生室。"),
            (false, Some(m)) => format!("The village ({population:.0} residents) has no clinic, and the nearest clinic of an adjacent village is {m:.1} min away (limit {limit} min)."),
            (true, Some(m)) => format!("该行政村（{population:.0} 人）没有村卫生室，相邻村卫生室最远需 {m:.1} 分钟（时限 {limit} 分钟）。"),
        },
        DuplicateClinics { count } => if zh { format!("该行政村有 {count} 个村卫生室。") } else { format!("The village has {count} village clinics.") },
        SpecialNoService { flags } => {
            let f = list(lang, flags.iter().map(|f| flag_name(lang, *f).to_string()));
            if zh { format!("特殊区域村（{f}）既无村卫生室，也无医疗服务点或巡诊点。") } else { format!("This special-area village ({f}) has no clinic, no medical service point and no mobile station.") }
        }
        SubdistrictNoCenter { .. } => if zh { "该街道没有社区卫生服务中心。".into() } else { "The sub-district has no community health service center.".into() },
        SubdistrictLarge { population, threshold } => if zh {
            format!("该街道常住人口 {population:.0}，超过 {threshold:.0}。")
        } else {
            format!("The sub-district has {population:.0} residents, more than {threshold:.0}.")
        },
        CommunityNeedsStation { population, max_minutes, limit, large } => {
            let why = match (zh, large) {
                (true, true) => format!("人口 {population:.0}，规模较大"),
                (false, true) => format!("{population:.0} residents, a large population"),
                (true, false) => format!("社区卫生服务中心最远需 {}（时限 {limit} 分钟）", mins(lang, *max_minutes)),
                (false, false) => format!("its community health service center is up to {} away (limit {limit} min)", mins(lang, *max_minutes)),
            };
            if zh { format!("该社区没有社区卫生服务站（{why}）。") } else { format!("The community has no community health service station ({why}).") }
        }
        NoLeadHospital => if zh { "未标明县域医共体牵头医院。".into() } else { "No lead hospital of the county medical community is marked.".into() },
        LeadNotQualified { problems } => {
            let items = problems.iter().map(|p| match (zh, p) {
                (true, LeadProblem::NotCountyHospital) => "不是县级综合医院或中医医院".to_string(),
                (false, LeadProblem::NotCountyHospital) => "not a county general or TCM hospital".to_string(),
                (true, LeadProblem::ForProfit) => "为营利性医院".to_string(),
                (false, LeadProblem::ForProfit) => "for-profit".to_string(),
                (true, LeadProblem::GradeBelowTwo) => "未达二级及以上".to_string(),
                (false, LeadProblem::GradeBelowTwo) => "below grade 2 (or grade not given)".to_string(),
            });
            if zh { format!("牵头医院不符合要求：{}。", list(lang, items)) } else { format!("The lead hospital does not qualify: {}.", list(lang, items)) }
        }
        MissingCenters { clinical, centers } => {
            let c = list(lang, centers.iter().map(|c| center_name(lang, *c)));
            match (zh, clinical) {
                (true, false) => format!("县域缺少资源共享中心：{c}。"),
                (true, true) => format!("县域缺少临床服务中心：{c}。"),
                (false, false) => format!("The county lacks resource-sharing centers: {c}."),
                (false, true) => format!("The county lacks clinical service centers: {c}."),
            }
        }
        AcuteMissing { center } => if zh { format!("县域内外均未载入{}。", center_name(lang, *center)) } else { format!("No {} is loaded, in or near the county.", center_name(lang, *center)) },
        AcuteFar { center, share_within, limit, mode } => if zh {
            format!("仅 {} 的居民可在 {limit} 分钟内{}到达{}。", pct(*share_within), by_mode(lang, *mode), center_name(lang, *center))
        } else {
            format!("Only {} of residents reach a {} within {limit} min {}.", pct(*share_within), center_name(lang, *center), by_mode(lang, *mode))
        },
        ReferralUnreachable { mode } => if zh { format!("该卫生院无法经路网{}到达牵头医院。", by_mode(lang, *mode)) } else { format!("This health center cannot reach the lead hospital over the road network {}.", by_mode(lang, *mode)) },
        ReferralTimes { max_minutes, mean_minutes, times, mode } => {
            let items = times.iter().map(|(n, m)| format!("{n} {}", mins(lang, Some(*m))));
            if zh {
                format!("{} 个乡镇卫生院{}到牵头医院的转诊时间：平均 {mean_minutes:.1} 分钟，最长 {max_minutes:.1} 分钟；由远及近：{}。", times.len(), by_mode(lang, *mode), list(lang, items))
            } else {
                format!("Referral time {} from the {} township health centers to the lead hospital: mean {mean_minutes:.1} min, longest {max_minutes:.1} min; farthest first: {}.", by_mode(lang, *mode), times.len(), list(lang, items))
            }
        }
        ElderlyNotAdjacent { distance_m, limit_m } => match (zh, distance_m) {
            (true, Some(d)) => format!("最近的养老机构在 {d:.0} 米外（相邻指 {limit_m:.0} 米内）。"),
            (false, Some(d)) => format!("The nearest elderly care facility is {d:.0} m away (adjacent means within {limit_m:.0} m)."),
            (true, None) => "未载入任何养老机构。".into(),
            (false, None) => "No elderly care facility is loaded.".into(),
        },
    }
}

/// What the guidance suggests doing about a finding, in `lang`.
pub fn suggestion(lang: Lang, m: &Message) -> String {
    use Message::*;
    let zh = lang == Lang::Zh;
    let s = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
    match m {
        ReachArea { .. } | ReachUnit { .. } => s(
            "Add medical service points or mobile stations where the settlements beyond the limit lie.",
            "在超出时限的居民点附近增设医疗服务点或巡诊点。",
        ),
        ReachSettlement { .. } => s(
            "Provide a village clinic, a medical service point or a fixed mobile station within reach.",
            "就近设置村卫生室、医疗服务点或固定巡诊点。",
        ),
        TownshipNoCenter => s("Establish one township health center in the township.", "在该乡镇设置一所乡镇卫生院。"),
        TownshipManyCenters { .. } => s(
            "Merge the centers, or convert the others into branches.",
            "合并卫生院，或将其余卫生院转为分院。",
        ),
        MergedNotBranch { .. } => s(
            "Keep it only as a branch of the merged township's health center, or merge it.",
            "将其作为合并后乡镇卫生院的分院保留，或予以合并。",
        ),
        CentralCount { .. } | CentralInCountyTown => s(
            "Designate 1–2 central township health centers outside the county town, in large townships far from the county hospital.",
            "在县城以外、人口较多且距县医院较远的乡镇设置 1–2 所中心乡镇卫生院。",
        ),
        CentralCandidates { .. } => s(
            "Consider the top-ranked townships when designating central township health centers.",
            "确定中心乡镇卫生院时优先考虑排名靠前的乡镇。",
        ),
        VillageNoClinic { .. } => s(
            "Set up a village clinic, or share the clinic of an adjacent village reachable within the limit.",
            "设置村卫生室，或与时限内可达的相邻村共用村卫生室。",
        ),
        DuplicateClinics { .. } => s(
            "Combine the clinics; keep the others as medical service points.",
            "合并村卫生室，其余保留为医疗服务点。",
        ),
        SpecialNoService { .. } => s(
            "Set up a medical service point or a fixed mobile medical station.",
            "设置医疗服务点或固定巡诊点（流动医疗站）。",
        ),
        SubdistrictNoCenter { convertible: Some(h) } => {
            if zh { format!("设置社区卫生服务中心，可将政府办一级医院（{h}）转型。") } else { format!("Establish a community health service center, e.g. by converting the government-run first-level hospital {h}.") }
        }
        SubdistrictNoCenter { convertible: None } => s(
            "Establish a community health service center.",
            "设置一所社区卫生服务中心。",
        ),
        SubdistrictLarge { .. } => s(
            "Consider expanding its center or adding community health service institutions.",
            "可扩大社区卫生服务中心规模或增设社区卫生服务机构。",
        ),
        CommunityNeedsStation { .. } => s("Set up a community health service station.", "设置社区卫生服务站。"),
        NoLeadHospital | LeadNotQualified { .. } => s(
            "Make a non-profit county general or TCM hospital of grade 2 or above the lead hospital.",
            "由二级及以上非营利性县级综合医院或中医医院牵头组建医共体。",
        ),
        MissingCenters { .. } => s(
            "Build the missing centers in the county medical community, usually at the lead hospital.",
            "在医共体内（通常依托牵头医院）建设缺少的中心。",
        ),
        AcuteMissing { .. } | AcuteFar { .. } => s(
            "Build the center in the county, or arrange transfer to one within reach.",
            "在县域内建设该中心，或安排向可及的中心转运。",
        ),
        ReferralUnreachable { .. } => s(
            "Check the road data; without a route, referral depends on other transport.",
            "核查路网数据；若无道路连通，转诊需依靠其他交通方式。",
        ),
        ReferralTimes { .. } => s(
            "The farthest township health centers are natural candidates for central centers.",
            "转诊时间最长的乡镇卫生院可作为中心乡镇卫生院的候选。",
        ),
        ElderlyNotAdjacent { .. } => s(
            "Encourage an elderly care facility built next to the health center.",
            "鼓励在卫生院旁邻近建设养老机构。",
        ),
    }
}

/// A rule's title in `lang`.
pub fn rule_title(lang: Lang, rule: RuleId) -> &'static str {
    let (en, zh) = match rule {
        RuleId::Reach15Min => (
            "Residents within 15 minutes of a medical service point",
            "居民15分钟可达医疗服务点",
        ),
        RuleId::TownshipHealthCenter => (
            "One township health center per township",
            "一乡一所乡镇卫生院",
        ),
        RuleId::TownshipMerged => (
            "Merged townships keep only a branch",
            "撤并乡镇的卫生院仅保留为分院",
        ),
        RuleId::TownshipCentralCenter => (
            "1–2 central township health centers per county",
            "每县 1–2 所中心乡镇卫生院",
        ),
        RuleId::VillageClinic => (
            "A clinic in every administrative village",
            "每个行政村一个村卫生室",
        ),
        RuleId::VillageDuplicateClinics => {
            ("No duplicate village clinics", "一村不重复设置村卫生室")
        }
        RuleId::VillageSpecialAreas => (
            "Service points for special-area villages",
            "特殊区域村的医疗服务点",
        ),
        RuleId::SubdistrictHealthCenter => (
            "One community health service center per sub-district",
            "每个街道一所社区卫生服务中心",
        ),
        RuleId::SubdistrictLarge => (
            "Large sub-districts may expand",
            "人口多的街道可扩大或增设机构",
        ),
        RuleId::CommunityStation => (
            "Stations where centers do not reach",
            "中心覆盖不到的社区设服务站",
        ),
        RuleId::CountyMedicalCommunity => (
            "County medical community and its ten centers",
            "县域医共体及其资源共享、临床服务中心",
        ),
        RuleId::CountyAcuteCareCenters => {
            ("Acute-care centers within reach", "急危重症救治中心可及")
        }
        RuleId::CountyReferral => ("Referral time to the lead hospital", "到牵头医院的转诊时间"),
        RuleId::PlanningElderlyCare => (
            "Elderly care next to health centers",
            "卫生院旁邻近建设养老机构",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The label of a rule parameter (a field of `RuleParams`) in `lang`.
pub fn param_label(lang: Lang, field: &str) -> String {
    let (en, zh) = match field {
        "target_share" => (
            "reach.15min: target share (0–1)",
            "reach.15min：目标比例（0–1）",
        ),
        "central_min" => (
            "central township health centers: at least",
            "中心乡镇卫生院：至少",
        ),
        "central_max" => (
            "central township health centers: at most",
            "中心乡镇卫生院：至多",
        ),
        "central_candidates" => (
            "central centers: candidates listed",
            "中心卫生院：列出候选数",
        ),
        "small_village_population" => ("small village: population under", "小村：人口少于"),
        "subdistrict_large_population" => (
            "large sub-district: population over",
            "人口多的街道：人口超过",
        ),
        "community_large_population" => {
            ("large community: population over", "人口多的社区：人口超过")
        }
        "acute_care_limit_min" => (
            "acute-care centers: reach limit (min)",
            "急危重症中心：可达时限（分钟）",
        ),
        "elderly_adjacent_m" => (
            "elderly care: adjacent within (m)",
            "养老机构：相邻距离（米）",
        ),
        "referral_mode" => (
            "patient transfer (referral, acute care): travel mode",
            "患者转运（转诊、急救）：出行方式",
        ),
        other => return other.to_string(),
    };
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
    }
}

/// A facility kind's name in `lang`.
pub fn kind_name(lang: Lang, kind: FacilityKind) -> &'static str {
    use FacilityKind::*;
    let (en, zh) = match kind {
        CountyGeneralHospital => ("county general hospital", "县级综合医院"),
        CountyTcmHospital => ("county TCM hospital", "县中医院"),
        TownshipHealthCenter => ("township health center", "乡镇卫生院"),
        CentralTownshipHealthCenter => ("central township health center", "中心乡镇卫生院"),
        TownshipHealthCenterBranch => ("township health center branch", "乡镇卫生院分院"),
        CommunityHealthCenter => ("community health service center", "社区卫生服务中心"),
        CommunityHealthStation => ("community health service station", "社区卫生服务站"),
        VillageClinic => ("village clinic", "村卫生室"),
        MedicalServicePoint => ("medical service point", "医疗服务点"),
        MobileStation => ("mobile medical station", "固定巡诊点"),
        PrivateClinic => ("private clinic", "诊所"),
        FirstLevelHospital => ("government first-level hospital", "政府办一级医院"),
        ElderlyCare => ("elderly care facility", "养老机构"),
        Hospital => ("hospital", "医院"),
        Clinic => ("clinic", "诊所（门诊）"),
        Doctors => ("doctors", "医生诊室"),
        Pharmacy => ("pharmacy", "药店"),
        Dentist => ("dentist", "牙科"),
        OtherHealth => ("other health facility", "其他卫生机构"),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// How a settlement's nearest facility is shown: its name, else its kind and position.
pub fn facility_label(
    lang: Lang,
    name: Option<&str>,
    kind: Option<FacilityKind>,
    index: Option<usize>,
) -> String {
    match (name, kind, index) {
        (Some(n), _, _) => n.to_string(),
        (None, Some(k), Some(i)) => format!("{} #{i}", kind_name(lang, k)),
        (None, None, Some(i)) => format!("#{i}"),
        _ => "–".to_string(),
    }
}

/// What a rule lacked to be checked, in `lang`.
pub fn missing(lang: Lang, m: Missing) -> String {
    let (en, zh) = match m {
        Missing::Townships => ("no township (乡/镇) units in the admin layer", "行政区划中没有乡镇"),
        Missing::MergedTownships => (
            "no township is marked as merged into another (merged_into / 并入)",
            "没有标为并入其他乡镇的乡镇（并入）",
        ),
        Missing::Villages => ("no administrative village (行政村) units in the admin layer", "行政区划中没有行政村"),
        Missing::SpecialVillages => (
            "no village is marked as a special area (边境, 民族, 偏远, 山区, 海岛, 牧区, 库区, 搬迁)",
            "没有标为特殊区域的村（边境、民族、偏远、山区、海岛、牧区、库区、搬迁）",
        ),
        Missing::Subdistricts => ("no sub-district (街道) units in the admin layer", "行政区划中没有街道"),
        Missing::Communities => ("no community (社区) units in the admin layer", "行政区划中没有社区"),
        Missing::MedicalCommunity => (
            "no facility marks the lead hospital (lead / 牵头医院) or the centers it hosts (centers / 中心)",
            "没有机构标明医共体牵头医院（牵头医院）或所设中心（中心）",
        ),
        Missing::Centers => ("no facility lists the centers it hosts (centers / 中心)", "没有机构列出所设中心（中心）"),
        Missing::LeadHospital => (
            "no lead hospital of the county medical community (lead / 牵头医院)",
            "没有医共体牵头医院（牵头医院）",
        ),
        Missing::TownshipCenters => ("no township health center (乡镇卫生院)", "没有乡镇卫生院"),
        Missing::HealthCenters => (
            "no township health center or community health service center",
            "没有乡镇卫生院或社区卫生服务中心",
        ),
        Missing::Settlements => ("no settlements with population", "没有带人口的居民点"),
    };
    if lang == Lang::Zh { zh } else { en }.to_string()
}

/// Words a report the engine left as data: every finding's message and suggestion, and why a
/// rule was not checked, in `lang`. The command line words its reports (English JSON, or the
/// printable report's language); the page never needs the words in the report: it words each
/// finding in the language it shows.
pub fn word_report(report: &mut crate::engine::report::Report, lang: Lang) {
    for f in &mut report.findings {
        f.message = message(lang, &f.detail);
        f.suggestion = suggestion(lang, &f.detail);
    }
    for r in &mut report.rules {
        r.not_checked = r.missing.map(|m| missing(lang, m));
    }
    report.warnings = report.caveats.iter().map(|c| caveat(lang, c)).collect();
}

/// The speeds a report's mode used, in `lang` (km/h).
pub fn speeds_text(lang: Lang, mode: Mode, s: &crate::engine::network::SpeedTable) -> String {
    let zh = lang == Lang::Zh;
    let off = if zh {
        format!("路外 {}", s.offroad_kmh)
    } else {
        format!("off-road {}", s.offroad_kmh)
    };
    let body = match mode {
        Mode::Walk => {
            if zh {
                format!("步行 {}", s.walk_kmh)
            } else {
                format!("walking {}", s.walk_kmh)
            }
        }
        Mode::Ebike => {
            if zh {
                format!("电动车 {}（人行道步行 {}）", s.ebike_kmh, s.walk_kmh)
            } else {
                format!("e-bike {} (footways walked at {})", s.ebike_kmh, s.walk_kmh)
            }
        }
        Mode::Drive => {
            let classes: Vec<String> = s
                .drive_kmh
                .iter()
                .map(|(c, v)| format!("{c} {v}"))
                .collect();
            if zh {
                format!(
                    "按道路等级（无限速时）：{}；其他 {}；禁行机动车的道路步行 {}",
                    classes.join("、"),
                    s.drive_default_kmh,
                    s.walk_kmh
                )
            } else {
                format!(
                    "by road class (where no limit is given): {}; other {}; roads closed to motor vehicles walked at {}",
                    classes.join(", "),
                    s.drive_default_kmh,
                    s.walk_kmh
                )
            }
        }
    };
    format!("{body}; {off} {}", if zh { "公里/小时" } else { "km/h" })
}

/// A travel mode's name in `lang`.
pub fn mode_name(lang: Lang, mode: Mode) -> &'static str {
    match mode {
        Mode::Walk => Key::Walk.text(lang),
        Mode::Drive => Key::Drive.text(lang),
        Mode::Ebike => Key::Ebike.text(lang),
    }
}

/// An edit in words, in both languages; `name` is the name of the facility or road it is
/// about, when known.
pub fn edit_label(e: &crate::engine::edits::Edit, name: Option<&str>) -> Bilingual {
    use crate::engine::edits::{Edit, FacilityRef};
    let who = |r: &FacilityRef| match (name, r) {
        (Some(n), _) => (n.to_string(), n.to_string()),
        (None, FacilityRef::Added { added }) => {
            (format!("added site {added}"), format!("新增第 {added} 号"))
        }
        (None, FacilityRef::Loaded(at)) => (
            format!("{} #{}", at.file, at.index),
            format!("{} 第 {} 个", at.file, at.index),
        ),
    };
    let road = |at: &crate::engine::edits::FeatureRef| match name {
        Some(n) => (n.to_string(), n.to_string()),
        None => (
            format!("road {} #{}", at.file, at.index),
            format!("{} 第 {} 条道路", at.file, at.index),
        ),
    };
    let (en, zh) = match e {
        Edit::AddFacility {
            kind, at, name: n, ..
        } => (
            format!(
                "Added a {}{} at {:.5}, {:.5}",
                kind_name(Lang::En, *kind),
                n.as_ref().map(|n| format!(" ({n})")).unwrap_or_default(),
                at.lon,
                at.lat
            ),
            format!(
                "新增{}{}（{:.5}, {:.5}）",
                kind_name(Lang::Zh, *kind),
                n.as_ref().map(|n| format!("“{n}”")).unwrap_or_default(),
                at.lon,
                at.lat
            ),
        ),
        Edit::MoveFacility { facility, to } => {
            let (en, zh) = who(facility);
            (
                format!("Moved {en} to {:.5}, {:.5}", to.lon, to.lat),
                format!("将{zh}移至（{:.5}, {:.5}）", to.lon, to.lat),
            )
        }
        Edit::DeleteFacility { facility } => {
            let (en, zh) = who(facility);
            (format!("Deleted {en}"), format!("删除{zh}"))
        }
        Edit::SetFacility {
            facility,
            kind,
            capacity,
        } => {
            let (en, zh) = who(facility);
            let given = [
                (capacity.capacity, "capacity", "服务能力"),
                (capacity.doctors, "doctors", "医生数"),
                (capacity.beds, "beds", "床位数"),
                (capacity.staff, "staff", "人员数"),
            ];
            let given: Vec<(String, String)> = given
                .into_iter()
                .filter_map(|(v, e, z)| v.map(|v| (format!("{e} {v}"), format!("{z} {v}"))))
                .collect();
            let values_en: Vec<&str> = given.iter().map(|(e, _)| e.as_str()).collect();
            let values_zh: Vec<&str> = given.iter().map(|(_, z)| z.as_str()).collect();
            match kind {
                Some(k) => (
                    format!("{en} becomes a {}", kind_name(Lang::En, *k)),
                    format!("{zh}改为{}", kind_name(Lang::Zh, *k)),
                ),
                None => (
                    format!("Changed the capacities of {en}: {}", values_en.join(", ")),
                    format!("修改{zh}的服务能力：{}", values_zh.join("，")),
                ),
            }
        }
        Edit::CloseRoad { road: r } => {
            let (en, zh) = road(r);
            (format!("Closed {en}"), format!("关闭{zh}"))
        }
        Edit::SetRoad {
            road: r,
            class,
            speed_kmh,
        } => {
            let (en, zh) = road(r);
            let what_en = [
                class.as_ref().map(|c| format!("class {c}")),
                speed_kmh.map(|v| format!("{v} km/h")),
            ];
            let what_en: Vec<String> = what_en.into_iter().flatten().collect();
            (
                format!("{en}: {}", what_en.join(", ")),
                format!("{zh}：{}", what_en.join("，")),
            )
        }
    };
    Bilingual { en, zh }
}

/// Why an edit cannot apply, in both languages.
pub fn edit_error(e: &crate::engine::edits::EditError) -> Bilingual {
    use crate::engine::edits::EditError::*;
    let zh = match e {
        NoSuchFacility { at, .. } => {
            format!("{} 中没有第 {} 个要素所指的医疗机构。", at.file, at.index)
        }
        NoSuchAdded { added, .. } => format!("规划中没有新增的第 {added} 号机构（或已被删除）。"),
        DuplicateAdded { id, .. } => format!("规划中第 {id} 号新增机构重复。"),
        NoSuchRoad { at, .. } => {
            format!("{} 中没有第 {} 条可用道路（或已关闭）。", at.file, at.index)
        }
        OutsideArea { at, .. } => {
            format!("({:.5}, {:.5}) 在已载入数据的范围之外。", at.lon, at.lat)
        }
        BadSpeed { speed_kmh, .. } => format!("速度必须是正数（公里/小时），不能是 {speed_kmh}。"),
        BadCapacity { value, .. } => format!("服务能力不能为负数：{value}。"),
        BadClass { class, .. } => format!("“{class}”不是可通行道路的等级。"),
    };
    Bilingual {
        en: e.to_string(),
        zh,
    }
}

/// How one travels in `mode`, as a phrase: "by car", "驾车".
pub fn by_mode(lang: Lang, mode: Mode) -> &'static str {
    match (lang, mode) {
        (Lang::Zh, Mode::Walk) => "步行",
        (Lang::Zh, Mode::Drive) => "驾车",
        (Lang::Zh, Mode::Ebike) => "骑电动车",
        (Lang::En, Mode::Walk) => "on foot",
        (Lang::En, Mode::Drive) => "by car",
        (Lang::En, Mode::Ebike) => "by e-bike",
    }
}

/// A caveat of the report in `lang`.
pub fn caveat(lang: Lang, c: &Caveat) -> String {
    match (lang, c) {
        (Lang::En, Caveat::StraightLine { mode }) => format!(
            "No usable roads for {}: times are straight-line distance at the off-road speed, not travel over a road network.",
            mode.id()
        ),
        (Lang::Zh, Caveat::StraightLine { mode }) => format!(
            "{}没有可用的道路：时间按路外速度的直线距离计算，而非沿路网出行。",
            mode_name(Lang::Zh, *mode)
        ),
        (Lang::En, Caveat::NoServicePoint) => {
            "No medical service point is loaded: nobody can reach one.".to_string()
        }
        (Lang::Zh, Caveat::NoServicePoint) => "未载入任何医疗服务点：没有人能到达。".to_string(),
        (Lang::En, Caveat::NoSettlements) => {
            "No settlements with population are loaded: there is no one to count.".to_string()
        }
        (Lang::Zh, Caveat::NoSettlements) => {
            "未载入带人口的居民点：没有可统计的居民。".to_string()
        }
        (_, Caveat::Extract(ExtractWarning { file, warning })) => match lang {
            Lang::En => format!("{file}: {}", osm_warning(lang, warning)),
            Lang::Zh => format!("{file}：{}", osm_warning(lang, warning)),
        },
    }
}

/// A warning of the OpenStreetMap reader in `lang`.
pub fn osm_warning(lang: Lang, w: &OsmWarning) -> String {
    if lang == Lang::En {
        return w.to_string();
    }
    match w {
        OsmWarning::NoPopulation => "该 OpenStreetMap 文件没有可用的人口数据（没有带 population 标签的地名节点，也没有住宅建筑）：请载入人口图层（带人口的 GeoJSON 点，或带人口的行政区划面）".to_string(),
        OsmWarning::NoFacility => "该 OpenStreetMap 文件没有医疗机构（amenity=hospital/clinic/doctors/…，healthcare=*）：请载入医疗机构图层".to_string(),
        OsmWarning::NoServicePoint { facilities } => format!(
            "该 OpenStreetMap 文件的 {facilities} 个医疗机构中没有医疗服务点（医院、诊所、医生）：请载入医疗机构图层"
        ),
        OsmWarning::PopulationEstimated {
            buildings,
            floor_m2_per_person,
            units_spread,
        } => {
            let mut s = format!(
                "居民人数是根据 {buildings} 栋住宅建筑估算的（占地面积 × 层数 ÷ 每人 {floor_m2_per_person} 平方米）"
            );
            if *units_spread > 0 {
                s.push_str(&format!(
                    "；在 {units_spread} 个有人口的行政区内，人口按建筑面积分摊到其中的建筑"
                ));
            }
            s.push_str("。请载入人口图层以获得真实数字");
            s
        }
        OsmWarning::PartialPlacePopulation {
            with_population,
            without_population,
        } => format!(
            "该文件 {} 个地名节点中只有 {with_population} 个有人口，其余 {without_population} 个未计入：请为其余地点载入人口图层",
            with_population + without_population
        ),
    }
}

/// Why no surface could be made, in `lang`.
pub fn grid_error(lang: Lang, e: &crate::engine::surface::GridError) -> String {
    use crate::engine::surface::{GridError, MIN_CELL_M};
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Zh, GridError::CellSize { cell_m }) => {
            format!("栅格边长 {cell_m} 米：请至少用 {MIN_CELL_M} 米")
        }
        (Lang::Zh, GridError::TooManyCells {
            cells,
            max,
            suggested_cell_m,
        }) => format!(
            "按此栅格边长将有 {cells} 个栅格，超过浏览器页面能容纳的 {max} 个；请用 {suggested_cell_m} 米或更大的栅格"
        ),
        (Lang::Zh, GridError::Empty) => Key::NothingLoaded.text(lang).to_string(),
    }
}

/// Why no sites could be suggested, in `lang`.
pub fn plan_error(lang: Lang, e: &crate::engine::planning::PlanError) -> String {
    use crate::engine::planning::PlanError;
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Zh, PlanError::NoCandidates) => "没有候选站点".to_string(),
        (Lang::Zh, PlanError::MoreSitesThanCandidates { k, candidates }) => {
            format!("要求选 {k} 个站点，但只有 {candidates} 个候选点")
        }
        (Lang::Zh, PlanError::NoSites) => "请至少选 1 个站点".to_string(),
        (Lang::Zh, PlanError::TargetShare(s)) => {
            format!("目标覆盖率 {s}：请给 0 到 1 之间的比例（1 = 全部居民）")
        }
    }
}

/// Why a candidates file cannot be used, in `lang`.
pub fn points_error(lang: Lang, e: &crate::engine::io::points::PointsError) -> String {
    use crate::engine::io::points::PointsError;
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Zh, PointsError::NotGeoJson { file, reason }) => {
            format!("{file}：不是 GeoJSON 文件（{reason}）")
        }
        (Lang::Zh, PointsError::Empty { file }) => format!("{file}：没有要素，因此没有候选站点"),
        (
            Lang::Zh,
            PointsError::Feature {
                file,
                feature,
                what,
            },
        ) => format!("{file}：第 {feature} 个要素没有可用位置（{what}）；候选点须为 WGS84 经纬度"),
    }
}

/// A rule's clause, in `lang` (the documents' numbers stay; their words are translated).
pub fn clause(lang: Lang, rule: RuleId) -> String {
    match lang {
        Lang::En => rule.clause().to_string(),
        Lang::Zh => rule.clause().replace("General Requirements", "总体要求"),
    }
}

/// A finding's place, in `lang`: the engine names the whole area "planning area".
pub fn place(lang: Lang, place: &str) -> String {
    match place.strip_prefix("planning area") {
        Some(rest) => format!("{}{rest}", Key::PlanningArea.text(lang)),
        None => place.to_string(),
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

    /// Caveats are data in the engine and words here, in both languages; an extract's
    /// warning names its file.
    #[test]
    fn caveats_are_worded_in_both_languages() {
        let straight = Caveat::StraightLine { mode: Mode::Walk };
        assert!(caveat(Lang::En, &straight).starts_with("No usable roads for walk"));
        assert!(caveat(Lang::Zh, &straight).starts_with("步行没有可用的道路"));
        let estimate = Caveat::Extract(ExtractWarning {
            file: "b.osm.pbf".into(),
            warning: OsmWarning::PopulationEstimated {
                buildings: 3,
                floor_m2_per_person: 35.0,
                units_spread: 1,
            },
        });
        let en = caveat(Lang::En, &estimate);
        assert!(
            en.starts_with("b.osm.pbf: residents are an ESTIMATE from 3"),
            "{en}"
        );
        let zh = caveat(Lang::Zh, &estimate);
        assert!(
            zh.starts_with("b.osm.pbf：居民人数是根据 3 栋") && zh.contains("35"),
            "{zh}"
        );
        for c in [Caveat::NoServicePoint, Caveat::NoSettlements] {
            assert!(!caveat(Lang::En, &c).is_empty() && !caveat(Lang::Zh, &c).is_ascii());
        }
    }
}
