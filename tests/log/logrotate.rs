//! The real `logrotate` (Debian's package, installed by
//! `scripts/install-test-deps.sh`) run over and over against a live logger
//! while four threads log:
//!
//! - `create` (logrotate renames the file and creates a new one; the sink
//!   notices and reopens the path): every record exactly once, in order.
//! - `copytruncate` (logrotate copies the file, then truncates it): nothing
//!   duplicated, order kept; the records written between the copy and the
//!   truncation are lost, by the nature of copytruncate: measured and
//!   printed.
//!
//! Without logrotate the tests say so loudly and skip, unless `CI` or
//! `RINGLOG_REQUIRE_LOGROTATE=1` is set (`.ci/run` sets both): then they
//! fail.

use crate::common::with_deadline;
use crate::log_common::{files_in_order, parse_line, temp_dir};
use ringlog::log::LoggerBuilder;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const THREADS: usize = 4;
/// logrotate runs, 30 ms apart, while the threads log.
const ROTATIONS: u32 = 8;

/// The logrotate program, if installed.
fn logrotate() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join("logrotate"))
        .find(|p| p.is_file())
}

/// logrotate, or `None` after a loud notice; a failure where CI requires it.
fn logrotate_or_skip(test: &str) -> Option<PathBuf> {
    let found = logrotate();
    if found.is_none() {
        let flag = |name: &str| {
            std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
        };
        assert!(
            !(flag("CI") || flag("RINGLOG_REQUIRE_LOGROTATE")),
            "{test}: logrotate is not installed; run scripts/install-test-deps.sh"
        );
        eprintln!(
            "\n*** SKIPPED {test}: logrotate is not installed. Run scripts/install-test-deps.sh \
             (with CI=1 or RINGLOG_REQUIRE_LOGROTATE=1 this is a failure) ***\n"
        );
    }
    found
}

/// What one run saw.
struct Outcome {
    /// Records logged.
    logged: u64,
    /// Records found in the files (each at most once, in order per thread).
    found: u64,
    /// Lines cut short at the end of a copied file (copytruncate).
    torn: u32,
    /// Times the sink reopened the path.
    reopens: u64,
    elapsed: Duration,
}

/// Runs logrotate in `mode` `ROTATIONS` times, 30 ms apart, while `THREADS`
/// threads log `t{t} {i}` (paced, about 40 000 records a second each).
/// Checks the files, oldest first: no record duplicated or out of order;
/// within one file each thread's records are contiguous, so whatever is
/// missing went missing at a rotation; a line may be cut short only as the
/// last line of a rotated file.
fn run(logrotate: PathBuf, mode: &str) -> Outcome {
    let dir = temp_dir(&format!("logrotate-{mode}"));
    let live = dir.join("app.log");
    let conf = dir.join("logrotate.conf");
    std::fs::write(
        &conf,
        format!(
            "{} {{\n    rotate 1000\n    {mode}\n    missingok\n    nocompress\n}}\n",
            live.display()
        ),
    )
    .unwrap();
    let (logger, guard) = LoggerBuilder::new(&live)
        .capacity(1024)
        .reopen_check(Duration::from_millis(10))
        .build()
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let producers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (logger, done) = (logger.clone(), done.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !done.load(Ordering::SeqCst) {
                    logger.info("soak", format_args!("t{t} {i}")).unwrap();
                    i += 1;
                    if i % 40 == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                i
            })
        })
        .collect();
    for _ in 0..ROTATIONS {
        std::thread::sleep(Duration::from_millis(30));
        let out = Command::new(&logrotate)
            .arg("-f")
            .arg("-s")
            .arg(dir.join("state"))
            .arg(&conf)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "logrotate failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::thread::sleep(Duration::from_millis(30));
    done.store(true, Ordering::SeqCst);
    let logged: u64 = producers.into_iter().map(|p| p.join().unwrap()).sum();
    let elapsed = started.elapsed();
    guard.shutdown().unwrap();
    // logrotate's numbered files, oldest first, then the live one.
    let files = files_in_order(&live);
    assert_eq!(files.len() as u32, ROTATIONS + 1, "{files:?}");
    let mut next = [0u64; THREADS];
    let (mut found, mut torn) = (0, 0);
    for (n, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut seen_here = [false; THREADS];
        for (k, line) in lines.iter().enumerate() {
            let whole = line.split_once(": ").and_then(|(_, msg)| {
                let (t, i) = msg.split_once(' ')?;
                Some((
                    t.strip_prefix('t')?.parse::<usize>().ok()?,
                    i.parse::<u64>().ok()?,
                ))
            });
            let last_of_copy = k + 1 == lines.len() && n + 1 < files.len();
            let Some((t, i)) = whole.filter(|_| !last_of_copy || text.ends_with('\n')) else {
                assert!(last_of_copy, "{mode}: a torn line inside {f:?}: {line:?}");
                torn += 1;
                continue;
            };
            assert_eq!(parse_line(line).target, "soak");
            if seen_here[t] {
                assert_eq!(
                    i, next[t],
                    "{mode}: thread {t}: a gap or repeat inside {f:?}"
                );
            } else {
                assert!(
                    i >= next[t],
                    "{mode}: thread {t} record {i} repeated in {f:?}"
                );
            }
            seen_here[t] = true;
            next[t] = i + 1;
            found += 1;
        }
    }
    let m = logger.metrics();
    assert_eq!(
        (m.written, m.lost, m.write_errors),
        (logged, 0, 0),
        "the sink lost nothing"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    Outcome {
        logged,
        found,
        torn,
        reopens: m.reopens,
        elapsed,
    }
}

#[test]
fn logrotate_create_loses_and_duplicates_nothing() {
    let Some(logrotate) = logrotate_or_skip("logrotate_create") else {
        return;
    };
    with_deadline("logrotate_create", 60, move || {
        let out = run(logrotate, "create");
        assert_eq!((out.found, out.torn), (out.logged, 0));
        // The sink followed logrotate to the new files.
        assert!(out.reopens >= 1, "no reopen");
        eprintln!(
            "logrotate create: {ROTATIONS} rotations in {:?}, {} reopens, {} records, none lost",
            out.elapsed, out.reopens, out.found
        );
    });
}

#[test]
fn logrotate_copytruncate_duplicates_nothing_and_loses_only_at_rotations() {
    let Some(logrotate) = logrotate_or_skip("logrotate_copytruncate") else {
        return;
    };
    with_deadline("logrotate_copytruncate", 60, move || {
        let out = run(logrotate, "copytruncate");
        let lost = out.logged - out.found;
        eprintln!(
            "logrotate copytruncate: {ROTATIONS} rotations in {:?}: lost {lost} of {} records \
             ({:.2} %, {:.0} per rotation: {:.1} ms of logging), {} lines cut short, \
             none duplicated",
            out.elapsed,
            out.logged,
            lost as f64 * 100.0 / out.logged as f64,
            lost as f64 / f64::from(ROTATIONS),
            lost as f64 / f64::from(ROTATIONS) / out.logged as f64
                * out.elapsed.as_secs_f64()
                * 1e3,
            out.torn,
        );
    });
}
