//! The logging handle: the producer side.

use super::custom::CustomRecord;
use super::deferred::callsite::{Callsite, DeferredRecord, RenderFn};
use super::error::{FlushError, LogError};
use super::level::Level;
use super::metrics::{Metrics, MetricsSnapshot};
use super::record::{Kind, Record};
use super::scratch;
use super::shared::Shared;
use crate::error::{PublishError, TryPublishError};
use crate::ring::Producer;
use crate::sync::{Arc, Ordering};
use std::fmt;
use std::time::{Duration, Instant};

/// A handle for logging: cheap to clone, `Send + Sync`, and usable from any
/// number of threads.
///
/// Each call formats the message into the thread's scratch buffer (user
/// `Display` impls run here, before anything is claimed), claims a slot of
/// the logger's ring, stamps it (level, time taken after the claim, thread),
/// copies target and message into the slot (a literal message, one without
/// arguments, is not copied: the slot keeps the `&'static str`), and
/// publishes it; the writer
/// thread does the rest. No allocation happens per record unless the
/// message is larger than the slot (see the [module docs](mod@crate::log)).
///
/// When the ring is full, the [`FullPolicy`](crate::log::FullPolicy) decides between waiting and
/// dropping. After the logger is shut down (its [`LogGuard`] dropped), calls
/// return [`LogError::Closed`] at once and count as dropped.
///
/// [`LogGuard`]: crate::log::LogGuard
///
/// # Examples
///
/// ```
/// use ringlog::log::{Level, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-logger-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).build()?;
/// let workers: Vec<_> = (0..2)
///     .map(|t| {
///         let logger = logger.clone();
///         std::thread::spawn(move || {
///             for i in 0..100 {
///                 logger.log(Level::Info, "doc", format_args!("thread {t} record {i}")).unwrap();
///             }
///         })
///     })
///     .collect();
/// for w in workers { w.join().unwrap(); }
/// logger.flush()?; // everything logged above is in the file now
/// assert_eq!(std::fs::read_to_string(&path)?.lines().count(), 200);
/// drop(guard);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Logger {
    producer: Producer<Record>,
    shared: Arc<Shared>,
}

impl Logger {
    pub(crate) fn new(producer: Producer<Record>, shared: Arc<Shared>) -> Self {
        Self { producer, shared }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Closes the ring (shutdown): the writer thread drains it and exits.
    pub(crate) fn close(&self) {
        self.producer.close();
    }

    /// Logs `args` at `level` for `target`.
    ///
    /// # Errors
    ///
    /// [`LogError::Filtered`] if `level` is more verbose than the maximum
    /// level; [`LogError::Dropped`] if the ring was full and the policy drops
    /// this level; [`LogError::Closed`] after shutdown. The last two are
    /// counted in [`MetricsSnapshot::dropped`].
    ///
    /// # Panics
    ///
    /// Only if formatting `args` panics (a `Display` impl that panics); the
    /// slot is then skipped, and the logger carries on.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-log-{}.log", std::process::id()));
    /// let (logger, guard) = LoggerBuilder::new(&path).build()?;
    /// logger.log(Level::Warn, "app::db", format_args!("slow query: {} ms", 250))?;
    /// guard.shutdown()?;
    /// assert!(std::fs::read_to_string(&path)?.contains("WARN  [main#"));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn log(
        &self,
        level: Level,
        target: &str,
        args: fmt::Arguments<'_>,
    ) -> Result<(), LogError> {
        self.admits(level, target)?;
        // User code (the arguments' `Display` impls) runs here, before the
        // claim: see "Logging from inside logging" in the module docs.
        let mut scratch = None;
        let message = scratch::message(args, &mut scratch);
        let mut spilled = false;
        self.publish(level, |record: &mut Record| {
            record.start(Kind::Log(None), level);
            record.push_target(target.as_bytes());
            record.push_message(message);
            spilled = record.is_spilled();
        })?;
        if spilled {
            Metrics::add(&self.shared.metrics.spilled, 1);
        }
        Ok(())
    }

    /// Logs bytes that are already formatted (a whole line, ending with a
    /// newline, by convention): the writer thread writes them as they are, in
    /// either [`Format`](crate::log::Format). `level` only matters for the
    /// maximum level, the full policy and the drop counts. The `tracing`
    /// integration logs through this.
    ///
    /// # Errors
    ///
    /// As for [`log`](Logger::log).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-raw-{}.log", std::process::id()));
    /// let (logger, guard) = LoggerBuilder::new(&path).build()?;
    /// logger.log_raw(Level::Info, b"preformatted line\n")?;
    /// guard.shutdown()?;
    /// assert_eq!(std::fs::read_to_string(&path)?, "preformatted line\n");
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn log_raw(&self, level: Level, bytes: &[u8]) -> Result<(), LogError> {
        if !self.shared.filter.level_enabled(level) {
            return Err(LogError::Filtered);
        }
        let mut spilled = false;
        self.publish(level, |record: &mut Record| {
            record.start(Kind::Raw, level);
            record.push(bytes);
            spilled = record.is_spilled();
        })?;
        if spilled {
            Metrics::add(&self.shared.metrics.spilled, 1);
        }
        Ok(())
    }

    /// Logs a deferred record (the log macros' expansion calls this): claims
    /// a slot by the full policy, stamps it (the call site's level, the time,
    /// the thread), and lets `encode` write the payload, which it gets as
    /// exactly `payload_len` bytes (inline, or spilled as for
    /// [`log`](Logger::log)). The writer renders the message with `render`.
    /// `encode` runs inside the claim: it should only copy bytes (a log call
    /// from it never waits for room behind its own slot: see
    /// [`LogError::WouldDeadlock`]).
    ///
    /// The expansion has called [`admits`](Logger::admits) for the call
    /// site's level and target first: nothing is filtered here.
    ///
    /// # Errors
    ///
    /// [`LogError::Dropped`], [`LogError::Closed`] or
    /// [`LogError::WouldDeadlock`], as for [`log`](Logger::log).
    #[doc(hidden)]
    #[inline]
    pub fn log_deferred(
        &self,
        callsite: &'static Callsite,
        render: RenderFn,
        payload_len: usize,
        encode: impl FnOnce(&mut [u8]),
    ) -> Result<(), LogError> {
        let kind = Kind::Deferred(DeferredRecord { callsite, render });
        self.publish_payload(kind, callsite.level(), payload_len, encode)
    }

    /// Logs a custom record (an integration's own encoding, see
    /// `custom.rs`): copies `payload` (encoded before the claim: no user
    /// code runs inside it) into a slot; the writer renders the line with
    /// `custom.render`. The caller has called [`admits`](Logger::admits)
    /// before encoding: nothing is filtered here.
    #[cfg_attr(not(any(feature = "tracing", feature = "log")), allow(dead_code))]
    pub(crate) fn log_custom(
        &self,
        level: Level,
        custom: CustomRecord,
        payload: &[u8],
    ) -> Result<(), LogError> {
        self.publish_payload(Kind::Custom(custom), level, payload.len(), |slot| {
            slot.copy_from_slice(payload)
        })
    }

    /// Claims a slot by the full policy, stamps it as `kind`, and lets
    /// `write` fill exactly `len` payload bytes (inline, or spilled as for
    /// [`log`](Logger::log), and counted).
    #[inline]
    fn publish_payload(
        &self,
        kind: Kind,
        level: Level,
        len: usize,
        write: impl FnOnce(&mut [u8]),
    ) -> Result<(), LogError> {
        let mut spilled = false;
        self.publish(level, |record: &mut Record| {
            record.start(kind, level);
            record.fill(len, write);
            spilled = record.is_spilled();
        })?;
        if spilled {
            Metrics::add(&self.shared.metrics.spilled, 1);
        }
        Ok(())
    }

    /// Like [`log`](Logger::log) but never waits, whatever the policy, and
    /// does not count a full ring as a drop (the caller retries).
    pub(crate) fn try_log(
        &self,
        level: Level,
        target: &str,
        args: fmt::Arguments<'_>,
    ) -> Result<(), LogError> {
        let mut scratch = None;
        let message = scratch::message(args, &mut scratch);
        self.producer
            .try_publish_with(|record: &mut Record| {
                record.start(Kind::Log(None), level);
                record.push_target(target.as_bytes());
                record.push_message(message);
            })
            .map_err(|e| match e {
                TryPublishError::Full(_) => LogError::Dropped,
                TryPublishError::Closed(_) => LogError::Closed,
            })
    }

    /// Whether a record of `level` for `target` is worth preparing: the
    /// filter keeps it and, when the full policy drops this level, the ring
    /// does not look full. A record refused for a full ring is counted as
    /// dropped here, before anything is formatted: shedding load costs a
    /// check, not a formatted message. The log macros' expansion and the
    /// integrations call it first; [`log`](Logger::log) calls it itself.
    ///
    /// # Errors
    ///
    /// [`LogError::Filtered`] or [`LogError::Dropped`].
    #[doc(hidden)]
    #[inline]
    pub fn admits(&self, level: Level, target: &str) -> Result<(), LogError> {
        if !self.shared.filter.enabled(level, target) {
            return Err(LogError::Filtered);
        }
        if !self.shared.policy.blocks(level) && self.producer.looks_full() {
            self.note_drop(level);
            return Err(LogError::Dropped);
        }
        Ok(())
    }

    /// Whether waiting for the writer thread here would wait for this thread
    /// itself: this is the writer thread (a sink calling back), or this
    /// thread holds an unpublished record of this logger (inside
    /// `Encode::encode`, or in the panic hook while such a call panics).
    pub(crate) fn would_wait_for_itself(&self) -> bool {
        // The writer thread holds its ring for its whole life
        // (`Consumer::hold` in `worker.rs`): one thread-local read covers
        // both cases.
        self.producer.held_by_this_thread().is_some()
    }

    /// Counts a record of `level` as dropped.
    pub(crate) fn note_drop(&self, level: Level) {
        self.shared.drops.note(&self.shared.metrics, level);
    }

    /// Claims a slot by the full policy and fills it with `write`; counts a
    /// failure as a drop.
    #[inline]
    fn publish(&self, level: Level, write: impl FnOnce(&mut Record)) -> Result<(), LogError> {
        let result = if self.shared.policy.blocks(level) {
            self.producer.publish_with(write).map_err(|e| match e {
                PublishError::Closed(_) => LogError::Closed,
                // The ring is full and only this thread could make room: the
                // writer thread in a sink, or a call inside `Encode::encode`.
                PublishError::WouldDeadlock(_) => LogError::WouldDeadlock,
            })
        } else {
            self.producer.try_publish_with(write).map_err(|e| match e {
                TryPublishError::Full(_) => LogError::Dropped,
                TryPublishError::Closed(_) => LogError::Closed,
            })
        };
        if result.is_err() {
            self.note_drop(level);
        }
        result
    }

    /// [`log`](Logger::log) at [`Level::Error`].
    ///
    /// # Errors
    ///
    /// As for [`log`](Logger::log).
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-error-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.error("app", format_args!("disk {} failed", 2))?;
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn error(&self, target: &str, args: fmt::Arguments<'_>) -> Result<(), LogError> {
        self.log(Level::Error, target, args)
    }

    /// [`log`](Logger::log) at [`Level::Warn`].
    ///
    /// # Errors
    ///
    /// As for [`log`](Logger::log).
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-warn-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.warn("app", format_args!("retrying"))?;
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warn(&self, target: &str, args: fmt::Arguments<'_>) -> Result<(), LogError> {
        self.log(Level::Warn, target, args)
    }

    /// [`log`](Logger::log) at [`Level::Info`].
    ///
    /// # Errors
    ///
    /// As for [`log`](Logger::log).
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-info-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.info("app", format_args!("started"))?;
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn info(&self, target: &str, args: fmt::Arguments<'_>) -> Result<(), LogError> {
        self.log(Level::Info, target, args)
    }

    /// [`log`](Logger::log) at [`Level::Debug`].
    ///
    /// # Errors
    ///
    /// As for [`log`](Logger::log).
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-debug-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.debug("app", format_args!("state = {:?}", (1, 2)))?;
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn debug(&self, target: &str, args: fmt::Arguments<'_>) -> Result<(), LogError> {
        self.log(Level::Debug, target, args)
    }

    /// [`log`](Logger::log) at [`Level::Trace`].
    ///
    /// # Errors
    ///
    /// As for [`log`](Logger::log).
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-trace-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.trace("app", format_args!("entering"))?;
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trace(&self, target: &str, args: fmt::Arguments<'_>) -> Result<(), LogError> {
        self.log(Level::Trace, target, args)
    }

    /// Whether records of `level` pass for some target: the maximum level
    /// (with per-target [`filter`](crate::log::LoggerBuilder::filter)
    /// directives, the most verbose level any of them enables).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-enabled-{}.log", std::process::id()));
    /// let (logger, _guard) = LoggerBuilder::new(&path).max_level(Level::Info).build()?;
    /// assert!(logger.enabled(Level::Warn));
    /// assert!(!logger.enabled(Level::Debug));
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enabled(&self, level: Level) -> bool {
        self.shared.filter.level_enabled(level)
    }

    /// Whether a record of `level` for `target` is kept, by the maximum
    /// level and the per-target [`filter`](crate::log::LoggerBuilder::filter)
    /// directives.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-enabled-for-{}.log", std::process::id()));
    /// let (logger, _guard) = LoggerBuilder::new(&path).filter("warn,app::db=debug").build()?;
    /// assert!(logger.enabled_for(Level::Debug, "app::db::pool"));
    /// assert!(!logger.enabled_for(Level::Debug, "app::http"));
    /// assert!(logger.enabled_for(Level::Warn, "app::http"));
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enabled_for(&self, level: Level, target: &str) -> bool {
        self.shared.filter.enabled(level, target)
    }

    /// The most verbose level logged for some target; `None` if the filter
    /// keeps nothing (`off`).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-maxlevel-{}.log", std::process::id()));
    /// let (logger, _guard) = LoggerBuilder::new(&path).build()?;
    /// assert_eq!(logger.max_level(), Some(Level::Trace));
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_level(&self) -> Option<Level> {
        self.shared.filter.max_level()
    }

    /// Waits until every record whose log call returned before this call is
    /// written to the sink (and synced, under an fsync policy other than
    /// `Never`), for at most the builder's
    /// [`flush_timeout`](crate::log::LoggerBuilder::flush_timeout).
    ///
    /// # Errors
    ///
    /// See [`flush_timeout`](Logger::flush_timeout).
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-flush-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.info("app", format_args!("important"))?;
    /// logger.flush()?;
    /// assert!(std::fs::read_to_string(&path)?.contains("important"));
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flush(&self) -> Result<(), FlushError> {
        self.flush_timeout(self.shared.flush_timeout)
    }

    /// Like [`flush`](Logger::flush), with its own timeout.
    ///
    /// After shutdown it returns promptly: `Ok` if the writer thread drained
    /// the ring before exiting.
    ///
    /// # Errors
    ///
    /// [`FlushError::Timeout`] if the writer thread did not get there in
    /// time; [`FlushError::WouldDeadlock`] at once if the writer would have to
    /// wait for this call (called from the writer thread itself, say from a
    /// [`Sink`](crate::log::Sink), or inside
    /// [`Encode::encode`](crate::log::Encode::encode)); [`FlushError::WriterGone`] if it
    /// exited without draining; [`FlushError::WriteErrors`] if sink operations
    /// failed during the flush, or before it without a flush having reported
    /// them yet. Every failure is reported by at least the first flush to
    /// complete after it, but a flush on another thread may be the one that
    /// reports it: `Ok` means no unreported failure, not a per-caller proof.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-flusht-{}.log", std::process::id()));
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.info("app", format_args!("x"))?;
    /// logger.flush_timeout(Duration::from_secs(1))?;
    /// # drop(_guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flush_timeout(&self, timeout: Duration) -> Result<(), FlushError> {
        if self.would_wait_for_itself() {
            return Err(FlushError::WouldDeadlock);
        }
        let deadline = Instant::now().checked_add(timeout);
        let metrics = &self.shared.metrics;
        // Relaxed: a statistic; compared again after `wait`, whose Acquire
        // makes the writer's increments before completion visible. Failures
        // not yet reported by any flush count as well (see the docs).
        let errors_before = metrics
            .write_errors
            .load(Ordering::Relaxed)
            .min(self.shared.reported_errors.load(Ordering::Relaxed));
        let ticket = self.shared.flush.ticket();
        let mut write = move |record: &mut Record| record.start(Kind::Flush(ticket), Level::Info);
        let mut attempt = 0u32;
        loop {
            match self.producer.try_publish_with(write) {
                // Closed: the writer drains what was published and, on its
                // way out, completes every ticket; `wait` sees that.
                Ok(()) | Err(TryPublishError::Closed(_)) => break,
                Err(TryPublishError::Full(w)) => {
                    write = w;
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return Err(FlushError::Timeout);
                    }
                    // A full ring: the writer is busy; flush is not a hot path.
                    if attempt < 16 {
                        crate::sync::yield_now();
                    } else {
                        crate::sync::sleep(Duration::from_micros(100));
                    }
                    attempt = attempt.saturating_add(1);
                }
            }
        }
        self.shared.flush.wait(ticket, deadline)?;
        let errors_now = metrics.write_errors.load(Ordering::Relaxed);
        let errors = errors_now - errors_before;
        if errors > 0 {
            // Relaxed: bookkeeping of which failures were reported.
            self.shared
                .reported_errors
                .fetch_max(errors_now, Ordering::Relaxed);
            return Err(FlushError::WriteErrors(errors));
        }
        Ok(())
    }

    /// The logger's counters now.
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-m-{}.log", std::process::id()));
    /// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// logger.info("app", format_args!("x"))?;
    /// guard.shutdown()?;
    /// assert_eq!(logger.metrics().written, 1);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot()
    }

    /// Whether the logger has been shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-closed-{}.log", std::process::id()));
    /// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
    /// assert!(!logger.is_closed());
    /// drop(guard);
    /// assert!(logger.is_closed());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.producer.is_closed()
    }
}
