//! JSON lines parse back with serde_json into exactly what was logged.

use crate::common::with_deadline;
use crate::log_common::temp_path;
use ringlog::log::{Format, Level, LoggerBuilder};
use serde_json::Value;

#[test]
fn json_lines_parse_back_exactly() {
    with_deadline("json", 60, || {
        let path = temp_path("json");
        let (logger, guard) = LoggerBuilder::new(&path)
            .format(Format::Json)
            .slot_size(64)
            .build()
            .unwrap();
        let messages: Vec<String> = vec![
            "plain".into(),
            r#"quotes " and \ backslashes \\ "#.into(),
            "new\nline, carriage\rreturn, tab\t, nul \u{0} bell \u{7} esc \u{1b} del \u{7f}".into(),
            "unicode é ✓ 😀 \u{2028} \u{feff}".into(),
            "</script> {\"json\": [1, 2]} ".repeat(10), // spills
            String::new(),
        ];
        let thread_name = "we\"ird\\name\t";
        let worker = {
            let logger = logger.clone();
            let messages = messages.clone();
            std::thread::Builder::new()
                .name(thread_name.into())
                .spawn(move || {
                    for (i, m) in messages.iter().enumerate() {
                        logger
                            .log(Level::ALL[i % 5], "json::\"target\"", format_args!("{m}"))
                            .unwrap();
                    }
                })
                .unwrap()
        };
        worker.join().unwrap();
        logger
            .info("unnamed-check", format_args!("from main"))
            .unwrap();
        let unnamed = std::thread::spawn({
            let logger = logger.clone();
            move || logger.info("unnamed", format_args!("x")).unwrap()
        });
        unnamed.join().unwrap();
        guard.shutdown().unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        let values: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(values.len(), messages.len() + 2);
        for (i, (v, m)) in values.iter().zip(&messages).enumerate() {
            assert_eq!(v["msg"], Value::String(m.clone()), "line {i}");
            assert_eq!(v["target"], "json::\"target\"");
            assert_eq!(v["level"], Level::ALL[i % 5].as_str());
            assert_eq!(v["thread"], thread_name);
            assert!(v["thread_id"].as_u64().unwrap() >= 1);
            let ts = v["ts"].as_str().unwrap();
            assert_eq!(ts.len(), 30, "{ts}");
            assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b'T');
            assert_eq!(v.as_object().unwrap().len(), 6);
        }
        // `with_deadline` runs the test on a thread named after it.
        assert_eq!(values[messages.len()]["thread"], "json");
        assert_eq!(values[messages.len() + 1]["thread"], Value::Null);
        std::fs::remove_file(&path).unwrap();
    });
}
