//! Model 3: a non-blocking publish on a full ring racing the consumer's release.
#![cfg(loom)]

use loom::thread;
use loom_tests::{event, model};
use ringlog::{RingBuilder, TryPublishError, Yield};

/// The ring (2 slots) starts full. A producer tries twice to publish while the
/// consumer takes and releases the first run. Each try either succeeds (and the
/// event is then delivered exactly once, after the released slot's old event
/// was read: loom's cell tracking checks the happens-before) or fails with
/// `Full`, handing the value back, which is then never delivered. After the
/// release is visible to the producer (join), a try must succeed.
#[test]
fn try_push_on_full_ring_races_release() {
    model(|| {
        let (producer, mut consumer) = RingBuilder::new(2)
            .wait_strategy(Yield::new(0))
            .build::<u64>()
            .unwrap();
        producer.push(event(0, 0)).unwrap();
        producer.push(event(0, 1)).unwrap();
        let racer = {
            let producer = producer.clone();
            thread::spawn(move || {
                let mut accepted = Vec::new();
                for i in 0..2 {
                    match producer.try_push(event(1, i)) {
                        Ok(()) => accepted.push(event(1, i)),
                        Err(TryPublishError::Full(v)) => assert_eq!(v, event(1, i)),
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                }
                accepted
            })
        };
        let mut got = Vec::new();
        assert_eq!(consumer.try_consume(|e, _| got.push(*e)), Ok(2));
        let accepted = racer.join().unwrap();
        // The release happened-before the join, so unless the racer refilled
        // the ring, this handle (whose cached `released` is stale) finds room.
        let late = accepted.len() < 2;
        if late {
            producer.try_push(event(2, 0)).unwrap();
        }
        drop(producer);
        while consumer.consume(|e, _| got.push(*e)).is_ok() {}
        let mut expected = vec![event(0, 0), event(0, 1)];
        expected.extend(&accepted);
        if late {
            expected.push(event(2, 0));
        }
        assert_eq!(got, expected);
    });
}
