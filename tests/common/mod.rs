//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on its own thread and fails the test if it has not finished after
/// `secs` seconds, so that a hang shows up as a failure naming the test
/// instead of a stuck CI job. A panic inside `f` is propagated as is.
pub fn with_deadline<R: Send + 'static>(
    name: &str,
    secs: u64,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (done_tx, done_rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let result = f();
            let _ = done_tx.send(());
            result
        })
        .expect("spawn test thread");
    match done_rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(()) => worker.join().expect("test thread finished"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: no result after {secs} s: the ring hung (watchdog)")
        }
    }
}

/// `full` normally, `small` under Miri (which runs ~1000x slower).
pub fn scaled(full: u64, small: u64) -> u64 {
    if cfg!(miri) {
        small
    } else {
        full
    }
}
