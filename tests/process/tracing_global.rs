//! The `tracing` layer as the global default dispatcher, with a `Debug`
//! field value that logs through `tracing` while its event is encoded.
//! Only under the global default does such a nested event reach the layer
//! (a scoped dispatcher drops events raised inside another event), so this
//! runs in a child process (this binary again, `tracing_global_child_main`):
//! the global default can be set once per process.

use crate::common::with_deadline;
use ringlog::log::LoggerBuilder;
use std::fmt;
use std::process::Command;
use std::time::Duration;
use tracing_subscriber::prelude::*;

/// Logs a nested event through the global dispatcher while formatted.
struct Logs(u32);

impl fmt::Debug for Logs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        tracing::info!(target: "inner", i = self.0, "nested");
        write!(f, "logs#{}", self.0)
    }
}

/// The child's side; does nothing unless run by the test below.
#[test]
fn tracing_global_child_main() {
    let Ok(path) = std::env::var("RINGLOG_TRACING_CHILD_PATH") else {
        return;
    };
    // The child's own watchdog: a wedge ends it with a distinct status.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(30));
        eprintln!("tracing child: no result after 30 s (watchdog)");
        std::process::exit(3);
    });
    // Two slots: an event holding its slot while its fields are formatted
    // would wedge the nested one.
    let (layer, guard) =
        ringlog::tracing::Layer::new(LoggerBuilder::new(&path).capacity(2)).unwrap();
    let logger = layer.logger().clone();
    tracing_subscriber::registry().with(layer).init();
    let span = tracing::info_span!("s", v = tracing::field::Empty);
    let _s = span.enter();
    // A span's recorded fields are encoded before its extensions are locked
    // (the nested event reads them for its scope).
    span.record("v", tracing::field::debug(Logs(0)));
    for i in 1..=500 {
        tracing::info!(target: "outer", v = ?Logs(i), "outer");
    }
    guard.shutdown().unwrap();
    assert_eq!(logger.metrics().dropped_total(), 0);
}

#[test]
fn a_debug_value_that_logs_through_the_global_dispatcher_does_not_wedge() {
    with_deadline("tracing_global_reentry", 60, || {
        let path = std::env::temp_dir().join(format!(
            "ringlog-test-tracing-global-{}.log",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let output = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "tracing_global::tracing_global_child_main",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("RINGLOG_TRACING_CHILD_PATH", &path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "child failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let lines: Vec<&str> = text.lines().map(|l| l.split_once(' ').unwrap().1).collect();
        assert_eq!(
            lines.len(),
            1 + 2 * 500,
            "{:?}",
            &lines[..4.min(lines.len())]
        );
        // The nested event is logged while the outer one is encoded: first.
        assert_eq!(lines[0], " INFO s: inner: nested i=0");
        for (i, pair) in lines[1..].chunks(2).enumerate() {
            let i = i + 1;
            assert_eq!(pair[0], format!(" INFO s{{v=logs#0}}: inner: nested i={i}"));
            assert_eq!(
                pair[1],
                format!(" INFO s{{v=logs#0}}: outer: outer v=logs#{i}")
            );
        }
    });
}
