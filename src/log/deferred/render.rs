//! The writer's side of a deferred record: [`Out`], what the generated
//! render functions write to, and [`render_message`], which runs one.

use super::callsite::RenderFn;
use super::kind::{ArgKind, Eager};
use super::wire::Reader;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Appended where formatting a message failed (a `Display` returned an
/// error), on every path, so a deferred line and a formatted one agree.
pub(crate) const FORMAT_ERROR: &[u8] = b" <formatting error>";

/// Appended where rendering a deferred message panicked on the writer thread
/// (a user's `Encode` or formatting code).
pub(crate) const RENDER_PANIC: &[u8] = b" <formatting panicked>";

/// The message being rendered.
#[derive(Debug)]
pub struct Out<'a> {
    buf: &'a mut Vec<u8>,
}

impl Out<'_> {
    /// A literal piece of the format string.
    #[inline(always)]
    pub fn literal(&mut self, piece: &str) {
        self.buf.extend_from_slice(piece.as_bytes());
    }

    /// Formats `args` (what `write!` calls).
    ///
    /// # Errors
    ///
    /// If a formatting trait implementation returns an error.
    #[inline]
    pub fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> fmt::Result {
        fmt::write(self, args)
    }

    /// A `{:p}` placeholder's text (always formatted in the caller).
    ///
    /// # Errors
    ///
    /// If the field is malformed, or the caller's formatting failed.
    #[inline]
    pub fn eager(&mut self, reader: &mut Reader<'_>) -> fmt::Result {
        Eager::read(reader)?.write_to(self.buf)
    }
}

impl fmt::Write for Out<'_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.buf.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A `{}` placeholder: integers, strings, `bool` and `char` (and text
/// formatted in the caller) are written without `core::fmt`.
///
/// # Errors
///
/// If the field is malformed or the value's `Display` fails.
#[inline]
pub fn display<K: ArgKind>(reader: &mut Reader<'_>, out: &mut Out<'_>) -> fmt::Result
where
    for<'a> K::Value<'a>: fmt::Display,
{
    let value = K::read(reader)?;
    match K::fast_display(&value, out.buf) {
        Some(result) => result,
        None => fmt::write(out, format_args!("{value}")),
    }
}

/// Appends the message of a deferred record to `out`: what `format!` of the
/// same call gives, followed by [`FORMAT_ERROR`] if a formatting trait
/// failed (as `Logger::log` does), or [`RENDER_PANIC`] if user code in it
/// panicked (caught: the writer thread carries on).
pub(crate) fn render_message(render: RenderFn, payload: &[u8], out: &mut Vec<u8>) {
    let mut reader = Reader::new(payload);
    let result = catch_unwind(AssertUnwindSafe(|| {
        render(&mut reader, &mut Out { buf: &mut *out })
    }));
    match result {
        Ok(Ok(())) => {}
        Ok(Err(fmt::Error)) => out.extend_from_slice(FORMAT_ERROR),
        Err(_) => out.extend_from_slice(RENDER_PANIC),
    }
}
