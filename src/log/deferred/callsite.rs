//! The static description of one macro call, and the writer-side function
//! that renders its records.

use super::render::Out;
use super::wire::Reader;
use crate::log::level::Level;
use std::fmt;

/// Renders a deferred record's message: reads the payload's fields and
/// writes the format string's pieces and the formatted arguments. Generated
/// (monomorphised over the arguments' kinds) per macro call.
pub type RenderFn = fn(&mut Reader<'_>, &mut Out<'_>) -> fmt::Result;

/// One macro invocation: a `static` per call site, pointed to by every
/// record it logs. (`new` repeats the field list: a `const fn` the macros'
/// expansion calls, so the fields stay private.)
#[derive(Debug)]
pub struct Callsite {
    level: Level,
    target: &'static str,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    format: &'static str,
}

impl Callsite {
    /// A call site (used by the macros' expansion).
    pub const fn new(
        level: Level,
        target: &'static str,
        module_path: &'static str,
        file: &'static str,
        line: u32,
        format: &'static str,
    ) -> Self {
        Self {
            level,
            target,
            module_path,
            file,
            line,
            format,
        }
    }

    /// The level of the records logged here.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The records' target.
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// The module of the call (`module_path!()`).
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file of the call (`file!()`).
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the call (`line!()`).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The format string, as written.
    pub fn format(&self) -> &'static str {
        self.format
    }
}

/// What a deferred record carries besides its payload.
#[derive(Clone, Copy)]
pub(crate) struct DeferredRecord {
    pub(crate) callsite: &'static Callsite,
    pub(crate) render: RenderFn,
}

impl fmt::Debug for DeferredRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeferredRecord")
            .field("callsite", self.callsite)
            .finish_non_exhaustive()
    }
}

// Auto traits are part of the API.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Callsite>();
    send_sync::<DeferredRecord>();
};
