//! Retention of rotated files by age (`max_age`) and by count (`keep`),
//! at start and at rotation, for numbered and dated names.

use crate::common::with_deadline;
use crate::log_common::{names_in, temp_dir};
use ringlog::log::{LoggerBuilder, Naming, Rotation};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

const HOUR: Duration = Duration::from_secs(3600);

fn plant(path: &Path, age: Duration) {
    std::fs::write(path, "old\n").unwrap();
    crate::log_common::set_mtime(path, SystemTime::now() - age);
}

/// Waits (at most 10 s) until the directory holds `expected`.
fn wait_for_names(dir: &Path, expected: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while names_in(dir) != expected {
        assert!(
            Instant::now() < deadline,
            "{:?} != {expected:?}",
            names_in(dir)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn numbered_files_beyond_keep_or_max_age_are_removed() {
    with_deadline("retention_numbered", 30, || {
        let dir = temp_dir("retention-numbered");
        let live = dir.join("app.log");
        let numbered = |n: usize| dir.join(format!("app.log.{n}"));
        plant(&numbered(1), HOUR);
        plant(&numbered(2), 30 * HOUR);
        plant(&numbered(3), 50 * HOUR);
        let rotation = Rotation::size(100)
            .keep(5)
            .max_age(Duration::from_secs(24 * 3600));
        let (logger, guard) = LoggerBuilder::new(&live)
            .rotation(rotation)
            .build()
            .unwrap();
        // At start: the two older than a day are gone.
        assert_eq!(names_in(&dir), ["app.log", "app.log.1"]);
        for i in 0..3 {
            logger.info("r", format_args!("a record of more than a hundred bytes, so that each one rotates the file {i}")).unwrap();
            logger.flush().unwrap();
        }
        guard.shutdown().unwrap();
        assert_eq!(logger.metrics().rotations, 2);
        assert_eq!(
            names_in(&dir),
            ["app.log", "app.log.1", "app.log.2", "app.log.3"]
        );
        assert_eq!(std::fs::read_to_string(numbered(3)).unwrap(), "old\n");
        // A smaller `keep` at the next start removes the numbers above it.
        let (_, guard) = LoggerBuilder::new(&live)
            .rotation(Rotation::size(100).keep(1))
            .build()
            .unwrap();
        drop(guard);
        assert_eq!(names_in(&dir), ["app.log", "app.log.1"]);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn dated_files_beyond_keep_or_max_age_are_removed() {
    with_deadline("retention_dated", 30, || {
        let dir = temp_dir("retention-dated");
        let live = dir.join("app.log");
        plant(&dir.join("app.2026-01-01.log"), 90 * 24 * HOUR);
        plant(&dir.join("app.2026-01-02.log"), 89 * 24 * HOUR);
        plant(&dir.join("app.2026-03-30.log"), HOUR);
        plant(&dir.join("app.2026-03-31.log"), HOUR);
        plant(&dir.join("other.2026-01-01.log"), 90 * 24 * HOUR);
        let rotation = Rotation::daily()
            .naming(Naming::Dated)
            .keep(10)
            .max_age(Duration::from_secs(30 * 24 * 3600));
        let (_, guard) = LoggerBuilder::new(&live)
            .rotation(rotation)
            .build()
            .unwrap();
        // Pruned by the sink's thread, soon after start.
        wait_for_names(
            &dir,
            &[
                "app.2026-03-30.log",
                "app.2026-03-31.log",
                "app.log",
                "other.2026-01-01.log",
            ],
        );
        drop(guard);
        let (_, guard) = LoggerBuilder::new(&live)
            .rotation(Rotation::daily().naming(Naming::Dated).keep(1))
            .build()
            .unwrap();
        wait_for_names(
            &dir,
            &["app.2026-03-31.log", "app.log", "other.2026-01-01.log"],
        );
        drop(guard);
        std::fs::remove_dir_all(&dir).unwrap();
    });
}
