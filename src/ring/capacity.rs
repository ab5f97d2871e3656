//! Which ring capacities are valid: powers of two from 1 to [`MAX_CAPACITY`],
//! and small enough that the slots fit in memory.
//!
//! A leaf module (it imports nothing from the crate): the builder checks a
//! capacity with it, the sequencer asserts it, and
//! [`BuildError`](crate::BuildError)'s message suggests valid capacities
//! with it.

/// The largest capacity a ring may have (2^30 slots).
///
/// # Examples
///
/// ```
/// use ringlog::{BuildError, RingBuilder, MAX_CAPACITY};
/// let err = RingBuilder::new(MAX_CAPACITY * 2).build::<u8>().unwrap_err();
/// assert!(matches!(err, BuildError::CapacityTooLarge { max: MAX_CAPACITY, .. }));
/// ```
pub const MAX_CAPACITY: usize = 1 << 30;

/// The largest valid capacity for slots of `slot_size` bytes: at most
/// [`MAX_CAPACITY`], and small enough that the slots and their 8-byte publish
/// markers fit one allocation (`isize::MAX` bytes). A power of two, or 0 if
/// not even one slot fits.
pub(crate) fn max_for_slot_size(slot_size: usize) -> usize {
    let per_slot = slot_size.max(1).saturating_add(8);
    let by_memory = isize::MAX as usize / per_slot;
    if by_memory == 0 {
        return 0;
    }
    MAX_CAPACITY.min(prev_power_of_two(by_memory))
}

/// The valid capacities nearest to `n`: the largest power of two below it (if
/// `n > 1`) and the smallest above it, each only if it is at most
/// [`MAX_CAPACITY`] (a value above the maximum gets the maximum as its lower
/// neighbour). For a power of two, `n` itself is not among them.
pub(crate) fn neighbours(n: usize) -> (Option<usize>, Option<usize>) {
    if n == 0 {
        return (None, Some(1));
    }
    if n > MAX_CAPACITY {
        return (Some(MAX_CAPACITY), None);
    }
    let below = if n.is_power_of_two() {
        n / 2
    } else {
        prev_power_of_two(n)
    };
    // n ≤ MAX_CAPACITY = 2^30, so doubling `prev_power_of_two(n)` cannot
    // overflow; it is only kept if it stays within the maximum.
    let above = prev_power_of_two(n) * 2;
    (
        (below >= 1).then_some(below),
        (above <= MAX_CAPACITY).then_some(above),
    )
}

/// The largest power of two ≤ `n` (`n ≥ 1`).
fn prev_power_of_two(n: usize) -> usize {
    debug_assert!(n >= 1);
    1 << (usize::BITS - 1 - n.leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_of_edge_values_are_valid_capacities() {
        assert_eq!(neighbours(0), (None, Some(1)));
        assert_eq!(neighbours(1), (None, Some(2)));
        assert_eq!(neighbours(3), (Some(2), Some(4)));
        assert_eq!(neighbours(100), (Some(64), Some(128)));
        assert_eq!(neighbours(MAX_CAPACITY), (Some(MAX_CAPACITY / 2), None));
        assert_eq!(
            neighbours(MAX_CAPACITY - 1),
            (Some(MAX_CAPACITY / 2), Some(MAX_CAPACITY))
        );
        assert_eq!(neighbours(MAX_CAPACITY + 1), (Some(MAX_CAPACITY), None));
        assert_eq!(neighbours(usize::MAX), (Some(MAX_CAPACITY), None));
    }

    #[test]
    fn max_for_slot_size_is_a_valid_capacity() {
        assert_eq!(max_for_slot_size(0), MAX_CAPACITY);
        assert_eq!(max_for_slot_size(1), MAX_CAPACITY);
        for size in [1usize << 20, 1 << 40, isize::MAX as usize / 2 - 8] {
            let max = max_for_slot_size(size);
            assert!(
                max.is_power_of_two() && max <= MAX_CAPACITY,
                "{size}: {max}"
            );
        }
        assert!(max_for_slot_size(1 << 40) < 1 << 24);
        assert_eq!(max_for_slot_size(isize::MAX as usize / 2 - 8), 2);
        // Not even one slot fits an allocation.
        assert_eq!(max_for_slot_size(isize::MAX as usize), 0);
        assert_eq!(max_for_slot_size(usize::MAX), 0);
    }
}
