//! The nearest-facility benchmark problem, shared by the native benchmark
//! (`examples/bench_route.rs`, compared with scipy, igraph and networkx by `scripts/bench.sh`)
//! and the page's timing view (the same pass in WebAssembly): facilities on distinct road
//! nodes drawn with a fixed-seed generator, each starting at 0 minutes with its draw order as
//! its label, so the search is exactly a multi-source Dijkstra from those nodes.

use crate::reach::Origin;

/// The default seed of the facility draw.
pub const SEED: u64 = 20240601;
/// The default number of facilities.
pub const FACILITIES: usize = 30;

/// SplitMix64: a fixed, documented generator, so the facility nodes never depend on a crate.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `count` distinct nodes of `0..node_count` drawn with `seed`, as origins labelled by draw
/// order. `None` when there are fewer nodes than facilities.
pub fn seeded_origins(node_count: usize, count: usize, seed: u64) -> Option<Vec<Origin>> {
    if node_count < count {
        return None;
    }
    let mut rng = SplitMix64(seed);
    let mut nodes: Vec<u32> = Vec::with_capacity(count);
    while nodes.len() < count {
        let node = (rng.next_u64() % node_count as u64) as u32;
        if !nodes.contains(&node) {
            nodes.push(node);
        }
    }
    Some(
        nodes
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

/// FNV-1a over the bytes of a result (every minute's bits, then every label, little-endian):
/// equal checksums mean bit-identical results, across runs, builds and targets.
pub fn checksum(minutes: &[f64], labels: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = minutes
        .iter()
        .flat_map(|m| m.to_bits().to_le_bytes())
        .chain(labels.iter().flat_map(|l| l.to_le_bytes()));
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
        let a = seeded_origins(100, 30, SEED).unwrap();
        assert_eq!(a, seeded_origins(100, 30, SEED).unwrap());
        let mut nodes: Vec<u32> = a.iter().map(|o| o.node).collect();
        nodes.sort();
        nodes.dedup();
        assert_eq!(nodes.len(), 30);
        assert!(a.iter().enumerate().all(|(i, o)| o.label == i as u32));
        assert!(seeded_origins(10, 30, SEED).is_none());
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
