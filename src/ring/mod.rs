//! The generic ring: a preallocated power-of-two array of slots, many
//! producers, one consumer.
//!
//! - [`sequencer`]: who owns which slot and when (claim, publish, scan, release,
//!   sleep and wake). The lock-free algorithm, with no knowledge of the slot type.
//! - [`slots`]: the storage.
//! - [`shared`]: the two together, as every handle of one ring holds them.
//! - [`producer`] and [`consumer`]: the handles, built on the two.
//! - [`linger`]: when the consumer sleeps to let a short run grow.
//! - [`evict`]: the opt-in eviction of consumed cache lines.
//! - [`reentry`]: a blocking publish that only its own thread could unblock
//!   fails instead of hanging.
//! - [`builder`]: settings and validation ([`capacity`]: which capacities are
//!   valid).
//!
//! The algorithm is the LMAX Disruptor's multi-producer sequencer; see the
//! [`sequencer`] module and `docs/design.md` for the memory-ordering argument.
//!
//! No file here imports from this one: each takes what it needs from the
//! file that defines it.

mod builder;
pub(crate) mod capacity;
mod consumer;
mod evict;
mod evict_choice;
mod linger;
mod producer;
mod reentry;
mod sequencer;
mod shared;
mod slots;

pub use builder::{ring, RingBuilder, DEFAULT_LINGER, EVICT_MIN_BYTES};
pub use capacity::MAX_CAPACITY;
pub use consumer::{Consumer, ReadChunk};
pub use evict_choice::Evict;
pub use producer::Producer;
