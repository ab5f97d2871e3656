//! Models 4 and 5: parking never loses a wake-up.
//!
//! Every handle stays alive until the consumer has what it waits for: closing
//! the ring wakes both sides, which would hide a lost wake-up. A lost wake-up
//! leaves a thread asleep forever, which loom reports as a deadlock.
#![cfg(loom)]

use loom::thread;
use loom_tests::{
    assert_exactly_once_fifo, event, full_parking_ring, model, parking_ring, spawn_producers,
};

/// Model 4: the consumer parks at once on an empty ring (`Park::new(0, 0)`)
/// while two producers publish one event each; it must wake for both.
#[test]
fn consumer_parks_no_lost_wake_up() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let workers = spawn_producers(&producer, 0..2, |producer, id| {
            producer.push(event(id, 0)).unwrap();
            producer // kept alive: no close, so no wake by close
        });
        let mut got = Vec::new();
        while got.len() < 2 {
            consumer.consume(|e, _| got.push(*e)).unwrap();
        }
        let _handles: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        drop(producer);
        assert_exactly_once_fifo(&got, &[1, 1]);
    });
}

/// Model 5: a producer parks waiting for room (3 events through 2 slots) while
/// the consumer, parking too, releases; neither may sleep through the other's
/// progress.
#[test]
fn producer_parks_no_lost_wake_up() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let worker = thread::spawn(move || {
            for i in 0..3 {
                producer.push(event(0, i)).unwrap();
            }
            producer
        });
        let mut got = Vec::new();
        while got.len() < 3 {
            consumer.consume(|e, _| got.push(*e)).unwrap();
        }
        let _producer = worker.join().unwrap();
        assert_exactly_once_fifo(&got, &[3]);
    });
}

/// Model 5b: two producers both park on a full ring; one release of the
/// whole ring must wake both (`wake_all`), not just one.
#[test]
fn two_producers_park_on_full_ring() {
    model(|| {
        let (producer, mut consumer) = full_parking_ring();
        let workers = spawn_producers(&producer, 1..3, |producer, id| {
            producer.push(event(id, 0)).unwrap();
            producer
        });
        let mut got = Vec::new();
        while got.len() < 4 {
            consumer.consume(|e, _| got.push(*e)).unwrap();
        }
        let _handles: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        assert_exactly_once_fifo(&got, &[2, 1, 1]);
    });
}
