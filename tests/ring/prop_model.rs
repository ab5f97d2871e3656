//! proptest (a): the ring, driven from one thread by random operations, against
//! a `VecDeque` model, at capacities 1 to 64 and random batch limits.
//!
//! Skipped under Miri (far too slow there; the ring's unit and integration
//! tests cover Miri).

use proptest::prelude::*;
use ringlog::{
    BusySpin, Consumer, PublishBatchError, PublishError, RingBuilder, TryConsumeError,
    TryPublishBatchError, TryPublishError,
};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[derive(Clone, Debug)]
enum Op {
    /// `push`; only issued when it cannot block (room, or closed).
    Push,
    TryPush,
    /// `publish_batch_with(n)`; only issued when it cannot block.
    PublishBatch(usize),
    TryPublishBatch(usize),
    /// `publish_with` whose closure panics: the slot is published as skipped.
    PanicInWrite,
    TryConsume,
    /// `try_read_chunk`, check the slices, then commit the first `n`.
    ReadChunk(usize),
    /// `try_read_chunk`, then drop the chunk without committing.
    ReadChunkDrop,
    CloseProducer,
    CloseConsumer,
}

fn op(capacity: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Push),
        4 => Just(Op::TryPush),
        2 => (0..=capacity + 1).prop_map(Op::PublishBatch),
        2 => (0..=capacity + 1).prop_map(Op::TryPublishBatch),
        1 => Just(Op::PanicInWrite),
        4 => Just(Op::TryConsume),
        3 => (0..=capacity + 1).prop_map(Op::ReadChunk),
        1 => Just(Op::ReadChunkDrop),
        1 => Just(Op::CloseProducer),
        1 => Just(Op::CloseConsumer),
    ]
}

fn case() -> impl Strategy<Value = (usize, usize, Vec<Op>)> {
    prop::sample::select(vec![1usize, 2, 4, 8, 16, 32, 64]).prop_flat_map(|capacity| {
        (
            Just(capacity),
            // Above the capacity acts as the capacity.
            1..=capacity + 2,
            prop::collection::vec(op(capacity), 1..300),
        )
    })
}

/// The model: the ring's slots from the consumer's position on, `Some(event)`
/// or `None` for a slot abandoned by a panicking writer.
struct Model {
    capacity: usize,
    max_batch: usize,
    slots: VecDeque<Option<u64>>,
    closed: bool,
    next_value: u64,
}

impl Model {
    fn room(&self) -> usize {
        self.capacity - self.slots.len()
    }

    fn value(&mut self) -> u64 {
        self.next_value += 1;
        self.next_value
    }

    /// What the consumer's next poll sees: abandoned slots at the front are
    /// stepped over (and freed) first; then the run of events.
    fn poll(&mut self) -> Vec<u64> {
        while self.slots.front() == Some(&None) {
            self.slots.pop_front();
        }
        self.slots
            .iter()
            .take(self.max_batch)
            .map_while(|s| *s)
            .collect()
    }

    fn empty_error(&self) -> TryConsumeError {
        if self.closed && self.slots.is_empty() {
            TryConsumeError::Closed
        } else {
            TryConsumeError::Empty
        }
    }
}

fn run(capacity: usize, max_batch: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    // BusySpin: a blocking call that the model says cannot block, but does,
    // spins forever, and the caller's watchdog fails the case.
    let (producer, mut consumer) = RingBuilder::new(capacity)
        .wait_strategy(BusySpin)
        .max_batch(max_batch)
        .build::<u64>()
        .unwrap();
    let mut m = Model {
        capacity,
        max_batch: max_batch.min(capacity),
        slots: VecDeque::new(),
        closed: false,
        next_value: 0,
    };
    for op in ops {
        match op {
            Op::Push => {
                if m.closed {
                    prop_assert_eq!(producer.push(1), Err(PublishError::Closed(1)));
                } else if m.room() > 0 {
                    let v = m.value();
                    prop_assert_eq!(producer.push(v), Ok(()));
                    m.slots.push_back(Some(v));
                }
            }
            Op::TryPush => {
                let v = m.value();
                let got = producer.try_push(v);
                if m.closed {
                    prop_assert_eq!(got, Err(TryPublishError::Closed(v)));
                } else if m.room() == 0 {
                    prop_assert_eq!(got, Err(TryPublishError::Full(v)));
                } else {
                    prop_assert_eq!(got, Ok(()));
                    m.slots.push_back(Some(v));
                }
            }
            Op::PublishBatch(n) => {
                let blocks = n > 0 && n <= capacity && !m.closed && m.room() < n;
                if !blocks {
                    let first = m.next_value + 1;
                    let got = producer.publish_batch_with(n, |i, slot| *slot = first + i as u64);
                    match got {
                        Ok(()) => {
                            prop_assert!(n == 0 || (n <= capacity && !m.closed));
                            for _ in 0..n {
                                let v = m.value();
                                m.slots.push_back(Some(v));
                            }
                        }
                        Err(PublishBatchError::TooLarge {
                            requested,
                            capacity: c,
                            ..
                        }) => {
                            prop_assert!(n > capacity && requested == n && c == capacity)
                        }
                        Err(PublishBatchError::Closed(_)) => {
                            prop_assert!(m.closed && n <= capacity)
                        }
                        Err(PublishBatchError::WouldDeadlock(_)) => {
                            prop_assert!(false, "not re-entrant, yet WouldDeadlock")
                        }
                    }
                }
            }
            Op::TryPublishBatch(n) => {
                let first = m.next_value + 1;
                let got = producer.try_publish_batch_with(n, |i, slot| *slot = first + i as u64);
                match got {
                    Ok(()) => {
                        prop_assert!(n == 0 || (n <= capacity && !m.closed && m.room() >= n));
                        for _ in 0..n {
                            let v = m.value();
                            m.slots.push_back(Some(v));
                        }
                    }
                    Err(TryPublishBatchError::TooLarge { .. }) => prop_assert!(n > capacity),
                    Err(TryPublishBatchError::Closed(_)) => {
                        prop_assert!(n > 0 && n <= capacity && m.closed)
                    }
                    Err(TryPublishBatchError::Full(_)) => {
                        prop_assert!(n <= capacity && !m.closed && m.room() < n)
                    }
                }
            }
            Op::PanicInWrite => {
                if m.closed || m.room() > 0 {
                    let r = catch_unwind(AssertUnwindSafe(|| {
                        producer.publish_with(|_| panic!("planted panic in write"))
                    }));
                    match r {
                        Err(_) => {
                            prop_assert!(!m.closed);
                            m.slots.push_back(None);
                        }
                        Ok(r) => prop_assert!(m.closed && r.is_err()),
                    }
                }
            }
            Op::TryConsume => {
                let expected = m.poll();
                let mut got = Vec::new();
                let mut ends = Vec::new();
                let r = consumer.try_consume(|e, end| {
                    got.push(*e);
                    ends.push(end);
                });
                if expected.is_empty() {
                    prop_assert_eq!(r, Err(m.empty_error()));
                } else {
                    prop_assert_eq!(r, Ok(expected.len()));
                    prop_assert_eq!(&got, &expected);
                    // end_of_batch on the last event only.
                    prop_assert!(ends.iter().rev().skip(1).all(|e| !e) && ends[ends.len() - 1]);
                    m.slots.drain(..expected.len());
                }
            }
            Op::ReadChunk(n) => read_chunk(&mut consumer, &mut m, Some(n))?,
            Op::ReadChunkDrop => read_chunk(&mut consumer, &mut m, None)?,
            Op::CloseProducer => {
                producer.close();
                m.closed = true;
            }
            Op::CloseConsumer => {
                consumer.close();
                m.closed = true;
            }
        }
        prop_assert_eq!(producer.is_closed(), m.closed);
    }
    // Drain: the model and the ring agree on everything left.
    producer.close();
    let mut rest = Vec::new();
    while consumer.try_consume(|e, _| rest.push(*e)).is_ok() {}
    let expected: Vec<u64> = m.slots.iter().flatten().copied().collect();
    prop_assert_eq!(rest, expected);
    prop_assert_eq!(
        consumer.try_consume(|_, _| {}),
        Err(TryConsumeError::Closed)
    );
    Ok(())
}

/// `try_read_chunk`: the chunk's slices hold the model's run; then commit
/// the first `commit` events, or drop the chunk uncommitted if `None`.
fn read_chunk(
    consumer: &mut Consumer<u64>,
    m: &mut Model,
    commit: Option<usize>,
) -> Result<(), TestCaseError> {
    let expected = m.poll();
    match consumer.try_read_chunk() {
        Err(e) => {
            prop_assert!(expected.is_empty());
            prop_assert_eq!(e, m.empty_error());
        }
        Ok(chunk) => {
            prop_assert_eq!(chunk.len(), expected.len());
            let (head, tail) = chunk.as_slices();
            prop_assert_eq!([head, tail].concat(), expected.clone());
            if let Some(n) = commit {
                chunk.commit(n);
                m.slots.drain(..n.min(expected.len()));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    })]

    /// Every operation's result, and every event's value and position, match
    /// the model.
    #[test]
    fn ring_matches_vecdeque_model((capacity, max_batch, ops) in case()) {
        crate::common::quiet_panics_starting_with("planted");
        // A call the model thinks cannot block but does would spin forever.
        crate::common::with_deadline("ring_matches_vecdeque_model", 30, move || {
            run(capacity, max_batch, ops)
        })?;
    }
}
