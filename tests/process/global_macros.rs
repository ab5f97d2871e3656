//! The log macros' global form: `install` (and, with the `log` feature,
//! `install_log`) sets one process-wide logger. Each case runs in a child
//! process (this test binary again, `global_child_main`), since a global
//! logger can be installed once per process and `facade.rs` installs one in
//! this process.

use crate::common::with_deadline;
use ringlog::log::{install, InstallError, Level, LoggerBuilder};
use std::path::Path;
use std::process::Command;

/// The child's side; does nothing unless run by the test below.
#[test]
fn global_child_main() {
    let (Ok(mode), Ok(path)) = (
        std::env::var("RINGLOG_GLOBAL_CHILD"),
        std::env::var("RINGLOG_GLOBAL_CHILD_PATH"),
    ) else {
        return;
    };
    match mode.as_str() {
        "install" => install_child(Path::new(&path)),
        #[cfg(feature = "log")]
        "install_log" => install_log_child(Path::new(&path)),
        _ => panic!("unknown mode {mode}"),
    }
}

fn install_child(path: &Path) {
    // Before any install the macros do nothing, and evaluate nothing.
    let mut evaluated = false;
    ringlog::error!("{}", {
        evaluated = true;
        1
    });
    assert!(!evaluated, "arguments evaluated without a logger");

    let guard = install(LoggerBuilder::new(path).max_level(Level::Info)).unwrap();
    assert!(matches!(
        install(LoggerBuilder::new(path)),
        Err(InstallError::AlreadySet)
    ));
    #[cfg(feature = "log")]
    assert!(matches!(
        ringlog::log::install_log(LoggerBuilder::new(path)),
        Err(InstallError::AlreadySet)
    ));

    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::Builder::new()
                .name(format!("global-{t}"))
                .spawn(move || {
                    for i in 0..500u32 {
                        ringlog::info!("t{t} i{i}");
                        ringlog::debug!("filtered {}", {
                            assert!(i > 500, "a disabled level evaluated its arguments");
                            i
                        });
                    }
                    ringlog::warn!(target: "custom", "t{t} done");
                    ringlog::log!(Level::Error, "t{t} {:>5}", "end");
                })
                .unwrap()
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let logger = guard.logger().clone();
    drop(guard);
    // After shutdown the global logger counts records as dropped.
    ringlog::info!("after shutdown");
    assert_eq!(logger.metrics().dropped_total(), 1);
    assert_eq!(logger.metrics().written, 4 * 502);
}

#[cfg(feature = "log")]
fn install_log_child(path: &Path) {
    let guard = ringlog::log::install_log(LoggerBuilder::new(path)).unwrap();
    assert!(matches!(
        install(LoggerBuilder::new(path)),
        Err(InstallError::AlreadySet)
    ));
    log::info!(target: "facade", "through log {}", 1);
    ringlog::info!(target: "macro", "through ringlog {}", 2);
    drop(guard);
}

/// Runs the child in `mode`; returns the lines of its file.
fn run_child(mode: &str) -> Vec<String> {
    let path = std::env::temp_dir().join(format!(
        "ringlog-test-global-{mode}-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "global_macros::global_child_main",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RINGLOG_GLOBAL_CHILD", mode)
        .env("RINGLOG_GLOBAL_CHILD_PATH", &path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "child {mode} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    text.lines().map(str::to_string).collect()
}

#[test]
fn install_sets_the_global_logger_of_the_macros() {
    with_deadline("global_install", 60, || {
        let lines = run_child("install");
        assert_eq!(lines.len(), 4 * 502, "{lines:#?}");
        for t in 0..4 {
            let mine: Vec<&str> = lines
                .iter()
                .filter(|l| l.contains(&format!("[global-{t}#")))
                .map(|l| l.split_once("] ").unwrap().1)
                .collect();
            let mut expected: Vec<String> = (0..500)
                .map(|i| format!("{}: t{t} i{i}", module_path!()))
                .collect();
            expected.push(format!("custom: t{t} done"));
            expected.push(format!("{}: t{t}   end", module_path!()));
            assert_eq!(mine, expected);
        }
    });
}

#[cfg(feature = "log")]
#[test]
fn install_log_serves_both_log_and_the_macros() {
    with_deadline("global_install_log", 60, || {
        let lines = run_child("install_log");
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert!(lines[0].ends_with("facade: through log 1"), "{}", lines[0]);
        assert!(
            lines[1].ends_with("macro: through ringlog 2"),
            "{}",
            lines[1]
        );
    });
}
