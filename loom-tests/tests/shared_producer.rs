//! Model: one producer handle shared by reference between threads.
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use loom_tests::{drain, event, model, parking_ring};
use ringlog::{Consumer, Producer, TryPublishError};

/// A parking ring of 1 slot, full (it holds `event(0, 0)`), with its one
/// producer handle in an `Arc` to be shared, not cloned.
fn full_shared_ring() -> (Arc<Producer<u64>>, Consumer<u64>) {
    let (producer, consumer) = parking_ring(1);
    producer.push(event(0, 0)).unwrap();
    (Arc::new(producer), consumer)
}

/// One `Arc<Producer>` (not clones: one handle, one `ReleasedCache`) used by
/// two threads on a ring of 1 slot that starts full, while the consumer takes
/// the event out. Each thread's `try_push` must look past the stale cache,
/// and one of them may find room through the cache the *other* thread just
/// refreshed, without loading `released` itself: then only the cache's
/// Release/Acquire pair orders the consumer's read of the slot before this
/// thread's rewrite of it (loom's `UnsafeCell` fails the model otherwise;
/// the planted bug `cache_relaxed` shows it). Each push either succeeds, and
/// its event is delivered exactly once, or returns `Full` with its value,
/// which is never delivered; after the consumer's release, one succeeds.
#[test]
fn shared_producer_on_full_ring() {
    model(|| {
        let (producer, mut consumer) = full_shared_ring();
        let workers: Vec<_> = (1..=2u64)
            .map(|id| {
                let producer = Arc::clone(&producer);
                thread::spawn(move || match producer.try_push(event(id, 0)) {
                    Ok(()) => Some(event(id, 0)),
                    Err(TryPublishError::Full(v)) => {
                        assert_eq!(v, event(id, 0));
                        None
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                })
            })
            .collect();
        let mut got = Vec::new();
        assert_eq!(consumer.try_consume(|e, _| got.push(*e)), Ok(1));
        let accepted: Vec<u64> = workers
            .into_iter()
            .filter_map(|w| w.join().unwrap())
            .collect();
        // At most one fits (1 slot); it may also be that both tried before
        // the release and found the ring full.
        assert!(accepted.len() <= 1, "{accepted:?}");
        // The release happened-before the joins: the shared handle, whose
        // cache may be stale, must find the room now if it is still free.
        if accepted.is_empty() {
            producer.try_push(event(3, 0)).unwrap();
        }
        drop(producer);
        got.extend(drain(&mut consumer));
        let mut expected = vec![event(0, 0)];
        expected.extend(&accepted);
        if accepted.is_empty() {
            expected.push(event(3, 0));
        }
        assert_eq!(got, expected);
    });
}

/// As [`shared_producer_on_full_ring`], but one thread's push blocks (parks)
/// for room while the other tries: the blocked push is woken by the release,
/// and a `try_push` racing it may take the room through the shared cache.
/// The consumer reads exactly the events it knows of (no drain to close), to
/// keep the model small.
#[test]
fn shared_producer_blocking_push_on_full_ring() {
    model(|| {
        let (producer, mut consumer) = full_shared_ring();
        let blocking = {
            let producer = Arc::clone(&producer);
            thread::spawn(move || producer.push(event(1, 0)).unwrap())
        };
        let trying = {
            let producer = Arc::clone(&producer);
            thread::spawn(move || producer.try_push(event(2, 0)).is_ok())
        };
        drop(producer);
        let mut got = Vec::new();
        consumer.consume(|e, _| got.push(*e)).unwrap();
        let tried = trying.join().unwrap();
        let total = if tried { 3 } else { 2 };
        while got.len() < total {
            consumer.consume(|e, _| got.push(*e)).unwrap();
        }
        blocking.join().unwrap();
        let counts = if tried { vec![1, 1, 1] } else { vec![1, 1] };
        loom_tests::assert_exactly_once_fifo(&got, &counts);
    });
}
