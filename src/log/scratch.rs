//! The caller's thread-local scratch buffer: where user code (`Display` and
//! `Debug` impls of log arguments) runs, before any ring slot is claimed.
//!
//! The rule (docs/design.md, "Logging from inside logging"): user code never
//! runs while this thread holds an unpublished slot. So a `Display` that
//! logs, flushes, shuts the logger down or panics does it with no claim
//! outstanding, and cannot wait behind its own record.
//!
//! The buffer is taken out of its thread-local for the call and put back
//! after it, so a nested log call (a `Display` that logs) finds the slot
//! empty and uses a fresh buffer instead of sharing one; no allocation
//! happens per call once the buffer has grown to the thread's usual size.

use super::deferred::render::FORMAT_ERROR;
use std::cell::Cell;
use std::fmt;

/// The largest scratch buffer a thread keeps between calls; a larger one
/// (an oversized message) is freed after its call.
const SCRATCH_RETAIN: usize = 64 * 1024;

/// The capacity a thread's scratch buffer starts with.
const SCRATCH_INITIAL: usize = 512;

thread_local! {
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// This thread's scratch buffer, for one call; put back when dropped.
#[derive(Debug)]
pub(crate) struct Scratch(Vec<u8>);

impl Scratch {
    /// This thread's (empty) scratch buffer, or a fresh one if a call
    /// further up this thread's stack holds it.
    #[inline]
    pub(crate) fn take() -> Self {
        let mut buf = SCRATCH.try_with(Cell::take).unwrap_or_default();
        buf.clear();
        if buf.capacity() == 0 {
            // A thread's first call (or a nested one): room for a typical
            // message, so it does not grow by doubling from nothing.
            buf.reserve(SCRATCH_INITIAL);
        }
        Self(buf)
    }

    /// `args` formatted into the buffer, after what it holds; a formatting
    /// error is marked with [`FORMAT_ERROR`] after the text written before
    /// it. Returns whether formatting failed.
    pub(crate) fn format(&mut self, args: fmt::Arguments<'_>) -> bool {
        let failed = fmt::write(&mut VecWriter(&mut self.0), args).is_err();
        if failed {
            self.0.extend_from_slice(FORMAT_ERROR);
        }
        failed
    }

    /// The buffer.
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The buffer, to append to.
    #[inline]
    pub(crate) fn vec(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.0);
        if buf.capacity() <= SCRATCH_RETAIN {
            // `try_with`: during thread-local destruction the buffer is freed.
            let _ = SCRATCH.try_with(|slot| slot.set(buf));
        }
    }
}

/// `fmt::Write` into a `Vec<u8>`.
pub(crate) struct VecWriter<'a>(pub(crate) &'a mut Vec<u8>);

impl fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A message ready to go into a slot.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Message<'a> {
    /// A literal (`fmt::Arguments::as_str()`): the slot keeps the pointer.
    Literal(&'static str),
    /// Formatted bytes, copied into the slot.
    Formatted(&'a [u8]),
}

/// The message of `args`: a literal as it is, anything else formatted into
/// `scratch`.
#[inline]
pub(crate) fn message<'a>(
    args: fmt::Arguments<'a>,
    scratch: &'a mut Option<Scratch>,
) -> Message<'a> {
    match args.as_str() {
        Some(literal) => Message::Literal(literal),
        None => {
            let scratch = scratch.insert(Scratch::take());
            scratch.format(args);
            Message::Formatted(scratch.bytes())
        }
    }
}
