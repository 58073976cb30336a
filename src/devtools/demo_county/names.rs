//! Place names: the pools that village, hamlet, compound, community and street names are drawn
//! from, and the [`Namer`] that never gives two places the same name.

use super::random::{Rng, T_NAMES};
use std::collections::HashSet;

const VILLAGE_FIRST: &[&str] = &[
    "上", "下", "东", "西", "南", "北", "新", "中", "大", "小", "龙", "平", "那", "弄", "百", "坡",
    "岩", "石", "清", "六", "三", "和", "福", "安", "永", "兴", "长", "马", "凤", "金", "桂", "枫",
    "念", "者", "巴", "渠", "德", "岜", "陇", "伏",
];
const VILLAGE_SECOND: &[&str] = &[
    "屯", "坪", "岭", "坡", "合", "安", "平", "兴", "和", "丰", "江", "洞", "林", "山", "河", "田",
    "塘", "桥", "湾", "峰", "寨", "坝", "隆", "良", "利", "荣", "华", "孟", "旺", "桑", "怀", "荷",
    "吉", "意", "立", "宁", "明", "泉", "坤", "仁",
];
const SURNAMES: &[&str] = &[
    "张", "李", "王", "黄", "韦", "陆", "农", "梁", "罗", "覃", "蒙", "莫", "卢", "赵", "刘", "陈",
    "杨", "周", "吴", "邓", "苏", "何", "潘", "马", "谢", "滕", "凌", "廖", "曾", "岑",
];
const HAN_SUFFIXES: &[&str] = &[
    "湾", "坝", "寨", "屯", "坡", "坳", "沟", "岭", "垭", "坪", "冲", "塘", "田", "庄", "院子",
    "岩", "嘴", "弄",
];
const ZHUANG_FIRST: &[&str] = &[
    "那", "板", "弄", "百", "念", "者", "巴", "岜", "坡", "六", "陇", "伏", "布", "达", "渠",
];
const ZHUANG_SECOND: &[&str] = &[
    "利", "怀", "干", "孟", "旺", "合", "桑", "洪", "腊", "亮", "荷", "坎", "吉", "凡", "味", "劳",
    "爱", "端", "楼", "乐", "哈", "仑", "迷", "贯",
];
const COMMUNITY_NAMES: &[&str] = &[
    "城南", "城北", "城东", "城西", "南门", "北门", "桂花", "解放", "新华", "江滨", "文昌", "龙泉",
    "和平", "育才", "朝阳", "民主", "东风", "鹅泉", "龙潭", "凤凰",
];
const COMPOUND_FIRST: &[&str] = &[
    "阳光", "锦绣", "金桂", "碧水", "龙城", "滨江", "翠湖", "书香", "幸福", "康乐", "福临", "华庭",
    "嘉和", "盛世", "明珠", "丽景", "兴隆", "东方", "富民", "安居", "怡景", "青岚", "鹅城", "南山",
    "北城", "桂园", "枫林", "学府", "江山", "红枫",
];
const COMPOUND_SECOND: &[&str] = &["小区", "花园", "苑", "家园", "新村", "名城", "雅居"];
pub(super) const STREETS: &[&str] = &[
    "解放路",
    "中山路",
    "新华路",
    "建设路",
    "民族路",
    "朝阳路",
    "滨江路",
    "文化路",
    "公园路",
    "龙泉路",
    "友谊路",
    "团结路",
    "育才路",
    "城西路",
    "城东路",
    "南环路",
    "北环路",
    "兴业路",
    "德政路",
    "桂花路",
    "迎宾路",
    "教育路",
    "商贸路",
    "鹅泉路",
    "东风路",
    "胜利路",
    "和平路",
    "沿河路",
    "环城路",
    "工业路",
    "金桂路",
    "文体路",
    "江北路",
    "江南路",
    "滨河路",
    "新民路",
    "富民路",
    "平安路",
    "长安路",
    "振兴路",
    "青岚路",
    "双江路",
    "城中路",
];

/// The base of a township's name: 平孟镇 → 平孟, 板岩瑶族乡 → 板岩.
pub(super) fn base_name(name: &str) -> &str {
    for suffix in ["瑶族乡", "街道", "镇", "乡", "村", "社区"] {
        if let Some(b) = name.strip_suffix(suffix) {
            return b;
        }
    }
    name
}

/// Draws names from the pools and never gives two places the same one: the township bases, the
/// villages, hamlets, compounds and communities share one namespace and one random stream.
pub(super) struct Namer {
    used: HashSet<String>,
    rng: Rng,
}

impl Namer {
    /// A namer whose stream is that of `seed`, with the names in `taken` already in use.
    pub(super) fn new<'a>(seed: u64, taken: impl IntoIterator<Item = &'a str>) -> Namer {
        Namer {
            used: taken.into_iter().map(str::to_string).collect(),
            rng: Rng::stream(seed, T_NAMES, 0),
        }
    }

    /// Takes `name` for a place; false when another place has it already.
    pub(super) fn claim(&mut self, name: &str) -> bool {
        self.used.insert(name.to_string())
    }

    /// A name made by `make` that no other place has.
    fn fresh(&mut self, make: impl Fn(&mut Rng) -> String) -> String {
        for attempt in 0.. {
            let mut name = make(&mut self.rng);
            if attempt > 40 {
                name = format!("{}{}", ["上", "下", "新", "老"][attempt % 4], name);
            }
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        unreachable!()
    }

    pub(super) fn village(&mut self) -> String {
        self.fresh(|r| {
            let (a, b) = (r.pick(VILLAGE_FIRST), r.pick(VILLAGE_SECOND));
            if a == b {
                format!("{a}家村")
            } else {
                format!("{a}{b}村")
            }
        })
    }

    /// A hamlet's name, Zhuang-style with probability `zhuang_share`, else a Han surname's.
    pub(super) fn hamlet(&mut self, zhuang_share: f64) -> String {
        self.fresh(move |r| {
            if r.unit() < zhuang_share {
                format!("{}{}屯", r.pick(ZHUANG_FIRST), r.pick(ZHUANG_SECOND))
            } else {
                format!("{}家{}", r.pick(SURNAMES), r.pick(HAN_SUFFIXES))
            }
        })
    }

    /// A residential compound's name (the settlements of the county town).
    pub(super) fn compound(&mut self) -> String {
        self.fresh(|r| format!("{}{}", r.pick(COMPOUND_FIRST), r.pick(COMPOUND_SECOND)))
    }

    pub(super) fn community(&mut self) -> String {
        self.fresh(|r| format!("{}社区", r.pick(COMMUNITY_NAMES)))
    }
}
