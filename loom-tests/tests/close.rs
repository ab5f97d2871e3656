//! Model 6: closing wakes whoever waits, and never loses or invents events.
#![cfg(loom)]

use loom::thread;
use loom_tests::{
    assert_exactly_once_fifo, drain, event, full_parking_ring, model, parking_ring, spawn_producers,
};
use ringlog::PublishError;

/// A producer parks on a full ring (2 slots) while the consumer closes it (by
/// `close`, or by being dropped): the producer wakes with `Closed` and gets
/// its value back; the events published before stay readable.
#[test]
fn close_while_producer_waits_on_full_ring() {
    for drop_consumer in [false, true] {
        model(move || {
            let (producer, mut consumer) = full_parking_ring();
            let blocked = thread::spawn(move || producer.push(event(0, 2)));
            if drop_consumer {
                drop(consumer);
            } else {
                consumer.close();
                let got = drain(&mut consumer);
                assert_exactly_once_fifo(&got, &[2]);
            }
            assert_eq!(
                blocked.join().unwrap(),
                Err(PublishError::Closed(event(0, 2)))
            );
        });
    }
}

/// The consumer parks on an empty ring while the only producer publishes one
/// event and closes the ring: the consumer gets the event, then `Closed`.
#[test]
fn close_while_consumer_waits_on_empty_ring() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let worker = thread::spawn(move || {
            producer.push(event(0, 0)).unwrap();
            producer.close();
            producer // kept alive: the close, not the drop, must wake
        });
        let got = drain(&mut consumer);
        let _producer = worker.join().unwrap();
        assert_exactly_once_fifo(&got, &[1]);
    });
}

/// The consumer never parks (`Yield::new(0)`: it yields on every attempt),
/// so it learns of the close only through the sequencer's `closed` flag (a
/// waiting consumer no longer reads the producers' cursor line; the parking
/// path's check of `CLOSED` in the cursor under the sleepers' lock is not
/// taken): one producer publishes an event and closes the ring; the consumer
/// gets the event, then `Closed`. (A close that did not set the flag would
/// leave this consumer polling forever; docs/design.md, "Verification".)
#[test]
fn close_seen_by_a_consumer_that_never_parks() {
    model(|| {
        let (producer, mut consumer) = ringlog::RingBuilder::new(2)
            .wait_strategy(ringlog::Yield::new(0))
            .build::<u64>()
            .unwrap();
        let worker = thread::spawn(move || {
            producer.push(event(0, 0)).unwrap();
            producer.close();
            producer // kept alive: the close, not the drop, must be seen
        });
        let got = drain(&mut consumer);
        let _producer = worker.join().unwrap();
        assert_exactly_once_fifo(&got, &[1]);
    });
}

/// The ring closes while a claim is still in flight and the consumer parks:
/// one producer publishes an event, another closes the ring. The consumer must
/// still get the event (a closed ring is drained before `Closed`), and must
/// wait for the in-flight claim without spinning forever.
#[test]
fn close_with_claim_in_flight() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let publisher = {
            let producer = producer.clone();
            thread::spawn(move || {
                // Ok, or Closed if the close came first (value handed back).
                producer.push(event(0, 0)).is_ok()
            })
        };
        let closer = thread::spawn(move || {
            producer.close();
            producer
        });
        let got = drain(&mut consumer);
        let published = publisher.join().unwrap();
        let _producer = closer.join().unwrap();
        assert_exactly_once_fifo(&got, &[u64::from(published)]);
    });
}

/// The consumer takes at most one run and is dropped while two producers
/// publish 2 events each into 2 slots, parking when full. No producer hangs:
/// each push succeeds or fails with `Closed` (and then every later one does);
/// what the consumer read is a per-producer prefix of what was published.
#[test]
fn consumer_dropped_while_producers_publish() {
    model(|| {
        let (producer, mut consumer) = parking_ring(2);
        let workers = spawn_producers(&producer, 0..2, |producer, id| {
            let mut ok = 0;
            for i in 0..2 {
                match producer.push(event(id, i)) {
                    Ok(()) => ok += 1,
                    Err(PublishError::Closed(v)) => {
                        assert_eq!(v, event(id, i));
                        break;
                    }
                    Err(e) => panic!("not re-entrant, yet {e:?}"),
                }
            }
            // Once closed, always closed.
            if ok < 2 {
                assert!(producer.push(event(id, 9)).is_err());
            }
            ok
        });
        drop(producer);
        let mut got = Vec::new();
        let _ = consumer.consume(|e, _| got.push(*e));
        drop(consumer);
        let oks: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        // Per producer, the events read are a prefix of those published.
        let mut seen = [0u64; 2];
        for &e in &got {
            let id = (e / 100 - 1) as usize;
            assert_eq!(e, event(id as u64, seen[id]), "{got:?}");
            seen[id] += 1;
        }
        assert!(seen[0] <= oks[0] && seen[1] <= oks[1], "{got:?} {oks:?}");
    });
}
