//! The logger's memory against its ring's bytes (issue target: ring bytes +
//! at most 2 MiB): the process's resident set before the logger is built and
//! at its peak while two threads log 1 M lines of the benchmarks' shape
//! through the default logger (8192 slots of 256 bytes) into a file, through
//! `ringlog::info!` and through `Logger::info`.
//!
//! ```text
//! cargo run --profile bench -p ringlog-bench --example memory
//! ```
//!
//! Linux only (it reads `/proc/self/status`). Each entry point runs in a
//! child process of its own, so that neither sees the other's peak.

use ringlog::log::LoggerBuilder;
use std::time::Instant;

const LINES: u64 = 1 << 20;
const THREADS: u64 = 2;
const PAYLOAD: &str = "user=42 action=checkout total=99.95 ok";

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

fn run(mode: &str) {
    let dir = std::env::temp_dir().join(format!("ringlog-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let before = status_kib("VmRSS");
    let builder = LoggerBuilder::new(dir.join("memory.log"));
    // The ring's bytes, what the issue's target calls "ring bytes": its
    // records, plus the ring's 8-byte publish marker per slot.
    let ring_kib = ((builder.ring_bytes() + 8 * 8192) / 1024) as u64;
    let (logger, guard) = builder.build().expect("logger");
    let built = status_kib("VmRSS");
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let logger = &logger;
            s.spawn(move || {
                for i in 0..LINES / THREADS {
                    if mode == "macro" {
                        ringlog::info!(logger: logger, target: "bench", "t={} i={} {}", t, i, PAYLOAD);
                    } else {
                        let _ = logger.info("bench", format_args!("t={t} i={i} {PAYLOAD}"));
                    }
                }
            });
        }
    });
    logger.flush().expect("flush");
    let elapsed = start.elapsed();
    let peak = status_kib("VmHWM");
    drop(logger);
    guard.shutdown().expect("shutdown");
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{mode:5}: {LINES} lines, {THREADS} threads, {:.2} s; resident set {before} KiB before, \
         {built} KiB built, peak {peak} KiB: +{} KiB for a ring of {ring_kib} KiB, \
         {} KiB over the ring's bytes",
        elapsed.as_secs_f64(),
        peak - before,
        (peak - before) as i64 - ring_kib as i64,
    );
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some(mode @ ("macro" | "log")) => run(mode),
        None => {
            for mode in ["macro", "log"] {
                let exe = std::env::current_exe().expect("own path");
                let status = std::process::Command::new(exe)
                    .arg(mode)
                    .status()
                    .expect("child");
                assert!(status.success(), "{mode}: {status}");
            }
        }
        Some(other) => {
            eprintln!("usage: memory [macro|log] (got {other:?})");
            std::process::exit(2);
        }
    }
}
