//! Errors of the logging backend.

use crate::error::BuildError;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a log call did not log.
///
/// # Examples
///
/// ```
/// use ringlog::log::{Level, LogError, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-logerror-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).max_level(Level::Info).build()?;
/// assert_eq!(logger.debug("doc", format_args!("too verbose")), Err(LogError::Filtered));
/// guard.shutdown()?;
/// assert_eq!(logger.info("doc", format_args!("too late")), Err(LogError::Closed));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogError {
    /// The level is more verbose than the logger's maximum level, or a
    /// per-target [`filter`](crate::log::LoggerBuilder::filter) directive
    /// leaves this target out; nothing was counted.
    Filtered,
    /// The ring was full and the [`FullPolicy`](crate::log::FullPolicy) drops
    /// this level; counted as dropped.
    Dropped,
    /// The logger was shut down; counted as dropped.
    Closed,
    /// The ring was full, and the call was made where waiting for room
    /// would wait for itself: on the writer thread (a
    /// [`Sink`](crate::log::Sink) that logs) or while this thread holds an
    /// unpublished record of the same logger (inside
    /// [`Encode::encode`](crate::log::Encode::encode)). Counted as dropped,
    /// and reported in the log as drops are. See "Logging from inside
    /// logging" in the [module docs](mod@crate::log).
    WouldDeadlock,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Filtered => "record filtered out by the logger's level filter",
            Self::Dropped => "log ring full: record dropped",
            Self::Closed => "logger shut down: record dropped",
            Self::WouldDeadlock => {
                "log ring full, and waiting would wait for this call itself: record dropped"
            }
        })
    }
}

impl std::error::Error for LogError {}

/// Why [`Logger::flush`](crate::log::Logger::flush) could not confirm that
/// earlier records are in the sink.
///
/// # Examples
///
/// ```
/// use ringlog::log::FlushError;
/// assert_eq!(FlushError::Timeout.to_string(), "flush timed out");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlushError {
    /// The writer thread did not get there before the timeout.
    Timeout,
    /// The writer thread exited without writing everything (it panicked, or
    /// was abandoned by a shutdown that timed out).
    WriterGone,
    /// The records were processed, but this many sink writes, flushes,
    /// syncs, rotations or reopens failed (during the flush, or earlier and
    /// not yet reported by a flush), so some records may be missing from the
    /// sink ([`MetricsSnapshot::lost`](crate::log::MetricsSnapshot::lost)
    /// counts those that are).
    WriteErrors(u64),
    /// Called where the writer thread would have to wait for this call: on
    /// the writer thread itself (from a [`Sink`](crate::log::Sink)), or
    /// while this thread holds an unpublished record of the same logger.
    /// Returned at once; nothing was waited for.
    WouldDeadlock,
}

impl fmt::Display for FlushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout => f.write_str("flush timed out"),
            Self::WouldDeadlock => {
                f.write_str("flush called where the log writer would wait for it: not flushed")
            }
            Self::WriterGone => f.write_str("the log writer thread is gone"),
            Self::WriteErrors(n) => write!(f, "{n} log sink operations failed"),
        }
    }
}

impl std::error::Error for FlushError {}

/// Why [`LoggerBuilder::build`](crate::log::LoggerBuilder::build) refused.
///
/// # Examples
///
/// ```
/// use ringlog::log::{LogBuildError, LoggerBuilder};
/// let err = LoggerBuilder::new("x.log").slot_size(0).build().unwrap_err();
/// assert!(matches!(err, LogBuildError::ZeroSlotSize));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LogBuildError {
    /// The slot size was 0.
    ZeroSlotSize,
    /// The [`filter`](crate::log::LoggerBuilder::filter) directives could
    /// not be parsed.
    InvalidFilter {
        /// The directives as given.
        directives: String,
        /// What is wrong with them.
        reason: String,
    },
    /// The slot size exceeded [`MAX_SLOT_SIZE`](crate::log::MAX_SLOT_SIZE).
    SlotSizeTooLarge {
        /// The size asked for.
        requested: usize,
        /// The largest size allowed.
        max: usize,
    },
    /// The ring's slots would take more than [`MAX_RING_BYTES`](crate::log::MAX_RING_BYTES).
    RingTooLarge {
        /// The capacity asked for.
        capacity: usize,
        /// The slot size asked for.
        slot_size: usize,
    },
    /// The ring refused its settings (capacity not a power of two, …).
    Ring(BuildError),
    /// The flush interval was zero.
    ZeroFlushInterval,
    /// The fsync interval of [`FsyncPolicy::Every`](crate::log::FsyncPolicy::Every) was zero.
    ZeroFsyncInterval,
    /// The rotation settings are invalid (a zero size or period), or
    /// rotation was asked of a custom sink.
    Rotation(&'static str),
    /// The log file could not be opened for appending.
    Open {
        /// The path given.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// The writer thread could not be started.
    Spawn(io::Error),
    /// The signal handlers or the signal thread of
    /// `LoggerBuilder::flush_on_signal` could not be set up (feature
    /// `signal`).
    Signal(io::Error),
}

impl fmt::Display for LogBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroSlotSize => f.write_str("log slot size must be at least 1 byte"),
            Self::InvalidFilter { directives, reason } => {
                write!(f, "invalid log filter {directives:?}: {reason}")
            }
            Self::SlotSizeTooLarge { requested, max } => {
                write!(
                    f,
                    "log slot size {requested} exceeds the maximum of {max} bytes"
                )
            }
            Self::RingTooLarge {
                capacity,
                slot_size,
            } => write!(
                f,
                "log ring of {capacity} slots of slot size {slot_size} exceeds {} bytes",
                super::MAX_RING_BYTES
            ),
            Self::Ring(e) => write!(f, "log ring: {e}"),
            Self::ZeroFlushInterval => f.write_str("flush interval must be greater than zero"),
            Self::ZeroFsyncInterval => f.write_str("fsync interval must be greater than zero"),
            Self::Rotation(msg) => f.write_str(msg),
            Self::Open { path, source } => {
                write!(
                    f,
                    "cannot open log file {} for appending: {source}",
                    path.display()
                )
            }
            Self::Spawn(e) => write!(f, "cannot start the log writer thread: {e}"),
            Self::Signal(e) => write!(f, "cannot set up the flush on SIGTERM/SIGINT: {e}"),
        }
    }
}

impl std::error::Error for LogBuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Ring(e) => Some(e),
            Self::Open { source, .. } => Some(source),
            Self::Spawn(e) | Self::Signal(e) => Some(e),
            _ => None,
        }
    }
}

impl From<BuildError> for LogBuildError {
    fn from(e: BuildError) -> Self {
        Self::Ring(e)
    }
}

/// Why [`LogGuard::shutdown`](crate::log::LogGuard::shutdown) did not end
/// cleanly.
///
/// # Examples
///
/// ```
/// use ringlog::log::ShutdownError;
/// assert_eq!(ShutdownError::Timeout.to_string(), "the log writer thread did not finish in time");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShutdownError {
    /// The writer thread did not finish before the shutdown timeout; it was
    /// left running (detached).
    Timeout,
    /// The writer thread panicked.
    WriterPanicked,
    /// Everything was processed, but this many sink operations failed over
    /// the logger's life.
    WriteErrors(u64),
    /// Shut down where the writer thread would have to wait for the caller:
    /// on the writer thread itself (from a [`Sink`](crate::log::Sink)), or
    /// while this thread holds an unpublished record of the same logger.
    /// The ring is closed and the writer left to drain it on its own
    /// (detached): every published record is written if the process lives
    /// until the writer has drained the ring, but nothing was waited for.
    WouldDeadlock,
}

impl fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout => f.write_str("the log writer thread did not finish in time"),
            Self::WriterPanicked => f.write_str("the log writer thread panicked"),
            Self::WouldDeadlock => f.write_str(
                "shut down where the log writer would wait for it: closed, writer left to drain",
            ),
            Self::WriteErrors(n) => write!(f, "{n} log sink operations failed"),
        }
    }
}

impl std::error::Error for ShutdownError {}
