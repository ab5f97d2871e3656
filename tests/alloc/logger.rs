//! Logging a record allocates nothing: a counting global allocator counts
//! allocations made on the logging thread only, after warm-up.

use crate::common::with_deadline;
use crate::{count, small_ring_logger};
use ringlog::log::Level;
#[test]
fn logging_a_record_does_not_allocate() {
    with_deadline("zero_alloc", 60, || {
        let (path, logger, guard) = small_ring_logger("logger");
        let name = "order-service";
        // Warm-up: the first call on a thread looks up its name and sizes
        // its scratch buffer (both allocate, once per thread).
        for i in 0..1000 {
            logger.info("warmup", format_args!("{i} {name}")).unwrap();
        }
        logger.flush().unwrap();

        let n = count(|| {
            for i in 0..20_000u64 {
                logger
                    .log(
                        Level::ALL[(i % 5) as usize],
                        "app::orders",
                        format_args!(
                            "order {i} for {name}: {:.2} EUR, ok={}",
                            i as f64 * 1.5,
                            i % 2 == 0
                        ),
                    )
                    .unwrap();
            }
        });
        assert_eq!(n, 0, "allocations while logging 20 000 records");

        #[cfg(feature = "log")]
        {
            let n = count(|| {
                for i in 0..5_000u64 {
                    log::Log::log(
                        &logger,
                        &log::Record::builder()
                            .level(log::Level::Info)
                            .target("app::facade")
                            .args(format_args!("through log::Log {i} {name}"))
                            .build(),
                    );
                }
            });
            assert_eq!(n, 0, "allocations while logging through log::Log");
        }

        // The counter does see allocations: an oversized record spills.
        let big = "x".repeat(1000);
        let n = count(|| logger.info("big", format_args!("{big}")).unwrap());
        assert!(n >= 1, "a spilled record must allocate (counter broken?)");

        guard.shutdown().unwrap();
        let m = logger.metrics();
        let expected = 1000 + 20_000 + if cfg!(feature = "log") { 5_000 } else { 0 } + 1;
        assert_eq!(m.written, expected);
        assert_eq!(m.spilled, 1);
        std::fs::remove_file(&path).unwrap();
    });
}

/// Log calls after shutdown fail with `Closed` and allocate nothing: the
/// claims they make into the closed ring extend one abandoned range instead
/// of adding an entry each (which grew a list by 16 bytes a call, forever,
/// with no writer left to take them).
#[test]
fn logging_after_shutdown_does_not_allocate() {
    with_deadline("after_shutdown", 60, || {
        let (path, logger, guard) = small_ring_logger("after-shutdown");
        logger.info("warmup", format_args!("before")).unwrap();
        guard.shutdown().unwrap();
        // The first calls after the close may add the range itself (and
        // the thread's first formatted message sizes its scratch buffer).
        for i in 0..10 {
            assert!(logger.info("late", format_args!("call {i}")).is_err());
        }
        let n = count(|| {
            for i in 0..100_000u64 {
                let result = logger.info("late", format_args!("call {i}"));
                assert!(matches!(result, Err(ringlog::log::LogError::Closed)));
            }
        });
        assert_eq!(n, 0, "allocations over 100 000 log calls after shutdown");
        std::fs::remove_file(&path).unwrap();
    });
}
