//! The opt-in panic hook logs the panic and flushes before the panic goes on.
//! (Its own test binary: the panic hook is process-wide.)

mod common;
mod log_common;

use common::with_deadline;
use log_common::temp_path;
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
        let lines: Vec<_> = text.lines().collect();
        // The panic record's message spans two lines: location, then payload.
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].ends_with("app: before the panic"));
        assert!(lines[1].contains(" ERROR [doomed#"), "{}", lines[1]);
        assert!(lines[1].contains("] panic: panicked at tests/log_panic.rs:"));
        assert_eq!(lines[2], "boom 42");
        guard.shutdown().unwrap();
        std::fs::remove_file(&path).unwrap();
    });
}
