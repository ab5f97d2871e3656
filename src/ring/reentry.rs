//! Re-entrant blocking calls: a thread that waits for room in a ring when only
//! that thread could ever free it.
//!
//! Two ways to get there:
//! - a producer's write closure publishes into the same ring: the thread
//!   holds an unpublished claim at `s`, and the consumer cannot release past
//!   `s` until it is published, which happens only after the closure returns;
//! - a consumer's handler publishes into the same ring: the consumer is this
//!   thread, and it releases nothing until the handler returns.
//!
//! In both cases `released` cannot pass a *limit* (`s`, or the consumer's
//! position) while the thread waits, so a blocking claim that needs
//! `released > limit` would wait forever: it fails instead
//! ([`ClaimError::WouldDeadlock`](super::sequencer::ClaimError)). A claim
//! that needs less keeps waiting: room can still come.
//!
//! Each thread records the ring it holds and the limit in a thread-local,
//! set around every write closure and every handler run: a load and two
//! stores on a line no other thread touches, beside a publish's CAS and
//! Release stores (the cost measured is in `docs/design.md`). It is read only
//! when a blocking claim finds the ring full. One ring per thread is tracked,
//! the outermost held: a publish into ring B from a closure of ring B nested
//! inside a closure of ring A is not detected.

use crate::sync::thread_local_cell;

/// No ring held.
const NONE: (usize, u64) = (0, 0);

thread_local_cell! {
    /// `(ring, limit)`: the ring (its sequencer's address) this thread holds
    /// and the sequence `released` cannot pass while it does; `NONE` if none.
    static HELD: (usize, u64) = NONE;
}

/// Records, until dropped, that this thread holds `ring` so that `released`
/// cannot pass `limit`, unless this thread already holds a ring: then the
/// outer record stays (for the same ring its limit is the lower one, since
/// an inner claim or handler starts later; for another ring, only the
/// outermost is tracked).
#[must_use]
pub(crate) struct Hold {
    /// Whether this hold wrote the record (and so clears it on drop).
    recorded: bool,
}

impl Hold {
    /// A hold that records nothing: for a write that runs no user code.
    #[inline]
    pub(crate) fn none() -> Self {
        Self { recorded: false }
    }

    #[inline]
    pub(crate) fn new(ring: usize, limit: u64) -> Self {
        let recorded = HELD.with(|held| {
            let free = held.get().0 == NONE.0;
            if free {
                held.set((ring, limit));
            }
            free
        });
        Self { recorded }
    }
}

impl Drop for Hold {
    #[inline]
    fn drop(&mut self) {
        if self.recorded {
            HELD.with(|held| held.set(NONE));
        }
    }
}

/// The limit `released` cannot pass while this thread waits, if it holds
/// `ring` (see the module docs).
pub(crate) fn held_limit(ring: usize) -> Option<u64> {
    let (held, limit) = HELD.with(|held| held.get());
    (held == ring && ring != NONE.0).then_some(limit)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn holds_nest_and_unwind() {
        assert_eq!(held_limit(8), None);
        {
            let _outer = Hold::new(8, 5);
            assert_eq!(held_limit(8), Some(5));
            {
                let _inner = Hold::new(8, 9); // a later claim in the same ring
                assert_eq!(held_limit(8), Some(5));
                let _other = Hold::new(16, 1); // only the outermost is tracked
                assert_eq!((held_limit(8), held_limit(16)), (Some(5), None));
            }
            assert_eq!(held_limit(8), Some(5));
        }
        assert_eq!(held_limit(8), None);
        let unwound = std::panic::catch_unwind(|| {
            let _hold = Hold::new(8, 2);
            assert_eq!(held_limit(8), Some(2));
            std::panic::resume_unwind(Box::new("planted"));
        });
        assert!(unwound.is_err());
        assert_eq!(held_limit(8), None);
    }
}
