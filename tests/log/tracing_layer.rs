//! The native `tracing` layer: its lines against `tracing_subscriber::fmt`'s
//! for the same events (text and JSON, timestamps masked), filters, and a
//! `Debug` value that logs while its event is encoded.

use crate::common::with_deadline;
use crate::log_common::temp_path;
use proptest::prelude::*;
use ringlog::log::{Format, LoggerBuilder};
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};
use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::prelude::*;

/// fmt's output, captured.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[derive(Debug)]
struct Inner;
impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("disk unplugged")
    }
}
impl std::error::Error for Inner {}

#[derive(Debug)]
struct Outer(Inner);
impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("write failed")
    }
}
impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// The events both subscribers see: every kind of field value, spans with
/// and without fields, nested, recorded later, and events outside spans.
fn workload() {
    tracing::info!(target: "app", "outside any span");
    let outer = tracing::info_span!("outer", a = 1u64, name = "n\"q");
    let _o = outer.enter();
    tracing::info!(
        id = 42u64,
        bytes = 512u64,
        route = "/api/v1",
        "request done"
    );
    let inner = tracing::debug_span!("inner", b = -2i64, late = tracing::field::Empty);
    let _i = inner.enter();
    tracing::warn!(
        x = 1.5f64,
        y = 1.0f64,
        z = f64::NAN,
        ok = true,
        "floats {}",
        3
    );
    inner.record("late", "now");
    tracing::error!(v = ?vec![1, 2], d = %"display", r#type = "t", "with debug");
    let bare = tracing::trace_span!("bare");
    let _b = bare.enter();
    tracing::debug!(target: "app::db", s = "tab\tquote\" nl\n é", "no fields in span");
    tracing::info!(n = i64::MIN, m = u64::MAX);
    let err = Outer(Inner);
    tracing::error!(error = &err as &(dyn std::error::Error + 'static), "failed");
    tracing::error!(error = &Inner as &(dyn std::error::Error + 'static));
    tracing::info!("escape \x1b[31m red \u{9b} bell \x07");
    tracing::info!(message = "message as a field", after = 1);
}

/// Runs `workload` under one registry holding both the ringlog layer (in
/// `format`) and fmt's layer (`fmt_json`: its JSON format); returns both
/// outputs.
fn both(format: Format, json: bool) -> (String, String) {
    both_with(format, json, workload)
}

/// As [`both`], for the events `work` logs.
fn both_with(format: Format, json: bool, work: impl FnOnce()) -> (String, String) {
    let path = temp_path("tracing-layer-vs-fmt");
    let (layer, guard) =
        ringlog::tracing::Layer::new(LoggerBuilder::new(&path).format(format)).expect("layer");
    let capture = Capture::default();
    let writer = capture.clone();
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(move || writer.clone());
    let registry = tracing_subscriber::registry().with(layer);
    if json {
        let subscriber = registry.with(fmt.json()).with(LevelFilter::TRACE);
        tracing::subscriber::with_default(subscriber, work);
    } else {
        let subscriber = registry.with(fmt).with(LevelFilter::TRACE);
        tracing::subscriber::with_default(subscriber, work);
    }
    guard.shutdown().unwrap();
    let ours = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    (ours, capture.text())
}

/// The timestamp of each line replaced by `T` (checking its shape).
fn mask_text(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let (ts, rest) = line.split_once(' ').unwrap();
            assert_timestamp(ts);
            format!("T {rest}")
        })
        .collect()
}

fn mask_json(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let prefix = "{\"timestamp\":\"";
            assert!(line.starts_with(prefix), "{line}");
            let rest = &line[prefix.len()..];
            let end = rest.find('"').unwrap();
            assert_timestamp(&rest[..end]);
            // Every line is valid JSON.
            let _: serde_json::Value = serde_json::from_str(line).unwrap();
            format!("{prefix}T{}", &rest[end..])
        })
        .collect()
}

/// `2026-11-23T16:20:00.123456Z`.
fn assert_timestamp(ts: &str) {
    let b = ts.as_bytes();
    assert_eq!(b.len(), 27, "{ts}");
    assert_eq!((b[10], b[19], b[26]), (b'T', b'.', b'Z'), "{ts}");
}

#[test]
fn text_lines_match_fmt() {
    with_deadline("tracing_layer_text", 60, || {
        let (ours, fmt) = both(Format::Text, false);
        let (ours, fmt) = (mask_text(&ours), mask_text(&fmt));
        for (a, b) in ours.iter().zip(&fmt) {
            assert_eq!(a, b);
        }
        assert_eq!(ours, fmt);
        assert_eq!(ours.len(), 10);
        // Spot checks that the comparison is about something.
        assert_eq!(
            ours[1],
            "T  INFO outer{a=1 name=\"n\\\"q\"}: tracing_layer::tracing_layer: \
             request done id=42 bytes=512 route=\"/api/v1\""
                .replace("tracing_layer::tracing_layer", module_path!())
        );
    });
}

#[test]
fn json_lines_match_fmt() {
    with_deadline("tracing_layer_json", 60, || {
        let (ours, fmt) = both(Format::Json, true);
        let (ours, fmt) = (mask_json(&ours), mask_json(&fmt));
        for (a, b) in ours.iter().zip(&fmt) {
            assert_eq!(a, b);
        }
        assert_eq!(ours, fmt);
        assert_eq!(ours.len(), 10);
        assert!(ours[1].contains(
            r#""fields":{"message":"request done","id":42,"bytes":512,"route":"/api/v1"}"#
        ));
        assert!(ours[1].ends_with(
            r#""span":{"a":1,"name":"n\"q","name":"outer"},"spans":[{"a":1,"name":"n\"q","name":"outer"}]}"#
        ));
    });
}

/// Strings that stress the writer's fast paths: printable ASCII, quotes and
/// backslashes (escaped in `Debug`), terminal controls (sanitized in
/// messages), C1 controls and other `0xc2`-led characters, any character.
fn tricky_string() -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        4 => proptest::char::range(' ', '~'),
        1 => proptest::sample::select(vec![
            '"', '\\', '\x07', '\x08', '\x0c', '\x1b', '\x7f', '\t', '\n', '\0',
            '\u{80}', '\u{9b}', '\u{9f}', '\u{a0}', 'é',
        ]),
        1 => any::<char>(),
    ];
    proptest::collection::vec(chars, 0..40).prop_map(|v| v.into_iter().collect())
}

/// One random event: a message recorded as a `&str` or formatted, a string
/// field as `&str` and as `Debug`, integers and a float.
type Event = (String, String, u64, i64, f64, bool);

fn log_events(events: &[Event]) {
    let span = tracing::info_span!("span", s = events.first().map_or("", |e| e.1.as_str()));
    let _entered = span.enter();
    for (message, s, u, i, f, literal) in events {
        if *literal {
            tracing::info!(message = message.as_str(), u, i, s = s.as_str(), f);
        } else {
            tracing::warn!(d = ?s, u, "{message}");
        }
    }
}

#[test]
fn random_strings_and_numbers_render_as_fmt_renders_them() {
    with_deadline("tracing_layer_proptest", 240, || {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 64,
            ..ProptestConfig::default()
        });
        let event = (
            tricky_string(),
            tricky_string(),
            any::<u64>(),
            any::<i64>(),
            // At most 15 significant digits: of a float that needs 17, the
            // last digit may differ from serde_json's (its printer can pick
            // another digit string that reads back to the same value).
            any::<f64>().prop_map(|x| format!("{x:.14e}").parse::<f64>().unwrap()),
            any::<bool>(),
        );
        let events = proptest::collection::vec(event, 1..32);
        runner
            .run(&events, |events| {
                for json in [false, true] {
                    let format = if json { Format::Json } else { Format::Text };
                    let (ours, fmt) = both_with(format, json, || log_events(&events));
                    let (ours, fmt) = if json {
                        (mask_json(&ours), mask_json(&fmt))
                    } else {
                        // Messages and `Debug` strings may hold newlines: compare
                        // whole outputs, timestamps masked line by line.
                        (mask_text_lines(&ours), mask_text_lines(&fmt))
                    };
                    prop_assert_eq!(ours, fmt);
                }
                Ok(())
            })
            .unwrap();
    });
}

/// As [`mask_text`], for output whose lines may be continued (a message with
/// a newline): only lines that start with a timestamp are masked.
fn mask_text_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| match line.split_once(' ') {
            Some((ts, rest))
                if ts.len() == 27 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T' =>
            {
                format!("T {rest}")
            }
            _ => line.to_string(),
        })
        .collect()
}

/// The file's lines with the timestamps cut off.
fn lines_of(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| l.split_once(' ').unwrap().1.to_string())
        .collect()
}

#[test]
fn env_filter_and_per_layer_filters_apply() {
    with_deadline("tracing_layer_filters", 60, || {
        // A global `EnvFilter`.
        let path = temp_path("tracing-layer-envfilter");
        let (layer, guard) = ringlog::tracing::Layer::new(LoggerBuilder::new(&path)).unwrap();
        let subscriber = tracing_subscriber::registry()
            .with(EnvFilter::new("warn,app::db=debug"))
            .with(layer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(target: "app", "filtered: info below warn");
            tracing::warn!(target: "app", "kept: warn");
            tracing::debug!(target: "app::db", "kept: db debug");
            tracing::trace!(target: "app::db", "filtered: db trace");
        });
        guard.shutdown().unwrap();
        assert_eq!(
            lines_of(&path),
            [" WARN app: kept: warn", "DEBUG app::db: kept: db debug"]
        );
        std::fs::remove_file(&path).unwrap();

        // A per-layer filter: fmt beside it sees everything; ringlog sees
        // WARN and above, and not the INFO span (its scope is empty).
        let path = temp_path("tracing-layer-perlayer");
        let (layer, guard) = ringlog::tracing::Layer::new(LoggerBuilder::new(&path)).unwrap();
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::registry()
            .with(layer.with_filter(LevelFilter::WARN))
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(move || writer.clone()),
            );
        tracing::subscriber::with_default(subscriber, || {
            let info_span = tracing::info_span!("quiet", q = 1);
            let _q = info_span.enter();
            tracing::info!(target: "app", "info");
            let warn_span = tracing::warn_span!("loud", l = 2);
            let _l = warn_span.enter();
            tracing::warn!(target: "app", "warn");
        });
        guard.shutdown().unwrap();
        assert_eq!(lines_of(&path), [" WARN loud{l=2}: app: warn"]);
        let fmt: Vec<String> = capture
            .text()
            .lines()
            .map(|l| l.split_once(' ').unwrap().1.to_string())
            .collect();
        assert_eq!(
            fmt,
            [
                " INFO quiet{q=1}: app: info",
                " WARN quiet{q=1}:loud{l=2}: app: warn"
            ]
        );
        std::fs::remove_file(&path).unwrap();
    });
}

/// Logs through the layer's logger itself while it is formatted, as a
/// `Debug` field value. (Through `tracing` it would reach the layer only
/// under the global dispatcher: see tests/process/tracing_global.rs.)
struct Logs {
    logger: ringlog::log::Logger,
    i: u32,
}

impl fmt::Debug for Logs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ringlog::info!(logger: &self.logger, target: "direct", "nested {}", self.i);
        write!(f, "logs#{}", self.i)
    }
}

#[test]
fn a_debug_value_that_logs_does_not_wedge() {
    with_deadline("tracing_layer_reentry", 60, || {
        let path = temp_path("tracing-layer-reentry");
        // Two slots: were an event's slot claimed while its fields are
        // formatted, the nested call would wait for it forever.
        let (layer, guard) =
            ringlog::tracing::Layer::new(LoggerBuilder::new(&path).capacity(2)).unwrap();
        let logger = layer.logger().clone();
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            let span = tracing::info_span!("s", v = ?Logs { logger: logger.clone(), i: 0 });
            let _s = span.enter();
            for i in 1..=500 {
                tracing::info!(target: "outer", v = ?Logs { logger: logger.clone(), i }, "outer");
            }
        });
        guard.shutdown().unwrap();
        let lines = lines_of(&path);
        assert_eq!(
            lines.len(),
            1 + 2 * 500,
            "{:?}",
            &lines[..4.min(lines.len())]
        );
        // The nested record is logged while the outer one is encoded: first.
        assert!(lines[0].ends_with("] direct: nested 0"), "{}", lines[0]);
        for (i, pair) in lines[1..].chunks(2).enumerate() {
            let i = i + 1;
            assert!(
                pair[0].ends_with(&format!("] direct: nested {i}")),
                "{}",
                pair[0]
            );
            assert_eq!(
                pair[1],
                format!(" INFO s{{v=logs#0}}: outer: outer v=logs#{i}")
            );
        }
        assert_eq!(logger.metrics().dropped_total(), 0);
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn the_loggers_own_filter_directives_apply_to_the_layer() {
    with_deadline("tracing_layer_logger_filter", 60, || {
        let path = temp_path("tracing-layer-logger-filter");
        let builder = LoggerBuilder::new(&path).filter("error,app=debug");
        let (layer, guard) = ringlog::tracing::Layer::new(builder).unwrap();
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "app", "kept for app");
            tracing::debug!(target: "noisy", "left out for noisy");
            tracing::error!(target: "noisy", "kept: error");
        });
        guard.shutdown().unwrap();
        assert_eq!(
            lines_of(&path),
            ["DEBUG app: kept for app", "ERROR noisy: kept: error"]
        );
        std::fs::remove_file(&path).unwrap();
    });
}
