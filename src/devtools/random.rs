//! The one random number generator of the developer tools: SplitMix64 (Steele, Lea and Flood
//! 2014), small, fast and giving the same bits on every platform, so a seed gives the same
//! synthetic network, benchmark draw and demo county everywhere.

/// SplitMix64.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// An independent stream per (seed, tag, index), so that a change in one part of a
    /// generated place does not reshuffle the others.
    pub fn stream(seed: u64, tag: u64, index: u64) -> SplitMix64 {
        SplitMix64(mix(mix(seed ^ mix(tag.wrapping_add(0x5EED))) ^ index))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A whole number in `[0, n)` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// SplitMix64's output function: a good 64-bit hash of `z`.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference output of SplitMix64 seeded with 0 (as in Vigna's C code).
    #[test]
    fn matches_the_reference_sequence() {
        let mut r = SplitMix64(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
