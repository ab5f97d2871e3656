//! Logging from inside logging, where process-wide state is involved: a
//! `Display` that logs through the `log` crate's global logger, and the
//! panic hook (`flush_on_panic`) when a `Display`, or an `Encode` running
//! inside its claim, panics in a log call. Each case runs this test binary
//! again as a child process (`reentrant_child`), so that its global logger
//! and panic hook are its own; the parent kills a child that hangs.

use crate::common::{run_test_child, with_deadline};
use ringlog::log::{Encode, LoggerBuilder};
use std::ffi::OsStr;
use std::fmt;
use std::time::Duration;

/// Logs through the `log` crate while being formatted.
#[cfg(feature = "log")]
struct LogsViaLog(u64);

#[cfg(feature = "log")]
impl fmt::Display for LogsViaLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        log::debug!(target: "inner", "inner {}", self.0);
        write!(f, "outer {}", self.0)
    }
}

/// Panics while being formatted.
struct PanicsInDisplay;

impl fmt::Display for PanicsInDisplay {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("planted: Display panics");
    }
}

/// An `Encode` type whose `encode` (which runs inside the claim) panics.
struct PanicsInEncode;

impl fmt::Display for PanicsInEncode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("never")
    }
}

impl Encode for PanicsInEncode {
    type Decoded<'a> = &'static str;
    fn encoded_len(&self) -> usize {
        1
    }
    fn encode(&self, _: &mut [u8]) {
        panic!("planted: encode panics inside the claim");
    }
    fn decode(_: &[u8]) -> &'static str {
        "never"
    }
}

/// The child's side; does nothing unless run by one of the tests below.
#[test]
fn reentrant_child() {
    let (Ok(case), Ok(path)) = (
        std::env::var("RINGLOG_REENTRANT_CHILD"),
        std::env::var("RINGLOG_CHILD_PATH"),
    ) else {
        return;
    };
    match case.as_str() {
        #[cfg(feature = "log")]
        "log-facade" => {
            use ringlog::log::{install_log, Level};
            // Two slots: were the outer record claimed while its argument
            // logs, the inner call would wait for it forever.
            let builder = LoggerBuilder::new(&path)
                .capacity(2)
                .max_level(Level::Debug);
            let guard = install_log(builder).unwrap();
            let threads: Vec<_> = (0..4)
                .map(|t| {
                    std::thread::spawn(move || {
                        for i in 0..500 {
                            log::info!(target: "outer", "{}", LogsViaLog(t * 1000 + i));
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            guard.shutdown().unwrap();
        }
        "panic-in-display" | "panic-in-encode" => {
            let (logger, guard) = LoggerBuilder::new(&path)
                .capacity(2)
                .flush_on_panic(true)
                .flush_timeout(Duration::MAX)
                .build()
                .unwrap();
            for i in 0..3 {
                logger.info("app", format_args!("before {i}")).unwrap();
                let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if case == "panic-in-display" {
                        let _ = logger.info("app", format_args!("{}", PanicsInDisplay));
                    } else {
                        ringlog::info!(logger: &logger, target: "app", "{}", PanicsInEncode);
                    }
                }));
                assert!(caught.is_err());
            }
            logger.info("app", format_args!("after")).unwrap();
            logger.flush().unwrap();
            guard.shutdown().unwrap();
        }
        other => panic!("unknown case {other}"),
    }
    println!("child done");
}

/// Runs the child for `case`, killing it after `limit`; returns its stdout
/// and the text of its log file.
fn run_child(case: &str, limit: Duration) -> (String, String) {
    let path = std::env::temp_dir().join(format!(
        "ringlog-test-reentrant-{case}-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let env = [
        ("RINGLOG_REENTRANT_CHILD", OsStr::new(case)),
        ("RINGLOG_CHILD_PATH", path.as_os_str()),
    ];
    let (status, stdout) = run_test_child("reentrant::reentrant_child", &env, limit);
    assert!(status.success(), "{case}: {status:?}\n{stdout}");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    (stdout, text)
}

#[cfg(feature = "log")]
#[test]
fn a_display_that_logs_through_the_log_crate_does_not_wedge() {
    with_deadline("reentrant_log_facade", 90, || {
        let (stdout, text) = run_child("log-facade", Duration::from_secs(60));
        assert!(stdout.contains("child done"), "{stdout}");
        for t in 0..4 {
            for i in 0..500 {
                let n = t * 1000 + i;
                let inner = text.find(&format!("inner: inner {n}\n"));
                let outer = text.find(&format!("outer: outer {n}\n"));
                assert!(inner.is_some() && outer.is_some(), "record {n} missing");
                // The argument is formatted (and logs) before its record is
                // claimed.
                assert!(inner < outer, "record {n}: inner after outer");
            }
        }
        assert_eq!(text.lines().count(), 4000);
    });
}

/// Checks a panic-hook child's file: every record before and after the
/// panics, and each panic logged by the hook.
fn check_panic_child(case: &str) {
    let (stdout, text) = run_child(case, Duration::from_secs(30));
    assert!(stdout.contains("child done"), "{stdout}");
    for i in 0..3 {
        assert!(text.contains(&format!("app: before {i}\n")), "{text}");
    }
    assert!(text.contains("app: after\n"), "{text}");
    assert_eq!(text.matches("] panic: panicked at ").count(), 3, "{text}");
    assert!(!text.contains("never"), "{text}");
}

#[test]
fn a_display_that_panics_under_flush_on_panic_does_not_stall() {
    with_deadline("reentrant_panic_display", 60, || {
        check_panic_child("panic-in-display");
    });
}

#[test]
fn an_encode_that_panics_inside_its_claim_under_flush_on_panic_does_not_stall() {
    with_deadline("reentrant_panic_encode", 60, || {
        check_panic_child("panic-in-encode");
    });
}
