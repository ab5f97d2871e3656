//! The ring allocates only when it is built: publishing and consuming, across
//! many wrap-arounds and through every API, allocates nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|a| a.set(a.get() + 1));
        }
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|a| a.set(a.get() + 1));
        }
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn publishing_and_consuming_allocate_nothing() {
    let (producer, mut consumer) = ringlog::ring::<u64>(64).unwrap();
    let other = producer.clone();
    let mut sum = 0u64;
    COUNTING.with(|c| c.set(true));
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
    COUNTING.with(|c| c.set(false));
    assert!(sum > 0);
    assert_eq!(ALLOCATIONS.with(Cell::get), 0, "the hot path allocated");
}
