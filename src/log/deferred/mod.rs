//! Deferred formatting: the runtime half of the log macros
//! ([`info!`](crate::info) and friends; the other half is the
//! `ringlog-macros` procedural macro).
//!
//! A macro call evaluates each argument once and, by its type, either
//! copies it into the record as bytes ([`Encode`](encode::Encode): integers, floats, `bool`,
//! `char`, strings, byte slices, opted-in user types) or formats it in the
//! caller with its placeholder's spec (any other `Display`/`Debug` type),
//! before claiming a slot. The record points to a static call site and a
//! render function generated for the call; the writer thread formats the
//! message from the payload, to the same bytes `format!` would give.
//! docs/design.md, "Deferred formatting", has the encoding and the argument.
//!
//! | file | owns |
//! |---|---|
//! | `encode.rs` | the [`Encode`](encode::Encode) trait and its built-in implementations |
//! | `kind.rs` | the choice by type (autoref specialization): `Encoded<T>` or `Eager` |
//! | `wire.rs` | the payload's fields (varint framing) and the `Reader` |
//! | `frame.rs` | the caller: scratch buffer, measure, copy into the claimed slot |
//! | `callsite.rs` | `Callsite` (static per call) and `RenderFn` |
//! | `render.rs` | the writer: `Out`, the `{}` fast path, running a render function |
//! | `global.rs` | [`install`](global::install) and the global maximum level |

pub(crate) mod callsite;
pub(crate) mod encode;
pub(crate) mod frame;
pub(crate) mod global;
pub(crate) mod kind;
pub(crate) mod render;
pub(crate) mod wire;
