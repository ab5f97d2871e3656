//! The ring's integration tests, one module per concern; the proptest
//! properties are `prop_*` (not under Miri: far too slow there).

#[path = "../common/mod.rs"]
mod common;

mod batch;
mod chunk;
mod close;
// Large rings and many events; eviction is off under Miri anyway.
#[cfg(not(miri))]
mod evict;
mod exactly_once;
mod fairness;
// Seconds-long linger sleeps beside a producer pushing all the time: far
// too slow under Miri, whose clock advances with the instructions it runs.
// The linger's sleep path has no unsafe code of its own; the slot accesses
// it leads to are the ones every other module here runs under Miri.
#[cfg(not(miri))]
mod linger;
mod liveness;
mod panic;
#[cfg(not(miri))]
mod prop_model;
#[cfg(not(miri))]
mod prop_threaded;
mod soundness;
mod wait;
