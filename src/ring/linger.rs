//! When the consumer lingers by sleeping: the policy behind
//! [`Consumer::linger`](super::consumer::Consumer)'s sleep, apart from the
//! ring so that it can be tested alone.
//!
//! A consumer that finds a short run while events arrive fast lets it grow
//! before taking it. It may sleep for that ([`RingBuilder::linger`]) when:
//! - a linger sleep is set, and the ring's batch limit is at least
//!   [`MIN_SLEEP_BATCH`] (a smaller ring fills while the consumer sleeps);
//! - one producer handle exists (two producers contend for the cursor the
//!   whole time the consumer sleeps, which costs more than the sleep saves);
//! - (checked by the consumer, after this) the run grew in one spin pause:
//!   someone is publishing behind it;
//! - no backoff is running: a sleep after which the run had reached half
//!   the ring (or the batch limit) starts one, [`SLEEP_BACKOFF`] lingers that
//!   only spin, doubled each time it repeats, up to [`MAX_SLEEP_BACKOFF`].
//!
//! [`RingBuilder::linger`]: crate::RingBuilder::linger

use std::time::Duration;

/// Lingers that only spin after a sleeping one let the ring fill to half.
pub(super) const SLEEP_BACKOFF: u32 = 64;
/// The longest backoff of [`SLEEP_BACKOFF`]'s doubling.
pub(super) const MAX_SLEEP_BACKOFF: u32 = 1 << 16;
/// The least batch limit (the capacity, by default) at which the consumer
/// lingers by sleeping. One producer on the project's 2-CPU machine
/// publishes ~13 000 `u64` events in a 50 µs sleep; with one producer, rings
/// of 256 to 4096 slots lost 20-40% when they slept, 16 384 broke even, and
/// 65 536 gained ~60% (docs/benchmarks.md).
pub(super) const MIN_SLEEP_BATCH: u64 = 16_384;

/// A consumer's linger-sleep state.
#[derive(Debug)]
pub(super) struct LingerSleep {
    /// How long one linger sleeps; zero: never.
    sleep: Duration,
    /// A run at least this long after a sleep means the producer outran
    /// it: the batch limit (the ring may hold more than the count saw) or
    /// half the capacity, whichever is smaller.
    fill_mark: u64,
    /// Lingers left that only spin; counts down by one per linger.
    backoff_left: u32,
    /// The next backoff's length: [`SLEEP_BACKOFF`] after a sleep that left
    /// room, doubled (up to [`MAX_SLEEP_BACKOFF`]) after each that did not.
    next_backoff: u32,
}

impl LingerSleep {
    /// The state for a ring of `capacity` slots whose runs are at most
    /// `max_batch` events, with the builder's linger `sleep`.
    pub(super) fn new(sleep: Duration, max_batch: u64, capacity: u64) -> Self {
        Self {
            sleep: if max_batch >= MIN_SLEEP_BATCH {
                sleep
            } else {
                Duration::ZERO
            },
            fill_mark: max_batch.min(capacity / 2),
            backoff_left: 0,
            next_backoff: SLEEP_BACKOFF,
        }
    }

    /// Called once per linger: how long this one sleeps, `None` if it spins
    /// instead. `lone_producer`: whether one producer handle exists (asked
    /// only when the rest allows a sleep).
    pub(super) fn begin(&mut self, lone_producer: impl FnOnce() -> bool) -> Option<Duration> {
        if self.sleep.is_zero() || !lone_producer() {
            return None;
        }
        if self.backoff_left > 0 {
            self.backoff_left -= 1;
            return None;
        }
        Some(self.sleep)
    }

    /// Called after a linger's sleep with the run it then found, `len`
    /// events.
    pub(super) fn after_sleep(&mut self, len: u64) {
        if len >= self.fill_mark {
            // The producer outran the sleep (it may have found the ring
            // full): sleeping again soon could stall it again.
            self.backoff_left = self.next_backoff;
            self.next_backoff = self.next_backoff.saturating_mul(2).min(MAX_SLEEP_BACKOFF);
        } else {
            self.next_backoff = SLEEP_BACKOFF;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLEEP: Duration = Duration::from_micros(20);
    const BIG: u64 = 1 << 16;

    #[test]
    fn sleeps_only_with_a_sleep_a_big_ring_and_one_producer() {
        assert_eq!(
            LingerSleep::new(SLEEP, BIG, BIG).begin(|| true),
            Some(SLEEP)
        );
        assert_eq!(LingerSleep::new(SLEEP, BIG, BIG).begin(|| false), None);
        assert_eq!(
            LingerSleep::new(Duration::ZERO, BIG, BIG).begin(|| true),
            None
        );
        assert_eq!(
            LingerSleep::new(SLEEP, MIN_SLEEP_BATCH, BIG).begin(|| true),
            Some(SLEEP)
        );
        assert_eq!(
            LingerSleep::new(SLEEP, MIN_SLEEP_BATCH - 1, BIG).begin(|| true),
            None
        );
    }

    #[test]
    fn a_sleep_that_fills_half_the_ring_backs_off_longer_each_time() {
        let mut linger = LingerSleep::new(SLEEP, BIG, BIG);
        for round in 0..14 {
            assert_eq!(linger.begin(|| true), Some(SLEEP), "round {round}");
            linger.after_sleep(BIG / 2);
            let backoff = (SLEEP_BACKOFF << round).min(MAX_SLEEP_BACKOFF);
            for _ in 0..backoff {
                assert_eq!(linger.begin(|| true), None);
            }
        }
        // Lingers with other producers around neither sleep nor count down.
        assert_eq!(linger.begin(|| false), None);
        assert_eq!(linger.begin(|| true), Some(SLEEP));
        // A sleep that left room resets the backoff's length.
        linger.after_sleep(BIG / 2 - 1);
        assert_eq!(linger.begin(|| true), Some(SLEEP));
        linger.after_sleep(BIG / 2);
        for _ in 0..SLEEP_BACKOFF {
            assert_eq!(linger.begin(|| true), None);
        }
        assert_eq!(linger.begin(|| true), Some(SLEEP));
    }

    #[test]
    fn reaching_the_batch_limit_counts_as_filling() {
        let mut linger = LingerSleep::new(SLEEP, MIN_SLEEP_BATCH, BIG);
        linger.after_sleep(MIN_SLEEP_BATCH);
        assert_eq!(linger.begin(|| true), None);
    }
}
