//! The asynchronous logging backend, built on the ring.
//!
//! A [`Logger`] handle formats the message into a per-thread scratch
//! buffer, claims a slot of a preallocated ring, copies the record into it,
//! and publishes it; one writer thread takes published runs, renders each
//! run into one buffer and writes it with one call to the [`Sink`] (a
//! [`FileSink`] by default).
//!
//! - **No allocation per record.** Each slot holds an inline byte buffer of
//!   [`slot_size`](LoggerBuilder::slot_size) bytes; the target and message are
//!   copied into it (the thread's scratch buffer is reused from call to
//!   call; a literal message is copied as it is). A record larger than the
//!   buffer is never cut: it *spills* into a heap buffer owned by the slot
//!   (allocated, or grown, for it; kept for reuse by that slot up to 64 KiB;
//!   counted in [`MetricsSnapshot::spilled`]).
//! - **File order follows time.** The timestamp is read after the slot is
//!   claimed, and the writer clamps timestamps so they never decrease in the
//!   file.
//! - **Full ring:** block (lossless, the default), drop, or per level
//!   ([`FullPolicy`]). Drops are counted per level and reported in the log:
//!   `N records dropped (DEBUG a, TRACE b) between t1 and t2`.
//! - **Nothing lost at shutdown.** [`Logger::flush`] returns once every
//!   record logged before it is written (or times out with an error);
//!   dropping the [`LogGuard`] drains the ring and joins the writer; an
//!   opt-in panic hook logs the panic and flushes. After shutdown, log calls
//!   return at once (counted as dropped).
//! - **The log file's life.** [`Rotation`] by size and time (UTC or local),
//!   rotated files numbered (`app.log`, `app.log.1` newest, …) or dated
//!   (`app.2026-11-23.log`), compressed off the writer's path (gzip, zstd),
//!   kept by count and age; parent directories created, a file mode set; a
//!   file removed or moved
//!   away is noticed and its path reopened; failed writes never block
//!   producers, and their records are counted as lost
//!   ([`MetricsSnapshot::lost`]), reported on stderr (rate-limited) and in
//!   the log once writing works again. Opt-in flush on SIGTERM/SIGINT
//!   (feature `signal`). See the design notes, "The log file's life".
//! - **Log macros that defer formatting.** [`info!`](crate::info) and
//!   friends take `format!`'s syntax; arguments whose type is [`Encode`]
//!   (integers, floats, `bool`, `char`, strings, byte slices, your own types)
//!   are copied into the slot as bytes and formatted by the writer thread,
//!   any other argument is formatted by the caller before the claim; the
//!   line is the same either way. Against the logger set by [`install`], or
//!   an explicit one (`info!(logger: &logger, ...)`).
//! - **Logging from inside logging never wedges.** Arguments are formatted
//!   before the slot is claimed, so a `Display` that logs, flushes, shuts
//!   the logger down or panics holds nothing the writer waits for (its
//!   records land before the outer one). A call that *would* wait for
//!   itself — logging into a full ring from the writer thread (a [`Sink`]
//!   that logs) or from inside [`Encode::encode`] — returns
//!   [`LogError::WouldDeadlock`] at once and is counted as dropped (and
//!   reported in the log with the other drops); [`Logger::flush`] and
//!   [`LogGuard::shutdown`] there return `WouldDeadlock` at once (a
//!   shutdown still closes the ring, and the writer drains it on its own).
//! - **Integrations** behind Cargo features: `log` (`Logger` implements
//!   `log::Log`; `install_log` sets it up in one call) and `tracing`
//!   (`ringlog::tracing::Layer`, whose events are
//!   encoded into slots and rendered by the writer in
//!   `tracing_subscriber::fmt`'s layout; and `Logger` implements
//!   `tracing_subscriber::fmt::MakeWriter`).
//!
//! The module does not exist under `--cfg loom` (it needs the timed consumer
//! API, which loom cannot model).
//!
//! # Examples
//!
//! ```
//! use ringlog::log::{Format, Level, LoggerBuilder};
//!
//! let path = std::env::temp_dir().join(format!("ringlog-doc-mod-{}.log", std::process::id()));
//! let (logger, guard) = LoggerBuilder::new(&path).capacity(1024).slot_size(128).build()?;
//!
//! let threads: Vec<_> = (0..4)
//!     .map(|t| {
//!         let logger = logger.clone();
//!         std::thread::spawn(move || {
//!             for i in 0..250 {
//!                 logger.log(Level::Info, "example", format_args!("thread {t} says {i}")).unwrap();
//!             }
//!         })
//!     })
//!     .collect();
//! for t in threads {
//!     t.join().unwrap();
//! }
//! guard.shutdown()?; // drains, flushes and joins the writer
//!
//! let text = std::fs::read_to_string(&path)?;
//! assert_eq!(text.lines().count(), 1000);
//! assert_eq!(logger.metrics().written, 1000);
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod adapters;
mod builder;
mod clock;
mod custom;
pub(crate) mod deferred;
mod drops;
mod error;
mod fields;
mod file;
mod filter;
mod flush;
mod format;
mod guard;
mod level;
mod logger;
mod lost;
mod macros;
mod metrics;
mod policy;
mod record;
mod scratch;
mod shared;
#[cfg(all(unix, feature = "signal"))]
mod signals;
mod sink;
mod stderr_report;
mod worker;

#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub use adapters::log_facade::install_log;
#[cfg(feature = "tracing")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
pub use adapters::tracing_writer::LineWriter;
pub use builder::{LoggerBuilder, MAX_RING_BYTES, MAX_SLOT_SIZE};
pub use deferred::encode::Encode;
pub use deferred::global::{install, InstallError};
pub use error::{FlushError, LogBuildError, LogError, ShutdownError};
pub use file::compress::Compression;
pub use file::naming::Naming;
pub use file::rotation::Rotation;
pub use file::sink::FileSink;
pub use format::Format;
pub use guard::LogGuard;
pub use level::Level;
pub use logger::Logger;
pub use metrics::MetricsSnapshot;
pub use policy::{FsyncPolicy, FullPolicy};
pub use sink::{Sink, SinkEvent};
