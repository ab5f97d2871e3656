//! A log path that cannot be written at start is a clear error from the
//! builder, naming the path and the reason (not a panic, not a logger that
//! silently loses everything), and creates nothing.

use crate::log_common::temp_dir;
use ringlog::log::{LogBuildError, LoggerBuilder};
use std::io::ErrorKind;
use std::path::Path;

fn open_error(path: &Path) -> (ErrorKind, String) {
    open_error_of(LoggerBuilder::new(path), path)
}

fn open_error_of(builder: LoggerBuilder, path: &Path) -> (ErrorKind, String) {
    match builder.build().map(|_| ()) {
        Err(e @ LogBuildError::Open { .. }) => {
            let LogBuildError::Open { path: p, source } = &e else {
                unreachable!()
            };
            assert_eq!(p, path);
            let msg = e.to_string();
            assert!(
                msg.starts_with("cannot open log file ")
                    && msg.contains(&path.display().to_string()),
                "{msg}"
            );
            (source.kind(), msg)
        }
        other => panic!("{path:?}: {other:?}"),
    }
}

#[test]
fn unwritable_paths_are_build_errors() {
    let dir = temp_dir("open-errors");
    // The directory does not exist, and may not be created.
    let missing = dir.join("missing").join("app.log");
    let (kind, _) = open_error_of(LoggerBuilder::new(&missing).create_dirs(false), &missing);
    assert_eq!(kind, ErrorKind::NotFound);
    // A parent is a regular file: the directory cannot be created, and the
    // message says which.
    let file = dir.join("plain");
    std::fs::write(&file, "x").unwrap();
    let (_, msg) = open_error(&file.join("sub").join("app.log"));
    let sub = file.join("sub");
    assert!(
        msg.contains(&format!("cannot create its directory {}", sub.display())),
        "{msg}"
    );
    let (_, msg) = open_error_of(
        LoggerBuilder::new(file.join("app.log")).create_dirs(false),
        &file.join("app.log"),
    );
    assert!(!msg.contains("cannot create its directory"), "{msg}");
    // The path is a directory.
    open_error(&dir);
    // Permission denied even for root (sysfs).
    #[cfg(target_os = "linux")]
    if Path::new("/sys/kernel/notes").exists() {
        let (kind, _) = open_error(Path::new("/sys/kernel/notes"));
        assert_eq!(kind, ErrorKind::PermissionDenied);
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing created"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
