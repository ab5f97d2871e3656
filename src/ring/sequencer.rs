//! The multi-producer sequencer: who may touch which slot, and when.
//!
//! This is the LMAX Disruptor's multi-producer sequencer (Thompson et al.,
//! *Disruptor: High performance alternative to bounded queues for exchanging
//! data between concurrent threads*, 2011; `MultiProducerSequencer` in the
//! reference implementation): producers claim sequence numbers by CAS on a
//! shared cursor and publish each slot through a per-slot marker, so they can
//! publish out of order; the single consumer advances only over a contiguous
//! published run. It knows nothing of the slot type; [`super::slots`] holds the
//! storage.
//!
//! Two departures from the reference, both recorded in `docs/design.md`:
//! - the sleeper flags live *inside* the two words each side already RMWs
//!   (the consumer's flag in `cursor`, which every claim CASes; the producers'
//!   flag in `released`, which every release swaps), so a side that nobody
//!   waits for pays no fence and no extra load to find that out;
//! - a claim that is abandoned by a panic is published as *skipped*, so a
//!   panicking producer never wedges the ring.

use super::capacity::MAX_CAPACITY;
use super::reentry;
use crate::sync::{AtomicBool, AtomicU64, AtomicUsize, Locked, Ordering};
#[cfg(not(loom))]
use crate::wait::sleep_until_at_most;
use crate::wait::{spin_or_yield, Sleepers, WaitAction, WaitStrategy};
use crossbeam_utils::CachePadded;
use std::time::Instant;

/// `cursor` bit: the ring is closed; no claim succeeds any more.
pub(crate) const CLOSED: u64 = 1 << 63;
/// `cursor` bit: the consumer is asleep (or about to be) and the next claim
/// must wake it after publishing.
pub(crate) const CONSUMER_SLEEPING: u64 = 1 << 62;
/// `released` bit: at least one producer is asleep waiting for room, and the
/// next release must wake the producers.
pub(crate) const PRODUCERS_SLEEPING: u64 = 1 << 63;
/// The sequence part of `cursor` and `released`. Sequences never reach 2^62
/// (at 10^9 events per second that takes 146 years).
pub(crate) const SEQ_MASK: u64 = (1 << 62) - 1;
/// Marker bit: the slot was claimed but abandoned (its producer panicked);
/// the consumer steps over it without handing it to the handler.
const SKIPPED: u64 = 1 << 63;

/// The marker value meaning "sequence `seq` is published".
///
/// `seq + 1`, so the initial marker 0 never matches any sequence, and a marker
/// left by an earlier lap (`seq + 1 - capacity·k`) never matches a later one.
#[inline]
const fn published(seq: u64) -> u64 {
    seq + 1
}

/// The marker value meaning "sequence `seq` was abandoned".
#[inline]
const fn skipped(seq: u64) -> u64 {
    (seq + 1) | SKIPPED
}

/// While the consumer spins waiting for data, it reads the next slot's marker
/// only on every `SPIN_POLL_EVERY`-th spin (see `wait_for_data`): at most this
/// many spin hints of extra latency (well under a microsecond), for a
/// producer that is not interrupted once per event.
/// (Under loom, every spin is a scheduling point: look every time.)
#[cfg(not(loom))]
pub(crate) const SPIN_POLL_EVERY: u32 = 16;
#[cfg(loom)]
pub(crate) const SPIN_POLL_EVERY: u32 = 1;

/// A blocking claim looks whether to step aside for the consumer
/// ([`Sequencer::crowded`]) once every this many sequences. A
/// power of two.
const STEP_ASIDE_EVERY: u64 = 1024;

/// Whether claiming `n` sequences from `start` crosses a multiple of
/// [`STEP_ASIDE_EVERY`] (the bits above its own differ between the claim's
/// first sequence and the one after its last).
#[inline]
fn crosses_a_stretch(start: u64, n: u64) -> bool {
    (start ^ (start + n)) >= STEP_ASIDE_EVERY
}

/// Whether a ring of `capacity` slots whose claims reach `end` and whose
/// consumer released up to `released` has more than half its slots claimed
/// and not yet released.
#[inline]
fn more_than_half_full(end: u64, released: u64, capacity: u64) -> bool {
    end.saturating_sub(released) > capacity / 2
}

/// A blocking claim waiting for room yields on every `CLAIM_YIELD_EVERY`-th
/// attempt even when its strategy says spin (see `Sequencer::claim`).
const CLAIM_YIELD_EVERY: u32 = 64;

/// Why a claim failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClaimError {
    /// Not enough free slots: `released` (its sequence part) was `seen`, and
    /// the claim needs it to reach `needed`.
    Full { seen: u64, needed: u64 },
    /// The ring is closed.
    Closed,
    /// (Blocking claims only.) The ring is full, and only this thread could
    /// free the room the claim needs: waiting would never end (see
    /// [`super::reentry`]).
    WouldDeadlock,
}

/// Why the consumer stopped waiting for data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitError {
    /// The ring is closed and every claimed sequence has been consumed.
    Closed,
    /// The deadline passed.
    #[cfg_attr(loom, allow(dead_code))]
    Timeout,
}

/// A successful claim: sequences `[start, start + n)` belong to the claimer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Claimed {
    pub(crate) start: u64,
    /// The claim's CAS cleared the consumer's sleeper flag: whoever publishes
    /// this claim must wake the consumer.
    pub(crate) wake_consumer: bool,
    /// The claimer should give its CPU away once it has published this claim
    /// ([`Sequencer::crowded`]).
    pub(crate) step_aside: bool,
}

/// A producer handle's cached copy of `released`.
///
/// Reading `released` itself on every claim would pull its cache line away from
/// the consumer, which writes it once per batch; the cache is re-read only when
/// the ring looks full.
///
/// Every value in the cache was loaded from `released`, which only grows, so
/// the cache is never ahead of it. The cache itself does *not* only grow:
/// threads sharing one handle store what they loaded, and a thread that
/// loaded earlier may store after one that loaded later, overwriting a larger
/// value with a smaller one. That is still safe, merely pessimistic: a smaller
/// value claims less room than there is, and the next claim that looks full
/// reloads `released`.
#[derive(Debug)]
pub(crate) struct ReleasedCache(CachePadded<AtomicU64>);

impl ReleasedCache {
    pub(crate) fn new(value: u64) -> Self {
        Self(CachePadded::new(AtomicU64::new(value)))
    }

    #[inline]
    pub(crate) fn get(&self) -> u64 {
        // Acquire pairs with the Release store in `ReleasedCache::set` by
        // another thread sharing this handle: that thread's Acquire load of
        // `released` made the consumer's reads of the released slots
        // happen-before its store, and so before our writes to those slots.
        self.0.load(CACHE_LOAD)
    }

    fn set(&self, value: u64) {
        // Release pairs with the Acquire load in `ReleasedCache::get`.
        self.0.store(value, CACHE_STORE);
    }
}

/// The ordering of the marker stores in `publish`: Release, pairing with the
/// Acquire load in `scan` (and `has_data`): the producer's writes to the
/// slot happen-before the consumer's reads of it.
#[cfg(not(ringlog_planted_bug = "publish_relaxed"))]
const PUBLISH_ORDER: Ordering = Ordering::Release;
// Planted bug for the loom models (docs/design.md, "Verification").
#[cfg(ringlog_planted_bug = "publish_relaxed")]
const PUBLISH_ORDER: Ordering = Ordering::Relaxed;

/// The orderings of [`ReleasedCache`]'s load and store.
#[cfg(not(ringlog_planted_bug = "cache_relaxed"))]
const CACHE_LOAD: Ordering = Ordering::Acquire;
#[cfg(not(ringlog_planted_bug = "cache_relaxed"))]
const CACHE_STORE: Ordering = Ordering::Release;
// Planted bug for the loom models (docs/design.md, "Verification"): threads
// sharing one producer handle lose the happens-before edge the cache carries.
#[cfg(ringlog_planted_bug = "cache_relaxed")]
const CACHE_LOAD: Ordering = Ordering::Relaxed;
#[cfg(ringlog_planted_bug = "cache_relaxed")]
const CACHE_STORE: Ordering = Ordering::Relaxed;

/// The sequencer state shared by all handles of one ring.
pub(crate) struct Sequencer {
    /// Producers' claim word. Bits 0..62: the next sequence to claim (every
    /// sequence below it has been handed to exactly one claimer). Bit 62:
    /// [`CONSUMER_SLEEPING`]. Bit 63: [`CLOSED`]. Advanced only by CAS in
    /// `try_claim`; bits set by RMW only, so no update is ever lost.
    cursor: CachePadded<AtomicU64>,
    /// The consumer's release word. Bits 0..62: every sequence below it has
    /// been consumed and its slot may be rewritten; it never exceeds the
    /// consumer's read position and only grows. Bit 63:
    /// [`PRODUCERS_SLEEPING`]. Written by `swap` in `release` (consumer) and
    /// by CAS in `sleep_for_room` (producers setting the flag).
    released: CachePadded<AtomicU64>,
    /// Set by `close` right after it sets [`CLOSED`] in `cursor`; never
    /// cleared. The consumer's (and `is_closed`'s) way to ask "closed?"
    /// without reading `cursor`: a consumer that read `cursor` while waiting
    /// took its cache line from the producer, whose next claim then paid a
    /// cross-core transfer (docs/design.md, "The publish path's cost").
    /// Claims still decide by the bit in `cursor`, which their RMW reads.
    closed: CachePadded<AtomicBool>,
    /// One word per slot: [`published`]`(seq)` or [`skipped`]`(seq)` for the
    /// last sequence written into the slot, 0 before the first. Stored with
    /// Release by the claimer of `seq` only; loaded with Acquire by the
    /// consumer only.
    markers: Box<[AtomicU64]>,
    /// `capacity - 1`; the slot of `seq` is `seq & mask`.
    mask: u64,
    /// Live [`Producer`](crate::Producer) handles; the last one to drop closes
    /// the ring.
    producers: AtomicUsize,
    /// Sequence ranges `(start, n)` that blocking claims took but gave up
    /// on because the ring closed ([`Sequencer::abandon`]); never published.
    /// Written only after `CLOSED` is set, read by the consumer only then.
    abandoned: Locked<Vec<(u64, u64)>>,
    /// Where the consumer sleeps while the ring is empty.
    consumer_sleepers: Sleepers,
    /// Where producers sleep while the ring is full.
    producer_sleepers: Sleepers,
    /// How both sides wait.
    wait: Box<dyn WaitStrategy>,
}

impl std::fmt::Debug for Sequencer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sequencer")
            .field("capacity", &self.capacity())
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl Sequencer {
    /// A sequencer for `capacity` slots (a power of two, checked by the builder).
    pub(crate) fn new(capacity: usize, wait: Box<dyn WaitStrategy>) -> Self {
        debug_assert!(capacity.is_power_of_two() && capacity <= MAX_CAPACITY);
        Self {
            cursor: CachePadded::new(AtomicU64::new(0)),
            released: CachePadded::new(AtomicU64::new(0)),
            closed: CachePadded::new(AtomicBool::new(false)),
            markers: (0..capacity).map(|_| AtomicU64::new(0)).collect(),
            mask: capacity as u64 - 1,
            producers: AtomicUsize::new(1),
            abandoned: Locked::new(Vec::new()),
            consumer_sleepers: Sleepers::new(),
            producer_sleepers: Sleepers::new(),
            wait,
        }
    }

    #[inline]
    pub(crate) fn capacity(&self) -> u64 {
        self.mask + 1
    }

    /// The slot index of `seq`.
    #[inline]
    pub(crate) fn index(&self, seq: u64) -> usize {
        // The mask is below MAX_CAPACITY, so the result fits a usize.
        (seq & self.mask) as usize
    }

    /// This ring's identity for [`super::reentry`]: the sequencer's address
    /// (it lives in the ring's `Arc` and never moves), never 0.
    #[inline]
    pub(crate) fn id(&self) -> usize {
        (self as *const Self) as usize
    }

    /// The address and length in bytes of the markers of slots
    /// `from..from + count` (`count` of them from `from`, inside the array).
    pub(crate) fn marker_bytes(&self, from: usize, count: usize) -> (*const u8, usize) {
        let markers = &self.markers[from..from + count];
        (markers.as_ptr().cast(), std::mem::size_of_val(markers))
    }

    #[inline]
    fn marker(&self, seq: u64) -> &AtomicU64 {
        &self.markers[self.index(seq)]
    }

    // ----- producers -------------------------------------------------------

    /// Claims `n` (1 ≤ n ≤ capacity) consecutive sequences without waiting.
    ///
    /// A failed claim changes nothing: the cursor moves only in the CAS, and
    /// only when the whole range fits.
    #[inline]
    pub(crate) fn try_claim(&self, n: u64, cache: &ReleasedCache) -> Result<Claimed, ClaimError> {
        debug_assert!(n >= 1 && n <= self.capacity());
        // Relaxed: the value only seeds the CAS below, which re-validates it.
        let mut current = self.cursor.load(Ordering::Relaxed);
        loop {
            if current & CLOSED != 0 {
                return Err(ClaimError::Closed);
            }
            let start = current & SEQ_MASK;
            let end = start + n;
            if end > cache.get() + self.capacity() {
                // Looks full: refresh the cache from the real thing.
                // Acquire pairs with the Release swap in `release`: the
                // consumer's reads of every slot below `released` happen-before
                // we overwrite one of them.
                let released = self.released.load(Ordering::Acquire) & SEQ_MASK;
                cache.set(released);
                if end > released + self.capacity() {
                    return Err(ClaimError::Full {
                        seen: released,
                        needed: end - self.capacity(),
                    });
                }
            }
            // Relaxed on both paths: the CAS only decides *who* owns
            // [start, end) — a single atomic's modification order makes that
            // exclusive without any ordering. Slot data is ordered by
            // `released` (above) and the markers (in `publish`); the flag bits
            // hand-offs are ordered by the sleepers' mutexes.
            match self.cursor.compare_exchange_weak(
                current,
                end,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Ok(Claimed {
                        start,
                        wake_consumer: current & CONSUMER_SLEEPING != 0,
                        step_aside: false,
                    })
                }
                Err(actual) => current = actual,
            }
        }
    }

    /// Claims `n` sequences, waiting for room by the wait strategy.
    ///
    /// The sequences are taken first, by one `fetch_add` on the cursor (the
    /// LMAX Disruptor's `MultiProducerSequencer.next()`): no retry loop under
    /// contention, and claims get room in the order they were made, so a
    /// batch is not starved by single-slot claims that slip in whenever one
    /// slot is free. Then the claim waits until the consumer has released
    /// the previous lap of its slots.
    ///
    /// A `fetch_add` claim cannot be undone, so two cases take another way:
    /// - a thread that holds this ring (inside a write closure or a consumer
    ///   handler of it, see [`super::reentry`]) may be waiting for room only
    ///   it could free: it claims by [`Sequencer::claim_checked`], which takes
    ///   sequences only once there is room and fails with `WouldDeadlock`
    ///   without having claimed anything;
    /// - a claim made after the ring closed, or still waiting for room when
    ///   it closes, gives up with `Closed` and records its sequences as
    ///   *abandoned* ([`Sequencer::abandon`]); it never writes their slots or
    ///   markers, and the consumer of the closed ring steps over them.
    #[inline]
    pub(crate) fn claim(&self, n: u64, cache: &ReleasedCache) -> Result<Claimed, ClaimError> {
        if reentry::held_limit(self.id()).is_some() {
            return self.claim_checked(n, cache);
        }
        // Relaxed: as for the CAS in `try_claim`, the RMW only decides who
        // owns [start, end) (one word's modification order); slot data is
        // ordered by `released` (below) and the markers.
        let previous = self.cursor.fetch_add(n, Ordering::Relaxed);
        let start = previous & SEQ_MASK;
        // The common case, inlined into the caller: no flag set and room by
        // the cached `released` (whose Acquire load in `ReleasedCache::get`
        // pairs as described there). Everything else is `claim_slow`.
        if previous & (CLOSED | CONSUMER_SLEEPING) == 0
            && start + n <= cache.get() + self.capacity()
        {
            return Ok(Claimed {
                start,
                wake_consumer: false,
                // Once every STEP_ASIDE_EVERY sequences (the claim that
                // crosses a multiple of it), look whether to give the CPU
                // away after publishing.
                step_aside: crosses_a_stretch(start, n) && self.crowded(start + n),
            });
        }
        self.claim_slow(previous, n, cache)
    }

    /// Whether a claim reaching `end` should be followed, once published, by
    /// a yield of the claimer's CPU: the ring is more than half full and
    /// another producer is claiming at the same time (the cursor moved past
    /// `end`, this thread's claim, meanwhile). The yield comes after the
    /// publish ([`Sequencer::publish`]), so that the consumer, given the
    /// CPU, can drain past this claim.
    ///
    /// Why: two producers on two CPUs contend for the cursor's cache line
    /// (35-48 ns a claim against 4 on one CPU), and while both run the
    /// consumer, runnable, waits for a CPU until the ring is full; fill and
    /// drain then alternate and never overlap (docs/benchmarks.md, "What
    /// the machine takes from a run"). A producer that steps aside lets the
    /// consumer drain beside the other producer, which then claims alone.
    /// A lone producer never yields here (nobody but it moves the cursor),
    /// nor does a ring less than half full: the cost on the common path is
    /// the branch above, taken once every [`STEP_ASIDE_EVERY`] sequences.
    /// (A gate on the number of producer handles instead was tried: a
    /// `Logger` always has two, its own and its guard's, so one logging
    /// thread whose writer could not keep up yielded for nothing; two
    /// noisy log-group pairs put its cost at 15-25% of that thread's
    /// throughput.)
    #[cold]
    #[inline(never)]
    fn crowded(&self, end: u64) -> bool {
        // Relaxed, both: a scheduling hint, no slot is read or written on
        // the strength of either value.
        let released = self.released.load(Ordering::Relaxed) & SEQ_MASK;
        // The load of `released` takes a trip to the consumer's core (it
        // writes the word); a producer claiming beside this one moves the
        // cursor meanwhile.
        more_than_half_full(end, released, self.capacity())
            && self.cursor.load(Ordering::Relaxed) & SEQ_MASK != end
    }

    /// The rest of [`Sequencer::claim`] after its `fetch_add` returned
    /// `previous`: a flag was set, or the claim may have to wait for room.
    #[cold]
    #[inline(never)]
    fn claim_slow(
        &self,
        previous: u64,
        n: u64,
        cache: &ReleasedCache,
    ) -> Result<Claimed, ClaimError> {
        let start = previous & SEQ_MASK;
        if previous & CLOSED != 0 {
            self.abandon(start, n);
            return Err(ClaimError::Closed);
        }
        // The consumer's sleeper flag survives an addition (a CAS claim
        // replaces the word and drops it): clear it, and wake the consumer
        // if this claim is the one that cleared it. A claim that saw the
        // flag but lost the clearing race does not wake: the one that
        // cleared it does, and the consumer, woken before this claim is
        // published, polls for it (`sleep_for_data` does not sleep while a
        // claim is in flight).
        let mut wake_consumer = previous & CONSUMER_SLEEPING != 0 && self.clear_consumer_flag();
        let end = start + n;
        if wake_consumer && end > cache.get() + self.capacity() {
            // We may wait for room, which may take the consumer reading an
            // earlier claim whose claimer saw the flag too but did not clear
            // it (so will not wake it): wake it now, not after our publish,
            // or both sides could wait for each other forever. (Found by the
            // loom model `batch_claim_races_single_claim`.)
            self.consumer_sleepers.wake_all();
            wake_consumer = false;
        }
        let mut attempt = 0u32;
        while end > cache.get() + self.capacity() {
            // Acquire pairs with the Release swap in `release`, as in
            // `try_claim`: the consumer's reads of the previous lap of our
            // slots happen-before we overwrite them.
            let released = self.released.load(Ordering::Acquire) & SEQ_MASK;
            cache.set(released);
            // A claim that had to wait gives up once the ring is closed, even
            // if the room came with the close: as a CAS claim, which fails on
            // the closed cursor, a blocked publish returns `Closed` with its
            // value. (If the room came from a release the consumer made after
            // closing, or after seeing the close, the Acquire load above makes
            // the close visible to the load of the `closed` flag here: the
            // flag's store happens-before that release.)
            if self.is_closed() {
                // (`wake_consumer` is false here: a claim that cleared the
                // flag and had to wait woke the consumer before waiting.)
                self.abandon(start, n);
                return Err(ClaimError::Closed);
            }
            if end <= released + self.capacity() {
                break;
            }
            match self.wait.action(attempt) {
                WaitAction::Park => self.sleep_for_room(released),
                // A claim that waits for room holds sequences that later
                // claims queue behind (room comes in claim order): even when
                // the strategy says spin, give the core away now and then,
                // so that with more spinning threads than cores the claim
                // the consumer needs next is not left descheduled until a
                // spinner is preempted. (Without this, 4 BusySpin producers
                // on a 2-slot ring made `wait::busy_spin_with_more_threads_than_cores`
                // miss its 120 s watchdog.)
                WaitAction::Spin if attempt % CLAIM_YIELD_EVERY == CLAIM_YIELD_EVERY - 1 => {
                    crate::sync::yield_now()
                }
                // No deadline: blocking producer calls wait for room until
                // it comes or the ring closes.
                action => spin_or_yield(action, None),
            }
            attempt = attempt.saturating_add(1);
        }
        Ok(Claimed {
            start,
            wake_consumer,
            step_aside: false,
        })
    }

    /// Clears the consumer's sleeper flag in `cursor`; whether this call
    /// cleared it (so the caller must wake the consumer).
    fn clear_consumer_flag(&self) -> bool {
        // Relaxed: the flag carries no data (the wake is ordered by the
        // consumer sleepers' mutex); the RMW's result tells exactly one
        // claimer that it cleared the flag the consumer set.
        self.cursor.fetch_and(!CONSUMER_SLEEPING, Ordering::Relaxed) & CONSUMER_SLEEPING != 0
    }

    /// Records that sequences `[start, start + n)` were claimed but will never
    /// be published: a blocking claim gave up because the ring closed.
    /// Called only once `CLOSED` is set; the consumer looks here only then.
    fn abandon(&self, start: u64, n: u64) {
        // Planted bug for the loom models: a claim that gives up on close
        // leaves a hole the consumer of the closed ring waits on forever.
        #[cfg(ringlog_planted_bug = "no_abandon")]
        if true {
            let _ = (start, n);
            return;
        }
        let mut abandoned = self.abandoned.lock();
        // Claims made after the close take consecutive ranges (each
        // `fetch_add` follows the last): merge this range with the ones it
        // continues and precedes rather than add one, so that producers that
        // keep pushing into a closed ring (a log call after shutdown, whose
        // writer is gone and never takes the ranges) do not grow the list.
        // Both neighbours, not just the last entry: claims reach this lock
        // in any order (two threads between their `fetch_add` and here),
        // and a range left unmerged stays for good. The consumer takes a
        // range only whole, under this lock, when it reaches its start; it
        // cannot be past `start` (those sequences are never published), so
        // merging ranges it has not taken is as if each had been added.
        // The list stays as short as the claims in flight at the close.
        let mut n = n;
        if let Some(j) = abandoned.iter().position(|&(s, _)| s == start + n) {
            n += abandoned.swap_remove(j).1;
        }
        match abandoned.iter_mut().find(|(s, len)| *s + *len == start) {
            Some(before) => before.1 += n,
            None => abandoned.push((start, n)),
        }
    }

    /// If a range of abandoned sequences starts at `next`, its length (taken
    /// off the list: the consumer steps over it). For a closed ring: the list
    /// is empty while the ring is open.
    pub(crate) fn take_abandoned(&self, next: u64) -> Option<u64> {
        let mut abandoned = self.abandoned.lock();
        let i = abandoned.iter().position(|&(start, _)| start == next)?;
        Some(abandoned.swap_remove(i).1)
    }

    /// Whether the ring is closed and abandoned sequences start at `next`.
    fn abandoned_at(&self, next: u64) -> bool {
        self.is_closed()
            && self
                .abandoned
                .lock()
                .iter()
                .any(|&(start, _)| start == next)
    }

    /// Claims `n` sequences only once there is room for all of them (a CAS
    /// per attempt), waiting by the wait strategy; fails with
    /// `WouldDeadlock`, having claimed nothing, instead of waiting for room
    /// that only this thread could free. The blocking claim of a thread that
    /// holds this ring (see [`Sequencer::claim`]).
    fn claim_checked(&self, n: u64, cache: &ReleasedCache) -> Result<Claimed, ClaimError> {
        let mut attempt = 0u32;
        // Looked up when the ring is first found full, never on the fast
        // path; it cannot change while this thread waits here.
        let mut held_limit = None;
        loop {
            match self.try_claim(n, cache) {
                Err(ClaimError::Full { seen, needed }) => {
                    let limit = *held_limit.get_or_insert_with(|| reentry::held_limit(self.id()));
                    if limit.is_some_and(|limit| needed > limit) {
                        return Err(ClaimError::WouldDeadlock);
                    }
                    match self.wait.action(attempt) {
                        WaitAction::Park => self.sleep_for_room(seen),
                        // No deadline: blocking producer calls wait for room
                        // until it comes or the ring closes.
                        action => spin_or_yield(action, None),
                    }
                    attempt = attempt.saturating_add(1);
                }
                done => return done,
            }
        }
    }

    /// Sleeps until `released` moves past `seen` or the ring closes.
    fn sleep_for_room(&self, seen: u64) {
        let guard = self.producer_sleepers.lock();
        // Relaxed loads: under the lock, a `release` or `close` that this
        // sleeper could miss must take the same lock afterwards to wake it
        // (`Sleepers::wake_all`), and the mutex orders the two.
        let released = self.released.load(Ordering::Relaxed);
        if released & SEQ_MASK != seen || self.is_closed() {
            return;
        }
        if released & PRODUCERS_SLEEPING == 0
            // Relaxed: the flag carries no data. The CAS fails if `release`
            // swapped in between (we then retry the claim instead of
            // sleeping); if it succeeds, the next `release` swap reads the
            // flag, because both RMW the same word.
            && self
                .released
                .compare_exchange(
                    released,
                    released | PRODUCERS_SLEEPING,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        drop(self.producer_sleepers.sleep(guard));
    }

    /// Publishes a claim of `n` sequences from `start`: the first `written`
    /// as events, the rest as skipped. Then wakes the consumer if the claim
    /// found it asleep.
    #[inline]
    pub(crate) fn publish(&self, claimed: Claimed, n: u64, written: u64) {
        if n == 1 && written == 1 {
            // The single-event publish, without the loop.
            self.marker(claimed.start)
                .store(published(claimed.start), PUBLISH_ORDER);
        } else {
            self.publish_each(claimed.start, n, written);
        }
        // Planted bug for the loom models: the claimer ignores the consumer's
        // sleeper flag it cleared, so a parked consumer is never woken.
        #[cfg(ringlog_planted_bug = "no_consumer_wake")]
        let claimed = Claimed {
            wake_consumer: false,
            ..claimed
        };
        if claimed.wake_consumer {
            self.consumer_sleepers.wake_all();
        }
        if claimed.step_aside {
            crate::sync::yield_now();
        }
    }

    /// Stores the markers of `n` sequences from `start`: the first `written`
    /// published, the rest skipped.
    fn publish_each(&self, start: u64, n: u64, written: u64) {
        for seq in start..start + n {
            let marker = if seq - start < written {
                published(seq)
            } else {
                skipped(seq)
            };
            self.marker(seq).store(marker, PUBLISH_ORDER);
        }
    }

    /// Registers one more producer handle.
    pub(crate) fn add_producer(&self) {
        // Relaxed: the new handle is created from an existing one, so the
        // count cannot reach zero concurrently (as in `Arc::clone`).
        self.producers.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether one producer handle exists (a hint for the consumer's
    /// linger: a handle shared by several threads counts once).
    #[inline]
    pub(crate) fn lone_producer(&self) -> bool {
        // Relaxed: a scheduling hint; nothing is read on the strength of it.
        self.producers.load(Ordering::Relaxed) == 1
    }

    /// Unregisters a producer handle; the last one closes the ring.
    pub(crate) fn remove_producer(&self) {
        // AcqRel: the decrements form a release sequence, so the handle that
        // reaches zero has seen every other handle's drop; nothing else is
        // ordered by it (events are ordered by their markers).
        if self.producers.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.close();
        }
    }

    // ----- both sides ------------------------------------------------------

    /// Closes the ring: claims fail from now on; sleepers on both sides wake
    /// to see it. Idempotent.
    pub(crate) fn close(&self) {
        // Relaxed: no data rides on the flag. Claims re-read it in their CAS;
        // sleepers re-check it under their lock, which `wake_all` takes after
        // this RMW.
        self.cursor.fetch_or(CLOSED, Ordering::Relaxed);
        // Release pairs with the Acquire load in `is_closed`: whoever sees
        // the flag then sees `CLOSED` in `cursor` too (`is_drained`). Set
        // before the wakes below, so a sleeper they wake (the mutex orders
        // the two) sees it.
        self.closed.store(true, Ordering::Release);
        self.consumer_sleepers.wake_all();
        self.producer_sleepers.wake_all();
    }

    /// Whether [`Sequencer::close`] has run (read from the `closed` flag,
    /// not from `cursor`, so that a waiting consumer does not pull the
    /// producers' claim line).
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        // Acquire pairs with the Release store in `close`: once this sees
        // the flag, a load of `cursor` sees `CLOSED` (`is_drained`). Claims
        // do not decide by it (their RMW reads the bit in `cursor`); sleepers
        // re-check it under their lock, which `close` takes after the store.
        self.closed.load(Ordering::Acquire)
    }

    /// Whether the ring looked full at one instant: every slot claimed and
    /// not yet released. A hint for callers that would rather not prepare
    /// an event they will not be able to publish; the claim decides.
    #[cfg_attr(loom, allow(dead_code))] // the logger, absent under loom
    pub(crate) fn looks_full(&self) -> bool {
        // Relaxed, both: a hint read from two words at slightly different
        // times; nothing is published or read on the strength of it.
        let cursor = self.cursor.load(Ordering::Relaxed) & SEQ_MASK;
        let released = self.released.load(Ordering::Relaxed) & SEQ_MASK;
        cursor >= released + self.capacity()
    }

    // ----- consumer --------------------------------------------------------

    /// Scans from `next`: skips a prefix of abandoned sequences, then counts
    /// up to `max` consecutive published ones. Returns `(first, len)`: the
    /// events are `[first, first + len)`, and `[next, first)` were abandoned.
    pub(crate) fn scan(&self, next: u64, max: u64) -> (u64, u64) {
        let mut first = next;
        // Acquire pairs with the Release store in `publish`, as in
        // `count_published`.
        while self.marker(first).load(Ordering::Acquire) == skipped(first) {
            first += 1;
        }
        (first, self.count_published(first, max))
    }

    /// Counts up to `max` consecutive published sequences from `from` (a
    /// skipped one ends the count). The consumer's per-event marker check:
    /// one load and one compare.
    /// Walks the marker array as (at most two) slices, split where the ring
    /// wraps, so that the loop computes no slot index and checks no bounds
    /// per event.
    #[inline]
    pub(crate) fn count_published(&self, from: u64, max: u64) -> u64 {
        let mut count = 0;
        while count < max {
            let seq = from + count;
            let start = self.index(seq);
            // Up to `max` in all, and not past the end of the array. Both
            // fit a usize: they are at most the capacity.
            let stretch = (max - count).min(self.capacity() - start as u64) as usize;
            let found = self.markers[start..start + stretch]
                .iter()
                .zip(seq..)
                // Acquire pairs with the Release store in `publish`: the
                // producer's writes to this slot happen-before our reads.
                .take_while(|(marker, seq)| marker.load(Ordering::Acquire) == published(*seq))
                .count();
            count += found as u64;
            if found < stretch {
                break;
            }
        }
        count
    }

    /// Whether the marker of `next` says it can be scanned.
    fn has_data(&self, next: u64) -> bool {
        // Acquire pairs with the Release store in `publish` (the consumer
        // scans again anyway; this only decides whether to keep waiting).
        let marker = self.marker(next).load(Ordering::Acquire);
        marker == published(next) || marker == skipped(next)
    }

    /// Whether the ring is closed and every claimed sequence is below `next`,
    /// i.e. nothing more can ever be published.
    pub(crate) fn is_drained(&self, next: u64) -> bool {
        // Relaxed: the sequence part counts claims, not publications (those
        // are read through the markers). Once CLOSED is set, only blocking
        // claims that abandon what they took move it (`claim`); the consumer
        // steps over those ranges (`take_abandoned`), so `next` reaches the
        // cursor. A claim that moves it after this load returned true finds
        // a consumer that already reported `Closed`: nothing waits for it.
        // The `closed` flag first: while the ring is open, a waiting
        // consumer does not read `cursor`, the producers' claim line.
        if !self.is_closed() {
            return false;
        }
        let cursor = self.cursor.load(Ordering::Relaxed);
        cursor & CLOSED != 0 && cursor & SEQ_MASK == next
    }

    /// Frees every slot below `upto` for reuse, and wakes producers that sleep
    /// waiting for room.
    pub(crate) fn release(&self, upto: u64) {
        // Release pairs with the Acquire load of `released` in `try_claim`:
        // our reads of the freed slots happen-before a producer rewrites them.
        // The swap (not a store) reads the PRODUCERS_SLEEPING flag that a CAS
        // in `sleep_for_room` may have set, and clears it.
        #[cfg(not(ringlog_planted_bug = "release_relaxed"))]
        let order = Ordering::Release;
        // Planted bug for the loom models (docs/design.md, "Verification").
        #[cfg(ringlog_planted_bug = "release_relaxed")]
        let order = Ordering::Relaxed;
        let previous = self.released.swap(upto, order);
        // Planted bug for the loom models: the consumer ignores the
        // producers' sleeper flag it cleared, so parked producers never wake.
        #[cfg(ringlog_planted_bug = "no_producer_wake")]
        let previous = previous & !PRODUCERS_SLEEPING;
        if previous & PRODUCERS_SLEEPING != 0 {
            self.producer_sleepers.wake_all();
        }
    }

    /// Waits until sequence `next` is published (or abandoned), the ring is
    /// closed and drained, or `deadline` passes. Returns the number of failed
    /// attempts before the data came (0: it was there at once).
    pub(crate) fn wait_for_data(
        &self,
        next: u64,
        deadline: Option<Instant>,
    ) -> Result<u32, WaitError> {
        #[cfg(loom)]
        debug_assert!(deadline.is_none(), "loom has no clock");
        let mut attempt = 0u32;
        let mut in_flight_polls = 0u32;
        loop {
            let action = self.wait.action(attempt);
            // While spinning, look at the marker of `next` (the line the
            // producer is writing) only every SPIN_POLL_EVERY-th time round:
            // a consumer reading it at full speed steals it from the
            // producer once per event, and both fall into lock-step.
            let look = action != WaitAction::Spin || attempt % SPIN_POLL_EVERY == 0;
            if look && self.has_data(next) {
                return Ok(attempt);
            }
            // While spinning, look at the cursor (a line every claim writes)
            // and the clock only every 64th time round, so that a spinning
            // consumer does not slow the producers it waits for.
            let look_around = action != WaitAction::Spin || attempt % 64 == 0;
            if look_around && self.is_drained(next) {
                return Err(WaitError::Closed);
            }
            if look_around && self.abandoned_at(next) {
                // The caller's poll steps over it.
                return Ok(attempt);
            }
            #[cfg(not(loom))]
            if look_around && deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(WaitError::Timeout);
            }
            match action {
                WaitAction::Park => {
                    if !self.sleep_for_data(next, deadline) {
                        poll_in_flight(&mut in_flight_polls, deadline);
                    }
                }
                action => spin_or_yield(action, deadline),
            }
            attempt = attempt.saturating_add(1);
        }
    }

    /// Sleeps until a producer publishes `next`, the ring closes, or the
    /// deadline passes. Returns `false` without sleeping if the ring is closed
    /// or a claim of `next` is already in flight (its producer did not see a
    /// sleeper flag and will not wake us): the caller then polls, and sees the
    /// publish or, once drained, the close.
    fn sleep_for_data(&self, next: u64, deadline: Option<Instant>) -> bool {
        let guard = self.consumer_sleepers.lock();
        // Relaxed: under the lock; a `close` or a claim that found our flag
        // takes the same lock to wake us (`Sleepers::wake_all`).
        let cursor = self.cursor.load(Ordering::Relaxed);
        if cursor & CLOSED != 0 || cursor & SEQ_MASK != next {
            return false;
        }
        if cursor & CONSUMER_SLEEPING == 0
            // Relaxed: the flag carries no data. If the CAS succeeds, the next
            // claim's CAS reads the flag (same word), and its producer wakes
            // us after publishing; if it fails, a claim or close got in first
            // and we re-check instead of sleeping.
            && self
                .cursor
                .compare_exchange(
                    cursor,
                    cursor | CONSUMER_SLEEPING,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return true;
        }
        #[cfg(not(loom))]
        if let Some(deadline) = deadline {
            let timeout = deadline.saturating_duration_since(Instant::now());
            let guard = self.consumer_sleepers.sleep_timeout(guard, timeout);
            self.take_back_consumer_flag(cursor);
            drop(guard);
            return true;
        }
        let _ = deadline;
        drop(self.consumer_sleepers.sleep(guard));
        true
    }
}

impl Sequencer {
    /// After a timed sleep for data: clears the consumer's sleeper flag that
    /// `sleep_for_data` set on `cursor` (its value then, flag or not), if the
    /// cursor is unchanged. A timed wait can end with nobody having claimed
    /// `next` (the deadline passed): a flag left set would make the next
    /// claim pay a mutex and a futex wake for a consumer that is no longer
    /// asleep.
    ///
    /// The CAS fails if the cursor moved: a claim cleared the flag and will
    /// wake us (it takes the sleepers' lock, which we hold, and notifies after
    /// we drop it), which finds nobody asleep or ends a later sleep early,
    /// after which the consumer re-checks: harmless. Or `close` set `CLOSED`:
    /// no claim succeeds any more, so the flag costs nobody anything.
    #[cfg(not(loom))]
    fn take_back_consumer_flag(&self, cursor: u64) {
        // Relaxed, as for setting the flag: it carries no data, and a wake
        // is ordered by the sleepers' mutex, held by the caller.
        let _ = self.cursor.compare_exchange(
            cursor | CONSUMER_SLEEPING,
            cursor & !CONSUMER_SLEEPING,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// Waits a little for an in-flight claim to be published: yields first, then
/// (outside loom) sleeps in short steps so that a producer descheduled between
/// claim and publish does not cost the consumer a core.
fn poll_in_flight(polls: &mut u32, deadline: Option<Instant>) {
    *polls = polls.saturating_add(1);
    #[cfg(not(loom))]
    if *polls > 16 {
        sleep_until_at_most(std::time::Duration::from_micros(50), deadline);
        return;
    }
    let _ = deadline;
    crate::sync::yield_now();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed 4-slot ring (nothing claimed before the close).
    fn closed_sequencer() -> Sequencer {
        let sequencer = Sequencer::new(4, Box::new(crate::wait::Yield::default()));
        sequencer.close();
        sequencer
    }

    /// A blocking claim into the closed `sequencer`, which must fail.
    fn claim_closed(sequencer: &Sequencer, cache: &ReleasedCache) {
        assert!(matches!(sequencer.claim(1, cache), Err(ClaimError::Closed)));
    }

    /// The list holds one range, `[0, total)`, which the consumer takes
    /// whole, ending the drain.
    fn assert_one_range(sequencer: &Sequencer, total: u64) {
        assert_eq!(*sequencer.abandoned.lock(), [(0, total)]);
        assert_eq!(sequencer.take_abandoned(0), Some(total));
        assert!(sequencer.is_drained(total));
    }

    /// Blocking claims into a closed ring, with no consumer to step over
    /// what they abandon, keep one range, not one per claim.
    #[test]
    fn claims_after_close_do_not_grow_the_abandoned_list() {
        let sequencer = closed_sequencer();
        let cache = ReleasedCache::new(0);
        for _ in 0..10_000 {
            claim_closed(&sequencer, &cache);
        }
        assert_one_range(&sequencer, 10_000);
    }

    /// Claims into a closed ring abandon in lock order, which is not
    /// always claim order (two threads between their `fetch_add` and the
    /// lock): a range that lands after the one it precedes must still
    /// merge, or every such inversion adds entries for good.
    #[test]
    fn out_of_order_abandons_after_close_do_not_grow_the_abandoned_list() {
        let sequencer = closed_sequencer();
        let cache = ReleasedCache::new(0);
        for _ in 0..1_000 {
            // Two claims taken in order, abandoned in reverse.
            let a = sequencer.cursor.fetch_add(1, Ordering::Relaxed) & SEQ_MASK;
            let b = sequencer.cursor.fetch_add(1, Ordering::Relaxed) & SEQ_MASK;
            sequencer.abandon(b, 1);
            sequencer.abandon(a, 1);
            claim_closed(&sequencer, &cache);
        }
        assert_one_range(&sequencer, 3_000);
    }

    /// The same with real threads: whatever order their abandons take the
    /// lock in, every sequence claimed after the close ends in one range.
    #[test]
    fn threads_claiming_into_a_closed_ring_leave_one_abandoned_range() {
        const THREADS: u64 = 4;
        // Miri interprets every claim: fewer there (the interleavings it
        // explores are what matter under it, not the count).
        const CLAIMS: u64 = if cfg!(miri) { 200 } else { 200_000 };
        let sequencer = std::sync::Arc::new(closed_sequencer());
        let (done, finished) = std::sync::mpsc::channel();
        let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS as usize));
        for _ in 0..THREADS {
            let (sequencer, done, start) = (sequencer.clone(), done.clone(), start.clone());
            std::thread::spawn(move || {
                let cache = ReleasedCache::new(0);
                start.wait();
                for _ in 0..CLAIMS {
                    claim_closed(&sequencer, &cache);
                }
                done.send(()).unwrap();
            });
        }
        // Watchdog: claims into a closed ring never wait.
        for _ in 0..THREADS {
            finished
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("a claimer did not finish");
        }
        assert_eq!(*sequencer.abandoned.lock(), [(0, THREADS * CLAIMS)]);
    }

    #[test]
    fn half_full_means_more_than_half_the_slots_in_use() {
        assert!(!more_than_half_full(512, 0, 1024));
        assert!(more_than_half_full(513, 0, 1024));
        assert!(!more_than_half_full(1024 + 512, 1024, 1024));
        assert!(more_than_half_full(1024 + 1024, 1024, 1024));
        // A `released` read after later claims were consumed: not full.
        assert!(!more_than_half_full(100, 200, 1024));
    }

    /// The look happens once per `STEP_ASIDE_EVERY` sequences: exactly the
    /// claims that cross a multiple of it, whatever their size.
    #[test]
    fn step_aside_is_considered_once_per_stretch() {
        let crosses = crosses_a_stretch;
        let singles = (0..4 * STEP_ASIDE_EVERY).filter(|&s| crosses(s, 1)).count();
        assert_eq!(singles, 4);
        let batches = (0..4 * STEP_ASIDE_EVERY / 16)
            .filter(|&k| crosses(k * 16, 16))
            .count();
        assert_eq!(batches, 4);
        assert!(crosses(5, STEP_ASIDE_EVERY));
    }

    /// The step-aside decision on a real sequencer: the claim that crosses
    /// a stretch steps aside only when the ring is more than half full and
    /// another claim moved the cursor past it meanwhile (here, claims by two
    /// "producers" interleaved by hand on one thread).
    #[test]
    fn only_a_crowded_claim_across_a_stretch_steps_aside() {
        let capacity = 4 * STEP_ASIDE_EVERY as usize;
        let sequencer = Sequencer::new(capacity, Box::new(crate::wait::Yield::default()));
        let cache = ReleasedCache::new(0);
        let claim = |n: u64| sequencer.claim(n, &cache).unwrap();
        // A lone producer crossing stretches, the ring filling up to 3/4:
        // never, though the ring is more than half full at both crossings
        // (a batch across two stretches, then one event across the third).
        let batch = claim(3 * STEP_ASIDE_EVERY - 1);
        assert!(!batch.step_aside, "a lone producer's batch stepped aside");
        let single = claim(1);
        assert_eq!(single.start, 3 * STEP_ASIDE_EVERY - 1);
        assert!(!single.step_aside, "a lone producer stepped aside");
        // Another claim past the end of this one (a second producer) while
        // the ring is more than half full: crowded.
        let end = 3 * STEP_ASIDE_EVERY;
        assert!(!sequencer.crowded(end), "nobody else claimed yet");
        let _other = claim(1);
        assert!(sequencer.crowded(end));
        // The same with the ring released down to half full: not crowded.
        sequencer.release(end - capacity as u64 / 2 - 1);
        assert!(
            sequencer.crowded(end),
            "one more than half is still crowded"
        );
        sequencer.release(end - capacity as u64 / 2);
        assert!(!sequencer.crowded(end));
    }

    #[test]
    fn markers_of_different_laps_and_states_never_collide() {
        for capacity in [1u64, 2, 64] {
            for seq in 0..4 * capacity {
                let later = seq + capacity;
                assert_ne!(published(seq), published(later));
                assert_ne!(published(seq), skipped(seq));
                assert_ne!(skipped(seq), published(later));
                assert_ne!(published(seq), 0);
            }
        }
    }

    /// A parked consumer whose timed wait expires takes its sleeper flag
    /// back: the next claim does not pay a wake.
    #[test]
    fn a_timed_out_park_leaves_no_sleeper_flag() {
        let sequencer = Sequencer::new(4, Box::new(crate::wait::Park::new(0, 0)));
        let deadline = Instant::now() + std::time::Duration::from_millis(5);
        assert_eq!(
            sequencer.wait_for_data(0, Some(deadline)),
            Err(WaitError::Timeout)
        );
        assert_eq!(sequencer.cursor.load(Ordering::Relaxed), 0, "flag left set");
        let claimed = sequencer.try_claim(1, &ReleasedCache::new(0)).unwrap();
        assert!(!claimed.wake_consumer, "the claim would wake nobody");
        sequencer.publish(claimed, 1, 1);
        // An untimed park still sets the flag the next claim must see: here a
        // claim in another thread wakes the consumer.
        std::thread::scope(|s| {
            s.spawn(|| {
                while sequencer.cursor.load(Ordering::Relaxed) & CONSUMER_SLEEPING == 0 {
                    std::thread::yield_now();
                }
                let claimed = sequencer.try_claim(1, &ReleasedCache::new(0)).unwrap();
                assert!(claimed.wake_consumer);
                sequencer.publish(claimed, 1, 1);
            });
            assert!(sequencer.wait_for_data(1, None).is_ok());
        });
    }

    #[test]
    fn flag_bits_are_outside_the_sequence_bits() {
        assert_eq!(SEQ_MASK & (CLOSED | CONSUMER_SLEEPING), 0);
        assert_eq!(SEQ_MASK & PRODUCERS_SLEEPING, 0);
        assert_eq!(SEQ_MASK & SKIPPED, 0);
    }
}
