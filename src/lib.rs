//! # ringlog
//!
//! A lock-free, Disruptor-style multi-producer ring buffer, and (built on it)
//! an asynchronous logging backend.
//!
//! The ring is a preallocated power-of-two array of slots. Producers claim
//! slots by CAS on a shared sequence, write events *in place*, and publish each
//! slot through its own marker, so they publish out of order and never lock.
//! The single consumer takes the contiguous published run at the front as one
//! batch (the natural point to flush), then releases it for reuse.
//!
//! - No allocation after construction; every slot is made once by a factory.
//! - Waiting is pluggable ([`BusySpin`], [`Yield`], [`Park`]); parking never
//!   loses a wake-up, and a side nobody waits for pays nothing for it.
//! - Nothing wedges: a producer that panics mid-write has its slot skipped; a
//!   batch larger than the ring is an error, not a hang; dropping either side
//!   wakes the other with a `Closed` error.
//!
//! # Examples
//!
//! ```
//! use ringlog::{Park, RingBuilder};
//! use std::thread;
//!
//! let (producer, mut consumer) = RingBuilder::new(1024)
//!     .wait_strategy(Park::default())
//!     .build::<(usize, u64)>()?;
//!
//! let producers: Vec<_> = (0..4)
//!     .map(|id| {
//!         let producer = producer.clone();
//!         thread::spawn(move || {
//!             for i in 0..1000 {
//!                 producer.publish_with(|slot| *slot = (id, i)).unwrap();
//!             }
//!         })
//!     })
//!     .collect();
//! drop(producer); // the ring closes when the last producer is dropped
//!
//! let mut last = [None; 4];
//! let mut total = 0;
//! while let Ok(n) = consumer.consume(|&mut (id, i), _end_of_batch| {
//!     assert!(last[id].map_or(true, |prev| prev < i)); // FIFO per producer
//!     last[id] = Some(i);
//! }) {
//!     total += n;
//! }
//! assert_eq!(total, 4000);
//! for p in producers {
//!     p.join().unwrap();
//! }
//! # Ok::<(), ringlog::BuildError>(())
//! ```
//!
//! # Logging
//!
//! The [`log`](mod@log) module is an asynchronous logging backend on the ring: log
//! calls format into preallocated slots without allocating, and one writer
//! thread writes each published run with one system call. See its docs.
//! The macros [`info!`] (and [`error!`], [`warn!`], [`debug!`], [`trace!`],
//! [`log!`](crate::log!)) take `format!`'s syntax and leave the formatting of
//! integers, floats, strings and other [`Encode`](log::Encode) types to the
//! writer thread.
//!
//! # Model checking
//!
//! Built with `RUSTFLAGS="--cfg loom"`, the crate runs on [loom]'s model
//! checker: every atomic, cell, lock and thread operation goes through the
//! crate's `sync` module. The timed APIs (`*_timeout`) and the slice views of
//! [`ReadChunk`] do not exist in that build.
//!
//! [loom]: https://docs.rs/loom

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auto_traits;
mod error;
#[cfg(not(loom))]
pub mod log;
mod ring;
mod sync;
pub mod wait;

/// The `tracing` integration (feature `tracing`).
///
/// - [`Layer`](crate::tracing::Layer): a `tracing_subscriber` layer whose
///   events are encoded as binary into the ring's slots and rendered by the
///   writer thread in `tracing_subscriber::fmt`'s text or JSON layout. The
///   fast path: nothing is formatted or allocated per event on the calling
///   thread, except values `tracing` only offers as `Debug`.
/// - [`LineWriter`](crate::tracing::LineWriter): [`Logger`](crate::log::Logger)
///   as fmt's `MakeWriter`, for fmt's exact formatting (custom `FormatEvent`,
///   ANSI colours): fmt formats on the caller, the line is copied to a slot.
///
/// # Examples
///
/// ```
/// use ringlog::log::LoggerBuilder;
/// use tracing_subscriber::prelude::*;
///
/// let path = std::env::temp_dir().join(format!("ringlog-doc-tracing-mod-{}.log", std::process::id()));
/// let (layer, guard) = ringlog::tracing::Layer::new(LoggerBuilder::new(&path))?;
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
///     tracing::info!(target: "app", user = "ada", "signed in");
/// });
/// drop(guard);
/// assert!(std::fs::read_to_string(&path)?.ends_with(" INFO app: signed in user=\"ada\"\n"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "tracing", not(loom)))]
pub mod tracing {
    pub use crate::log::adapters::tracing_layer::Layer;
    pub use crate::log::LineWriter;
}

pub use error::{
    BuildError, ClosedError, ConsumeTimeoutError, PublishBatchError, PublishError, TryConsumeError,
    TryPublishBatchError, TryPublishError,
};
pub use ring::{
    ring, Consumer, Evict, Producer, ReadChunk, RingBuilder, DEFAULT_LINGER, EVICT_MIN_BYTES,
    MAX_CAPACITY,
};
pub use wait::{BusySpin, Park, Sleep, WaitAction, WaitStrategy, Yield};

/// What the log macros' expansion names; not a public API.
#[doc(hidden)]
#[cfg(not(loom))]
pub mod __private {
    pub use crate::log::deferred::callsite::{Callsite, RenderFn};
    pub use crate::log::deferred::frame::{emit, Frame, PayloadWriter};
    pub use crate::log::deferred::global::global_enabled;
    pub use crate::log::deferred::kind::{ArgKind, Eager, Encoded, Probe, ViaEncode, ViaFmt};
    pub use crate::log::deferred::render::{display, Out};
    pub use crate::log::deferred::wire::Reader;
    pub use ringlog_macros::deferred;
}

// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
