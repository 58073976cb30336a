//! Output, the rule cases: where each rule fires and where it passes, by place name, and the
//! landmarks whose travel times `tests/engine/demo_county.rs` measures.

use super::builder::Builder;
use super::names::base_name;
use super::plan::{
    BAIHE, BANYAN, CHENGZHONG, DELONG, DINGYE, DONGXING, GAOFENG, GUOLE, LEAD_CENTERS, LONGQIAO,
    NASANG, PINGMENG, POHE, SHUANGJIANG, SUBDISTRICTS, TOWNSHIPS, XINCHENG, XINXU,
};
use super::{Landmarks, RuleCase};

impl Builder {
    /// Unit `u`'s name.
    fn unit_name(&self, u: usize) -> String {
        self.units[u].name.clone()
    }

    /// The names of the settlements of village or community `u`.
    fn settlements_of(&self, u: usize) -> Vec<String> {
        self.settlements
            .iter()
            .filter(|s| self.leaf[s.cell] == Some(u))
            .map(|s| s.name.clone())
            .collect()
    }

    /// The places whose travel times make a rule fire or pass.
    pub(super) fn landmarks(&self) -> Landmarks {
        let m = &self.marks;
        let centers: Vec<String> = self
            .facilities
            .iter()
            .filter(|f| matches!(f.kind, "乡镇卫生院" | "中心乡镇卫生院"))
            .map(|f| f.name.clone())
            .collect();
        let county_town_settlements = m
            .subdistricts
            .iter()
            .flat_map(|&sd| self.units[sd].children.clone())
            .flat_map(|u| self.settlements_of(u))
            .collect();
        Landmarks {
            lead_hospital: "青岚县人民医院".into(),
            remote_hamlets: m
                .remote_hamlets
                .iter()
                .map(|&s| self.settlements[s].name.clone())
                .collect(),
            small_village: self.unit_name(m.v_small),
            small_village_settlements: self.settlements_of(m.v_small),
            shared_clinic: format!("{}卫生室", self.unit_name(m.v_neighbour)),
            far_community: self.unit_name(m.c_far),
            far_community_settlements: self.settlements_of(m.c_far),
            far_community_center: format!("{}社区卫生服务中心", SUBDISTRICTS[CHENGZHONG].name),
            township_centers: centers,
            near_center: "龙桥镇中心卫生院".into(),
            far_center: "板岩瑶族乡卫生院".into(),
            county_town_settlements,
        }
    }

    /// For each rule of the catalog, in its order, where it fires and where it passes.
    pub(super) fn cases(&self) -> Vec<RuleCase> {
        let mut cases = vec![self.reach_case()];
        cases.extend(self.township_cases());
        cases.extend(self.village_cases());
        cases.extend(self.county_town_cases());
        cases.extend(self.county_cases());
        cases
    }

    /// `reach.15min`: the remote hamlets by car, the countryside on foot.
    fn reach_case(&self) -> RuleCase {
        let m = &self.marks;
        let hamlets: Vec<String> = m
            .remote_hamlets
            .iter()
            .map(|&s| self.settlements[s].name.clone())
            .collect();
        RuleCase {
            rule: "reach.15min",
            fires: format!(
                "by car: the hamlets {} of {}, more than 1.3 km from any road in a village with no service point; on foot: most of the countryside",
                hamlets.join("、"),
                self.in_township(m.v_remote)
            ),
            passes: format!(
                "by car: every settlement of the county town ({}、{}、{}) and most villages",
                SUBDISTRICTS[0].name, SUBDISTRICTS[1].name, SUBDISTRICTS[2].name
            ),
        }
    }

    /// `township.health-center`, `township.merged`, `township.central-center`.
    fn township_cases(&self) -> Vec<RuleCase> {
        let m = &self.marks;
        let active: Vec<&str> = [
            LONGQIAO, PINGMENG, DELONG, DINGYE, XINXU, GAOFENG, DONGXING, BANYAN,
        ]
        .map(township)
        .to_vec();
        vec![
            RuleCase {
                rule: "township.health-center",
                fires: format!("{} (none); {} (two: {}卫生院 and {}{}卫生院)", township(POHE), township(BAIHE), township(BAIHE), township(BAIHE), base_name(&self.unit_name(m.v_second_center))),
                passes: format!(
                    "{} (one each; {}'s branch does not count); {} and {} are dissolved and not checked",
                    active.join("、"),
                    township(GAOFENG),
                    township(NASANG),
                    township(GUOLE)
                ),
            },
            RuleCase {
                rule: "township.merged",
                fires: format!("{} (并入{}): its old center 果乐乡卫生院 is still a 乡镇卫生院, not a branch", township(GUOLE), township(XINXU)),
                passes: format!("{} (并入{}): its old center is 定业镇卫生院那桑分院", township(NASANG), township(DINGYE)),
            },
            RuleCase {
                rule: "township.central-center",
                fires: format!("龙桥镇中心卫生院 stands in {} (县城), so it does not count as a central center outside the county town", township(LONGQIAO)),
                passes: format!("two central centers outside the county town, in {} and {} (count 1–2); the ranking of candidate townships by population served and travel time to 青岚县人民医院 shows the far mountain townships", township(PINGMENG), township(DELONG)),
            },
        ]
    }

    /// `village.clinic`, `village.duplicate-clinics`, `village.special-areas`.
    fn village_cases(&self) -> Vec<RuleCase> {
        let m = &self.marks;
        let special_with_clinic: Vec<String> = m
            .townships
            .iter()
            .flat_map(|&tu| self.units[tu].children.clone())
            .filter(|&v| {
                self.units[v].flags.any()
                    && ![m.v_remote, m.v_relocated, m.v_reservoir, m.v_mobile].contains(&v)
            })
            .take(3)
            .map(|v| format!("{}（{}）", self.in_township(v), self.flag_list(v)))
            .collect();
        vec![
            RuleCase {
                rule: "village.clinic",
                fires: format!("{}: {} residents, no clinic; {}: no clinic and no service point", self.in_township(m.v_large), self.units[m.v_large].population, self.in_township(m.v_remote)),
                passes: format!(
                    "every other village has a clinic or an exception: {} and {} (the township health center stands there); {} (under 1,000 residents, shares {}卫生室 next door within 15 min); {}, {}, {} (served by a 医疗服务点, 固定巡诊点, 流动医疗站)",
                    self.in_township(self.units[m.townships[DELONG]].children[0]), self.in_township(self.units[m.townships[XINXU]].children[0]), self.in_township(m.v_small), self.unit_name(m.v_neighbour), self.in_township(m.v_relocated), self.in_township(m.v_reservoir), self.in_township(m.v_mobile)
                ),
            },
            RuleCase {
                rule: "village.duplicate-clinics",
                fires: format!("{}: two 村卫生室", self.in_township(m.v_duplicate)),
                passes: "every other village with a clinic has one".into(),
            },
            RuleCase {
                rule: "village.special-areas",
                fires: format!("{} ({}): no clinic, no 医疗服务点, no 巡诊点", self.in_township(m.v_remote), self.flag_list(m.v_remote)),
                passes: format!(
                    "{} ({}, 医疗服务点); {} ({}, 固定巡诊点); {} ({}, 流动医疗站); special-area villages with a clinic, e.g. {}",
                    self.in_township(m.v_relocated), self.flag_list(m.v_relocated), self.in_township(m.v_reservoir), self.flag_list(m.v_reservoir), self.in_township(m.v_mobile), self.flag_list(m.v_mobile), special_with_clinic.join("；")
                ),
            },
        ]
    }

    /// The county town: `subdistrict.health-center`, `subdistrict.large`, `community.station`.
    fn county_town_cases(&self) -> Vec<RuleCase> {
        let m = &self.marks;
        let cz = m.subdistricts[CHENGZHONG];
        let cz_pop = self.units[cz].population;
        let station_communities: Vec<String> = self.units[cz]
            .children
            .iter()
            .skip(1)
            .filter(|&&u| u != m.c_far)
            .take(2)
            .map(|&u| self.unit_name(u))
            .collect();
        vec![
            RuleCase {
                rule: "subdistrict.health-center",
                fires: format!("{}: no 社区卫生服务中心; it has the government-run first-level hospital 青岚县双江医院, the one to convert", SUBDISTRICTS[SHUANGJIANG].name),
                passes: format!("{}、{} (one center each)", SUBDISTRICTS[CHENGZHONG].name, SUBDISTRICTS[XINCHENG].name),
            },
            RuleCase {
                rule: "subdistrict.large",
                fires: format!("{} ({} residents, over 100,000)", SUBDISTRICTS[CHENGZHONG].name, cz_pop),
                passes: format!("{} ({}), {} ({})", SUBDISTRICTS[XINCHENG].name, self.units[m.subdistricts[XINCHENG]].population, SUBDISTRICTS[SHUANGJIANG].name, self.units[m.subdistricts[SHUANGJIANG]].population),
            },
            RuleCase {
                rule: "community.station",
                fires: format!("{}（{}）: {} residents beyond 15 min on foot from {}社区卫生服务中心, no station", self.unit_name(m.c_far), SUBDISTRICTS[CHENGZHONG].name, self.units[m.c_far].population, SUBDISTRICTS[CHENGZHONG].name),
                passes: format!("the communities that host a center ({}, {}), and those with a 社区卫生服务站 (e.g. {})", self.unit_name(self.units[cz].children[0]), self.unit_name(self.units[m.subdistricts[XINCHENG]].children[0]), station_communities.join("、")),
            },
        ]
    }

    /// `county.medical-community`, `county.acute-care-centers`, `county.referral`,
    /// `planning.elderly-care`.
    fn county_cases(&self) -> Vec<RuleCase> {
        vec![
            RuleCase {
                rule: "county.medical-community",
                fires: "missing centers: 病理诊断 (resource-sharing); 肿瘤防治, 微创介入 (clinical service)".into(),
                passes: format!("lead hospital 青岚县人民医院 (公立, 三级, 牵头医院) with {}", LEAD_CENTERS[..7].join("、")),
            },
            RuleCase {
                rule: "county.acute-care-centers",
                fires: "no 创伤中心 (trauma) anywhere in the county; and, as advisories, the residents beyond 60 min of the other centers (the mountain hamlets by car, most of the county on foot)".into(),
                passes: "胸痛中心, 卒中中心, 危重孕产妇救治中心, 危重新生儿救治中心, 危重儿童救治中心 are hosted by 青岚县人民医院".into(),
            },
            RuleCase {
                rule: "county.referral",
                fires: "an advisory with every township health center's time to 青岚县人民医院; the farthest is 板岩瑶族乡卫生院, over slow mountain roads (more than 35 min by car)".into(),
                passes: "龙桥镇中心卫生院, the nearest (under 15 min by car), and the centers on the national road".into(),
            },
            RuleCase {
                rule: "planning.elderly-care",
                fires: format!("centers with no 养老机构 within 500 m: {}社区卫生服务中心, 德隆镇中心卫生院 (德隆镇敬老院 is over 500 m away), {}卫生院, {}卫生院 and others", SUBDISTRICTS[CHENGZHONG].name, township(XINXU), township(BANYAN)),
                passes: format!("{}社区卫生服务中心, 平孟镇中心卫生院, 定业镇卫生院, 高峰镇卫生院, 东兴镇卫生院 (an old people's home beside each)", SUBDISTRICTS[XINCHENG].name),
            },
        ]
    }

    /// A village's name with its township's: 某村（某镇）.
    fn in_township(&self, u: usize) -> String {
        let parent = self.units[u].parent.expect("a village has a township");
        format!("{}（{}）", self.unit_name(u), self.unit_name(parent))
    }

    /// A unit's special-area flags, joined: 山区、边境.
    fn flag_list(&self, u: usize) -> String {
        self.units[u].flags.named().join("、")
    }
}

/// The name of township `k` (an index of `TOWNSHIPS`).
fn township(k: usize) -> &'static str {
    TOWNSHIPS[k].name
}
