//! Which ring capacities are valid: powers of two from 1 to [`MAX_CAPACITY`],
//! and small enough that the slots fit in memory.
//!
//! A leaf module (it imports nothing from the crate): the builder checks a
//! capacity with it and the sequencer asserts it.

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

/// The largest power of two ≤ `n` (`n ≥ 1`).
fn prev_power_of_two(n: usize) -> usize {
    debug_assert!(n >= 1);
    1 << (usize::BITS - 1 - n.leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

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
