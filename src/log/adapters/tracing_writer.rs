//! The `tracing` integration (feature `tracing`): [`Logger`] implements
//! `tracing_subscriber::fmt::MakeWriter`, so a `tracing_subscriber::fmt`
//! layer formats each event as usual and its line is copied into a slot.

use crate::log::{Level, Logger};
use std::io;
use tracing_subscriber::fmt::MakeWriter;

/// ringlog's level of a `tracing` level.
pub(super) fn level_from(level: &tracing_core::Level) -> Level {
    match *level {
        tracing_core::Level::ERROR => Level::Error,
        tracing_core::Level::WARN => Level::Warn,
        tracing_core::Level::INFO => Level::Info,
        tracing_core::Level::DEBUG => Level::Debug,
        _ => Level::Trace,
    }
}

/// The writer [`Logger`]'s `MakeWriter` implementation hands out: each
/// `write` call becomes one record, copied as is into a slot (spilling if
/// it is larger). `tracing_subscriber`'s fmt layer writes each event's line
/// with a single `write_all`, so one event is one record.
///
/// Writes always report success: a record dropped by the
/// [`FullPolicy`](crate::log::FullPolicy) or after shutdown is counted in the
/// logger's metrics instead of making `tracing` print an error per event.
///
/// # Examples
///
/// ```
/// use ringlog::log::LoggerBuilder;
/// let path = std::env::temp_dir().join(format!("ringlog-doc-tracing-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).build()?;
/// let subscriber = tracing_subscriber::fmt()
///     .with_writer(logger.clone())
///     .with_ansi(false)
///     .finish();
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info!(answer = 42, "hello from tracing");
/// });
/// guard.shutdown()?;
/// let text = std::fs::read_to_string(&path)?;
/// assert!(text.contains("hello from tracing answer=42"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LineWriter<'a> {
    logger: &'a Logger,
    level: Level,
    /// Whether the logger's filter keeps the event's level and target.
    keep: bool,
}

impl io::Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.keep && !buf.is_empty() {
            let _ = self.logger.log_raw(self.level, buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
impl<'a> MakeWriter<'a> for Logger {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            logger: self,
            level: Level::Info,
            keep: true,
        }
    }

    fn make_writer_for(&'a self, meta: &tracing_core::Metadata<'_>) -> Self::Writer {
        let level = level_from(meta.level());
        LineWriter {
            logger: self,
            level,
            // The logger's per-target filter directives, too (`log_raw`
            // alone checks the level only).
            keep: self.enabled_for(level, meta.target()),
        }
    }
}
