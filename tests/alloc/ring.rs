//! The ring allocates only when it is built: publishing and consuming, across
//! many wrap-arounds and through every API, allocates nothing.

#[test]
fn publishing_and_consuming_allocate_nothing() {
    let (producer, mut consumer) = ringlog::ring::<u64>(64).unwrap();
    let other = producer.clone();
    let mut sum = 0u64;
    let allocations = crate::count(|| {
        for round in 0..if cfg!(miri) { 3 } else { 1000 } {
            producer.push(round).unwrap();
            other.try_publish_with(|s| *s = round).unwrap();
            producer
                .publish_batch_with(16, |i, s| *s = i as u64)
                .unwrap();
            sum += consumer.try_consume(|e, _| sum += *e).unwrap() as u64;
            let chunk = consumer.try_read_chunk();
            assert!(chunk.is_err(), "drained");
            producer.try_push(1).unwrap();
            let chunk = consumer.try_read_chunk().unwrap();
            sum += chunk.as_slices().0.len() as u64;
            chunk.commit_all();
        }
    });
    assert!(sum > 0);
    assert_eq!(allocations, 0, "the hot path allocated");
}
