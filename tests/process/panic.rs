//! The opt-in panic hook logs the panic and flushes before the panic goes on.
//! (In the process-level binary: the panic hook is process-wide, so a panic
//! of another test there may be logged into this file too; only the doomed
//! thread's lines are checked.)

use crate::common::with_deadline;
use crate::log_common::temp_path;
use ringlog::log::LoggerBuilder;
use std::time::Duration;

#[test]
fn panic_hook_logs_and_flushes() {
    with_deadline("panic_hook", 30, || {
        let path = temp_path("panic");
        let (logger, guard) = LoggerBuilder::new(&path)
            .flush_interval(Duration::from_secs(30))
            .flush_on_panic(true)
            .build()
            .unwrap();
        let doomed = {
            let logger = logger.clone();
            std::thread::Builder::new()
                .name("doomed".into())
                .spawn(move || {
                    logger
                        .info("app", format_args!("before the panic"))
                        .unwrap();
                    panic!("boom {}", 42);
                })
                .unwrap()
        };
        assert!(doomed.join().is_err());
        // No flush, no waiting: the hook has written both lines already.
        let text = std::fs::read_to_string(&path).unwrap();
        // The panic record's message spans two lines: location, then payload.
        let start = text
            .find(" [doomed#")
            .and_then(|i| text[..i].rfind('\n').map(|n| n + 1))
            .unwrap_or(0);
        let lines: Vec<_> = text[start..].lines().take(3).collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].ends_with("app: before the panic"));
        assert!(lines[1].contains(" ERROR [doomed#"), "{}", lines[1]);
        assert!(lines[1].contains("] panic: panicked at tests/process/panic.rs:"));
        assert_eq!(lines[2], "boom 42");
        guard.shutdown().unwrap();
        std::fs::remove_file(&path).unwrap();
    });
}
