//! The criterion benches' guard against hangs: a run on its own thread,
//! waited for with a deadline.

use std::sync::mpsc;
use std::time::Duration;

/// Runs `run` on its own thread and returns what it returns.
///
/// # Panics
/// If the run's own check failed (`Err`) or its thread panicked: `RESULT
/// CHECK FAILED: <what>: <why>`.
///
/// If the run is still going after `deadline`, says so on stderr (`HANG:
/// <what> …`) and exits the process with status 2: a hang must not stall
/// the bench, and a stuck thread cannot be stopped.
pub fn watchdog<T: Send + 'static>(
    what: &str,
    deadline: Duration,
    run: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run());
    });
    match rx.recv_timeout(deadline) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(failure)) => panic!("RESULT CHECK FAILED: {what}: {failure}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("RESULT CHECK FAILED: {what}: the run's thread panicked")
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            eprintln!("\nHANG: {what} did not finish within {deadline:?}; aborting the bench");
            std::process::exit(2);
        }
    }
}
