//! Structured fields and source locations: the `log` crate's key-value
//! pairs as `k=v` in text and a `fields` object in JSON, and `file:line` of
//! the records that know theirs, when the logger is asked to show it.

use crate::common::with_deadline;
use crate::log_common::{messages, temp_path};
use ringlog::log::{Format, Level, LoggerBuilder};

/// `log`'s records with key-value pairs, through `log::Log` directly (the
/// global logger belongs to the process-level tests).
fn log_kv(logger: &ringlog::log::Logger, location: Option<(&'static str, u32)>) {
    let kvs: [(&str, log::kv::Value<'_>); 5] = [
        ("user", log::kv::Value::from("ann \"a\"")),
        ("n", log::kv::Value::from(42u64)),
        ("delta", log::kv::Value::from(-3i64)),
        ("ok", log::kv::Value::from(true)),
        ("ratio", log::kv::Value::from(0.5f64)),
    ];
    log::Log::log(
        logger,
        &log::Record::builder()
            .level(log::Level::Info)
            .target("app")
            .args(format_args!("request {}", 7))
            .key_values(&kvs)
            .file_static(location.map(|l| l.0))
            .module_path_static(Some("app::handlers"))
            .line(location.map(|l| l.1))
            .build(),
    );
}

#[test]
fn key_values_are_fields_in_text_and_json() {
    with_deadline("fields_kv", 30, || {
        let path = temp_path("fields-text");
        let (logger, guard) = LoggerBuilder::new(&path).build().unwrap();
        log_kv(&logger, Some(("src/app.rs", 12)));
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("] app: request 7 user=ann \"a\" n=42 delta=-3 ok=true ratio=0.5\n"),
            "{text}"
        );
        std::fs::remove_file(&path).unwrap();

        let path = temp_path("fields-json");
        let (logger, guard) = LoggerBuilder::new(&path)
            .format(Format::Json)
            .build()
            .unwrap();
        log_kv(&logger, None);
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(json["msg"], "request 7");
        // Locations (and modules) only when asked for.
        assert!(json.get("module").is_none(), "{text}");
        assert_eq!(json["target"], "app");
        assert_eq!(json["fields"]["user"], "ann \"a\"");
        assert_eq!(json["fields"]["n"], 42);
        assert_eq!(json["fields"]["delta"], -3);
        assert_eq!(json["fields"]["ok"], true);
        assert_eq!(json["fields"]["ratio"], 0.5);
        assert!(json.get("file").is_none(), "{text}");
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn source_locations_are_shown_when_asked() {
    with_deadline("fields_location", 30, || {
        let path = temp_path("fields-location");
        let (logger, guard) = LoggerBuilder::new(&path)
            .source_location(true)
            .build()
            .unwrap();
        log_kv(&logger, Some(("src/app.rs", 12)));
        let line = line!() + 1;
        ringlog::info!(logger: &logger, target: "macro", "from a macro {}", 1);
        // `Logger::log` knows no location.
        logger
            .log(Level::Info, "plain", format_args!("no location"))
            .unwrap();
        guard.shutdown().unwrap();
        assert_eq!(
            messages(&path),
            [
                "app: src/app.rs:12: request 7 user=ann \"a\" n=42 delta=-3 ok=true ratio=0.5"
                    .to_string(),
                format!("macro: tests/log/fields.rs:{line}: from a macro 1"),
                "plain: no location".to_string(),
            ]
        );
        std::fs::remove_file(&path).unwrap();

        let path = temp_path("fields-location-json");
        let (logger, guard) = LoggerBuilder::new(&path)
            .source_location(true)
            .format(Format::Json)
            .build()
            .unwrap();
        ringlog::warn!(logger: &logger, target: "macro", "json {}", 2);
        guard.shutdown().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(json["file"], "tests/log/fields.rs");
        assert_eq!(json["module"], module_path!());
        assert!(json["line"].as_u64().unwrap() > 0);
        assert_eq!(json["msg"], "json 2");
        std::fs::remove_file(&path).unwrap();
    });
}
