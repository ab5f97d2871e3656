//! The log file removed or moved away (logrotate's `create` mode) while the
//! logger runs: the writer notices and reopens the path. Nothing is lost or
//! duplicated when the file is moved; when it cannot be reopened, the
//! records are counted as lost and reported once it can.

use crate::common::with_deadline;
use crate::log_common::{check_exactly_once_in_order, temp_dir};
use ringlog::log::{FlushError, LoggerBuilder};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn a_removed_file_is_recreated() {
    with_deadline("reopen_removed", 30, || {
        let dir = temp_dir("reopen-removed");
        let path = dir.join("app.log");
        // No periodic check: the check after each write notices removal.
        let (logger, guard) = LoggerBuilder::new(&path)
            .reopen_check(Duration::from_secs(3600))
            .build()
            .unwrap();
        logger.info("a", format_args!("before")).unwrap();
        logger.flush().unwrap();
        std::fs::remove_file(&path).unwrap();
        for i in 0..100 {
            logger.info("soak", format_args!("t0 {i}")).unwrap();
        }
        logger.flush().unwrap();
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(check_exactly_once_in_order(text.lines(), 1, 100), 100);
        let m = logger.metrics();
        assert_eq!(
            (m.reopens, m.lost, m.write_errors, m.written),
            (1, 0, 0, 101)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn a_moved_file_keeps_its_records_and_new_ones_go_to_the_path() {
    with_deadline("reopen_moved", 30, || {
        let dir = temp_dir("reopen-moved");
        let path = dir.join("app.log");
        let moved = dir.join("app.log.old");
        let (logger, guard) = LoggerBuilder::new(&path)
            .reopen_check(Duration::ZERO)
            .build()
            .unwrap();
        for i in 0..50 {
            logger.info("soak", format_args!("t0 {i}")).unwrap();
        }
        logger.flush().unwrap();
        std::fs::rename(&path, &moved).unwrap();
        for i in 0..50 {
            logger.info("soak", format_args!("t1 {i}")).unwrap();
        }
        guard.shutdown().unwrap();
        let old = std::fs::read_to_string(&moved).unwrap();
        let new = std::fs::read_to_string(&path).unwrap();
        assert!(old.lines().all(|l| l.contains(" t0 ")), "{old}");
        assert!(new.lines().all(|l| l.contains(" t1 ")), "{new}");
        assert_eq!(
            check_exactly_once_in_order(old.lines().chain(new.lines()), 2, 50),
            100
        );
        assert_eq!(logger.metrics().reopens, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

/// logrotate running over and over while four threads log: the records are
/// split over the moved files and the live one, each exactly once and in
/// order per thread.
#[test]
fn repeated_logrotate_while_logging_loses_and_duplicates_nothing() {
    with_deadline("reopen_logrotate", 60, || {
        let dir = temp_dir("reopen-logrotate");
        let path = dir.join("app.log");
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(256)
            .reopen_check(Duration::from_millis(1))
            .build()
            .unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let rotator = {
            let (done, dir, path) = (done.clone(), dir.clone(), path.clone());
            std::thread::spawn(move || {
                let mut n = 0u32;
                while !done.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(3));
                    if path.exists() {
                        n += 1;
                        std::fs::rename(&path, dir.join(format!("moved.{n:05}"))).unwrap();
                    }
                }
                n
            })
        };
        crate::log_common::log_from_threads(&logger, 4, 25_000);
        done.store(true, Ordering::SeqCst);
        let moves = rotator.join().unwrap();
        guard.shutdown().unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("moved."))
            .collect();
        files.sort();
        files.push("app.log".into());
        let text: String = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(dir.join(f)).ok())
            .collect();
        assert_eq!(
            check_exactly_once_in_order(text.lines(), 4, 25_000),
            100_000
        );
        let m = logger.metrics();
        assert!(moves >= 1 && m.reopens >= 1, "moves {moves}, {m:?}");
        assert_eq!((m.lost, m.write_errors), (0, 0));
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
#[cfg(unix)]
fn a_file_that_cannot_be_recreated_loses_counted_records_until_it_can() {
    with_deadline("reopen_no_dir", 30, || {
        let dir = temp_dir("reopen-nodir");
        let logs = dir.join("logs");
        std::fs::create_dir(&logs).unwrap();
        let path = logs.join("app.log");
        let (logger, guard) = LoggerBuilder::new(&path)
            .reopen_check(Duration::from_secs(3600)) // a failed write checks anyway
            .error_report_interval(Duration::from_secs(3600))
            .build()
            .unwrap();
        logger.info("soak", format_args!("t0 0")).unwrap();
        logger.flush().unwrap();
        // The file and its directory go away. Each run's write succeeds into
        // the removed file; the check after it sees the file has no name,
        // fails to reopen the path, and reports the run as failed.
        std::fs::remove_dir_all(&logs).unwrap();
        for i in 1..51 {
            logger.info("soak", format_args!("t0 {i}")).unwrap();
        }
        let flushed = logger.flush();
        let m = logger.metrics();
        assert!(
            matches!(flushed, Err(FlushError::WriteErrors(_))),
            "{flushed:?} {m:?}"
        );
        assert_eq!((m.lost, m.written), (50, 1), "{m:?}");
        let lost = m.lost;
        std::fs::create_dir(&logs).unwrap();
        for i in 51..100 {
            logger.info("soak", format_args!("t0 {i}")).unwrap();
        }
        logger.flush().unwrap();
        drop(guard);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("ringlog: {lost} records lost to log write errors")),
            "{text}"
        );
        let kept: Vec<&str> = text.lines().filter(|l| !l.contains(" ringlog: ")).collect();
        assert_eq!(kept.len(), 49, "{text}");
        assert!(kept[0].ends_with("soak: t0 51"));
        assert_eq!(logger.metrics().reopens, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}
