//! Error types: one per operation, each handing back what the caller gave.
//!
//! Publishing errors are generic over `X`, the thing that was not published: the
//! value for [`Producer::push`](crate::Producer::push), the closure for
//! [`Producer::publish_with`](crate::Producer::publish_with). Nothing the
//! caller owned is ever lost to an error.

use crate::ring::capacity;
use std::fmt;

/// Why a [`RingBuilder`](crate::RingBuilder) refused its settings.
///
/// # Examples
///
/// ```
/// use ringlog::{BuildError, RingBuilder};
///
/// let err = RingBuilder::new(100).build::<u64>().unwrap_err();
/// assert_eq!(err, BuildError::CapacityNotPowerOfTwo(100));
/// assert_eq!(err.to_string(), "ring capacity 100 is not a power of two (try 64 or 128)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// The capacity was 0.
    ZeroCapacity,
    /// The capacity was not a power of two. The message suggests the
    /// nearest powers of two up to [`MAX_CAPACITY`](crate::MAX_CAPACITY)
    /// (the slot type may allow less; see `CapacityTooLarge`).
    CapacityNotPowerOfTwo(usize),
    /// The capacity exceeded [`MAX_CAPACITY`](crate::MAX_CAPACITY), or the slots
    /// would not fit in the address space.
    CapacityTooLarge {
        /// The capacity asked for.
        requested: usize,
        /// The largest capacity allowed for this slot type.
        max: usize,
    },
    /// The maximum batch size was 0.
    ZeroMaxBatch,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ZeroCapacity => f.write_str("ring capacity must be at least 1"),
            Self::CapacityNotPowerOfTwo(n) => {
                write!(f, "ring capacity {n} is not a power of two")?;
                match capacity::neighbours(n) {
                    (Some(below), Some(above)) => write!(f, " (try {below} or {above})"),
                    (Some(max), None) => write!(f, " (the largest valid capacity is {max})"),
                    (None, Some(above)) => write!(f, " (try {above})"),
                    (None, None) => Ok(()),
                }
            }
            Self::CapacityTooLarge { requested, max } => {
                write!(f, "ring capacity {requested} exceeds the maximum of {max}")
            }
            Self::ZeroMaxBatch => f.write_str("max batch size must be at least 1"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The error of [`Producer::try_push`](crate::Producer::try_push) and
/// [`Producer::try_publish_with`](crate::Producer::try_publish_with).
///
/// # Examples
///
/// ```
/// use ringlog::{ring, TryPublishError};
///
/// let (producer, consumer) = ring::<u32>(1)?;
/// producer.try_push(1).unwrap();
/// assert_eq!(producer.try_push(2), Err(TryPublishError::Full(2)));
/// drop(consumer);
/// assert_eq!(producer.try_push(3), Err(TryPublishError::Closed(3)));
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPublishError<X> {
    /// Every slot is in use; the value (or closure) is handed back.
    Full(X),
    /// The ring is closed; the value (or closure) is handed back.
    Closed(X),
}

impl<X> TryPublishError<X> {
    /// Returns what could not be published.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, _consumer) = ringlog::ring::<String>(1)?;
    /// producer.try_push("kept".into()).unwrap();
    /// let back = producer.try_push("handed back".into()).unwrap_err().into_inner();
    /// assert_eq!(back, "handed back");
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn into_inner(self) -> X {
        match self {
            Self::Full(x) | Self::Closed(x) => x,
        }
    }
}

/// The error of [`Producer::push`](crate::Producer::push) and
/// [`Producer::publish_with`](crate::Producer::publish_with): they wait for
/// room, so they fail only on a closed ring, or when the room could only
/// ever be freed by the calling thread itself.
///
/// # Examples
///
/// ```
/// use ringlog::{ring, PublishError};
///
/// let (producer, consumer) = ring::<u32>(4)?;
/// drop(consumer);
/// assert_eq!(producer.push(9), Err(PublishError::Closed(9)));
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PublishError<X> {
    /// The ring is closed; the value (or closure) is handed back.
    Closed(X),
    /// The ring is full, and only the calling thread could free it: it
    /// publishes from inside a write closure of the same ring (holding an
    /// unpublished slot) or from inside the ring's consumer handler. Waiting
    /// would never end, so nothing was claimed; the value (or closure) is
    /// handed back. See `Producer::push`, "Deadlocks".
    WouldDeadlock(X),
}

impl<X> PublishError<X> {
    /// Returns what could not be published.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::ring::<String>(1)?;
    /// drop(consumer);
    /// assert_eq!(producer.push("x".into()).unwrap_err().into_inner(), "x");
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn into_inner(self) -> X {
        match self {
            Self::Closed(x) | Self::WouldDeadlock(x) => x,
        }
    }
}

/// The error of [`Producer::try_publish_batch_with`](crate::Producer::try_publish_batch_with).
///
/// # Examples
///
/// ```
/// use ringlog::{ring, TryPublishBatchError};
///
/// let (producer, _consumer) = ring::<u32>(4)?;
/// let err = producer.try_publish_batch_with(5, |i, slot| *slot = i as u32).unwrap_err();
/// assert!(matches!(err, TryPublishBatchError::TooLarge { requested: 5, capacity: 4, .. }));
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPublishBatchError<X> {
    /// Fewer free slots than asked for; nothing was claimed.
    Full(X),
    /// The ring is closed; nothing was claimed.
    Closed(X),
    /// The batch can never fit: it is larger than the ring.
    TooLarge {
        /// The closure, handed back.
        value: X,
        /// The batch size asked for.
        requested: usize,
        /// The ring's capacity.
        capacity: usize,
    },
}

impl<X> TryPublishBatchError<X> {
    /// Returns what could not be published.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, _consumer) = ringlog::ring::<u8>(2)?;
    /// let mut write = producer.try_publish_batch_with(3, |_, s| *s = 1).unwrap_err().into_inner();
    /// let mut slot = 0;
    /// write(0, &mut slot); // the closure is yours again
    /// assert_eq!(slot, 1);
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn into_inner(self) -> X {
        match self {
            Self::Full(x) | Self::Closed(x) | Self::TooLarge { value: x, .. } => x,
        }
    }
}

/// The error of [`Producer::publish_batch_with`](crate::Producer::publish_batch_with).
///
/// # Examples
///
/// ```
/// use ringlog::{ring, PublishBatchError};
///
/// let (producer, _consumer) = ring::<u32>(4)?;
/// // A batch larger than the ring fails at once instead of waiting forever.
/// let err = producer.publish_batch_with(8, |i, slot| *slot = i as u32).unwrap_err();
/// assert!(matches!(err, PublishBatchError::TooLarge { requested: 8, capacity: 4, .. }));
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PublishBatchError<X> {
    /// The ring is closed; nothing was claimed.
    Closed(X),
    /// Fewer than the batch's slots are free, and only the calling thread
    /// could free the rest (as for [`PublishError::WouldDeadlock`]); nothing
    /// was claimed.
    WouldDeadlock(X),
    /// The batch can never fit: it is larger than the ring.
    TooLarge {
        /// The closure, handed back.
        value: X,
        /// The batch size asked for.
        requested: usize,
        /// The ring's capacity.
        capacity: usize,
    },
}

impl<X> PublishBatchError<X> {
    /// Returns what could not be published.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringlog::ring::<u8>(2)?;
    /// drop(consumer);
    /// let err = producer.publish_batch_with(2, |_, s| *s = 1).unwrap_err();
    /// let _write_again = err.into_inner();
    /// # Ok::<(), ringlog::BuildError>(())
    /// ```
    pub fn into_inner(self) -> X {
        match self {
            Self::Closed(x) | Self::WouldDeadlock(x) | Self::TooLarge { value: x, .. } => x,
        }
    }
}

/// The error of [`Consumer::try_read_chunk`](crate::Consumer::try_read_chunk)
/// and [`Consumer::try_consume`](crate::Consumer::try_consume).
///
/// # Examples
///
/// ```
/// use ringlog::{ring, TryConsumeError};
///
/// let (producer, mut consumer) = ring::<u32>(4)?;
/// assert_eq!(consumer.try_consume(|_, _| {}).unwrap_err(), TryConsumeError::Empty);
/// drop(producer);
/// assert_eq!(consumer.try_consume(|_, _| {}).unwrap_err(), TryConsumeError::Closed);
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryConsumeError {
    /// Nothing is published yet.
    Empty,
    /// The ring is closed and every published event has been consumed.
    Closed,
}

/// The error of [`Consumer::read_chunk`](crate::Consumer::read_chunk) and
/// [`Consumer::consume`](crate::Consumer::consume): the ring is closed and
/// every published event has been consumed.
///
/// # Examples
///
/// ```
/// use ringlog::{ring, ClosedError};
///
/// let (producer, mut consumer) = ring::<u32>(4)?;
/// producer.push(1).unwrap();
/// drop(producer);
/// assert_eq!(consumer.consume(|e, _| assert_eq!(*e, 1)), Ok(1));
/// assert_eq!(consumer.consume(|_, _| {}), Err(ClosedError));
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClosedError;

/// The error of [`Consumer::read_chunk_timeout`](crate::Consumer::read_chunk_timeout)
/// and [`Consumer::consume_timeout`](crate::Consumer::consume_timeout).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use ringlog::{ring, ConsumeTimeoutError};
///
/// let (_producer, mut consumer) = ring::<u32>(4)?;
/// let err = consumer.consume_timeout(Duration::from_millis(1), |_, _| {}).unwrap_err();
/// assert_eq!(err, ConsumeTimeoutError::Timeout);
/// # Ok::<(), ringlog::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumeTimeoutError {
    /// Nothing was published before the timeout.
    Timeout,
    /// The ring is closed and every published event has been consumed.
    Closed,
}

/// `Debug` for the publish errors without requiring `X: Debug` (closures are
/// not), so `unwrap()` works on every publish result.
macro_rules! debug_without_value {
    ($($ty:ident),*) => {$(
        impl<X> fmt::Debug for $ty<X> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "({})"), self)
            }
        }
        impl<X> std::error::Error for $ty<X> {}
    )*};
}

debug_without_value!(
    TryPublishError,
    PublishError,
    TryPublishBatchError,
    PublishBatchError
);

const FULL: &str = "ring is full";
const CLOSED: &str = "ring is closed";
const WOULD_DEADLOCK: &str =
    "ring is full and only this thread could free it (publishing from inside a write closure or consumer handler of the same ring)";

fn too_large(f: &mut fmt::Formatter<'_>, requested: usize, capacity: usize) -> fmt::Result {
    write!(
        f,
        "batch of {requested} slots exceeds the ring capacity {capacity}"
    )
}

impl<X> fmt::Display for TryPublishError<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full(_) => FULL,
            Self::Closed(_) => CLOSED,
        })
    }
}

impl<X> fmt::Display for PublishError<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Closed(_) => CLOSED,
            Self::WouldDeadlock(_) => WOULD_DEADLOCK,
        })
    }
}

impl<X> fmt::Display for TryPublishBatchError<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Full(_) => f.write_str("ring has too few free slots for the batch"),
            Self::Closed(_) => f.write_str(CLOSED),
            Self::TooLarge {
                requested,
                capacity,
                ..
            } => too_large(f, requested, capacity),
        }
    }
}

impl<X> fmt::Display for PublishBatchError<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Closed(_) => f.write_str(CLOSED),
            Self::WouldDeadlock(_) => f.write_str(WOULD_DEADLOCK),
            Self::TooLarge {
                requested,
                capacity,
                ..
            } => too_large(f, requested, capacity),
        }
    }
}

impl fmt::Display for TryConsumeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "ring is empty",
            Self::Closed => "ring is closed and drained",
        })
    }
}
impl std::error::Error for TryConsumeError {}

impl fmt::Display for ClosedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ring is closed and drained")
    }
}
impl std::error::Error for ClosedError {}

impl fmt::Display for ConsumeTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Timeout => "timed out waiting for an event",
            Self::Closed => "ring is closed and drained",
        })
    }
}
impl std::error::Error for ConsumeTimeoutError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::capacity::MAX_CAPACITY;

    /// The numbers `BuildError::CapacityNotPowerOfTwo(n)`'s message suggests
    /// (every number in it but `n` itself, which comes first).
    fn suggested(n: usize) -> Vec<usize> {
        let text = BuildError::CapacityNotPowerOfTwo(n).to_string();
        let numbers: Vec<usize> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number that fits a usize"))
            .collect();
        assert_eq!(numbers.first(), Some(&n), "{text}");
        numbers[1..].to_vec()
    }

    fn assert_valid_suggestions(n: usize) {
        let suggested = suggested(n);
        assert!(!suggested.is_empty(), "{n}: no suggestion");
        for s in suggested {
            assert!(
                s.is_power_of_two() && s <= MAX_CAPACITY,
                "{n}: suggested {s}, not a valid capacity"
            );
        }
    }

    #[test]
    fn capacity_messages_suggest_only_valid_capacities() {
        for n in [
            0,
            1,
            3,
            100,
            MAX_CAPACITY - 1,
            MAX_CAPACITY + 1,
            MAX_CAPACITY * 3,
            (1 << 40) + 1,
            usize::MAX / 2 + 1,
            usize::MAX,
        ] {
            assert_valid_suggestions(n);
        }
        assert_eq!(suggested(0), [1]);
        assert_eq!(suggested(3), [2, 4]);
        assert_eq!(
            suggested(MAX_CAPACITY - 1),
            [MAX_CAPACITY / 2, MAX_CAPACITY]
        );
        assert_eq!(suggested(usize::MAX), [MAX_CAPACITY]);
        assert_eq!(
            BuildError::CapacityNotPowerOfTwo(usize::MAX).to_string(),
            format!(
                "ring capacity {} is not a power of two (the largest valid capacity is {MAX_CAPACITY})",
                usize::MAX
            )
        );
    }

    #[cfg(not(miri))]
    proptest::proptest! {
        /// Display never panics, and suggests only valid capacities, for any
        /// value (including ones the builder never reports, like powers of two).
        #[test]
        fn any_capacity_message_suggests_only_valid_capacities(n: usize, shift in 0u32..64) {
            assert_valid_suggestions(n);
            assert_valid_suggestions(n >> shift);
        }
    }
}
