//! Allocation tests: the ring and the logger allocate nothing on their hot
//! paths. One binary with one counting global allocator (it must not be
//! installed in the other test binaries, whose tests allocate freely).

#[path = "../common/mod.rs"]
mod common;

mod logger;
mod macros;
mod memory;
mod ring;
#[cfg(feature = "tracing")]
mod tracing_layer;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts allocations (`alloc`, `alloc_zeroed`, `realloc`) made on a thread
/// while that thread is inside [`count`], and the bytes live in the whole
/// process ([`live_bytes`]); everything is forwarded to the system allocator.
struct Counting;

/// Bytes allocated and not yet freed, all threads.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The heap bytes live in the process now (all threads).
pub fn live_bytes() -> usize {
    // Relaxed: a statistic; the tests that read it run alone in a child.
    LIVE.load(Ordering::Relaxed)
}

thread_local! {
    /// Set on the thread under test while it counts.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: allocations during thread-local destruction are not counted.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + 1));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// which upholds `GlobalAlloc`'s contract; the counting touches no memory the
// allocator hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // Relaxed (here and below): a statistic, read by `live_bytes`.
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A logger on a small ring (256 slots of 128 bytes: the tests' records
/// wrap it many times, so the blocking path, waiting for room, is exercised
/// too) writing to a fresh file named after `name`.
pub fn small_ring_logger(
    name: &str,
) -> (
    std::path::PathBuf,
    ringlog::log::Logger,
    ringlog::log::LogGuard,
) {
    let path = std::env::temp_dir().join(format!(
        "ringlog-test-alloc-{name}-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let (logger, guard) = ringlog::log::LoggerBuilder::new(&path)
        .capacity(256)
        .slot_size(128)
        .build()
        .unwrap();
    (path, logger, guard)
}

/// The allocations `f` makes on this thread.
pub fn count(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn the_counter_sees_allocations() {
    assert_eq!(count(|| {}), 0);
    assert!(count(|| drop(std::hint::black_box(vec![1u8; 100]))) >= 1);
}
