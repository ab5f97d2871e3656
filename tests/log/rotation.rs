//! Rotation by size and by time, the number of files kept, and a failing
//! rotation: every record in exactly one file, in order, never split.

use crate::common::with_deadline;
use crate::log_common::{check_exactly_once_in_order, files_in_order, log_from_threads, temp_dir};
use ringlog::log::{FlushError, LogBuildError, LoggerBuilder, Naming, Rotation, Sink};
use std::time::{Duration, SystemTime};

fn read_all(files: &[std::path::PathBuf]) -> String {
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

#[test]
fn size_rotation_keeps_every_record_once_and_whole() {
    with_deadline("rotation_size", 60, || {
        let dir = temp_dir("rot-size");
        let path = dir.join("app.log");
        let max = 2000;
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(64)
            .max_batch(16) // a run (≤ 16 lines of < 100 bytes) fits in a file
            .rotation(Rotation::size(max).keep(10_000))
            .build()
            .unwrap();
        log_from_threads(&logger, 2, 5000);
        guard.shutdown().unwrap();
        let m = logger.metrics();
        let files = files_in_order(&path);
        assert_eq!(files.len() as u64, m.rotations + 1, "{m:?}");
        assert!(m.rotations > 10, "{m:?}");
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            assert!(!text.is_empty() && text.ends_with('\n'), "{f:?}");
            assert!(text.len() as u64 <= max, "{f:?}: {} bytes", text.len());
        }
        let text = read_all(&files);
        assert_eq!(check_exactly_once_in_order(text.lines(), 2, 5000), 10_000);
        assert_eq!((m.written, m.lost, m.write_errors), (10_000, 0, 0));
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn only_keep_files_are_kept_and_they_hold_the_newest_records() {
    with_deadline("rotation_keep", 60, || {
        for keep in [0usize, 3] {
            let dir = temp_dir("rot-keep");
            let path = dir.join("app.log");
            let (logger, guard) = LoggerBuilder::new(&path)
                .capacity(16)
                .max_batch(4)
                .rotation(Rotation::size(1000).keep(keep))
                .build()
                .unwrap();
            for i in 0..2000 {
                logger.info("keep", format_args!("{i}")).unwrap();
            }
            guard.shutdown().unwrap();
            let files = files_in_order(&path);
            assert_eq!(files.len(), keep + 1, "keep {keep}: {files:?}");
            let mut extra = path.as_os_str().to_owned();
            extra.push(format!(".{}", keep + 1));
            assert!(!std::path::Path::new(&extra).exists());
            // What is kept is a contiguous run of the newest records.
            let numbers: Vec<u64> = read_all(&files)
                .lines()
                .map(|l| crate::log_common::parse_line(l).msg.parse().unwrap())
                .collect();
            assert_eq!(*numbers.last().unwrap(), 1999);
            let first = numbers[0];
            assert!(first > 0, "older records were removed");
            assert_eq!(numbers, (first..2000).collect::<Vec<_>>(), "keep {keep}");
            assert!(logger.metrics().rotations as usize > keep);
            std::fs::remove_dir_all(&dir).unwrap();
        }
    });
}

#[test]
fn time_rotation_starts_a_new_file_each_period() {
    with_deadline("rotation_time", 30, || {
        let dir = temp_dir("rot-time");
        let path = dir.join("app.log");
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::every(Duration::from_secs(1)))
            .build()
            .unwrap();
        let second = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        let mut periods = Vec::new();
        for i in 0..3 {
            let before = second(SystemTime::now());
            logger.info("time", format_args!("{i}")).unwrap();
            logger.flush().unwrap();
            let after = second(SystemTime::now());
            periods.push((before, after));
            std::thread::sleep(Duration::from_millis(1100));
        }
        guard.shutdown().unwrap();
        // Each record was written in a later second than the one before, so
        // each is alone in its file.
        let files = files_in_order(&path);
        assert_eq!(files.len(), 3, "{files:?} {periods:?}");
        for (i, f) in files.iter().enumerate() {
            let text = std::fs::read_to_string(f).unwrap();
            assert_eq!(text.lines().count(), 1);
            assert!(text.ends_with(&format!("time: {i}\n")), "{text}");
        }
        assert_eq!(logger.metrics().rotations, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn a_file_from_an_earlier_day_is_rotated_at_the_first_write() {
    with_deadline("rotation_restart", 30, || {
        let dir = temp_dir("rot-restart");
        let path = dir.join("app.log");
        std::fs::write(&path, "yesterday\n").unwrap();
        let yesterday = SystemTime::now() - Duration::from_secs(2 * 86_400);
        crate::log_common::set_mtime(&path, yesterday);
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::daily())
            .build()
            .unwrap();
        logger.info("app", format_args!("today")).unwrap();
        guard.shutdown().unwrap();
        let mut old = path.as_os_str().to_owned();
        old.push(".1");
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "yesterday\n");
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("app: today\n"));
        assert_eq!(logger.metrics().rotations, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn a_file_from_an_earlier_day_gets_that_days_dated_name() {
    with_deadline("rotation_dated_restart", 30, || {
        let dir = temp_dir("rot-dated");
        let path = dir.join("app.log");
        std::fs::write(&path, "then\n").unwrap();
        // 2026-11-21T12:00:00Z.
        let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_262_400);
        crate::log_common::set_mtime(&path, then);
        // A file of that day already exists: the name takes `.1`.
        std::fs::write(dir.join("app.2026-11-21.log"), "before\n").unwrap();
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::daily().naming(Naming::Dated))
            .build()
            .unwrap();
        logger.info("app", format_args!("today")).unwrap();
        guard.shutdown().unwrap();
        assert_eq!(logger.metrics().rotations, 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("app.2026-11-21.1.log")).unwrap(),
            "then\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("app.2026-11-21.log")).unwrap(),
            "before\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

/// logrotate's `copytruncate` empties the file under the sink: the size
/// that triggers rotation is the file's, not the sink's count of what it
/// wrote.
#[test]
fn size_rotation_follows_a_file_truncated_under_the_sink() {
    with_deadline("rotation_truncated", 30, || {
        let dir = temp_dir("rot-truncated");
        let path = dir.join("app.log");
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::size(10_000))
            .build()
            .unwrap();
        let line = "x".repeat(100);
        for _ in 0..60 {
            logger.info("t", format_args!("{line}")).unwrap();
        }
        logger.flush().unwrap();
        let written = std::fs::metadata(&path).unwrap().len();
        assert!(written > 6000 && written < 10_000, "{written}");
        // Truncated as copytruncate does it.
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        for _ in 0..60 {
            logger.info("t", format_args!("{line}")).unwrap();
        }
        guard.shutdown().unwrap();
        // 60 more lines fit in the (now short) file: no rotation.
        assert_eq!(logger.metrics().rotations, 0);
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 60);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn a_failing_rotation_keeps_writing_to_the_live_file() {
    with_deadline("rotation_fails", 30, || {
        let dir = temp_dir("rot-fail");
        let path = dir.join("app.log");
        // `app.log.1` is a non-empty directory: renaming onto it fails.
        let blocker = dir.join("app.log.1");
        std::fs::create_dir(&blocker).unwrap();
        std::fs::write(blocker.join("x"), "x").unwrap();
        let (logger, guard) = LoggerBuilder::new(&path)
            .max_batch(4)
            .rotation(Rotation::size(200).keep(1))
            .error_report_interval(Duration::from_secs(3600))
            .build()
            .unwrap();
        for i in 0..200 {
            logger.info("r", format_args!("t0 {i}")).unwrap();
        }
        assert!(matches!(logger.flush(), Err(FlushError::WriteErrors(n)) if n >= 1));
        let m = logger.metrics();
        assert_eq!((m.rotations, m.lost, m.written), (0, 0, 200), "{m:?}");
        assert!(m.write_errors >= 1);
        drop(guard);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(check_exactly_once_in_order(text.lines(), 1, 200), 200);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn bad_rotation_settings_are_errors() {
    struct Null;
    impl Sink for Null {
        fn write_run(&mut self, _: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
        fn sync(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let dir = temp_dir("rot-bad");
    let path = dir.join("app.log");
    let err = |b: LoggerBuilder| b.build().map(|_| ()).unwrap_err();
    let e = err(LoggerBuilder::new(&path).rotation(Rotation::size(0)));
    assert!(matches!(e, LogBuildError::Rotation(_)), "{e}");
    let e = err(LoggerBuilder::new(&path).rotation(Rotation::every(Duration::from_millis(500))));
    assert!(matches!(e, LogBuildError::Rotation(_)), "{e}");
    let e = err(LoggerBuilder::new(&path).rotation(Rotation::daily().max_age(Duration::ZERO)));
    assert!(e.to_string().contains("max_age"), "{e}");
    let e = err(LoggerBuilder::with_sink(Null).rotation(Rotation::hourly()));
    assert!(e.to_string().contains("custom sink"), "{e}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
