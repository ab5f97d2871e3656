//! Wait strategies: what a side of the ring does while it cannot make progress.
//!
//! Both sides wait with the same strategy: the consumer while the ring is empty,
//! a blocking producer while the ring is full. A strategy is a *policy* only. It
//! answers "spin, yield, or park?" for the n-th consecutive failed attempt.
//! The *mechanism* that makes parking safe (the sleeper flags that mean no wake-up
//! is ever lost) belongs to the ring, so no strategy can get it wrong.
//!
//! | strategy | waits by | use when |
//! |---|---|---|
//! | [`BusySpin`] | `spin_loop` only | every spinning thread has a core of its own |
//! | [`Yield`] | spin, then `yield_now` | low latency, threads may share cores |
//! | [`Park`] (default) | spin, yield, then sleep until woken | idle time should cost no CPU |
//! | [`Sleep`] | spin, yield, then sleep in growing steps, never woken | the *other* side must never pay for a wake-up (a log writer) |
//!
//! With more spinning threads than cores, [`BusySpin`] burns the time slices
//! that the thread it waits for needs. It still finishes, because the OS preempts,
//! but slowly. Prefer [`Yield`] or [`Park`] there.
//!
//! # Examples
//!
//! ```
//! use ringlog::{BusySpin, Park, RingBuilder, Sleep, Yield};
//!
//! let (_p, _c) = RingBuilder::new(64).wait_strategy(BusySpin).build::<u64>()?;
//! let (_p, _c) = RingBuilder::new(64).wait_strategy(Yield::default()).build::<u64>()?;
//! let (_p, _c) = RingBuilder::new(64).wait_strategy(Park::new(100, 10)).build::<u64>()?;
//! let (_p, _c) = RingBuilder::new(64).wait_strategy(Sleep::default()).build::<u64>()?;
//! # Ok::<(), ringlog::BuildError>(())
//! ```

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::fmt;
use std::time::{Duration, Instant};

/// What a waiting side does on one failed attempt. See [`WaitStrategy`].
///
/// # Examples
///
/// ```
/// use ringlog::{Park, WaitAction, WaitStrategy};
/// let park = Park::new(1, 1);
/// assert_eq!(park.action(0), WaitAction::Spin);
/// assert_eq!(park.action(1), WaitAction::Yield);
/// assert_eq!(park.action(2), WaitAction::Park);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitAction {
    /// Issue a spin-loop hint and try again.
    Spin,
    /// Give up the time slice and try again.
    Yield,
    /// Sleep until the other side signals progress (or a deadline passes).
    Park,
    /// Sleep for this long, then try again, without asking to be woken: the
    /// other side never pays for a wake-up. (Under loom: a yield.)
    Sleep(Duration),
}

/// How a side of the ring waits for the other.
///
/// `action(attempt)` is called with `attempt = 0, 1, 2, …` for consecutive
/// failed attempts of one wait; the ring performs the action and tries again.
/// It must not panic for any `attempt` (the count saturates at `u32::MAX`,
/// and [`RingBuilder::build`](crate::RingBuilder::build) asks for
/// `action(u32::MAX)` once, unless a linger is set, to tell a strategy that
/// only spins: see [`RingBuilder::linger`](crate::RingBuilder::linger)).
/// Returning [`WaitAction::Park`] is always safe: the ring's sleeper handshake
/// guarantees the sleeper is woken by the next event that lets it progress.
///
/// # Examples
///
/// A strategy that spins 10 times and then parks:
///
/// ```
/// use ringlog::{RingBuilder, WaitAction, WaitStrategy};
///
/// #[derive(Debug)]
/// struct SpinThenPark;
///
/// impl WaitStrategy for SpinThenPark {
///     fn action(&self, attempt: u32) -> WaitAction {
///         if attempt < 10 { WaitAction::Spin } else { WaitAction::Park }
///     }
/// }
///
/// let (producer, mut consumer) = RingBuilder::new(8).wait_strategy(SpinThenPark).build::<u32>()?;
/// producer.push(7).unwrap();
/// consumer.consume(|event, _end_of_batch| assert_eq!(*event, 7)).unwrap();
/// # Ok::<(), ringlog::BuildError>(())
/// ```
pub trait WaitStrategy: Send + Sync + fmt::Debug + 'static {
    /// What to do after `attempt` consecutive failed attempts (counting from 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::{BusySpin, WaitAction, WaitStrategy};
    /// assert_eq!(BusySpin.action(1_000_000), WaitAction::Spin);
    /// ```
    fn action(&self, attempt: u32) -> WaitAction;
}

/// Spin with [`std::hint::spin_loop`] and never yield or sleep.
///
/// Lowest wake-up latency, but a waiting thread keeps its core at 100%. Only
/// sensible with a core per spinning thread.
///
/// # Examples
///
/// ```
/// use ringlog::{BusySpin, RingBuilder};
/// let (producer, consumer) = RingBuilder::new(16).wait_strategy(BusySpin).build::<u64>()?;
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BusySpin;

impl WaitStrategy for BusySpin {
    #[inline]
    fn action(&self, _attempt: u32) -> WaitAction {
        WaitAction::Spin
    }
}

/// Spin a few times, then [`std::thread::yield_now`] on every further attempt.
///
/// # Examples
///
/// ```
/// use ringlog::{RingBuilder, Yield};
/// let (producer, consumer) = RingBuilder::new(16).wait_strategy(Yield::new(32)).build::<u64>()?;
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Yield {
    spins: u32,
}

impl Yield {
    /// Spin `spins` times before starting to yield.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::{WaitAction, WaitStrategy, Yield};
    /// let y = Yield::new(2);
    /// assert_eq!(y.action(1), WaitAction::Spin);
    /// assert_eq!(y.action(2), WaitAction::Yield);
    /// ```
    pub const fn new(spins: u32) -> Self {
        Self { spins }
    }
}

impl Default for Yield {
    /// 64 spins, then yield.
    fn default() -> Self {
        Self::new(64)
    }
}

impl WaitStrategy for Yield {
    #[inline]
    fn action(&self, attempt: u32) -> WaitAction {
        if attempt < self.spins {
            WaitAction::Spin
        } else {
            WaitAction::Yield
        }
    }
}

/// Spin, then yield, then sleep until the other side makes progress.
///
/// A parked consumer is woken by the producer whose claim finds the consumer's
/// sleeper flag set; a parked producer is woken by the consumer's release that
/// finds the producers' sleeper flag set. When nobody sleeps, neither side pays
/// anything beyond the atomic operations it performs anyway (see
/// `docs/design.md`).
///
/// # Examples
///
/// ```
/// use ringlog::{Park, RingBuilder};
/// // The default: 64 spins, 8 yields, then park.
/// let (producer, consumer) = RingBuilder::new(16).wait_strategy(Park::default()).build::<u64>()?;
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Park {
    spins: u32,
    yields: u32,
}

impl Park {
    /// Spin `spins` times, then yield `yields` times, then park.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::{Park, WaitAction, WaitStrategy};
    /// // Park on the first failed attempt: the least CPU, the slowest wake-up.
    /// assert_eq!(Park::new(0, 0).action(0), WaitAction::Park);
    /// ```
    pub const fn new(spins: u32, yields: u32) -> Self {
        Self { spins, yields }
    }
}

impl Default for Park {
    /// 64 spins, 8 yields, then park.
    fn default() -> Self {
        Self::new(64, 8)
    }
}

impl WaitStrategy for Park {
    #[inline]
    fn action(&self, attempt: u32) -> WaitAction {
        if attempt < self.spins {
            WaitAction::Spin
        } else if attempt - self.spins < self.yields {
            WaitAction::Yield
        } else {
            WaitAction::Park
        }
    }
}

/// Spin, then yield, then poll in sleeps that double from `min_step` up to
/// `max_step`, never asking to be woken.
///
/// The LMAX Disruptor's `SleepingWaitStrategy`, with a growing sleep. The
/// side it waits for never pays for a wake-up (no sleeper flag is ever set),
/// so a producer's publish is never a system call. A consumer that catches
/// up lets a run build up while it sleeps, rather than chasing the producers'
/// cache lines one event at a time. The cost is wake-up latency of up to the
/// current step (plus the OS timer slack, typically 50 µs on Linux) and, while
/// idle, one timer wake-up per `max_step`.
///
/// Use it where the waiting side's latency matters less than the other
/// side's: a log writer thread (the logging backend's default), a consumer
/// feeding batches to I/O.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use ringlog::{RingBuilder, Sleep, WaitAction, WaitStrategy};
/// let sleep = Sleep::new(10, Duration::from_micros(20), Duration::from_micros(80));
/// assert_eq!(sleep.action(0), WaitAction::Spin);
/// assert_eq!(sleep.action(10), WaitAction::Yield);
/// assert_eq!(sleep.action(18), WaitAction::Sleep(Duration::from_micros(20)));
/// assert_eq!(sleep.action(19), WaitAction::Sleep(Duration::from_micros(40)));
/// assert_eq!(sleep.action(25), WaitAction::Sleep(Duration::from_micros(80)));
/// let (producer, consumer) = RingBuilder::new(16).wait_strategy(sleep).build::<u64>()?;
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Sleep {
    spins: u32,
    min_step: Duration,
    max_step: Duration,
}

/// Yields between the spins and the sleeps of [`Sleep`].
const SLEEP_YIELDS: u32 = 8;

impl Sleep {
    /// Spin `spins` times, yield 8 times, then sleep `min_step`, doubling on
    /// each further attempt up to `max_step` (a `max_step` below `min_step`
    /// acts as `min_step`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use ringlog::{Sleep, WaitAction, WaitStrategy};
    /// let fixed = Sleep::new(0, Duration::from_micros(5), Duration::from_micros(5));
    /// assert_eq!(fixed.action(100), WaitAction::Sleep(Duration::from_micros(5)));
    /// ```
    pub const fn new(spins: u32, min_step: Duration, max_step: Duration) -> Self {
        Self {
            spins,
            min_step,
            max_step,
        }
    }
}

impl Default for Sleep {
    /// 64 spins, 8 yields, then sleeps from 20 µs doubling up to 1 ms.
    fn default() -> Self {
        Self::new(64, Duration::from_micros(20), Duration::from_millis(1))
    }
}

impl WaitStrategy for Sleep {
    #[inline]
    fn action(&self, attempt: u32) -> WaitAction {
        if attempt < self.spins {
            return WaitAction::Spin;
        }
        let past_spins = attempt - self.spins;
        if past_spins < SLEEP_YIELDS {
            return WaitAction::Yield;
        }
        // 2^doublings, capped well before the multiplication could overflow.
        let doublings = (past_spins - SLEEP_YIELDS).min(20);
        let step = self.min_step.saturating_mul(1 << doublings);
        WaitAction::Sleep(step.min(self.max_step).max(self.min_step))
    }
}

/// Performs a non-parking [`WaitAction`]; `Park` is the ring's to handle. A
/// sleep ends at `deadline` at the latest.
#[inline]
pub(crate) fn spin_or_yield(action: WaitAction, deadline: Option<Instant>) {
    match action {
        WaitAction::Spin => crate::sync::spin_loop(),
        WaitAction::Yield | WaitAction::Park => crate::sync::yield_now(),
        #[cfg(not(loom))]
        WaitAction::Sleep(step) => sleep_until_at_most(step, deadline),
        #[cfg(loom)]
        WaitAction::Sleep(_) => {
            let _ = deadline;
            crate::sync::yield_now()
        }
    }
}

/// Sleeps for `step`, or until `deadline` if that comes first, so that a
/// timed wait never overshoots its deadline by a whole step.
#[cfg(not(loom))]
pub(crate) fn sleep_until_at_most(step: Duration, deadline: Option<Instant>) {
    let step = match deadline {
        Some(deadline) => step.min(deadline.saturating_duration_since(Instant::now())),
        None => step,
    };
    crate::sync::sleep(step);
}

/// Where the threads of one side sleep: a mutex held while a sleeper checks its
/// condition and sets its sleeper flag, and the condition variable it then
/// waits on.
///
/// The protocol (used by the ring for both sides): a sleeper locks, re-checks
/// that it cannot progress, publishes its sleeper flag by an atomic RMW, and
/// waits, all under the lock. A waker that observed the flag in its own RMW
/// calls [`Sleepers::wake_all`], which takes the same lock. Because the
/// sleeper holds the lock from its check until it is inside `wait`, the wake
/// cannot fall between the two.
#[derive(Debug)]
pub(crate) struct Sleepers {
    lock: Mutex,
    cond: Condvar,
}

impl Sleepers {
    pub(crate) fn new() -> Self {
        Self {
            lock: Mutex::new(),
            cond: Condvar::new(),
        }
    }

    /// Locks before checking the sleep condition.
    pub(crate) fn lock(&self) -> MutexGuard<'_> {
        self.lock.lock()
    }

    /// Sleeps (releasing the lock) until woken. Spurious wake-ups are possible;
    /// callers re-check their condition.
    pub(crate) fn sleep<'a>(&self, guard: MutexGuard<'a>) -> MutexGuard<'a> {
        self.cond.wait(guard)
    }

    /// Like [`Sleepers::sleep`] but for at most `timeout`.
    #[cfg(not(loom))]
    pub(crate) fn sleep_timeout<'a>(
        &self,
        guard: MutexGuard<'a>,
        timeout: std::time::Duration,
    ) -> MutexGuard<'a> {
        self.cond.wait_timeout(guard, timeout)
    }

    /// Wakes every sleeper. Takes the lock so that a sleeper between its check
    /// and its wait cannot miss the wake.
    pub(crate) fn wake_all(&self) {
        let _guard = self.lock.lock();
        self.cond.notify_all();
    }
}
