//! Same bytes either way: a log macro (arguments deferred to the writer
//! thread, or formatted in the caller, by type) writes exactly the line that
//! `Logger::log` with `format_args!` of the same call writes, in text and in
//! JSON, for random values of every deferred type, user types of both kinds,
//! and a set of format specs.

use crate::common::with_deadline;
use crate::log_common::MemorySink;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use ringlog::log::{Encode, Format, Level, LogGuard, Logger, LoggerBuilder};
use ringlog::Yield;
use std::fmt;
use std::sync::{Arc, Mutex};

/// A logger writing to memory, in one format.
struct Tested {
    logger: Logger,
    visible: Arc<Mutex<Vec<u8>>>,
    format: Format,
    _guard: LogGuard,
}

impl Tested {
    fn new(format: Format) -> Self {
        let sink = MemorySink::new();
        let visible = sink.visible.clone();
        // Small slots, so long arguments take the spill path too; `Yield`
        // so that the many flushes below return quickly.
        let (logger, guard) = LoggerBuilder::with_sink(sink)
            .format(format)
            .slot_size(64)
            .wait_strategy(Yield::default())
            .build()
            .unwrap();
        Self {
            logger,
            visible,
            format,
            _guard: guard,
        }
    }

    /// Flushes and takes what was written: the two records of one `same!`.
    /// They must be equal but for their timestamps; returns them with the
    /// timestamps masked.
    fn take_pair(&self) -> Result<(String, String), TestCaseError> {
        self.logger.flush().unwrap();
        let bytes = std::mem::take(&mut *self.visible.lock().unwrap());
        let text = String::from_utf8(bytes).unwrap();
        // Both lines have the same length if they are equal (the timestamps
        // have a fixed width): split the output in half.
        prop_assert!(
            text.len() % 2 == 0 && text.is_char_boundary(text.len() / 2),
            "lines of different lengths:\n{text}"
        );
        let (deferred, formatted) = text.split_at(text.len() / 2);
        let ts = match self.format {
            Format::Text => 0..30,
            Format::Json => 7..37,
        };
        let mask = |line: &str| {
            let mut line = line.to_string();
            if line.len() >= ts.end {
                line.replace_range(ts.clone(), &"T".repeat(30));
            }
            line
        };
        Ok((mask(deferred), mask(formatted)))
    }
}

/// Logs one call through the macro and through `Logger::log`, in both
/// formats, and checks the lines are identical.
macro_rules! same {
    ($tested:expr, $format:literal $(, $($args:tt)*)?) => {
        for t in $tested {
            ringlog::info!(logger: &t.logger, target: "same", $format $(, $($args)*)?);
            t.logger
                .log(Level::Info, "same", format_args!($format $(, $($args)*)?))
                .unwrap();
            let (deferred, formatted) = t.take_pair()?;
            prop_assert_eq!(deferred, formatted, "{:?} {}", t.format, $format);
        }
    };
}

/// Not `Encode`: formatted in the caller (honours width and alignment).
struct Eager(i64);

impl fmt::Display for Eager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("<{}>", self.0))
    }
}

/// `Encode`: deferred to the writer.
#[derive(Debug)]
struct Point {
    x: i32,
    y: i32,
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("({}, {})", self.x, self.y))
    }
}

impl Encode for Point {
    type Decoded<'a> = Point;
    fn encoded_len(&self) -> usize {
        8
    }
    fn encode(&self, buf: &mut [u8]) {
        buf[..4].copy_from_slice(&self.x.to_le_bytes());
        buf[4..].copy_from_slice(&self.y.to_le_bytes());
    }
    fn decode(buf: &[u8]) -> Point {
        let word = |i: usize| i32::from_le_bytes(buf[i..i + 4].try_into().unwrap_or_default());
        Point {
            x: word(0),
            y: word(4),
        }
    }
}

/// Strings with what JSON must escape, unicode, and spill-sized lengths.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"\\\\\n\r\t\u{0}-\u{1f}\u{7f}a-zé✓😀\u{2028}{}]{0,90}",
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(-0.0),
        Just(f64::NAN),
        Just(-f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(5e-324),
        Just(f64::MIN_POSITIVE / 3.0),
        -1e6..1e6f64,
    ]
}

macro_rules! integer_cases {
    ($tested:expr, $($v:expr),*) => {$(
        let v = $v;
        same!($tested, "{} [{:>6}] [{:<+8}] [{:^#12x}] [{:08b}] {:?} {:o} {:#X} {:e} [{:>+w$}]", v, v, v, v, v, v, v, v, v, v, w = 9);
    )*};
}

#[allow(clippy::too_many_arguments)]
fn check(
    t: &[Tested; 2],
    ints: (u8, i8, u16, i16, u32, i32, u64, i64),
    wide: (u128, i128, usize, isize),
    (f, g): (f64, f32),
    (b, c): (bool, char),
    s: String,
    bytes: Vec<u8>,
    (w, p): (usize, usize),
) -> Result<(), TestCaseError> {
    let (a0, a1, a2, a3, a4, a5, a6, a7) = ints;
    let (a8, a9, a10, a11) = wide;
    integer_cases!(t, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    same!(
        t,
        "{} {:?} [{:.3}] [{:>12.2e}] [{:+.0}] [{:<10}] {:E} [{:08.2}]",
        f,
        f,
        f,
        f,
        f,
        f,
        f,
        f
    );
    same!(
        t,
        "{} {:?} [{:.3}] [{:>12.2e}] [{:+.0}] {:e}",
        g,
        g,
        g,
        g,
        g,
        g
    );
    same!(
        t,
        "{} [{:>7}] {:?} {} [{:^5}] {:?} [{:>3}]",
        b,
        b,
        b,
        c,
        c,
        c,
        c
    );
    let r: &str = &s;
    same!(
        t,
        "{} {:?} [{:.3}] [{:>10}] [{:-^9.2}] {r} {r:?}",
        s,
        s,
        s,
        s,
        s
    );
    same!(
        t,
        "{:?} {:x?} {:#?} {:X?} {:?}",
        bytes,
        bytes,
        &bytes[..],
        bytes,
        &&bytes
    );
    same!(
        t,
        "[{:>w$.p$}] [{:.*}] [{s:w$}] [{:<1$}]",
        f,
        p,
        r,
        a6,
        w = w,
        p = p
    );
    let e = Eager(a7);
    let point = Point { x: a5, y: -a5 };
    same!(
        t,
        "{e} then [{:>8}] and [{:<12}] at {point} [{point:>20}] {point:?} n={n} {s:?}",
        a6,
        e,
        n = a3
    );
    same!(t, "{{literal}} {{{}}} {{{{ {s} }}}}", a0);
    same!(t, "no arguments at all: 100%");
    same!(t, "{:p} {:p}", &a0, r);
    Ok(())
}

#[test]
fn deferred_and_formatted_lines_are_identical() {
    with_deadline("same_bytes", 240, || {
        let tested = [Tested::new(Format::Text), Tested::new(Format::Json)];
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 96,
            ..ProptestConfig::default()
        });
        let ints = (
            any::<u8>(),
            any::<i8>(),
            any::<u16>(),
            any::<i16>(),
            any::<u32>(),
            any::<i32>(),
            any::<u64>(),
            any::<i64>(),
        );
        let wide = (any::<u128>(), any::<i128>(), any::<usize>(), any::<isize>());
        let strategy = (
            ints,
            wide,
            (float(), any::<f32>()),
            (any::<bool>(), any::<char>()),
            text(),
            prop::collection::vec(any::<u8>(), 0..80),
            // Widths of one and of two varint bytes.
            (prop_oneof![0..30usize, 120..300usize], 0..12usize),
        );
        let result = runner.run(&strategy, |(ints, wide, floats, bc, s, bytes, counts)| {
            check(&tested, ints, wide, floats, bc, s, bytes, counts)
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        for t in &tested {
            assert!(
                t.logger.metrics().spilled > 0,
                "the spill path was exercised"
            );
        }
    });
}

/// A `Display` that writes part of its text and then fails.
struct Failing;

impl fmt::Display for Failing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("partial")?;
        Err(fmt::Error)
    }
}

#[test]
fn a_failing_display_gives_the_same_line() {
    with_deadline("same_bytes_error", 30, || {
        let tested = [Tested::new(Format::Text), Tested::new(Format::Json)];
        let run = || -> Result<(), TestCaseError> {
            same!(&tested, "before {} {} after {}", 1u8, Failing, "never");
            same!(&tested, "{:>20} {}", Failing, 2);
            Ok(())
        };
        run().unwrap();
    });
}

/// Every field kind with a two-byte header (lengths and counts of 128 or
/// more, eager text of 64 bytes or more, whose header also carries the
/// error bit), next to one-byte ones, in one call; an argument used twice,
/// captured and named arguments with counts, and `{:p}` with a width.
#[test]
fn two_byte_headers_in_every_field_kind() {
    with_deadline("same_bytes_two_byte_headers", 60, || {
        let tested = [Tested::new(Format::Text), Tested::new(Format::Json)];
        let run = || -> Result<(), TestCaseError> {
            let long = "é".repeat(100); // 200 bytes: a two-byte length
            let e = Eager(-7);
            let point = Point { x: 3, y: 4 };
            for (w, p) in [
                (0usize, 0usize),
                (127, 127),
                (128, 128),
                (300, 200),
                (5, 16_384),
            ] {
                same!(
                    &tested,
                    "[{:.*}] {2} [{2:>w$}] [{2:.p$}] {long} [{e:>w$}] [{e:<0$}] [{point:^p$}]",
                    p,
                    "short",
                    long,
                    w = w,
                    p = p
                );
                same!(&tested, "[{0:>1$}] {0} [{0:1$.2$}] [{e:w$.p$}]", e, w, p);
                same!(&tested, "[{:>w$p}] {point} [{point:w$}]", &point, w = w);
                same!(&tested, "{} {}", Eager(i64::MAX), "x".repeat(w));
            }
            Ok(())
        };
        run().unwrap();
    });
}
