//! Logging from inside logging never wedges the logger (docs/design.md,
//! "Logging from inside logging"): a `Display` argument that logs, flushes or
//! shuts the logger down, and a `Sink` that logs, flushes or shuts down. Each
//! returns promptly, and every record is either written or counted as
//! dropped. (The panic hook cases are in `tests/process/reentrant.rs`: the
//! hook is process-wide.)

use crate::common::with_deadline;
use crate::log_common::{messages, temp_path};
use ringlog::log::{
    Encode, FlushError, LogError, LogGuard, Logger, LoggerBuilder, ShutdownError, Sink,
};
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Logs `inner` records through the same logger while being formatted.
struct LogsWhileFormatted<'a> {
    logger: &'a Logger,
    i: u64,
}

impl fmt::Display for LogsWhileFormatted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let logged = self.logger.info("inner", format_args!("inner {}", self.i));
        assert_eq!(logged, Ok(()), "the nested call is written, not dropped");
        write!(f, "outer {}", self.i)
    }
}

#[test]
fn a_display_that_logs_is_written_before_its_outer_record() {
    with_deadline("reentrant_display_logs", 60, || {
        let path = temp_path("reentrant-display");
        // Two slots: were the outer call formatting inside its claim, the
        // inner one would find the ring full behind it and wait forever.
        let (logger, guard) = LoggerBuilder::new(&path).capacity(2).build().unwrap();
        for i in 0..2000 {
            let arg = LogsWhileFormatted { logger: &logger, i };
            logger.info("outer", format_args!("{arg}")).unwrap();
        }
        guard.shutdown().unwrap();
        let lines = messages(&path);
        assert_eq!(lines.len(), 4000);
        for (i, pair) in lines.chunks(2).enumerate() {
            assert_eq!(pair[0], format!("inner: inner {i}"));
            assert_eq!(pair[1], format!("outer: outer {i}"));
        }
        std::fs::remove_file(&path).unwrap();
    });
}

/// A sink that takes `delay` per write (a slow disk).
struct SlowSink {
    delay: Duration,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Sink for SlowSink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        std::thread::sleep(self.delay);
        self.bytes.lock().unwrap().extend_from_slice(bytes);
        Ok(())
    }
}

#[test]
fn displays_that_log_on_four_threads_with_a_slow_sink_do_not_wedge() {
    with_deadline("reentrant_display_threads", 90, || {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = SlowSink {
            delay: Duration::from_millis(1),
            bytes: Arc::clone(&bytes),
        };
        // The default capacity; the slow sink keeps it full.
        let (logger, guard) = LoggerBuilder::with_sink(sink).build().unwrap();
        let per_thread = 5_000;
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let logger = logger.clone();
                std::thread::spawn(move || {
                    for i in 0..per_thread {
                        let arg = LogsWhileFormatted { logger: &logger, i };
                        logger.info("outer", format_args!("{arg}")).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        guard.shutdown().unwrap();
        let text = String::from_utf8(bytes.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count() as u64, 4 * 2 * per_thread);
        assert_eq!(logger.metrics().dropped_total(), 0);
    });
}

/// A `Display` that runs `action` with the logger while being formatted.
struct Calls<F: Fn()>(F);

impl<F: Fn()> fmt::Display for Calls<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)();
        f.write_str("formatted")
    }
}

#[test]
fn a_display_that_flushes_returns_at_once_with_earlier_records_written() {
    with_deadline("reentrant_display_flushes", 60, || {
        let path = temp_path("reentrant-flush");
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(2)
            .flush_timeout(Duration::MAX)
            .build()
            .unwrap();
        logger.info("app", format_args!("earlier")).unwrap();
        let started = Instant::now();
        let arg = Calls(|| {
            assert_eq!(logger.flush(), Ok(()));
            assert!(std::fs::read_to_string(&path).unwrap().contains("earlier"));
        });
        logger.info("app", format_args!("{arg}")).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        guard.shutdown().unwrap();
        assert_eq!(messages(&path), ["app: earlier", "app: formatted"]);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn a_display_that_drops_the_guard_shuts_down_at_once() {
    with_deadline("reentrant_display_shutdown", 60, || {
        let path = temp_path("reentrant-shutdown");
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(2)
            .shutdown_timeout(Duration::MAX)
            .build()
            .unwrap();
        logger.info("app", format_args!("earlier")).unwrap();
        let guard = Mutex::new(Some(guard));
        let started = Instant::now();
        let arg = Calls(|| {
            let guard = guard.lock().unwrap().take().unwrap();
            assert_eq!(guard.shutdown(), Ok(()));
        });
        // The logger is shut down by the time the record would be claimed.
        assert_eq!(
            logger.info("app", format_args!("{arg}")),
            Err(LogError::Closed)
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(messages(&path), ["app: earlier"]);
        assert_eq!(logger.metrics().dropped_total(), 1);
        std::fs::remove_file(&path).unwrap();
    });
}

/// A sink that calls back into its own logger on every write: it logs
/// `records_per_write` records, and optionally flushes or drops the guard.
struct CallsBack {
    logger: Arc<Mutex<Option<Logger>>>,
    guard: Arc<Mutex<Option<LogGuard>>>,
    records_per_write: u64,
    flush: bool,
    /// What each call back returned, and how long it took.
    outcomes: Arc<Mutex<Vec<(String, Duration)>>>,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl CallsBack {
    fn new(records_per_write: u64, flush: bool) -> Self {
        Self {
            logger: Arc::new(Mutex::new(None)),
            guard: Arc::new(Mutex::new(None)),
            records_per_write,
            flush,
            outcomes: Arc::new(Mutex::new(Vec::new())),
            bytes: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn share(&self) -> Self {
        Self {
            logger: Arc::clone(&self.logger),
            guard: Arc::clone(&self.guard),
            records_per_write: self.records_per_write,
            flush: self.flush,
            outcomes: Arc::clone(&self.outcomes),
            bytes: Arc::clone(&self.bytes),
        }
    }

    fn outcome(&self, what: String, took: Duration) {
        self.outcomes.lock().unwrap().push((what, took));
    }

    fn set_logger(&self, logger: Option<Logger>) {
        *self.logger.lock().unwrap() = logger;
    }
}

impl Sink for CallsBack {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes.lock().unwrap().extend_from_slice(bytes);
        let Some(logger) = self.logger.lock().unwrap().clone() else {
            return Ok(());
        };
        for i in 0..self.records_per_write {
            let started = Instant::now();
            if let Err(e) = logger.info("sink", format_args!("sink note {i}")) {
                self.outcome(format!("log: {e:?}"), started.elapsed());
            }
        }
        if self.flush {
            let started = Instant::now();
            let result = logger.flush();
            self.outcome(format!("flush: {result:?}"), started.elapsed());
        }
        let guard = self.guard.lock().unwrap().take();
        if let Some(guard) = guard {
            let started = Instant::now();
            let result = guard.shutdown();
            self.outcome(format!("shutdown: {result:?}"), started.elapsed());
        }
        Ok(())
    }
}

#[test]
fn a_sink_that_logs_never_waits_for_its_own_ring() {
    with_deadline("reentrant_sink_logs", 60, || {
        // Each write logs 8 records into a 4-slot ring: the writer would
        // wait for room only it can make.
        let sink = CallsBack::new(8, false);
        let view = sink.share();
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .capacity(4)
            .flush_interval(Duration::from_millis(5))
            .build()
            .unwrap();
        view.set_logger(Some(logger.clone()));
        let total = 1_000;
        for i in 0..total {
            logger.info("app", format_args!("app {i}")).unwrap();
        }
        logger.flush().unwrap();
        // Stop the feedback loop (each write logs more) before shutting down.
        view.set_logger(None);
        guard.shutdown().unwrap();
        let metrics = logger.metrics();
        let outcomes = view.outcomes.lock().unwrap();
        let would_deadlock = format!("log: {:?}", LogError::WouldDeadlock);
        let closed = format!("log: {:?}", LogError::Closed);
        let refused = outcomes.iter().filter(|o| o.0 == would_deadlock).count();
        assert!(refused > 0, "the ring never filled: {outcomes:?}");
        for (outcome, took) in outcomes.iter() {
            // Closed: a write that raced with the shutdown.
            assert!(
                *outcome == would_deadlock || *outcome == closed,
                "{outcome}"
            );
            assert!(*took < Duration::from_secs(1), "{outcome} took {took:?}");
        }
        let text = String::from_utf8(view.bytes.lock().unwrap().clone()).unwrap();
        // Every app record is written; each of the sink's own records is
        // written or counted as dropped, and the drops are reported in the
        // log.
        assert_eq!(text.matches("app: app ").count(), total);
        let sink_written = text.matches("sink: sink note").count() as u64;
        assert_eq!(metrics.dropped_total(), outcomes.len() as u64);
        assert_eq!(metrics.written, total as u64 + sink_written);
        assert!(
            text.contains("records dropped"),
            "no drop report in the log"
        );
    });
}

#[test]
fn a_sink_that_flushes_or_drops_the_guard_returns_at_once() {
    with_deadline("reentrant_sink_shutdown", 60, || {
        let sink = CallsBack::new(0, true);
        let view = sink.share();
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .flush_timeout(Duration::MAX)
            .shutdown_timeout(Duration::MAX)
            .build()
            .unwrap();
        view.set_logger(Some(logger.clone()));
        *view.guard.lock().unwrap() = Some(guard);
        logger.info("app", format_args!("first")).unwrap();
        // The writer shuts itself down from inside the sink, then drains.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !logger.is_closed() {
            assert!(Instant::now() < deadline, "the sink's shutdown never ran");
            std::thread::sleep(Duration::from_millis(5));
        }
        view.set_logger(None);
        let outcomes = view.outcomes.lock().unwrap().clone();
        let flush = format!("flush: {:?}", Err::<(), _>(FlushError::WouldDeadlock));
        let shutdown = format!("shutdown: {:?}", Err::<(), _>(ShutdownError::WouldDeadlock));
        assert_eq!(outcomes[0].0, flush, "{outcomes:?}");
        assert_eq!(outcomes[1].0, shutdown, "{outcomes:?}");
        for (outcome, took) in &outcomes {
            assert!(
                *took < Duration::from_millis(500),
                "{outcome} took {took:?}"
            );
        }
        assert!(String::from_utf8(view.bytes.lock().unwrap().clone())
            .unwrap()
            .contains("app: first"));
    });
}

/// What each flush returned, and how long it took.
type Outcomes = Arc<Mutex<Vec<(Result<(), FlushError>, Duration)>>>;

/// An `Encode` value whose `encode` flushes a logger and records the result.
struct FlushesInEncode {
    logger: Logger,
    outcomes: Outcomes,
}

impl fmt::Display for FlushesInEncode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("flushes")
    }
}

impl Encode for FlushesInEncode {
    type Decoded<'a> = u8;
    fn encoded_len(&self) -> usize {
        1
    }
    fn encode(&self, buf: &mut [u8]) {
        let started = Instant::now();
        let result = self.logger.flush();
        self.outcomes
            .lock()
            .unwrap()
            .push((result, started.elapsed()));
        buf[0] = 7;
    }
    fn decode(buf: &[u8]) -> u8 {
        buf[0]
    }
}

/// A sink that, on each write, logs into a second logger `b` through the
/// macro with a `FlushesInEncode` argument.
struct LogsIntoB {
    b: Arc<Mutex<Option<FlushesInEncode>>>,
}

impl Sink for LogsIntoB {
    fn write_run(&mut self, _bytes: &[u8]) -> io::Result<()> {
        if let Some(value) = self.b.lock().unwrap().take() {
            let b = value.logger.clone();
            ringlog::info!(logger: &b, "from A's sink {}", value);
        }
        Ok(())
    }
}

/// The writer thread of logger A holds A's ring for its whole life; a claim
/// its sink makes in logger B's ring must still be seen: `Encode::encode`
/// flushing B returns `WouldDeadlock` at once there too, as it does on an
/// ordinary thread (found by review: it waited out B's flush timeout).
#[test]
fn an_encode_flushing_its_logger_from_another_loggers_sink_returns_at_once() {
    with_deadline("reentrant_encode_flush_from_sink", 60, || {
        let (b, b_guard) = LoggerBuilder::new(temp_path("reentrant-b"))
            .flush_timeout(Duration::from_secs(3))
            .build()
            .unwrap();
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        let value = || FlushesInEncode {
            logger: b.clone(),
            outcomes: Arc::clone(&outcomes),
        };
        // On an ordinary thread: refused at once.
        ringlog::info!(logger: &b, "direct {}", value());
        let direct = outcomes.lock().unwrap()[0];
        assert_eq!(direct.0, Err(FlushError::WouldDeadlock), "{direct:?}");
        // From logger A's sink (A's writer thread).
        let slot = Arc::new(Mutex::new(Some(value())));
        let (a, a_guard) = LoggerBuilder::with_sink(LogsIntoB {
            b: Arc::clone(&slot),
        })
        .build()
        .unwrap();
        a.info("app", format_args!("wake A's writer")).unwrap();
        a.flush_timeout(Duration::from_secs(20)).unwrap();
        let via_sink = outcomes.lock().unwrap()[1];
        a_guard.shutdown().unwrap();
        b_guard.shutdown().unwrap();
        assert_eq!(via_sink.0, Err(FlushError::WouldDeadlock), "{via_sink:?}");
        assert!(via_sink.1 < Duration::from_millis(500), "{via_sink:?}");
    });
}
