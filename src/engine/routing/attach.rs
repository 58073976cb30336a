//! Facilities (and planned sites) attached to the routing graph without being nodes of it.
//!
//! The routing graph has a node at every road vertex and wherever a settlement joins a road
//! inside a segment: it depends on the roads and the settlements only. A facility joins inside
//! a *stretch*, the piece of a segment between two consecutive nodes (or at a node). It is
//! reached from the stretch's ends (its *entries*, each with the minutes along the stretch to
//! the facility) and leads to them (its *exits*), and nobody travels through a facility's
//! join point. So adding, moving or deleting a facility leaves the graph as it is: the search
//! only starts, or stops starting, from that facility's entries
//! ([`super::search::nearest_origin_update`]).
//!
//! The times are the sums a graph with the facility as a node of its own forms (its off-road
//! minutes, then the stretch's minutes, then the arcs'), so a facility at a node gives exactly
//! the times it gave as a node. A facility's own time to the nearest origin is the best, over
//! its exits, of the exit's time plus the stretch, and over the origins on its own stretch,
//! the origin's minutes plus the stretch between them.

use super::search::Origin;
use crate::engine::crs::Xy;
use crate::engine::model::FacilityId;
use crate::engine::network::{NodeId, RoadNetwork, Snap};

/// Where a settlement joins the routing graph: at a node of it (added inside the segment
/// when the joining point falls inside one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Join {
    /// The node it joins at.
    pub node: NodeId,
    /// Length of the off-road leg, metres.
    pub offroad_m: f64,
    /// Minutes of the off-road leg.
    pub offroad_min: f64,
    /// Where on the network it joins (segment, position, point).
    pub snap: Snap,
}

/// A graph node inside a segment (where settlements join): its segment, position, node and
/// point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    /// The segment.
    pub segment: u32,
    /// Position along it, strictly between 0 and 1.
    pub t: f64,
    /// The node.
    pub node: NodeId,
    /// Where it stands, in metres.
    pub at: Xy,
}

/// The graph's nodes inside segments, by segment and position (one per position).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Splits(Vec<Split>);

/// Where on a segment a position falls: at a node, or inside the stretch between two.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stretch {
    /// At a node.
    At(NodeId),
    /// Strictly between two consecutive nodes of the segment.
    Between {
        /// The node before (towards the segment's `a`) and where it stands.
        prev: (NodeId, Xy),
        /// The node after and where it stands.
        next: (NodeId, Xy),
    },
}

impl Splits {
    /// The splits of the joins `joins` that fall inside their segment.
    pub fn of(joins: &[Join]) -> Splits {
        let mut v: Vec<Split> = joins
            .iter()
            .filter(|j| j.snap.t > 0.0 && j.snap.t < 1.0)
            .map(|j| Split {
                segment: j.snap.segment,
                t: j.snap.t,
                node: j.node,
                at: j.snap.at,
            })
            .collect();
        v.sort_by(|a, b| a.segment.cmp(&b.segment).then(a.t.total_cmp(&b.t)));
        v.dedup_by(|a, b| a.segment == b.segment && a.t == b.t);
        Splits(v)
    }

    /// Every split, by segment and position.
    pub fn all(&self) -> &[Split] {
        &self.0
    }

    /// The splits of `segment`, by position.
    pub fn on(&self, segment: u32) -> &[Split] {
        let first = self.0.partition_point(|s| s.segment < segment);
        let len = self.0[first..].partition_point(|s| s.segment == segment);
        &self.0[first..first + len]
    }

    /// Where position `t` of `segment` falls in `net`'s graph.
    pub fn stretch(&self, net: &RoadNetwork, segment: u32, t: f64) -> Stretch {
        let seg = net.segments[segment as usize];
        if t <= 0.0 {
            return Stretch::At(seg.a);
        }
        if t >= 1.0 {
            return Stretch::At(seg.b);
        }
        let on = self.on(segment);
        let k = on.partition_point(|s| s.t < t);
        if let Some(s) = on.get(k).filter(|s| s.t == t) {
            return Stretch::At(s.node);
        }
        let prev = match k.checked_sub(1) {
            Some(i) => (on[i].node, on[i].at),
            None => (seg.a, net.nodes[seg.a as usize]),
        };
        let next = match on.get(k) {
            Some(s) => (s.node, s.at),
            None => (seg.b, net.nodes[seg.b as usize]),
        };
        Stretch::Between { prev, next }
    }
}

/// Up to two graph nodes, each with minutes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ends {
    len: u8,
    items: [(NodeId, f64); 2],
}

impl Ends {
    fn one(node: NodeId, minutes: f64) -> Ends {
        Ends {
            len: 1,
            items: [(node, minutes), (0, 0.0)],
        }
    }

    fn from_options(a: Option<(NodeId, f64)>, b: Option<(NodeId, f64)>) -> Ends {
        let mut e = Ends {
            len: 0,
            items: [(0, 0.0); 2],
        };
        for x in [a, b].into_iter().flatten() {
            e.items[e.len as usize] = x;
            e.len += 1;
        }
        e
    }

    /// The nodes and their minutes.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        self.items[..self.len as usize].iter().copied()
    }
}

/// Where a facility (or a planned site) joins the routing graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attachment {
    /// Where it joins the network.
    pub snap: Snap,
    /// Length of the off-road leg, metres.
    pub offroad_m: f64,
    /// Minutes of the off-road leg.
    pub offroad_min: f64,
    /// The nodes it is reached from, each with the minutes from the node to its join point.
    pub entries: Ends,
    /// The nodes its join point leads to, each with the minutes to the node.
    pub exits: Ends,
    /// The stretch it joins inside, `(segment, node before)`; `None` at a node.
    pub stretch: Option<(u32, NodeId)>,
}

impl Attachment {
    /// The attachment of a point joining `net` at `snap`, over the graph whose inner nodes
    /// are `splits`, with the off-road leg at `offroad_m_per_min`.
    pub fn new(net: &RoadNetwork, splits: &Splits, snap: Snap, offroad_m_per_min: f64) -> Self {
        let offroad_min = snap.offroad_m / offroad_m_per_min;
        let seg = net.segments[snap.segment as usize];
        let (entries, exits, stretch) = match splits.stretch(net, snap.segment, snap.t) {
            Stretch::At(node) => (Ends::one(node, 0.0), Ends::one(node, 0.0), None),
            Stretch::Between {
                prev: (p, p_at),
                next: (n, n_at),
            } => {
                // The lengths as the graph measures its stretches: from the earlier point.
                let (before, after) = (p_at.distance_m(snap.at), snap.at.distance_m(n_at));
                let (forward, backward) = net.speeds(&seg);
                let entries = Ends::from_options(
                    forward.map(|v| (p, before / v)),
                    backward.map(|v| (n, after / v)),
                );
                let exits = Ends::from_options(
                    forward.map(|v| (n, after / v)),
                    backward.map(|v| (p, before / v)),
                );
                (entries, exits, Some((snap.segment, p)))
            }
        };
        Attachment {
            snap,
            offroad_m: snap.offroad_m,
            offroad_min,
            entries,
            exits,
            stretch,
        }
    }

    /// The search origins of this attachment, labelled `label`: each entry with the off-road
    /// minutes plus the stretch's.
    pub fn origins(&self, label: u32) -> impl Iterator<Item = Origin> + '_ {
        self.entries.iter().map(move |(node, m)| Origin {
            node,
            minutes: self.offroad_min + m,
            label,
        })
    }

    /// Minutes from this attachment's join point to `other`'s when both are inside the same
    /// stretch and the stretch may be travelled that way.
    pub fn beside(&self, other: &Attachment, net: &RoadNetwork) -> Option<f64> {
        if self.stretch.is_none() || self.stretch != other.stretch {
            return None;
        }
        let (forward, backward) = net.speeds(&net.segments[self.snap.segment as usize]);
        let v = if other.snap.t >= self.snap.t {
            forward
        } else {
            backward
        };
        v.or(if self.snap.t == other.snap.t {
            forward.or(backward)
        } else {
            None
        })
        .map(|v| self.snap.at.distance_m(other.snap.at) / v)
    }

    /// The least `(minutes, label)` from this join point to an origin, given every node's
    /// (`node(n)`, [`super::search::UNREACHED`] label when none) and the origins beside it on
    /// its stretch as `(origin minutes, label, minutes between)`; `None` when none is reached.
    pub fn nearest(
        &self,
        node: impl Fn(NodeId) -> (f64, u32),
        beside: impl Iterator<Item = (f64, u32, f64)>,
    ) -> Option<(f64, u32)> {
        let mut best: Option<(f64, u32)> = None;
        let mut offer = |m: f64, l: u32| {
            if best.is_none_or(|(bm, bl)| m < bm || (m == bm && l < bl)) {
                best = Some((m, l));
            }
        };
        for (n, w) in self.exits.iter() {
            let (m, l) = node(n);
            if l != super::search::UNREACHED {
                offer(m + w, l);
            }
        }
        for (seed, l, w) in beside {
            offer(seed + w, l);
        }
        best
    }
}

/// The search origins of the `targets` among `attachments` (labelled with their index).
pub fn origins(attachments: &[Attachment], targets: &[FacilityId]) -> Vec<Origin> {
    targets
        .iter()
        .flat_map(|&f| attachments[f.index()].origins(f.index() as u32))
        .collect()
}

/// [`Attachment::nearest`] for attachment `f` of `attachments`, with the origins beside it
/// among `beside` ([`beside_pairs`]) that `is_target`: the least `(minutes, label)` from its
/// join point (its off-road leg not included).
pub fn attached_nearest(
    attachments: &[Attachment],
    beside: &[(u32, u32, f64)],
    f: usize,
    is_target: impl Fn(usize) -> bool,
    node: impl Fn(NodeId) -> (f64, u32),
) -> Option<(f64, u32)> {
    let first = beside.partition_point(|&(i, _, _)| (i as usize) < f);
    let by = beside[first..]
        .iter()
        .take_while(|&&(i, _, _)| i as usize == f)
        .filter(|&&(_, j, _)| is_target(j as usize))
        .map(|&(_, j, w)| (attachments[j as usize].offroad_min, j, w));
    attachments[f].nearest(node, by)
}

/// Per attachment, the others inside the same stretch that it leads to directly, with the
/// minutes between: `(from, to, minutes)`, by `from`.
pub fn beside_pairs(attachments: &[Attachment], net: &RoadNetwork) -> Vec<(u32, u32, f64)> {
    let mut on_stretch: Vec<(u32, NodeId, u32)> = attachments
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.stretch.map(|(s, p)| (s, p, i as u32)))
        .collect();
    on_stretch.sort_unstable();
    let mut pairs = Vec::new();
    for group in on_stretch.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        for &(_, _, i) in group {
            for &(_, _, j) in group {
                if i != j {
                    let m = attachments[i as usize].beside(&attachments[j as usize], net);
                    if let Some(m) = m {
                        pairs.push((i, j, m));
                    }
                }
            }
        }
    }
    pairs.sort_by_key(|&(i, j, _)| (i, j));
    pairs
}
