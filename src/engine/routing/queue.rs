//! The search queue's entries: time, label and node packed into one integer.

use crate::engine::network::NodeId;
use std::cmp::Reverse;
use std::hash::{BuildHasherDefault, Hasher};

/// A hash map keyed by node, for the searches that hold only the nodes they reach: node
/// numbers need no keyed hash, and a multiplication spreads them (profiling the rules on the
/// demo county found the default hasher among the largest costs).
pub(super) type NodeMap<V> = std::collections::HashMap<NodeId, V, BuildHasherDefault<NodeHasher>>;

/// A set of nodes, hashed as [`NodeMap`].
pub(super) type NodeSet = std::collections::HashSet<NodeId, BuildHasherDefault<NodeHasher>>;

/// The hasher of [`NodeMap`]: the node number times an odd constant.
#[derive(Default)]
pub(super) struct NodeHasher(u64);

impl Hasher for NodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A queue entry packed into one integer whose order is exactly that of (minutes by
/// [`f64::total_cmp`], label, node), so the heap compares entries with a single `u128`
/// comparison: the minutes' bits (mapped so that unsigned order is `total_cmp` order) in the
/// high 64 bits, then the label, then the node. The search pops entries in the same order as
/// with the three comparisons chained, so its results are bit for bit the same; profiling the
/// search on a 346,000-node network showed the chained comparisons inside the heap to be its
/// largest cost.
#[inline]
pub(super) fn pack(minutes: f64, label: u32, node: NodeId) -> Reverse<u128> {
    Reverse(((ordered_bits(minutes) as u128) << 64) | ((label as u128) << 32) | node as u128)
}

/// The inverse of [`pack`].
#[inline]
pub(super) fn unpack(Reverse(item): Reverse<u128>) -> (f64, u32, NodeId) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
