//! The chunk API: slices across the wrap, partial commit, redelivery of what is
//! not committed, and the batch limit.

use ringlog::RingBuilder;

#[test]
fn slices_follow_the_wrap_and_commit_releases_exactly_n() {
    let (producer, mut consumer) = ringlog::ring::<u32>(4).unwrap();
    for i in 0..3 {
        producer.push(i).unwrap();
    }
    consumer.try_read_chunk().unwrap().commit(3);
    for i in 3..7 {
        producer.push(i).unwrap(); // slots 3, 0, 1, 2
    }
    let chunk = consumer.try_read_chunk().unwrap();
    assert_eq!(chunk.first_sequence(), 3);
    assert_eq!(chunk.as_slices(), (&[3][..], &[4, 5, 6][..]));
    chunk.commit(2);
    {
        // Uncommitted events come back.
        let chunk = consumer.try_read_chunk().unwrap();
        assert_eq!(chunk.as_slices(), (&[5, 6][..], &[][..]));
    } // dropped without commit: nothing released
    let chunk = consumer.try_read_chunk().unwrap();
    assert_eq!(chunk.len(), 2);
    chunk.commit(usize::MAX); // clamps to the chunk
    assert!(consumer.try_read_chunk().is_err());
    // Two slots were committed then two more: the ring has room for 4 again.
    for i in 0..4 {
        producer.try_push(i).unwrap();
    }
}

#[test]
fn the_batch_limit_caps_runs() {
    let (producer, mut consumer) = RingBuilder::new(16).max_batch(3).build::<u32>().unwrap();
    for i in 0..8 {
        producer.push(i).unwrap();
    }
    let mut sizes = vec![];
    while let Ok(n) = consumer.try_consume(|_, _| {}) {
        sizes.push(n);
    }
    assert_eq!(sizes, [3, 3, 2]);
}

#[test]
fn mutable_slices_let_the_consumer_take_values_out() {
    let (producer, mut consumer) = RingBuilder::new(4).build_with(Vec::<u8>::new).unwrap();
    producer.push(b"abc".to_vec()).unwrap();
    let mut chunk = consumer.try_read_chunk().unwrap();
    let taken = std::mem::take(&mut chunk.as_mut_slices().0[0]);
    chunk.commit_all();
    assert_eq!(taken, b"abc");
    // The slot is reused with what the consumer left in it (an empty Vec).
    producer
        .publish_with(|slot| assert!(slot.is_empty()))
        .unwrap();
}

#[test]
fn slots_are_made_once_by_the_factory_and_reused() {
    let made = std::cell::Cell::new(0);
    let (producer, mut consumer) = RingBuilder::new(4)
        .build_with(|| {
            made.set(made.get() + 1);
            String::with_capacity(32)
        })
        .unwrap();
    assert_eq!(made.get(), 4);
    for round in 0..10 {
        producer
            .publish_with(|s| {
                assert!(s.capacity() >= 32, "slot buffers are reused");
                s.clear();
                s.push_str(&format!("{round}"));
            })
            .unwrap();
        consumer
            .try_consume(|s, _| assert_eq!(*s, round.to_string()))
            .unwrap();
    }
    assert_eq!(made.get(), 4);
}

#[test]
fn builder_errors_are_values_with_clear_messages() {
    use ringlog::BuildError;
    let e = RingBuilder::new(0).build::<u8>().unwrap_err();
    assert_eq!(e, BuildError::ZeroCapacity);
    assert_eq!(e.to_string(), "ring capacity must be at least 1");
    let e = RingBuilder::new(1000).build::<u8>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "ring capacity 1000 is not a power of two (try 512 or 1024)"
    );
    let e = RingBuilder::new(1 << 31).build::<u8>().unwrap_err();
    assert!(
        matches!(e, BuildError::CapacityTooLarge { requested, max } if requested == 1 << 31 && max == 1 << 30)
    );
    let e = RingBuilder::new(usize::MAX).build::<u8>().unwrap_err();
    assert_eq!(e, BuildError::CapacityNotPowerOfTwo(usize::MAX));
    let e = RingBuilder::new(8).max_batch(0).build::<u8>().unwrap_err();
    assert_eq!(e.to_string(), "max batch size must be at least 1");
}

#[test]
fn handle_releases_a_long_run_in_parts_across_the_wrap() {
    // 16 slots: `handle` releases every 16 / 8 = 2 events. Start at sequence
    // 5, so the full run of 16 wraps (slots 5..16, then 0..5).
    let (producer, mut consumer) = ringlog::ring::<u64>(16).unwrap();
    for i in 0..5 {
        producer.push(i).unwrap();
    }
    assert_eq!(consumer.try_consume(|_, _| {}), Ok(5));
    for i in 5..21 {
        producer.push(i).unwrap();
    }
    let mut refilled = 0u64;
    let mut seen = Vec::new();
    let handled = consumer.try_consume(|event, end| {
        let i = seen.len() as u64;
        seen.push((*event, end));
        // Room comes back a part at a time: before event i, the parts
        // before it (every whole 2 events) are released, nothing more.
        while producer.try_push(100 + refilled).is_ok() {
            refilled += 1;
        }
        assert_eq!(refilled, i / 2 * 2, "room before event {i}");
    });
    assert_eq!(handled, Ok(16));
    let expected: Vec<_> = (5..21).map(|e| (e, e == 20)).collect();
    assert_eq!(seen, expected);
    // The refills follow in order; the run's last part was released on return.
    let mut after = Vec::new();
    while consumer.try_consume(|e, _| after.push(*e)).is_ok() {}
    assert_eq!(after, (100..100 + refilled).collect::<Vec<_>>());
    assert_eq!(refilled, 14);
}
