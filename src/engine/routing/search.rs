//! The multi-source nearest-origin search (Dijkstra) over the contracted routing graph.

use super::queue::{pack, unpack, NodeMap};
use crate::engine::network::{Chain, NodeId, Place, RoutingGraph};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A start of the multi-source search: a node, the time already spent getting there, and the
/// label (facility index) it carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Origin {
    /// The node.
    pub node: NodeId,
    /// Minutes already spent (the facility's off-road leg).
    pub minutes: f64,
    /// The facility index reported for nodes it reaches first.
    pub label: u32,
}

/// Label of a node no origin reaches.
pub const UNREACHED: u32 = u32::MAX;

/// Multi-source Dijkstra backwards along `graph`'s arcs: for every node, the least time to
/// reach any origin and that origin's label (lowest label among equal times). Unreached nodes
/// get `f64::INFINITY` and [`UNREACHED`].
///
/// # Examples
/// ```
/// use medreach::engine::network::RoutingGraph;
/// use medreach::engine::routing::{nearest_origin, Origin};
/// // 0 -> 1 -> 2, one minute each; the facility is at node 2.
/// let g = RoutingGraph::from_arcs(3, &[(0, 1, 1.0), (1, 2, 1.0)]);
/// let (minutes, labels) = nearest_origin(&g, &[Origin { node: 2, minutes: 0.5, label: 7 }]);
/// assert_eq!(minutes, vec![2.5, 1.5, 0.5]);
/// assert_eq!(labels, vec![7, 7, 7]);
/// ```
pub fn nearest_origin(graph: &RoutingGraph, origins: &[Origin]) -> (Vec<f64>, Vec<u32>) {
    nearest_origin_progress(graph, origins, &mut |_, _| {})
}

/// How often [`nearest_origin_progress`] reports: every this many settled nodes.
pub const PROGRESS_EVERY: usize = 1 << 16;

/// A search node's best time so far and its label.
#[derive(Clone, Copy)]
struct Best {
    minutes: f64,
    label: u32,
    /// Some of the node's arcs cross a chain with an origin inside: they end at that origin
    /// (see [`Stops`]).
    special: bool,
}

impl Best {
    const NONE: Best = Best {
        minutes: f64::INFINITY,
        label: UNREACHED,
        special: false,
    };

    /// Whether `(minutes, label)` beats this: less time, or as much with a lower label.
    #[inline]
    fn beaten_by(self, minutes: f64, label: u32) -> bool {
        minutes < self.minutes || (minutes == self.minutes && label < self.label)
    }
}

/// The origins inside chains, each position holding one becoming a node of the search for
/// this query, numbered after the core nodes: the search then runs exactly as over a graph
/// in which those nodes were core nodes too.
struct Stops {
    /// Chains with an origin inside, ascending.
    chains: Vec<u32>,
    /// Per such chain (and one more), the first of its stops in `pos`.
    first: Vec<u32>,
    /// Positions of the stops along their chain, ascending per chain; stop `i` is search node
    /// `core + i`.
    pos: Vec<u32>,
}

impl Stops {
    /// The stops of the chain, as a range into `pos`, if it has any.
    fn of_chain(&self, chain: u32) -> Option<std::ops::Range<usize>> {
        let i = self.chains.binary_search(&chain).ok()?;
        Some(self.first[i] as usize..self.first[i + 1] as usize)
    }

    /// The chain of stop `i` and its stops' range.
    fn chain_of(&self, i: usize) -> (u32, std::ops::Range<usize>) {
        let k = self.first.partition_point(|&f| f as usize <= i) - 1;
        (
            self.chains[k],
            self.first[k] as usize..self.first[k + 1] as usize,
        )
    }
}

/// [`nearest_origin`], calling `on_progress(settled, node_count)` about every
/// [`PROGRESS_EVERY`] settled nodes, and once at the end with both equal to the node count.
///
/// The search runs over the graph's core nodes (see [`RoutingGraph`]): a chain of road
/// vertices between two junctions is crossed in one step, adding its arc times one by one in
/// path order, then each chain's inner nodes get the better of what arrives from either end.
/// A node inside a chain that is an origin becomes a node of the search for this query,
/// splitting its chain. Every time is the same sum, in the same order, as a search over every
/// node forms, and every node compares the same candidates, so the result is that search's
/// bit for bit.
pub fn nearest_origin_progress(
    graph: &RoutingGraph,
    origins: &[Origin],
    on_progress: &mut dyn FnMut(usize, usize),
) -> (Vec<f64>, Vec<u32>) {
    contracted_search(graph, origins, f64::INFINITY, on_progress)
}

/// [`nearest_origin`] that stops at `limit_min`: every node whose time is at or below the
/// limit gets the same minutes and label as there, bit for bit; every other node a time above
/// the limit (infinite when not reached). The search settles only the core nodes within the
/// limit; filling the chains' inner nodes still visits every node once.
pub fn nearest_origin_within(
    graph: &RoutingGraph,
    origins: &[Origin],
    limit_min: f64,
) -> (Vec<f64>, Vec<u32>) {
    contracted_search(graph, origins, limit_min, &mut |_, _| {})
}

/// What changes when the origins change, given the result of the search before: every
/// node's `minutes` and `labels` as [`nearest_origin`] gave them for the origins before,
/// updated in place to what it gives for `origins`, bit for bit.
///
/// `relabel` maps each label before to the same origin's label now (labels kept in the same
/// order), or to [`UNREACHED`] for an origin that is no more (removed, moved, or no longer
/// an origin); `added` are the origins now that were not before (all in `origins` too).
///
/// Only what the change can affect is searched again: the nodes whose nearest origin is no
/// more, and the nodes an added origin reaches in no more time than they had (a search from
/// the added origins that stops wherever it no longer improves anything; "no more", not
/// "less", because a tie goes to the lower label, and a sum can round a smaller time to the
/// same one). Those nodes are searched again, node by node over
/// [`RoutingGraph::for_each_incoming`], from the origins among them and from their neighbours
/// that keep their time, summing and comparing as the whole search does. Every other node
/// keeps its time and origin: the path that gave them starts at an origin still there and
/// crosses no node that changes.
pub fn nearest_origin_update(
    graph: &RoutingGraph,
    minutes: &mut [f64],
    labels: &mut [u32],
    relabel: &[u32],
    added: &[Origin],
    origins: &[Origin],
) {
    let n = graph.node_count();
    let mut again = vec![false; n];
    let mut any = false;
    for i in 0..n {
        if labels[i] == UNREACHED {
            continue;
        }
        labels[i] = relabel[labels[i] as usize];
        if labels[i] == UNREACHED {
            minutes[i] = f64::INFINITY;
            again[i] = true;
            any = true;
        }
    }
    // The nodes the added origins reach in no more time than they have.
    let added: Vec<(NodeId, f64)> = added.iter().map(|o| (o.node, o.minutes)).collect();
    any |= !reach_without_loss(graph, minutes, &mut again, &added).is_empty();
    if !any {
        return;
    }
    let beaten = search_again(graph, minutes, labels, &again, origins);
    debug_assert!(beaten.is_empty(), "a node outside the marked ones changes");
}

/// What changes when the graph changes (roads closed, added or of other speeds) and with it
/// the origins (facilities joined elsewhere), given the result of the search before over the
/// same nodes: every node's `minutes` and `labels` as [`nearest_origin`] gave them before (a
/// node new to the graph infinite and [`UNREACHED`]), updated in place to what it gives over
/// `graph` for `origins`, bit for bit. The labels are the same origins' before and now.
///
/// `changed` are the nodes whose arcs changed (each arc that changed has both its ends among
/// them), whose origins changed, and the nodes new to the graph.
///
/// Those nodes are searched again, with every node whose time before came through one of
/// them. Then a node outside to which a node searched offers a better time is searched again
/// too, with what came through it and every node the better time reaches in no more time than
/// it has ("no more": see [`nearest_origin_update`]), until none is left. Every node outside
/// keeps its time and origin: the path that gave them crosses nothing that changed, and
/// nothing that changed offers them as good a time.
pub fn nearest_update(
    graph: &RoutingGraph,
    minutes: &mut [f64],
    labels: &mut [u32],
    changed: &[NodeId],
    origins: &[Origin],
) {
    let mut again = vec![false; graph.node_count()];
    let mut grown: Vec<NodeId> = changed.to_vec();
    grown.iter().for_each(|&v| again[v as usize] = true);
    loop {
        add_dependents(graph, minutes, labels, &mut again, &mut grown);
        let beaten = search_again(graph, minutes, labels, &again, origins);
        if beaten.is_empty() {
            return;
        }
        grown = reach_without_loss(graph, minutes, &mut again, &beaten);
    }
}

/// Adds to `again` (and to `grown`, which it empties) every node outside whose time came
/// through a node of `grown`, and through those in turn: its minutes and label are a node's
/// of `grown` plus the arc between.
fn add_dependents(
    graph: &RoutingGraph,
    minutes: &[f64],
    labels: &[u32],
    again: &mut [bool],
    grown: &mut Vec<NodeId>,
) {
    while let Some(node) = grown.pop() {
        let (m, l) = (minutes[node as usize], labels[node as usize]);
        if l == UNREACHED {
            continue;
        }
        graph.for_each_incoming(node, |tail, w| {
            let t = tail as usize;
            if !again[t] && labels[t] == l && minutes[t] == m + w {
                again[t] = true;
                grown.push(tail);
            }
        });
    }
}

/// The nodes that the times `offered` (`(node, minutes)`) reach in no more time than they
/// have, through such nodes and the nodes of `again` (whatever their time): those not yet in
/// `again` are marked in it and returned.
fn reach_without_loss(
    graph: &RoutingGraph,
    minutes: &[f64],
    again: &mut [bool],
    offered: &[(NodeId, f64)],
) -> Vec<NodeId> {
    let mut reached: NodeMap<f64> = NodeMap::default();
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::new();
    let mut mark = |heap: &mut BinaryHeap<Reverse<u128>>, again: &[bool], node: NodeId, m: f64| {
        let i = node as usize;
        if (again[i] || m <= minutes[i]) && reached.get(&node).is_none_or(|&r| m < r) {
            reached.insert(node, m);
            heap.push(pack(m, 0, node));
        }
    };
    for &(node, m) in offered {
        mark(&mut heap, again, node, m);
    }
    let mut grown = Vec::new();
    while let Some(item) = heap.pop() {
        let (m, _, node) = unpack(item);
        if !again[node as usize] {
            again[node as usize] = true;
            grown.push(node);
        }
        graph.for_each_incoming(node, |tail, w| mark(&mut heap, again, tail, m + w));
    }
    grown
}

/// Searches the nodes of `again` again: forgets their times, then searches from the origins
/// among them and from their neighbours outside, which keep their time, summing and comparing
/// as the whole search does. Returns the nodes outside to which a node searched offers a
/// better time than they have (less, or as little from a lower label), with that time (they
/// are left as they are).
fn search_again(
    graph: &RoutingGraph,
    minutes: &mut [f64],
    labels: &mut [u32],
    again: &[bool],
    origins: &[Origin],
) -> Vec<(NodeId, f64)> {
    for (i, _) in again.iter().enumerate().filter(|(_, &a)| a) {
        minutes[i] = f64::INFINITY;
        labels[i] = UNREACHED;
    }
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::new();
    let offer = |minutes: &mut [f64],
                 labels: &mut [u32],
                 heap: &mut BinaryHeap<Reverse<u128>>,
                 node: NodeId,
                 m: f64,
                 l: u32| {
        let i = node as usize;
        if m < minutes[i] || (m == minutes[i] && l < labels[i]) {
            minutes[i] = m;
            labels[i] = l;
            heap.push(pack(m, l, node));
        }
    };
    for o in origins.iter().filter(|o| again[o.node as usize]) {
        offer(minutes, labels, &mut heap, o.node, o.minutes, o.label);
    }
    graph.for_each_arc(|tail, head, w| {
        let (t, h) = (tail as usize, head as usize);
        if again[t] && !again[h] && labels[h] != UNREACHED {
            let (m, l) = (minutes[h], labels[h]);
            offer(minutes, labels, &mut heap, tail, m + w, l);
        }
    });
    let mut beaten = Vec::new();
    while let Some(item) = heap.pop() {
        let (m, label, node) = unpack(item);
        if m != minutes[node as usize] || label != labels[node as usize] {
            continue;
        }
        graph.for_each_incoming(node, |tail, w| {
            if again[tail as usize] {
                offer(minutes, labels, &mut heap, tail, m + w, label);
            } else if m + w < minutes[tail as usize]
                || (m + w == minutes[tail as usize] && label < labels[tail as usize])
            {
                beaten.push((tail, m + w));
            }
        });
    }
    beaten
}

/// The search over the contracted graph, stopping at `limit_min` (infinite for all).
fn contracted_search(
    graph: &RoutingGraph,
    origins: &[Origin],
    limit_min: f64,
    on_progress: &mut dyn FnMut(usize, usize),
) -> (Vec<f64>, Vec<u32>) {
    let n = graph.node_count();
    let core = graph.core_node_count();
    let stops = Stops::of(graph, origins);
    let (mut best, heap) = seed(graph, &stops, origins);
    let settled = search(graph, &stops, &mut best, heap, (n, limit_min), on_progress);
    let result = spread_over_chains(graph, &stops, &best, core, settled, on_progress);
    on_progress(n, n);
    result
}

impl Stops {
    /// The origins inside chains, as stops: per chain (in chain order), their positions.
    fn of(graph: &RoutingGraph, origins: &[Origin]) -> Stops {
        let mut inside: Vec<(u32, u32)> = Vec::new();
        for o in origins {
            if let Place::Interior { chain, pos } = graph.locate(o.node) {
                inside.push((chain, pos));
            }
        }
        inside.sort_unstable();
        inside.dedup();
        let mut stops = Stops {
            chains: Vec::new(),
            first: Vec::new(),
            pos: Vec::new(),
        };
        for &(chain, pos) in &inside {
            if stops.chains.last() != Some(&chain) {
                stops.chains.push(chain);
                stops.first.push(stops.pos.len() as u32);
            }
            stops.pos.push(pos);
        }
        stops.first.push(stops.pos.len() as u32);
        stops
    }
}

/// The search's start: every search node (core nodes, then stops) unreached, the ends of
/// chains with stops and the stops marked special, and each origin's node holding its best
/// origin, on the heap.
fn seed(
    graph: &RoutingGraph,
    stops: &Stops,
    origins: &[Origin],
) -> (Vec<Best>, BinaryHeap<Reverse<u128>>) {
    let core = graph.core_node_count();
    let mut best = vec![Best::NONE; core + stops.pos.len()];
    for &chain in &stops.chains {
        let ch = graph.chains[chain as usize];
        best[ch.a as usize].special = true;
        best[ch.b as usize].special = true;
    }
    for b in &mut best[core..] {
        b.special = true;
    }
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::with_capacity(origins.len() * 4);
    for o in origins {
        let c = match graph.locate(o.node) {
            Place::Core(c) => c as usize,
            Place::Interior { chain, pos } => {
                let range = stops.of_chain(chain).expect("a stop per origin");
                core + range.start + stops.pos[range].binary_search(&pos).expect("a stop")
            }
        };
        if best[c].beaten_by(o.minutes, o.label) {
            best[c].minutes = o.minutes;
            best[c].label = o.label;
            heap.push(pack(o.minutes, o.label, c as u32));
        }
    }
    (best, heap)
}

/// The search proper over the search nodes, settling each in travel-time order (ties by
/// label, then node), none beyond `limit` minutes. Returns how many were settled.
fn search(
    graph: &RoutingGraph,
    stops: &Stops,
    best: &mut [Best],
    mut heap: BinaryHeap<Reverse<u128>>,
    (n, limit): (usize, f64),
    on_progress: &mut dyn FnMut(usize, usize),
) -> usize {
    let mut settled = 0usize;
    let mut special_arcs = Vec::new();
    while let Some(item) = heap.pop() {
        let (m, label, c) = unpack(item);
        if m > limit {
            break;
        }
        let b = best[c as usize];
        if m != b.minutes || label != b.label {
            continue;
        }
        settled += 1;
        if settled % PROGRESS_EVERY == 0 {
            on_progress(settled, n);
        }
        let mut relax = |best: &mut [Best], target: u32, weights: &[f64]| {
            let mut nm = m;
            for w in weights {
                nm += w;
            }
            let t = target as usize;
            if nm <= limit && best[t].beaten_by(nm, label) {
                best[t].minutes = nm;
                best[t].label = label;
                heap.push(pack(nm, label, target));
            }
        };
        if !b.special {
            let (lo, hi) = (
                graph.first[c as usize] as usize,
                graph.first[c as usize + 1] as usize,
            );
            for k in lo..hi {
                let (target, w0) = graph.arcs[k];
                let w1 = graph.arcs[k + 1].1;
                relax(best, target, &graph.weights[w0 as usize..w1 as usize]);
            }
        } else {
            arcs_with_stops(graph, stops, c as usize, &mut special_arcs);
            for &(target, w0, w1) in &special_arcs {
                relax(best, target, &graph.weights[w0..w1]);
            }
        }
    }
    settled
}

/// Every node's result: the core nodes' from the search, the chains' inner nodes from the
/// ends of their stretch (the chain's ends, or its stops).
fn spread_over_chains(
    graph: &RoutingGraph,
    stops: &Stops,
    best: &[Best],
    core: usize,
    settled: usize,
    on_progress: &mut dyn FnMut(usize, usize),
) -> (Vec<f64>, Vec<u32>) {
    let n = graph.node_count();
    let mut minutes = vec![f64::INFINITY; n];
    let mut labels = vec![UNREACHED; n];
    for (c, &node) in graph.core_nodes.iter().enumerate() {
        minutes[node as usize] = best[c].minutes;
        labels[node as usize] = best[c].label;
    }
    let mut done = core;
    let mut next_report = (settled / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
    let mut with_stops = stops.chains.iter().enumerate().peekable();
    for (j, ch) in graph.chains.iter().enumerate() {
        let interior = &graph.interior[ch.start as usize..(ch.start + ch.len) as usize];
        let mut write = |pos: i64, v: Best| {
            let node = interior[pos as usize] as usize;
            if v.minutes < minutes[node] || (v.minutes == minutes[node] && v.label < labels[node]) {
                minutes[node] = v.minutes;
                labels[node] = v.label;
            }
        };
        let (mut from, mut at) = (-1i64, best[ch.a as usize]);
        if let Some((k, _)) = with_stops.next_if(|&(_, &chain)| chain == j as u32) {
            for i in stops.first[k] as usize..stops.first[k + 1] as usize {
                let (pos, stop) = (stops.pos[i] as i64, best[core + i]);
                fill(graph, ch, (from, at), (pos, stop), &mut write);
                write(pos, stop);
                (from, at) = (pos, stop);
            }
        }
        fill(
            graph,
            ch,
            (from, at),
            (ch.len as i64, best[ch.b as usize]),
            &mut write,
        );
        done += ch.len as usize;
        if done >= next_report {
            on_progress(done, n);
            next_report = (done / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
        }
    }
    (minutes, labels)
}

/// The search arcs of node `c` when its chains have stops: `(target, weights range)`; an arc
/// into a chain with stops ends at its first stop, and a stop's arcs go to the next stop or
/// end either way.
fn arcs_with_stops(
    graph: &RoutingGraph,
    stops: &Stops,
    c: usize,
    out: &mut Vec<(u32, usize, usize)>,
) {
    out.clear();
    let core = graph.core_node_count();
    if c < core {
        for k in graph.first[c] as usize..graph.first[c + 1] as usize {
            let (target, w0) = graph.arcs[k];
            let w1 = graph.arcs[k + 1].1 as usize;
            let chain = graph.arc_chain(k);
            match chain.and_then(|j| Some((graph.chains[j as usize], stops.of_chain(j)?))) {
                None => out.push((target, w0 as usize, w1)),
                Some((ch, range)) => {
                    let len = ch.len as usize;
                    let w0 = w0 as usize;
                    if w0 == ch.ab as usize {
                        // From `a` along the chain to its first stop.
                        let p = stops.pos[range.start] as usize;
                        out.push(((core + range.start) as u32, w0, w0 + p + 1));
                    } else {
                        // From `b` back along the chain to its last stop.
                        let p = stops.pos[range.end - 1] as usize;
                        out.push(((core + range.end - 1) as u32, w0, w0 + len - p));
                    }
                }
            }
        }
    } else {
        let i = c - core;
        let (chain, range) = stops.chain_of(i);
        let ch = graph.chains[chain as usize];
        let len = ch.len as usize;
        let p = stops.pos[i] as usize;
        if ch.ab != u32::MAX {
            let ab = ch.ab as usize;
            let (next, q) = if i + 1 < range.end {
                ((core + i + 1) as u32, stops.pos[i + 1] as usize)
            } else {
                (ch.b, len)
            };
            out.push((next, ab + p + 1, ab + q + 1));
        }
        if ch.ba != u32::MAX {
            let ba = ch.ba as usize;
            let (prev, q) = if i > range.start {
                ((core + i - 1) as u32, stops.pos[i - 1] as i64)
            } else {
                (ch.a, -1)
            };
            out.push((prev, ba + len - p, ba + (len as i64 - q) as usize));
        }
    }
}

/// Gives the inner nodes of `ch` strictly between positions `from` and `to` (−1 is the
/// chain's `a` end, `ch.len` its `b` end) the better of what arrives from either side, with
/// the times at `from` and `to` as given, through `write(position, time)`.
fn fill(
    graph: &RoutingGraph,
    ch: &Chain,
    (from, at_from): (i64, Best),
    (to, at_to): (i64, Best),
    mut write: impl FnMut(i64, Best),
) {
    let len = ch.len as i64;
    if ch.ab != u32::MAX {
        // Inner node x is reached from x − 1 by the chain's weight x (weight 0 leaves `a`).
        let weights = &graph.weights[ch.ab as usize..];
        let mut cur = at_from;
        for x in from + 1..to {
            cur.minutes += weights[x as usize];
            write(x, cur);
        }
    }
    if ch.ba != u32::MAX {
        // Inner node x is reached from x + 1 by the weight len − 1 − x (weight 0 leaves `b`).
        let weights = &graph.weights[ch.ba as usize..];
        let mut cur = at_to;
        for x in (from + 1..to).rev() {
            cur.minutes += weights[(len - 1 - x) as usize];
            write(x, cur);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_lowest_label() {
        let g = RoutingGraph::from_arcs(3, &[(1, 0, 1.0), (1, 2, 1.0)]);
        let (m, l) = nearest_origin(
            &g,
            &[
                Origin {
                    node: 2,
                    minutes: 0.0,
                    label: 5,
                },
                Origin {
                    node: 0,
                    minutes: 0.0,
                    label: 3,
                },
            ],
        );
        assert_eq!(m[1], 1.0);
        assert_eq!(l[1], 3);
    }

    #[test]
    fn unreachable_nodes_stay_infinite() {
        let g = RoutingGraph::from_arcs(3, &[(0, 1, 1.0)]);
        let (m, l) = nearest_origin(
            &g,
            &[Origin {
                node: 0,
                minutes: 0.0,
                label: 0,
            }],
        );
        assert!(m[1].is_infinite() && m[2].is_infinite());
        assert_eq!(l[2], UNREACHED);
    }

    /// Asserts two searches' minutes (bit for bit) and labels are the same.
    fn assert_same(got: (&[f64], &[u32]), want: (&[f64], &[u32]), what: &str) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(got.0), bits(want.0), "minutes, {what}");
        assert_eq!(got.1, want.1, "labels, {what}");
    }

    /// The search over every node, without contraction: the reference.
    fn plain_search(
        n: usize,
        arcs: &[(NodeId, NodeId, f64)],
        origins: &[Origin],
    ) -> (Vec<f64>, Vec<u32>) {
        let mut entering: Vec<Vec<(NodeId, f64)>> = vec![Vec::new(); n];
        for &(from, to, w) in arcs {
            entering[to as usize].push((from, w));
        }
        let mut minutes = vec![f64::INFINITY; n];
        let mut labels = vec![UNREACHED; n];
        let mut heap = BinaryHeap::new();
        let better = |m: f64, l: u32, bm: f64, bl: u32| m < bm || (m == bm && l < bl);
        for o in origins {
            let i = o.node as usize;
            if better(o.minutes, o.label, minutes[i], labels[i]) {
                minutes[i] = o.minutes;
                labels[i] = o.label;
                heap.push(pack(o.minutes, o.label, o.node));
            }
        }
        while let Some(item) = heap.pop() {
            let (m, label, node) = unpack(item);
            if m != minutes[node as usize] || label != labels[node as usize] {
                continue;
            }
            for &(tail, w) in &entering[node as usize] {
                let t = tail as usize;
                let nm = m + w;
                if better(nm, label, minutes[t], labels[t]) {
                    minutes[t] = nm;
                    labels[t] = label;
                    heap.push(pack(nm, label, tail));
                }
            }
        }
        (minutes, labels)
    }

    use crate::devtools::random::SplitMix64 as Rng;

    /// An arc time that makes sums round: a tenth, next to nothing, or sevenths.
    fn awkward_weight(rng: &mut Rng) -> f64 {
        match rng.below(4) {
            0 => 0.1,
            1 => 1e-17,
            _ => (1 + rng.below(1000)) as f64 / 7.0,
        }
    }

    /// A random road-like graph: paths of several nodes (mostly two-way, some one-way, some
    /// closing on themselves) between random junctions, with awkward weights.
    fn random_graph(rng: &mut Rng) -> (usize, Vec<(NodeId, NodeId, f64)>) {
        let junctions = 1 + rng.below(12) as u32;
        let mut n = junctions;
        let mut arcs = Vec::new();
        for _ in 0..rng.below(20) {
            let from = rng.below(junctions as u64) as u32;
            let to = if rng.below(6) == 0 {
                from
            } else {
                rng.below(junctions as u64) as u32
            };
            let inner = rng.below(6) as u32;
            let mut path = vec![from];
            path.extend(n..n + inner);
            n += inner;
            path.push(to);
            let kind = rng.below(5);
            for w in path.windows(2) {
                if w[0] == w[1] {
                    continue;
                }
                if kind != 1 {
                    arcs.push((w[0], w[1], awkward_weight(rng)));
                }
                if kind != 2 {
                    arcs.push((w[1], w[0], awkward_weight(rng)));
                }
            }
        }
        (n as usize, arcs)
    }

    #[test]
    fn the_contracted_search_equals_the_plain_search_bit_for_bit() {
        let mut rng = Rng(20240601);
        for case in 0..5000 {
            let (n, arcs) = random_graph(&mut rng);
            let g = RoutingGraph::from_arcs(n, &arcs);
            let origins: Vec<Origin> = (0..1 + rng.below(8))
                .map(|_| Origin {
                    node: rng.below(n as u64) as NodeId,
                    minutes: [0.0, 0.5, 2.0][rng.below(3) as usize],
                    label: rng.below(5) as u32,
                })
                .collect();
            let (want_m, want_l) = plain_search(n, &arcs, &origins);
            let (got_m, got_l) = nearest_origin(&g, &origins);
            let what = format!("case {case}: {arcs:?} {origins:?}");
            assert_same((&got_m, &got_l), (&want_m, &want_l), &what);
        }
    }

    #[test]
    fn the_search_stopped_at_a_limit_equals_the_plain_search_within_it() {
        let mut rng = Rng(20261206);
        for case in 0..3000 {
            let (n, arcs) = random_graph(&mut rng);
            let g = RoutingGraph::from_arcs(n, &arcs);
            let origins: Vec<Origin> = (0..1 + rng.below(3))
                .map(|_| Origin {
                    node: rng.below(n as u64) as NodeId,
                    minutes: [0.0, 0.5, 2.0][rng.below(3) as usize],
                    label: rng.below(5) as u32,
                })
                .collect();
            let (want_m, want_l) = plain_search(n, &arcs, &origins);
            let limit = [0.0, 0.5, 20.0, 60.0, 150.0][rng.below(5) as usize];
            let (got_m, got_l) = nearest_origin_within(&g, &origins, limit);
            for i in 0..n {
                if want_m[i] <= limit {
                    assert_eq!(
                        (got_m[i].to_bits(), got_l[i]),
                        (want_m[i].to_bits(), want_l[i]),
                        "case {case}, node {i}: {arcs:?} {origins:?} {limit}"
                    );
                } else {
                    assert!(got_m[i] > limit, "case {case}, node {i}");
                }
            }
        }
    }

    #[test]
    fn an_update_of_the_origins_equals_the_whole_search_bit_for_bit() {
        let mut rng = Rng(20261207);
        for case in 0..4000 {
            let (n, arcs) = random_graph(&mut rng);
            let g = crate::engine::network::graph_tests::round_trip(n, &arcs);
            // Facilities 0..k before, each at one or two nodes; some removed, some added.
            let at = |rng: &mut Rng| -> Vec<(NodeId, f64)> {
                (0..1 + rng.below(2))
                    .map(|_| {
                        let m = [0.0, 0.5, 2.0, 1e-17][rng.below(4) as usize];
                        (rng.below(n as u64) as NodeId, m)
                    })
                    .collect()
            };
            let before: Vec<Vec<(NodeId, f64)>> = (0..rng.below(6)).map(|_| at(&mut rng)).collect();
            let keep: Vec<bool> = before.iter().map(|_| rng.below(3) != 0).collect();
            // The kept ones in order, with new ones inserted anywhere.
            // Each facility now: the one before it was, if any, and its origins.
            type Now = Vec<(Option<usize>, Vec<(NodeId, f64)>)>;
            let mut now: Now = Vec::new();
            for (i, f) in before.iter().enumerate() {
                if rng.below(3) == 0 {
                    now.push((None, at(&mut rng)));
                }
                if keep[i] {
                    now.push((Some(i), f.clone()));
                }
            }
            if rng.below(2) == 0 {
                now.push((None, at(&mut rng)));
            }
            let origins_of = |fs: &mut dyn Iterator<Item = (usize, &Vec<(NodeId, f64)>)>| {
                fs.flat_map(|(label, f)| {
                    f.iter().map(move |&(node, minutes)| Origin {
                        node,
                        minutes,
                        label: label as u32,
                    })
                })
                .collect::<Vec<_>>()
            };
            let old = origins_of(&mut before.iter().enumerate());
            let new = origins_of(&mut now.iter().map(|(_, f)| f).enumerate());
            let mut relabel = vec![UNREACHED; before.len()];
            for (j, (i, _)) in now.iter().enumerate() {
                if let Some(i) = i {
                    relabel[*i] = j as u32;
                }
            }
            let added = origins_of(
                &mut now
                    .iter()
                    .enumerate()
                    .filter(|(_, (i, _))| i.is_none())
                    .map(|(j, (_, f))| (j, f)),
            );
            let (mut m, mut l) = nearest_origin(&g, &old);
            nearest_origin_update(&g, &mut m, &mut l, &relabel, &added, &new);
            let (want_m, want_l) = plain_search(n, &arcs, &new);
            let what = format!("case {case}: {arcs:?} {old:?} {new:?}");
            assert_same((&m, &l), (&want_m, &want_l), &what);
        }
    }

    #[test]
    fn an_update_of_the_graph_equals_the_whole_search_bit_for_bit() {
        let mut rng = Rng(20261206);
        for case in 0..4000 {
            let (n_before, before) = random_graph(&mut rng);
            // Some nodes new to the graph, and arcs dropped, re-weighted and added anywhere.
            let n = n_before + rng.below(3) as usize;
            let mut changed: Vec<NodeId> = (n_before as NodeId..n as NodeId).collect();
            let mut now = Vec::new();
            for &(a, b, w) in &before {
                match rng.below(8) {
                    0 => changed.extend([a, b]),
                    1 => {
                        changed.extend([a, b]);
                        now.push((a, b, awkward_weight(&mut rng)));
                    }
                    _ => now.push((a, b, w)),
                }
            }
            for _ in 0..rng.below(4) {
                let (a, b) = (rng.below(n as u64) as NodeId, rng.below(n as u64) as NodeId);
                if a != b {
                    changed.extend([a, b]);
                    now.push((a, b, awkward_weight(&mut rng)));
                }
            }
            // Facilities joined at one or two nodes; some joined elsewhere now.
            let at = |rng: &mut Rng, n: usize| -> Vec<Origin> {
                (0..1 + rng.below(2))
                    .map(|_| Origin {
                        node: rng.below(n as u64) as NodeId,
                        minutes: [0.0, 0.5, 2.0, 1e-17][rng.below(4) as usize],
                        label: 0,
                    })
                    .collect()
            };
            let facilities = rng.below(5) as u32;
            let mut old = Vec::new();
            let mut new = Vec::new();
            for label in 0..facilities {
                let o = at(&mut rng, n_before);
                let m = if rng.below(3) == 0 {
                    at(&mut rng, n)
                } else {
                    o.clone()
                };
                if o != m {
                    changed.extend(o.iter().chain(&m).map(|x| x.node));
                }
                old.extend(o.into_iter().map(|x| Origin { label, ..x }));
                new.extend(m.into_iter().map(|x| Origin { label, ..x }));
            }
            let (mut m, mut l) = plain_search(n_before, &before, &old);
            m.resize(n, f64::INFINITY);
            l.resize(n, UNREACHED);
            let g = crate::engine::network::graph_tests::round_trip(n, &now);
            nearest_update(&g, &mut m, &mut l, &changed, &new);
            let (want_m, want_l) = plain_search(n, &now, &new);
            let what = format!("case {case}: {before:?} -> {now:?}, {old:?} -> {new:?}");
            assert_same((&m, &l), (&want_m, &want_l), &what);
        }
    }

    #[test]
    fn progress_is_reported_and_ends_at_the_node_count() {
        // A two-way path of 100,000 nodes, each with a two-way spur: every node is a core node.
        let n = 100_000u32;
        let arcs: Vec<_> = (0..n - 1)
            .flat_map(|i| [(i, i + 1, 1.0), (i + 1, i, 1.0)])
            .chain((0..n).flat_map(|i| [(i, n + i, 0.5), (n + i, i, 0.5)]))
            .collect();
        let g = RoutingGraph::from_arcs(2 * n as usize, &arcs);
        // The path's first and last nodes have two neighbours: inner nodes of chains.
        assert_eq!(g.core_node_count(), 2 * n as usize - 2);
        let mut calls = Vec::new();
        let origin = Origin {
            node: 1234,
            minutes: 0.0,
            label: 0,
        };
        let (m, _) =
            nearest_origin_progress(&g, &[origin], &mut |done, total| calls.push((done, total)));
        assert_eq!(m[0], 1234.0);
        assert_eq!(m[2 * n as usize - 1], (n - 1 - 1234) as f64 + 0.5);
        assert_eq!(calls.len(), 4, "{calls:?}");
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(calls.iter().all(|&(_, total)| total == 2 * n as usize));
        assert_eq!(calls.last(), Some(&(2 * n as usize, 2 * n as usize)));
    }
}
