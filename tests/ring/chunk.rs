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
