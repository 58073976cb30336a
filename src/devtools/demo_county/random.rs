//! Randomness that gives the same bits everywhere: SplitMix64, one independent stream per
//! (seed, tag, index), so that a change in one part of the county does not reshuffle the others.

use crate::devtools::random::SplitMix64;

/// SplitMix64 ([`crate::devtools::random`]), one independent stream per (seed, tag, index),
/// so that a change in one part of the county does not reshuffle the others.
#[derive(Clone, Debug)]
pub(super) struct Rng(SplitMix64);

impl Rng {
    pub(super) fn stream(seed: u64, tag: u64, index: u64) -> Rng {
        Rng(SplitMix64::stream(seed, tag, index))
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        self.0.unit()
    }
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
    pub(super) fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.0.below(hi - lo + 1)
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
