//! Level filters: per-target directives in the `RUST_LOG` syntax, from the
//! builder or the environment, on every entry point (`Logger::log`, the
//! macros, `log_raw` by level only); bad directives are build errors.

use crate::common::with_deadline;
use crate::log_common::temp_path;
use ringlog::log::{Level, LogBuildError, LogError, LoggerBuilder};

#[test]
fn directives_keep_and_drop_by_target_on_every_entry_point() {
    with_deadline("filter_targets", 30, || {
        let path = temp_path("filter-targets");
        let (logger, guard) = LoggerBuilder::new(&path)
            .filter("warn,app=info,app::db=trace,noisy=off")
            .build()
            .unwrap();
        assert_eq!(logger.max_level(), Some(Level::Trace));
        let kept = [
            (Level::Warn, "other"),
            (Level::Info, "app::http"),
            (Level::Trace, "app::db::pool"),
        ];
        let dropped = [
            (Level::Info, "other"),
            (Level::Debug, "app::http"),
            (Level::Error, "noisy"),
            (Level::Error, "noisy::sub"),
        ];
        for (level, target) in kept {
            assert!(logger.enabled_for(level, target));
            logger
                .log(level, target, format_args!("kept {level} {target}"))
                .unwrap();
        }
        for (level, target) in dropped {
            assert!(!logger.enabled_for(level, target));
            assert_eq!(
                logger.log(level, target, format_args!("dropped")),
                Err(LogError::Filtered)
            );
        }
        // The macros' call sites are static: one call each.
        ringlog::warn!(logger: &logger, target: "other", "macro kept {} {}", Level::Warn, "other");
        ringlog::info!(logger: &logger, target: "app::http", "macro kept {} {}", Level::Info, "app::http");
        ringlog::trace!(logger: &logger, target: "app::db::pool", "macro kept {} {}", Level::Trace, "app::db::pool");
        ringlog::info!(logger: &logger, target: "other", "macro dropped");
        ringlog::debug!(logger: &logger, target: "app::http", "macro dropped");
        ringlog::error!(logger: &logger, target: "noisy", "macro dropped");
        // Raw records have no target: only the level counts.
        logger.log_raw(Level::Trace, b"raw line\n").unwrap();
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        for (level, target) in kept {
            assert!(
                text.contains(&format!("{target}: kept {level} {target}")),
                "{text}"
            );
            assert!(
                text.contains(&format!("{target}: macro kept {level} {target}")),
                "{text}"
            );
        }
        assert!(!text.contains("dropped"), "{text}");
        assert!(text.contains("raw line"));
        // Filtered records are not drops.
        assert_eq!(logger.metrics().dropped_total(), 0);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn off_keeps_nothing_and_a_bare_level_checks_no_target() {
    let path = temp_path("filter-off");
    let (logger, guard) = LoggerBuilder::new(&path).filter("off").build().unwrap();
    assert_eq!(logger.max_level(), None);
    assert!(!logger.enabled(Level::Error));
    assert_eq!(
        logger.error("any", format_args!("x")),
        Err(LogError::Filtered)
    );
    drop(guard);
    let (logger, guard) = LoggerBuilder::new(&path).filter("DEBUG").build().unwrap();
    assert_eq!(logger.max_level(), Some(Level::Debug));
    assert!(logger.enabled_for(Level::Debug, "anything"));
    drop(guard);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn bad_directives_are_build_errors_naming_them() {
    for bad in ["app=loud", "info/some regex"] {
        let err = LoggerBuilder::new(temp_path("filter-bad"))
            .filter(bad)
            .build()
            .unwrap_err();
        match &err {
            LogBuildError::InvalidFilter { directives, reason } => {
                assert_eq!(directives, bad);
                assert!(!reason.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains(bad), "{err}");
    }
}

#[test]
fn directives_from_the_environment_override_when_set() {
    let var = format!("RINGLOG_TEST_FILTER_{}", std::process::id());
    let path = temp_path("filter-env");
    // Unset: the builder's own setting stays.
    let (logger, guard) = LoggerBuilder::new(&path)
        .max_level(Level::Info)
        .filter_from_env(&var)
        .build()
        .unwrap();
    assert_eq!(logger.max_level(), Some(Level::Info));
    drop(guard);
    std::env::set_var(&var, "error,app=debug");
    let (logger, guard) = LoggerBuilder::new(&path)
        .max_level(Level::Info)
        .filter_from_env(&var)
        .build()
        .unwrap();
    std::env::remove_var(&var);
    assert!(logger.enabled_for(Level::Debug, "app"));
    assert!(!logger.enabled_for(Level::Warn, "other"));
    drop(guard);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_record_filtered_out_by_target_formats_nothing() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    let path = temp_path("filter-no-format");
    let (logger, guard) = LoggerBuilder::new(&path)
        .filter("error,app=debug")
        .build()
        .unwrap();
    let calls = Arc::new(AtomicU64::new(0));
    let _ = logger.debug(
        "noisy",
        format_args!("{}", crate::log_common::Counted(Arc::clone(&calls))),
    );
    // DEBUG passes the quick level check (app=debug); the target does not.
    ringlog::debug!(logger: &logger, target: "noisy", "{}", crate::log_common::Counted(Arc::clone(&calls)));
    ringlog::debug!(logger: &logger, target: "app", "{}", crate::log_common::Counted(Arc::clone(&calls)));
    guard.shutdown().unwrap();
    assert_eq!(
        calls.load(Ordering::Relaxed),
        1,
        "only the kept record is formatted"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("counted").count(), 1, "{text}");
    std::fs::remove_file(&path).unwrap();
}
