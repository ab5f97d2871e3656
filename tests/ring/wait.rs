//! Every wait strategy finishes in bounded time with more threads than cores
//! (the CI machine has 2), and parking never loses a wake-up in either
//! direction.
//!
//! BusySpin with 4 producers and a consumer on 2 cores is the starved case:
//! spinning threads burn the time slices of the thread they wait for. It
//! finishes because the OS preempts; the event count is modest so it does so
//! in seconds, and the watchdog turns a hang into a failure.

use crate::common::{push_and_check_fifo, scaled, with_deadline};
use ringlog::{BusySpin, Park, RingBuilder, Sleep, WaitStrategy, Yield};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

/// The oversubscribed tests take turns: run side by side they would put 15
/// spinning threads on 2 cores, which measures the machine, not the ring.
pub(crate) static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// 4 producers and a consumer (5 threads on 2 cores) push `per` events each
/// through a ring of `capacity`; every event must arrive once, in order per
/// producer, within the watchdog's bound. The turn is taken before the
/// watchdog starts, so waiting for another test does not count against it.
fn oversubscribed<W: WaitStrategy + Copy>(name: &str, strategy: W, capacity: usize, per: u64) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    with_deadline(name, 120, move || run(strategy, capacity, per));
}

fn run(strategy: impl WaitStrategy, capacity: usize, per: u64) {
    push_and_check_fifo(RingBuilder::new(capacity).wait_strategy(strategy), 4, per);
}

#[test]
fn busy_spin_with_more_threads_than_cores() {
    // Starved by design: with 5 spinning threads on 2 cores a hand-off often
    // waits for the OS to preempt a spinner (measured ~14k events/s on a
    // 2-slot ring on a loaded machine), so these cases run fewer events.
    oversubscribed("busy_spin_64", BusySpin, 64, scaled(30_000, 30));
    oversubscribed("busy_spin_2", BusySpin, 2, scaled(5_000, 30));
}

#[test]
fn yield_with_more_threads_than_cores() {
    oversubscribed("yield_64", Yield::default(), 64, scaled(100_000, 30));
    oversubscribed("yield_2", Yield::default(), 2, scaled(100_000, 30));
}

#[test]
fn park_with_more_threads_than_cores() {
    oversubscribed("park_64", Park::default(), 64, scaled(100_000, 30));
    oversubscribed("park_2", Park::default(), 2, scaled(100_000, 30));
}

#[test]
fn sleep_with_more_threads_than_cores() {
    oversubscribed("sleep_64", Sleep::default(), 64, scaled(100_000, 30));
    oversubscribed("sleep_2", Sleep::default(), 2, scaled(20_000, 30));
}

/// Both sides park at once (no spinning), on a ring of one slot: every event
/// needs a consumer wake-up (ring was empty) and, when the producer runs ahead,
/// a producer wake-up (ring was full). A single lost wake-up hangs both sides
/// and trips the watchdog.
#[test]
fn park_immediately_ping_pong_loses_no_wake_up() {
    with_deadline("ping_pong", 60, || {
        let (producer, mut consumer) = RingBuilder::new(1)
            .wait_strategy(Park::new(0, 0))
            .build::<u64>()
            .unwrap();
        let n = scaled(20_000, 40);
        let writer = thread::spawn(move || {
            for i in 0..n {
                producer.push(i).unwrap();
            }
        });
        let mut expected = 0;
        while consumer
            .consume(|e, _| {
                assert_eq!(*e, expected);
                expected += 1;
            })
            .is_ok()
        {}
        writer.join().unwrap();
        assert_eq!(expected, n);
    });
}

/// A consumer that has been asleep a while is woken by a single event.
#[test]
fn a_long_sleeping_consumer_is_woken_by_one_event() {
    with_deadline("long_sleep", 30, || {
        let (producer, mut consumer) = RingBuilder::new(8)
            .wait_strategy(Park::new(0, 0))
            .build::<u64>()
            .unwrap();
        let reader = thread::spawn(move || {
            let mut got = vec![];
            while consumer.consume(|e, _| got.push(*e)).is_ok() {}
            got
        });
        for i in 0..scaled(5, 2) {
            thread::sleep(Duration::from_millis(20));
            producer.push(i).unwrap();
        }
        drop(producer);
        assert_eq!(
            reader.join().unwrap(),
            (0..scaled(5, 2)).collect::<Vec<_>>()
        );
    });
}
