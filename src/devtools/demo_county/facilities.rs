//! Step 6, facilities: hospitals, health centers, clinics and their exceptions, old people's
//! homes, and the places that are not medical service points.

use super::builder::{Builder, FacilityPt, Marks};
use super::names::base_name;
use super::plan::{
    BAIHE, CHENGZHONG, DELONG, DINGYE, DONGXING, GAOFENG, LEAD_CENTERS, LONGQIAO, NASANG, PINGMENG,
    POHE, SHUANGJIANG, SLOTS, TOWNSHIPS, XINCHENG, XINXU,
};
use super::plane::p;
use serde_json::json;

impl Builder {
    /// Adds a facility beside the node of `node_cell`, at offset `slot` of `SLOTS`.
    pub(super) fn facility(
        &mut self,
        name: String,
        kind: &'static str,
        node_cell: usize,
        slot: usize,
    ) -> &mut FacilityPt {
        let at = self.lat.centre(node_cell) + SLOTS[slot % SLOTS.len()];
        self.facilities.push(FacilityPt {
            name,
            kind,
            at,
            cell: node_cell,
            extra: Vec::new(),
        });
        self.facilities.last_mut().expect("just pushed")
    }

    /// Every facility, in the order of the layer: the county hospitals, the community health
    /// service centers and stations, the township health centers and branches, the village
    /// clinics and their stand-ins, the old people's homes, then the places that are not
    /// medical service points.
    pub(super) fn place_facilities(&mut self) {
        let m = std::mem::take(&mut self.marks);
        self.place_county_hospitals(&m);
        self.place_community_centers(&m);
        self.place_township_centers(&m);
        self.place_village_clinics(&m);
        self.place_old_peoples_homes(&m);
        self.place_other_facilities(&m);
        self.marks = m;
    }

    /// The lead hospital in the county town's centre, the county TCM hospital at 新城街道's
    /// office and the government-run first-level hospital at 双江街道's.
    fn place_county_hospitals(&mut self, m: &Marks) {
        let f = self.facility("青岚县人民医院".into(), "县级综合医院", m.c_cell, 1);
        f.extra = vec![
            ("等级", json!("三级")),
            ("所有制", json!("公立")),
            ("牵头医院", json!(true)),
            ("中心", json!(LEAD_CENTERS)),
        ];
        let xc_office = self.units[m.subdistricts[XINCHENG]].centre_cell;
        let f = self.facility("青岚县中医医院".into(), "县中医院", xc_office, 4);
        f.extra = vec![("等级", json!("二级")), ("所有制", json!("公立"))];
        let sj_office = self.units[m.subdistricts[SHUANGJIANG]].centre_cell;
        let f = self.facility("青岚县双江医院".into(), "政府办一级医院", sj_office, 0);
        f.extra = vec![("等级", json!("一级")), ("所有制", json!("政府办"))];
    }

    /// A community health service center at the offices of 城中街道 and 新城街道 (none in
    /// 双江街道), and a station in every community that hosts no center, except the far one.
    fn place_community_centers(&mut self, m: &Marks) {
        let [cz, xc, sj] = [CHENGZHONG, XINCHENG, SHUANGJIANG].map(|k| m.subdistricts[k]);
        for sd in [cz, xc] {
            let name = format!("{}社区卫生服务中心", self.units[sd].name);
            let office = self.units[sd].centre_cell;
            self.facility(name, "社区卫生服务中心", office, 0);
        }
        for sd in [cz, xc, sj] {
            let children = self.units[sd].children.clone();
            for (i, &u) in children.iter().enumerate() {
                let hosts_center = i == 0 && sd != sj;
                if hosts_center || u == m.c_far {
                    continue;
                }
                let name = format!("{}卫生服务站", self.units[u].name);
                let cell = self.units[u].centre_cell;
                self.facility(name, "社区卫生服务站", cell, 2);
            }
        }
    }

    /// A health center (central or not) at every township seat but 坡荷镇's, a branch at the
    /// dissolved 那桑乡's, then 百合镇's second center and 高峰镇's branch in their villages.
    fn place_township_centers(&mut self, m: &Marks) {
        for (k, &t) in m.townships.iter().enumerate() {
            let seat = self.units[t].centre_cell;
            let base = base_name(TOWNSHIPS[k].name);
            match k {
                POHE => {}
                LONGQIAO | PINGMENG | DELONG => {
                    let name = format!("{base}镇中心卫生院");
                    self.facility(name, "中心乡镇卫生院", seat, 0);
                }
                NASANG => {
                    let name = format!("{}卫生院那桑分院", TOWNSHIPS[DINGYE].name);
                    self.facility(name, "乡镇卫生院分院", seat, 0);
                }
                _ => {
                    let name = format!("{}卫生院", TOWNSHIPS[k].name);
                    self.facility(name, "乡镇卫生院", seat, 0);
                }
            }
        }
        let second = &self.units[m.v_second_center];
        let (name, cell) = (
            format!("{}{}卫生院", TOWNSHIPS[BAIHE].name, base_name(&second.name)),
            second.centre_cell,
        );
        self.facility(name, "乡镇卫生院", cell, 4);
        let branch = &self.units[m.v_branch];
        let (name, cell) = (
            format!(
                "{}卫生院{}分院",
                TOWNSHIPS[GAOFENG].name,
                base_name(&branch.name)
            ),
            branch.centre_cell,
        );
        self.facility(name, "乡镇卫生院分院", cell, 4);
    }

    /// A clinic in every village, or for the case villages a medical service point, a fixed
    /// mobile station, a mobile medical station or nothing; and a second clinic in one village.
    fn place_village_clinics(&mut self, m: &Marks) {
        let seat_without_clinic = [DELONG, XINXU].map(|k| self.units[m.townships[k]].children[0]);
        for &t in &m.townships {
            for v in self.units[t].children.clone() {
                let unit = &self.units[v];
                let (name, cell) = (unit.name.clone(), unit.centre_cell);
                if v == m.v_relocated {
                    self.facility(format!("{name}医疗服务点"), "医疗服务点", cell, 3);
                } else if v == m.v_reservoir {
                    self.facility(format!("{name}固定巡诊点"), "固定巡诊点", cell, 3);
                } else if v == m.v_mobile {
                    self.facility(format!("{name}流动医疗站"), "流动医疗站", cell, 3);
                } else if ![m.v_remote, m.v_small, m.v_large].contains(&v)
                    && !seat_without_clinic.contains(&v)
                {
                    self.facility(format!("{name}卫生室"), "村卫生室", cell, 3);
                }
            }
        }
        let dup = self
            .settlements
            .iter()
            .find(|s| {
                self.leaf[s.cell] == Some(m.v_duplicate) && s.at != self.centre(m.v_duplicate)
            })
            .map(|s| (s.name.clone(), s.at, s.cell))
            .expect("the village with two clinics has a second settlement");
        self.facilities.push(FacilityPt {
            name: format!("{}{}卫生室", self.units[m.v_duplicate].name, dup.0),
            kind: "村卫生室",
            at: dup.1 + p(0.03, 0.02),
            cell: dup.2,
            extra: Vec::new(),
        });
    }

    /// Old people's homes: beside five centers, one a kilometre from 德隆镇's, and the county
    /// welfare home in 双江街道.
    fn place_old_peoples_homes(&mut self, m: &Marks) {
        for (k, name) in [
            (PINGMENG, "平孟镇敬老院"),
            (DINGYE, "定业镇敬老院"),
            (GAOFENG, "高峰镇敬老院"),
            (DONGXING, "东兴镇敬老院"),
        ] {
            let seat = self.units[m.townships[k]].centre_cell;
            self.facility(name.into(), "养老机构", seat, 6);
        }
        let xc_office = self.units[m.subdistricts[XINCHENG]].centre_cell;
        self.facility("新城街道养老服务中心".into(), "养老机构", xc_office, 6);
        let delong_seat = self.units[m.townships[DELONG]].centre_cell;
        let county_cells = self.units[m.county].cells.clone();
        let away = county_cells
            .iter()
            .copied()
            .find(|&c| {
                let d = self.lat.centre(c).dist(self.lat.centre(delong_seat));
                (0.9..1.4).contains(&d)
            })
            .expect("cells a kilometre from the seat");
        self.facility("德隆镇敬老院".into(), "养老机构", away, 0);
        let sj = m.subdistricts[SHUANGJIANG];
        let sj_far = *self.units[sj].children.last().expect("communities");
        let cell = self.units[sj_far].centre_cell;
        self.facility("青岚县社会福利院".into(), "养老机构", cell, 5);
    }

    /// Not medical service points: private clinics, a private hospital, pharmacies, a dentist.
    fn place_other_facilities(&mut self, m: &Marks) {
        let [cz, xc] = [CHENGZHONG, XINCHENG].map(|k| m.subdistricts[k]);
        let cz_child = |i: usize| self.units[self.units[cz].children[i]].centre_cell;
        let (cz1, cz2) = (cz_child(1), cz_child(2));
        let xc1 = self.units[self.units[xc].children[1]].centre_cell;
        let seat_of = |k: usize| self.units[m.townships[k]].centre_cell;
        let (pm, dl, bh) = (seat_of(PINGMENG), seat_of(DELONG), seat_of(BAIHE));
        let others: [(&str, &str, usize, usize, Option<&str>); 10] = [
            ("张氏诊所", "诊所", cz1, 5, Some("民营")),
            ("仁和门诊部", "门诊部", xc1, 5, Some("民营")),
            ("德隆镇李氏诊所", "诊所", dl, 5, Some("民营")),
            ("百合镇韦氏诊所", "诊所", bh, 5, Some("民营")),
            ("青岚仁爱医院", "民营医院", xc1, 7, Some("民营")),
            ("康民大药房", "药店", m.c_cell, 7, None),
            ("益寿堂药店", "药店", cz2, 7, None),
            ("平孟镇惠民药店", "药店", pm, 7, None),
            ("德隆镇百姓大药房", "药店", dl, 7, None),
            ("青岚美齿口腔诊所", "口腔诊所", cz2, 5, Some("民营")),
        ];
        for (name, kind, cell, slot, ownership) in others {
            let f = self.facility(name.into(), kind, cell, slot);
            if let Some(o) = ownership {
                f.extra.push(("所有制", json!(o)));
            }
            if kind == "民营医院" {
                f.extra.insert(0, ("等级", json!("一级")));
            }
        }
    }
}
