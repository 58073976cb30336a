//! The county's plan, fixed by the code: which unit is where and which rule it breaks. The
//! seed moves boundaries, roads and settlements, never the cases.

use super::plane::{p, P};

/// The centre of the county's outline.
pub(super) const O: P = p(25.0, 25.0);
/// The centre of the county town (县城).
pub(super) const C: P = p(27.0, 30.0);
/// Radius of the county town's core, the part split into sub-districts.
pub(super) const CORE_KM: f64 = 3.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Level {
    County,
    Town,
    Township,
    Subdistrict,
    Village,
    Community,
}

impl Level {
    pub(super) fn zh(self) -> &'static str {
        match self {
            Level::County => "县",
            Level::Town => "镇",
            Level::Township => "乡",
            Level::Subdistrict => "街道",
            Level::Village => "行政村",
            Level::Community => "社区",
        }
    }
}

/// Special-area flags of a village (`docs/VOCABULARY.md`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Flags {
    pub(super) mountain: bool,
    pub(super) border: bool,
    pub(super) ethnic: bool,
    pub(super) remote: bool,
    pub(super) reservoir: bool,
    pub(super) relocated: bool,
}

impl Flags {
    pub(super) fn named(&self) -> Vec<&'static str> {
        [
            (self.mountain, "山区"),
            (self.border, "边境"),
            (self.ethnic, "民族"),
            (self.remote, "偏远"),
            (self.reservoir, "库区"),
            (self.relocated, "搬迁"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
    pub(super) fn any(&self) -> bool {
        !self.named().is_empty()
    }
}

pub(super) struct TownshipSpec {
    pub(super) name: &'static str,
    pub(super) level: Level,
    /// Digits 7–9 of the code.
    pub(super) code: u32,
    pub(super) seat: P,
    pub(super) villages: usize,
    pub(super) weight: f64,
    pub(super) hilly: bool,
}

const fn town(
    name: &'static str,
    code: u32,
    seat: P,
    villages: usize,
    weight: f64,
) -> TownshipSpec {
    TownshipSpec {
        name,
        level: if code < 200 {
            Level::Town
        } else {
            Level::Township
        },
        code,
        seat,
        villages,
        weight,
        hilly: false,
    }
}

const fn hilly(t: TownshipSpec) -> TownshipSpec {
    TownshipSpec { hilly: true, ..t }
}

/// The twelve towns and townships, by index.
pub(super) const LONGQIAO: usize = 0; // part of the county town; its central center does not count
pub(super) const PINGMENG: usize = 1; // central center, far, large; mountains
pub(super) const DELONG: usize = 2; // central center; its seat village has no clinic; old people's home 1 km off
pub(super) const POHE: usize = 3; // no township health center; reservoir villages
pub(super) const BAIHE: usize = 4; // two township health centers
pub(super) const DINGYE: usize = 5; // absorbed 那桑乡; a large village without a clinic
pub(super) const XINXU: usize = 6; // absorbed 果乐乡; its seat village has no clinic
pub(super) const GAOFENG: usize = 7; // a branch; a village with two clinics
pub(super) const DONGXING: usize = 8; // a small village sharing its neighbour's clinic
pub(super) const NASANG: usize = 9; // dissolved into 定业镇, old center now a branch
pub(super) const GUOLE: usize = 10; // dissolved into 新圩镇, old center still a township health center
pub(super) const BANYAN: usize = 11; // ethnic border township; the remote village with nothing

pub(super) const TOWNSHIPS: [TownshipSpec; 12] = [
    town("龙桥镇", 100, p(32.5, 32.0), 5, 1.25),
    hilly(town("平孟镇", 101, p(11.5, 16.0), 9, 0.9)),
    town("德隆镇", 102, p(39.5, 21.0), 9, 0.9),
    town("坡荷镇", 103, p(14.0, 35.5), 7, 1.0),
    town("百合镇", 104, p(34.0, 39.0), 7, 1.0),
    town("定业镇", 105, p(16.0, 24.5), 7, 1.0),
    town("新圩镇", 106, p(25.5, 18.5), 7, 1.0),
    town("高峰镇", 107, p(23.5, 40.5), 7, 1.0),
    town("东兴镇", 108, p(40.5, 31.5), 6, 1.0),
    hilly(town("那桑乡", 200, p(8.5, 26.0), 5, 1.1)),
    hilly(town("果乐乡", 201, p(33.5, 12.0), 5, 1.1)),
    hilly(town("板岩瑶族乡", 202, p(17.5, 10.5), 6, 1.0)),
];

/// Dissolved townships and the township each was merged into.
pub(super) const MERGED: [(usize, usize); 2] = [(NASANG, DINGYE), (GUOLE, XINXU)];

pub(super) struct SubdistrictSpec {
    pub(super) name: &'static str,
    pub(super) code: u32,
    /// The office, relative to the county town's centre.
    pub(super) office: P,
    pub(super) communities: usize,
    pub(super) weight: f64,
    /// Residents per community.
    pub(super) population: (u64, u64),
}

/// 城中街道: over 100,000 residents, the lead hospital, a far community without a station.
/// 新城街道: a center with an old people's home beside it. 双江街道: no center, a government-run
/// first-level hospital.
pub(super) const SUBDISTRICTS: [SubdistrictSpec; 3] = [
    SubdistrictSpec {
        name: "城中街道",
        code: 1,
        office: p(0.6, 0.9),
        communities: 5,
        weight: 0.8,
        population: (20_000, 24_000),
    },
    SubdistrictSpec {
        name: "新城街道",
        code: 2,
        office: p(-1.0, 0.2),
        communities: 4,
        weight: 1.0,
        population: (12_000, 18_000),
    },
    SubdistrictSpec {
        name: "双江街道",
        code: 3,
        office: p(0.3, -1.1),
        communities: 3,
        weight: 1.1,
        population: (10_000, 16_000),
    },
];
pub(super) const CHENGZHONG: usize = 0;
pub(super) const XINCHENG: usize = 1;
pub(super) const SHUANGJIANG: usize = 2;

pub(super) const COUNTY_NAME: &str = "青岚县";
pub(super) const COUNTY_CODE: &str = "451099";
/// Where the reservoir (库区) lies, in 坡荷镇.
pub(super) const RESERVOIR: P = p(10.0, 38.0);

/// Centers hosted by the lead hospital: seven of the ten of the county medical community
/// (no 病理诊断, 肿瘤防治, 微创介入) and five acute-care centers (no 创伤中心).
pub(super) const LEAD_CENTERS: [&str; 12] = [
    "医学检验",
    "医学影像",
    "心电诊断",
    "消毒供应",
    "慢病管理",
    "麻醉疼痛诊疗",
    "重症监护",
    "胸痛中心",
    "卒中中心",
    "危重孕产妇救治中心",
    "危重新生儿救治中心",
    "危重儿童救治中心",
];

/// Offsets of facilities from their node (km): each within a cell, apart from each other.
pub(super) const SLOTS: [P; 8] = [
    p(0.06, 0.02),
    p(-0.03, 0.09),
    p(-0.07, -0.03),
    p(0.02, -0.08),
    p(0.11, 0.08),
    p(-0.12, 0.06),
    p(-0.06, -0.13),
    p(0.13, -0.07),
];

/// Where the expressway meets the interchange ramps.
pub(super) const MOTORWAY_EXIT: P = p(26.6, 35.4);
