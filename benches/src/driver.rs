//! What the example drivers under `benches/examples/` share: their
//! `[rounds]` argument, the timed push of a one-producer run, and the
//! median they print.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The first command-line argument as a number of rounds, `default` without
/// one. Panics (the driver's whole output is then the message) on a value
/// that is not a number, or on 0, which would leave nothing to take a median
/// of.
pub fn rounds_arg(default: usize) -> usize {
    let rounds = std::env::args()
        .nth(1)
        .map_or(default, |r| r.parse().expect("rounds: a number"));
    assert!(rounds >= 1, "rounds: at least 1");
    rounds
}

/// Waits `settle` (for the consumer to start waiting), pushes `0..events`
/// through `producer`, then joins `reader`, the consumer's thread, which
/// returns how many reads it took them in: (M events/s from the first push
/// to the join, mean events per read).
pub fn push_and_time(
    producer: &ringlog::Producer<u64>,
    events: u64,
    settle: Duration,
    reader: JoinHandle<u64>,
) -> (f64, f64) {
    std::thread::sleep(settle);
    let start = Instant::now();
    for i in 0..events {
        producer.push(i).expect("push");
    }
    let reads = reader.join().expect("consumer");
    let secs = start.elapsed().as_secs_f64();
    (
        events as f64 / secs / 1e6,
        events as f64 / reads.max(1) as f64,
    )
}

/// The median of `values` (the upper one of an even count), sorting them
/// in place. Panics on an empty slice.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(&mut [4.0, 1.0, 3.0, 2.0]), 3.0);
    }
}
