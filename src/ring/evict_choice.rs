//! Whether the consumer evicts the lines it releases (`evict.rs`): never,
//! always, or by measurement ([`Evict::Adaptive`]; the default, by the
//! ring's size, is in `builder.rs`).
//!
//! Eviction trades a snoop of the consumer's core for a memory fetch on the
//! producers' next lap. Which is cheaper depends on where the threads run
//! and on what the machine is doing, and can change within a second: on the
//! project's 2-CPU guest it was 2-3× faster while a cache line took ~300 ns
//! to cross between the CPUs, and 20-55% slower while lines crossed in
//! ~65 ns with the threads pinned, or with producer and consumer on one CPU
//! (docs/benchmarks.md). So the adaptive choice measures: it times epochs of
//! [`EPOCH_EVENTS`] consumed events with and without eviction, evicts only
//! if that was clearly faster ([`MARGIN_NUM`]/[`MARGIN_DEN`]), holds the
//! choice for [`HOLD_EPOCHS`] epochs, and then measures both again (sooner
//! if an epoch takes twice as long as the one the choice was made on, which
//! is what a change of phase looks like).
//!
//! The time of an epoch is wall time, idle included: a consumer that keeps
//! up with steadily paced producers sees the same time either way, and does
//! not evict (a tie is not evicting). Under bursty load the two measured
//! epochs may differ by their load rather than by eviction, and the choice
//! they make holds for [`HOLD_EPOCHS`] epochs (or until an epoch takes twice
//! as long): a limit of measuring with the wall clock, which is read once per
//! epoch.

use std::time::Instant;

/// Whether the consumer evicts the cache lines of the runs it releases
/// ([`RingBuilder::evict_consumed`](crate::RingBuilder::evict_consumed)).
///
/// Without a choice, a ring evicts if its markers and slots take at least
/// [`EVICT_MIN_BYTES`](crate::EVICT_MIN_BYTES). Eviction needs x86_64
/// `clflushopt` (detected when the ring is built); elsewhere, and under Miri
/// and loom, every choice means [`Evict::Never`].
///
/// # Examples
///
/// ```
/// use ringlog::Evict;
/// assert_eq!(Evict::from(true), Evict::Always);
/// assert_eq!(Evict::from(false), Evict::Never);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evict {
    /// Never evict.
    Never,
    /// Evict every released run.
    Always,
    /// Evict while measurement says it is clearly faster: epochs of 2^18
    /// events with and without eviction, compared every 32 epochs (see
    /// [`RingBuilder::evict_consumed`](crate::RingBuilder::evict_consumed)).
    Adaptive,
}

impl From<bool> for Evict {
    /// `true` is [`Evict::Always`], `false` [`Evict::Never`].
    fn from(evict: bool) -> Self {
        if evict {
            Self::Always
        } else {
            Self::Never
        }
    }
}

/// Events consumed per measured epoch: ~1.5 ms at 180 M events/s, ~13 ms at
/// 20 M/s; long against a wake-up, short against a bench run.
pub(crate) const EPOCH_EVENTS: u64 = 1 << 18;
/// Epochs a choice holds before both ways are measured again.
pub(crate) const HOLD_EPOCHS: u32 = 32;
/// Evict only if an epoch with eviction took less than
/// `MARGIN_NUM / MARGIN_DEN` of the time of one without: the gain it is for
/// is 2-3×, and epoch times are noisy.
pub(crate) const MARGIN_NUM: u64 = 4;
/// See [`MARGIN_NUM`].
pub(crate) const MARGIN_DEN: u64 = 5;

/// Where the adaptive choice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// The first epoch (page faults, thread start): not measured.
    WarmUp,
    /// Measuring one way; then the other (`other` is `None`), or deciding
    /// (`other` is the other way's epoch time, in ns).
    Measure { evicting: bool, other: Option<u64> },
    /// Holding the choice `evicting`, made on an epoch of `base` ns, for
    /// `left` more epochs.
    Hold {
        evicting: bool,
        left: u32,
        base: u64,
    },
}

/// The consumer's running choice: whether to evict the next release.
#[derive(Debug)]
pub(crate) struct EvictChoice {
    evicting: bool,
    /// `None` for [`Evict::Never`] and [`Evict::Always`]: nothing to measure.
    adaptive: Option<Adaptive>,
}

#[derive(Debug)]
struct Adaptive {
    step: Step,
    /// Which way the next measurement starts with (alternates, so that
    /// neither way always runs first after a change).
    evict_first: bool,
    /// Events consumed in this epoch.
    events: u64,
    /// When this epoch began (`None` until the first event).
    started: Option<Instant>,
}

impl EvictChoice {
    /// The choice for `evict` on a machine where eviction is `available`.
    pub(crate) fn new(evict: Evict, available: bool) -> Self {
        match (evict, available) {
            (Evict::Always, true) => Self {
                evicting: true,
                adaptive: None,
            },
            // The warm-up, and the first measurement, evict: where
            // eviction pays most (2-3×), the ring runs with it from the
            // start; elsewhere, one or two epochs' worth of it is measured
            // and dropped.
            (Evict::Adaptive, true) => Self {
                evicting: true,
                adaptive: Some(Adaptive {
                    step: Step::WarmUp,
                    evict_first: true,
                    events: 0,
                    started: None,
                }),
            },
            _ => Self {
                evicting: false,
                adaptive: None,
            },
        }
    }

    /// Whether the run being released now is evicted.
    #[inline]
    pub(crate) fn evicting(&self) -> bool {
        self.evicting
    }

    /// Counts `n` released events; at an epoch's end, reads the clock and
    /// moves the choice on.
    #[inline]
    pub(crate) fn released(&mut self, n: u64) {
        let Some(adaptive) = &mut self.adaptive else {
            return;
        };
        if adaptive.started.is_none() {
            adaptive.started = Some(Instant::now());
        }
        adaptive.events += n;
        if adaptive.events >= EPOCH_EVENTS {
            self.evicting = adaptive.epoch_ended(Instant::now());
        }
    }
}

/// The time of an epoch that took `ns` for `events` events, scaled to
/// [`EPOCH_EVENTS`] events (an epoch ends at the first release that reaches
/// it, so it can overshoot by a run); saturates at `u64::MAX` ns.
fn per_epoch(ns: u128, events: u64) -> u64 {
    let scaled = ns.saturating_mul(u128::from(EPOCH_EVENTS)) / u128::from(events.max(1));
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

impl Adaptive {
    /// Ends the epoch at `now` and starts the next; whether it evicts.
    #[cold]
    fn epoch_ended(&mut self, now: Instant) -> bool {
        let started = self.started.unwrap_or(now);
        let ns = per_epoch(now.duration_since(started).as_nanos(), self.events);
        self.events = 0;
        self.started = Some(now);
        self.next(ns)
    }

    /// Moves on after an epoch that took `ns` (per [`EPOCH_EVENTS`]
    /// events); whether the next epoch evicts.
    fn next(&mut self, ns: u64) -> bool {
        let (step, evicting) = match self.step {
            Step::WarmUp => self.measure(),
            Step::Measure {
                evicting,
                other: None,
            } => (
                Step::Measure {
                    evicting: !evicting,
                    other: Some(ns),
                },
                !evicting,
            ),
            Step::Measure {
                evicting,
                other: Some(other),
            } => {
                let (with, without) = if evicting { (ns, other) } else { (other, ns) };
                let evict = with.saturating_mul(MARGIN_DEN) < without.saturating_mul(MARGIN_NUM);
                let base = if evict { with } else { without };
                (
                    Step::Hold {
                        evicting: evict,
                        left: HOLD_EPOCHS,
                        base,
                    },
                    evict,
                )
            }
            Step::Hold {
                evicting,
                left,
                base,
            } => {
                if left <= 1 || ns > base.saturating_mul(2) {
                    self.measure()
                } else {
                    (
                        Step::Hold {
                            evicting,
                            left: left - 1,
                            base,
                        },
                        evicting,
                    )
                }
            }
        };
        self.step = step;
        evicting
    }

    /// Starts measuring, with the way whose turn it is.
    fn measure(&mut self) -> (Step, bool) {
        let evicting = self.evict_first;
        self.evict_first = !self.evict_first;
        (
            Step::Measure {
                evicting,
                other: None,
            },
            evicting,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adaptive() -> Adaptive {
        match EvictChoice::new(Evict::Adaptive, true).adaptive {
            Some(adaptive) => adaptive,
            None => unreachable!("an available adaptive choice measures"),
        }
    }

    /// Runs the warm-up and one measurement of both ways, with eviction
    /// taking `with` ns and without it `without`; returns whether it then
    /// evicts. The first measurement starts with eviction.
    fn measure(a: &mut Adaptive, with: u64, without: u64) -> bool {
        assert!(a.next(1_000), "the first measurement starts evicting");
        assert!(!a.next(with), "the second epoch measures without");
        a.next(without)
    }

    #[test]
    fn fixed_choices_and_a_cpu_that_cannot_evict_never_measure() {
        for (evict, available, evicting) in [
            (Evict::Never, true, false),
            (Evict::Always, true, true),
            (Evict::Always, false, false),
            (Evict::Adaptive, false, false),
        ] {
            let mut choice = EvictChoice::new(evict, available);
            assert!(
                choice.adaptive.is_none(),
                "{evict:?}, available {available}"
            );
            for _ in 0..4 {
                choice.released(EPOCH_EVENTS);
                assert_eq!(
                    choice.evicting(),
                    evicting,
                    "{evict:?}, available {available}"
                );
            }
        }
    }

    #[test]
    fn adaptive_starts_evicting_and_measures_after_a_warm_up() {
        let mut choice = EvictChoice::new(Evict::Adaptive, true);
        assert!(choice.evicting());
        choice.released(EPOCH_EVENTS - 1);
        assert_eq!(
            choice.adaptive.as_ref().map(|a| a.step),
            Some(Step::WarmUp),
            "an epoch ended early"
        );
        choice.released(1);
        assert_eq!(
            choice.adaptive.as_ref().map(|a| a.step),
            Some(Step::Measure {
                evicting: true,
                other: None
            })
        );
        assert!(choice.evicting());
    }

    #[test]
    fn evicts_only_when_that_was_clearly_faster() {
        let mut a = adaptive();
        assert!(
            measure(&mut a, 700_000, 1_000_000),
            "30% faster with eviction"
        );
        let mut a = adaptive();
        assert!(
            !measure(&mut a, 900_000, 1_000_000),
            "10% is within the noise"
        );
        let mut a = adaptive();
        assert!(
            !measure(&mut a, 2_000_000, 1_000_000),
            "slower with eviction"
        );
    }

    #[test]
    fn the_way_measured_first_alternates() {
        let mut a = adaptive();
        assert!(measure(&mut a, 500_000, 1_000_000));
        for _ in 1..HOLD_EPOCHS {
            assert!(a.next(500_000), "a held choice changed");
        }
        // The re-measurement starts without eviction; now eviction is the
        // slower.
        assert!(
            !a.next(500_000),
            "the re-measurement starts without eviction"
        );
        assert!(a.next(900_000), "then measures with eviction");
        assert!(!a.next(1_000_000), "chose eviction though it was slower");
    }

    #[test]
    fn a_choice_holds_then_is_measured_again() {
        let mut a = adaptive();
        assert!(measure(&mut a, 500_000, 1_000_000));
        for epoch in 0..HOLD_EPOCHS - 1 {
            assert!(a.next(500_000), "epoch {epoch} of the hold");
            assert!(matches!(a.step, Step::Hold { .. }));
        }
        a.next(500_000);
        assert!(
            matches!(a.step, Step::Measure { other: None, .. }),
            "not measuring after {HOLD_EPOCHS} epochs: {:?}",
            a.step
        );
    }

    #[test]
    fn an_epoch_twice_as_slow_as_the_choice_measures_again_at_once() {
        let mut a = adaptive();
        assert!(measure(&mut a, 500_000, 1_000_000));
        assert!(a.next(900_000), "1.8× is still held");
        assert!(matches!(a.step, Step::Hold { .. }));
        a.next(1_100_000);
        assert!(
            matches!(a.step, Step::Measure { other: None, .. }),
            "2.2× the base did not start a measurement: {:?}",
            a.step
        );
    }

    #[test]
    fn an_epoch_that_overshoots_counts_as_one() {
        let mut choice = EvictChoice::new(Evict::Adaptive, true);
        // Past the warm-up, into the first measurement (with eviction).
        choice.released(EPOCH_EVENTS);
        // One release of two epochs' events ends one epoch, not two: the
        // choice moves to the second half of the measurement.
        choice.released(2 * EPOCH_EVENTS);
        assert!(!choice.evicting(), "the second measurement does not evict");
        assert!(
            matches!(
                choice.adaptive.as_ref().map(|a| a.step),
                Some(Step::Measure {
                    evicting: false,
                    other: Some(_)
                })
            ),
            "{:?}",
            choice.adaptive.as_ref().map(|a| a.step)
        );
        assert_eq!(choice.adaptive.as_ref().map(|a| a.events), Some(0));
    }

    #[test]
    fn epoch_times_are_scaled_to_the_epoch_length() {
        assert_eq!(per_epoch(1_000_000, EPOCH_EVENTS), 1_000_000);
        assert_eq!(per_epoch(2_000_000, 2 * EPOCH_EVENTS), 1_000_000);
        assert_eq!(
            per_epoch(1_500_000, EPOCH_EVENTS + EPOCH_EVENTS / 2),
            1_000_000
        );
        // No events (cannot happen: an epoch ends on reaching EPOCH_EVENTS)
        // and times beyond u64 saturate instead of wrapping.
        assert_eq!(per_epoch(7, 0), 7 * EPOCH_EVENTS);
        assert_eq!(per_epoch(u128::from(u64::MAX) * 4, EPOCH_EVENTS), u64::MAX);
    }
}
