//! The writer thread: the ring's consumer.
//!
//! It takes a run (the contiguous published records at the front of the
//! ring), renders every record of it into one reusable buffer, releases the
//! slots, and hands the buffer to the sink with one `write_run` call. At the
//! end of each batch it writes the drop report (if records were dropped
//! since the last one), flushes the sink, syncs by the fsync policy, and
//! completes the flush requests the run carried. When the ring stays empty
//! for the flush interval it wakes up (the consumer's park timeout) and does
//! the same end-of-batch work: drop report, sink flush, interval fsync.
//!
//! Records carry raw clock readings, converted to wall time here against an
//! anchor refreshed every second (`clock.rs`). Timestamps are clamped: a
//! record is shown with the larger of its own time
//! and the time of the line before it, so times in the file never decrease
//! (a producer descheduled between its claim and its clock read, a clock
//! stepped backwards, or a new anchor would otherwise make them). Raw (pre-formatted)
//! records carry their own time, which cannot be clamped.

use super::clock::WallClock;
use super::custom::CustomLine;
use super::drops::Reporter;
use super::format::{Format, Line, Location, Renderer};
use super::level::Level;
use super::lost::Lost;
use super::metrics::Metrics;
use super::policy::FsyncPolicy;
use super::record::{now_ns, Kind, Record};
use super::shared::Shared;
use super::sink::{Sink, SinkEvent};
use super::stderr_report::StderrReport;
use crate::error::ConsumeTimeoutError;
use crate::ring::{Consumer, ReadChunk};
use crate::sync::{Arc, Ordering};
use std::io;
use std::time::{Duration, Instant};

/// The bytes of lines after which a run is cut: the rest of the published
/// records form the next run. Bounds the writer's buffer (and the memory a
/// burst of large records leaves behind) while keeping writes large.
const RUN_BYTES: usize = 256 * 1024;

/// The capacity of the writer's buffer at the start.
const OUT_INITIAL: usize = 64 * 1024;

/// The largest buffer capacity kept after a run. A run is cut at
/// [`RUN_BYTES`], but its last record can be any size (a large spilled
/// message): such a buffer is freed once written.
const OUT_RETAIN: usize = 1024 * 1024;

/// A run rendered into `out` and released, to be written.
struct Rendered {
    /// Slots taken off the ring (lines and flush requests).
    records: u64,
    lines: u64,
    /// The largest flush ticket in the run (0: none).
    ticket: u64,
}

/// What `render_run` counts.
#[derive(Default)]
struct RunCount {
    taken: usize,
    lines: u64,
    ticket: u64,
}

/// How the writer thread renders, syncs and reports (from the builder).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WriterSettings {
    pub(crate) format: Format,
    pub(crate) fsync: FsyncPolicy,
    /// How long the writer sleeps on an empty ring before its idle wake-up.
    pub(crate) flush_interval: Duration,
    /// The shortest time between two stderr lines about one kind of failure.
    pub(crate) error_report_interval: Duration,
}

/// The consumer and everything the writer thread owns.
pub(crate) struct Worker {
    consumer: Consumer<Record>,
    flush_interval: Duration,
    state: State,
}

/// Everything but the consumer, so a run (borrowing the consumer) can be
/// processed by `&mut State`.
pub(crate) struct State {
    sink: Box<dyn Sink>,
    shared: Arc<Shared>,
    renderer: Renderer,
    /// One run's lines.
    out: Vec<u8>,
    /// Scratch space for the drop report.
    scratch: Vec<u8>,
    fsync: FsyncPolicy,
    /// Converts the records' raw stamps to wall time.
    clock: WallClock,
    /// The timestamp of the last line written (clamping).
    last_ns: u64,
    reporter: Reporter,
    last_sync: Instant,
    /// Something was written since the last sync.
    unsynced: bool,
    /// Sink failures on stderr, rate-limited.
    errors: StderrReport,
    /// Records lost to failed writes, not yet reported in the log.
    lost: Lost,
}

impl Worker {
    pub(crate) fn new(
        consumer: Consumer<Record>,
        sink: Box<dyn Sink>,
        shared: Arc<Shared>,
        settings: WriterSettings,
    ) -> Self {
        Self {
            consumer,
            flush_interval: settings.flush_interval,
            state: State::new(sink, shared, settings),
        }
    }

    /// The thread's body: runs until the ring is closed and drained.
    pub(crate) fn run(mut self) {
        let shared = Arc::clone(&self.state.shared);
        let _ = shared.writer_thread.set(std::thread::current().id());
        // Marks the writer gone even if it panics, so flush waiters return.
        let mut exit = ExitGuard {
            shared: &shared,
            drained: false,
        };
        // This thread is recorded as the ring's consumer for its whole life:
        // user code it calls (the sink; a deferred record's `decode` or
        // `Display` while rendering) that logs into the full ring gets
        // `LogError::WouldDeadlock` instead of waiting for this thread.
        let _held = self.consumer.hold();
        loop {
            match self.consumer.read_chunk_timeout(self.flush_interval) {
                Ok(chunk) => {
                    let run = self.state.render(chunk);
                    self.state.write_run(run);
                }
                Err(ConsumeTimeoutError::Timeout) => self.state.end_of_batch(0),
                Err(ConsumeTimeoutError::Closed) => break,
            }
        }
        self.state.on_close();
        exit.drained = true;
    }
}

struct ExitGuard<'a> {
    shared: &'a Shared,
    drained: bool,
}

impl Drop for ExitGuard<'_> {
    fn drop(&mut self) {
        self.shared.flush.exited(self.drained);
    }
}

impl State {
    pub(crate) fn new(sink: Box<dyn Sink>, shared: Arc<Shared>, settings: WriterSettings) -> Self {
        Self {
            sink,
            shared,
            renderer: Renderer::new(settings.format),
            out: Vec::with_capacity(OUT_INITIAL),
            scratch: Vec::new(),
            fsync: settings.fsync,
            clock: WallClock::new(),
            last_ns: 0,
            reporter: Reporter::default(),
            last_sync: Instant::now(),
            unsynced: false,
            errors: StderrReport::new(settings.error_report_interval),
            lost: Lost::default(),
        }
    }

    /// Renders the records at the front of `chunk` into `out`, up to
    /// [`RUN_BYTES`] of lines (at least one record), and releases them; the
    /// rest of the chunk is read again as the next run.
    fn render(&mut self, mut chunk: ReadChunk<'_, Record>) -> Rendered {
        self.clock.refresh_if_due();
        let (records, lines, ticket) = {
            let (head, tail) = chunk.as_mut_slices();
            self.render_run(head, tail)
        };
        // The lines are copied out: free the slots before the system call.
        chunk.commit(records);
        Rendered {
            records: records as u64,
            lines,
            ticket,
        }
    }

    /// Writes a rendered run with one sink call, then ends the batch.
    fn write_run(&mut self, run: Rendered) {
        let metrics = &self.shared.metrics;
        Metrics::add(&metrics.batches, 1);
        Metrics::add(&metrics.batched_slots, run.records);
        // Relaxed: a statistic.
        metrics
            .high_water_mark
            .fetch_max(run.records, Ordering::Relaxed);
        if !self.out.is_empty() {
            self.write_out(run.lines);
        }
        self.end_of_batch(run.ticket);
        if self.out.capacity() > OUT_RETAIN {
            // A burst of large records grew the buffer: give the memory back.
            self.out = Vec::with_capacity(OUT_INITIAL);
        }
    }

    /// Renders the records of `head` and then `tail` (a chunk's two
    /// slices) into `out` until it holds [`RUN_BYTES`] or more; returns the
    /// number of records taken, of lines rendered, and the largest flush
    /// ticket seen (0: none).
    ///
    /// Never inlined (it runs once per run): `benches/examples/writer_profile.rs`
    /// counts the writer's instructions per record under callgrind with
    /// `--toggle-collect` on this function.
    #[inline(never)]
    pub(crate) fn render_run(
        &mut self,
        head: &mut [Record],
        tail: &mut [Record],
    ) -> (usize, u64, u64) {
        self.out.clear();
        let mut run = RunCount::default();
        let source_location = self.shared.source_location;
        // Two plain loops, not a chained iterator: fewer instructions a record.
        for records in [head, tail] {
            for record in records {
                if self.out.len() >= RUN_BYTES {
                    return (run.taken, run.lines, run.ticket);
                }
                run.taken += 1;
                self.render_record(record, source_location, &mut run);
                record.recycle();
            }
        }
        (run.taken, run.lines, run.ticket)
    }

    /// Renders one record into `out` (flush requests only raise the ticket).
    #[inline(always)]
    fn render_record(&mut self, record: &Record, source_location: bool, run: &mut RunCount) {
        match record.kind {
            Kind::Deferred(deferred) => {
                let callsite = deferred.callsite;
                let location = source_location.then(|| Location {
                    file: callsite.file().as_bytes(),
                    line: callsite.line(),
                    module: callsite.module_path().as_bytes(),
                });
                // The message is the payload, rendered by the call site's
                // function.
                let line = self.line(record, callsite.target().as_bytes(), location);
                self.renderer
                    .render_deferred(&line, deferred.render, &mut self.out);
                run.lines += 1;
            }
            Kind::Log(_) => {
                let line = self.line(record, record.target(), None);
                self.renderer.render(&line, &mut self.out);
                run.lines += 1;
            }
            Kind::Raw => {
                self.out.extend_from_slice(record.message());
                run.lines += 1;
            }
            Kind::Custom(custom) => {
                let line = CustomLine {
                    timestamp_ns: self.clamp(self.clock.wall_ns(record.stamp)),
                    level: record.level,
                    thread_id: record.thread_id,
                    thread_name: record.thread_name.as_deref(),
                    context: custom.context,
                    payload: record.message(),
                };
                (custom.render)(&mut self.renderer, &line, &mut self.out);
                run.lines += 1;
            }
            Kind::Flush(t) => run.ticket = run.ticket.max(t),
        }
    }

    /// The line of a log or deferred record, with `target` and `location`.
    #[inline(always)]
    fn line<'r>(
        &mut self,
        record: &'r Record,
        target: &'r [u8],
        location: Option<Location<'r>>,
    ) -> Line<'r> {
        Line {
            timestamp_ns: self.clamp(self.clock.wall_ns(record.stamp)),
            level: record.level,
            thread_id: record.thread_id,
            thread_name: record.thread_name.as_deref(),
            target,
            message: record.message(),
            location,
            fields: &[],
        }
    }

    /// The time to show for a record stamped `ns`: never before the previous
    /// line's.
    fn clamp(&mut self, ns: u64) -> u64 {
        self.last_ns = self.last_ns.max(ns);
        self.last_ns
    }

    /// Writes `out` (holding `lines` records) with one call. If it fails,
    /// the records are counted as lost; once a write succeeds again, the
    /// loss is reported in the log.
    fn write_out(&mut self, lines: u64) {
        match self.sink.write_run(&self.out) {
            Ok(()) => {
                let metrics = &self.shared.metrics;
                Metrics::add(&metrics.written, lines);
                Metrics::add(&metrics.bytes_written, self.out.len() as u64);
                self.unsynced = true;
                self.poll_events();
                if self.lost.pending() {
                    self.report_lost();
                }
            }
            Err(e) => {
                Metrics::add(&self.shared.metrics.lost, lines);
                self.lost.note(lines, now_ns());
                self.sink_error("write", &e);
                self.poll_events();
            }
        }
    }

    /// Counts what the sink did besides writing (rotations, reopens, failed
    /// attempts at either).
    fn poll_events(&mut self) {
        while let Some(event) = self.sink.poll_event() {
            let metrics = &self.shared.metrics;
            match event {
                SinkEvent::Rotated => Metrics::add(&metrics.rotations, 1),
                SinkEvent::Reopened => Metrics::add(&metrics.reopens, 1),
                SinkEvent::Compressed => Metrics::add(&metrics.compressed, 1),
                SinkEvent::Failed { op, error } => self.sink_error(op, &error),
            }
        }
    }

    /// Writes `N records lost to log write errors between t1 and t2`; on
    /// success the loss is forgotten (it stays in the metrics).
    fn report_lost(&mut self) {
        self.lost.message(&mut self.renderer, &mut self.scratch);
        if self.write_notice() {
            self.lost.clear();
        }
    }

    /// After a run (or an idle wake-up, `ticket` 0): drop report, sink flush,
    /// fsync by policy, flush requests up to `ticket` completed.
    fn end_of_batch(&mut self, ticket: u64) {
        self.report_drops();
        if let Err(e) = self.sink.flush() {
            self.sink_error("flush", &e);
        }
        let sync_now = match self.fsync {
            FsyncPolicy::Never => false,
            FsyncPolicy::EveryBatch => true,
            // A flush request syncs too (see `FsyncPolicy`).
            FsyncPolicy::Every(interval) => ticket > 0 || self.last_sync.elapsed() >= interval,
        };
        if sync_now {
            self.sync();
        }
        self.poll_events();
        if ticket > 0 {
            self.shared.flush.complete(ticket);
        }
    }

    /// The ring is closed and drained: last report, flush and sync.
    fn on_close(&mut self) {
        if self.lost.pending() {
            self.report_lost();
        }
        self.end_of_batch(0);
        if self.fsync != FsyncPolicy::Never {
            self.sync();
        }
    }

    fn sync(&mut self) {
        if !self.unsynced {
            return;
        }
        match self.sink.sync() {
            Ok(()) => {
                Metrics::add(&self.shared.metrics.fsyncs, 1);
                self.unsynced = false;
            }
            Err(e) => self.sink_error("sync", &e),
        }
        self.last_sync = Instant::now();
    }

    /// Writes `N records dropped (LEVEL n, …) between t1 and t2` as a WARN
    /// line from target `ringlog` if records were dropped since the last
    /// report.
    fn report_drops(&mut self) {
        let shared = &self.shared;
        let Some(report) = self.reporter.take(&shared.metrics, &shared.drops) else {
            return;
        };
        report.message(&mut self.renderer, &mut self.scratch);
        self.write_notice();
    }

    /// Writes `scratch` as a WARN line from target `ringlog` (a report);
    /// returns whether the write succeeded.
    fn write_notice(&mut self) -> bool {
        let ts = self.clamp(now_ns());
        self.out.clear();
        let line = Line {
            timestamp_ns: ts,
            level: Level::Warn,
            thread_id: 0,
            thread_name: Some("ringlog"),
            target: b"ringlog",
            message: &self.scratch,
            location: None,
            fields: &[],
        };
        self.renderer.render(&line, &mut self.out);
        match self.sink.write_run(&self.out) {
            Ok(()) => {
                Metrics::add(&self.shared.metrics.bytes_written, self.out.len() as u64);
                self.unsynced = true;
                true
            }
            Err(e) => {
                self.sink_error("write", &e);
                false
            }
        }
    }

    /// Counts a sink failure and reports it on stderr, at most once per
    /// kind per interval (the log itself may be what is failing).
    fn sink_error(&mut self, what: &'static str, error: &io::Error) {
        Metrics::add(&self.shared.metrics.write_errors, 1);
        self.errors.report(what, error);
    }

    #[cfg(test)]
    pub(crate) fn out(&self) -> &[u8] {
        &self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::policy::FullPolicy;

    struct NullSink;
    impl Sink for NullSink {
        fn write_run(&mut self, _: &[u8]) -> io::Result<()> {
            Ok(())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
        fn sync(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn state() -> State {
        let shared = Arc::new(Shared::new(
            FullPolicy::Block,
            crate::log::filter::Filter::up_to(Level::Trace),
            Duration::from_secs(1),
        ));
        let settings = WriterSettings {
            format: Format::Text,
            fsync: FsyncPolicy::Never,
            flush_interval: Duration::from_millis(50),
            error_report_interval: Duration::from_secs(10),
        };
        let mut state = State::new(Box::new(NullSink), shared, settings);
        state.clock = WallClock::identity();
        state
    }

    /// The times in a rendered run, in file order.
    fn times(out: &[u8]) -> Vec<String> {
        String::from_utf8(out.to_vec())
            .unwrap()
            .lines()
            .map(|l| l.split(' ').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn timestamps_are_clamped_to_be_non_decreasing() {
        let mut state = state();
        // Claim order 1, 2, 3, but the second producer read the clock first.
        let mut records = [
            Record::for_test(Level::Info, 5_000, "t", "a"),
            Record::for_test(Level::Info, 3_000, "t", "b"),
            Record::for_test(Level::Info, 9_000, "t", "c"),
        ];
        let (taken, lines, ticket) = state.render_run(&mut records, &mut []);
        assert_eq!((taken, lines, ticket), (3, 3, 0));
        assert_eq!(
            times(state.out()),
            [
                "1970-01-01T00:00:00.000005000Z",
                "1970-01-01T00:00:00.000005000Z",
                "1970-01-01T00:00:00.000009000Z"
            ]
        );
        // The clamp carries across runs.
        let mut later = [Record::for_test(Level::Info, 1_000, "t", "d")];
        state.render_run(&mut later, &mut []);
        assert_eq!(times(state.out()), ["1970-01-01T00:00:00.000009000Z"]);
    }
}
