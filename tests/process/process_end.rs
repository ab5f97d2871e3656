//! What reaches the file when the process ends without dropping the guard:
//! `std::process::exit` with and without a `flush()` first, and SIGTERM with
//! and without `flush_on_signal` (feature `signal`). Each case runs this
//! test binary again as a child process (`child_main`), whose sink takes
//! 1 ms per record, so records are still in the ring when the process ends.

use crate::common::with_deadline;
use ringlog::log::{LoggerBuilder, Sink};
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

const RECORDS: usize = 1000;

/// Appends to a file, slowly.
struct SlowFile(std::fs::File);

impl Sink for SlowFile {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        std::thread::sleep(Duration::from_millis(1));
        self.0.write_all(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The child's side; does nothing unless run by one of the tests below.
#[test]
fn child_main() {
    let (Ok(mode), Ok(path)) = (
        std::env::var("RINGLOG_CHILD"),
        std::env::var("RINGLOG_CHILD_PATH"),
    ) else {
        return;
    };
    let file = std::fs::File::create(&path).unwrap();
    #[allow(unused_mut)]
    let mut builder = LoggerBuilder::with_sink(SlowFile(file))
        .capacity(4096)
        .max_batch(1);
    #[cfg(all(unix, feature = "signal"))]
    if mode == "signal" {
        builder = builder.flush_on_signal(true);
    }
    let (logger, guard) = builder.build().unwrap();
    for i in 0..RECORDS {
        logger.info("child", format_args!("{i}")).unwrap();
    }
    match mode.as_str() {
        "exit-flushed" => {
            logger.flush().unwrap();
            std::process::exit(0);
        }
        "exit" => std::process::exit(0),
        _ => {
            println!("ready");
            io::stdout().flush().unwrap();
            std::thread::sleep(Duration::from_secs(60));
            drop(guard);
            std::process::exit(3); // not reached: the parent sends SIGTERM
        }
    }
}

/// Runs the child in `mode`; with `term`, sends it SIGTERM once it has
/// logged everything. Returns its exit status and the lines in its file.
fn run_child(mode: &str, term: bool) -> (ExitStatus, usize) {
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "ringlog-test-end-{mode}-{}.log",
        std::process::id()
    ));
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "process_end::child_main",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RINGLOG_CHILD", mode)
        .env("RINGLOG_CHILD_PATH", &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if term {
        let stdout = io::BufReader::new(child.stdout.take().unwrap());
        for line in stdout.lines() {
            // libtest prints `test process_end::child_main ... ` first, on the same line.
            if line.unwrap().ends_with("ready") {
                break;
            }
        }
        let ok = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -TERM failed");
    }
    let status = child.wait().unwrap();
    let lines = lines_in(&path);
    let _ = std::fs::remove_file(&path);
    (status, lines)
}

fn lines_in(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

#[test]
fn process_exit_keeps_what_was_flushed_and_loses_the_rest() {
    with_deadline("end_exit", 60, || {
        let (status, lines) = run_child("exit-flushed", false);
        assert!(status.success(), "{status:?}");
        assert_eq!(lines, RECORDS);
        // Without the flush, `exit` ends the process with records in the
        // ring: they are lost (the guard's drop never runs).
        let (status, lines) = run_child("exit", false);
        assert!(status.success(), "{status:?}");
        assert!(lines < RECORDS, "{lines}");
    });
}

#[cfg(all(unix, feature = "signal"))]
#[test]
fn sigterm_flushes_when_asked_and_still_terminates_by_the_signal() {
    use std::os::unix::process::ExitStatusExt;
    with_deadline("end_signal", 60, || {
        let (status, lines) = run_child("signal", true);
        assert_eq!(status.signal(), Some(15), "{status:?}");
        assert_eq!(lines, RECORDS);
        // Without `flush_on_signal`, SIGTERM kills at once.
        let (status, lines) = run_child("signal-off", true);
        assert_eq!(status.signal(), Some(15), "{status:?}");
        assert!(lines < RECORDS, "{lines}");
    });
}
