//! The directed routing graph, contracted: chains of road vertices between junctions are
//! crossed in one step of the search.

/// Node index in a [`RoadNetwork`](super::RoadNetwork) or [`RoutingGraph`].
pub type NodeId = u32;

/// Marks a [`RoutingGraph`] place that is a chain-interior slot rather than a core index.
const INTERIOR: u32 = 1 << 31;
/// No arc in this direction of a chain.
const NO_ARC: u32 = u32::MAX;

/// A chain of the routing graph: the interior nodes between two core nodes `a` and `b` (equal
/// for a loop), each interior node joined only to its two neighbours along the chain, in the
/// same direction(s) all along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chain {
    /// Core index of the end before the first interior node.
    pub(crate) a: u32,
    /// Core index of the end after the last interior node.
    pub(crate) b: u32,
    /// First interior slot (into `RoutingGraph::interior`), interior nodes in order from `a`.
    pub(crate) start: u32,
    /// Number of interior nodes (at least 1).
    pub(crate) len: u32,
    /// Start in `RoutingGraph::weights` of the search from `a` to `b` (`len + 1` weights, in
    /// search order), or [`NO_ARC`] when the chain cannot be searched that way.
    pub(crate) ab: u32,
    /// Start in `RoutingGraph::weights` of the search from `b` to `a`, or [`NO_ARC`].
    pub(crate) ba: u32,
}

/// Where a node sits in a [`RoutingGraph`].
pub(crate) enum Place {
    /// A core node, by core index.
    Core(u32),
    /// An inner node of a chain, at `pos` from the chain's `a` end.
    Interior {
        /// The chain.
        chain: u32,
        /// Position, 0 next to `a`.
        pos: u32,
    },
}

/// A directed graph for the nearest-facility search, which runs from the facilities backwards
/// along the road arcs, so one pass gives every node its time *to* its nearest facility.
///
/// Built contracted: a node joined to exactly two other nodes, with arcs in the same
/// direction(s) on both sides (the inner vertices of a road between two junctions), is a
/// *chain-interior* node; the other nodes are *core* nodes. The search runs over the core
/// nodes only, crossing a whole chain in one step, then fills in the chain interiors. A chain
/// step adds the chain's arc times one by one in path order, exactly as a search over every
/// node would, so the contraction changes no result, not even in the last bit.
#[derive(Clone, Debug)]
pub struct RoutingGraph {
    /// Number of original arcs.
    arc_count: usize,
    /// Per node: its core index, or [`INTERIOR`] | its interior slot.
    pub(crate) place: Vec<u32>,
    /// Per core index: the node.
    pub(crate) core_nodes: Vec<NodeId>,
    /// Per core index (and one more): the first of its search arcs.
    pub(crate) first: Vec<u32>,
    /// Per search arc (and one more): `(target core index, first weight)`; the arc's weights,
    /// in search order, run up to the next arc's first weight.
    pub(crate) arcs: Vec<(u32, u32)>,
    /// Per search arc: the chain it crosses, or [`NO_ARC`] for a single arc.
    arc_chain: Vec<u32>,
    /// Arc times in minutes, grouped by search arc.
    pub(crate) weights: Vec<f64>,
    /// The chains, by first interior slot.
    pub(crate) chains: Vec<Chain>,
    /// Chain-interior nodes, chain by chain.
    pub(crate) interior: Vec<NodeId>,
}

impl RoutingGraph {
    /// Builds the graph from `(from, to, minutes)` arcs.
    pub fn from_arcs(node_count: usize, arcs: &[(NodeId, NodeId, f64)]) -> RoutingGraph {
        RoutingGraph::from_arc_source(node_count, |emit| {
            for &(from, to, m) in arcs {
                emit(from, to, m);
            }
        })
    }

    /// Builds the graph from the `(from, to, minutes)` arcs that `arcs` passes to its argument;
    /// it is called twice and must pass the same arcs in the same order each time. This spares
    /// holding every arc in a list of its own while the graph is built.
    pub fn from_arc_source(
        node_count: usize,
        arcs: impl Fn(&mut dyn FnMut(NodeId, NodeId, f64)),
    ) -> RoutingGraph {
        assert!(node_count < INTERIOR as usize, "routing graph too large");
        let mut by_head = ArcsByHead::collect(node_count, &arcs);
        let (place, core_nodes) = by_head.core_nodes();
        let mut g = RoutingGraph {
            arc_count: by_head.tails.len(),
            place,
            first: Vec::with_capacity(core_nodes.len() + 1),
            core_nodes,
            arcs: Vec::new(),
            arc_chain: Vec::new(),
            weights: Vec::with_capacity(by_head.tails.len()),
            chains: Vec::new(),
            interior: Vec::new(),
        };
        // Search arcs of every core node in core order; then the loops made only of
        // interior-like nodes, each opened at its lowest node, which becomes a core node.
        let mut c = 0;
        let mut next_unplaced = 0;
        loop {
            if c == g.core_nodes.len() {
                while next_unplaced < node_count && g.place[next_unplaced] != NO_ARC {
                    next_unplaced += 1;
                }
                if next_unplaced == node_count {
                    break;
                }
                g.place[next_unplaced] = c as u32;
                g.core_nodes.push(next_unplaced as NodeId);
            }
            g.first.push(g.arcs.len() as u32);
            let v = g.core_nodes[c] as usize;
            for k in by_head.entering(v) {
                g.push_search_arc(&by_head, c, v, k);
            }
            c += 1;
        }
        g.first.push(g.arcs.len() as u32);
        g.arcs.push((NO_ARC, g.weights.len() as u32));
        debug_assert_eq!(g.weights.len(), g.arc_count);
        g.shrink();
        g
    }

    /// Adds the search arc of core node `c` (node `v`) that is arc `k` entering it: straight
    /// to a core tail, or along a chain of interior nodes (placing them when the chain is new)
    /// to the core node at its other end.
    fn push_search_arc(&mut self, by_head: &ArcsByHead, c: usize, v: usize, k: usize) {
        let start = self.weights.len() as u32;
        self.weights.push(by_head.minutes[k]);
        let t = by_head.tails[k];
        let place = self.place[t as usize];
        if place != NO_ARC && place & INTERIOR == 0 {
            self.arcs.push((place, start));
            self.arc_chain.push(NO_ARC);
            return;
        }
        // Along a chain: from each interior node, on to the neighbour we did not come
        // from, until a core node.
        let new_chain = place == NO_ARC;
        let chain_start = self.interior.len() as u32;
        let (mut prev, mut cur) = (v as NodeId, t);
        let end = loop {
            let p = self.place[cur as usize];
            if p != NO_ARC && p & INTERIOR == 0 {
                break p;
            }
            if new_chain {
                self.place[cur as usize] = INTERIOR | self.interior.len() as u32;
                self.interior.push(cur);
            }
            let r = by_head.entering(cur as usize);
            let k = if by_head.tails[r.start] != prev {
                r.start
            } else {
                r.start + 1
            };
            self.weights.push(by_head.minutes[k]);
            (prev, cur) = (cur, by_head.tails[k]);
        };
        let chain = if new_chain {
            self.chains.push(Chain {
                a: c as u32,
                b: end,
                start: chain_start,
                len: self.interior.len() as u32 - chain_start,
                ab: start,
                ba: NO_ARC,
            });
            self.chains.len() - 1
        } else {
            // The way back along a chain met earlier from its other end.
            let j = self.chain_of(place & !INTERIOR);
            let ch = &mut self.chains[j];
            debug_assert!(ch.b == c as u32 && ch.a == end && ch.ba == NO_ARC);
            debug_assert_eq!(place & !INTERIOR, ch.start + ch.len - 1);
            ch.ba = start;
            j
        };
        self.arcs.push((end, start));
        self.arc_chain.push(chain as u32);
    }

    fn shrink(&mut self) {
        self.core_nodes.shrink_to_fit();
        self.arcs.shrink_to_fit();
        self.arc_chain.shrink_to_fit();
        self.chains.shrink_to_fit();
        self.interior.shrink_to_fit();
    }

    /// Where `node` sits: its core index, or its chain and position.
    pub(crate) fn locate(&self, node: NodeId) -> Place {
        let place = self.place[node as usize];
        if place & INTERIOR == 0 {
            Place::Core(place)
        } else {
            let slot = place & !INTERIOR;
            let chain = self.chain_of(slot);
            Place::Interior {
                chain: chain as u32,
                pos: slot - self.chains[chain].start,
            }
        }
    }

    /// The chain search arc `k` crosses, `None` for a single arc.
    pub(crate) fn arc_chain(&self, k: usize) -> Option<u32> {
        Some(self.arc_chain[k]).filter(|&j| j != NO_ARC)
    }

    /// The chain holding interior slot `slot`.
    pub(crate) fn chain_of(&self, slot: u32) -> usize {
        self.chains.partition_point(|ch| ch.start <= slot) - 1
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.place.len()
    }

    /// Number of directed arcs.
    pub fn arc_count(&self) -> usize {
        self.arc_count
    }

    /// Number of core nodes, over which the search runs (the others are inner nodes of chains).
    pub fn core_node_count(&self) -> usize {
        self.core_nodes.len()
    }

    /// Calls `f(tail, head, minutes)` once for every arc, in no particular order, without
    /// looking up any node's place (for passes over the whole graph).
    pub fn for_each_arc(&self, mut f: impl FnMut(NodeId, NodeId, f64)) {
        for (c, &head) in self.core_nodes.iter().enumerate() {
            for k in self.first[c] as usize..self.first[c + 1] as usize {
                let (target, w) = self.arcs[k];
                let w = w as usize;
                match self.arc_chain[k] {
                    NO_ARC => f(self.core_nodes[target as usize], head, self.weights[w]),
                    j => {
                        // Search order from `head` along the chain: the arc entering `head`
                        // first, then each interior node's from the next one, to the far end.
                        let ch = self.chains[j as usize];
                        let inner = &self.interior[ch.start as usize..(ch.start + ch.len) as usize];
                        let from_a = ch.ab as usize == w;
                        let at = |i: usize| {
                            if from_a {
                                inner[i]
                            } else {
                                inner[inner.len() - 1 - i]
                            }
                        };
                        let mut h = head;
                        for i in 0..inner.len() {
                            let t = at(i);
                            f(t, h, self.weights[w + i]);
                            h = t;
                        }
                        let far = self.core_nodes[target as usize];
                        f(far, h, self.weights[w + inner.len()]);
                    }
                }
            }
        }
    }

    /// The arcs entering `node`: `(tail, minutes)`.
    pub fn incoming(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        let mut out = Vec::new();
        self.for_each_incoming(node, |tail, w| out.push((tail, w)));
        out.into_iter()
    }

    /// Calls `f(tail, minutes)` for each arc entering `node`, in [`RoutingGraph::incoming`]'s
    /// order, without gathering them first (for searches that visit many nodes).
    pub fn for_each_incoming(&self, node: NodeId, mut f: impl FnMut(NodeId, f64)) {
        let place = self.place[node as usize];
        if place & INTERIOR == 0 {
            let c = place as usize;
            for k in self.first[c] as usize..self.first[c + 1] as usize {
                let (target, w) = self.arcs[k];
                let tail = match self.arc_chain[k] {
                    NO_ARC => self.core_nodes[target as usize],
                    j => {
                        let ch = self.chains[j as usize];
                        if ch.ab == w {
                            self.interior[ch.start as usize]
                        } else {
                            self.interior[(ch.start + ch.len - 1) as usize]
                        }
                    }
                };
                f(tail, self.weights[w as usize]);
            }
        } else {
            let slot = place & !INTERIOR;
            let ch = self.chains[self.chain_of(slot)];
            let i = slot - ch.start;
            let node_at = |pos: i64| {
                if pos < 0 {
                    self.core_nodes[ch.a as usize]
                } else if pos >= ch.len as i64 {
                    self.core_nodes[ch.b as usize]
                } else {
                    self.interior[(ch.start as i64 + pos) as usize]
                }
            };
            if ch.ab != NO_ARC {
                f(
                    node_at(i as i64 + 1),
                    self.weights[(ch.ab + i + 1) as usize],
                );
            }
            if ch.ba != NO_ARC {
                let w = self.weights[(ch.ba + ch.len - i) as usize];
                f(node_at(i as i64 - 1), w);
            }
        }
    }
}

/// The arcs of an arc source grouped by head (for each node, the arcs that enter it: its
/// search arcs), with what chain contraction needs to know of the arcs leaving each node.
struct ArcsByHead {
    /// Node `v`'s entering arcs are `offsets[v]..offsets[v + 1]`.
    offsets: Vec<u32>,
    /// Tail of each arc.
    tails: Vec<NodeId>,
    /// Minutes of each arc.
    minutes: Vec<f64>,
    /// Per node: how many arcs leave it (saturating at 3).
    out_degree: Vec<u8>,
    /// Per node: the heads of the first two arcs leaving it.
    out_heads: Vec<[NodeId; 2]>,
}

impl ArcsByHead {
    /// Two passes over `arcs`: count per head, then fill.
    fn collect(node_count: usize, arcs: &impl Fn(&mut dyn FnMut(NodeId, NodeId, f64))) -> Self {
        let mut offsets = vec![0u32; node_count + 1];
        let mut arc_count = 0usize;
        arcs(&mut |_, to, _| {
            offsets[to as usize + 1] += 1;
            arc_count += 1;
        });
        assert!(arc_count < NO_ARC as usize, "routing graph too large");
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut tails = vec![0; arc_count];
        let mut minutes = vec![0.0; arc_count];
        let mut out_degree = vec![0u8; node_count];
        let mut out_heads = vec![[NodeId::MAX; 2]; node_count];
        arcs(&mut |from, to, m| {
            let k = fill[to as usize] as usize;
            tails[k] = from;
            minutes[k] = m;
            fill[to as usize] += 1;
            let d = &mut out_degree[from as usize];
            if *d < 2 {
                out_heads[from as usize][*d as usize] = to;
            }
            *d = (*d + 1).min(3);
        });
        ArcsByHead {
            offsets,
            tails,
            minutes,
            out_degree,
            out_heads,
        }
    }

    /// The arcs entering `v`.
    fn entering(&self, v: usize) -> std::ops::Range<usize> {
        self.offsets[v] as usize..self.offsets[v + 1] as usize
    }

    /// A chain-interior node: one arc in from one neighbour and one out to another, or arcs
    /// both ways with exactly two distinct neighbours.
    fn is_interior(&self, v: usize) -> bool {
        let r = self.entering(v);
        match (r.len(), self.out_degree[v]) {
            (1, 1) => self.tails[r.start] != self.out_heads[v][0],
            (2, 2) => {
                let (p, s) = (self.tails[r.start], self.tails[r.start + 1]);
                let [h0, h1] = self.out_heads[v];
                p != s && ((h0 == p && h1 == s) || (h0 == s && h1 == p))
            }
            _ => false,
        }
    }

    /// The core nodes (all but chain interiors), in node order, and each node's place: its
    /// core index, or [`NO_ARC`] until placed. Frees what only this needed.
    fn core_nodes(&mut self) -> (Vec<u32>, Vec<NodeId>) {
        let node_count = self.out_degree.len();
        let mut place = vec![NO_ARC; node_count];
        let mut core_nodes = Vec::new();
        for (v, p) in place.iter_mut().enumerate() {
            if !self.is_interior(v) {
                *p = core_nodes.len() as u32;
                core_nodes.push(v as NodeId);
            }
        }
        self.out_heads = Vec::new();
        self.out_degree = Vec::new();
        (place, core_nodes)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The arcs of `g` as `(from, to, minutes)`, sorted.
    fn arcs_of(g: &RoutingGraph) -> Vec<(NodeId, NodeId, u64)> {
        let mut v: Vec<_> = (0..g.node_count() as NodeId)
            .flat_map(|h| g.incoming(h).map(move |(t, w)| (t, h, w.to_bits())))
            .collect();
        v.sort();
        v
    }

    /// The graph of `arcs`, checked to give them all back, by node and in one pass.
    pub(crate) fn round_trip(n: usize, arcs: &[(NodeId, NodeId, f64)]) -> RoutingGraph {
        let g = RoutingGraph::from_arcs(n, arcs);
        let mut want: Vec<_> = arcs.iter().map(|&(a, b, w)| (a, b, w.to_bits())).collect();
        want.sort();
        assert_eq!(arcs_of(&g), want);
        let mut every = Vec::new();
        g.for_each_arc(|t, h, w| every.push((t, h, w.to_bits())));
        every.sort();
        assert_eq!(every, want, "each arc once");
        assert_eq!(g.arc_count(), arcs.len());
        g
    }

    #[test]
    fn chains_contract_and_keep_every_arc() {
        // 0 = 1 = 2 = 3 two-way, 3 -> 4 -> 5 one-way, 5 - 6 and 5 - 7 two-way dead ends.
        let mut arcs = vec![];
        for (a, b) in [(0, 1), (1, 2), (2, 3), (5, 6), (5, 7)] {
            arcs.push((a, b, 1.0 + a as f64));
            arcs.push((b, a, 2.0 + b as f64));
        }
        arcs.extend([(3, 4, 0.5), (4, 5, 0.25)]);
        let g = round_trip(8, &arcs);
        // Interior: 1, 2 (two-way) and 4 (one-way).
        assert_eq!(g.core_node_count(), 5);
        assert_eq!(g.chains.len(), 2);
    }

    #[test]
    fn loops_of_interior_nodes_get_a_core_node() {
        // A two-way triangle and a one-way square, nothing else.
        let mut arcs = vec![];
        for (a, b) in [(0, 1), (1, 2), (2, 0)] {
            arcs.push((a, b, 1.0));
            arcs.push((b, a, 1.5));
        }
        arcs.extend([(3, 4, 1.0), (4, 5, 2.0), (5, 6, 3.0), (6, 3, 4.0)]);
        let g = round_trip(7, &arcs);
        assert_eq!(g.core_node_count(), 2);
        assert_eq!(g.core_nodes, vec![0, 3]);
    }

    #[test]
    fn parallel_arcs_and_mixed_directions_stay_core() {
        let arcs = [
            (0, 1, 1.0),
            (0, 1, 2.0),
            (1, 2, 1.0),
            (2, 3, 1.0),
            (3, 2, 1.0),
            (3, 4, 1.0),
        ];
        let g = round_trip(5, &arcs);
        // 1: two arcs in from the same node; 2: in from 1 and 3, out to 3 only; 3: in from 2,
        // out to 2 and 4.
        assert_eq!(g.core_node_count(), 5);
    }
}
