//! Calls that wait return promptly (issue 9): a timed read ends near its
//! deadline whatever the wait strategy's step, and a call that would wait for
//! room only its own thread can make fails or is documented to hang.

mod common;

use common::with_deadline;
use ringlog::{ConsumeTimeoutError, Park, RingBuilder, Sleep, WaitStrategy, Yield};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A 300 ms sleep step: without the cap at the deadline, a 5 ms timed read
/// returned after 300 ms.
fn long_sleeps() -> Sleep {
    Sleep::new(0, Duration::from_millis(300), Duration::from_millis(300))
}

/// Generous for a loaded 2-core machine, and well below the 300 ms step.
const BOUND: Duration = Duration::from_millis(150);
const TIMEOUT: Duration = Duration::from_millis(5);

fn assert_times_out_promptly(wait: impl WaitStrategy) {
    let name = format!("{wait:?}");
    with_deadline("timed_read", 30, move || {
        let (_producer, mut consumer) = RingBuilder::new(4)
            .wait_strategy(wait)
            .build::<u64>()
            .unwrap();
        for _ in 0..3 {
            let start = Instant::now();
            let result = consumer.read_chunk_timeout(TIMEOUT).map(|c| c.len());
            let took = start.elapsed();
            assert_eq!(result, Err(ConsumeTimeoutError::Timeout), "{name}");
            assert!(took >= TIMEOUT, "{name}: returned early, after {took:?}");
            assert!(took < BOUND, "{name}: a 5 ms timeout took {took:?}");
            let start = Instant::now();
            let result = consumer.consume_timeout(TIMEOUT, |_, _| {});
            assert_eq!(result, Err(ConsumeTimeoutError::Timeout), "{name}");
            assert!(
                start.elapsed() < BOUND,
                "{name}: took {:?}",
                start.elapsed()
            );
        }
    });
}

#[test]
fn timed_reads_end_near_the_deadline_whatever_the_sleep_step() {
    assert_times_out_promptly(long_sleeps());
    assert_times_out_promptly(Park::new(0, 0));
    assert_times_out_promptly(Yield::new(0));
}

/// The consumer waits for a claim that is in flight (its producer is inside
/// the write closure): it polls instead of parking, and that poll too ends at
/// the deadline. Then the event arrives once published.
#[test]
fn a_timed_read_behind_a_claim_in_flight_ends_near_the_deadline() {
    for wait in [long_sleeps(), Sleep::new(0, TIMEOUT, TIMEOUT)] {
        with_deadline("claim_in_flight", 30, move || {
            let (producer, mut consumer) = RingBuilder::new(4)
                .wait_strategy(wait)
                .build::<u64>()
                .unwrap();
            let (claimed_tx, claimed_rx) = mpsc::channel();
            let (go_tx, go_rx) = mpsc::channel::<()>();
            let writer = std::thread::spawn(move || {
                producer
                    .publish_with(|slot| {
                        claimed_tx.send(()).unwrap();
                        go_rx.recv().unwrap();
                        *slot = 7;
                    })
                    .unwrap();
            });
            claimed_rx.recv().unwrap();
            let start = Instant::now();
            let result = consumer.read_chunk_timeout(TIMEOUT).map(|c| c.len());
            let took = start.elapsed();
            assert_eq!(result, Err(ConsumeTimeoutError::Timeout));
            assert!(took < BOUND, "a 5 ms timeout took {took:?}");
            go_tx.send(()).unwrap();
            let got = consumer.consume_timeout(Duration::from_secs(10), |e, _| assert_eq!(*e, 7));
            assert_eq!(got, Ok(1));
            writer.join().unwrap();
        });
    }
}
