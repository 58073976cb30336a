//! The county under construction: the [`Builder`] that every step adds to, and the units,
//! settlements, facilities and roads it holds.

use super::lattice::Lattice;
use super::names::{base_name, Namer};
use super::plan::{Flags, Level, TOWNSHIPS};
use super::plane::{p, polyline_distance, P};
use serde_json::Value;

/// One admin unit.
pub(super) struct Unit {
    pub(super) name: String,
    pub(super) code: String,
    pub(super) level: Level,
    pub(super) parent: Option<usize>,
    pub(super) children: Vec<usize>,
    pub(super) cells: Vec<usize>,
    /// The seat, office or village committee: a node of the road network, a cell's centre.
    pub(super) centre_cell: usize,
    pub(super) flags: Flags,
    pub(super) county_town: bool,
    pub(super) merged_into: Option<String>,
    pub(super) population: u64,
}

impl Unit {
    pub(super) fn mean(&self, lat: &Lattice) -> P {
        self.cells
            .iter()
            .fold(p(0.0, 0.0), |a, &c| a + lat.centre(c))
            * (1.0 / self.cells.len() as f64)
    }
}

pub(super) struct SettlementPt {
    pub(super) name: String,
    pub(super) population: u64,
    pub(super) at: P,
    pub(super) cell: usize,
    /// Far from every road, on purpose.
    pub(super) remote: bool,
}

pub(super) struct FacilityPt {
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) at: P,
    pub(super) cell: usize,
    pub(super) extra: Vec<(&'static str, Value)>,
}

/// A road: one LineString feature.
pub(super) struct RoadLine {
    pub(super) class: &'static str,
    pub(super) name: Option<String>,
    pub(super) oneway: Option<&'static str>,
    pub(super) maxspeed: Option<&'static str>,
    pub(super) pts: Vec<P>,
    /// False for the expressway and its ramps, which cross other roads on bridges.
    pub(super) at_grade: bool,
}

/// The places that carry the designed cases, as unit, settlement and facility indices.
#[derive(Default)]
pub(super) struct Marks {
    pub(super) county: usize,
    pub(super) townships: Vec<usize>,
    pub(super) subdistricts: Vec<usize>,
    pub(super) c_cell: usize,
    /// Mountain border village with no clinic and no service point; has the remote hamlets.
    pub(super) v_remote: usize,
    /// Small village without a clinic and the neighbour whose clinic it shares.
    pub(super) v_small: usize,
    pub(super) v_neighbour: usize,
    /// Large ordinary village without a clinic.
    pub(super) v_large: usize,
    /// Relocated village served by a medical service point.
    pub(super) v_relocated: usize,
    /// Reservoir village served by a fixed mobile station.
    pub(super) v_reservoir: usize,
    /// Mountain village served by a mobile medical station.
    pub(super) v_mobile: usize,
    /// Village with two clinics.
    pub(super) v_duplicate: usize,
    /// 百合镇's village with its second township health center.
    pub(super) v_second_center: usize,
    /// 高峰镇's village with the branch.
    pub(super) v_branch: usize,
    /// 城中街道's community beyond 15 minutes on foot from its center.
    pub(super) c_far: usize,
    pub(super) remote_hamlets: Vec<usize>,
}

/// The county under construction. Every step of [`super::generate`] is an `impl Builder` block
/// in its own file and adds to it.
pub(super) struct Builder {
    pub(super) seed: u64,
    pub(super) lat: Lattice,
    pub(super) in_county: Vec<bool>,
    pub(super) units: Vec<Unit>,
    /// The village or community of every cell.
    pub(super) leaf: Vec<Option<usize>>,
    pub(super) settlements: Vec<SettlementPt>,
    pub(super) facilities: Vec<FacilityPt>,
    pub(super) roads: Vec<RoadLine>,
    pub(super) names: Namer,
    /// The expressway's line, laid before the settlements so that they keep clear of it.
    pub(super) motorway: Vec<P>,
    pub(super) marks: Marks,
}

impl Builder {
    pub(super) fn new(seed: u64) -> Builder {
        Builder {
            seed,
            lat: Lattice::new(seed),
            in_county: Vec::new(),
            units: Vec::new(),
            leaf: Vec::new(),
            settlements: Vec::new(),
            facilities: Vec::new(),
            roads: Vec::new(),
            names: Namer::new(seed, TOWNSHIPS.iter().map(|t| base_name(t.name))),
            motorway: Vec::new(),
            marks: Marks::default(),
        }
    }

    pub(super) fn add_unit(&mut self, unit: Unit) -> usize {
        let id = self.units.len();
        if let Some(parent) = unit.parent {
            self.units[parent].children.push(id);
        }
        self.units.push(unit);
        id
    }

    /// The villages of township `township` (an index of `TOWNSHIPS`), its seat's first.
    pub(super) fn villages_of(&self, township: usize) -> Vec<usize> {
        self.units[self.marks.townships[township]].children.clone()
    }

    /// Whether a cell lies within 0.6 km of the expressway.
    pub(super) fn near_motorway(&self, c: usize) -> bool {
        !self.motorway.is_empty() && polyline_distance(self.lat.centre(c), &self.motorway) < 0.6
    }

    /// Where unit `u`'s seat, office or committee stands.
    pub(super) fn centre(&self, u: usize) -> P {
        self.lat.centre(self.units[u].centre_cell)
    }
}
