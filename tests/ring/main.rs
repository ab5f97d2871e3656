//! The ring's integration tests, one module per concern; the proptest
//! properties are `prop_*` (not under Miri: far too slow there).

#[path = "../common/mod.rs"]
mod common;

mod batch;
mod chunk;
mod close;
mod exactly_once;
mod fairness;
mod linger;
mod liveness;
mod panic;
#[cfg(not(miri))]
mod prop_model;
#[cfg(not(miri))]
mod prop_threaded;
mod soundness;
mod wait;
