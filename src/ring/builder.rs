//! [`RingBuilder`] and [`ring`]: a ring's settings, checked, and the two
//! handles built from them.

use super::capacity;
use super::consumer::Consumer;
use super::evict_choice::Evict;
use super::producer::Producer;
use super::shared::Shared;
use crate::error::BuildError;
use crate::sync::Arc;
use crate::wait::{Park, WaitAction, WaitStrategy};
use std::time::Duration;

/// Settings for a new ring; [`build`](RingBuilder::build) returns its
/// producer and consumer handles.
///
/// # Examples
///
/// ```
/// use ringlog::{RingBuilder, Yield};
///
/// let (producer, mut consumer) = RingBuilder::new(1024)
///     .wait_strategy(Yield::default())
///     .max_batch(64)
///     .build_with(|| String::with_capacity(128))?;
///
/// producer.publish_with(|slot| {
///     slot.clear();
///     slot.push_str("hello");
/// }).unwrap();
/// consumer.consume(|event, _end_of_batch| assert_eq!(event, "hello")).unwrap();
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Debug)]
pub struct RingBuilder {
    capacity: usize,
    max_batch: usize,
    wait: Box<dyn WaitStrategy>,
    /// `None`: [`DEFAULT_LINGER`], or zero for a strategy that only spins.
    linger: Option<Duration>,
    /// [`RingBuilder::evict_consumed`]; `None`: by the ring's size
    /// ([`default_evict`]).
    evict: Option<Evict>,
}

/// The consumer's default linger sleep ([`RingBuilder::linger`]).
pub const DEFAULT_LINGER: Duration = Duration::from_micros(20);

impl RingBuilder {
    /// A ring of `capacity` slots (a power of two, at most [`MAX_CAPACITY`](crate::MAX_CAPACITY)),
    /// waiting with [`Park`], with no batch limit beyond the capacity, the
    /// linger sleep [`DEFAULT_LINGER`], and eviction of consumed lines by
    /// the ring's size ([`RingBuilder::evict_consumed`]).
    ///
    /// The capacity is checked by [`build`](RingBuilder::build).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::RingBuilder::new(8).build::<u64>()?;
    /// assert_eq!(producer.capacity(), 8);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            max_batch: usize::MAX,
            wait: Box::new(Park::default()),
            linger: None,
            evict: None,
        }
    }

    /// How both sides wait: see [`crate::wait`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::RingBuilder::new(8)
    ///     .wait_strategy(ringlog::BusySpin)
    ///     .build::<u64>()?;
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn wait_strategy(mut self, wait: impl WaitStrategy) -> Self {
        self.wait = Box::new(wait);
        self
    }

    /// The most events the consumer takes in one run (at least 1; values above
    /// the capacity act as the capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::RingBuilder::new(8).max_batch(2).build::<u64>()?;
    /// for i in 0..5 { producer.push(i).unwrap(); }
    /// assert_eq!(consumer.try_consume(|_, _| {}), Ok(2));
    /// assert!(ringlog::RingBuilder::new(8).max_batch(0).build::<u64>().is_err());
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn max_batch(mut self, max_batch: usize) -> Self {
        self.max_batch = max_batch;
        self
    }

    /// How long the consumer may sleep to let a short run grow while one
    /// producer publishes fast. Zero turns the sleep off: the consumer then
    /// only spins for a moment (about 10 µs at most) before taking a short
    /// run.
    ///
    /// The default is [`DEFAULT_LINGER`] (20 µs), or zero with a wait
    /// strategy that never yields or sleeps ([`BusySpin`](crate::BusySpin):
    /// you chose it for latency).
    ///
    /// **What it does.** When the consumer finds a run shorter than 512
    /// events at its first or second look (events are arriving fast, not
    /// one by one after a wait), the ring has one producer handle, the run
    /// grows while the consumer pauses for a moment (a producer is
    /// publishing behind it), and the last such sleep did not let the ring
    /// fill to half, it sleeps this long once before taking the run. The producer then fills whole cache
    /// lines, thousands of slots, without the consumer pulling each line
    /// away as it is written; on the project's 2-CPU machine, one producer
    /// went from ~100 to ~160-190 M events/s with it (docs/benchmarks.md).
    ///
    /// **What it costs.** While one producer publishes fast, an event may be
    /// handed over later by up to this sleep, stretched by the OS's timer
    /// slack (50 µs by default on Linux). Paced events (found after the
    /// consumer waited for them) are handed over at once, and what a
    /// producer pays to publish does not change. With several producer
    /// handles it never sleeps (two producers contend for the cursor all the
    /// time the consumer sleeps, which costs more than it saves); a single
    /// handle shared by several threads counts as one.
    ///
    /// Keep it short (microseconds): a read without a deadline sleeps all of
    /// it, holding the run it found, and a producer that fills the ring
    /// meanwhile waits for it too (timed reads never sleep past their
    /// deadline; `try_` reads never sleep).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// // Hand every event over as soon as it is seen:
    /// let (producer, mut consumer) = ringlog::RingBuilder::new(1024)
    ///     .linger(Duration::ZERO)
    ///     .build::<u64>()?;
    /// producer.push(7).unwrap();
    /// assert_eq!(consumer.consume(|event, _| assert_eq!(*event, 7)), Ok(1));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn linger(mut self, sleep: Duration) -> Self {
        self.linger = Some(sleep);
        self
    }

    /// Whether the consumer evicts the cache lines of each run it releases
    /// (markers and slots) from every cache, the producers' too, so that
    /// the producers' next lap fetches them from memory instead of from the
    /// consumer's core: [`Evict::Never`] (also `false`), [`Evict::Always`]
    /// (also `true`), or [`Evict::Adaptive`]. The release waits for the
    /// evictions to finish.
    ///
    /// The default is by size: [`Evict::Always`] for a ring whose markers
    /// and slots take at least [`EVICT_MIN_BYTES`] (1 MiB: 65 536 slots of a
    /// `u64`), [`Evict::Never`] for a smaller one. On the project's 2-CPU VM,
    /// one producer, unpinned, a ring of 65 536 `u64` slots: with eviction
    /// 1.19× faster while a cache line crossed between the CPUs in ~65 ns,
    /// 3.7× while it took ~300 ns (the cost across sockets on many
    /// servers); two producers 1.06× and 2.2×. Rings that stay in the caches lose by it: 256 and 1024
    /// slots ~1/3 slower, and a paced producer on 8192 slots saw its push
    /// p99 at 5 and 20 µs gaps rise from 31-61 ns to 100-161 ns in one of
    /// two pairs of runs, to 40-70 ns in the other (each new line a memory
    /// fetch); at 1 MiB and more the paced
    /// producer's latency with eviction is not measured. An earlier
    /// measurement (docs/benchmarks.md) also found eviction 20-55% slower
    /// with the threads pinned and cheap crossings, or with producer and
    /// consumer sharing one CPU. It costs the consumer one `clflushopt` per
    /// cache line of its slots released, whatever part of a slot an event
    /// used (a `[u8; 4096]` slot is 64 lines), and the release waits for
    /// the write-backs; no value any thread reads changes. Measure with
    /// your placement and slot type; [`Evict::Never`] turns it off.
    ///
    /// It has an effect on x86_64 CPUs with `clflushopt` (detected when the
    /// ring is built) and nowhere else, nor under Miri or loom.
    ///
    /// [`Evict::Adaptive`] measures instead: after a first epoch (2^18
    /// events) with eviction, the consumer times one epoch with and one
    /// without, evicts while that was more than 20% faster, and measures
    /// again every 32 epochs (sooner if an epoch takes twice as long as the
    /// one it chose on). For placements the default's measurements do not
    /// cover; where they do, it paid for its measuring (a big ring,
    /// unpinned: between no eviction and [`Evict::Always`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::{Evict, RingBuilder};
    /// let (producer, mut consumer) = RingBuilder::new(1 << 16)
    ///     .evict_consumed(Evict::Never) // or `false`; `true` is Evict::Always
    ///     .build::<u64>()?;
    /// for i in 0..100 { producer.push(i).unwrap(); }
    /// drop(producer);
    /// let mut next = 0;
    /// while consumer.consume(|e, _| { assert_eq!(*e, next); next += 1; }).is_ok() {}
    /// assert_eq!(next, 100);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn evict_consumed(mut self, evict: impl Into<Evict>) -> Self {
        self.evict = Some(evict.into());
        self
    }

    /// Builds the ring with every slot set to `T::default()`.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] if the capacity is 0, not a power of two, or too large,
    /// or the batch limit is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::{BuildError, RingBuilder};
    /// assert!(RingBuilder::new(16).build::<u64>().is_ok());
    /// assert_eq!(RingBuilder::new(0).build::<u64>().unwrap_err(), BuildError::ZeroCapacity);
    /// ```
    pub fn build<T: Default>(self) -> Result<(Producer<T>, Consumer<T>), BuildError> {
        self.build_with(T::default)
    }

    /// Builds the ring with every slot made by `factory`, called `capacity`
    /// times up front; the ring never allocates afterwards.
    ///
    /// # Errors
    ///
    /// As for [`build`](RingBuilder::build).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::RingBuilder::new(4).build_with(|| vec![0u8; 256])?;
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn build_with<T>(
        self,
        factory: impl FnMut() -> T,
    ) -> Result<(Producer<T>, Consumer<T>), BuildError> {
        let capacity = self.capacity;
        check_capacity::<T>(capacity)?;
        if self.max_batch == 0 {
            return Err(BuildError::ZeroMaxBatch);
        }
        let linger = self.linger.unwrap_or_else(|| default_linger(&*self.wait));
        let shared = Arc::new(Shared::new(capacity, self.wait, factory));
        let max_batch = self.max_batch.min(capacity) as u64;
        Ok((
            Producer::new(Arc::clone(&shared)),
            Consumer::new(
                shared,
                max_batch,
                linger,
                self.evict
                    .unwrap_or_else(|| default_evict(capacity, std::mem::size_of::<T>())),
            ),
        ))
    }
}

/// A ring of `capacity` slots of `T::default()` with the default settings
/// (see [`RingBuilder::new`]).
///
/// # Errors
///
/// A [`BuildError`] if the capacity is 0, not a power of two, or too large.
///
/// # Examples
///
/// ```
/// let (producer, mut consumer) = ringlog::ring::<u64>(64)?;
/// let workers: Vec<_> = (0..2u64)
///     .map(|id| {
///         let producer = producer.clone();
///         std::thread::spawn(move || {
///             for i in 0..100 {
///                 producer.push(id * 1000 + i).unwrap();
///             }
///         })
///     })
///     .collect();
/// drop(producer); // the ring closes when the last producer is gone
///
/// let mut seen = 0;
/// while consumer.consume(|_event, _end_of_batch| seen += 1).is_ok() {}
/// assert_eq!(seen, 200);
/// for w in workers { w.join().unwrap(); }
/// # Ok::<(), ringlog::BuildError>(())
/// ```
pub fn ring<T: Default>(capacity: usize) -> Result<(Producer<T>, Consumer<T>), BuildError> {
    RingBuilder::new(capacity).build()
}

/// The smallest ring (its markers and slots, in bytes) whose consumer
/// evicts the lines it releases by default ([`RingBuilder::evict_consumed`]):
/// 1 MiB, the size of a core's L2 cache on many x86_64 servers (512 KiB to
/// 2 MiB). A ring that stays in the caches loses by eviction: its
/// producers' next lap would have found its lines in a cache, and finds
/// them in memory instead.
///
/// # Examples
///
/// ```
/// // 65 536 `u64` slots and their 8-byte markers: the smallest default
/// // ring that evicts.
/// assert_eq!(ringlog::EVICT_MIN_BYTES, 65_536 * (8 + 8));
/// ```
pub const EVICT_MIN_BYTES: usize = 1 << 20;

/// Eviction by default: [`Evict::Always`] for a ring of `capacity` slots of
/// `slot_size` bytes (plus an 8-byte marker each) of at least
/// [`EVICT_MIN_BYTES`], [`Evict::Never`] below.
fn default_evict(capacity: usize, slot_size: usize) -> Evict {
    // Saturating: the capacity check bounds it anyway.
    let bytes = capacity.saturating_mul(slot_size.saturating_add(8));
    Evict::from(bytes >= EVICT_MIN_BYTES)
}

/// The linger sleep a strategy gets by default: none for one that only
/// spins (its deepest wait is a spin hint), [`DEFAULT_LINGER`] otherwise.
fn default_linger(wait: &dyn WaitStrategy) -> Duration {
    if wait.action(u32::MAX) == WaitAction::Spin {
        Duration::ZERO
    } else {
        DEFAULT_LINGER
    }
}

fn check_capacity<T>(capacity: usize) -> Result<(), BuildError> {
    if capacity == 0 {
        return Err(BuildError::ZeroCapacity);
    }
    if !capacity.is_power_of_two() {
        return Err(BuildError::CapacityNotPowerOfTwo(capacity));
    }
    let max = capacity::max_for_slot_size(std::mem::size_of::<T>());
    if capacity > max {
        return Err(BuildError::CapacityTooLarge {
            requested: capacity,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::capacity::MAX_CAPACITY;

    #[test]
    fn only_a_strategy_that_only_spins_lingers_without_sleeping_by_default() {
        use crate::wait::{BusySpin, Sleep, Yield};
        assert_eq!(default_linger(&BusySpin), Duration::ZERO);
        assert_eq!(default_linger(&Park::default()), DEFAULT_LINGER);
        assert_eq!(default_linger(&Yield::new(u32::MAX)), DEFAULT_LINGER);
        assert_eq!(default_linger(&Sleep::default()), DEFAULT_LINGER);
    }

    #[test]
    fn rings_that_outgrow_the_caches_evict_by_default() {
        // 65 536 u64 slots and their markers: 1 MiB, the floor.
        assert_eq!(default_evict(1 << 16, 8), Evict::Always);
        assert_eq!(default_evict(1 << 15, 8), Evict::Never);
        assert_eq!(default_evict(8192, 8), Evict::Never);
        // Zero-sized events: the markers alone count.
        assert_eq!(default_evict(1 << 17, 0), Evict::Always);
        assert_eq!(default_evict(1 << 16, 0), Evict::Never);
        // Big slots: few of them are enough.
        assert_eq!(default_evict(4096, 248), Evict::Always);
        assert_eq!(default_evict(2048, 248), Evict::Never);
        assert_eq!(default_evict(1 << 40, 1 << 40), Evict::Always);
    }

    #[test]
    fn capacity_checks() {
        assert_eq!(check_capacity::<u8>(0), Err(BuildError::ZeroCapacity));
        assert_eq!(
            check_capacity::<u8>(3),
            Err(BuildError::CapacityNotPowerOfTwo(3))
        );
        assert_eq!(check_capacity::<u8>(1), Ok(()));
        assert_eq!(check_capacity::<u8>(MAX_CAPACITY), Ok(()));
        assert!(matches!(
            check_capacity::<u8>(MAX_CAPACITY * 2),
            Err(BuildError::CapacityTooLarge { .. })
        ));
        // A slot type so large that even a modest ring cannot fit in memory.
        assert!(matches!(
            check_capacity::<[u8; 1 << 40]>(1 << 24),
            Err(BuildError::CapacityTooLarge { .. })
        ));
    }
}
