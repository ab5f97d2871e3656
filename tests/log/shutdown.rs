//! Shutdown: the guard drains everything; afterwards log calls return at once
//! (counted as dropped); producers blocked on a full ring wake up; a stuck
//! writer makes shutdown time out instead of hanging.

use crate::common::with_deadline;
use crate::log_common::{temp_path, MemorySink};
use ringlog::log::{FullPolicy, Level, LogError, LoggerBuilder, ShutdownError};
use std::time::{Duration, Instant};

#[test]
fn dropping_the_guard_drains_everything() {
    with_deadline("guard_drains", 60, || {
        let path = temp_path("drain");
        let (logger, guard) = LoggerBuilder::new(&path).capacity(16).build().unwrap();
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let logger = logger.clone();
                std::thread::spawn(move || {
                    for i in 0..5000 {
                        logger.info("drain", format_args!("{t}:{i}")).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        drop(guard); // no flush()
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 15_000);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn logging_after_shutdown_returns_promptly_and_counts() {
    with_deadline("after_shutdown", 30, || {
        for policy in [FullPolicy::Block, FullPolicy::Drop] {
            let path = temp_path("after");
            let (logger, guard) = LoggerBuilder::new(&path)
                .capacity(2)
                .full_policy(policy)
                .build()
                .unwrap();
            logger.info("t", format_args!("before")).unwrap();
            guard.shutdown().unwrap();
            let start = Instant::now();
            for _ in 0..10_000 {
                assert_eq!(
                    logger.warn("t", format_args!("after")),
                    Err(LogError::Closed)
                );
            }
            assert_eq!(
                logger.log_raw(Level::Debug, b"raw\n"),
                Err(LogError::Closed)
            );
            assert!(start.elapsed() < Duration::from_secs(5));
            let m = logger.metrics();
            assert_eq!(
                (m.dropped_at(Level::Warn), m.dropped_at(Level::Debug)),
                (10_000, 1)
            );
            assert_eq!(m.written, 1);
            std::fs::remove_file(&path).unwrap();
        }
    });
}

#[test]
fn stuck_writer_times_out_and_blocked_producers_wake() {
    with_deadline("stuck_writer", 30, || {
        let sink = MemorySink::gated();
        let gate = sink.gate.clone();
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .capacity(2)
            .shutdown_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        logger.info("t", format_args!("held")).unwrap();
        gate.wait_entered(1);
        logger.info("t", format_args!("fill 1")).unwrap();
        logger.info("t", format_args!("fill 2")).unwrap();
        // These block: the ring is full and the policy is Block.
        let blocked: Vec<_> = (0..2)
            .map(|_| {
                let logger = logger.clone();
                std::thread::spawn(move || logger.error("t", format_args!("blocked")))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        assert_eq!(guard.shutdown(), Err(ShutdownError::Timeout));
        assert!(start.elapsed() < Duration::from_secs(5));
        for b in blocked {
            assert_eq!(b.join().unwrap(), Err(LogError::Closed));
        }
        assert_eq!(logger.metrics().dropped_at(Level::Error), 2);
        // Let the detached writer finish.
        gate.open();
    });
}
