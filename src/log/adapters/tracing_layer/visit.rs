//! The payload of one event: how the caller encodes it ([`encode_event`])
//! and how the writer thread reads it back ([`Payload`]).
//!
//! Layout (integers little-endian):
//!
//! ```text
//! scope: u32 length, then the span scope already rendered (span.rs)
//! field*: u8 tag, u8 index into the metadata's fields, then the value:
//!         U64, I64, F64: 8 bytes; BOOL: 1 byte;
//!         STR (a `&str` as recorded), TEXT (formatted in the caller):
//!         u32 length, then UTF-8 bytes
//! ```
//!
//! Integers, floats, booleans and strings are copied as they are; only
//! values `tracing` hands over as `dyn Debug` (or `dyn Error`), the message
//! among them, are formatted, in the caller: the writer thread cannot call
//! back into user code whose borrowed data is gone. Nothing here allocates
//! once the thread's scratch buffer has grown.

use crate::log::deferred::render::FORMAT_ERROR;
use crate::log::format::Format;
use crate::log::scratch::VecWriter;
use std::fmt::{self, Write as _};
use tracing_core::field::{Field, Visit};

const U64: u8 = 0;
const I64: u8 = 1;
const F64: u8 = 2;
const BOOL: u8 = 3;
const STR: u8 = 4;
const TEXT: u8 = 5;

/// One field value, as recorded (or decoded from a payload).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Value<'a> {
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    /// A string recorded with `record_str` (shown quoted in text, except the
    /// message). UTF-8, as written by the caller; not re-validated on the
    /// writer's fast paths.
    Str(&'a [u8]),
    /// Text formatted in the caller (`Debug` output, or an error's
    /// `Display`), shown as it is. UTF-8, as `Str`.
    Text(&'a [u8]),
}

/// A `Visit` that appends the fields it is shown to a buffer, in the layout
/// above (after the scope section, for an event).
pub(super) struct Encoder<'a> {
    buf: &'a mut Vec<u8>,
    format: Format,
}

/// Starts the scope section: returns where its length goes.
pub(super) fn begin_scope(buf: &mut Vec<u8>) -> usize {
    let at = buf.len();
    buf.extend_from_slice(&[0; 4]);
    at
}

/// Ends the scope section started at `at`.
pub(super) fn end_scope(buf: &mut [u8], at: usize) {
    patch_len(buf, at);
}

/// Writes the length of what follows the 4 bytes at `at` into them.
fn patch_len(buf: &mut [u8], at: usize) {
    let len = u32::try_from(buf.len() - at - 4).unwrap_or(u32::MAX);
    buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
}

impl<'a> Encoder<'a> {
    pub(super) fn new(buf: &'a mut Vec<u8>, format: Format) -> Self {
        Self { buf, format }
    }

    /// The head of a field of `len` bytes, its length included, in one copy.
    fn block_head(&mut self, tag: u8, field: &Field, len: u32) {
        let mut bytes = [0; 6];
        bytes[0] = tag;
        bytes[1] = index(field);
        bytes[2..].copy_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(&bytes);
    }

    /// A field of 8 bytes: its head and value in one copy.
    fn word(&mut self, tag: u8, field: &Field, value: [u8; 8]) {
        let mut bytes = [0; 10];
        bytes[0] = tag;
        bytes[1] = index(field);
        bytes[2..].copy_from_slice(&value);
        self.buf.extend_from_slice(&bytes);
    }

    fn text(&mut self, field: &Field, args: fmt::Arguments<'_>) {
        self.block_head(TEXT, field, 0);
        let at = self.buf.len() - 4;
        if VecWriter(self.buf).write_fmt(args).is_err() {
            self.buf.extend_from_slice(FORMAT_ERROR);
        }
        patch_len(self.buf, at);
    }
}

impl Visit for Encoder<'_> {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.word(U64, field, value.to_le_bytes());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.word(I64, field, value.to_le_bytes());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.word(F64, field, value.to_bits().to_le_bytes());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.buf
            .extend_from_slice(&[BOOL, index(field), u8::from(value)]);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
        self.block_head(STR, field, len);
        self.buf
            .extend_from_slice(&value.as_bytes()[..len as usize]);
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        match (self.format, value.source()) {
            // As fmt's text format: `err name.sources=[cause, root cause]`.
            (Format::Text, Some(source)) => self.text(
                field,
                format_args!(
                    "{value} {}.sources={:?}",
                    field.name(),
                    Sources(Some(source))
                ),
            ),
            _ => self.text(field, format_args!("{value}")),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // A literal message (`fmt::Arguments` whose `as_str()` is `Some`)
        // reaches `core::fmt` as one `write_str` of the literal: a copy.
        self.text(field, format_args!("{value:?}"));
    }
}

/// An error's chain of sources, as a `Debug` list of their `Display`s.
struct Sources<'a>(Option<&'a (dyn std::error::Error + 'static)>);

impl fmt::Debug for Sources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        let mut next = self.0;
        while let Some(error) = next {
            list.entry(&format_args!("{error}"));
            next = error.source();
        }
        list.finish()
    }
}

/// A field's index in its callsite's fields, as the payload stores it.
fn index(field: &Field) -> u8 {
    // Callsites have at most 32 fields (tracing's `ValueSet` limit).
    u8::try_from(field.index()).unwrap_or(u8::MAX)
}

/// Reads a payload back (writer thread). Malformed input (which only a bug
/// could produce) ends the fields early; it never panics.
pub(super) struct Payload<'a> {
    rest: &'a [u8],
}

impl<'a> Payload<'a> {
    /// The scope section and a reader of the fields after it.
    pub(super) fn open(payload: &'a [u8]) -> (&'a [u8], Self) {
        let mut reader = Self { rest: payload };
        let scope = reader.block().unwrap_or_default();
        (scope, reader)
    }

    /// A reader of fields only (a span's fields, encoded without a scope
    /// section).
    pub(super) fn fields(encoded: &'a [u8]) -> Self {
        Self { rest: encoded }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    fn word(&mut self) -> Option<[u8; 8]> {
        self.take(8)?.try_into().ok()
    }

    fn block(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?);
        self.take(len as usize)
    }
}

impl<'a> Iterator for Payload<'a> {
    /// A field's index in its metadata and its value.
    type Item = (usize, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let &[tag, index] = self.take(2)? else {
            return None;
        };
        let value = match tag {
            U64 => Value::U64(u64::from_le_bytes(self.word()?)),
            I64 => Value::I64(i64::from_le_bytes(self.word()?)),
            F64 => Value::F64(f64::from_bits(u64::from_le_bytes(self.word()?))),
            BOOL => Value::Bool(self.take(1)? != [0]),
            STR => Value::Str(self.block()?),
            TEXT => Value::Text(self.block()?),
            _ => return None,
        };
        Some((usize::from(index), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip() {
        let mut buf = Vec::new();
        let at = begin_scope(&mut buf);
        buf.extend_from_slice(b"outer{a=1}: ");
        end_scope(&mut buf, at);
        for (tag, body) in [
            (U64, 7u64.to_le_bytes().to_vec()),
            (I64, (-7i64).to_le_bytes().to_vec()),
            (F64, 1.5f64.to_bits().to_le_bytes().to_vec()),
            (BOOL, vec![1]),
        ] {
            buf.extend_from_slice(&[tag, 3]);
            buf.extend_from_slice(&body);
        }
        for (tag, s) in [(STR, "héllo"), (TEXT, "Some(1)")] {
            buf.extend_from_slice(&[tag, 4]);
            buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
        let (scope, fields) = Payload::open(&buf);
        assert_eq!(scope, b"outer{a=1}: ");
        let fields: Vec<_> = fields.collect();
        assert_eq!(
            fields,
            [
                (3, Value::U64(7)),
                (3, Value::I64(-7)),
                (3, Value::F64(1.5)),
                (3, Value::Bool(true)),
                (4, Value::Str("héllo".as_bytes())),
                (4, Value::Text(b"Some(1)")),
            ]
        );
        // Truncated: ends early, no panic.
        for cut in 0..buf.len() {
            let _ = Payload::open(&buf[..cut]).1.count();
        }
    }
}
