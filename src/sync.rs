//! The one place that names concurrency primitives.
//!
//! Everything else in the crate takes its atomics, cells, locks, thread
//! operations and thread-locals from here, so that building with `RUSTFLAGS="--cfg loom"` swaps
//! the whole crate onto [loom]'s model checker without touching the algorithm.
//!
//! Differences between the two builds are kept to what loom cannot model:
//! - timed waits (`Condvar::wait_timeout`, `sleep`) do not exist under loom;
//!   callers compile their timed paths only for `not(loom)`;
//! - [`UnsafeCell`] is `#[repr(transparent)]` over `std::cell::UnsafeCell` in
//!   the std build, so a run of cells can be viewed as a slice; loom's cell
//!   tracks each access and cannot, so slice views exist only for `not(loom)`.
//!
//! [loom]: https://docs.rs/loom

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize};

#[cfg(loom)]
pub(crate) use loom::sync::Arc;
#[cfg(not(loom))]
pub(crate) use std::sync::Arc;

pub(crate) use std::sync::atomic::Ordering;

#[cfg(loom)]
use loom::sync::{Condvar as CondvarImpl, Mutex as MutexImpl, MutexGuard as GuardImpl};
#[cfg(not(loom))]
use std::sync::{Condvar as CondvarImpl, Mutex as MutexImpl, MutexGuard as GuardImpl};

/// A hint that the caller is in a spin-wait loop.
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(loom)]
    loom::hint::spin_loop();
    #[cfg(not(loom))]
    std::hint::spin_loop();
}

/// Gives up the rest of this thread's time slice.
#[inline]
pub(crate) fn yield_now() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::thread::yield_now();
}

/// Sleeps for `d` (std only: loom has no clock).
#[cfg(not(loom))]
#[inline]
pub(crate) fn sleep(d: std::time::Duration) {
    std::thread::sleep(d);
}

/// Declares `static $name: LocalKey<Cell<$t>>`, a per-thread `Cell`: std's
/// `thread_local!` with a `const` initializer (no lazy-init check, no
/// destructor: an access is a plain load or store), or loom's, whose model
/// threads share one OS thread and so need their own storage.
macro_rules! thread_local_cell {
    ($(#[$attr:meta])* static $name:ident: $t:ty = $init:expr;) => {
        #[cfg(not(loom))]
        ::std::thread_local! {
            $(#[$attr])*
            static $name: ::std::cell::Cell<$t> = const { ::std::cell::Cell::new($init) };
        }
        #[cfg(loom)]
        ::loom::thread_local! {
            $(#[$attr])*
            static $name: ::std::cell::Cell<$t> = ::std::cell::Cell::new($init);
        }
    };
}
pub(crate) use thread_local_cell;

/// An interior-mutable cell with loom's closure API (`with_mut`).
///
/// In the std build it is `#[repr(transparent)]` over
/// `std::cell::UnsafeCell<T>`, so `[UnsafeCell<T>]` has the layout of `[T]`.
#[cfg(not(loom))]
#[derive(Debug)]
#[repr(transparent)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(std::cell::UnsafeCell::new(value))
    }

    /// Runs `f` with a unique pointer to the value.
    #[inline]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;

/// A mutex that only guards a sleep/wake handshake, never data, so poisoning
/// carries no meaning and is ignored.
#[derive(Debug)]
pub(crate) struct Mutex(MutexImpl<()>);

/// A held [`Mutex`].
pub(crate) type MutexGuard<'a> = GuardImpl<'a, ()>;

impl Mutex {
    pub(crate) fn new() -> Self {
        Self(MutexImpl::new(()))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A mutex that guards data (the ring's list of abandoned claims), also
/// ignoring poisoning: every critical section is a `Vec` push or search that
/// leaves the data consistent even if it unwinds.
#[derive(Debug)]
pub(crate) struct Locked<T>(MutexImpl<T>);

impl<T> Locked<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(MutexImpl::new(value))
    }

    pub(crate) fn lock(&self) -> GuardImpl<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A condition variable paired with [`Mutex`].
#[derive(Debug)]
pub(crate) struct Condvar(CondvarImpl);

impl Condvar {
    pub(crate) fn new() -> Self {
        Self(CondvarImpl::new())
    }

    /// Atomically releases `guard` and sleeps until notified (or spuriously).
    pub(crate) fn wait<'a>(&self, guard: MutexGuard<'a>) -> MutexGuard<'a> {
        self.0
            .wait(guard)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Like [`Condvar::wait`], but wakes after `timeout` at the latest.
    #[cfg(not(loom))]
    pub(crate) fn wait_timeout<'a>(
        &self,
        guard: MutexGuard<'a>,
        timeout: std::time::Duration,
    ) -> MutexGuard<'a> {
        match self.0.wait_timeout(guard, timeout) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        }
    }

    pub(crate) fn notify_all(&self) {
        self.0.notify_all();
    }
}
