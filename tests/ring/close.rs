//! Closing, both ways, while the other side is blocked: nobody hangs, nothing
//! published is lost, errors hand values back.

use crate::common::with_deadline;
use ringlog::{
    BusySpin, ClosedError, Park, PublishError, RingBuilder, Sleep, TryConsumeError,
    TryPublishError, WaitStrategy, Yield,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Applies a wait strategy to a builder.
type WithStrategy = Box<dyn Fn(RingBuilder) -> RingBuilder + Send>;

fn strategies() -> Vec<(&'static str, WithStrategy)> {
    fn with(w: impl WaitStrategy + Copy) -> WithStrategy {
        Box::new(move |b: RingBuilder| b.wait_strategy(w))
    }
    vec![
        ("busy-spin", with(BusySpin)),
        ("yield", with(Yield::default())),
        ("park", with(Park::default())),
        ("sleep", with(Sleep::default())),
    ]
}

#[test]
fn try_push_reports_full_and_closed_with_the_value() {
    let (producer, mut consumer) = ringlog::ring::<String>(2).unwrap();
    producer.try_push("a".into()).unwrap();
    producer.try_push("b".into()).unwrap();
    assert_eq!(
        producer.try_push("c".into()),
        Err(TryPublishError::Full("c".into()))
    );
    assert_eq!(consumer.try_consume(|_, _| {}), Ok(2));
    producer.try_push("c".into()).unwrap();
    drop(consumer);
    assert_eq!(
        producer.try_push("d".into()),
        Err(TryPublishError::Closed("d".into()))
    );
    assert_eq!(
        producer.push("e".into()),
        Err(PublishError::Closed("e".into()))
    );
    // The closure forms hand the closure back, uncalled.
    let called = std::cell::Cell::new(false);
    let err = producer.try_publish_with(|_| called.set(true)).unwrap_err();
    assert!(matches!(err, TryPublishError::Closed(_)));
    assert!(!called.get());
}

#[test]
fn dropping_the_consumer_wakes_producers_blocked_on_a_full_ring() {
    for (name, strategy) in strategies() {
        with_deadline(name, 30, move || {
            let (producer, consumer) = strategy(RingBuilder::new(2)).build::<u64>().unwrap();
            let pushed = Arc::new(AtomicUsize::new(0));
            let blocked: Vec<_> = (0..3)
                .map(|_| {
                    let producer = producer.clone();
                    let pushed = Arc::clone(&pushed);
                    thread::spawn(move || loop {
                        match producer.push(7) {
                            Ok(()) => {
                                pushed.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(PublishError::Closed(7)) => return,
                            Err(e) => panic!("unexpected {e}"),
                        }
                    })
                })
                .collect();
            // Let them fill the ring (polling: under Miri threads crawl), then
            // give them time to block (or spin) on it.
            while pushed.load(Ordering::Relaxed) < 2 {
                thread::sleep(Duration::from_millis(1));
            }
            thread::sleep(Duration::from_millis(50));
            assert_eq!(pushed.load(Ordering::Relaxed), 2, "only the capacity fits");
            drop(consumer);
            for t in blocked {
                t.join().unwrap();
            }
            assert!(producer.is_closed());
        });
    }
}

#[test]
fn dropping_the_last_producer_wakes_a_consumer_blocked_on_empty() {
    for (name, strategy) in strategies() {
        with_deadline(name, 30, move || {
            let (producer, mut consumer) = strategy(RingBuilder::new(4)).build::<u64>().unwrap();
            let waiter = thread::spawn(move || {
                let mut got = vec![];
                let end = loop {
                    match consumer.consume(|e, _| got.push(*e)) {
                        Ok(_) => continue,
                        Err(e) => break e,
                    }
                };
                (got, end)
            });
            thread::sleep(Duration::from_millis(20));
            producer.push(1).unwrap();
            thread::sleep(Duration::from_millis(20));
            let clone = producer.clone();
            drop(producer);
            clone.push(2).unwrap(); // still open: a clone lives
            drop(clone);
            let (got, end) = waiter.join().unwrap();
            assert_eq!(got, [1, 2]);
            assert_eq!(end, ClosedError);
        });
    }
}

#[test]
fn explicit_close_wakes_blocked_producers_and_the_consumer_drains_what_was_published() {
    for (name, strategy) in strategies() {
        with_deadline(name, 30, move || {
            let (producer, mut consumer) = strategy(RingBuilder::new(4)).build::<u64>().unwrap();
            for i in 0..4 {
                producer.push(i).unwrap();
            }
            let blocked = {
                let producer = producer.clone();
                thread::spawn(move || producer.push(99))
            };
            thread::sleep(Duration::from_millis(30));
            producer.close();
            assert_eq!(blocked.join().unwrap(), Err(PublishError::Closed(99)));
            let mut got = vec![];
            while consumer.consume(|e, _| got.push(*e)).is_ok() {}
            assert_eq!(got, [0, 1, 2, 3]);
            assert_eq!(
                consumer.try_consume(|_, _| {}),
                Err(TryConsumeError::Closed)
            );
        });
    }
}

#[test]
fn consumer_close_stops_producers_but_keeps_published_events() {
    with_deadline("consumer_close", 30, || {
        let (producer, mut consumer) = ringlog::ring::<u64>(2).unwrap();
        producer.push(1).unwrap();
        producer.push(2).unwrap();
        let blocked = {
            let producer = producer.clone();
            thread::spawn(move || producer.push(3))
        };
        thread::sleep(Duration::from_millis(30));
        consumer.close();
        assert_eq!(blocked.join().unwrap(), Err(PublishError::Closed(3)));
        let mut got = vec![];
        while consumer.consume(|e, _| got.push(*e)).is_ok() {}
        assert_eq!(got, [1, 2]);
    });
}

#[test]
fn close_is_idempotent_and_seen_by_every_handle() {
    let (producer, consumer) = ringlog::ring::<u8>(4).unwrap();
    let other = producer.clone();
    producer.close();
    producer.close();
    consumer.close();
    assert!(other.is_closed() && consumer.is_closed());
    assert_eq!(other.try_push(1), Err(TryPublishError::Closed(1)));
}

#[test]
fn consume_timeout_times_out_then_sees_data_and_then_closed() {
    with_deadline("consume_timeout", 30, || {
        let (producer, mut consumer) = ringlog::ring::<u64>(4).unwrap();
        let t = Duration::from_millis(10);
        assert_eq!(
            consumer.consume_timeout(t, |_, _| {}),
            Err(ringlog::ConsumeTimeoutError::Timeout)
        );
        producer.push(5).unwrap();
        assert_eq!(consumer.consume_timeout(t, |e, _| assert_eq!(*e, 5)), Ok(1));
        drop(producer);
        assert_eq!(
            consumer.consume_timeout(t, |_, _| {}),
            Err(ringlog::ConsumeTimeoutError::Closed)
        );
    });
}
