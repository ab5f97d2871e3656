//! The `log` crate integration: one-call install, macros from many threads,
//! level filtering, and a second install refused.

use crate::common::with_deadline;
use crate::log_common::{parse_line, temp_path};
use ringlog::log::{install_log, InstallError, Level, LoggerBuilder};

#[test]
fn log_macros_reach_the_file() {
    with_deadline("log_facade", 60, || {
        let path = temp_path("facade");
        let guard = install_log(LoggerBuilder::new(&path).max_level(Level::Debug)).unwrap();
        assert_eq!(log::max_level(), log::LevelFilter::Debug);
        assert!(matches!(
            install_log(LoggerBuilder::new(temp_path("facade-2"))),
            Err(InstallError::AlreadySet)
        ));

        let threads: Vec<_> = (0..4)
            .map(|t| {
                std::thread::Builder::new()
                    .name(format!("facade-{t}"))
                    .spawn(move || {
                        for i in 0..1000 {
                            log::info!(target: "facade", "t{t} i{i}");
                            log::debug!(target: "facade", "t{t} d{i}");
                            log::trace!(target: "facade", "filtered out");
                        }
                        log::error!("t{t} done");
                    })
                    .unwrap()
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        log::logger().flush();
        let metrics = guard.logger().metrics();
        drop(guard);

        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<_> = text.lines().map(parse_line).collect();
        assert_eq!(lines.len(), 4 * 2001);
        assert!(!text.contains("filtered out"));
        for t in 0..4 {
            let mine: Vec<_> = lines
                .iter()
                .filter(|l| l.thread == format!("facade-{t}"))
                .map(|l| (l.level.as_str(), l.target.as_str(), l.msg.clone()))
                .collect();
            let mut expected = Vec::new();
            for i in 0..1000 {
                expected.push(("INFO", "facade", format!("t{t} i{i}")));
                expected.push(("DEBUG", "facade", format!("t{t} d{i}")));
            }
            expected.push(("ERROR", module_path!(), format!("t{t} done")));
            assert_eq!(mine, expected);
        }
        assert_eq!(metrics.written, 4 * 2001);
        // After shutdown the global logger drops (and counts) records.
        log::info!("after shutdown");
        std::fs::remove_file(&path).unwrap();
    });
}

/// The child's side of `install_log_defaults_to_info`.
#[test]
fn default_level_child() {
    let Ok(path) = std::env::var("RINGLOG_DEFAULT_LEVEL_CHILD") else {
        return;
    };
    let guard = install_log(LoggerBuilder::new(&path)).unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Info);
    log::info!(target: "app", "kept");
    log::debug!(target: "app", "not kept");
    ringlog::debug!(target: "app", "macro not kept");
    ringlog::info!(target: "app", "macro kept");
    drop(guard);
    println!("default level child done");
}

#[test]
fn install_log_defaults_to_info() {
    with_deadline("install_log_default", 60, || {
        let path = temp_path("facade-default-level");
        let env = [("RINGLOG_DEFAULT_LEVEL_CHILD", path.as_os_str())];
        let (status, stdout) = crate::common::run_test_child(
            "facade::default_level_child",
            &env,
            std::time::Duration::from_secs(30),
        );
        assert!(
            status.success() && stdout.contains("child done"),
            "{stdout}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("app: kept") && text.contains("app: macro kept"),
            "{text}"
        );
        assert!(!text.contains("not kept"), "{text}");
        std::fs::remove_file(&path).unwrap();
    });
}
