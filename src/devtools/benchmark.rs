//! The nearest-facility benchmark problem, shared by the native benchmark
//! (`examples/bench_route.rs`, compared with scipy, igraph and networkx by `scripts/bench.sh`)
//! and the page's timing view (the same pass in WebAssembly): facilities on distinct road
//! nodes drawn with a fixed-seed generator from the nodes in road order, each starting at 0
//! minutes with its draw order as its label, so the search is exactly a multi-source Dijkstra
//! from those nodes.

use super::random::SplitMix64;
use crate::engine::network::{NodeId, RoadNetwork};
use crate::engine::routing::Origin;

/// The default seed of the facility draw.
pub const SEED: u64 = 20240601;
/// The default number of facilities.
pub const FACILITIES: usize = 30;

/// The network's nodes in the order they first appear along its segments (each segment's
/// start, then its end). The facility draw picks from this list, so it stays the same problem
/// however the network numbers its nodes.
pub fn nodes_in_road_order(network: &RoadNetwork) -> Vec<NodeId> {
    let mut seen = vec![false; network.nodes.len()];
    let mut order = Vec::with_capacity(network.nodes.len());
    for s in &network.segments {
        for n in [s.a, s.b] {
            if !std::mem::replace(&mut seen[n as usize], true) {
                order.push(n);
            }
        }
    }
    order
}

/// `count` distinct nodes of `candidates` drawn with `seed` (SplitMix64, each draw an index
/// into `candidates` modulo its length, repeats skipped), as origins labelled by draw order.
/// `None` when there are fewer candidates than facilities.
pub fn seeded_origins(candidates: &[NodeId], count: usize, seed: u64) -> Option<Vec<Origin>> {
    if candidates.len() < count {
        return None;
    }
    let mut rng = SplitMix64(seed);
    let mut picked: Vec<NodeId> = Vec::with_capacity(count);
    while picked.len() < count {
        let node = candidates[rng.below(candidates.len() as u64) as usize];
        if !picked.contains(&node) {
            picked.push(node);
        }
    }
    Some(
        picked
            .into_iter()
            .enumerate()
            .map(|(i, node)| Origin {
                node,
                minutes: 0.0,
                label: i as u32,
            })
            .collect(),
    )
}

/// FNV-1a over the bytes of a result taken in the order of `nodes` (every minute's bits, then
/// every label, little-endian): equal checksums mean bit-identical results, across runs,
/// builds and targets. With [`nodes_in_road_order`] it does not depend on how the network
/// numbers its nodes.
pub fn checksum(minutes: &[f64], labels: &[u32], nodes: &[NodeId]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = nodes
        .iter()
        .flat_map(|&n| minutes[n as usize].to_bits().to_le_bytes())
        .chain(nodes.iter().flat_map(|&n| labels[n as usize].to_le_bytes()));
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The median of `v` (sorted in place); 0 when empty.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_distinct_deterministic_and_labelled_in_order() {
        let candidates: Vec<NodeId> = (0..100).map(|i| 1000 - 7 * i).collect();
        let a = seeded_origins(&candidates, 30, SEED).unwrap();
        assert_eq!(a, seeded_origins(&candidates, 30, SEED).unwrap());
        assert!(a.iter().all(|o| candidates.contains(&o.node)));
        let mut nodes: Vec<u32> = a.iter().map(|o| o.node).collect();
        nodes.sort();
        nodes.dedup();
        assert_eq!(nodes.len(), 30);
        assert!(a.iter().enumerate().all(|(i, o)| o.label == i as u32));
        assert!(seeded_origins(&candidates[..10], 30, SEED).is_none());
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
