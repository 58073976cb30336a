//! The worker's memory accounting. The binary's global allocator (`src/main.rs`) keeps these
//! counters and refuses an allocation that would pass [`LIMIT`] (0: no limit but the
//! browser's), which ends the worker the way a real out-of-memory does; the page then says so
//! and carries on (see `client.rs`). A limit is only set by `?memory_limit_mb=` (tests).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes allocated now.
pub static IN_USE: AtomicUsize = AtomicUsize::new(0);
/// The most bytes ever allocated at once.
pub static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Refuse allocations beyond this many bytes (0: no limit).
pub static LIMIT: AtomicUsize = AtomicUsize::new(0);

/// Whether `size` more bytes may be allocated.
#[inline]
pub fn may_allocate(size: usize) -> bool {
    let limit = LIMIT.load(Ordering::Relaxed);
    limit == 0 || IN_USE.load(Ordering::Relaxed).saturating_add(size) <= limit
}

/// Records `size` bytes allocated.
#[inline]
pub fn allocated(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    if now > PEAK.load(Ordering::Relaxed) {
        PEAK.store(now, Ordering::Relaxed);
    }
}

/// Records `size` bytes freed.
#[inline]
pub fn freed(size: usize) {
    IN_USE.fetch_sub(size, Ordering::Relaxed);
}

/// The memory figures the page shows.
pub fn figures() -> super::protocol::Memory {
    super::protocol::Memory {
        wasm_bytes: (core::arch::wasm32::memory_size(0) * 65536) as f64,
        peak_heap_bytes: PEAK.load(Ordering::Relaxed) as f64,
    }
}
