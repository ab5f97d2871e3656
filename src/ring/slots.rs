//! The ring's storage: `capacity` preallocated slots, filled once by a factory
//! and then only ever rewritten in place.
//!
//! This module knows nothing about who may access which slot; the
//! [sequencer](super::sequencer) decides that, and every accessor here is
//! `unsafe` with the sequencer's guarantee as its precondition.

use crate::sync::UnsafeCell;

/// Preallocated slots. Invariant: `cells.len()` is the ring's capacity.
pub(crate) struct Slots<T> {
    cells: Box<[UnsafeCell<T>]>,
}

// `Slots` is `Send` when `T` is (it owns the values) and never `Sync`: the
// cells are shared between threads only through the ring's handles, and
// whether that is sound depends on how each handle hands out the slots (an
// exclusive `&mut T` under a claim, or `&[T]` that a `ReadChunk` lets several
// threads read at once). So each handle states and argues its own bounds, as
// `Mutex` and `MutexGuard` do: `Producer` and `Consumer` in their files
// (`T: Send`), `ReadChunk` (`Sync` only for `T: Sync`). `src/auto_traits.rs`
// asserts them.

impl<T> Slots<T> {
    /// `capacity` slots, each made by `factory`.
    pub(crate) fn new(capacity: usize, factory: impl FnMut() -> T) -> Self {
        let mut factory = factory;
        Self {
            cells: (0..capacity).map(|_| UnsafeCell::new(factory())).collect(),
        }
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
        self.cells[index].with_mut(|ptr| f(unsafe { &mut *ptr }))
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
        self.cells[start..start + len]
            .as_ptr()
            .cast::<T>()
            .cast_mut()
    }
}

impl<T> std::fmt::Debug for Slots<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slots")
            .field("capacity", &self.cells.len())
            .finish_non_exhaustive()
    }
}
