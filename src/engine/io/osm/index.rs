//! The decoded elements looked up by id (node positions, way node lists, ways by id) and the
//! list of OSM elements that every feature's [`Source::feature`] indexes.

use super::pbf::{Raw, RawWay};
use super::{OsmRef, OsmType};
use crate::engine::crs::LonLat;
use crate::engine::model::Source;
use std::collections::HashMap;

/// The decoded elements, looked up by id, and the elements the features so far came from.
pub(super) struct Builder<'a> {
    pub(super) raw: &'a Raw,
    pub(super) file_id: u32,
    pub(super) elements: Vec<OsmRef>,
    pub(super) way_index: HashMap<i64, usize>,
}

impl Builder<'_> {
    pub(super) fn source(&mut self, kind: OsmType, id: i64) -> Source {
        self.elements.push(OsmRef { kind, id });
        Source {
            file: self.file_id,
            feature: (self.elements.len() - 1) as u32,
        }
    }

    pub(super) fn node_at(&self, id: i64) -> Option<LonLat> {
        self.raw
            .nodes
            .binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .map(|k| self.raw.nodes[k].1)
    }

    pub(super) fn refs(&self, way: &RawWay) -> &[i64] {
        &self.raw.refs[way.start..way.start + way.len]
    }

    /// A way's positions; `None` where a node is missing.
    pub(super) fn positions(&self, way: &RawWay) -> Vec<Option<LonLat>> {
        self.refs(way).iter().map(|&id| self.node_at(id)).collect()
    }

    /// A closed way's ring, when every node is present.
    pub(super) fn closed_ring(&self, way: &RawWay) -> Option<Vec<LonLat>> {
        let refs = self.refs(way);
        if refs.len() < 4 || refs.first() != refs.last() {
            return None;
        }
        self.positions(way).into_iter().collect()
    }
}
