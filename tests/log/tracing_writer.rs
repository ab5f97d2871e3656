//! The `tracing` integration: a fmt subscriber writing through a `Logger`.

use crate::common::with_deadline;
use crate::log_common::{fmt_subscriber, temp_path};
use ringlog::log::{FullPolicy, Level, LoggerBuilder};

#[test]
fn tracing_events_become_lines() {
    with_deadline("tracing", 60, || {
        let path = temp_path("tracing");
        let (logger, guard) = LoggerBuilder::new(&path)
            .slot_size(128) // an `event` line fits; the WARN lines spill
            .max_level(Level::Info) // DEBUG events are filtered by the logger
            .full_policy(FullPolicy::BlockAtOrAbove(Level::Warn))
            .build()
            .unwrap();
        let subscriber = fmt_subscriber(&logger);
        tracing::subscriber::with_default(subscriber, || {
            let threads: Vec<_> = (0..3)
                .map(|t| {
                    let dispatch = tracing::dispatcher::get_default(Clone::clone);
                    std::thread::spawn(move || {
                        tracing::dispatcher::with_default(&dispatch, || {
                            for i in 0..500 {
                                tracing::info!(t, i, "event");
                                tracing::debug!("not written");
                            }
                            tracing::warn!(long = %"y".repeat(200), "spills");
                        })
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
        });
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3 * 501);
        assert!(!text.contains("not written"));
        for t in 0..3 {
            let mine: Vec<_> = lines
                .iter()
                .filter(|l| l.contains(&format!("event t={t} ")))
                .collect();
            assert_eq!(mine.len(), 500);
            for (i, line) in mine.iter().enumerate() {
                assert!(line.contains(" INFO "), "{line}");
                assert!(line.ends_with(&format!("event t={t} i={i}")), "{line}");
            }
        }
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.contains(" WARN ") && l.ends_with(&"y".repeat(200)))
                .count(),
            3
        );
        let m = logger.metrics();
        assert_eq!(m.written, 3 * 501);
        assert_eq!(m.spilled, 3);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn the_loggers_per_target_filter_applies_to_fmt_lines() {
    with_deadline("tracing_writer_filter", 30, || {
        let path = temp_path("tracing-writer-filter");
        let (logger, guard) = LoggerBuilder::new(&path)
            .filter("error,app=debug")
            .build()
            .unwrap();
        let subscriber = fmt_subscriber(&logger);
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "app", "kept for app");
            tracing::debug!(target: "noisy", "left out for noisy");
        });
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("kept for app"), "{text}");
        assert!(!text.contains("left out for noisy"), "{text}");
        std::fs::remove_file(&path).unwrap();
    });
}
