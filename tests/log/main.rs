//! The logging backend's integration tests, one module per concern. Tests
//! that touch process-wide state (the global `log` logger, the panic hook,
//! child processes) are in `tests/process`; allocation counting is in
//! `tests/alloc`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../log_common/mod.rs"]
mod log_common;

mod builder;
mod compression;
mod disk_full;
mod drop;
mod end_to_end;
#[cfg(feature = "log")]
mod fields;
mod files;
mod filter;
mod flush;
mod json;
mod logrotate;
mod macro_reentry;
mod macros;
mod open_errors;
mod oversize;
mod reentrant;
mod reopen;
mod retention;
mod rotation;
mod same_bytes;
mod shutdown;
mod sink_errors;
mod soak;
mod time_zone;
#[cfg(feature = "tracing")]
mod tracing_layer;
#[cfg(feature = "tracing")]
mod tracing_writer;
mod writer_panic;
