//! The blocking claim by `fetch_add` (issue 10): sequences are taken first,
//! room is waited for afterwards, and a claim that cannot be undone gives up
//! on close by recording its sequences as abandoned, which the consumer of
//! the closed ring steps over.
#![cfg(loom)]

use loom::thread;
use loom_tests::{assert_exactly_once_fifo, drain, event, full_parking_ring, model, parking_ring};
use ringlog::PublishError;

/// Two producers claim on a full ring (2 slots) and wait for room; the
/// consumer takes one run and then closes the ring and drains it. Each
/// blocked push either got room before the close (its event is delivered
/// once, in claim order) or gives up with `Closed(value)` (never delivered);
/// the consumer's drain ends, stepping over the abandoned sequences.
#[test]
fn claims_waiting_for_room_when_the_ring_closes() {
    model(|| {
        let (producer, mut consumer) = full_parking_ring();
        let workers: Vec<_> = (1..3)
            .map(|id| {
                let producer = producer.clone();
                thread::spawn(move || producer.push(event(id, 0)))
            })
            .collect();
        drop(producer);
        let mut got = Vec::new();
        consumer.consume(|e, _| got.push(*e)).unwrap();
        consumer.close();
        got.extend(drain(&mut consumer));
        let mut counts = vec![2, 0, 0];
        for (id, w) in (1..3).zip(workers) {
            match w.join().unwrap() {
                Ok(()) => counts[id] = 1,
                Err(PublishError::Closed(v)) => assert_eq!(v, event(id as u64, 0)),
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert_exactly_once_fifo(&got, &counts);
    });
}

/// A blocking claim races `close`: if its `fetch_add` lands after the close,
/// it takes a sequence beyond the cursor the ring closed at and gives up;
/// the consumer must still drain and report `Closed` (not wait for that
/// sequence), and an event published before stays readable.
#[test]
fn claim_racing_close_is_stepped_over() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        producer.push(event(0, 0)).unwrap();
        let racer = {
            let producer = producer.clone();
            thread::spawn(move || producer.push(event(1, 0)))
        };
        producer.close();
        let got = drain(&mut consumer);
        let raced = match racer.join().unwrap() {
            Ok(()) => 1,
            Err(PublishError::Closed(v)) => {
                assert_eq!(v, event(1, 0));
                0
            }
            Err(e) => panic!("unexpected {e:?}"),
        };
        assert_exactly_once_fifo(&got, &[1, raced]);
    });
}
