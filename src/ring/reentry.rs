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
//! when a blocking claim finds the ring full. Two rings per thread are
//! tracked, the two outermost held: so a claim in ring B made while this
//! thread consumes ring A (the logger's writer thread, which holds its ring
//! for its whole life, calling a sink that logs into another logger) is
//! still seen. A third ring nested inside those two is not.

use crate::sync::thread_local_cell;

/// No ring held.
const NONE: (usize, u64) = (0, 0);

thread_local_cell! {
    /// `(ring, limit)`: the ring (its sequencer's address) this thread holds
    /// and the sequence `released` cannot pass while it does; `NONE` if none.
    static HELD: (usize, u64) = NONE;
}

thread_local_cell! {
    /// A second ring held inside the first (`NONE` if none): recorded only
    /// while `HELD` holds another ring.
    static HELD_INNER: (usize, u64) = NONE;
}

/// Records, until dropped, that this thread holds `ring` so that `released`
/// cannot pass `limit`, unless this thread already holds that ring: then the
/// outer record stays (its limit is the lower one, since an inner claim or
/// handler starts later). A second ring is recorded beside the first; a
/// third is not tracked.
#[must_use]
pub(crate) struct Hold {
    /// Which record this hold wrote (and so clears on drop).
    recorded: Recorded,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Recorded {
    Nothing,
    Outer,
    Inner,
}

impl Hold {
    #[inline]
    pub(crate) fn new(ring: usize, limit: u64) -> Self {
        let outer = HELD.with(|held| held.get()).0;
        let recorded = if outer == NONE.0 {
            HELD.with(|held| held.set((ring, limit)));
            Recorded::Outer
        } else if outer != ring && HELD_INNER.with(|inner| inner.get()).0 == NONE.0 {
            // Not the hot path: only a thread already holding another ring
            // (the logger's writer thread, a nested publish) gets here.
            HELD_INNER.with(|inner| inner.set((ring, limit)));
            Recorded::Inner
        } else {
            Recorded::Nothing
        };
        Self { recorded }
    }
}

impl Drop for Hold {
    #[inline]
    fn drop(&mut self) {
        match self.recorded {
            Recorded::Nothing => {}
            Recorded::Outer => HELD.with(|held| held.set(NONE)),
            Recorded::Inner => HELD_INNER.with(|inner| inner.set(NONE)),
        }
    }
}

/// The limit `released` cannot pass while this thread waits, if it holds
/// `ring` (see the module docs).
#[inline]
pub(crate) fn held_limit(ring: usize) -> Option<u64> {
    if ring == NONE.0 {
        return None;
    }
    let (held, limit) = HELD.with(|held| held.get());
    if held == ring {
        return Some(limit);
    }
    let (inner, limit) = HELD_INNER.with(|inner| inner.get());
    (inner == ring).then_some(limit)
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
                let other = Hold::new(16, 1); // a second ring is tracked too
                assert_eq!((held_limit(8), held_limit(16)), (Some(5), Some(1)));
                let third = Hold::new(24, 3); // a third is not
                assert_eq!(held_limit(24), None);
                drop(third);
                drop(other);
                assert_eq!(held_limit(16), None);
                let _again = Hold::new(32, 7); // the inner record is free again
                assert_eq!(held_limit(32), Some(7));
            }
            assert_eq!(held_limit(32), None);
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
