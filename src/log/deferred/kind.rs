//! Choosing, by an argument's type at the call site, between deferring it
//! and formatting it in the caller, without specialization (stable Rust):
//! *autoref specialization*.
//!
//! The macro writes `(&&Probe(arg)).__ringlog_kind()`. Method lookup tries
//! the receiver type `&&Probe<T>` first, where only [`ViaEncode`] (implemented
//! for `&Probe<T>` when `T: Encode`) matches; if `T` is not `Encode`, it
//! derefs once and finds [`ViaFmt`] (implemented for every `Probe<T>`). The
//! result is a *kind* value, [`Encoded<T>`] or [`Eager`], whose type the
//! generated render function is generic over ([`ArgKind`]).

use super::encode::Encode;
use super::frame::{Frame, PayloadWriter};
use super::wire::Reader;
use std::fmt;
use std::marker::PhantomData;

/// Wraps a reference to an argument for the kind choice.
#[derive(Debug)]
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// Chosen for arguments whose type is [`Encode`].
pub trait ViaEncode {
    /// [`Encoded<T>`].
    type Kind;
    /// The kind of the probed argument.
    fn __ringlog_kind(&self) -> Self::Kind;
}

impl<T: Encode + ?Sized> ViaEncode for &Probe<'_, T> {
    type Kind = Encoded<T>;
    #[inline(always)]
    fn __ringlog_kind(&self) -> Encoded<T> {
        Encoded(PhantomData)
    }
}

/// Chosen for every other argument.
pub trait ViaFmt {
    /// The kind of the probed argument: [`Eager`].
    fn __ringlog_kind(&self) -> Eager;
}

impl<T: ?Sized> ViaFmt for Probe<'_, T> {
    #[inline(always)]
    fn __ringlog_kind(&self) -> Eager {
        Eager
    }
}

/// How a placeholder's value travels, as the render function sees it.
pub trait ArgKind {
    /// What the render function formats.
    type Value<'a>;
    /// Reads the value's field.
    ///
    /// # Errors
    ///
    /// `fmt::Error` if the payload is malformed.
    fn read<'a>(reader: &mut Reader<'a>) -> Result<Self::Value<'a>, fmt::Error>;
    /// `{}` of `value` without `core::fmt`, if the type has a fast path.
    fn fast_display(value: &Self::Value<'_>, out: &mut Vec<u8>) -> Option<fmt::Result>;
}

/// The kind of an argument of type `T: Encode`: its bytes are copied into
/// the record and the writer formats the decoded value.
pub struct Encoded<T: ?Sized>(PhantomData<fn() -> *const T>);

impl<T: Encode + ?Sized> Encoded<T> {
    /// Before the claim: notes the field's length (`args` is not formatted)
    /// and returns the body's, for [`put`](Self::put) (so `encoded_len`
    /// runs once per field).
    #[inline(always)]
    pub fn measure(&self, value: &T, frame: &mut Frame, _args: fmt::Arguments<'_>) -> usize {
        let len = value.encoded_len();
        frame.encoded(len);
        len
    }

    /// Inside the claim: writes the field, `len` bytes as measured.
    #[inline(always)]
    pub fn put(&self, value: &T, len: usize, writer: &mut PayloadWriter<'_>) {
        if let Some(body) = writer.body(len) {
            value.encode(body);
        }
    }
}

impl<T: Encode + ?Sized> ArgKind for Encoded<T> {
    type Value<'a> = T::Decoded<'a>;

    #[inline]
    fn read<'a>(reader: &mut Reader<'a>) -> Result<T::Decoded<'a>, fmt::Error> {
        reader.field().map(T::decode)
    }

    #[inline]
    fn fast_display(value: &T::Decoded<'_>, out: &mut Vec<u8>) -> Option<fmt::Result> {
        T::fast_display(value, out).then_some(Ok(()))
    }
}

/// The kind of any other argument: formatted in the caller, before the
/// claim, with the placeholder's spec; the writer copies the text.
#[derive(Debug)]
pub struct Eager;

impl Eager {
    /// Before the claim: formats `args` (the value with its spec) into the
    /// frame.
    /// Returns 0 (the frame holds the text and its length).
    #[inline]
    pub fn measure<T: ?Sized>(
        &self,
        _value: &T,
        frame: &mut Frame,
        args: fmt::Arguments<'_>,
    ) -> usize {
        frame.eager(args);
        0
    }

    /// Inside the claim: copies the formatted text.
    #[inline]
    pub fn put<T: ?Sized>(&self, _value: &T, _len: usize, writer: &mut PayloadWriter<'_>) {
        writer.eager();
    }
}

impl ArgKind for Eager {
    type Value<'a> = Formatted<'a>;

    #[inline]
    fn read<'a>(reader: &mut Reader<'a>) -> Result<Formatted<'a>, fmt::Error> {
        let (text, failed) = reader.eager()?;
        Ok(Formatted { text, failed })
    }

    #[inline]
    fn fast_display(value: &Formatted<'_>, out: &mut Vec<u8>) -> Option<fmt::Result> {
        out.extend_from_slice(value.text.as_bytes());
        Some(value.result())
    }
}

/// Text the caller formatted: written as it is, whatever the spec (the spec
/// was applied in the caller), by every formatting trait.
pub struct Formatted<'a> {
    text: &'a str,
    /// The caller's formatting returned an error after writing `text`.
    failed: bool,
}

impl Formatted<'_> {
    fn result(&self) -> fmt::Result {
        if self.failed {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }

    /// Writes the text (for `{:p}`, always formatted in the caller).
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) -> fmt::Result {
        out.extend_from_slice(self.text.as_bytes());
        self.result()
    }
}

macro_rules! formatted_as_is {
    ($($t:ident),*) => {$(
        impl fmt::$t for Formatted<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // `write_str` ignores width, fill and precision.
                f.write_str(self.text)?;
                self.result()
            }
        }
    )*};
}

formatted_as_is!(Display, LowerHex, UpperHex, Octal, Binary, LowerExp, UpperExp, Pointer);

impl fmt::Debug for Formatted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)?;
        self.result()
    }
}
