//! Randomness that gives the same bits everywhere: SplitMix64, one independent stream per
//! (seed, tag, index), so that a change in one part of the county does not reshuffle the others.

/// SplitMix64's output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64, one independent stream per (seed, tag, index), so that a change in one part of
/// the county does not reshuffle the others.
#[derive(Clone, Debug)]
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn stream(seed: u64, tag: u64, index: u64) -> Rng {
        Rng(mix(mix(seed ^ mix(tag.wrapping_add(0x5EED))) ^ index))
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub(super) fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Stream tags.
pub(super) const T_LATTICE: u64 = 1;
pub(super) const T_BLOB: u64 = 2;
pub(super) const T_SPLIT: u64 = 3;
pub(super) const T_NAMES: u64 = 4;
pub(super) const T_SETTLE: u64 = 5;
pub(super) const T_ROAD: u64 = 6;
