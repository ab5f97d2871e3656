//! Counters kept by the logger, readable while it runs.

use super::level::Level;
use crate::sync::{AtomicU64, Ordering};

/// The live counters. Every counter is a statistic: it publishes no other
/// memory, so its updates and reads are `Relaxed` unless a comment says
/// otherwise (the per-level drop counts pair with the drop report, see
/// `drops.rs`).
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub(crate) written: AtomicU64,
    pub(crate) dropped: [AtomicU64; 5],
    pub(crate) batches: AtomicU64,
    pub(crate) batched_slots: AtomicU64,
    pub(crate) high_water_mark: AtomicU64,
    pub(crate) write_errors: AtomicU64,
    pub(crate) fsyncs: AtomicU64,
    pub(crate) spilled: AtomicU64,
    pub(crate) bytes_written: AtomicU64,
    pub(crate) lost: AtomicU64,
    pub(crate) rotations: AtomicU64,
    pub(crate) reopens: AtomicU64,
    pub(crate) compressed: AtomicU64,
}

impl Metrics {
    /// Adds `n` to a counter (Relaxed: a statistic).
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> MetricsSnapshot {
        // Relaxed: statistics; a snapshot is not atomic across counters.
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            written: get(&self.written),
            dropped: [
                get(&self.dropped[0]),
                get(&self.dropped[1]),
                get(&self.dropped[2]),
                get(&self.dropped[3]),
                get(&self.dropped[4]),
            ],
            batches: get(&self.batches),
            batched_slots: get(&self.batched_slots),
            high_water_mark: get(&self.high_water_mark),
            write_errors: get(&self.write_errors),
            fsyncs: get(&self.fsyncs),
            spilled: get(&self.spilled),
            bytes_written: get(&self.bytes_written),
            lost: get(&self.lost),
            rotations: get(&self.rotations),
            reopens: get(&self.reopens),
            compressed: get(&self.compressed),
        }
    }
}

/// A copy of a logger's counters at one moment (each counter read
/// separately, so they may disagree by the records in flight).
///
/// # Examples
///
/// ```
/// use ringlog::log::{Level, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-metrics-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).build()?;
/// for i in 0..10 {
///     logger.info("doc", format_args!("record {i}")).unwrap();
/// }
/// logger.flush()?;
/// let m = logger.metrics();
/// assert_eq!(m.written, 10);
/// assert_eq!(m.dropped_total(), 0);
/// assert!(m.batches >= 1 && m.mean_batch_size() >= 1.0);
/// drop(guard);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Records (log and raw) handed to the sink by a successful write. Drop
    /// reports are not counted.
    pub written: u64,
    /// Records not logged, by level (index with [`Level::index`]): the ring
    /// was full under a dropping [`FullPolicy`](crate::log::FullPolicy), or
    /// the logger was shut down.
    pub dropped: [u64; 5],
    /// Runs taken from the ring (each written with one write).
    pub batches: u64,
    /// Slots in those runs, including flush requests.
    pub batched_slots: u64,
    /// The longest run taken at once: a lower bound of the ring's peak
    /// occupancy (every slot of a run was occupied when it was taken), capped
    /// by the batch limit.
    pub high_water_mark: u64,
    /// Failed writes, flushes or syncs of the sink, and failed rotations,
    /// reopens, compressions or removals of old files ([`SinkEvent::Failed`](crate::log::SinkEvent::Failed), which
    /// lose nothing). Records in a failed write are counted in
    /// [`lost`](MetricsSnapshot::lost).
    pub write_errors: u64,
    /// Successful syncs of the sink (fsync).
    pub fsyncs: u64,
    /// Records larger than the slot's inline buffer, which were spilled to
    /// the heap (see the [`log`](mod@crate::log) module docs).
    pub spilled: u64,
    /// Bytes handed to the sink by successful writes, drop reports included.
    pub bytes_written: u64,
    /// Records taken from the ring whose write failed: not in the sink
    /// (reported in the log once a write succeeds again). Not counted in
    /// `written` nor `dropped`.
    pub lost: u64,
    /// Rotations of the log file ([`Rotation`](crate::log::Rotation)).
    pub rotations: u64,
    /// Times the log file's path was reopened because the open file had
    /// been removed or moved away.
    pub reopens: u64,
    /// Rotated files compressed into archives
    /// ([`Rotation::compress`](crate::log::Rotation::compress)), counted
    /// when the writer thread next looks (after a write, or at its idle
    /// wake-up every flush interval).
    pub compressed: u64,
}

impl MetricsSnapshot {
    /// All dropped records, whatever their level.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = ringlog::log::MetricsSnapshot { dropped: [1, 0, 2, 0, 3], ..Default::default() };
    /// assert_eq!(m.dropped_total(), 6);
    /// ```
    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().sum()
    }

    /// The records of `level` dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, MetricsSnapshot};
    /// let m = MetricsSnapshot { dropped: [1, 0, 2, 0, 3], ..Default::default() };
    /// assert_eq!(m.dropped_at(Level::Trace), 3);
    /// ```
    pub fn dropped_at(&self, level: Level) -> u64 {
        self.dropped[level.index()]
    }

    /// Slots per run on average (0 before the first run).
    ///
    /// # Examples
    ///
    /// ```
    /// let m = ringlog::log::MetricsSnapshot { batches: 4, batched_slots: 10, ..Default::default() };
    /// assert_eq!(m.mean_batch_size(), 2.5);
    /// ```
    pub fn mean_batch_size(&self) -> f64 {
        if self.batches == 0 {
            0.0
        } else {
            self.batched_slots as f64 / self.batches as f64
        }
    }
}
