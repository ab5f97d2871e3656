//! Memory after a burst: once a burst of large records is written, the
//! logger holds its ring's bytes plus a small bound, not the burst. Runs in
//! a child process (this binary again, this test alone), so that the
//! process-wide count of live heap bytes is this test's own.

use crate::common::run_test_child;
use crate::live_bytes;
use ringlog::log::{LoggerBuilder, Sink};
use std::io;
use std::time::Duration;

/// Discards what it is given; its first write stalls (a slow disk), so the
/// whole burst piles up in the ring and reaches the writer as one run.
struct StallsOnce {
    stalled: bool,
}

impl Sink for StallsOnce {
    fn write_run(&mut self, _: &[u8]) -> io::Result<()> {
        if !self.stalled {
            self.stalled = true;
            std::thread::sleep(Duration::from_millis(300));
        }
        Ok(())
    }
}

const MIB: usize = 1024 * 1024;

#[test]
fn memory_returns_to_the_ring_after_a_burst() {
    if std::env::var_os("RINGLOG_MEMORY_CHILD").is_none() {
        let env = [("RINGLOG_MEMORY_CHILD", std::ffi::OsStr::new("1"))];
        let test = "memory::memory_returns_to_the_ring_after_a_burst";
        let (status, stdout) = run_test_child(test, &env, Duration::from_secs(120));
        assert!(status.success(), "child failed:\n{stdout}");
        assert!(stdout.contains("memory child done"), "{stdout}");
        return;
    }
    let before = live_bytes();
    let (logger, guard) = LoggerBuilder::with_sink(StallsOnce { stalled: false })
        .capacity(256)
        .flush_interval(Duration::from_millis(20))
        .build()
        .unwrap();
    // A first small record wakes the writer into the stalling write.
    logger.info("burst", format_args!("start")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let idle = live_bytes() - before;
    let big = "x".repeat(MIB);
    for i in 0..200 {
        logger.info("burst", format_args!("{i} {big}")).unwrap();
    }
    drop(big);
    logger.flush().unwrap();
    // An idle wake-up or two.
    std::thread::sleep(Duration::from_millis(100));
    let after = live_bytes() - before;
    let metrics = logger.metrics();
    assert_eq!(metrics.written, 201);
    // The burst went through as runs cut at the writer's run size.
    assert!(metrics.batches >= 100, "{metrics:?}");
    println!("idle {idle} B, after the burst {after} B");
    assert!(
        after <= idle + 2 * MIB,
        "the logger holds {after} B after a 200 MiB burst, {idle} B before it"
    );
    guard.shutdown().unwrap();
    println!("memory child done");
}
