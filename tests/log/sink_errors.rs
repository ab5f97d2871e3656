//! A failing sink is counted, reported to waiters, and never stops the writer
//! or blocks producers. (Recovery of a file sink: tests/log_reopen.rs, tests/log_disk_full.rs.)

use crate::common::with_deadline;
use crate::log_common::SwitchableSink;
use ringlog::log::{FlushError, LoggerBuilder, ShutdownError};
use std::io;
use std::sync::atomic::Ordering;

#[test]
fn write_errors_are_counted_and_the_writer_carries_on() {
    with_deadline("sink_errors", 30, || {
        let sink = SwitchableSink::new(true, || io::Error::other("disk full (test)"));
        let (failing, out) = (sink.failing.clone(), sink.out.clone());
        let (logger, guard) = LoggerBuilder::with_sink(sink).capacity(4).build().unwrap();
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

        failing.store(false, Ordering::SeqCst);
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
