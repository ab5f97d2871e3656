//! A failing sink is counted, reported to waiters, and never stops the writer
//! or blocks producers. (Recovery of a file sink: tests/log_reopen.rs, tests/log_disk_full.rs.)

mod common;

use common::with_deadline;
use ringlog::log::{FlushError, LoggerBuilder, ShutdownError, Sink};
use std::io;
use std::sync::{Arc, Mutex};

/// Fails every write while `failing` is set; keeps the rest.
struct Flaky {
    failing: Arc<Mutex<bool>>,
    out: Arc<Mutex<Vec<u8>>>,
}

impl Sink for Flaky {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        if *self.failing.lock().unwrap() {
            return Err(io::Error::other("disk full (test)"));
        }
        self.out.lock().unwrap().extend_from_slice(bytes);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_errors_are_counted_and_the_writer_carries_on() {
    with_deadline("sink_errors", 30, || {
        let failing = Arc::new(Mutex::new(true));
        let out = Arc::new(Mutex::new(Vec::new()));
        let (logger, guard) = LoggerBuilder::with_sink(Flaky {
            failing: failing.clone(),
            out: out.clone(),
        })
        .capacity(4)
        .build()
        .unwrap();
        // Many more records than slots: producers must not block on a
        // failing sink.
        for i in 0..100 {
            logger.info("t", format_args!("lost {i}")).unwrap();
        }
        match logger.flush() {
            Err(FlushError::WriteErrors(n)) => assert!(n >= 1),
            other => panic!("{other:?}"),
        }
        // Reported once: the next flush has nothing new to report.
        assert_eq!(logger.flush(), Ok(()));
        let m = logger.metrics();
        assert!(m.write_errors >= 1);
        assert_eq!(
            (m.written, m.lost),
            (0, 100),
            "every failed record is counted as lost"
        );
        assert_eq!(m.dropped_total(), 0, "write failures are not drops");

        *failing.lock().unwrap() = false;
        logger.info("t", format_args!("kept")).unwrap();
        assert_eq!(logger.flush(), Ok(()));
        let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
        // The record, then the loss report (written once writing works again).
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with("t: kept"), "{text}");
        assert!(
            lines[1].contains("ringlog: 100 records lost to log write errors between"),
            "{text}"
        );
        assert_eq!(logger.metrics().written, 1);
        assert!(matches!(guard.shutdown(), Err(ShutdownError::WriteErrors(n)) if n >= 1));
    });
}
