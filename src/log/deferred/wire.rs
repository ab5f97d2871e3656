//! The payload of a deferred record: one *field* per placeholder value and
//! per width or precision taken from an argument, in the order of the format
//! string.
//!
//! | field | bytes |
//! |---|---|
//! | encoded argument ([`Encode`](super::encode::Encode)) | varint `n`, then the `n` bytes `encode` wrote |
//! | text formatted in the caller (eager) | varint `n << 1 \| failed`, then `n` bytes of UTF-8 |
//! | width or precision | varint |
//!
//! Varints are LEB128 (7 bits a byte, low first). The caller measures every
//! field and formats the eager text (with its header) before its claim;
//! inside the claim it writes the fields into the slot in order. The render function reads the fields back in the same order. A
//! field never reads outside its own bytes, and a short or malformed payload
//! makes the reader return `fmt::Error` (the line then ends with
//! `<formatting error>`), never a panic.

use std::fmt;

/// `n` as a LEB128 varint: the bytes, and how many of them are used.
pub(crate) fn varint_bytes(mut n: u64) -> ([u8; 10], usize) {
    let mut buf = [0u8; 10];
    let mut i = 0;
    while n >= 0x80 {
        buf[i] = n as u8 | 0x80;
        n >>= 7;
        i += 1;
    }
    buf[i] = n as u8;
    (buf, i + 1)
}

/// The length of `n` as a LEB128 varint, in bytes (1 to 10).
#[inline]
pub(crate) fn varint_len(n: u64) -> usize {
    // 7 bits a byte; `| 1` makes 0 one byte long.
    (64 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

/// The varint at the start of `buf` and its length in bytes.
pub(crate) fn varint(buf: &[u8]) -> Option<(u64, usize)> {
    let mut n = 0u64;
    for (i, &b) in buf.iter().enumerate().take(10) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((n, i + 1));
        }
    }
    None
}

/// Reads a payload's fields in order (the render function's side).
#[derive(Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(payload: &'a [u8]) -> Self {
        Self { rest: payload }
    }

    /// The next varint. A one-byte varint (below 128: the length of almost
    /// every field) is read without the general loop.
    #[inline]
    fn varint(&mut self) -> Result<u64, fmt::Error> {
        match self.rest {
            [b, rest @ ..] if *b < 0x80 => {
                self.rest = rest;
                Ok(u64::from(*b))
            }
            _ => self.long_varint(),
        }
    }

    #[cold]
    #[inline(never)]
    fn long_varint(&mut self) -> Result<u64, fmt::Error> {
        let (n, len) = varint(self.rest).ok_or(fmt::Error)?;
        self.rest = &self.rest[len..];
        Ok(n)
    }

    #[inline]
    fn bytes(&mut self, n: u64) -> Result<&'a [u8], fmt::Error> {
        let n = usize::try_from(n).map_err(|_| fmt::Error)?;
        if n > self.rest.len() {
            return Err(fmt::Error);
        }
        let (bytes, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(bytes)
    }

    /// An encoded argument's bytes.
    #[inline]
    pub(crate) fn field(&mut self) -> Result<&'a [u8], fmt::Error> {
        // A one-byte length, checked once against what is left.
        if let [len, rest @ ..] = self.rest {
            let n = usize::from(*len);
            if n < 0x80 && n <= rest.len() {
                let (bytes, rest) = rest.split_at(n);
                self.rest = rest;
                return Ok(bytes);
            }
        }
        let n = self.varint()?;
        self.bytes(n)
    }

    /// Text formatted in the caller, and whether its formatting failed.
    pub(crate) fn eager(&mut self) -> Result<(&'a str, bool), fmt::Error> {
        let header = self.varint()?;
        let bytes = self.bytes(header >> 1)?;
        let text = std::str::from_utf8(bytes).map_err(|_| fmt::Error)?;
        Ok((text, header & 1 == 1))
    }

    /// A width or precision.
    #[inline]
    pub fn count(&mut self) -> Result<usize, fmt::Error> {
        usize::try_from(self.varint()?).map_err(|_| fmt::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let (bytes, len) = varint_bytes(n);
            let buf = &bytes[..len];
            assert_eq!(varint(buf), Some((n, buf.len())), "{n}");
            assert_eq!(varint_len(n), buf.len(), "{n}");
        }
        assert_eq!(varint(&[0x80]), None);
        assert_eq!(varint(&[]), None);
    }

    #[test]
    fn fields_of_one_and_two_byte_lengths() {
        // 127: the longest one-byte varint (the fast path); 128 and 300: the
        // general loop.
        for n in [0usize, 1, 127, 128, 300] {
            let (header, len) = varint_bytes(n as u64);
            let mut buf = header[..len].to_vec();
            buf.extend(std::iter::repeat(7u8).take(n));
            buf.extend_from_slice(&header[..len]);
            let mut r = Reader::new(&buf);
            assert_eq!(r.field(), Ok(&vec![7u8; n][..]));
            assert_eq!(r.count(), Ok(n));
            assert_eq!(r.field(), Err(fmt::Error));
        }
    }

    #[test]
    fn a_short_payload_is_an_error_not_a_panic() {
        let buf = [5, b'a', b'b', b'c'];
        assert_eq!(Reader::new(&buf).field(), Err(fmt::Error));
        assert_eq!(Reader::new(&[0xff]).count(), Err(fmt::Error));
        assert_eq!(Reader::new(&[2, 0xff]).eager(), Err(fmt::Error));
        let mut r = Reader::new(&[4, b'o', b'k', 3]);
        assert_eq!(r.eager(), Ok(("ok", false)));
        assert_eq!(r.count(), Ok(3));
        assert_eq!(r.count(), Err(fmt::Error));
    }
}
