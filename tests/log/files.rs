//! How the logger creates files: missing parent directories at start (on
//! by default), and the mode of every file it creates (at start, at
//! rotation, at reopen; archives take the mode of the file they compress).

use crate::common::with_deadline;
use crate::log_common::{temp_dir, wait_for_archives};
use ringlog::log::{Compression, LoggerBuilder, Rotation};

#[test]
fn missing_parent_directories_are_created_at_start() {
    let dir = temp_dir("files-dirs");
    let path = dir.join("a").join("b").join("app.log");
    let (logger, guard) = LoggerBuilder::new(&path).build().unwrap();
    logger
        .info("app", format_args!("in a new directory"))
        .unwrap();
    guard.shutdown().unwrap();
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .ends_with("app: in a new directory\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn every_created_file_gets_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;
    with_deadline("files_mode", 30, || {
        let dir = temp_dir("files-mode");
        let path = dir.join("app.log");
        let mode_of =
            |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        // Group-writable: a umask of 022 or 077 would take bits away from it.
        let (logger, guard) = LoggerBuilder::new(&path)
            .file_mode(0o660)
            .reopen_check(Duration::ZERO)
            .rotation(Rotation::size(100).keep(2).compress(Compression::Gzip))
            .build()
            .unwrap();
        assert_eq!(mode_of(&path), 0o660, "at start");
        for i in 0..10 {
            logger
                .info("mode", format_args!("a record long enough to rotate {i}"))
                .unwrap();
            logger.flush().unwrap(); // one run each: one rotation each
        }
        logger.flush().unwrap();
        assert!(logger.metrics().rotations > 0);
        assert_eq!(mode_of(&path), 0o660, "after rotation");
        std::fs::remove_file(&path).unwrap();
        logger.info("mode", format_args!("after removal")).unwrap();
        logger.flush().unwrap();
        assert!(logger.metrics().reopens >= 1);
        assert_eq!(mode_of(&path), 0o660, "after reopen");
        wait_for_archives(&logger, logger.metrics().rotations);
        guard.shutdown().unwrap();
        let mut archive = path.as_os_str().to_owned();
        archive.push(".1.gz");
        assert_eq!(mode_of(archive.as_ref()), 0o660, "archive");
        std::fs::remove_dir_all(&dir).unwrap();
    });
}
