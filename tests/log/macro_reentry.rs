//! User code inside a macro call cannot wedge the logger: a `Display` that
//! logs, one that panics (both run in the caller, before the claim), and a
//! deferred type whose formatting panics on the writer thread.

use crate::common::{quiet_panics_starting_with, with_deadline};
use crate::log_common::{messages, temp_path};
use ringlog::log::{Encode, Logger, LoggerBuilder};
use std::fmt;

/// Logs through the same logger while being formatted.
struct Logs<'a>(&'a Logger, u32);

impl fmt::Display for Logs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ringlog::info!(logger: self.0, target: "inner", "inner {} {}", self.1, Plain(self.1));
        write!(f, "outer {}", self.1)
    }
}

/// Not `Encode` (formatted in the caller, using the scratch buffer too).
struct Plain(u32);

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0.to_string())
    }
}

/// Panics while being formatted.
struct Panics;

impl fmt::Display for Panics {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("planted: Display panics in the caller");
    }
}

#[test]
fn a_display_that_logs_does_not_wedge() {
    with_deadline("macro_display_logs", 60, || {
        let path = temp_path("macro-reentry");
        // Two slots: were the outer call holding a claim while the inner one
        // logs, the ring would fill and the blocking policy would wait
        // forever.
        let (logger, guard) = LoggerBuilder::new(&path).capacity(2).build().unwrap();
        for i in 0..2000 {
            ringlog::info!(logger: &logger, target: "outer", "{} {:>4}", Logs(&logger, i), Plain(i));
        }
        guard.shutdown().unwrap();
        let lines = messages(&path);
        assert_eq!(lines.len(), 4000);
        for (i, pair) in lines.chunks(2).enumerate() {
            // The inner record is logged while the outer one is formatted,
            // so before it.
            assert_eq!(pair[0], format!("inner: inner {i} {i}"));
            assert_eq!(pair[1], format!("outer: outer {i} {i:>4}"));
        }
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn a_display_that_panics_does_not_wedge() {
    quiet_panics_starting_with("planted");
    with_deadline("macro_display_panics", 60, || {
        let path = temp_path("macro-panic");
        let (logger, guard) = LoggerBuilder::new(&path).capacity(2).build().unwrap();
        for i in 0..100u32 {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                ringlog::info!(logger: &logger, "{i} {}", Panics);
            }));
            assert!(caught.is_err());
            ringlog::info!(logger: &logger, "after {i} {}", Plain(i));
        }
        logger.flush().unwrap();
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Vec<String> = (0..100).map(|i| format!("after {i} {i}")).collect();
        let got: Vec<&str> = text
            .lines()
            .map(|l| l.split_once(": ").unwrap().1)
            .collect();
        assert_eq!(got, expected);
        assert_eq!(logger.metrics().dropped_total(), 0);
    });
}

/// Deferred, and its decoded value panics when formatted: on the writer
/// thread.
struct Bomb(u8);

/// (The macros require the argument's own `Display`; the deferred path
/// formats the decoded value instead.)
impl fmt::Display for Bomb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bomb {}", self.0)
    }
}

struct Decoded(u8);

impl fmt::Display for Decoded {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!(
            "planted: deferred Display panics on the writer thread ({})",
            self.0
        );
    }
}

impl Encode for Bomb {
    type Decoded<'a> = Decoded;
    fn encoded_len(&self) -> usize {
        1
    }
    fn encode(&self, buf: &mut [u8]) {
        buf[0] = self.0;
    }
    fn decode(buf: &[u8]) -> Decoded {
        Decoded(buf[0])
    }
}

#[test]
fn a_deferred_value_that_panics_on_the_writer_is_contained() {
    quiet_panics_starting_with("planted");
    with_deadline("macro_writer_panic", 60, || {
        let path = temp_path("macro-writer-panic");
        let (logger, guard) = LoggerBuilder::new(&path).build().unwrap();
        ringlog::info!(logger: &logger, "before {}", Bomb(1));
        ringlog::info!(logger: &logger, "still logging {}", 2);
        logger.flush().unwrap();
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let got: Vec<&str> = text
            .lines()
            .map(|l| l.split_once(": ").unwrap().1)
            .collect();
        assert_eq!(got, ["before  <formatting panicked>", "still logging 2"]);
    });
}
