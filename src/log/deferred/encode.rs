//! [`Encode`]: how a deferred argument is copied into a record and read back
//! on the writer thread, with the implementations for the built-in types.

use crate::log::format::push_u64;
use std::borrow::Cow;

/// A type the logging macros copy into the record as bytes, to be formatted
/// by the writer thread instead of the caller.
///
/// The macros ([`info!`](crate::info) and friends) pick, by each argument's
/// type, between *deferring* it (the type implements `Encode`: its bytes are
/// copied into the record and the writer thread formats them) and
/// formatting it in the caller (any other `Display`/`Debug` type). Integers,
/// floats, `bool`, `char`, `str`, `String`, byte slices and references to
/// any of these implement it; implement it for your own types to make them
/// deferred too.
///
/// # Contract
///
/// - [`encoded_len`](Encode::encoded_len) says how many bytes
///   [`encode`](Encode::encode) writes; `encode` gets a buffer of exactly
///   that length and must fill it.
/// - [`decode`](Encode::decode) gets exactly those bytes back (on the writer
///   thread) and returns a value that formats **exactly** as the original
///   does, for every format spec used with it (`{}`, `{:>8}`, `{:?}`, ...).
///   That is what makes a deferred line the same bytes as a formatted one.
/// - `encode` runs while the caller holds a claimed slot of the ring, so it
///   should only copy bytes. Nothing it does can wedge the logger, but: a
///   panic skips the record and propagates; a log call into the same logger
///   is written if there is room, and otherwise returns
///   [`LogError::WouldDeadlock`](crate::log::LogError::WouldDeadlock)
///   (counted as dropped) instead of waiting behind the slot it holds; a
///   flush or shutdown from it returns `WouldDeadlock` at once.
///   `encoded_len` runs before the claim. `decode` and the decoded value's
///   formatting run on the writer thread, where the same holds for log
///   calls (a panic there is caught, and the line ends with
///   `<formatting panicked>`).
/// - Implementations only ever see their own bytes: a wrong implementation
///   garbles its own output, never the rest of the record, and cannot cause
///   undefined behaviour (no `unsafe` is involved). A record whose encoded
///   length comes to more than 1 GiB is not logged: it is counted as
///   dropped, before any slot is claimed.
///
/// # Examples
///
/// ```
/// use ringlog::log::{Encode, LoggerBuilder};
/// use std::fmt;
///
/// #[derive(Clone, Copy)]
/// struct Point { x: i32, y: i32 }
///
/// impl fmt::Display for Point {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         write!(f, "({}, {})", self.x, self.y)
///     }
/// }
///
/// // Deferred: 8 bytes copied by the caller, formatted by the writer.
/// impl Encode for Point {
///     type Decoded<'a> = Point;
///     fn encoded_len(&self) -> usize {
///         8
///     }
///     fn encode(&self, buf: &mut [u8]) {
///         buf[..4].copy_from_slice(&self.x.to_le_bytes());
///         buf[4..].copy_from_slice(&self.y.to_le_bytes());
///     }
///     fn decode(buf: &[u8]) -> Point {
///         let word = |i: usize| i32::from_le_bytes(buf[i..i + 4].try_into().unwrap_or_default());
///         Point { x: word(0), y: word(4) }
///     }
/// }
///
/// let path = std::env::temp_dir().join(format!("ringlog-doc-encode-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).build()?;
/// let p = Point { x: 3, y: -4 };
/// ringlog::info!(logger: &logger, "moved to {p}");
/// guard.shutdown()?;
/// assert!(std::fs::read_to_string(&path)?.contains("moved to (3, -4)"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Encode {
    /// What the writer thread formats: it must format as `Self` does.
    type Decoded<'a>;

    /// The number of bytes [`encode`](Encode::encode) writes.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::Encode;
    /// assert_eq!(7u32.encoded_len(), 4);
    /// assert_eq!("héllo".encoded_len(), 6);
    /// ```
    fn encoded_len(&self) -> usize;

    /// Writes the value into `buf` (exactly [`encoded_len`](Encode::encoded_len)
    /// bytes long). Runs inside the claim: it should only copy bytes (see
    /// the trait docs for what logging or panicking from it does).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::Encode;
    /// let mut buf = [0; 2];
    /// 0x0102u16.encode(&mut buf);
    /// assert_eq!(buf, [2, 1]);
    /// ```
    fn encode(&self, buf: &mut [u8]);

    /// Reads back what [`encode`](Encode::encode) wrote (on the writer thread).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::Encode;
    /// let value = -1.5f64;
    /// let mut buf = vec![0; value.encoded_len()];
    /// value.encode(&mut buf);
    /// assert_eq!(<f64 as Encode>::decode(&buf), -1.5);
    /// assert_eq!(<str as Encode>::decode(b"text"), "text");
    /// ```
    fn decode(buf: &[u8]) -> Self::Decoded<'_>;

    /// Writes `{}` of `value` to `out` without `core::fmt`, if the type has
    /// such a fast path; `false` if it does not (the default).
    #[doc(hidden)]
    fn fast_display(_value: &Self::Decoded<'_>, _out: &mut Vec<u8>) -> bool {
        false
    }
}

/// `N` bytes of `buf` as an array (zeros if the length is wrong, which only a
/// broken payload could make it).
fn array<const N: usize>(buf: &[u8]) -> [u8; N] {
    buf.try_into().unwrap_or([0; N])
}

/// Integers up to 64 bits: fixed-width little-endian, and `{}` written by
/// `push_u64` (a sign first for negative values) without `core::fmt`.
macro_rules! encode_integer {
    ($($t:ty => $wire:ty),* $(,)?) => {$(
        impl Encode for $t {
            type Decoded<'a> = $t;
            #[inline]
            fn encoded_len(&self) -> usize {
                std::mem::size_of::<$wire>()
            }
            #[inline]
            fn encode(&self, buf: &mut [u8]) {
                buf.copy_from_slice(&(*self as $wire).to_le_bytes());
            }
            fn decode(buf: &[u8]) -> $t {
                <$wire>::from_le_bytes(array(buf)) as $t
            }
            #[allow(unused_comparisons)] // unsigned types are never negative
            fn fast_display(value: &$t, out: &mut Vec<u8>) -> bool {
                if *value < 0 {
                    out.push(b'-');
                }
                push_u64((*value as i128).unsigned_abs() as u64, out);
                true
            }
        }
    )*};
}

encode_integer!(u8 => u8, u16 => u16, u32 => u32, u64 => u64, usize => u64);
encode_integer!(i8 => i8, i16 => i16, i32 => i32, i64 => i64, isize => i64);

macro_rules! encode_plain {
    ($($t:ty),* $(,)?) => {$(
        impl Encode for $t {
            type Decoded<'a> = $t;
            #[inline]
            fn encoded_len(&self) -> usize {
                std::mem::size_of::<$t>()
            }
            #[inline]
            fn encode(&self, buf: &mut [u8]) {
                buf.copy_from_slice(&self.to_le_bytes());
            }
            fn decode(buf: &[u8]) -> $t {
                <$t>::from_le_bytes(array(buf))
            }
        }
    )*};
}

// 128-bit integers and floats go through `core::fmt` on the writer thread;
// floats keep their exact bits (NaN payloads, -0.0, subnormals).
encode_plain!(u128, i128, f32, f64);

impl Encode for bool {
    type Decoded<'a> = bool;
    #[inline]
    fn encoded_len(&self) -> usize {
        1
    }
    #[inline]
    fn encode(&self, buf: &mut [u8]) {
        buf[0] = u8::from(*self);
    }
    fn decode(buf: &[u8]) -> bool {
        buf.first() == Some(&1)
    }
    fn fast_display(value: &bool, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(if *value { b"true" } else { b"false" });
        true
    }
}

impl Encode for char {
    type Decoded<'a> = char;
    #[inline]
    fn encoded_len(&self) -> usize {
        4
    }
    #[inline]
    fn encode(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&u32::from(*self).to_le_bytes());
    }
    fn decode(buf: &[u8]) -> char {
        char::from_u32(u32::from_le_bytes(array(buf))).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
    fn fast_display(value: &char, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(value.encode_utf8(&mut [0; 4]).as_bytes());
        true
    }
}

impl Encode for str {
    type Decoded<'a> = &'a str;
    #[inline]
    fn encoded_len(&self) -> usize {
        self.len()
    }
    #[inline]
    fn encode(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self.as_bytes());
    }
    fn decode(buf: &[u8]) -> &str {
        // Most logged strings are ASCII, which `is_ascii` checks in about a
        // third of the instructions of `from_utf8` (callgrind, a 38-byte
        // string: ~79 for `from_utf8`).
        if buf.is_ascii() {
            // SAFETY: every byte is below 0x80, so the bytes are valid UTF-8.
            return unsafe { std::str::from_utf8_unchecked(buf) };
        }
        // The bytes are a `str`'s: valid unless the payload is broken.
        std::str::from_utf8(buf).unwrap_or("\u{FFFD}")
    }
    fn fast_display(value: &&str, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(value.as_bytes());
        true
    }
}

impl Encode for [u8] {
    type Decoded<'a> = &'a [u8];
    #[inline]
    fn encoded_len(&self) -> usize {
        self.len()
    }
    #[inline]
    fn encode(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self);
    }
    fn decode(buf: &[u8]) -> &[u8] {
        buf
    }
}

/// Types that format as the `str` or `[u8]` they hold (`Display` and
/// `Debug` alike).
macro_rules! encode_as {
    ($target:ty: $($t:ty),* $(,)?) => {$(
        impl Encode for $t {
            type Decoded<'a> = <$target as Encode>::Decoded<'a>;
            #[inline]
            fn encoded_len(&self) -> usize {
                <$target as Encode>::encoded_len(self)
            }
            #[inline]
            fn encode(&self, buf: &mut [u8]) {
                <$target as Encode>::encode(self, buf)
            }
            fn decode(buf: &[u8]) -> Self::Decoded<'_> {
                <$target as Encode>::decode(buf)
            }
            fn fast_display(value: &Self::Decoded<'_>, out: &mut Vec<u8>) -> bool {
                <$target as Encode>::fast_display(value, out)
            }
        }
    )*};
}

encode_as!(str: String, Box<str>, Cow<'_, str>);
encode_as!([u8]: Vec<u8>, Box<[u8]>);

impl<const N: usize> Encode for [u8; N] {
    type Decoded<'a> = &'a [u8];
    #[inline]
    fn encoded_len(&self) -> usize {
        N
    }
    #[inline]
    fn encode(&self, buf: &mut [u8]) {
        buf.copy_from_slice(self);
    }
    fn decode(buf: &[u8]) -> &[u8] {
        buf
    }
}

/// References encode (and format) as what they point to.
macro_rules! encode_through {
    ($($r:ty),*) => {$(
        impl<T: Encode + ?Sized> Encode for $r {
            type Decoded<'a> = T::Decoded<'a>;
            #[inline]
            fn encoded_len(&self) -> usize {
                T::encoded_len(self)
            }
            #[inline]
            fn encode(&self, buf: &mut [u8]) {
                T::encode(self, buf);
            }
            fn decode(buf: &[u8]) -> Self::Decoded<'_> {
                T::decode(buf)
            }
            fn fast_display(value: &Self::Decoded<'_>, out: &mut Vec<u8>) -> bool {
                T::fast_display(value, out)
            }
        }
    )*};
}

encode_through!(&T, &mut T);

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Debug;

    /// Encodes `value`, decodes it, and checks both format alike.
    fn round_trip<T: Encode + Debug + ?Sized>(value: &T)
    where
        for<'a> T::Decoded<'a>: Debug,
    {
        let mut buf = vec![0xAA; value.encoded_len()];
        value.encode(&mut buf);
        assert_eq!(format!("{:?}", T::decode(&buf)), format!("{value:?}"));
    }

    #[test]
    fn built_in_types_round_trip() {
        round_trip(&u8::MAX);
        round_trip(&i8::MIN);
        round_trip(&u16::MAX);
        round_trip(&i16::MIN);
        round_trip(&u32::MAX);
        round_trip(&i32::MIN);
        round_trip(&u64::MAX);
        round_trip(&i64::MIN);
        round_trip(&usize::MAX);
        round_trip(&isize::MIN);
        round_trip(&u128::MAX);
        round_trip(&i128::MIN);
        round_trip(&-0.0f64);
        round_trip(&f64::NAN);
        round_trip(&f32::MIN_POSITIVE);
        round_trip(&5e-324f64);
        round_trip(&true);
        round_trip(&'\u{1F600}');
        round_trip("a\"b\n\u{e9}");
        round_trip(&String::from("s"));
        round_trip(&b"\x00\xff"[..]);
        round_trip(&vec![1u8, 2]);
        round_trip(&[7u8; 3]);
        round_trip(&&&"nested");
    }

    #[test]
    fn fast_display_matches_display() {
        fn check<T: Encode + std::fmt::Display>(value: T)
        where
            for<'a> T::Decoded<'a>: std::fmt::Display,
        {
            let mut buf = vec![0; value.encoded_len()];
            value.encode(&mut buf);
            let mut out = Vec::new();
            assert!(T::fast_display(&T::decode(&buf), &mut out));
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
        for v in [0, 1, 9, 10, 99, 100, u64::MAX] {
            check(v);
        }
        for v in [0, -1, 7, i64::MIN, i64::MAX] {
            check(v);
        }
        check(i8::MIN);
        check(isize::MIN);
        check(u16::MAX);
        check(true);
        check(false);
        check('é');
        check("str");
    }
}
