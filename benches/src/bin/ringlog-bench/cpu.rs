//! The process's CPU time over a measured interval (Linux, `/proc/self/stat`).

use ringlog_bench::sched::process_ticks;
use std::sync::atomic::{AtomicU64, Ordering};

/// Nanoseconds in one clock tick (Linux's USER_HZ is 100).
pub const NS_PER_TICK: f64 = 1e7;

/// CPU ticks at the start of the measured part, and used by it (`u64::MAX`:
/// unknown). Relaxed: written and read by the same child process's threads
/// in the order the workload's start and stop hooks run (joined threads).
static START: AtomicU64 = AtomicU64::new(u64::MAX);
static USED: AtomicU64 = AtomicU64::new(u64::MAX);

/// Starts the measured interval.
pub fn start() {
    START.store(process_ticks().unwrap_or(u64::MAX), Ordering::Relaxed);
}

/// Ends the measured interval.
pub fn stop() {
    let start = START.load(Ordering::Relaxed);
    if let (Some(now), true) = (process_ticks(), start != u64::MAX) {
        USED.store(now.saturating_sub(start), Ordering::Relaxed);
    }
}

/// Ticks used between the last [`start`] and [`stop`], if known.
pub fn used_ticks() -> Option<u64> {
    Some(USED.load(Ordering::Relaxed)).filter(|&t| t != u64::MAX)
}
