//! Shutdown: the guard, and the opt-in panic hook.

use super::error::{FlushError, LogError, ShutdownError};
use super::level::Level;
use super::logger::Logger;
use crate::sync::Ordering;
use std::fmt;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Owns the logger's writer thread. Dropping it (or calling
/// [`shutdown`](LogGuard::shutdown)) closes the ring, lets the writer drain
/// it (every record whose log call returned is written), flushes, syncs
/// unless the fsync policy is `Never`, and joins the thread, waiting at most
/// the builder's [`shutdown_timeout`](crate::log::LoggerBuilder::shutdown_timeout).
///
/// After shutdown, log calls on any [`Logger`] handle return
/// [`LogError::Closed`] at once and are counted as dropped.
///
/// # Examples
///
/// ```
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-guard-{}.log", std::process::id()));
/// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
/// logger.info("app", format_args!("last words"))?;
/// guard.shutdown()?; // or just drop it
/// assert!(std::fs::read_to_string(&path)?.contains("last words"));
/// assert!(logger.info("app", format_args!("too late")).is_err());
/// assert_eq!(logger.metrics().dropped_total(), 1);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "dropping the guard shuts the logger down"]
pub struct LogGuard {
    logger: Logger,
    writer: Option<JoinHandle<()>>,
    timeout: Duration,
}

impl LogGuard {
    pub(crate) fn new(logger: Logger, writer: JoinHandle<()>, timeout: Duration) -> Self {
        Self {
            logger,
            writer: Some(writer),
            timeout,
        }
    }

    /// A handle to the logger this guard shuts down.
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-guardl-{}.log", std::process::id()));
    /// let (_, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// guard.logger().info("app", format_args!("via the guard"))?;
    /// # drop(guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn logger(&self) -> &Logger {
        &self.logger
    }

    /// Shuts the logger down now, reporting how it went (dropping the guard
    /// does the same and reports failures on stderr).
    ///
    /// # Errors
    ///
    /// [`ShutdownError::Timeout`] if the writer thread did not finish in time
    /// (it is left running, detached); [`ShutdownError::WriterPanicked`];
    /// [`ShutdownError::WriteErrors`] if any sink operation failed during the
    /// logger's life.
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-shutdown-{}.log", std::process::id()));
    /// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// guard.shutdown()?;
    /// assert!(logger.is_closed());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown(mut self) -> Result<(), ShutdownError> {
        self.shutdown_now()
    }

    fn shutdown_now(&mut self) -> Result<(), ShutdownError> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        self.logger.close();
        if self.logger.would_wait_for_itself() {
            // The writer drains the closed ring once this thread moves on;
            // waiting for it here would wait for ourselves. `writer` is
            // detached.
            return Err(ShutdownError::WouldDeadlock);
        }
        let shared = self.logger.shared();
        let deadline = Instant::now().checked_add(self.timeout);
        // The writer completes every ticket when it has drained the closed
        // ring, or reports itself gone if it panicked.
        match shared.flush.wait(u64::MAX, deadline) {
            Ok(()) | Err(FlushError::WriterGone) => {}
            Err(_) => return Err(ShutdownError::Timeout), // `writer` detached
        }
        if writer.join().is_err() {
            return Err(ShutdownError::WriterPanicked);
        }
        // Relaxed: a statistic; the join orders the writer's updates first.
        let errors = shared.metrics.write_errors.load(Ordering::Relaxed);
        if errors > 0 {
            return Err(ShutdownError::WriteErrors(errors));
        }
        Ok(())
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown_now() {
            eprintln!("ringlog: logger shutdown: {e}");
        }
    }
}

/// Installs a panic hook that logs the panic, flushes, and then calls the
/// hook that was installed before.
pub(crate) fn install_panic_hook(logger: Logger) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // On the writer thread itself nobody would consume the record, and
        // the ring closes as the panic unwinds the consumer.
        let on_writer = logger.shared().writer_thread.get() == Some(&std::thread::current().id());
        if !logger.is_closed() && !on_writer {
            log_panic(&logger, info);
            // Returns at once if this thread holds an unpublished record
            // (a panic inside `Encode::encode`): the writer cannot pass it
            // until the panic unwinds and the slot is skipped.
            let _ = logger.flush();
        }
        previous(info);
    }));
}

/// Logs the panic without ever waiting forever for room, whatever the full
/// policy: a bounded number of tries, then give up (counted as dropped).
fn log_panic(logger: &Logger, info: &dyn fmt::Display) {
    // Bounded even when this thread holds an unpublished record of this
    // logger (a panic inside `Encode::encode`): room below that record can
    // still come, room past it cannot; either way the tries end.
    for _ in 0..1000 {
        match logger.try_log(Level::Error, "panic", format_args!("{info}")) {
            Err(LogError::Dropped) => crate::sync::sleep(Duration::from_millis(1)),
            _ => return,
        }
    }
    logger.note_drop(Level::Error);
}
