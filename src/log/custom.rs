//! Records rendered by an integration's own function: the seam between the
//! log layer and a front end (the `tracing` layer) that encodes its events
//! in a format of its own.
//!
//! The producer copies a payload (bytes the front end encoded before the
//! claim) into the slot with a [`CustomRecord`]: a plain function pointer and
//! a `'static` context (for `tracing`, the event's `Metadata`). The writer
//! thread calls the function with the record's stamp and payload; it appends
//! the whole line, in the logger's [`Format`](super::format::Format), using
//! the [`Renderer`]'s timestamp cache and escaping.

use super::format::Renderer;
use super::level::Level;
use std::any::Any;
use std::fmt;

/// Renders one custom record's line (ending with `\n`) into `out`.
pub(crate) type CustomRenderFn = fn(&mut Renderer, &CustomLine<'_>, &mut Vec<u8>);

/// What a custom record carries besides its payload.
#[derive(Clone, Copy)]
pub(crate) struct CustomRecord {
    pub(crate) render: CustomRenderFn,
    /// Static data the render function reads (it downcasts it).
    pub(crate) context: &'static (dyn Any + Send + Sync),
}

impl fmt::Debug for CustomRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomRecord").finish_non_exhaustive()
    }
}

/// One custom record, as the writer thread hands it to the render function.
#[derive(Clone, Copy)]
#[cfg_attr(not(any(feature = "tracing", feature = "log")), allow(dead_code))]
pub(crate) struct CustomLine<'a> {
    /// Nanoseconds since the Unix epoch (clamped: never before the previous
    /// line's).
    pub(crate) timestamp_ns: u64,
    #[cfg_attr(not(feature = "log"), allow(dead_code))]
    pub(crate) level: Level,
    /// The logging thread's small number and name (as for every record).
    #[cfg_attr(not(feature = "log"), allow(dead_code))]
    pub(crate) thread_id: u64,
    #[cfg_attr(not(feature = "log"), allow(dead_code))]
    pub(crate) thread_name: Option<&'a str>,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) context: &'static (dyn Any + Send + Sync),
    pub(crate) payload: &'a [u8],
}
