//! After a road edit: the routing graph's nodes before matched with its nodes now, and the
//! nodes around what changed, from which the search is updated
//! ([`super::search::nearest_update`]).
//!
//! The network lists its segments road by road. The roads alike at the start of both lists
//! and at their end (all but the ones edited) give the same segments in the same order, so
//! segment `k` before is a segment now, between the nodes at the same places; their node
//! numbers may differ (the numbering follows a curve over the area, which a road edit may
//! change). Nodes inside a segment (where settlements join) match when their segment matches
//! and they stand at the same positions along it.

use super::attach::{Split, Splits};
use crate::engine::network::{NodeId, Segment};

/// A node before that is not in the graph now.
pub(super) const GONE: NodeId = NodeId::MAX;

/// One side of a road edit: the network's segments, the graph's nodes inside segments, the
/// number of graph nodes and of roads.
pub(super) struct Side<'a> {
    pub segments: &'a [Segment],
    pub splits: &'a Splits,
    pub nodes: usize,
    pub roads: usize,
}

impl Side<'_> {
    /// The segments of the roads before `head` end at the first index returned; those of the
    /// last `tail` roads start at the second.
    fn alike(&self, head: usize, tail: usize) -> (usize, usize) {
        let before = |r: usize| self.segments.partition_point(|s| (s.road as usize) < r);
        (before(head), before(self.roads - tail))
    }

    /// The nodes inside segments, segment by segment: `(segment, its splits)`.
    fn split_groups(&self) -> impl Iterator<Item = (usize, &[Split])> + '_ {
        self.splits
            .all()
            .chunk_by(|a, b| a.segment == b.segment)
            .map(|g| (g[0].segment as usize, g))
    }
}

/// The graph's nodes before, matched with its nodes now.
pub(super) struct Renumbered {
    /// Per node before, its number now, or [`GONE`].
    pub now: Vec<NodeId>,
    /// The nodes now whose arcs changed (both ends of every arc that changed are among them),
    /// and the nodes new to the graph, with repeats.
    pub changed: Vec<NodeId>,
}

/// Matches the graph's nodes `before` with its nodes `now`, the roads alike being the first
/// `head` and the last `tail` of both lists; `None` when their segments do not match (which a
/// road list alike at both ends always gives).
pub(super) fn renumber(before: &Side, now: &Side, head: usize, tail: usize) -> Option<Renumbered> {
    let (b_head, b_tail) = before.alike(head, tail);
    let (n_head, n_tail) = now.alike(head, tail);
    if b_head != n_head || before.segments.len() - b_tail != now.segments.len() - n_tail {
        return None;
    }
    // Segment k before, as a segment now (if its road is alike).
    let matched = |k: usize| match k {
        k if k < b_head => Some(k),
        k if k >= b_tail => Some(k - b_tail + n_tail),
        _ => None,
    };
    let mut map = vec![GONE; before.nodes];
    let mut changed = Vec::new();
    for k in (0..b_head).chain(b_tail..before.segments.len()) {
        let (x, y) = (before.segments[k], now.segments[matched(k)?]);
        map[x.a as usize] = y.a;
        map[x.b as usize] = y.b;
    }
    // Every node of the segments edited, and of alike ones whose inner nodes differ.
    let touch = |s: &Segment, splits: &[Split], changed: &mut Vec<NodeId>| {
        changed.extend([s.a, s.b]);
        changed.extend(splits.iter().map(|x| x.node));
    };
    for s in &now.segments[n_head..n_tail] {
        touch(s, &[], &mut changed);
    }
    let mut new_groups = now.split_groups().peekable();
    for (k, xs) in before.split_groups() {
        let Some(j) = matched(k) else { continue };
        while let Some((l, ys)) = new_groups.next_if(|&(l, _)| l < j) {
            touch(&now.segments[l], ys, &mut changed);
        }
        match new_groups.next_if(|&(l, _)| l == j) {
            Some((_, ys)) if xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| x.t == y.t) => {
                xs.iter()
                    .zip(ys)
                    .for_each(|(x, y)| map[x.node as usize] = y.node);
            }
            ys => touch(
                &now.segments[j],
                ys.map_or(&[][..], |(_, ys)| ys),
                &mut changed,
            ),
        }
    }
    for (l, ys) in new_groups {
        touch(&now.segments[l], ys, &mut changed);
    }
    for s in &before.segments[b_head..b_tail] {
        changed.extend(
            [map[s.a as usize], map[s.b as usize]]
                .into_iter()
                .filter(|&v| v != GONE),
        );
    }
    let mut image = vec![false; now.nodes];
    map.iter()
        .filter(|&&v| v != GONE)
        .for_each(|&v| image[v as usize] = true);
    changed.extend((0..now.nodes as NodeId).filter(|&v| !image[v as usize]));
    Some(Renumbered { now: map, changed })
}
