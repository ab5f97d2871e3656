//! The ring's storage: `capacity` preallocated slots, filled once by a factory
//! and then only ever rewritten in place.
//!
//! This module knows nothing about who may access which slot; the
//! [sequencer](super::sequencer) decides that, and every accessor here is
//! `unsafe` with the sequencer's guarantee as its precondition.
//!
//! **Huge pages.** A ring of [`HUGE_PAGE`] bytes or more is allocated on a
//! huge-page boundary and, on Linux, marked `MADV_HUGEPAGE` before its
//! slots are first written, so the kernel backs it with 2 MiB pages where
//! transparent huge pages are enabled (`always` or `madvise`). On 4 KiB
//! pages a producer walking the ring crosses into a page it has not touched
//! for a whole lap every few slots (every 10.7 records of the logger's 384
//! bytes), and each crossing is a TLB miss: on the 2-vCPU VM the benchmarks
//! run on (nested paging), 150-400 ns, the log call's p99
//! (docs/benchmarks.md). The cost: the allocation is padded to whole huge
//! pages, less than one huge page of memory more than the slots' bytes (the
//! padding is touched, so backed, only where huge pages back it); nothing
//! else changes where huge pages are off (the hint is then ignored).

use crate::sync::UnsafeCell;
use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// The huge-page size the slots are aligned to (x86-64's and aarch64's
/// usual 2 MiB), for arrays at least this large.
pub(crate) const HUGE_PAGE: usize = 2 << 20;

/// Preallocated slots.
///
/// Invariant: `ptr` points to an allocation made with `layout`, holding
/// `len` initialised cells (`len` is the ring's capacity once `new`
/// returns; fewer only while `new` runs, so a panicking factory drops what
/// it made). A zero-sized `layout` is not allocated (`ptr` is dangling).
pub(crate) struct Slots<T> {
    ptr: NonNull<UnsafeCell<T>>,
    len: usize,
    layout: Layout,
    /// Owns `T`s (for the drop check).
    _owns: PhantomData<T>,
}

// SAFETY: `Slots` owns its cells as a `Box<[UnsafeCell<T>]>` would (the
// pointer is unique to it, freed only by its `Drop`): sending it sends the
// `T`s, so it is `Send` when `T` is, as a `Box` is. It is never `Sync` (the
// raw pointer keeps it so): the cells are shared between threads only
// through the ring's handles, and whether that is sound depends on how each
// handle hands out the slots (an exclusive `&mut T` under a claim, or `&[T]`
// that a `ReadChunk` lets several threads read at once). So each handle
// states and argues its own bounds, as `Mutex` and `MutexGuard` do:
// `Producer` and `Consumer` in their files (`T: Send`), `ReadChunk` (`Sync`
// only for `T: Sync`). `src/auto_traits.rs` asserts them.
unsafe impl<T: Send> Send for Slots<T> {}

// What the impl above gives, checked at compile time: `Send` for a `Send`
// payload, even a `!Sync` one; not `Send` for a `!Send` payload (`Rc`); never
// `Sync`, even for a `Sync` payload. `Slots` is not public, so the negative
// cases cannot be `compile_fail` doctests as in `src/auto_traits.rs`; they
// use the `static_assertions` trick instead: for a type with the trait, both
// impls of `Lacks` apply and `<_>` is ambiguous, which fails the build.
const _: () = {
    const fn send<T: Send>() {}
    send::<Slots<std::cell::Cell<u64>>>();

    trait LacksSend<A> {
        const OK: () = ();
    }
    impl<T: ?Sized> LacksSend<()> for T {}
    impl<T: ?Sized + Send> LacksSend<u8> for T {}
    let () = <Slots<std::rc::Rc<u64>> as LacksSend<_>>::OK;

    trait LacksSync<A> {
        const OK: () = ();
    }
    impl<T: ?Sized> LacksSync<()> for T {}
    impl<T: ?Sized + Sync> LacksSync<u8> for T {}
    let () = <Slots<u64> as LacksSync<_>>::OK;
};

impl<T> Slots<T> {
    /// `capacity` slots, each made by `factory`.
    ///
    /// # Panics
    ///
    /// If the slots' bytes overflow `isize` (the builders refuse such rings
    /// first), or if `factory` panics (the slots made so far are dropped).
    pub(crate) fn new(capacity: usize, mut factory: impl FnMut() -> T) -> Self {
        let layout = Self::layout(capacity);
        let ptr = if layout.size() == 0 {
            NonNull::dangling()
        } else {
            // SAFETY: `layout` has a non-zero size (checked above).
            let raw = unsafe { alloc::alloc(layout) };
            match NonNull::new(raw.cast::<UnsafeCell<T>>()) {
                Some(ptr) => ptr,
                None => alloc::handle_alloc_error(layout),
            }
        };
        hint_huge_pages(ptr.cast(), layout);
        let mut slots = Self {
            ptr,
            len: 0,
            layout,
            _owns: PhantomData,
        };
        for i in 0..capacity {
            let cell = UnsafeCell::new(factory());
            // SAFETY: `i < capacity`, so slot `i` is inside the allocation
            // (`layout` holds `capacity` cells), and it is not initialised
            // yet (`len == i`): `write` overwrites nothing that needs a drop.
            unsafe { slots.ptr.as_ptr().add(i).write(cell) };
            slots.len = i + 1;
        }
        slots
    }

    /// The allocation for `capacity` cells: when it is at least
    /// [`HUGE_PAGE`] large, aligned to it and padded to a multiple of it, so
    /// that every huge page of the slots lies inside the allocation (the
    /// kernel backs only whole, aligned 2 MiB ranges of a mapping with a huge
    /// page; see the module docs).
    fn layout(capacity: usize) -> Layout {
        let layout = Layout::array::<UnsafeCell<T>>(capacity).expect("ring too large");
        if layout.size() >= HUGE_PAGE {
            layout
                .align_to(HUGE_PAGE)
                .expect("ring too large")
                .pad_to_align()
        } else {
            layout
        }
    }

    /// The address and length in bytes of slots `from..from + count`
    /// (inside the array), for cache hints: no reference to any slot is
    /// made, nothing is read.
    pub(crate) fn bytes(&self, from: usize, count: usize) -> (*const u8, usize) {
        assert!(
            from + count <= self.len,
            "slots {from}+{count} of {}",
            self.len
        );
        (
            self.ptr.as_ptr().wrapping_add(from).cast(),
            count * std::mem::size_of::<T>(),
        )
    }

    /// The cells.
    #[inline]
    fn cells(&self) -> &[UnsafeCell<T>] {
        // SAFETY: by the type's invariant, `ptr` holds `len` initialised
        // cells (or is dangling and aligned with `len` cells of size 0,
        // or `len == 0`), which live as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// Runs `f` with exclusive access to slot `index`.
    ///
    /// # Safety
    ///
    /// The caller must hold the slot under the sequencer's protocol: it has
    /// claimed the slot's sequence and not yet published it, or it is the
    /// consumer and the sequence is published and not yet released. No other
    /// reference to the slot may exist for the duration of `f`.
    #[inline]
    pub(crate) unsafe fn with_mut<R>(&self, index: usize, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: the caller guarantees exclusive access to this slot for the
        // duration of `f` (see `# Safety`); the pointer comes from a live cell.
        self.cells()[index].with_mut(|ptr| f(unsafe { &mut *ptr }))
    }

    /// Slots `start..start + len` as one shared slice.
    ///
    /// Not available under loom, whose cells track each access and are not
    /// laid out as a `[T]`.
    ///
    /// # Safety
    ///
    /// The caller holds every slot in the range under the sequencer's protocol
    /// (see [`Slots::with_mut`]) and creates no `&mut` to any of them for the
    /// lifetime of the returned slice. The slice may reach other threads only
    /// if `T: Sync` (the caller's type must be `Sync` only then).
    #[cfg(not(loom))]
    #[inline]
    pub(crate) unsafe fn slice(&self, start: usize, len: usize) -> &[T] {
        let first = self.range_ptr(start, len);
        // SAFETY: `range_ptr` checked the bounds and the layout; the caller
        // guarantees no mutable access to the range while the slice lives.
        unsafe { std::slice::from_raw_parts(first, len) }
    }

    /// Slots `start..start + len` as one exclusive slice.
    ///
    /// # Safety
    ///
    /// The caller holds every slot in the range under the sequencer's protocol
    /// (see [`Slots::with_mut`]) and creates no other reference to any of them
    /// while the returned slice lives.
    #[cfg(not(loom))]
    #[inline]
    #[allow(clippy::mut_from_ref)] // exclusivity is the caller's obligation, as for `with_mut`
    pub(crate) unsafe fn slice_mut(&self, start: usize, len: usize) -> &mut [T] {
        let first = self.range_ptr(start, len);
        // SAFETY: `range_ptr` checked the bounds and the layout; the cells'
        // interior mutability permits writing through a pointer derived from
        // `&self`; the caller guarantees exclusive access to the range while the slice lives.
        unsafe { std::slice::from_raw_parts_mut(first, len) }
    }

    /// A pointer to the first of slots `start..start + len` that may read and
    /// write the whole range. Panics if the range is out of bounds.
    #[cfg(not(loom))]
    #[inline]
    fn range_ptr(&self, start: usize, len: usize) -> *mut T {
        // Slicing checks the bounds, and the pointer keeps the provenance of
        // the whole range. `UnsafeCell<T>` (ours, `repr(transparent)` over
        // std's, which is `repr(transparent)` over `T`) has the layout of
        // `T`, so the cells form a `[T]`.
        self.cells()[start..start + len]
            .as_ptr()
            .cast::<T>()
            .cast_mut()
    }
}

impl<T> std::fmt::Debug for Slots<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slots")
            .field("capacity", &self.len)
            .finish_non_exhaustive()
    }
}

impl<T> Drop for Slots<T> {
    fn drop(&mut self) {
        // Freed by a guard, so also when a slot's drop panics (the other
        // slots are still dropped by the slice's drop, then the unwind frees
        // the allocation, as a `Vec`'s would be).
        let _free = Free {
            ptr: self.ptr.cast(),
            layout: self.layout,
        };
        // SAFETY: by the type's invariant the first `len` cells are
        // initialised, and nothing uses them after this drop.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(
                self.ptr.as_ptr(),
                self.len,
            ));
        }
    }
}

/// Frees the slots' allocation when dropped (see `Slots`'s `Drop`).
struct Free {
    ptr: NonNull<u8>,
    layout: Layout,
}

impl Drop for Free {
    fn drop(&mut self) {
        if self.layout.size() != 0 {
            // SAFETY: `ptr` was allocated in `Slots::new` with this
            // `layout`, and this guard, made once in `Slots`'s `Drop`, is
            // the only place that frees it.
            unsafe { alloc::dealloc(self.ptr.as_ptr(), self.layout) };
        }
    }
}

/// Asks the kernel to back `layout.size()` bytes at `ptr` (untouched yet)
/// with transparent huge pages, if the allocation is huge-page aligned. A
/// hint: failure (no THP in this kernel, THP `never`) changes nothing.
#[cfg(all(target_os = "linux", not(miri), not(loom)))]
fn hint_huge_pages(ptr: NonNull<u8>, layout: Layout) {
    if layout.align() >= HUGE_PAGE {
        // SAFETY: `madvise` with `MADV_HUGEPAGE` only sets a paging hint on
        // the range; it never changes the memory's contents or mapping, so
        // it cannot affect any Rust object. The range is our allocation (its
        // start is page aligned: `HUGE_PAGE` aligned).
        let _ = unsafe { libc::madvise(ptr.as_ptr().cast(), layout.size(), libc::MADV_HUGEPAGE) };
    }
}

/// Other systems (and Miri, loom): no hint.
#[cfg(not(all(target_os = "linux", not(miri), not(loom))))]
fn hint_huge_pages(_ptr: NonNull<u8>, _layout: Layout) {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    #[cfg_attr(miri, ignore)] // 80 000 slots made one by one: minutes in the interpreter
    fn a_large_ring_is_huge_page_aligned_a_small_one_is_not_padded() {
        let big = Slots::new(HUGE_PAGE / 64, || [0u8; 64]);
        assert_eq!(big.ptr.as_ptr() as usize % HUGE_PAGE, 0);
        // 3 MiB of slots take two whole huge pages.
        let odd = Slots::new(3 * HUGE_PAGE / 2 / 64, || [0u8; 64]);
        assert_eq!(odd.layout.size(), 2 * HUGE_PAGE);
        let small = Slots::new(4, || 0u64);
        assert_eq!(small.layout.size(), 32);
        assert_eq!(small.layout.align(), std::mem::align_of::<u64>());
    }

    #[test]
    fn every_slot_is_dropped_once_even_when_the_factory_panics() {
        let drops = Rc::new(Cell::new(0));
        struct Counted(Rc<Cell<u32>>);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        drop(Slots::new(8, || Counted(drops.clone())));
        assert_eq!(drops.get(), 8);
        let mut made = 0;
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Slots::new(8, || {
                made += 1;
                assert!(made <= 5, "planted factory panic");
                Counted(drops.clone())
            })
        }));
        assert!(panicked.is_err());
        assert_eq!(
            drops.get(),
            8 + 5,
            "the 5 slots made before the panic are dropped"
        );
        // A slot whose drop panics: the others are still dropped, and the
        // allocation is freed (under Miri, its leak check says so).
        struct Bomb(Rc<Cell<u32>>, bool);
        impl Drop for Bomb {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
                assert!(!self.1, "planted drop panic");
            }
        }
        let mut made = 0;
        let slots = Slots::new(8, || {
            made += 1;
            Bomb(drops.clone(), made == 3)
        });
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(slots)));
        assert!(panicked.is_err());
        assert_eq!(drops.get(), 8 + 5 + 8, "all 8 slots dropped");
        // Zero-sized slots: nothing is allocated, nothing breaks.
        let zst = Slots::new(1 << 10, || ());
        assert_eq!(zst.cells().len(), 1 << 10);
    }
}
