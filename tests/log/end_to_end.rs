//! Many threads log through one logger into a real file; the file must hold
//! exactly the lines that were logged: each once, in order per thread, with
//! the right level, thread and target, and with non-decreasing timestamps.

use crate::common::with_deadline;
use crate::log_common::{parse_line, temp_path, Line};
use ringlog::log::{Level, LoggerBuilder};

const THREADS: usize = 4;
const PER_THREAD: usize = 20_000;

fn message(t: usize, i: usize) -> String {
    // Varied lengths and characters, some past the 96-byte slot (spilled).
    let tail = "é✓".repeat(i % 40);
    format!("thread {t} record {i} {tail}")
}

fn level(i: usize) -> Level {
    Level::ALL[i % 5]
}

#[test]
fn file_holds_exactly_what_was_logged() {
    with_deadline("file_holds_exactly_what_was_logged", 120, || {
        let path = temp_path("e2e");
        // A small ring, so it wraps many times and producers block.
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(64)
            .slot_size(96)
            .build()
            .unwrap();
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let logger = logger.clone();
                std::thread::Builder::new()
                    .name(format!("producer-{t}"))
                    .spawn(move || {
                        for i in 0..PER_THREAD {
                            let target = if i % 2 == 0 { "e2e::even" } else { "e2e::odd" };
                            logger
                                .log(level(i), target, format_args!("{}", message(t, i)))
                                .unwrap();
                        }
                    })
                    .unwrap()
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        guard.shutdown().unwrap(); // no explicit flush: shutdown drains

        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Line> = text.lines().map(parse_line).collect();
        assert_eq!(lines.len(), THREADS * PER_THREAD, "line count");

        let mut per_thread: Vec<Vec<Line>> = vec![Vec::new(); THREADS];
        for line in &lines {
            let t: usize = line
                .thread
                .strip_prefix("producer-")
                .unwrap()
                .parse()
                .unwrap();
            per_thread[t].push(line.clone());
        }
        for (t, got) in per_thread.iter().enumerate() {
            let expected: Vec<Line> = (0..PER_THREAD)
                .map(|i| Line {
                    ts: String::new(),
                    level: level(i).as_str().to_string(),
                    thread: format!("producer-{t}"),
                    target: (if i % 2 == 0 { "e2e::even" } else { "e2e::odd" }).to_string(),
                    msg: message(t, i),
                })
                .collect();
            let got: Vec<Line> = got
                .iter()
                .map(|l| Line {
                    ts: String::new(),
                    ..l.clone()
                })
                .collect();
            assert!(
                got == expected,
                "thread {t}: lines differ from what was logged"
            );
        }
        // RFC 3339 with fixed-width fields: string order is time order.
        for pair in lines.windows(2) {
            assert!(pair[0].ts <= pair[1].ts, "time went back: {pair:?}");
        }
        let m = logger.metrics();
        assert_eq!(m.written, (THREADS * PER_THREAD) as u64);
        assert_eq!(m.dropped_total(), 0);
        assert!(m.spilled > 0, "some records were meant to spill");
        assert!(m.high_water_mark <= 64 && m.high_water_mark >= 1);
        assert_eq!(m.bytes_written, text.len() as u64);
        std::fs::remove_file(&path).unwrap();
    });
}

/// The records' times come from the TSC, converted by the writer (see
/// `clock.rs`): each line's time lies between the system time before its
/// call and after the flush that wrote it, and a literal message (kept as
/// a pointer, not copied) arrives whole, beside formatted ones.
#[test]
fn times_follow_the_system_clock_and_literals_arrive() {
    with_deadline(
        "times_follow_the_system_clock_and_literals_arrive",
        60,
        || {
            let path = temp_path("e2e-clock");
            let (logger, guard) = LoggerBuilder::new(&path).build().unwrap();
            let now = || jiff::Timestamp::now();
            let mut bounds = Vec::new();
            for i in 0..20 {
                let before = now();
                if i % 2 == 0 {
                    logger
                        .info(
                            "clock",
                            format_args!("a literal message, longer than nothing"),
                        )
                        .unwrap();
                } else {
                    logger.info("clock", format_args!("formatted {i}")).unwrap();
                }
                logger.flush().unwrap();
                bounds.push((before, now()));
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            guard.shutdown().unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<Line> = text.lines().map(parse_line).collect();
            assert_eq!(lines.len(), 20);
            // The calibration error over this test's span is microseconds; the
            // slack covers the anchor's own reading.
            let slack = jiff::SignedDuration::from_millis(2);
            for (i, (line, (before, after))) in lines.iter().zip(&bounds).enumerate() {
                let expected = if i % 2 == 0 {
                    "a literal message, longer than nothing".to_string()
                } else {
                    format!("formatted {i}")
                };
                assert_eq!(line.msg, expected);
                let ts: jiff::Timestamp = line.ts.parse().unwrap();
                assert!(
                    ts >= before.checked_sub(slack).unwrap()
                        && ts <= after.checked_add(slack).unwrap(),
                    "line {i} at {ts}, call between {before} and {after}"
                );
            }
            std::fs::remove_file(&path).unwrap();
        },
    );
}
