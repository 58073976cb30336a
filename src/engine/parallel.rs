//! Work split over the machine's cores, the one place that decides how: natively, a slice is cut
//! into one part per core (at most [`MAX_PARTS`]) and each part runs on a scoped thread; in the
//! browser's worker (wasm32, which has no threads) and for small slices, it runs as one part on
//! the calling thread. Either way the results come back in the slice's order and are the same,
//! bit for bit: a part sees only its own items.

/// The most parts a slice is cut into.
pub const MAX_PARTS: usize = 8;

/// Below this many items a slice runs as one part: a thread costs tens of microseconds.
pub const MIN_ITEMS_PER_PART: usize = 4096;

/// How many parts `len` items are cut into here.
pub fn parts_for(len: usize) -> usize {
    if cfg!(target_arch = "wasm32") {
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores
        .clamp(1, MAX_PARTS)
        .min(len / MIN_ITEMS_PER_PART)
        .max(1)
}

/// `f` over each part of `items` (cut as [`parts_for`] says, consecutive and in order), the
/// parts' results concatenated in order. `f` is given the index of the part's first item.
///
/// # Examples
/// ```
/// use medreach::engine::parallel::map_parts;
/// let items: Vec<u64> = (0..100_000).collect();
/// let squares = map_parts(&items, |_, part| part.iter().map(|x| x * x).collect());
/// assert_eq!(squares[99_999], 99_999 * 99_999);
/// assert_eq!(squares.len(), items.len());
/// ```
pub fn map_parts<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &[T]) -> Vec<R> + Sync,
{
    let parts = parts_for(items.len());
    if parts == 1 {
        return f(0, items);
    }
    let size = items.len().div_ceil(parts);
    let f = &f;
    let mut results: Vec<Vec<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(size)
            .enumerate()
            .skip(1)
            .map(|(k, part)| scope.spawn(move || f(k * size, part)))
            .collect();
        // The calling thread does the first part while the others run.
        let mut results = vec![f(0, &items[..size.min(items.len())])];
        for h in handles {
            match h.join() {
                Ok(r) => results.push(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    let mut all = std::mem::take(&mut results[0]);
    all.reserve(items.len().saturating_sub(all.len()));
    for r in results.into_iter().skip(1) {
        all.extend(r);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_back_in_order_with_their_offsets() {
        for len in [0, 1, 4095, 4096 * 3 + 7, 100_003] {
            let items: Vec<usize> = (0..len).collect();
            let got = map_parts(&items, |first, part| {
                part.iter()
                    .enumerate()
                    .map(|(k, &x)| {
                        assert_eq!(first + k, x, "the offset names the part's first item");
                        x * 3
                    })
                    .collect()
            });
            assert_eq!(got, items.iter().map(|x| x * 3).collect::<Vec<_>>());
        }
    }

    #[test]
    fn small_slices_run_as_one_part() {
        assert_eq!(parts_for(0), 1);
        assert_eq!(parts_for(MIN_ITEMS_PER_PART - 1), 1);
        assert!(parts_for(usize::MAX / 2) <= MAX_PARTS);
    }
}
