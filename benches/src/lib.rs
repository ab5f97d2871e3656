//! ringlog's benchmark workloads, shared by the `ringlog-bench` tool and the
//! criterion benches of this crate, so both measure exactly the same thing.
//!
//! - [`ring`]: ring throughput, ringlog against crossbeam-channel, std mpsc,
//!   flume and the `disruptor` crate;
//! - [`log`]: logging end to end into a file, ringlog against
//!   tracing-appender, a `Mutex<BufWriter<File>>` and one thread writing
//!   alone;
//! - [`sched`]: what the machine took from a run (steal, other processes,
//!   runqueue waits), to tell a slow run from a slow protocol;
//! - [`driver`]: what the example drivers share (their rounds argument, the
//!   median).
//!
//! Every run checks its own result (a failed check is an `Err`, never a
//! number) and is bounded in time; the criterion benches add a
//! [`watchdog`] on top. Each module lists its contenders as data
//! (`CONTENDERS`): adding one is one more row and its run function.

pub mod driver;
pub mod log;
pub mod null_sink;
pub mod ring;
pub mod sched;
pub mod watchdog;
