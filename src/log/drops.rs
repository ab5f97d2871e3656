//! Accounting for dropped records, and the report line the writer thread
//! puts in the log.
//!
//! A producer that drops a record notes the time (`first` by `fetch_min`,
//! `last` by `fetch_max`) and then increments the per-level count with
//! `Release`. The writer thread reads the counts with `Acquire`, compares
//! them with what it already reported, and if they grew takes the times with
//! `swap`. Because each count increment is ordered after its time update, a
//! counted drop's time is visible to the swap that follows the count read, so
//! the reported interval contains every drop the report counts, except that
//! a drop racing with a report may have its time taken by that report and its
//! count by the next; the next report then uses the previous report's end as
//! both its start and end.

use super::format::{push_u64, Renderer};
use super::level::Level;
use super::metrics::Metrics;
use super::record::now_ns;
use crate::sync::{AtomicU64, Ordering};

/// Times of the drops not yet reported.
#[derive(Debug)]
pub(crate) struct DropTimes {
    /// Earliest unreported drop (ns since the epoch); `u64::MAX` if none.
    first: AtomicU64,
    /// Latest unreported drop; 0 if none.
    last: AtomicU64,
}

impl Default for DropTimes {
    fn default() -> Self {
        Self {
            first: AtomicU64::new(u64::MAX),
            last: AtomicU64::new(0),
        }
    }
}

impl DropTimes {
    /// Counts one dropped record of `level` (producer side).
    pub(crate) fn note(&self, metrics: &Metrics, level: Level) {
        let now = now_ns();
        // Relaxed: ordered before the reader's `swap`s by the Release
        // increment below (see the module docs).
        self.first.fetch_min(now, Ordering::Relaxed);
        self.last.fetch_max(now, Ordering::Relaxed);
        // Release: pairs with the Acquire load in `Reporter::take`, making the
        // time updates above visible to the report that counts this drop.
        metrics.dropped[level.index()].fetch_add(1, Ordering::Release);
    }
}

/// A drop report ready to render.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) by_level: [u64; 5],
    pub(crate) first_ns: u64,
    pub(crate) last_ns: u64,
}

impl Report {
    /// The number of records dropped.
    pub(crate) fn total(&self) -> u64 {
        self.by_level.iter().sum()
    }

    /// Replaces `out` with the report's message:
    /// `N records dropped (DEBUG a, TRACE b) between t1 and t2`.
    pub(crate) fn message(&self, renderer: &mut Renderer, out: &mut Vec<u8>) {
        out.clear();
        push_u64(self.total(), out);
        out.extend_from_slice(b" records dropped (");
        let mut first = true;
        for level in Level::ALL {
            let n = self.by_level[level.index()];
            if n > 0 {
                if !first {
                    out.extend_from_slice(b", ");
                }
                first = false;
                out.extend_from_slice(level.as_str().as_bytes());
                out.push(b' ');
                push_u64(n, out);
            }
        }
        out.extend_from_slice(b") between ");
        renderer.timestamp(self.first_ns, out);
        out.extend_from_slice(b" and ");
        renderer.timestamp(self.last_ns, out);
    }
}

/// The writer thread's side: what it has reported so far.
#[derive(Debug, Default)]
pub(crate) struct Reporter {
    reported: [u64; 5],
    /// End of the previous report, for a report whose times were taken
    /// earlier (see the module docs).
    previous_last: u64,
}

impl Reporter {
    /// The drops counted since the last report, if any.
    pub(crate) fn take(&mut self, metrics: &Metrics, times: &DropTimes) -> Option<Report> {
        let mut by_level = [0; 5];
        for (i, count) in metrics.dropped.iter().enumerate() {
            // Acquire: pairs with the Release increment in `DropTimes::note`.
            let now = count.load(Ordering::Acquire);
            by_level[i] = now - self.reported[i];
            self.reported[i] = now;
        }
        if by_level.iter().all(|&n| n == 0) {
            return None;
        }
        // Relaxed: ordered after the Acquire loads above (module docs).
        let first = times.first.swap(u64::MAX, Ordering::Relaxed);
        let last = times.last.swap(0, Ordering::Relaxed);
        let (first_ns, last_ns) = if first == u64::MAX {
            (self.previous_last, self.previous_last)
        } else {
            (first, last.max(first))
        };
        self.previous_last = last_ns;
        Some(Report {
            by_level,
            first_ns,
            last_ns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_only_new_drops() {
        let metrics = Metrics::default();
        let times = DropTimes::default();
        let mut reporter = Reporter::default();
        assert_eq!(reporter.take(&metrics, &times), None);
        times.note(&metrics, Level::Debug);
        times.note(&metrics, Level::Debug);
        times.note(&metrics, Level::Trace);
        let report = reporter.take(&metrics, &times).unwrap();
        assert_eq!(report.by_level, [0, 0, 0, 2, 1]);
        assert_eq!(report.total(), 3);
        assert!(report.first_ns <= report.last_ns && report.first_ns > 0);
        assert_eq!(reporter.take(&metrics, &times), None);
    }
}
