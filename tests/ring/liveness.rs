//! Calls that wait return promptly: a timed read ends near its
//! deadline whatever the wait strategy's step, and a call that would wait for
//! room only its own thread can make fails or is documented to hang.

use crate::common::with_deadline;
use ringlog::{
    ConsumeTimeoutError, Park, PublishBatchError, PublishError, RingBuilder, Sleep,
    TryPublishError, WaitStrategy, Yield,
};
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

/// A write closure that publishes into its own ring: its thread holds the
/// unpublished slot the consumer must read first. Inner publishes succeed
/// while room can still come (here after a consumer thread reads the events
/// before the held slot), and fail with `WouldDeadlock` (blocking) or `Full`
/// (`try_`) at once when only this thread could free the room.
#[test]
fn publishing_from_inside_a_write_closure_fails_instead_of_hanging() {
    with_deadline("reentrant_write", 30, || {
        let (producer, mut consumer) = RingBuilder::new(4)
            .wait_strategy(Park::new(0, 0))
            .build::<u64>()
            .unwrap();
        for i in 0..3 {
            producer.push(i).unwrap(); // sequences 0..3
        }
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            while got.len() < 8 {
                consumer.consume(|e, _| got.push(*e)).unwrap();
            }
            got
        });
        let mut inner = Vec::new();
        producer
            .publish_with(|slot| {
                *slot = 3; // sequence 3, held until this closure returns
                           // 4 needs sequence 0 released: the reader frees it.
                inner.push(producer.push(4).map_err(|e| e.to_string()));
                inner.push(producer.push(5).map_err(|e| e.to_string()));
                inner.push(producer.push(6).map_err(|e| e.to_string()));
                // 7 needs sequence 3 released: only after this closure.
                inner.push(producer.push(7).map_err(|e| e.to_string()));
                let try_full = producer.try_push(7);
                assert_eq!(try_full, Err(TryPublishError::Full(7)));
                let batch = producer.publish_batch_with(1, |_, s| *s = 7);
                assert!(matches!(batch, Err(PublishBatchError::WouldDeadlock(_))));
                let closure = producer.publish_with(|s| *s = 7);
                assert!(matches!(closure, Err(PublishError::WouldDeadlock(_))));
            })
            .unwrap();
        assert_eq!(inner[..3], [Ok(()), Ok(()), Ok(())]);
        assert!(
            matches!(&inner[3], Err(e) if e.contains("only this thread could free it")),
            "{inner:?}"
        );
        assert_eq!(producer.push(7), Ok(())); // outside the closure: fine
        assert_eq!(reader.join().unwrap(), [0, 1, 2, 3, 4, 5, 6, 7]);
    });
}

/// A consumer handler that publishes into its own ring: the consumer
/// releases nothing until the handler returns. Publishes that fit succeed;
/// once the ring is full, a blocking one fails with `WouldDeadlock` and a
/// `try_` one with `Full`, at once.
#[test]
fn publishing_from_a_consumer_handler_fails_instead_of_hanging() {
    with_deadline("reentrant_handler", 30, || {
        let (producer, mut consumer) = RingBuilder::new(4)
            .wait_strategy(Sleep::default())
            .build::<u64>()
            .unwrap();
        producer.push(0).unwrap();
        let mut results = Vec::new();
        let handled = consumer.consume(|e, _| {
            assert_eq!(*e, 0);
            for i in 1..=4 {
                results.push(producer.push(i));
            }
            assert_eq!(producer.try_push(4), Err(TryPublishError::Full(4)));
        });
        assert_eq!(handled, Ok(1));
        assert_eq!(
            results,
            [Ok(()), Ok(()), Ok(()), Err(PublishError::WouldDeadlock(4))]
        );
        let mut rest = Vec::new();
        assert_eq!(consumer.try_consume(|e, _| rest.push(*e)), Ok(3));
        assert_eq!(rest, [1, 2, 3]);
    });
}
