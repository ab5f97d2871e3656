//! The log macros' call forms, each checked against `format!` of the same
//! call.

use crate::common::with_deadline;
use crate::log_common::MemorySink;
use ringlog::log::{Level, Logger, LoggerBuilder};
use std::fmt;

/// A logger writing to memory, and a way to read what it wrote.
fn memory_logger(max_level: Level) -> (Logger, ringlog::log::LogGuard, impl Fn() -> Vec<String>) {
    let sink = MemorySink::new();
    let visible = sink.visible.clone();
    let (logger, guard) = LoggerBuilder::with_sink(sink)
        .max_level(max_level)
        .build()
        .unwrap();
    let flusher = logger.clone();
    let read = move || {
        flusher.flush().unwrap();
        let text = MemorySink::text(&visible);
        visible.lock().unwrap().clear();
        text.lines()
            .map(|l| l.split_once(": ").unwrap().1.to_string())
            .collect()
    };
    (logger, guard, read)
}

struct Eager(i32);

impl fmt::Display for Eager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("eager{}", self.0))
    }
}

#[test]
fn call_forms_match_format() {
    with_deadline("macro_forms", 60, || {
        let (logger, guard, read) = memory_logger(Level::Trace);
        let (x, name, s) = (42u64, "ada", String::from("str"));
        let bytes = vec![1u8, 255];
        ringlog::info!(logger: &logger, "plain {} {} {}", x, name, s);
        ringlog::info!(logger: &logger, "captured {x} {name} {s}");
        ringlog::info!(logger: &logger, "indexed {1} {0} {1}", x, name);
        ringlog::info!(logger: &logger, "named {a} {b:?}", a = x + 1, b = name);
        ringlog::info!(logger: &logger, "debug {:?} {:?} {:x?} {:?}", name, 'c', bytes, (1, 2));
        ringlog::info!(logger: &logger, "spec [{:>8.3}] [{:<6}] [{:^+9}] [{:#010x}] [{:e}]", 1.23456, name, 7i8, 255u16, 1234.5f32);
        ringlog::info!(logger: &logger, "counts [{:>w$.p$}] [{:.*}] [{:>1$}]", 2.5, 3, 1.0, 4, w = 9, p = 2);
        ringlog::info!(logger: &logger, "escapes {{}} {{{}}}", x);
        ringlog::info!(logger: &logger, "eager [{:>9}] [{}]", Eager(1), Eager(-2));
        ringlog::info!(logger: &logger, "literal only");
        ringlog::info!(logger: &logger, target: "t", "with target {}", 1,);
        let lines = read();
        let expected = [
            format!("plain {} {} {}", x, name, s),
            format!("captured {x} {name} {s}"),
            format!("indexed {1} {0} {1}", x, name),
            format!("named {a} {b:?}", a = x + 1, b = name),
            format!("debug {:?} {:?} {:x?} {:?}", name, 'c', bytes, (1, 2)),
            format!(
                "spec [{:>8.3}] [{:<6}] [{:^+9}] [{:#010x}] [{:e}]",
                1.23456, name, 7i8, 255u16, 1234.5f32
            ),
            format!(
                "counts [{:>w$.p$}] [{:.*}] [{:>1$}]",
                2.5,
                3,
                1.0,
                4,
                w = 9,
                p = 2
            ),
            format!("escapes {{}} {{{}}}", x),
            format!("eager [{:>9}] [{}]", Eager(1), Eager(-2)),
            "literal only".to_string(),
            "with target 1".to_string(),
        ];
        assert_eq!(lines, expected);
        drop(guard);
    });
}

/// An `Encode` that claims an absurd length (a broken implementation).
struct Absurd(usize);

impl fmt::Display for Absurd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("absurd")
    }
}

impl ringlog::log::Encode for Absurd {
    type Decoded<'a> = &'a str;
    fn encoded_len(&self) -> usize {
        self.0
    }
    fn encode(&self, buf: &mut [u8]) {
        buf.fill(b'x');
    }
    fn decode(_: &[u8]) -> &str {
        "absurd"
    }
}

#[test]
fn an_absurd_encoded_length_is_dropped_before_the_claim() {
    with_deadline("macro_absurd_length", 60, || {
        let (logger, guard, read) = memory_logger(Level::Trace);
        // Past the largest payload, and one whose length wraps `usize`
        // with its header and the other fields.
        for len in [(1 << 30) + 1, usize::MAX - 1, usize::MAX] {
            ringlog::info!(logger: &logger, "a {} b {}", Absurd(len), 7u8);
        }
        ringlog::info!(logger: &logger, "still logging {}", 1u8);
        let lines = read();
        assert_eq!(lines[0], "still logging 1", "{lines:?}");
        assert!(!lines.iter().any(|l| l.contains("absurd")), "{lines:?}");
        assert_eq!(logger.metrics().dropped_at(Level::Info), 3);
        drop(guard);
    });
}
