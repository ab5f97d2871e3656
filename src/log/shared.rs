//! What every handle of one logger, and its writer thread, share.

use super::drops::DropTimes;
use super::filter::Filter;
use super::flush::FlushState;
use super::metrics::Metrics;
use super::policy::FullPolicy;
use crate::sync::AtomicU64;
use std::sync::OnceLock;
use std::thread::ThreadId;
use std::time::Duration;

/// What every handle of one logger, and its writer thread, share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) metrics: Metrics,
    pub(crate) drops: DropTimes,
    pub(crate) flush: FlushState,
    pub(crate) policy: FullPolicy,
    /// Which records are kept (levels, per-target directives).
    pub(crate) filter: Filter,
    /// Whether records carry their `file:line` (the builder's
    /// `source_location`).
    pub(crate) source_location: bool,
    /// The timeout of [`Logger::flush`](crate::log::Logger::flush).
    pub(crate) flush_timeout: Duration,
    /// The writer thread, which must not wait for itself.
    pub(crate) writer_thread: OnceLock<ThreadId>,
    /// Sink failures up to this count have been reported by a flush.
    pub(crate) reported_errors: AtomicU64,
}

impl Shared {
    /// Fresh state: no records, drops, flushes or errors yet.
    pub(crate) fn new(policy: FullPolicy, filter: Filter, flush_timeout: Duration) -> Self {
        Self {
            metrics: Metrics::default(),
            drops: DropTimes::default(),
            flush: FlushState::default(),
            policy,
            filter,
            source_location: false,
            flush_timeout,
            writer_thread: OnceLock::new(),
            reported_errors: AtomicU64::new(0),
        }
    }
}
