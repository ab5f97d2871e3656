//! The producer handle: claim slots, write them in place, publish.

use super::reentry::{self, Hold};
use super::sequencer::{ClaimError, Claimed, ReleasedCache};
use super::shared::Shared;
use crate::error::{PublishBatchError, PublishError, TryPublishBatchError, TryPublishError};
use crate::sync::Arc;

/// The writing end of a ring. `Clone` it for more producers; every clone
/// claims slots from the same sequence.
///
/// Producers write events *in place* into preallocated slots: the closure
/// given to [`publish_with`](Producer::publish_with) gets `&mut T` to a slot
/// that still holds whatever an earlier lap left there, so buffers inside `T`
/// are reused rather than reallocated.
///
/// The ring closes when the last producer is dropped, or on
/// [`close`](Producer::close). A `Producer` is `Send + Sync` for `T: Send`
/// (`T: Sync` is not needed: each thread gets `&mut T` to its own claimed
/// slots only), so it can be shared by reference as well as cloned.
///
/// # Panics in the closure
///
/// If the closure passed to a `publish` method panics, the claimed slot is
/// still published, marked *skipped*: the consumer steps over it without
/// seeing it, other producers and the consumer carry on, and the panic
/// propagates to the caller. In a batch, the slots filled before the panic are
/// published as events; the rest are skipped.
///
/// # Re-entrant calls
///
/// A blocking publish waits for room, which only the consumer frees, in
/// sequence order. Two calls can make that wait endless:
/// - publishing into a ring from inside a write closure of the same ring:
///   the consumer cannot pass the slot this closure fills until it returns;
/// - publishing into a ring from inside that ring's consumer handler
///   ([`Consumer::consume`](crate::Consumer::consume) and friends): the
///   consumer frees nothing until the handler returns.
///
/// Such a call waits as long as room can still come (slots before the held
/// one being read by a consumer on another thread), and fails with
/// `WouldDeadlock` once it never can; `try_` calls return `Full`. Each thread
/// tracks one ring it holds (a thread-local set around each write closure and
/// each handler run), so two cases are not detected and hang: a thread that
/// holds a [`ReadChunk`](crate::ReadChunk) (a chunk can move between
/// threads), and a closure of another ring nested in between.
///
/// ```
/// use ringlog::PublishError;
/// let (producer, _consumer) = ringlog::ring::<u64>(1)?;
/// producer
///     .publish_with(|slot| {
///         *slot = 1;
///         // The only slot is this one, unpublished until we return.
///         assert_eq!(producer.push(2), Err(PublishError::WouldDeadlock(2)));
///     })
///     .unwrap();
/// # Ok::<(), ringlog::BuildError>(())
/// ```
///
/// # Examples
///
/// ```
/// let (producer, mut consumer) = ringlog::ring::<u64>(16)?;
/// producer.push(1).unwrap();
/// producer.publish_with(|slot| *slot = 2).unwrap();
/// producer.publish_batch_with(3, |i, slot| *slot = 3 + i as u64).unwrap();
///
/// let mut got = Vec::new();
/// consumer.consume(|event, _| got.push(*event)).unwrap();
/// assert_eq!(got, [1, 2, 3, 4, 5]);
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Debug)]
pub struct Producer<T> {
    shared: Arc<Shared<T>>,
    /// This handle's copy of the consumer's released sequence, on a cache line
    /// of its own (see `ReleasedCache`).
    released: ReleasedCache,
}

// SAFETY: a `Producer` moved to another thread writes `T` values there that
// the consumer's thread then reads, and its drop may drop every slot's value
// (the last handle drops the slots), so `T: Send` is needed, and it is enough:
// a producer touches a slot only through the `&mut T` of a claim, which the
// sequencer gives to one thread at a time (cursor CAS for the claim, marker
// and `released` Release/Acquire pairs for the hand-over to and from the
// consumer). The other fields are atomics.
unsafe impl<T: Send> Send for Producer<T> {}
// SAFETY: threads sharing one `&Producer` each get an exclusive `&mut T` to the
// slots they claimed, never a `&T` that another thread could read at the same
// time, so `T: Sync` is not needed (as for `Mutex<T>: Sync`); values still
// cross to the consumer's thread, hence `T: Send`. The cache of `released` they
// share is an atomic whose Release/Acquire pair carries the consumer's
// happens-before edge from one sharer to the next (docs/design.md, the
// `ReleasedCache` row; loom model `shared_producer_on_full_ring`).
unsafe impl<T: Send> Sync for Producer<T> {}

impl<T> Producer<T> {
    pub(super) fn new(shared: Arc<Shared<T>>) -> Self {
        Self {
            shared,
            released: ReleasedCache::new(0),
        }
    }

    /// The number of slots in the ring.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, _consumer) = ringlog::ring::<u8>(32)?;
    /// assert_eq!(producer.capacity(), 32);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn capacity(&self) -> usize {
        // The capacity was a usize when the ring was built.
        self.shared.sequencer.capacity() as usize
    }

    /// Whether the ring is closed (by [`close`](Producer::close), by
    /// [`Consumer::close`](crate::Consumer::close), or because the consumer
    /// was dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::ring::<u8>(4)?;
    /// assert!(!producer.is_closed());
    /// drop(consumer);
    /// assert!(producer.is_closed());
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.sequencer.is_closed()
    }

    /// Closes the ring for every producer. Events already published stay
    /// readable; the consumer drains them and then reports closed. Producers
    /// blocked waiting for room wake with a `Closed` error.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(4)?;
    /// producer.push(1).unwrap();
    /// producer.close();
    /// assert!(producer.push(2).is_err());
    /// assert_eq!(consumer.consume(|e, _| assert_eq!(*e, 1)), Ok(1));
    /// assert!(consumer.consume(|_, _| {}).is_err());
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn close(&self) {
        self.shared.sequencer.close();
    }

    /// Whether the ring looked full just now (a hint; the claim decides).
    #[cfg_attr(loom, allow(dead_code))] // the logger, absent under loom
    pub(crate) fn looks_full(&self) -> bool {
        self.shared.sequencer.looks_full()
    }

    /// If this thread holds an unpublished claim in this ring (it is inside a
    /// write closure) or runs its consumer inside a handler or a
    /// `Consumer::hold` window: the sequence the consumer
    /// cannot release past until this thread moves on ([`super::reentry`]).
    /// A thread-local read.
    #[cfg_attr(loom, allow(dead_code))] // the logger, absent under loom
    pub(crate) fn held_by_this_thread(&self) -> Option<u64> {
        reentry::held_limit(self.shared.sequencer.id())
    }

    /// Publishes `value` if a slot is free, without waiting. The slot's old
    /// value is dropped.
    ///
    /// # Errors
    ///
    /// [`TryPublishError::Full`] or [`TryPublishError::Closed`], with `value`.
    ///
    /// # Deadlocks
    ///
    /// None: it never waits. From inside a write closure or a consumer
    /// handler of the same ring it returns `Full` when the ring is full (see
    /// [`Producer`], "Re-entrant calls").
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::TryPublishError;
    /// let (producer, _consumer) = ringlog::ring::<u8>(1)?;
    /// assert_eq!(producer.try_push(1), Ok(()));
    /// assert_eq!(producer.try_push(2), Err(TryPublishError::Full(2)));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[inline]
    pub fn try_push(&self, value: T) -> Result<(), TryPublishError<T>> {
        self.publish_one(false, std::mem::needs_drop::<T>(), value, |value, slot| {
            *slot = value
        })
        .map_err(try_publish_error)
    }

    /// Publishes `value`, waiting for a free slot by the ring's wait strategy.
    ///
    /// # Errors
    ///
    /// [`PublishError::Closed`] with `value` if the ring is closed, including
    /// while waiting; [`PublishError::WouldDeadlock`] with `value` if only
    /// this thread could free the room (see "Deadlocks").
    ///
    /// # Deadlocks
    ///
    /// From inside a write closure of the same ring (this thread holds an
    /// unpublished slot) or a consumer handler of the same ring, room may be
    /// one only this thread can free. This call waits while room can still
    /// come, and fails with `WouldDeadlock` once it never can, instead of
    /// hanging. It does hang if this thread holds a
    /// [`ReadChunk`](crate::ReadChunk) of the same ring (not detected) or if
    /// a closure of another ring is nested between (see [`Producer`],
    /// "Re-entrant calls").
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u8>(2)?;
    /// producer.push(7).unwrap();
    /// assert_eq!(consumer.try_consume(|e, _| assert_eq!(*e, 7)), Ok(1));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[inline]
    pub fn push(&self, value: T) -> Result<(), PublishError<T>> {
        self.publish_one(true, std::mem::needs_drop::<T>(), value, |value, slot| {
            *slot = value
        })
        .map_err(publish_error)
    }

    /// Claims a free slot without waiting, lets `write` fill it in place, and
    /// publishes it.
    ///
    /// # Errors
    ///
    /// [`TryPublishError::Full`] or [`TryPublishError::Closed`], with `write`
    /// (not called).
    ///
    /// # Deadlocks
    ///
    /// None: it never waits. From inside a write closure or a consumer
    /// handler of the same ring it returns `Full` when the ring is full (see
    /// [`Producer`], "Re-entrant calls").
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::RingBuilder::new(4).build_with(String::new)?;
    /// producer.try_publish_with(|s| { s.clear(); s.push_str("hi") }).unwrap();
    /// consumer.consume(|s, _| assert_eq!(s, "hi")).unwrap();
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[inline]
    pub fn try_publish_with<F: FnOnce(&mut T)>(&self, write: F) -> Result<(), TryPublishError<F>> {
        self.publish_one(false, true, write, |write, slot| write(slot))
            .map_err(try_publish_error)
    }

    /// Claims a slot, waiting for one by the ring's wait strategy, lets
    /// `write` fill it in place, and publishes it.
    ///
    /// # Errors
    ///
    /// [`PublishError::Closed`] with `write` (not called) if the ring is
    /// closed, including while waiting; [`PublishError::WouldDeadlock`] if
    /// only this thread could free the room (see "Deadlocks").
    ///
    /// # Deadlocks
    ///
    /// From inside a write closure of the same ring (this thread holds an
    /// unpublished slot) or a consumer handler of the same ring, room may be
    /// one only this thread can free. This call waits while room can still
    /// come, and fails with `WouldDeadlock` once it never can, instead of
    /// hanging. It does hang if this thread holds a
    /// [`ReadChunk`](crate::ReadChunk) of the same ring (not detected) or if
    /// a closure of another ring is nested between (see [`Producer`],
    /// "Re-entrant calls").
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<[u8; 4]>(4)?;
    /// producer.publish_with(|slot| slot.copy_from_slice(b"ring")).unwrap();
    /// consumer.consume(|slot, _| assert_eq!(slot, b"ring")).unwrap();
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    #[inline]
    pub fn publish_with<F: FnOnce(&mut T)>(&self, write: F) -> Result<(), PublishError<F>> {
        self.publish_one(true, true, write, |write, slot| write(slot))
            .map_err(publish_error)
    }

    /// Claims `n` consecutive slots in one step without waiting, calls
    /// `write(i, slot)` for `i` in `0..n`, and publishes them. `n == 0` does
    /// nothing.
    ///
    /// The `n` events get consecutive sequence numbers: the consumer reads
    /// them in order, with no other producer's event between them. It need
    /// not read them in one run: a run (one `consume` call, one
    /// [`ReadChunk`](crate::ReadChunk)) can end inside the batch, at the
    /// ring's batch limit or while the batch's slots are being published.
    ///
    /// # Errors
    ///
    /// [`TryPublishBatchError::Full`] if fewer than `n` slots are free,
    /// `Closed` if the ring is closed, `TooLarge` if `n` exceeds the capacity.
    /// Nothing is claimed, and `write` is handed back uncalled.
    ///
    /// # Deadlocks
    ///
    /// None: it never waits. From inside a write closure or a consumer
    /// handler of the same ring it returns `Full` when the ring is full (see
    /// [`Producer`], "Re-entrant calls").
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::RingBuilder::new(8).max_batch(3).build::<u64>()?;
    /// producer.try_publish_batch_with(4, |i, slot| *slot = i as u64 * 10).unwrap();
    /// let mut got = vec![];
    /// assert_eq!(consumer.consume(|e, _| got.push(*e)), Ok(3)); // the batch limit
    /// assert_eq!(consumer.consume(|e, _| got.push(*e)), Ok(1));
    /// assert_eq!(got, [0, 10, 20, 30]);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn try_publish_batch_with<F: FnMut(usize, &mut T)>(
        &self,
        n: usize,
        write: F,
    ) -> Result<(), TryPublishBatchError<F>> {
        if n == 0 {
            return Ok(());
        }
        if n > self.capacity() {
            return Err(TryPublishBatchError::TooLarge {
                value: write,
                requested: n,
                capacity: self.capacity(),
            });
        }
        match self.shared.sequencer.try_claim(n as u64, &self.released) {
            Ok(claimed) => {
                self.fill(claimed, n as u64, write);
                Ok(())
            }
            // `try_claim` never reports `WouldDeadlock` (it does not wait).
            Err(ClaimError::Full { .. } | ClaimError::WouldDeadlock) => {
                Err(TryPublishBatchError::Full(write))
            }
            Err(ClaimError::Closed) => Err(TryPublishBatchError::Closed(write)),
        }
    }

    /// Like [`try_publish_batch_with`](Producer::try_publish_batch_with), but
    /// waits by the ring's wait strategy until `n` slots are free.
    ///
    /// # Errors
    ///
    /// [`PublishBatchError::TooLarge`] at once if `n` exceeds the capacity
    /// (waiting could never succeed); `Closed` if the ring is closed,
    /// including while waiting; `WouldDeadlock` if only this thread could
    /// free the room (see "Deadlocks"). Nothing is claimed, and `write` is
    /// handed back.
    ///
    /// # Deadlocks
    ///
    /// From inside a write closure of the same ring (this thread holds an
    /// unpublished slot) or a consumer handler of the same ring, room may be
    /// one only this thread can free. This call waits while room can still
    /// come, and fails with `WouldDeadlock` once it never can, instead of
    /// hanging. It does hang if this thread holds a
    /// [`ReadChunk`](crate::ReadChunk) of the same ring (not detected) or if
    /// a closure of another ring is nested between (see [`Producer`],
    /// "Re-entrant calls").
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, mut consumer) = ringlog::ring::<u64>(4)?;
    /// producer.publish_batch_with(4, |i, slot| *slot = i as u64).unwrap();
    /// assert_eq!(consumer.consume(|_, _| {}), Ok(4));
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn publish_batch_with<F: FnMut(usize, &mut T)>(
        &self,
        n: usize,
        write: F,
    ) -> Result<(), PublishBatchError<F>> {
        if n == 0 {
            return Ok(());
        }
        if n > self.capacity() {
            return Err(PublishBatchError::TooLarge {
                value: write,
                requested: n,
                capacity: self.capacity(),
            });
        }
        match self.shared.sequencer.claim(n as u64, &self.released) {
            Ok(claimed) => {
                self.fill(claimed, n as u64, write);
                Ok(())
            }
            Err(ClaimError::WouldDeadlock) => Err(PublishBatchError::WouldDeadlock(write)),
            Err(_) => Err(PublishBatchError::Closed(write)),
        }
    }

    /// Claims one slot (waiting if `blocking`), fills it with
    /// `write(input, slot)` and publishes it; on failure hands `input` back.
    ///
    ///
    /// `user_code`: whether `write` may run user code (a closure, or the
    /// drop of the slot's old value), which could publish into this ring
    /// again; only then is the claim recorded for re-entrancy detection.
    /// `push` of a type without drop glue (`u64`, say) runs none and saves a
    /// thread-local load and two stores per event. It also cannot panic
    /// between claim and publish (the write is a move into a slot whose old
    /// value needs no drop), so it needs no guard either: it writes and
    /// publishes straight away.
    #[inline(always)]
    fn publish_one<X>(
        &self,
        blocking: bool,
        user_code: bool,
        input: X,
        write: impl FnOnce(X, &mut T),
    ) -> Result<(), (ClaimError, X)> {
        let sequencer = &self.shared.sequencer;
        let claimed = if blocking {
            sequencer.claim(1, &self.released)
        } else {
            sequencer.try_claim(1, &self.released)
        };
        let claimed = match claimed {
            Ok(claimed) => claimed,
            Err(e) => return Err((e, input)),
        };
        let index = sequencer.index(claimed.start);
        if !user_code {
            // SAFETY: `claimed` gave this thread sequence `claimed.start`
            // alone (the cursor RMW), the consumer finished with the slot's
            // previous lap (the room check against `released`), and the
            // consumer will not read it until the `publish` below. `write`
            // runs no user code, so it cannot unwind before that publish.
            unsafe { self.shared.slots.with_mut(index, |slot| write(input, slot)) };
            sequencer.publish(claimed, 1, 1);
            return Ok(());
        }
        let mut guard = PublishOnDrop::new(&self.shared, claimed, 1);
        // SAFETY: `claimed` gave this thread sequence `claimed.start` alone
        // (the cursor RMW), the consumer finished with the slot's previous lap
        // (the room check against `released`), and the consumer will not read
        // it until `guard` publishes it.
        unsafe { self.shared.slots.with_mut(index, |slot| write(input, slot)) };
        guard.written = 1;
        Ok(())
    }

    /// Fills the `n` slots of `claimed` with `write(i, slot)`, then publishes
    /// them.
    fn fill(&self, claimed: Claimed, n: u64, mut write: impl FnMut(usize, &mut T)) {
        let mut guard = PublishOnDrop::new(&self.shared, claimed, n);
        for i in 0..n {
            let index = self.shared.sequencer.index(claimed.start + i);
            // SAFETY: as in `publish_one`, for every sequence of the claim.
            // `i < n <= capacity`, a usize.
            unsafe {
                self.shared
                    .slots
                    .with_mut(index, |slot| write(i as usize, slot))
            };
            guard.written = i + 1;
        }
    }
}

fn publish_error<X>((error, input): (ClaimError, X)) -> PublishError<X> {
    match error {
        ClaimError::WouldDeadlock => PublishError::WouldDeadlock(input),
        // A blocking claim does not fail with `Full`: it waits.
        ClaimError::Closed | ClaimError::Full { .. } => PublishError::Closed(input),
    }
}

fn try_publish_error<X>((error, input): (ClaimError, X)) -> TryPublishError<X> {
    match error {
        // `try_claim` never reports `WouldDeadlock` (it does not wait).
        ClaimError::Full { .. } | ClaimError::WouldDeadlock => TryPublishError::Full(input),
        ClaimError::Closed => TryPublishError::Closed(input),
    }
}

impl<T> Clone for Producer<T> {
    fn clone(&self) -> Self {
        self.shared.sequencer.add_producer();
        Self {
            shared: Arc::clone(&self.shared),
            released: ReleasedCache::new(self.released.get()),
        }
    }
}

impl<T> Drop for Producer<T> {
    fn drop(&mut self) {
        self.shared.sequencer.remove_producer();
    }
}

/// Publishes a claim when dropped — on the normal path after the slots are
/// written, and during unwinding if a `write` closure panicked, so an
/// abandoned claim never leaves a hole that would stall the consumer.
///
/// While it lives, this thread is recorded as holding the claim, so that a
/// blocking publish into the same ring from inside the `write` closure fails
/// instead of waiting for room behind its own unpublished claim
/// ([`super::reentry`]).
struct PublishOnDrop<'a, T> {
    shared: &'a Shared<T>,
    claimed: Claimed,
    len: u64,
    /// How many slots, from the start of the claim, hold complete events.
    written: u64,
    /// Dropped after the publish in `drop`.
    _held: Hold,
}

impl<'a, T> PublishOnDrop<'a, T> {
    /// Records the claim for re-entrancy detection: the write may run user
    /// code, which could publish into the ring again.
    fn new(shared: &'a Shared<T>, claimed: Claimed, len: u64) -> Self {
        Self {
            shared,
            claimed,
            len,
            written: 0,
            // `released` cannot pass `claimed.start` until this publishes.
            _held: Hold::new(shared.sequencer.id(), claimed.start),
        }
    }
}

impl<T> Drop for PublishOnDrop<'_, T> {
    fn drop(&mut self) {
        self.shared
            .sequencer
            .publish(self.claimed, self.len, self.written);
    }
}
