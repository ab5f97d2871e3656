//! The consumer's linger sleep (`RingBuilder::linger`): taken only where
//! `ring/linger.rs` allows it and the run grows behind the consumer, never
//! past a read's deadline, and with nothing lost or reordered when it is.
//!
//! A run found at the consumer's first look, shorter than 512 events, is
//! lingered over; it is slept for only if it grows in a short spin pause,
//! so the tests that expect a sleep (or whose mutants would sleep) run a
//! producer thread that pushes all the time. With a linger sleep far longer
//! than anything else in a test (seconds), whether the consumer slept shows
//! in the time a read takes, without timing anything finer: the tests that
//! expect no sleep never fail by timing, those that expect one retry until
//! it comes.

use crate::common::{scaled, with_deadline};
use ringlog::{ConsumeTimeoutError, Consumer, RingBuilder};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A linger sleep no read could take by accident.
const LONG: Duration = Duration::from_secs(2);

/// A ring of `capacity` with the linger `sleep`, `handles` producer handles,
/// and a thread pushing 0, 1, 2, … through the first until the ring closes,
/// `head_start` events before `f` gets the consumer. Returns what `f`
/// returns.
fn with_running_producer<R>(
    capacity: usize,
    sleep: Duration,
    handles: usize,
    head_start: u64,
    f: impl FnOnce(&mut Consumer<u64>) -> R,
) -> R {
    let (producer, mut consumer) = RingBuilder::new(capacity)
        .linger(sleep)
        .build::<u64>()
        .unwrap();
    let clones: Vec<_> = (1..handles).map(|_| producer.clone()).collect();
    let started = Arc::new(AtomicBool::new(false));
    let pusher = {
        let started = Arc::clone(&started);
        std::thread::spawn(move || {
            let _clones = clones;
            let mut i = 0;
            loop {
                if i == head_start {
                    started.store(true, Ordering::Release);
                }
                if producer.push(i).is_err() {
                    break;
                }
                i += 1;
            }
        })
    };
    while !started.load(Ordering::Acquire) {
        std::thread::yield_now();
    }
    let result = f(&mut consumer);
    drop(consumer); // closes the ring: the pusher stops
    pusher.join().unwrap();
    result
}

/// Reads (checking the order of events from `*next`) until `stop` says so
/// given how long the last read took; returns that read's time.
fn read_until(
    consumer: &mut Consumer<u64>,
    next: &mut u64,
    mut stop: impl FnMut(Duration) -> bool,
) -> Duration {
    loop {
        let start = Instant::now();
        consumer
            .consume(|e, _| {
                assert_eq!(*e, *next);
                *next += 1;
            })
            .unwrap();
        let took = start.elapsed();
        if stop(took) {
            return took;
        }
    }
}

/// Whether the consumer, reading for about `window` beside a running
/// producer, ever took a linger sleep of [`LONG`].
fn slept_within(capacity: usize, handles: usize, window: Duration) -> bool {
    with_running_producer(capacity, LONG, handles, 0, |consumer| {
        let end = Instant::now() + window;
        let mut next = 0;
        read_until(consumer, &mut next, |took| {
            took >= LONG || Instant::now() >= end
        }) >= LONG
    })
}

#[test]
fn a_lone_producer_on_a_big_ring_is_lingered_over_by_sleeping() {
    // Retried until it comes: on a loaded machine the pusher may be off its
    // CPU whenever the consumer looks.
    let slept = with_deadline("linger_sleeps", 120, || {
        slept_within(1 << 16, 1, Duration::from_secs(60))
    });
    assert!(slept, "the consumer never slept beside a running producer");
}

/// No producer publishes while the consumer looks (here: the one producer
/// is the consumer's own thread, done pushing): the run does not grow, so a
/// sleep would only delay it. (Before: every push-then-consume on one
/// thread slept, ~100x slower than without a linger sleep.)
#[test]
fn a_run_that_does_not_grow_is_not_slept_for() {
    let (taken, took) = with_deadline("linger_no_growth", 60, || {
        let (producer, mut consumer) = RingBuilder::new(1 << 16)
            .linger(LONG)
            .build::<u64>()
            .unwrap();
        for i in 0..100 {
            producer.push(i).unwrap();
        }
        let start = Instant::now();
        let taken = consumer.consume(|_, _| {}).unwrap();
        (taken, start.elapsed())
    });
    assert_eq!(taken, 100);
    assert!(
        took < LONG,
        "slept {took:?} over a run nobody was adding to"
    );
}

#[test]
fn two_producer_handles_are_not_slept_for() {
    let slept = with_deadline("linger_two_handles", 60, || {
        slept_within(1 << 16, 2, Duration::from_millis(300))
    });
    assert!(!slept, "slept with two producer handles");
}

#[test]
fn a_small_ring_is_not_slept_for() {
    let slept = with_deadline("linger_small_ring", 60, || {
        slept_within(1024, 1, Duration::from_millis(300))
    });
    assert!(!slept, "slept on a 1024-slot ring");
}

#[test]
fn a_run_long_enough_is_taken_at_once() {
    let (taken, took) = with_deadline("linger_long_run", 60, || {
        with_running_producer(1 << 16, LONG, 1, 600, |consumer| {
            let start = Instant::now();
            let taken = consumer.consume(|_, _| {}).unwrap();
            (taken, start.elapsed())
        })
    });
    assert!(taken >= 600, "took a run of {taken}");
    assert!(took < LONG, "slept {took:?} over a run of {taken}");
}

#[test]
fn a_timed_read_does_not_sleep_past_its_deadline() {
    with_deadline("linger_deadline", 60, || {
        with_running_producer(1 << 16, Duration::from_secs(3600), 1, 0, |consumer| {
            let mut next = 0;
            for _ in 0..50 {
                let start = Instant::now();
                let read = consumer.consume_timeout(Duration::from_millis(20), |e, _| {
                    assert_eq!(*e, next);
                    next += 1;
                });
                // A loaded machine may keep the pusher off its CPU for 20 ms.
                assert!(
                    matches!(read, Ok(_) | Err(ConsumeTimeoutError::Timeout)),
                    "{read:?}"
                );
                assert!(
                    start.elapsed() < LONG,
                    "slept {:?} past a 20 ms deadline",
                    start.elapsed()
                );
            }
        });
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
