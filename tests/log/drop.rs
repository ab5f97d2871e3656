//! Full-ring policies: Drop counts per level and reports the drops in the log;
//! a per-level policy drops the verbose levels and blocks the severe ones.

use crate::common::with_deadline;
use crate::log_common::{parse_line, MemorySink};
use ringlog::log::{FullPolicy, Level, LogError, LoggerBuilder};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn drop_policy_counts_by_level_and_reports_in_the_log() {
    with_deadline("drop_policy_counts", 30, || {
        let sink = MemorySink::gated();
        let (gate, visible) = (sink.gate.clone(), sink.visible.clone());
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .capacity(8)
            .full_policy(FullPolicy::Drop)
            .build()
            .unwrap();
        // The writer takes this one and then waits at the gate in its write.
        logger.info("t", format_args!("first")).unwrap();
        gate.wait_entered(1);
        // The ring is empty again (slots are released before the write):
        // fill it, then everything else is dropped.
        for i in 0..8 {
            logger.info("t", format_args!("kept {i}")).unwrap();
        }
        let drops = [
            (Level::Error, 1),
            (Level::Info, 2),
            (Level::Debug, 3),
            (Level::Trace, 4),
        ];
        for (level, n) in drops {
            for _ in 0..n {
                assert_eq!(
                    logger.log(level, "t", format_args!("dropped")),
                    Err(LogError::Dropped)
                );
            }
        }
        assert_eq!(logger.metrics().dropped, [1, 0, 2, 3, 4]);
        gate.open();
        logger.flush().unwrap();

        let text = MemorySink::text(&visible);
        assert!(!text.contains("dropped\n"), "a dropped record was written");
        let lines: Vec<_> = text.lines().map(parse_line).collect();
        let kept: Vec<_> = lines
            .iter()
            .filter(|l| l.target == "t")
            .map(|l| &l.msg)
            .collect();
        let expected: Vec<String> = std::iter::once("first".to_string())
            .chain((0..8).map(|i| format!("kept {i}")))
            .collect();
        assert_eq!(kept, expected.iter().collect::<Vec<_>>());
        let reports: Vec<_> = lines.iter().filter(|l| l.target == "ringlog").collect();
        assert_eq!(reports.len(), 1, "{text}");
        let report = reports[0];
        assert_eq!(report.level, "WARN");
        let (head, times) = report.msg.split_once(" between ").unwrap();
        assert_eq!(
            head,
            "10 records dropped (ERROR 1, INFO 2, DEBUG 3, TRACE 4)"
        );
        let (t1, t2) = times.split_once(" and ").unwrap();
        assert!(t1.len() == 30 && t2.len() == 30 && t1 <= t2, "{times}");
        assert!(
            t1 >= lines[0].ts.as_str(),
            "drops happened after the first record"
        );

        drop(guard);
        assert_eq!(logger.metrics().dropped_total(), 10);
    });
}

#[test]
fn per_level_policy_drops_verbose_and_blocks_severe() {
    with_deadline("per_level_policy", 30, || {
        let sink = MemorySink::gated();
        let (gate, visible) = (sink.gate.clone(), sink.visible.clone());
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .capacity(4)
            .full_policy(FullPolicy::BlockAtOrAbove(Level::Warn))
            .build()
            .unwrap();
        logger.info("t", format_args!("first")).unwrap();
        gate.wait_entered(1);
        for i in 0..4 {
            logger.info("t", format_args!("fill {i}")).unwrap();
        }
        assert_eq!(logger.debug("t", format_args!("d")), Err(LogError::Dropped));
        assert_eq!(logger.info("t", format_args!("i")), Err(LogError::Dropped));

        let (done_tx, done_rx) = mpsc::channel();
        let blocked = {
            let logger = logger.clone();
            std::thread::spawn(move || {
                let result = logger.warn("t", format_args!("must not be lost"));
                done_tx.send(()).unwrap();
                result
            })
        };
        // The WARN waits for room while the writer is held at the gate.
        assert!(done_rx.recv_timeout(Duration::from_millis(200)).is_err());
        gate.open();
        done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        blocked.join().unwrap().unwrap();
        logger.flush().unwrap();
        let m = logger.metrics();
        assert_eq!(m.dropped, [0, 0, 1, 1, 0]);
        let text = MemorySink::text(&visible);
        assert!(text.contains("t: must not be lost\n"));
        assert!(text.contains("2 records dropped (INFO 1, DEBUG 1) between "));
        guard.shutdown().unwrap();
    });
}

/// Under a dropping policy a record refused for a full ring is not
/// formatted first: shedding load costs a check, not a message (found by
/// review, once formatting moved before the claim).
#[test]
fn a_record_dropped_on_a_full_ring_is_not_formatted() {
    with_deadline("drop_not_formatted", 30, || {
        let sink = MemorySink::gated();
        let gate = std::sync::Arc::clone(&sink.gate);
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .capacity(4)
            .full_policy(ringlog::log::FullPolicy::Drop)
            .build()
            .unwrap();
        // The writer takes one record and waits at the gate: the ring fills.
        logger.info("app", format_args!("first")).unwrap();
        gate.wait_entered(1);
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut dropped = 0;
        for _ in 0..100 {
            if logger.info(
                "app",
                format_args!(
                    "{}",
                    crate::log_common::Counted(std::sync::Arc::clone(&calls))
                ),
            ) == Err(ringlog::log::LogError::Dropped)
            {
                dropped += 1;
            }
        }
        gate.open();
        guard.shutdown().unwrap();
        assert!(dropped >= 90, "{dropped}");
        let formatted = calls.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            formatted <= 100 - dropped,
            "{formatted} messages formatted for {} records kept",
            100 - dropped
        );
    });
}
