//! Disk full: writes to /dev/full fail with ENOSPC; a sink that returns
//! ENOSPC for a while and then recovers. Producers never block, every record
//! is either written or counted as lost, and the loss is reported in the log
//! once writing works again.

use crate::common::with_deadline;
use crate::log_common::{check_exactly_once_in_order, log_from_threads, SwitchableSink};
use ringlog::log::{FlushError, FullPolicy, LoggerBuilder, ShutdownError};
use std::io;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// ENOSPC on Linux; any error elsewhere.
fn enospc() -> io::Error {
    if cfg!(target_os = "linux") {
        io::Error::from_raw_os_error(28)
    } else {
        io::Error::other("no space left (test)")
    }
}

#[test]
#[cfg(target_os = "linux")]
fn dev_full_never_blocks_producers_and_counts_every_record_as_lost() {
    with_deadline("dev_full", 60, || {
        let (logger, guard) = LoggerBuilder::new("/dev/full")
            .capacity(4) // far fewer slots than records
            .full_policy(FullPolicy::Block)
            .error_report_interval(Duration::from_secs(3600))
            .build()
            .unwrap();
        log_from_threads(&logger, 4, 10_000);
        match logger.flush() {
            Err(FlushError::WriteErrors(n)) => assert!(n >= 1),
            other => panic!("{other:?}"),
        }
        let m = logger.metrics();
        assert_eq!((m.written, m.lost), (0, 40_000), "{m:?}");
        assert_eq!(m.dropped_total(), 0, "a write failure is not a drop");
        assert!(
            m.write_errors >= 1 && m.write_errors <= m.batches + 1,
            "{m:?}"
        );
        match guard.shutdown() {
            Err(ShutdownError::WriteErrors(n)) => assert!(n >= m.write_errors),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn a_full_disk_loses_counted_records_and_says_so_when_space_returns() {
    with_deadline("disk_fills_and_frees", 60, || {
        let disk = SwitchableSink::new(false, enospc);
        let (full, out) = (disk.failing.clone(), disk.out.clone());
        let (logger, guard) = LoggerBuilder::with_sink(disk)
            .capacity(8)
            .error_report_interval(Duration::from_secs(3600))
            .build()
            .unwrap();
        // Before: written.
        for i in 0..100 {
            logger.info("soak", format_args!("t0 {i}")).unwrap();
        }
        assert_eq!(logger.flush(), Ok(()));
        // Full: 500 records from 2 threads, all lost, none blocks.
        full.store(true, Ordering::SeqCst);
        let lost_logger = logger.clone();
        let t = std::thread::spawn(move || {
            for i in 0..250 {
                lost_logger.info("soak", format_args!("gone {i}")).unwrap();
            }
        });
        for i in 0..250 {
            logger.info("soak", format_args!("gone {i}")).unwrap();
        }
        t.join().unwrap();
        assert!(matches!(logger.flush(), Err(FlushError::WriteErrors(_))));
        let m = logger.metrics();
        assert_eq!((m.written, m.lost), (100, 500), "{m:?}");
        // Space again: the loss is reported first, then records flow.
        full.store(false, Ordering::SeqCst);
        for i in 100..200 {
            logger.info("soak", format_args!("t0 {i}")).unwrap();
        }
        assert_eq!(logger.flush(), Ok(()));
        drop(guard);
        let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("gone "), "no lost record was written");
        let reports: Vec<&str> = text.lines().filter(|l| l.contains(" ringlog: ")).collect();
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert!(
            reports[0].contains("WARN")
                && reports[0].contains("500 records lost to log write errors between"),
            "{}",
            reports[0]
        );
        // The report follows the first run written once space returned.
        let pos = |needle: &str| text.find(needle).unwrap();
        assert!(pos("t0 100\n") < pos("records lost"), "{text}");
        assert_eq!(check_exactly_once_in_order(text.lines(), 1, 200), 200);
        assert_eq!(logger.metrics().lost, 500, "the metric keeps the total");
    });
}
