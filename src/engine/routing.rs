//! Travel time from every settlement to its nearest medical service point.
//!
//! Semantics (`RULES.md`, "Travel time"): settlements and facilities join the network at the
//! nearest point of the nearest usable segment with a straight off-road leg at the off-road
//! speed; travel runs from the settlement to the facility; one multi-source Dijkstra, seeded
//! with every facility, gives every node its time to the nearest facility (ties go to the
//! lowest facility index). All times are in minutes. Without usable roads, times are
//! straight-line distance at the off-road speed.

use crate::engine::crs::{LonLat, Projector, UtmZone, Xy};
use crate::engine::model::Layers;
use crate::engine::network::{
    kmh_to_m_per_min, Chain, Mode, NodeId, Place, RoadNetwork, RoutingGraph, Snap, SpeedTable,
};
use crate::engine::progress::{tick, Progress, Stage};
use serde::{Deserialize, Serialize};
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

/// A queue entry packed into one integer whose order is exactly that of (minutes by
/// [`f64::total_cmp`], label, node), so the heap compares entries with a single `u128`
/// comparison: the minutes' bits (mapped so that unsigned order is `total_cmp` order) in the
/// high 64 bits, then the label, then the node. The search pops entries in the same order as
/// with the three comparisons chained, so its results are bit for bit the same; profiling the
/// search on a 346,000-node network showed the chained comparisons inside the heap to be its
/// largest cost.
#[inline]
fn pack(minutes: f64, label: u32, node: NodeId) -> Reverse<u128> {
    Reverse(((ordered_bits(minutes) as u128) << 64) | ((label as u128) << 32) | node as u128)
}

/// The inverse of [`pack`].
#[inline]
fn unpack(Reverse(item): Reverse<u128>) -> (f64, u32, NodeId) {
    (
        from_ordered_bits((item >> 64) as u64),
        (item >> 32) as u32,
        item as u32,
    )
}

/// The bits of `x` mapped so that unsigned integer order is [`f64::total_cmp`] order (the
/// mapping `total_cmp` itself uses, with the sign bit flipped to make it unsigned).
#[inline]
fn ordered_bits(x: f64) -> u64 {
    let b = x.to_bits() as i64;
    ((b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64) ^ (1 << 63)
}

/// The inverse of [`ordered_bits`].
#[inline]
fn from_ordered_bits(k: u64) -> f64 {
    let b = (k ^ (1 << 63)) as i64;
    f64::from_bits((b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64)
}

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
    let n = graph.node_count();
    let core = graph.core_node_count();
    let stops = Stops::of(graph, origins);
    let (mut best, heap) = seed(graph, &stops, origins);
    let settled = search(graph, &stops, &mut best, heap, n, on_progress);
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
/// label, then node). Returns how many were settled.
fn search(
    graph: &RoutingGraph,
    stops: &Stops,
    best: &mut [Best],
    mut heap: BinaryHeap<Reverse<u128>>,
    n: usize,
    on_progress: &mut dyn FnMut(usize, usize),
) -> usize {
    let mut settled = 0usize;
    let mut special_arcs = Vec::new();
    while let Some(item) = heap.pop() {
        let (m, label, c) = unpack(item);
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
            if best[t].beaten_by(nm, label) {
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

/// The nearest origin of each of `goals`, searching only as far as the farthest of them:
/// `(minutes, label)` per goal, `None` when no origin reaches it.
///
/// A node-by-node Dijkstra from the origins along [`RoutingGraph::incoming`], holding only
/// the nodes it reaches, that stops once every goal is settled. It compares and sums exactly
/// as [`nearest_origin`] does, so each goal gets the same minutes and label bit for bit; what
/// it saves is the rest of the graph. Rules that ask one question per place (a village's
/// settlements to its neighbours' clinics, a county's township centres to its lead hospital)
/// use it, where a whole-graph search per place would be quadratic on a province. A goal no
/// origin reaches would make it search everything the origins reach, node by node; once it
/// has settled a quarter of the graph it hands over to the whole-graph search instead, which
/// does that several times faster (and gives the same answers).
pub fn nearest_origin_local(
    graph: &RoutingGraph,
    origins: &[Origin],
    goals: &[NodeId],
) -> Vec<Option<(f64, u32)>> {
    use std::collections::hash_map::Entry;
    use std::collections::{HashMap, HashSet};
    let mut best: HashMap<NodeId, (f64, u32)> = HashMap::new();
    let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::new();
    let offer = |best: &mut HashMap<NodeId, (f64, u32)>,
                 heap: &mut BinaryHeap<Reverse<u128>>,
                 node: NodeId,
                 minutes: f64,
                 label: u32| {
        let better = match best.entry(node) {
            Entry::Vacant(e) => {
                e.insert((minutes, label));
                true
            }
            Entry::Occupied(mut e) => {
                let (m, l) = *e.get();
                let better = minutes < m || (minutes == m && label < l);
                if better {
                    e.insert((minutes, label));
                }
                better
            }
        };
        if better {
            heap.push(pack(minutes, label, node));
        }
    };
    for o in origins {
        offer(&mut best, &mut heap, o.node, o.minutes, o.label);
    }
    let mut remaining: HashSet<NodeId> = goals.iter().copied().collect();
    let mut settled = 0usize;
    let hand_over = graph.node_count() / 4 + 1_000;
    while let Some(item) = heap.pop() {
        if remaining.is_empty() {
            break;
        }
        let (m, label, node) = unpack(item);
        if best.get(&node) != Some(&(m, label)) {
            continue;
        }
        settled += 1;
        if settled > hand_over {
            let (minutes, labels) = nearest_origin(graph, origins);
            return goals
                .iter()
                .map(|&g| {
                    let g = g as usize;
                    (labels[g] != UNREACHED).then(|| (minutes[g], labels[g]))
                })
                .collect();
        }
        remaining.remove(&node);
        for (tail, w) in graph.incoming(node) {
            offer(&mut best, &mut heap, tail, m + w, label);
        }
    }
    goals.iter().map(|g| best.get(g).copied()).collect()
}

/// A settlement or a facility, by index, as a place to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// A settlement.
    Settlement(usize),
    /// A facility.
    Facility(usize),
}

/// The result for one settlement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettlementReach {
    /// Total minutes to the nearest medical service point, `None` when none can be reached.
    pub minutes: Option<f64>,
    /// Index (into the facilities of the analysed [`Layers`]) of that facility.
    pub nearest: Option<usize>,
    /// The settlement's own off-road leg, in metres (`None` without roads).
    pub offroad_m: Option<f64>,
}

/// Everything computed for one mode: the network, every node's time, every settlement's.
#[derive(Debug)]
pub struct Reach {
    /// The mode.
    pub mode: Mode,
    /// The plane of all measurements.
    pub zone: UtmZone,
    /// The usable network (its base nodes and segments; empty without roads).
    pub network: RoadNetwork,
    /// Per base node of `network`: minutes to the nearest facility (infinite if none).
    pub node_minutes: Vec<f64>,
    /// Per settlement, in the order of the layers.
    pub settlements: Vec<SettlementReach>,
    /// Projected settlement positions, in metres.
    pub settlement_xy: Vec<Xy>,
    /// Projected facility positions, in metres.
    pub facility_xy: Vec<Xy>,
    /// Indices of the facilities that count as medical service points.
    pub service_points: Vec<usize>,
    /// True when the mode has no usable road and straight lines were used.
    pub straight_line: bool,
    /// How times are computed, for further queries ([`Reach::nearest_among`]).
    pub router: Router,
}

/// Bounding box `(west, south, east, north)` in degrees of all roads, facilities and
/// settlements; `None` when there is nothing to place.
pub fn bounding_box(layers: &Layers) -> Option<(f64, f64, f64, f64)> {
    let mut bbox: Option<(f64, f64, f64, f64)> = None;
    let mut add = |p: &LonLat| {
        let b = bbox.get_or_insert((p.lon, p.lat, p.lon, p.lat));
        b.0 = b.0.min(p.lon);
        b.1 = b.1.min(p.lat);
        b.2 = b.2.max(p.lon);
        b.3 = b.3.max(p.lat);
    };
    layers
        .roads
        .iter()
        .flat_map(|r| r.lines.iter().flatten())
        .for_each(&mut add);
    layers.facilities.iter().for_each(|f| add(&f.at));
    layers.settlements.iter().for_each(|s| add(&s.at));
    bbox
}

/// The UTM zone of the centre of the bounding box of all roads, facilities and settlements.
/// `None` when there is nothing to place.
pub fn zone_for(layers: &Layers) -> Option<UtmZone> {
    let (x0, y0, x1, y1) = bounding_box(layers)?;
    Some(UtmZone::containing(LonLat {
        lon: (x0 + x1) / 2.0,
        lat: (y0 + y1) / 2.0,
    }))
}

/// Computes the travel time from every settlement to its nearest medical service point.
/// `None` when nothing is loaded that can be placed.
pub fn travel_times(layers: &Layers, mode: Mode, speeds: &SpeedTable) -> Option<Reach> {
    travel_times_with(layers, mode, speeds, &mut |_, _, _| {})
}

/// [`travel_times`], reporting the start of its stages (building, joining, routing) to
/// `progress`.
pub fn travel_times_with(
    layers: &Layers,
    mode: Mode,
    speeds: &SpeedTable,
    progress: Progress,
) -> Option<Reach> {
    let zone = zone_for(layers)?;
    let projector = Projector::new(zone);
    progress(Stage::Building, 0, layers.roads.len() as u64);
    let network = RoadNetwork::build(&layers.roads, mode, speeds, &projector);
    let settlement_xy: Vec<Xy> = layers
        .settlements
        .iter()
        .map(|s| projector.project(s.at))
        .collect();
    let facility_xy: Vec<Xy> = layers
        .facilities
        .iter()
        .map(|f| projector.project(f.at))
        .collect();
    let service_points: Vec<usize> = (0..layers.facilities.len())
        .filter(|&i| layers.facilities[i].primary_care)
        .collect();
    let offroad = kmh_to_m_per_min(speeds.offroad_kmh);
    let router = if network.is_empty() {
        Router::StraightLine {
            offroad_m_per_min: offroad,
        }
    } else {
        // Every settlement and every facility joins the network; one graph serves all queries.
        let points = settlement_xy.len() + facility_xy.len();
        let snaps: Vec<Snap> = settlement_xy
            .iter()
            .chain(&facility_xy)
            .enumerate()
            .map(|(i, p)| {
                tick(progress, Stage::Joining, i, points);
                network.snap(*p).expect("network is not empty")
            })
            .collect();
        let (graph, snap_nodes) = network.routing_graph(&snaps);
        let joins: Vec<Join> = snaps
            .iter()
            .zip(&snap_nodes)
            .map(|(s, &node)| Join {
                node,
                offroad_m: s.offroad_m,
                offroad_min: s.offroad_m / offroad,
            })
            .collect();
        let facility_joins = joins[settlement_xy.len()..].to_vec();
        let mut settlement_joins = joins;
        settlement_joins.truncate(settlement_xy.len());
        Router::Network {
            graph,
            settlement_joins,
            facility_joins,
        }
    };
    let mut reach = Reach {
        mode,
        zone,
        network,
        node_minutes: Vec::new(),
        settlements: Vec::new(),
        settlement_xy,
        facility_xy,
        service_points,
        straight_line: matches!(router, Router::StraightLine { .. }),
        router,
    };
    progress(Stage::Routing, 0, reach.graph_nodes() as u64);
    let (nearest, node_minutes) = reach.route(&reach.service_points, &mut |done, total| {
        progress(Stage::Routing, done as u64, total as u64)
    });
    reach.node_minutes = node_minutes;
    reach.node_minutes.truncate(reach.network.nodes.len());
    reach.settlements = nearest
        .settlements
        .iter()
        .enumerate()
        .map(|(i, n)| SettlementReach {
            minutes: n.map(|(m, _)| m),
            nearest: n.map(|(_, f)| f),
            offroad_m: reach.settlement_offroad_m(i),
        })
        .collect();
    Some(reach)
}

/// Where a point joins the routing graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Join {
    /// The node it joins at.
    pub node: NodeId,
    /// Length of the off-road leg, metres.
    pub offroad_m: f64,
    /// Minutes of the off-road leg.
    pub offroad_min: f64,
}

/// How travel times are computed: over the road network, or in straight lines when a mode has
/// no usable road.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // One per analysis: boxing the graph would gain nothing.
pub enum Router {
    /// Over the network: the directed graph with a node for every join.
    Network {
        /// The graph.
        graph: RoutingGraph,
        /// Per settlement, where it joins.
        settlement_joins: Vec<Join>,
        /// Per facility (all of them), where it joins.
        facility_joins: Vec<Join>,
    },
    /// Straight lines at the off-road speed.
    StraightLine {
        /// The off-road speed in metres per minute.
        offroad_m_per_min: f64,
    },
}

/// The search origins for target facilities: each at its join node, carrying its off-road
/// minutes, labelled with its index.
pub fn origins(facility_joins: &[Join], targets: &[usize]) -> Vec<Origin> {
    targets
        .iter()
        .map(|&f| Origin {
            node: facility_joins[f].node,
            minutes: facility_joins[f].offroad_min,
            label: f as u32,
        })
        .collect()
}

/// For every settlement and every facility, the minutes to the nearest of a set of target
/// facilities and which one (`None` when none can be reached). A target facility is 0 minutes
/// from itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    /// Per settlement.
    pub settlements: Vec<Option<(f64, usize)>>,
    /// Per facility.
    pub facilities: Vec<Option<(f64, usize)>>,
}

impl Reach {
    /// Minutes from every settlement and facility to the nearest of `targets` (facility
    /// indices), ties to the lowest index.
    pub fn nearest_among(&self, targets: &[usize]) -> Nearest {
        self.route(targets, &mut |_, _| {}).0
    }

    /// [`Reach::nearest_among`] for a few places only: the same minutes and facility, bit for
    /// bit, from a search that stops once it has settled them ([`nearest_origin_local`]).
    pub fn nearest_among_for(
        &self,
        targets: &[usize],
        places: &[Site],
    ) -> Vec<Option<(f64, usize)>> {
        let is_target = |f: usize| targets.contains(&f);
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => places
                .iter()
                .map(|&p| {
                    let xy = match p {
                        Site::Settlement(s) => self.settlement_xy[s],
                        Site::Facility(f) if is_target(f) => return Some((0.0, f)),
                        Site::Facility(f) => self.facility_xy[f],
                    };
                    self.straight_nearest(xy, targets, *offroad_m_per_min)
                })
                .collect(),
            Router::Network {
                graph,
                settlement_joins,
                facility_joins,
            } => {
                let join = |p: Site| match p {
                    Site::Settlement(s) => settlement_joins[s],
                    Site::Facility(f) => facility_joins[f],
                };
                let goals: Vec<NodeId> = places.iter().map(|&p| join(p).node).collect();
                let found = nearest_origin_local(graph, &origins(facility_joins, targets), &goals);
                places
                    .iter()
                    .zip(found)
                    .map(|(&p, r)| match p {
                        Site::Facility(f) if is_target(f) => Some((0.0, f)),
                        _ => r.map(|(m, l)| (join(p).offroad_min + m, l as usize)),
                    })
                    .collect()
            }
        }
    }

    /// In straight lines at `m_per_min`: the minutes from `p` to the nearest of `targets` and
    /// which (ties to the lowest index).
    fn straight_nearest(&self, p: Xy, targets: &[usize], m_per_min: f64) -> Option<(f64, usize)> {
        targets
            .iter()
            .map(|&t| (p.distance_m(self.facility_xy[t]) / m_per_min, t))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
    }

    /// Nodes of the routing graph (with the join nodes); 0 without roads.
    pub fn graph_nodes(&self) -> usize {
        match &self.router {
            Router::Network { graph, .. } => graph.node_count(),
            Router::StraightLine { .. } => 0,
        }
    }

    /// Directed arcs of the routing graph; 0 without roads.
    pub fn graph_arcs(&self) -> usize {
        match &self.router {
            Router::Network { graph, .. } => graph.arc_count(),
            Router::StraightLine { .. } => 0,
        }
    }

    fn settlement_offroad_m(&self, i: usize) -> Option<f64> {
        match &self.router {
            Router::Network {
                settlement_joins, ..
            } => Some(settlement_joins[i].offroad_m),
            Router::StraightLine { .. } => None,
        }
    }

    /// The nearest target for everyone, and every graph node's minutes to it.
    fn route(
        &self,
        targets: &[usize],
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> (Nearest, Vec<f64>) {
        let is_target = |f: usize| targets.contains(&f);
        match &self.router {
            Router::StraightLine { offroad_m_per_min } => {
                let nearest = |p: Xy| self.straight_nearest(p, targets, *offroad_m_per_min);
                let facilities = (0..self.facility_xy.len())
                    .map(|f| {
                        if is_target(f) {
                            Some((0.0, f))
                        } else {
                            nearest(self.facility_xy[f])
                        }
                    })
                    .collect();
                let nearest = Nearest {
                    settlements: self.settlement_xy.iter().map(|p| nearest(*p)).collect(),
                    facilities,
                };
                (nearest, Vec::new())
            }
            Router::Network {
                graph,
                settlement_joins,
                facility_joins,
            } => {
                let (minutes, labels) =
                    nearest_origin_progress(graph, &origins(facility_joins, targets), on_progress);
                let at = |j: &Join| {
                    let n = j.node as usize;
                    (labels[n] != UNREACHED)
                        .then(|| (j.offroad_min + minutes[n], labels[n] as usize))
                };
                let facilities = facility_joins
                    .iter()
                    .enumerate()
                    .map(|(f, j)| if is_target(f) { Some((0.0, f)) } else { at(j) })
                    .collect();
                let nearest = Nearest {
                    settlements: settlement_joins.iter().map(at).collect(),
                    facilities,
                };
                (nearest, minutes)
            }
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
    fn packed_entries_order_like_the_chained_comparison() {
        let values = [
            f64::NEG_INFINITY,
            -1.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::from_bits(1),
            f64::MIN_POSITIVE,
            1e-300,
            0.1,
            0.30000000000000004,
            1.0,
            15.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        let entries: Vec<(f64, u32, NodeId)> = values
            .iter()
            .flat_map(|&m| [(m, 0, 7), (m, 1, 0), (m, 1, 3), (m, u32::MAX, u32::MAX)])
            .collect();
        for &a in &entries {
            let (m, l, n) = unpack(pack(a.0, a.1, a.2));
            assert_eq!((m.to_bits(), l, n), (a.0.to_bits(), a.1, a.2));
            for &b in &entries {
                let chained = a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2));
                // Reverse: the max-heap pops the smallest entry first.
                assert_eq!(
                    pack(a.0, a.1, a.2).cmp(&pack(b.0, b.1, b.2)),
                    chained.reverse()
                );
            }
        }
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

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
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
                let mut weight = || match rng.below(4) {
                    0 => 0.1,
                    1 => 1e-17,
                    _ => (1 + rng.below(1000)) as f64 / 7.0,
                };
                if kind != 1 {
                    arcs.push((w[0], w[1], weight()));
                }
                if kind != 2 {
                    arcs.push((w[1], w[0], weight()));
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
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&got_m),
                bits(&want_m),
                "case {case}: {arcs:?} {origins:?}"
            );
            assert_eq!(got_l, want_l, "case {case}: {arcs:?} {origins:?}");
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

    #[test]
    fn local_queries_equal_the_whole_graph_search_bit_for_bit() {
        let layers = crate::devtools::synthetic::generate(20_000, 11);
        for mode in [Mode::Walk, Mode::Drive] {
            let reach = travel_times(&layers, mode, &SpeedTable::default()).unwrap();
            let mut rng = Rng(mode as u64 + 3);
            let f = layers.facilities.len();
            for round in 0..6 {
                let targets: Vec<usize> = (0..1 + round * 2)
                    .map(|_| rng.below(f as u64) as usize)
                    .collect();
                let whole = reach.nearest_among(&targets);
                let mut sites: Vec<Site> = (0..40)
                    .map(|_| Site::Settlement(rng.below(layers.settlements.len() as u64) as usize))
                    .collect();
                sites.extend((0..f).map(Site::Facility));
                let local = reach.nearest_among_for(&targets, &sites);
                for (site, got) in sites.iter().zip(local) {
                    let want = match *site {
                        Site::Settlement(s) => whole.settlements[s],
                        Site::Facility(f) => whole.facilities[f],
                    };
                    assert_eq!(
                        got.map(|(m, l)| (m.to_bits(), l)),
                        want.map(|(m, l)| (m.to_bits(), l)),
                        "{mode:?} {site:?}"
                    );
                }
            }
        }
        // A goal no origin reaches: the search hands over to the whole graph and agrees.
        let reach = travel_times(&layers, Mode::Drive, &SpeedTable::default()).unwrap();
        let Router::Network { graph, .. } = &reach.router else {
            panic!("roads")
        };
        let origin = Origin {
            node: 0,
            minutes: 0.0,
            label: 0,
        };
        let (minutes, labels) = nearest_origin(graph, &[origin]);
        let unreached: Vec<NodeId> = (0..graph.node_count() as NodeId)
            .filter(|&n| labels[n as usize] == UNREACHED)
            .take(3)
            .collect();
        let far = (0..graph.node_count() as NodeId)
            .filter(|&n| labels[n as usize] != UNREACHED)
            .max_by(|&a, &b| minutes[a as usize].total_cmp(&minutes[b as usize]))
            .unwrap();
        let mut goals = unreached.clone();
        goals.push(far);
        let got = nearest_origin_local(graph, &[origin], &goals);
        for (g, r) in goals.iter().zip(got) {
            let g = *g as usize;
            let want = (labels[g] != UNREACHED).then(|| (minutes[g].to_bits(), labels[g]));
            assert_eq!(r.map(|(m, l)| (m.to_bits(), l)), want, "node {g}");
        }
        // Straight lines (no roads).
        let mut no_roads = layers.clone();
        no_roads.roads.clear();
        let reach = travel_times(&no_roads, Mode::Walk, &SpeedTable::default()).unwrap();
        let sites = [Site::Settlement(0), Site::Facility(1), Site::Facility(2)];
        let local = reach.nearest_among_for(&[1, 3], &sites);
        let whole = reach.nearest_among(&[1, 3]);
        assert_eq!(
            local,
            vec![
                whole.settlements[0],
                whole.facilities[1],
                whole.facilities[2]
            ]
        );
    }
}
