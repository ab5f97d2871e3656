//! Bad builder settings give clear errors, not panics.

use crate::log_common::temp_path;
use ringlog::log::{FsyncPolicy, LogBuildError, LoggerBuilder, MAX_RING_BYTES, MAX_SLOT_SIZE};
use ringlog::BuildError;
use std::time::Duration;

fn err(builder: LoggerBuilder) -> LogBuildError {
    match builder.build() {
        Ok(_) => panic!("settings accepted"),
        Err(e) => e,
    }
}

#[test]
fn bad_settings_are_errors() {
    let path = temp_path("builder");
    let b = || LoggerBuilder::new(&path);

    let e = err(b().slot_size(0));
    assert!(matches!(e, LogBuildError::ZeroSlotSize));
    assert_eq!(e.to_string(), "log slot size must be at least 1 byte");

    let e = err(b().slot_size(MAX_SLOT_SIZE + 1));
    assert!(
        matches!(e, LogBuildError::SlotSizeTooLarge { requested, max }
        if requested == MAX_SLOT_SIZE + 1 && max == MAX_SLOT_SIZE)
    );
    assert!(e.to_string().contains("exceeds the maximum"));

    let e = err(b().capacity(1 << 20).slot_size(MAX_RING_BYTES >> 19));
    assert!(matches!(e, LogBuildError::RingTooLarge { .. }), "{e}");
    assert!(matches!(
        err(b().capacity(usize::MAX).slot_size(2)),
        LogBuildError::RingTooLarge { .. }
    ));
    // The records count, not only the slot size: 4 Mi records of a few
    // hundred bytes each are more than 1 GiB even with 1-byte slots.
    assert!(matches!(
        err(b().capacity(1 << 22).slot_size(1)),
        LogBuildError::RingTooLarge { .. }
    ));

    let e = err(b().capacity(1000));
    assert!(matches!(
        e,
        LogBuildError::Ring(BuildError::CapacityNotPowerOfTwo(1000))
    ));
    assert_eq!(
        e.to_string(),
        "log ring: ring capacity 1000 is not a power of two (try 512 or 1024)"
    );
    assert!(matches!(
        err(b().capacity(0)),
        LogBuildError::Ring(BuildError::ZeroCapacity)
    ));
    assert!(matches!(
        err(b().max_batch(0)),
        LogBuildError::Ring(BuildError::ZeroMaxBatch)
    ));

    let e = err(b().flush_interval(Duration::ZERO));
    assert!(matches!(e, LogBuildError::ZeroFlushInterval));
    assert!(e.to_string().contains("flush interval"));
    let e = err(b().fsync(FsyncPolicy::Every(Duration::ZERO)));
    assert!(matches!(e, LogBuildError::ZeroFsyncInterval));

    // None of the rejected settings created the file.
    assert!(!path.exists());

    let missing_dir = std::env::temp_dir()
        .join("ringlog-no-such-dir")
        .join("x.log");
    let e = err(LoggerBuilder::new(&missing_dir).create_dirs(false));
    match &e {
        LogBuildError::Open { path, source } => {
            assert_eq!(path, &missing_dir);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().starts_with("cannot open log file "));
    assert!(std::error::Error::source(&e).is_some());

    // A directory is not a writable file.
    let e = err(LoggerBuilder::new(std::env::temp_dir()));
    assert!(matches!(e, LogBuildError::Open { .. }), "{e}");
}

#[test]
fn good_settings_build() {
    let path = temp_path("builder-ok");
    let (logger, guard) = LoggerBuilder::new(&path)
        .capacity(1)
        .slot_size(1)
        .max_batch(1)
        .build()
        .unwrap();
    logger
        .info("t", format_args!("tiny slots spill but work"))
        .unwrap();
    guard.shutdown().unwrap();
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .ends_with("t: tiny slots spill but work\n"));
    std::fs::remove_file(&path).unwrap();
}
