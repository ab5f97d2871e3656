//! Tests of process-wide behaviour: the global `log` logger, the panic hook,
//! and what reaches the file when the process ends (child processes). Apart
//! from the other logging tests because each of these changes state the
//! whole process shares.

#[path = "../common/mod.rs"]
mod common;
#[path = "../log_common/mod.rs"]
mod log_common;

#[cfg(feature = "log")]
mod facade;
mod global_macros;
mod panic;
mod process_end;
mod reentrant;
#[cfg(feature = "tracing")]
mod tracing_global;
