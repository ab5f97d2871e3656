//! Soak: four threads log with size rotation on; every record ends up in
//! exactly one file, in order per thread, and no file holds a partial line.
//!
//! Small by default (4 × 50 000 records, 64 KiB files). `RINGLOG_SOAK=1`
//! runs the large one: 10^7 records (4 × 2 500 000, ~700 MB of log in 16 MiB
//! files; not run in CI).

use crate::common::with_deadline;
use crate::log_common::{files_in_order, log_from_threads, parse_line, temp_dir};
use ringlog::log::{LoggerBuilder, Rotation};
use std::time::Instant;

#[test]
fn soak_with_rotation_every_record_exactly_once_in_order() {
    let large = std::env::var("RINGLOG_SOAK").is_ok_and(|v| v == "1");
    let (per_thread, max_bytes, deadline) = if large {
        (2_500_000u64, 16 << 20, 1800)
    } else {
        (50_000u64, 64 << 10, 120)
    };
    const THREADS: usize = 4;
    with_deadline("soak", deadline, move || {
        let dir = temp_dir("soak");
        let path = dir.join("app.log");
        let start = Instant::now();
        let (logger, guard) = LoggerBuilder::new(&path)
            .rotation(Rotation::size(max_bytes).keep(100_000))
            //.xx
            .build()
            .unwrap();
        log_from_threads(&logger, THREADS, per_thread);
        guard.shutdown().unwrap();
        let logged = start.elapsed();
        let m = logger.metrics();
        let total = THREADS as u64 * per_thread;
        assert_eq!((m.written, m.lost, m.write_errors), (total, 0, 0), "{m:?}");
        assert_eq!(m.dropped_total(), 0);

        let files = files_in_order(&path);
        assert_eq!(files.len() as u64, m.rotations + 1, "{m:?}");
        assert!(m.rotations >= 3, "rotation happened: {m:?}");
        let mut next = [0u64; THREADS];
        let mut seen = 0u64;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            assert!(text.ends_with('\n'), "{f:?} ends mid-line");
            for line in text.lines() {
                let l = parse_line(line);
                let (t, i) = l.msg.split_once(' ').unwrap();
                let t: usize = t[1..].parse().unwrap();
                let i: u64 = i.parse().unwrap();
                assert_eq!(i, next[t], "thread {t} in {f:?}");
                next[t] += 1;
                seen += 1;
            }
        }
        assert_eq!(seen, total);
        assert_eq!(next, [per_thread; THREADS]);
        eprintln!(
            "soak: {total} records, {} files, logged+drained in {logged:?}, total {:?}",
            files.len(),
            start.elapsed()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    });
}
