//! The tool's global allocator: counts heap allocations (alloc,
//! alloc_zeroed, realloc) of every thread while counting is on, in
//! per-thread shards so that counting does not make the threads contend.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

struct CountingAlloc;

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
const SHARDS: usize = 16;

#[repr(align(128))]
struct Shard(AtomicU64);

#[allow(clippy::declare_interior_mutable_const)] // only used to fill the array
const ZERO_SHARD: Shard = Shard(AtomicU64::new(0));
static ALLOCATIONS: [Shard; SHARDS] = [ZERO_SHARD; SHARDS];
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static MY_SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
}

// Relaxed everywhere in this file: the counts are read after the counted
// threads have been joined (or have handed their last line over through the
// logger's own synchronisation), which orders their increments before the
// read; the flag only needs to be seen eventually.

/// Counts from now on.
pub fn start_counting() {
    COUNTING.store(true, Ordering::Relaxed);
}

/// Stops counting.
pub fn stop_counting() {
    COUNTING.store(false, Ordering::Relaxed);
}

/// Allocations counted so far (all threads).
pub fn allocations() -> u64 {
    ALLOCATIONS
        .iter()
        .map(|s| s.0.load(Ordering::Relaxed))
        .sum()
}

fn note_allocation() {
    if !COUNTING.load(Ordering::Relaxed) {
        return;
    }
    let shard = MY_SHARD
        .try_with(|s| {
            if s.get() == usize::MAX {
                s.set(NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS);
            }
            s.get()
        })
        .unwrap_or(0);
    ALLOCATIONS[shard].0.fetch_add(1, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// which upholds `GlobalAlloc`'s contract; the counting touches only atomics
// and a const-initialised thread-local `Cell` (no allocation, no memory the
// allocator hands out).
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counter sees an allocation made while counting, and none after.
    /// (Other tests may allocate meanwhile: only lower bounds are checked.)
    #[test]
    fn counts_while_on() {
        let before = allocations();
        start_counting();
        let v = std::hint::black_box(vec![1u8; 64]);
        stop_counting();
        assert!(allocations() > before);
        drop(v);
    }
}
