//! Flush requests: tickets, and the waiting for them.
//!
//! [`Logger::flush`](crate::log::Logger::flush) takes a ticket, publishes a
//! flush-request record carrying it, and waits until the writer thread has
//! completed a ticket at least as large. Why that suffices: the records whose
//! log calls returned before `flush()` was called were claimed before the
//! ticket was taken; every ticket at least as large was taken later (the
//! ticket counter is one atomic, read-modify-written with `AcqRel`, so taking
//! a larger ticket happens after taking ours) and its record claimed later
//! still. Ring order is claim order, so when the writer thread reaches that
//! flush record, it has already rendered every one of those records, and it
//! completes the ticket only after writing the run (and flushing the sink).

use super::error::FlushError;
use crate::sync::{AtomicU64, Condvar, Mutex, Ordering};
use std::time::Instant;

/// Tickets and completion, shared by the loggers and the writer thread.
#[derive(Debug)]
pub(crate) struct FlushState {
    next_ticket: AtomicU64,
    /// The largest completed ticket; `u64::MAX` once the writer thread has
    /// drained a closed ring and exited.
    completed: AtomicU64,
    /// 1 once the writer thread has exited (drained or not).
    exited: AtomicU64,
    lock: Mutex,
    cond: Condvar,
}

impl Default for FlushState {
    fn default() -> Self {
        Self {
            next_ticket: AtomicU64::new(0),
            completed: AtomicU64::new(0),
            exited: AtomicU64::new(0),
            lock: Mutex::new(),
            cond: Condvar::new(),
        }
    }
}

impl FlushState {
    /// A new ticket (from 1).
    pub(crate) fn ticket(&self) -> u64 {
        // AcqRel: the RMWs on this counter are totally ordered, and each one
        // acquires the ones before it, so a later ticket's flush record is
        // claimed after everything that happened before an earlier ticket
        // was taken (see the module docs).
        self.next_ticket.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Writer thread: every ticket up to `ticket` is done.
    pub(crate) fn complete(&self, ticket: u64) {
        // Release: pairs with the Acquire load in `wait`; the waiter then
        // observes everything the writer did first (the write, the flush).
        self.completed.fetch_max(ticket, Ordering::Release);
        self.wake();
    }

    /// Writer thread, on its way out; `drained`: it wrote everything.
    pub(crate) fn exited(&self, drained: bool) {
        if drained {
            // Release: as in `complete`.
            self.completed.store(u64::MAX, Ordering::Release);
        }
        // Release: pairs with the Acquire load in `wait`.
        self.exited.store(1, Ordering::Release);
        self.wake();
    }

    /// Whether the writer thread has exited.
    pub(crate) fn has_exited(&self) -> bool {
        // Acquire: pairs with the Release store in `exited`.
        self.exited.load(Ordering::Acquire) != 0
    }

    /// Wakes the waiters. Taking the lock means a waiter between its check
    /// and its `wait` (it holds the lock) cannot miss the wake.
    fn wake(&self) {
        let _guard = self.lock.lock();
        self.cond.notify_all();
    }

    /// Waits until `ticket` is completed, the writer thread is gone, or the
    /// deadline (`None`: none) passes.
    pub(crate) fn wait(&self, ticket: u64, deadline: Option<Instant>) -> Result<(), FlushError> {
        let mut guard = self.lock.lock();
        loop {
            // Acquire: pairs with the Release updates in `complete`/`exited`.
            if self.completed.load(Ordering::Acquire) >= ticket {
                return Ok(());
            }
            if self.has_exited() {
                // Re-read: the writer may have completed just before exiting.
                if self.completed.load(Ordering::Acquire) >= ticket {
                    return Ok(());
                }
                return Err(FlushError::WriterGone);
            }
            guard = match deadline {
                None => self.cond.wait(guard),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(FlushError::Timeout);
                    }
                    self.cond.wait_timeout(guard, deadline - now)
                }
            };
        }
    }
}
