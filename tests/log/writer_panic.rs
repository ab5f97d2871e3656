//! A sink that panics kills the writer thread; nothing hangs: log calls get
//! `Closed`, flush gets `WriterGone`, shutdown reports the panic.

use crate::common::with_deadline;
use ringlog::log::{FlushError, LogError, LoggerBuilder, ShutdownError, Sink};
use std::io;
use std::time::{Duration, Instant};

struct Panicking;

impl Sink for Panicking {
    fn write_run(&mut self, _: &[u8]) -> io::Result<()> {
        panic!("sink panicked (test)");
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_panicking_sink_never_hangs_anyone() {
    with_deadline("writer_panic", 30, || {
        let (logger, guard) = LoggerBuilder::with_sink(Panicking)
            .capacity(4)
            .build()
            .unwrap();
        let _ = logger.info("t", format_args!("triggers the panic"));
        let start = Instant::now();
        // The writer dies; the ring closes as its consumer is dropped.
        while !logger.is_closed() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "writer did not die"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        for _ in 0..100 {
            assert_eq!(logger.info("t", format_args!("x")), Err(LogError::Closed));
        }
        assert_eq!(
            logger.flush_timeout(Duration::from_secs(10)),
            Err(FlushError::WriterGone)
        );
        assert_eq!(guard.shutdown(), Err(ShutdownError::WriterPanicked));
        assert!(start.elapsed() < Duration::from_secs(10));
        assert_eq!(logger.metrics().dropped_total(), 100);
    });
}
