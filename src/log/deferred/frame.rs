//! The caller's side of a deferred log call: measure and format before the
//! claim ([`Frame`]), write inside it ([`PayloadWriter`], [`emit`]).
//!
//! The rule: user code never runs while a ring slot is claimed. Arguments
//! formatted in the caller (any `Display`/`Debug` type that is not
//! [`Encode`](super::encode::Encode)) are formatted *before* the claim, into
//! a thread-local scratch buffer, with their headers (see `wire.rs`), and
//! every other field is measured; then the slot is claimed, and the fields
//! are written into it in order: encoded arguments and counts directly,
//! eager text copied from the scratch buffer. Only `Encode::encode` runs inside
//! the claim (documented: it should only copy bytes).
//!
//! The scratch buffer is the caller's ([`Scratch`]), shared with
//! [`Logger::log`], which follows the same rule.

use super::callsite::{Callsite, RenderFn};
use super::wire::{varint, varint_bytes, varint_len};
use crate::log::logger::Logger;
use crate::log::scratch::{Scratch, VecWriter};
use std::fmt;

/// One call's measure and eager text, built before the claim.
///
/// Encoded arguments and counts are only measured here: their headers and
/// bodies are written straight into the slot by [`PayloadWriter`]. Only
/// eager fields (text formatted in the caller) need a buffer, so a call
/// whose arguments are all [`Encode`](super::encode::Encode) never touches
/// the thread's scratch buffer.
#[derive(Debug)]
pub struct Frame {
    /// The eager fields, each its header and text, in order: the thread's
    /// scratch buffer, taken at the first eager field.
    eager: Option<Scratch>,
    /// The payload's length: every field's header and body.
    len: usize,
}

impl Frame {
    /// An empty frame (no field yet).
    #[allow(clippy::new_without_default)] // not a value anyone should default to
    #[inline]
    pub fn new() -> Self {
        Self {
            eager: None,
            len: 0,
        }
    }

    /// The payload's length.
    #[inline]
    pub(crate) fn payload_len(&self) -> usize {
        self.len
    }

    /// The eager fields' bytes, in order.
    #[inline]
    fn framing(&self) -> &[u8] {
        self.eager.as_ref().map_or(&[], Scratch::bytes)
    }

    /// An encoded field of `len` bytes.
    #[inline]
    pub(crate) fn encoded(&mut self, len: usize) {
        // Saturating: a broken `Encode` may claim any length (see `emit`).
        self.len = self
            .len
            .saturating_add(varint_len(len as u64))
            .saturating_add(len);
    }

    /// A width or precision.
    #[inline]
    pub fn count(&mut self, n: usize) {
        self.len = self.len.saturating_add(varint_len(n as u64));
    }

    /// A field formatted in the caller: `args` is the value with its spec.
    /// A formatting error is recorded with the text written before it.
    pub fn eager(&mut self, args: fmt::Arguments<'_>) {
        let scratch = self.eager.get_or_insert_with(Scratch::take).vec();
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
        self.len += n + len;
    }
}

/// Writes the payload into the claimed slot, field by field in the order
/// the frame measured them: encoded fields and counts directly, eager
/// fields copied from the frame.
#[derive(Debug)]
pub struct PayloadWriter<'a> {
    /// The frame's eager bytes not yet copied.
    framing: &'a [u8],
    /// The slot's payload bytes not yet written.
    dst: &'a mut [u8],
}

impl<'a> PayloadWriter<'a> {
    fn new(framing: &'a [u8], dst: &'a mut [u8]) -> Self {
        Self { framing, dst }
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> Option<&'a mut [u8]> {
        if n > self.dst.len() {
            return None;
        }
        let (head, tail) = std::mem::take(&mut self.dst).split_at_mut(n);
        self.dst = tail;
        Some(head)
    }

    /// Writes `n` as a varint; `None` (nothing written) if the slot is
    /// shorter than the frame measured, which only a bug could make it.
    #[inline(always)]
    fn varint(&mut self, n: u64) -> Option<()> {
        if n >= 0x80 {
            return self.long_varint(n);
        }
        // The common header: one byte.
        let (first, rest) = std::mem::take(&mut self.dst).split_first_mut()?;
        *first = n as u8;
        self.dst = rest;
        Some(())
    }

    #[cold]
    fn long_varint(&mut self, n: u64) -> Option<()> {
        let (bytes, len) = varint_bytes(n);
        self.take(len)?.copy_from_slice(&bytes[..len]);
        Some(())
    }

    /// An encoded field of `len` bytes (as measured): writes its header,
    /// returns the body to encode into.
    #[inline]
    pub(crate) fn body(&mut self, len: usize) -> Option<&'a mut [u8]> {
        self.varint(len as u64)?;
        self.take(len)
    }

    /// An eager field: copies header and text from the frame.
    #[inline]
    pub fn eager(&mut self) {
        if let Some((n, header)) = varint(self.framing) {
            let n = header + (n >> 1) as usize;
            if n <= self.framing.len() {
                let (from, rest) = self.framing.split_at(n);
                self.framing = rest;
                if let Some(to) = self.take(n) {
                    to.copy_from_slice(from);
                }
            }
        }
    }

    /// A width or precision.
    #[inline]
    pub fn count(&mut self, n: usize) {
        let _ = self.varint(n as u64);
    }
}

/// The largest payload a deferred record may have: 1 GiB, the largest ring
/// a logger accepts ([`MAX_RING_BYTES`](crate::log::MAX_RING_BYTES)).
const MAX_PAYLOAD: usize = crate::log::MAX_RING_BYTES;

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
    if len > MAX_PAYLOAD {
        // Only an `Encode` whose `encoded_len` is absurd gets here: refused
        // before the claim, counted as dropped, instead of a spill that
        // cannot be allocated inside the claim (an abort) or a wrapped
        // length that garbles the record.
        logger.note_drop(callsite.level());
        return;
    }
    let _ = logger.log_deferred(callsite, render, len, |dst| {
        put(&mut PayloadWriter::new(frame.framing(), dst));
    });
}
