//! The caller's side of a deferred log call: measure and format before the
//! claim ([`Frame`]), copy inside it ([`PayloadWriter`], [`emit`]).
//!
//! The rule: user code never runs while a ring slot is claimed. Arguments
//! formatted in the caller (any `Display`/`Debug` type that is not
//! [`Encode`](super::encode::Encode)) are formatted *before* the claim, into
//! a thread-local scratch buffer that also receives the payload's framing
//! (see `wire.rs`); then the slot is claimed and the scratch bytes and the
//! encoded arguments are copied into it. Only `Encode::encode` runs inside
//! the claim (documented: it should only copy bytes).
//!
//! The scratch buffer is the caller's ([`Scratch`]), shared with
//! [`Logger::log`], which follows the same rule.

use super::callsite::{Callsite, RenderFn};
use super::wire::{push_varint, varint, varint_bytes};
use crate::log::logger::Logger;
use crate::log::scratch::{Scratch, VecWriter};
use std::fmt;

/// One call's framing and eager text, built before the claim.
#[derive(Debug)]
pub struct Frame {
    /// The payload except the encoded arguments' bodies.
    scratch: Scratch,
    /// The total length of the encoded arguments' bodies.
    bodies: usize,
}

impl Frame {
    /// A frame with this thread's scratch buffer (a fresh one if a call
    /// further up this thread's stack holds it).
    #[allow(clippy::new_without_default)] // not a value anyone should default to
    #[inline]
    pub fn new() -> Self {
        Self {
            scratch: Scratch::take(),
            bodies: 0,
        }
    }

    /// The scratch buffer itself, for a caller that frames its payload in
    /// its own way (the `tracing` layer); it goes back to the thread when
    /// the frame is dropped.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn buffer(&mut self) -> &mut Vec<u8> {
        self.scratch.vec()
    }

    /// The payload's length.
    pub(crate) fn payload_len(&self) -> usize {
        self.scratch.bytes().len() + self.bodies
    }

    /// An encoded field of `len` bytes.
    #[inline]
    pub(crate) fn encoded(&mut self, len: usize) {
        push_varint(len as u64, self.scratch.vec());
        self.bodies += len;
    }

    /// A width or precision.
    #[inline]
    pub fn count(&mut self, n: usize) {
        push_varint(n as u64, self.scratch.vec());
    }

    /// A field formatted in the caller: `args` is the value with its spec.
    /// A formatting error is recorded with the text written before it.
    pub fn eager(&mut self, args: fmt::Arguments<'_>) {
        let scratch = self.scratch.vec();
        let start = scratch.len();
        let failed = match args.as_str() {
            Some(s) => {
                scratch.extend_from_slice(s.as_bytes());
                false
            }
            None => fmt::write(&mut VecWriter(scratch), args).is_err(),
        };
        // The header goes before the text, whose length is known only now.
        let len = scratch.len() - start;
        let (header, n) = varint_bytes(((len as u64) << 1) | u64::from(failed));
        scratch.extend_from_slice(&header[..n]);
        scratch.copy_within(start..start + len, start + n);
        scratch[start..start + n].copy_from_slice(&header[..n]);
    }
}

/// Writes the payload into the claimed slot: the frame's bytes in order,
/// with the encoded arguments' bodies where their headers say.
#[derive(Debug)]
pub struct PayloadWriter<'a> {
    /// The frame's bytes not yet copied.
    framing: &'a [u8],
    /// The slot's payload bytes not yet written.
    dst: &'a mut [u8],
}

impl<'a> PayloadWriter<'a> {
    fn new(framing: &'a [u8], dst: &'a mut [u8]) -> Self {
        Self { framing, dst }
    }

    /// Copies `n` bytes of framing; `None` (nothing copied) if the frame or
    /// the slot is shorter, which only a bug could make it.
    fn copy(&mut self, n: usize) -> Option<()> {
        if n > self.framing.len() || n > self.dst.len() {
            return None;
        }
        let (from, rest) = self.framing.split_at(n);
        self.framing = rest;
        self.take(n)?.copy_from_slice(from);
        Some(())
    }

    fn take(&mut self, n: usize) -> Option<&'a mut [u8]> {
        if n > self.dst.len() {
            return None;
        }
        let (head, tail) = std::mem::take(&mut self.dst).split_at_mut(n);
        self.dst = tail;
        Some(head)
    }

    /// An encoded field: copies its header, returns the body to encode into.
    #[inline]
    pub(crate) fn body(&mut self) -> Option<&'a mut [u8]> {
        let (n, header) = varint(self.framing)?;
        self.copy(header)?;
        self.take(usize::try_from(n).ok()?)
    }

    /// An eager field: copies header and text.
    #[inline]
    pub fn eager(&mut self) {
        if let Some((n, header)) = varint(self.framing) {
            let _ = self.copy(header + (n >> 1) as usize);
        }
    }

    /// A width or precision.
    #[inline]
    pub fn count(&mut self) {
        if let Some((_, header)) = varint(self.framing) {
            let _ = self.copy(header);
        }
    }
}

/// Logs one deferred record: claims a slot of `logger` by its full policy
/// and writes the payload the frame measured, with `put` writing the fields
/// in order. The outcome (dropped, closed) is counted by the logger, as for
/// the `log` crate's macros; nothing is returned.
#[inline]
pub fn emit(
    logger: &Logger,
    callsite: &'static Callsite,
    render: RenderFn,
    frame: Frame,
    put: impl FnOnce(&mut PayloadWriter<'_>),
) {
    let len = frame.payload_len();
    let _ = logger.log_deferred(callsite, render, len, |dst| {
        put(&mut PayloadWriter::new(frame.scratch.bytes(), dst));
    });
}
