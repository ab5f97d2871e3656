//! What every handle of one logger, and its writer thread, share.

use super::drops::DropTimes;
use super::filter::Filter;
use super::flush::FlushState;
use super::metrics::Metrics;
use super::policy::FullPolicy;
use crate::sync::AtomicU64;
use crossbeam_utils::CachePadded;
use std::sync::OnceLock;
use std::thread::ThreadId;
use std::time::Duration;

/// What every handle of one logger, and its writer thread, share.
///
/// Every log call reads `filter` and `policy`; the writer thread writes
/// `metrics` after every batch it writes, and `flush` when it completes a
/// flush request; callers that drop records write `drops`. The written
/// parts sit on cache lines of their own
/// ([`CachePadded`]): sharing a line with the filter, they made the first
/// call of every burst wait for that line to come back from the writer's
/// core (`burst_position ... macro spin`, 5 interleaved pairs: the first
/// call's median 160 ns before, 60 after; docs/benchmarks.md).
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) metrics: CachePadded<Metrics>,
    pub(crate) drops: CachePadded<DropTimes>,
    pub(crate) flush: CachePadded<FlushState>,
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
            metrics: CachePadded::new(Metrics::default()),
            drops: CachePadded::new(DropTimes::default()),
            flush: CachePadded::new(FlushState::default()),
            policy,
            filter,
            source_location: false,
            flush_timeout,
            writer_thread: OnceLock::new(),
            reported_errors: AtomicU64::new(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::filter::Filter;
    use std::ops::Range;
    use std::sync::Arc;

    /// The blocks of `CachePadded`'s alignment (128 bytes on x86_64: a
    /// cache line and the neighbour the adjacent-line prefetcher fetches
    /// with it) that `field` covers.
    fn blocks<T>(field: &T) -> Range<usize> {
        let block = std::mem::align_of::<CachePadded<u8>>();
        let start = field as *const T as usize;
        start / block..(start + std::mem::size_of::<T>()).div_ceil(block)
    }

    fn disjoint(a: &Range<usize>, b: &Range<usize>) -> bool {
        a.end <= b.start || b.end <= a.start
    }

    #[test]
    fn what_the_writer_writes_shares_no_line_with_what_every_call_reads() {
        let shared = Arc::new(Shared::new(
            FullPolicy::default(),
            Filter::up_to(crate::log::level::Level::Info),
            Duration::from_secs(1),
        ));
        let written = [
            blocks(&*shared.metrics),
            blocks(&*shared.flush),
            blocks(&*shared.drops),
        ];
        let read = [blocks(&shared.filter), blocks(&shared.policy)];
        for w in &written {
            for r in &read {
                assert!(disjoint(w, r), "written {w:?} and read {r:?} share a block");
            }
        }
    }
}
