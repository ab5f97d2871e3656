//! The consumer handle: take contiguous published runs, then release them.

use super::evict_choice::{Evict, EvictChoice};
use super::linger::LingerSleep;
use super::reentry::Hold;
use super::sequencer::{WaitError, SPIN_POLL_EVERY};
use super::shared::Shared;
use crate::error::{ClosedError, TryConsumeError};
use crate::sync::Arc;
use std::time::{Duration, Instant};

/// The reading end of a ring; there is exactly one.
///
/// The consumer takes events as *runs*: the longest contiguous stretch of
/// published events from its position, up to the ring's batch limit. A run is
/// handed over either
/// - to a closure, one event at a time, with `end_of_batch` set on the last
///   ([`consume`](Consumer::consume) and friends), or
/// - as a [`ReadChunk`]: slices over the slots, released when you
///   [`commit`](ReadChunk::commit).
///
/// Events come in sequence order: each producer's events in the order it
/// published them, interleaved with other producers' by claim order.
///
/// Dropping the consumer closes the ring: producers get `Closed` errors,
/// including producers blocked waiting for room.
///
/// A `Consumer` is `Send + Sync` for `T: Send`; its `&self` methods reach no
/// event.
///
/// # Examples
///
/// ```
/// let (producer, mut consumer) = ringlog::ring::<u32>(8)?;
/// for i in 0..3 { producer.push(i).unwrap(); }
///
/// let mut batch = Vec::new();
/// consumer.consume(|event, end_of_batch| {
///     batch.push(*event);
///     if end_of_batch {
///         assert_eq!(batch, [0, 1, 2]); // flush point
///     }
/// }).unwrap();
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Debug)]
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    /// The next sequence to read. Equal to the sequence part of `released`
    /// whenever no [`ReadChunk`] is alive (chunks borrow the consumer, and
    /// release on commit).
    next: u64,
    /// The longest run handed out at once (1 ≤ max_batch ≤ capacity).
    max_batch: u64,
    /// Whether and how long [`Consumer::linger`] sleeps.
    linger_sleep: LingerSleep,
    /// Whether released runs' cache lines are evicted (`evict.rs`,
    /// `evict_choice.rs`): never if the CPU cannot.
    evict: EvictChoice,
}

// SAFETY: a `Consumer` moved to another thread reads and mutates (`&mut T`)
// the values the producers wrote, and may drop them all (the last handle drops
// the slots): `T: Send`. It touches a slot only between the Acquire load of
// its published marker and its Release of `released`, so no producer accesses
// it meanwhile.
unsafe impl<T: Send> Send for Consumer<T> {}
// SAFETY: `&Consumer` reaches no slot: its `&self` methods (`capacity`,
// `close`, `is_closed`, `Debug`) read the sequencer only. Reading events needs
// `&mut Consumer`. We still ask `T: Send`, as every handle of a ring does.
unsafe impl<T: Send> Sync for Consumer<T> {}

/// What a look at the ring found.
enum Poll {
    /// A run of this many events starts at `next`.
    Ready(u64),
    Empty,
    Closed,
}

impl<T> Consumer<T> {
    pub(super) fn new(
        shared: Arc<Shared<T>>,
        max_batch: u64,
        linger_sleep: Duration,
        evict: Evict,
    ) -> Self {
        let capacity = shared.sequencer.capacity();
        Self {
            shared,
            next: 0,
            max_batch,
            linger_sleep: LingerSleep::new(linger_sleep, max_batch, capacity),
            evict: EvictChoice::new(evict, super::evict::available()),
        }
    }

    /// The number of slots in the ring.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_producer, consumer) = ringlog::ring::<u8>(32)?;
    /// assert_eq!(consumer.capacity(), 32);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn capacity(&self) -> usize {
        // The capacity was a usize when the ring was built.
        self.shared.sequencer.capacity() as usize
    }

    /// Closes the ring: producers get `Closed` from now on (blocked ones wake
    /// with it), while the events already published can still be consumed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// consumer.close();
    /// assert!(producer.push(2).is_err());
    /// assert_eq!(consumer.consume(|_, _| {}), Ok(1));
    /// assert!(consumer.consume(|_, _| {}).is_err());
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn close(&self) {
        self.shared.sequencer.close();
    }

    /// Whether the ring is closed. Published events may remain to be consumed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::ring::<u8>(4)?;
    /// drop(producer);
    /// assert!(consumer.is_closed());
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.sequencer.is_closed()
    }

    /// Records, until the returned value is dropped, that this thread is the
    /// consumer: a blocking publish into this ring on this thread that finds
    /// it full fails with `WouldDeadlock` instead of waiting for room only
    /// this thread could free ([`super::reentry`]). The limit recorded is the
    /// current position; it stays right while this thread goes on reading
    /// and committing, since `released` only grows and only this thread
    /// moves it: a full ring always needs more than this thread has
    /// released. For a consumer that calls out to user code (the logger's
    /// writer thread calling its sink), as [`ReadChunk::handle`] does around
    /// its handler.
    #[cfg_attr(loom, allow(dead_code))] // the logger, absent under loom
    pub(crate) fn hold(&self) -> Hold {
        Hold::new(self.shared.sequencer.id(), self.next)
    }

    /// Takes the published run at the front of the ring, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryConsumeError::Empty`] if nothing is published yet;
    /// [`TryConsumeError::Closed`] if the ring is closed and drained.
    ///
    /// # Deadlocks
    ///
    /// While the chunk lives, its events are not released: a blocking publish
    /// into the same ring by the thread holding it waits forever once the
    /// ring is full (not detected; commit first, or publish with `try_`).
    /// Called from inside a write closure of the same ring, a waiting read
    /// waits for that closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u32>(8)?;
    /// producer.push(1).unwrap();
    /// producer.push(2).unwrap();
    /// let chunk = consumer.try_read_chunk().unwrap();
    /// assert_eq!(chunk.len(), 2);
    /// let (head, tail) = chunk.as_slices();
    /// assert_eq!((head, tail), (&[1, 2][..], &[][..]));
    /// chunk.commit_all();
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn try_read_chunk(&mut self) -> Result<ReadChunk<'_, T>, TryConsumeError> {
        match self.poll() {
            Poll::Ready(len) => Ok(ReadChunk {
                consumer: self,
                len,
            }),
            Poll::Empty => Err(TryConsumeError::Empty),
            Poll::Closed => Err(TryConsumeError::Closed),
        }
    }

    /// Takes the published run at the front of the ring, waiting by the wait
    /// strategy until there is one.
    ///
    /// # Errors
    ///
    /// [`ClosedError`] once the ring is closed and drained.
    ///
    /// # Deadlocks
    ///
    /// While the chunk lives, its events are not released: a blocking publish
    /// into the same ring by the thread holding it waits forever once the
    /// ring is full (not detected; commit first, or publish with `try_`).
    /// Called from inside a write closure of the same ring, a waiting read
    /// waits for that closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u32>(8)?;
    /// std::thread::spawn(move || producer.push(5).unwrap());
    /// let chunk = consumer.read_chunk().unwrap();
    /// assert_eq!(chunk.as_slices().0, &[5]);
    /// chunk.commit_all();
    /// assert!(consumer.read_chunk().is_err()); // producer gone: closed
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn read_chunk(&mut self) -> Result<ReadChunk<'_, T>, ClosedError> {
        match self.wait(None) {
            Ok(len) => Ok(ReadChunk {
                consumer: self,
                len,
            }),
            Err(_) => Err(ClosedError),
        }
    }

    /// Like [`read_chunk`](Consumer::read_chunk), but gives up after
    /// `timeout`.
    ///
    /// # Errors
    ///
    /// [`ConsumeTimeoutError::Timeout`](crate::ConsumeTimeoutError::Timeout)
    /// if nothing was published in time; `Closed` once the ring is closed and
    /// drained.
    ///
    /// # Deadlocks
    ///
    /// While the chunk lives, its events are not released: a blocking publish
    /// into the same ring by the thread holding it waits forever once the
    /// ring is full (not detected; commit first, or publish with `try_`).
    /// Called from inside a write closure of the same ring, a waiting read
    /// waits for that closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let (producer, mut consumer) = ringlog::ring::<u32>(8)?;
    /// assert!(consumer.read_chunk_timeout(Duration::from_millis(1)).is_err());
    /// producer.push(1).unwrap();
    /// assert_eq!(consumer.read_chunk_timeout(Duration::from_secs(1)).unwrap().len(), 1);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[cfg(not(loom))]
    pub fn read_chunk_timeout(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<ReadChunk<'_, T>, crate::ConsumeTimeoutError> {
        // A timeout too large to represent waits forever.
        let deadline = Instant::now().checked_add(timeout);
        match self.wait(deadline) {
            Ok(len) => Ok(ReadChunk {
                consumer: self,
                len,
            }),
            Err(WaitError::Closed) => Err(crate::ConsumeTimeoutError::Closed),
            Err(WaitError::Timeout) => Err(crate::ConsumeTimeoutError::Timeout),
        }
    }

    /// Hands the published run at the front of the ring to `handler`, one
    /// event at a time with `end_of_batch` true on the last, without waiting.
    /// Returns the number of events handled. See [`ReadChunk::handle`] for
    /// what happens if `handler` panics.
    ///
    /// # Errors
    ///
    /// As for [`try_read_chunk`](Consumer::try_read_chunk).
    ///
    /// # Deadlocks
    ///
    /// The run is released only after `handler` returns, so a blocking
    /// publish into the same ring from `handler` fails with `WouldDeadlock`
    /// once the ring is full, and a `try_` publish returns `Full` (see
    /// [`Producer`](crate::Producer), "Re-entrant calls"). Called from inside
    /// a write closure of the same ring, a waiting read waits for that
    /// closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u32>(8)?;
    /// producer.push(3).unwrap();
    /// assert_eq!(consumer.try_consume(|e, end| assert!(*e == 3 && end)), Ok(1));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn try_consume<F: FnMut(&mut T, bool)>(
        &mut self,
        handler: F,
    ) -> Result<usize, TryConsumeError> {
        Ok(self.try_read_chunk()?.handle(handler))
    }

    /// Like [`try_consume`](Consumer::try_consume), but waits by the wait
    /// strategy until a run is published.
    ///
    /// # Errors
    ///
    /// [`ClosedError`] once the ring is closed and drained.
    ///
    /// # Deadlocks
    ///
    /// The run is released only after `handler` returns, so a blocking
    /// publish into the same ring from `handler` fails with `WouldDeadlock`
    /// once the ring is full, and a `try_` publish returns `Full` (see
    /// [`Producer`](crate::Producer), "Re-entrant calls"). Called from inside
    /// a write closure of the same ring, a waiting read waits for that
    /// closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u32>(8)?;
    /// let t = std::thread::spawn(move || for i in 0..10 { producer.push(i).unwrap() });
    /// let mut sum = 0;
    /// while consumer.consume(|e, _| sum += *e).is_ok() {}
    /// assert_eq!(sum, 45);
    /// t.join().unwrap();
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn consume<F: FnMut(&mut T, bool)>(&mut self, handler: F) -> Result<usize, ClosedError> {
        Ok(self.read_chunk()?.handle(handler))
    }

    /// Like [`consume`](Consumer::consume), but gives up after `timeout`.
    ///
    /// # Errors
    ///
    /// As for [`read_chunk_timeout`](Consumer::read_chunk_timeout).
    ///
    /// # Deadlocks
    ///
    /// The run is released only after `handler` returns, so a blocking
    /// publish into the same ring from `handler` fails with `WouldDeadlock`
    /// once the ring is full, and a `try_` publish returns `Full` (see
    /// [`Producer`](crate::Producer), "Re-entrant calls"). Called from inside
    /// a write closure of the same ring, a waiting read waits for that
    /// closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let (_producer, mut consumer) = ringlog::ring::<u32>(8)?;
    /// assert_eq!(
    ///     consumer.consume_timeout(Duration::from_millis(1), |_, _| {}),
    ///     Err(ringlog::ConsumeTimeoutError::Timeout),
    /// );
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[cfg(not(loom))]
    pub fn consume_timeout<F: FnMut(&mut T, bool)>(
        &mut self,
        timeout: std::time::Duration,
        handler: F,
    ) -> Result<usize, crate::ConsumeTimeoutError> {
        Ok(self.read_chunk_timeout(timeout)?.handle(handler))
    }

    /// Looks for a run at `next`, stepping over (and releasing) abandoned
    /// sequences first.
    fn poll(&mut self) -> Poll {
        let sequencer = &self.shared.sequencer;
        loop {
            let (first, len) = sequencer.scan(self.next, self.max_batch);
            if first != self.next {
                // Abandoned slots: free them now, whether or not a run
                // follows, so producers waiting for room are not held up by
                // them.
                self.next = first;
                sequencer.release(first);
            }
            if len > 0 {
                return Poll::Ready(len);
            }
            // One look at the `closed` flag while the ring is open (not at
            // the cursor, the line every claim writes).
            if !sequencer.is_closed() {
                return Poll::Empty;
            }
            // Sequences that blocking claims gave up on when the ring closed:
            // never published, so step over them.
            if let Some(n) = sequencer.take_abandoned(self.next) {
                self.next += n;
                sequencer.release(self.next);
                continue;
            }
            return if sequencer.is_drained(self.next) {
                Poll::Closed
            } else {
                Poll::Empty
            };
        }
    }

    /// Polls until a run is ready, waiting by the strategy in between; a
    /// short run found while the producers publish fast is given a moment to
    /// grow ([`Consumer::linger`]).
    fn wait(&mut self, deadline: Option<Instant>) -> Result<u64, WaitError> {
        let mut attempts = 0;
        loop {
            match self.poll() {
                Poll::Ready(len) if len < LINGER_RUN && attempts < LINGER_IF_WAITED_UNDER => {
                    return Ok(self.linger(len, deadline))
                }
                Poll::Ready(len) => return Ok(len),
                Poll::Closed => return Err(WaitError::Closed),
                Poll::Empty => {
                    let waited = self.shared.sequencer.wait_for_data(self.next, deadline)?;
                    attempts = attempts.saturating_add(waited);
                }
            }
        }
    }

    /// Lets a short run of `len` events at `next` grow before it is taken,
    /// by one of two means, and returns the run's length (at least `len`):
    ///
    /// - **Sleeping**, when `linger.rs` allows it (a linger sleep is set
    ///   ([`RingBuilder::linger`]), the ring is big, one producer handle
    ///   exists, and no recent sleep let the ring fill to half), and the run
    ///   grows in one spin pause: sleeps that long once (never past
    ///   `deadline`), then counts the run again.
    /// - **Spinning** otherwise: up to [`LINGER_ROUNDS`] times, pauses for
    ///   [`LINGER_SPINS`] spin hints without touching the ring, then counts
    ///   the run again; stops as soon as the run reaches [`LINGER_RUN`]
    ///   events or stopped growing (the producers paused: waiting longer
    ///   would only add latency).
    ///
    /// Why: a consumer that takes every run the moment it sees one falls into
    /// lock-step with a fast producer (runs of 1-20 events, the marker and
    /// slot cache lines the producer is writing pulled to the consumer's core
    /// once per event, both sides slowed to a fraction of their speed). Not
    /// looking for a moment lets the producer fill whole cache lines alone.
    /// The spin's pause is short (about 10 µs in all where a spin hint takes
    /// 40 ns, as on the project's VM): the consumer is soon back beside the
    /// producer, taking runs of a few hundred events. A sleep leaves the
    /// producer alone for long enough to fill thousands of slots, and
    /// frees the consumer's CPU meanwhile; with one producer on this
    /// project's 2-CPU machine it took the producer from ~100 to ~160-190 M
    /// events/s (docs/benchmarks.md, "A consumer that sleeps while a lone
    /// producer runs ahead"). With two producers it costs throughput instead
    /// (they then contend for the cursor the whole time the consumer sleeps),
    /// hence the gate on the number of producer handles.
    ///
    /// The latency this adds is bounded: one sleep (the OS may stretch it by
    /// its timer slack, 50 µs by default on Linux) or the spin's pause, and
    /// only when the run was found after fewer than
    /// [`LINGER_IF_WAITED_UNDER`] failed waits (events were arriving fast);
    /// an event arriving after the consumer waited for it (paced load) is
    /// handed over at once.
    ///
    /// [`RingBuilder::linger`]: crate::RingBuilder::linger
    fn linger(&mut self, len: u64, deadline: Option<Instant>) -> u64 {
        let shared = &self.shared;
        match self.linger_sleep.begin(|| shared.sequencer.lone_producer()) {
            Some(sleep) => self.linger_sleeping(len, sleep, deadline),
            None => self.linger_spinning(len),
        }
    }

    /// [`Consumer::linger`] by one sleep of `sleep`, if the run grows in
    /// one spin pause first: a run that does not has nobody publishing fast
    /// behind it (the producer paused, or is this very thread, done
    /// pushing), and a sleep would only delay it.
    fn linger_sleeping(&mut self, len: u64, sleep: Duration, deadline: Option<Instant>) -> u64 {
        let grown = self.grown_after_pause(len);
        if grown == 0 {
            return len;
        }
        let len = len + grown;
        #[cfg(not(loom))]
        crate::wait::sleep_until_at_most(sleep, deadline);
        #[cfg(loom)]
        {
            let _ = (sleep, deadline);
            crate::sync::yield_now();
        }
        let sequencer = &self.shared.sequencer;
        let len = len + sequencer.count_published(self.next + len, self.max_batch - len);
        self.linger_sleep.after_sleep(len);
        len
    }

    /// [`Consumer::linger`] by spinning.
    fn linger_spinning(&self, len: u64) -> u64 {
        let mut len = len;
        for _ in 0..LINGER_ROUNDS {
            let grown = self.grown_after_pause(len);
            if grown == 0 {
                break;
            }
            len += grown;
            if len >= LINGER_RUN {
                break;
            }
        }
        len
    }

    /// Pauses for [`LINGER_SPINS`] spin hints without touching the ring,
    /// then counts how far the run of `len` events at `next` grew.
    fn grown_after_pause(&self, len: u64) -> u64 {
        for _ in 0..LINGER_SPINS {
            crate::sync::spin_loop();
        }
        // The run from `next` only grows while we hold it: its markers stay
        // published until this consumer releases them, and `poll` already
        // stepped over any abandoned prefix. So count only past its end (a
        // rescan from `next` read every marker again each time).
        self.shared
            .sequencer
            .count_published(self.next + len, self.max_batch - len)
    }

    /// Marks the first `n` events at `next` consumed and frees their slots.
    fn advance(&mut self, n: u64) {
        if self.evict.evicting() {
            self.evict_run(n);
        }
        self.next += n;
        self.shared.sequencer.release(self.next);
        self.evict.released(n);
    }

    /// Evicts the marker and slot lines of the `n` events at `next`, which
    /// the consumer is done with (`evict.rs`). Only while
    /// `self.evict.evicting()`.
    fn evict_run(&self, n: u64) {
        let sequencer = &self.shared.sequencer;
        let capacity = sequencer.capacity() as usize;
        // Runs, parts and commits never exceed the capacity.
        debug_assert!(n <= capacity as u64);
        let start = sequencer.index(self.next);
        // At most two stretches: before the array's end, and after the wrap.
        let first = (n as usize).min(capacity - start);
        for (from, count) in [(start, first), (0, n as usize - first)] {
            if count > 0 {
                let to_end = from + count == capacity;
                let (markers, marker_bytes) = sequencer.marker_bytes(from, count);
                let (slots, slot_bytes) = self.shared.slots.bytes(from, count);
                // SAFETY: `self.evict` evicts only where `evict::available`
                // said yes (`EvictChoice::new`, from `Consumer::new`); both ranges lie inside the
                // marker and slot arrays, which `self.shared` keeps alive.
                unsafe {
                    super::evict::evict(markers, marker_bytes, to_end);
                    super::evict::evict(slots, slot_bytes, to_end);
                }
            }
        }
    }
}

/// A run shorter than this, found while events arrive fast, is given a
/// moment to grow ([`Consumer::linger`]).
const LINGER_RUN: u64 = 512;

/// Spin hints per pause of [`Consumer::linger`]. (Under loom, where every
/// spin hint is a scheduling point, none: one recount, so the models cover
/// the linger's extra scan without exploding.)
#[cfg(not(loom))]
const LINGER_SPINS: u32 = 32;
#[cfg(loom)]
const LINGER_SPINS: u32 = 0;
/// Most pauses of one [`Consumer::linger`].
#[cfg(not(loom))]
const LINGER_ROUNDS: u32 = 8;
#[cfg(loom)]
const LINGER_ROUNDS: u32 = 1;
/// A run found after this many failed waits or more is taken at once: the
/// producers are not publishing fast, and lingering would only add latency.
/// (While spinning, the consumer looks at the ring every
/// [`SPIN_POLL_EVERY`]th time round: this is "found at the first or second
/// look".)
const LINGER_IF_WAITED_UNDER: u32 = SPIN_POLL_EVERY + 1;

/// In a long run handed to [`ReadChunk::handle`], the handled events are
/// released every `capacity / RELEASE_PARTS` events (at least every event),
/// so producers waiting on a full ring refill it while the consumer works
/// through the rest instead of idling for a whole lap.
const RELEASE_PARTS: u64 = 8;

impl<T> Drop for Consumer<T> {
    fn drop(&mut self) {
        self.shared.sequencer.close();
    }
}

/// A run of published events, borrowed from the [`Consumer`].
///
/// The events stay in the ring, unreleased, until [`commit`](ReadChunk::commit)
/// or [`commit_all`](ReadChunk::commit_all). A chunk dropped without commit
/// releases nothing: the same events are returned by the next read.
///
/// A chunk is `Send` for `T: Send` (like the `&mut Consumer` it borrows) and
/// `Sync` only for `T: Sync` (like a `MutexGuard`): threads sharing a
/// `&ReadChunk` read the same events at once through
/// [`as_slices`](ReadChunk::as_slices).
///
/// # Examples
///
/// Writing a whole run with one call (the logging backend does this):
///
/// ```
/// use std::io::Write;
/// let (producer, mut consumer) = ringlog::RingBuilder::new(4).build_with(|| [0u8; 3])?;
/// for line in [b"ab\n", b"cd\n", b"ef\n"] {
///     producer.push(*line).unwrap();
/// }
/// let mut out = Vec::new();
/// let chunk = consumer.try_read_chunk().unwrap();
/// let (head, tail) = chunk.as_slices();
/// out.write_all(head.concat().as_slice())?;
/// out.write_all(tail.concat().as_slice())?;
/// chunk.commit_all();
/// assert_eq!(out, b"ab\ncd\nef\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ReadChunk<'a, T> {
    consumer: &'a mut Consumer<T>,
    /// Events `[consumer.next, consumer.next + len)`; 1 ≤ len ≤ max_batch.
    len: u64,
}

// SAFETY: a `ReadChunk` is a `&mut Consumer` with a length: sent to another
// thread it lets that thread mutate (`as_mut_slices`) and release the chunk's
// events, exactly what sending the `&mut Consumer` would allow: `T: Send`.
unsafe impl<T: Send> Send for ReadChunk<'_, T> {}
// SAFETY: through `&ReadChunk`, several threads can call `as_slices` at once
// and read the same `&T`s concurrently, so `T: Sync` is required (as for
// `MutexGuard<T>: Sync`), and it suffices: the other `&self` methods read only
// the consumer's position and the sequencer, and `&mut` access to the events
// needs `&mut ReadChunk`. (A `Send`-only bound here let two threads share a
// `&ReadChunk<Cell<u64>>` and race on one slot.)
unsafe impl<T: Sync> Sync for ReadChunk<'_, T> {}

impl<T> ReadChunk<'_, T> {
    /// The number of events in the chunk (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// assert_eq!(consumer.try_read_chunk().unwrap().len(), 1);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn len(&self) -> usize {
        // len ≤ capacity, a usize.
        self.len as usize
    }

    /// Always `false`: a chunk holds at least one event.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// assert!(!consumer.try_read_chunk().unwrap().is_empty());
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sequence number of the chunk's first event (0 for the first event
    /// ever published, counting abandoned slots).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// producer.push(2).unwrap();
    /// consumer.try_read_chunk().unwrap().commit(1);
    /// assert_eq!(consumer.try_read_chunk().unwrap().first_sequence(), 1);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn first_sequence(&self) -> u64 {
        self.consumer.next
    }

    /// The events, oldest first, as two slices: the second is non-empty only
    /// when the run wraps around the end of the ring.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(2)?;
    /// producer.push(1).unwrap();
    /// consumer.try_consume(|_, _| {}).unwrap();
    /// producer.push(2).unwrap();
    /// producer.push(3).unwrap(); // wraps: slot 1, then slot 0
    /// let chunk = consumer.try_read_chunk().unwrap();
    /// assert_eq!(chunk.as_slices(), (&[2][..], &[3][..]));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[cfg(not(loom))]
    pub fn as_slices(&self) -> (&[T], &[T]) {
        let (head, tail) = self.ranges();
        // SAFETY: the ranges cover exactly the chunk's events, which are
        // published and unreleased, so the consumer (borrowed uniquely by this
        // chunk) holds them; `&self` keeps them alive and unaliased by
        // `as_mut_slices`.
        unsafe {
            (
                self.consumer.shared.slots.slice(head.0, head.1),
                self.consumer.shared.slots.slice(tail.0, tail.1),
            )
        }
    }

    /// Like [`as_slices`](ReadChunk::as_slices), but mutable: the consumer may
    /// take things out of the slots (say, a spilled buffer) before releasing
    /// them.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<Option<Box<u32>>>(4)?;
    /// producer.push(Some(Box::new(9))).unwrap();
    /// let mut chunk = consumer.try_read_chunk().unwrap();
    /// let taken = chunk.as_mut_slices().0[0].take();
    /// chunk.commit_all();
    /// assert_eq!(taken, Some(Box::new(9)));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[cfg(not(loom))]
    pub fn as_mut_slices(&mut self) -> (&mut [T], &mut [T]) {
        let (head, tail) = self.ranges();
        // SAFETY: as in `as_slices`; the two ranges are disjoint, and `&mut
        // self` makes these the only references to the chunk's slots.
        unsafe {
            (
                self.consumer.shared.slots.slice_mut(head.0, head.1),
                self.consumer.shared.slots.slice_mut(tail.0, tail.1),
            )
        }
    }

    /// `(start, len)` of the chunk's slots before and after the wrap.
    #[cfg(not(loom))]
    fn ranges(&self) -> ((usize, usize), (usize, usize)) {
        let start = self.consumer.shared.sequencer.index(self.consumer.next);
        let len = self.len();
        let head = len.min(self.consumer.capacity() - start);
        ((start, head), (0, len - head))
    }

    /// Releases the first `n` events (all of them if `n` exceeds the length);
    /// the rest are returned again by the next read.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// producer.push(2).unwrap();
    /// consumer.try_read_chunk().unwrap().commit(1);
    /// assert_eq!(consumer.try_read_chunk().unwrap().as_slices().0, &[2]);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn commit(self, n: usize) {
        let n = (n as u64).min(self.len);
        self.consumer.advance(n);
    }

    /// Releases every event in the chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(1)?;
    /// producer.push(1).unwrap();
    /// assert!(producer.try_push(2).is_err()); // full
    /// consumer.try_read_chunk().unwrap().commit_all();
    /// assert!(producer.try_push(2).is_ok()); // the slot is free again
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn commit_all(self) {
        let n = self.len;
        self.consumer.advance(n);
    }

    /// Hands each event to `handler` in order, with `end_of_batch` true on the
    /// last one, then releases them. Returns the number of events.
    ///
    /// If `handler` panics, the events already handled *and the one it
    /// panicked on* are released, so that event is not delivered again (it
    /// would likely panic again); the rest stay for the next read. The panic
    /// propagates.
    ///
    /// # Deadlocks
    ///
    /// The run is released only after `handler` returns, so a blocking
    /// publish into the same ring from `handler` fails with `WouldDeadlock`
    /// once the ring is full, and a `try_` publish returns `Full` (see
    /// [`Producer`](crate::Producer), "Re-entrant calls"). Called from inside
    /// a write closure of the same ring, a waiting read waits for that
    /// closure's own slot: forever.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// producer.push(2).unwrap();
    /// let chunk = consumer.try_read_chunk().unwrap();
    /// let mut ends = vec![];
    /// assert_eq!(chunk.handle(|_, end| ends.push(end)), 2);
    /// assert_eq!(ends, [false, true]);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn handle<F: FnMut(&mut T, bool)>(self, mut handler: F) -> usize {
        let len = self.len;
        // `released` cannot pass the event being handled until the handler
        // returns, and only this thread moves it. The limit recorded is the
        // run's start: the releases in parts below move `released` past it,
        // which only makes the record conservative. A blocking claim fails
        // with `WouldDeadlock` only when it finds the ring full *and* needs
        // more than the limit, i.e. more than `released` (≥ the limit) now
        // is, which only this thread could provide, after the handler.
        let held = Hold::new(self.consumer.shared.sequencer.id(), self.consumer.next);
        let part = (self.consumer.shared.sequencer.capacity() / RELEASE_PARTS).max(1);
        let mut progress = CommitOnDrop {
            consumer: self.consumer,
            handled: 0,
            _held: held,
        };
        // The run in parts of at most `part` events; after each part but the
        // last, its events are released. (Parts, not a per-event check for
        // the part's end: that check cost more than the rest of the loop.)
        let mut done = 0;
        while done < len {
            let this_part = (len - done).min(part);
            // `next` stays put during a part: the part's events are `j` past it.
            let first = progress.consumer.next;
            for j in 0..this_part {
                let index = progress.consumer.shared.sequencer.index(first + j);
                // Counted before the handler runs: see the doc on panics.
                progress.handled = j + 1;
                // Planted bug for the loom models: the release in parts frees
                // the event about to be handled, so a producer may rewrite
                // the slot while the handler reads it.
                #[cfg(ringlog_planted_bug = "release_ahead")]
                if j + 1 == this_part && done + this_part < len {
                    progress.consumer.advance(this_part);
                    progress.handled = 0;
                }
                let consumer = &*progress.consumer;
                // SAFETY: sequence `first + j` is in the chunk and not yet
                // released (the releases in parts freed only earlier parts),
                // so it is published and unreleased: the consumer, borrowed
                // uniquely by `progress`, holds the slot, and no other
                // reference to it exists.
                unsafe {
                    consumer
                        .shared
                        .slots
                        .with_mut(index, |event| handler(event, done + j + 1 == len))
                };
            }
            done += this_part;
            #[cfg(not(ringlog_planted_bug = "release_ahead"))]
            if done < len {
                // Release in parts: the events handled so far, not the rest.
                progress.consumer.advance(this_part);
                progress.handled = 0;
            }
        }
        // `len ≤ capacity`, a usize.
        len as usize
    }
}

/// Releases the handled events of [`ReadChunk::handle`] on the way out,
/// whether it returns or unwinds. While it lives, this thread is recorded as
/// the consumer inside a handler, so that a blocking publish into the same
/// ring from the handler fails instead of waiting for room only this thread
/// can free ([`super::reentry`]).
struct CommitOnDrop<'a, T> {
    consumer: &'a mut Consumer<T>,
    handled: u64,
    /// Dropped after the release in `drop`.
    _held: Hold,
}

impl<T> Drop for CommitOnDrop<'_, T> {
    fn drop(&mut self) {
        self.consumer.advance(self.handled);
    }
}
