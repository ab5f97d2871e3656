//! Flush semantics: after `flush()` returns, every record logged before it is
//! in the file; a stuck writer makes flush time out with an error; an idle
//! writer flushes (and syncs by interval) without being asked.

use crate::common::with_deadline;
use crate::log_common::{temp_path, MemorySink};
use ringlog::log::{FlushError, FsyncPolicy, LoggerBuilder};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[test]
fn flush_returns_only_when_earlier_records_are_in_the_file() {
    with_deadline("flush_semantics", 120, || {
        let path = temp_path("flush");
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(256)
            // Long enough that an idle wake-up cannot be what makes it pass.
            .flush_interval(Duration::from_secs(30))
            .build()
            .unwrap();
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let logger = logger.clone();
                let path = path.clone();
                std::thread::spawn(move || {
                    for i in 0..300 {
                        // Background noise from the same thread.
                        for _ in 0..10 {
                            logger.debug("noise", format_args!("t{t} noise")).unwrap();
                        }
                        logger
                            .info("flush", format_args!("t{t} marker {i};"))
                            .unwrap();
                        logger.flush().unwrap();
                        let text = std::fs::read_to_string(&path).unwrap();
                        assert!(
                            text.contains(&format!("t{t} marker {i};\n")),
                            "t{t} marker {i} missing after flush"
                        );
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        guard.shutdown().unwrap();
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn flush_times_out_when_the_writer_is_stuck() {
    with_deadline("flush_timeout", 30, || {
        let sink = MemorySink::gated();
        let gate = sink.gate.clone();
        let (logger, guard) = LoggerBuilder::with_sink(sink).capacity(4).build().unwrap();
        logger.info("t", format_args!("held")).unwrap();
        gate.wait_entered(1);
        // The flush request is published, but the writer cannot reach it.
        let start = Instant::now();
        assert_eq!(
            logger.flush_timeout(Duration::from_millis(100)),
            Err(FlushError::Timeout)
        );
        // With the ring full the request cannot even be published.
        for i in 0..3 {
            logger.info("t", format_args!("fill {i}")).unwrap();
        }
        assert_eq!(
            logger.flush_timeout(Duration::from_millis(100)),
            Err(FlushError::Timeout)
        );
        assert!(start.elapsed() < Duration::from_secs(5));
        gate.open();
        logger.flush().unwrap();
        guard.shutdown().unwrap();
        // After shutdown, flush returns at once: everything was drained.
        let start = Instant::now();
        assert_eq!(logger.flush(), Ok(()));
        assert!(start.elapsed() < Duration::from_secs(1));
    });
}

#[test]
fn idle_writer_flushes_without_being_asked() {
    with_deadline("idle_flush", 30, || {
        // MemorySink makes written bytes visible only on `Sink::flush`.
        let sink = MemorySink::new();
        let visible = sink.visible.clone();
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .flush_interval(Duration::from_millis(20))
            .build()
            .unwrap();
        logger.info("t", format_args!("no flush call")).unwrap();
        let start = Instant::now();
        while !MemorySink::text(&visible).contains("no flush call") {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "record never appeared"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(guard);
    });
}

#[test]
fn idle_file_record_appears_within_the_interval() {
    with_deadline("idle_file", 30, || {
        let path = temp_path("idle");
        let (logger, guard) = LoggerBuilder::new(&path)
            .flush_interval(Duration::from_millis(20))
            .build()
            .unwrap();
        logger.info("t", format_args!("appears by itself")).unwrap();
        let start = Instant::now();
        while !std::fs::read_to_string(&path)
            .unwrap()
            .contains("appears by itself")
        {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "record never appeared"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(guard);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn interval_fsync_happens_on_idle_wake_ups() {
    with_deadline("interval_fsync", 30, || {
        let sink = MemorySink::new();
        let syncs = sink.syncs.clone();
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .flush_interval(Duration::from_millis(10))
            .fsync(FsyncPolicy::Every(Duration::from_millis(200)))
            .build()
            .unwrap();
        // Logged right after start: the batch itself is inside the first
        // interval, so the sync must come from an idle wake-up later.
        logger.info("t", format_args!("one")).unwrap();
        let start = Instant::now();
        while syncs.load(Ordering::Relaxed) == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "no interval fsync"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(logger.metrics().fsyncs, syncs.load(Ordering::Relaxed));
        // Nothing new written: no further syncs.
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(syncs.load(Ordering::Relaxed), 1);
        drop(guard);
    });
}
