//! Structured fields and the source location of a record, as the caller
//! encodes them into a payload and the writer renders them.
//!
//! Encoding (after whatever the record's payload holds before it): a field is
//! `key_len: u32 LE, key, tag: u8, value_len: u32 LE, value`, where `value`
//! is the value's text (`Display`) and `tag` says how JSON writes it: `0` a
//! string (quoted, escaped), `1` a bare token (an integer, a finite float or
//! a boolean). Text lines show `key=value` after the message; JSON lines a
//! `"fields"` object.

use super::scratch::VecWriter;
use std::fmt;

/// How a field's value is written in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// Quoted and escaped.
    Str,
    /// As it is: a number or a boolean.
    Bare,
}

/// Appends length-prefixed byte strings and fields to a payload.
#[cfg_attr(not(feature = "log"), allow(dead_code))]
pub(crate) struct FieldWriter<'a>(pub(crate) &'a mut Vec<u8>);

#[cfg_attr(not(feature = "log"), allow(dead_code))]
impl FieldWriter<'_> {
    /// `bytes` with a `u32` length before it.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(&len32(bytes.len()).to_le_bytes());
        self.0.extend_from_slice(bytes);
    }

    /// `args` formatted, with a `u32` length before it; a formatting error
    /// keeps what was written before it.
    pub(crate) fn formatted(&mut self, args: fmt::Arguments<'_>) {
        let at = self.0.len();
        self.0.extend_from_slice(&[0; 4]);
        match args.as_str() {
            Some(s) => self.0.extend_from_slice(s.as_bytes()),
            None => {
                let _ = fmt::write(&mut VecWriter(self.0), args);
            }
        }
        let len = len32(self.0.len() - at - 4);
        self.0[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }

    /// A field: `key`, then `value` formatted.
    pub(crate) fn field(&mut self, key: &str, kind: FieldKind, value: fmt::Arguments<'_>) {
        self.bytes(key.as_bytes());
        self.0.push(match kind {
            FieldKind::Str => 0,
            FieldKind::Bare => 1,
        });
        self.formatted(value);
    }
}

/// A length as the encoding's `u32`, saturated (a field over 4 GiB is cut
/// to the first 4 GiB by `take`'s bounds check on the reading side: the
/// writer never reads past the payload).
#[cfg_attr(not(feature = "log"), allow(dead_code))]
fn len32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Reads back what [`FieldWriter`] wrote.
#[derive(Clone, Copy)]
pub(crate) struct FieldReader<'a>(pub(crate) &'a [u8]);

impl<'a> FieldReader<'a> {
    /// The next length-prefixed byte string (empty if the payload ends).
    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        if self.0.len() < 4 {
            self.0 = &[];
            return &[];
        }
        let (len, rest) = self.0.split_at(4);
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let len = len.min(rest.len());
        let (bytes, rest) = rest.split_at(len);
        self.0 = rest;
        bytes
    }

    /// What is left: the fields.
    #[cfg_attr(not(feature = "log"), allow(dead_code))]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.0
    }
}

impl<'a> Iterator for FieldReader<'a> {
    type Item = (&'a [u8], FieldKind, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let key = self.bytes();
        let (&tag, rest) = self.0.split_first()?;
        self.0 = rest;
        let value = self.bytes();
        let kind = if tag == 1 {
            FieldKind::Bare
        } else {
            FieldKind::Str
        };
        Some((key, kind, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let mut buf = Vec::new();
        let mut w = FieldWriter(&mut buf);
        w.bytes(b"target");
        w.formatted(format_args!("message {}", 7));
        w.field("user", FieldKind::Str, format_args!("{}", "ann"));
        w.field("n", FieldKind::Bare, format_args!("{}", 42));
        let mut r = FieldReader(&buf);
        assert_eq!(r.bytes(), b"target");
        assert_eq!(r.bytes(), b"message 7");
        let fields: Vec<_> = r.collect();
        assert_eq!(
            fields,
            [
                (&b"user"[..], FieldKind::Str, &b"ann"[..]),
                (&b"n"[..], FieldKind::Bare, &b"42"[..])
            ]
        );
        // A cut payload ends the fields, it never panics.
        let cut: Vec<_> = FieldReader(&buf[..buf.len() - 3]).skip(2).collect();
        assert!(cut.len() <= 2);
    }
}
