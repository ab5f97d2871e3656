//! The consumer's linger sleep (`RingBuilder::linger`): taken only where
//! `ring/linger.rs` allows it, never past a read's deadline, and with
//! nothing lost or reordered when it is.
//!
//! A run found at the consumer's first look, shorter than 512 events, is
//! lingered over. With a linger sleep far longer than anything else in a
//! test (seconds), whether the consumer slept shows in the time a read
//! takes, without timing anything finer.

use crate::common::{scaled, with_deadline};
use ringlog::RingBuilder;
use std::time::{Duration, Instant};

/// A linger sleep no read could take by accident.
const LONG: Duration = Duration::from_secs(2);

/// A ring of `capacity` with the linger `sleep`, `n` events pushed through
/// `handles` producer handles before the consumer looks; returns the run the
/// consumer took and how long it took to take it.
fn first_run(capacity: usize, sleep: Duration, handles: usize, n: u64) -> (usize, Duration) {
    let (producer, mut consumer) = RingBuilder::new(capacity)
        .linger(sleep)
        .build::<u64>()
        .unwrap();
    let _clones: Vec<_> = (1..handles).map(|_| producer.clone()).collect();
    for i in 0..n {
        producer.push(i).unwrap();
    }
    let start = Instant::now();
    let mut next = 0;
    let taken = consumer
        .consume(|e, _| {
            assert_eq!(*e, next);
            next += 1;
        })
        .unwrap();
    (taken, start.elapsed())
}

#[test]
fn a_lone_producer_on_a_big_ring_is_lingered_over_by_sleeping() {
    let (taken, took) = with_deadline("linger_sleeps", 60, || first_run(1 << 16, LONG, 1, 100));
    assert_eq!(taken, 100);
    assert!(
        took >= LONG,
        "the consumer took the run after {took:?}, without the linger sleep"
    );
}

/// No producer publishes while the consumer looks (here: the one producer
/// is the consumer's own thread, done pushing): the run does not grow, so a
/// sleep would only delay it. (Before: every push-then-consume on one
/// thread slept, ~100x slower than without a linger sleep.)
#[test]
fn a_run_that_does_not_grow_is_not_slept_for() {
    let (taken, took) = with_deadline("linger_no_growth", 60, || first_run(1 << 16, LONG, 1, 100));
    assert_eq!(taken, 100);
    assert!(
        took < LONG,
        "slept {took:?} over a run nobody was adding to"
    );
}

#[test]
fn two_producer_handles_are_not_slept_for() {
    let (taken, took) = with_deadline("linger_two_handles", 60, || {
        first_run(1 << 16, LONG, 2, 100)
    });
    assert_eq!(taken, 100);
    assert!(took < LONG, "slept {took:?} with two producer handles");
}

#[test]
fn a_small_ring_is_not_slept_for() {
    let (taken, took) = with_deadline("linger_small_ring", 60, || first_run(1024, LONG, 1, 100));
    assert_eq!(taken, 100);
    assert!(took < LONG, "slept {took:?} on a 1024-slot ring");
}

#[test]
fn a_run_long_enough_is_taken_at_once() {
    let (taken, took) = with_deadline("linger_long_run", 60, || first_run(1 << 16, LONG, 1, 600));
    assert_eq!(taken, 600);
    assert!(took < LONG, "slept {took:?} over a run of 600");
}

#[test]
fn a_timed_read_does_not_sleep_past_its_deadline() {
    with_deadline("linger_deadline", 60, || {
        let (producer, mut consumer) = RingBuilder::new(1 << 16)
            .linger(Duration::from_secs(3600))
            .build::<u64>()
            .unwrap();
        producer.push(7).unwrap();
        let start = Instant::now();
        let taken = consumer
            .consume_timeout(Duration::from_millis(20), |e, _| assert_eq!(*e, 7))
            .unwrap();
        assert_eq!(taken, 1);
        assert!(
            start.elapsed() < LONG,
            "slept {:?} past a 20 ms deadline",
            start.elapsed()
        );
    });
}

/// Timing-based (a median of many reads), so not under Miri, where a
/// spin hint alone takes microseconds.
#[cfg(not(miri))]
#[test]
fn busy_spin_does_not_sleep_by_default() {
    // The default linger sleep (20 µs) is short, but every sleep lasts at
    // least that long: with every other condition for one met, a BusySpin
    // ring's consumer must take its lingered-over run faster than that in
    // most reads (the median of 201, so preemptions do not decide it).
    with_deadline("linger_busy_spin", 60, || {
        let mut took: Vec<Duration> = (0..201)
            .map(|_| {
                let (producer, mut consumer) = RingBuilder::new(1 << 16)
                    .wait_strategy(ringlog::BusySpin)
                    .build::<u64>()
                    .unwrap();
                producer.push(1).unwrap();
                let start = Instant::now();
                assert_eq!(consumer.consume(|_, _| {}), Ok(1));
                start.elapsed()
            })
            .collect();
        took.sort();
        assert!(
            took[100] < ringlog::DEFAULT_LINGER,
            "BusySpin lingered by sleeping: median read {:?}",
            took[100]
        );
    });
}

#[test]
fn a_lone_fast_producer_loses_nothing_with_the_default_sleep() {
    with_deadline("linger_default_fifo", 120, || {
        let n = scaled(2_000_000, 2_000);
        let (producer, mut consumer) = RingBuilder::new(1 << 16).build::<u64>().unwrap();
        let pusher = std::thread::spawn(move || {
            for i in 0..n {
                producer.push(i).unwrap();
            }
        });
        let mut next = 0;
        while consumer
            .consume(|e, _| {
                assert_eq!(*e, next);
                next += 1;
            })
            .is_ok()
        {}
        pusher.join().unwrap();
        assert_eq!(next, n);
    });
}
