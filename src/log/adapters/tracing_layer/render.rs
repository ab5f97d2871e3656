//! How an event's line looks: `tracing_subscriber::fmt`'s default full
//! text format, or its JSON format (`Format::Json`), rendered by the writer
//! thread from the payload ([`render_line`]); and how one field value looks
//! in either, which span.rs also uses when it renders a span's fields.
//!
//! Text: `2026-11-23T16:20:00.123456Z  INFO outer{a=1}:inner{b=2}: target:
//! message k=v` (no ANSI codes; the message sanitized of terminal control
//! characters, as fmt does by default). JSON: `{"timestamp":…,"level":…,
//! "fields":{"message":…,…},"target":…,"span":{…},"spans":[…]}`.
//!
//! The writer's time per line bounds throughput when the callers fill both
//! cores, so the text path is tuned by instruction counts (see
//! docs/design.md, "Integrations"): one loop with the per-field code inlined
//! and its rare cases out of line, plain-ASCII checks 8 bytes at a time, no
//! `core::fmt` for anything but floats and escapes.

use super::span::split_json_scope;
use super::visit::{Payload, Value};
use crate::log::custom::CustomLine;
use crate::log::format::{json_escape, plain_word, push_u64, Format, Renderer};
use std::io::Write as _;
use tracing_core::field::{self, FieldSet};
use tracing_core::{Level, Metadata};

/// The writer thread's render function of the layer's records (a
/// `CustomRenderFn`).
pub(super) fn render_line(renderer: &mut Renderer, line: &CustomLine<'_>, out: &mut Vec<u8>) {
    // The layer always passes the event's metadata.
    let Some(meta) = line.context.downcast_ref::<Metadata<'static>>() else {
        return;
    };
    let (scope, fields) = Payload::open(line.payload);
    let mut names = Names::new(meta);
    let mut names = |index| names.get(index);
    match renderer.format() {
        Format::Text => {
            renderer.timestamp_micros(line.timestamp_ns, out);
            out.extend_from_slice(padded_level(meta.level()));
            out.extend_from_slice(scope);
            out.extend_from_slice(meta.target().as_bytes());
            out.extend_from_slice(b": ");
            let mut first = true;
            for (index, value) in fields {
                text_field(out, &mut first, names(index), value);
            }
            out.push(b'\n');
        }
        Format::Json => {
            out.extend_from_slice(b"{\"timestamp\":\"");
            renderer.timestamp_micros(line.timestamp_ns, out);
            out.extend_from_slice(b"\",\"level\":\"");
            out.extend_from_slice(meta.level().as_str().as_bytes());
            out.extend_from_slice(b"\",\"fields\":{");
            for (i, (index, value)) in fields.enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_key(out, names(index));
                json_value(out, value);
            }
            out.extend_from_slice(b"},\"target\":\"");
            json_escape(meta.target().as_bytes(), out);
            out.push(b'"');
            // Nothing outside any span.
            if let Some((spans, leaf)) = split_json_scope(scope) {
                out.extend_from_slice(b",\"span\":");
                out.extend_from_slice(leaf);
                out.extend_from_slice(b",\"spans\":[");
                out.extend_from_slice(spans);
                out.push(b']');
            }
            out.extend_from_slice(b"}\n");
        }
    }
}

/// The names of a callsite's fields, looked up by index.
///
/// `FieldSet` has no lookup by index: its iterator's `nth` steps through
/// every field before. An event's fields arrive in their metadata's order
/// (tracing records a `ValueSet` in order), so the iterator is kept where the
/// previous field left it and steps on.
pub(super) struct Names {
    fields: &'static FieldSet,
    iter: field::Iter,
    /// The index `iter` yields next.
    next: usize,
}

impl Names {
    pub(super) fn new(meta: &'static Metadata<'static>) -> Self {
        let fields = meta.fields();
        Self {
            fields,
            iter: fields.iter(),
            next: 0,
        }
    }

    pub(super) fn get(&mut self, index: usize) -> &'static str {
        if index < self.next {
            // Out of order (only a hand-made `ValueSet` could do it).
            self.iter = self.fields.iter();
            self.next = 0;
        }
        let field = self.iter.nth(index - self.next);
        self.next = index + 1;
        field.map_or("?", |f| f.name())
    }
}

/// The level as fmt's text format shows it, between the timestamp and the
/// scope: right-aligned in 5 columns, a space either side.
fn padded_level(level: &Level) -> &'static [u8; 7] {
    match *level {
        Level::TRACE => b" TRACE ",
        Level::DEBUG => b" DEBUG ",
        Level::INFO => b"  INFO ",
        Level::WARN => b"  WARN ",
        _ => b" ERROR ",
    }
}

/// Appends one field as fmt's default field formatter does: separated by a
/// space, `message` bare, any other as `name=value` (a leading `r#` of the
/// name dropped) with the value's `Debug` form (strings quoted).
///
/// This, [`debug_value`], [`sanitized`] and [`plain`] are inlined into the
/// writer's per-field loop, their rare cases kept out of line (`#[cold]`):
/// a call per field and per value was a third of a line's rendering.
#[inline(always)]
pub(super) fn text_field(out: &mut Vec<u8>, first: &mut bool, name: &str, value: Value<'_>) {
    if !std::mem::take(first) {
        out.push(b' ');
    }
    if name == "message" {
        match value {
            Value::Str(s) | Value::Text(s) => sanitized(s, out),
            other => debug_value(other, out),
        }
        return;
    }
    out.extend_from_slice(name.strip_prefix("r#").unwrap_or(name).as_bytes());
    out.push(b'=');
    debug_value(value, out);
}

/// A value's `Debug` form (`Text` is one already).
#[inline(always)]
fn debug_value(value: Value<'_>, out: &mut Vec<u8>) {
    match value {
        Value::U64(n) => push_u64(n, out),
        Value::I64(n) => {
            if n < 0 {
                out.push(b'-');
            }
            push_u64(n.unsigned_abs(), out);
        }
        Value::F64(x) => debug_f64(x, out),
        Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Value::Str(s) if plain(s, true) => {
            out.push(b'"');
            out.extend_from_slice(s);
            out.push(b'"');
        }
        Value::Str(s) => debug_str(s, out),
        Value::Text(s) => out.extend_from_slice(s),
    }
}

#[inline(never)]
fn debug_f64(x: f64, out: &mut Vec<u8>) {
    // `Vec<u8>`'s `io::Write` does not fail.
    drop(write!(out, "{x:?}"));
}

/// A string's `Debug` form when it needs escaping.
#[cold]
#[inline(never)]
fn debug_str(s: &[u8], out: &mut Vec<u8>) {
    drop(write!(out, "{:?}", String::from_utf8_lossy(s)));
}

/// Appends `s` with the terminal control characters fmt escapes in messages
/// (ESC, BEL, BS, FF, DEL as `\x1b`…, C1 controls as `\u{9b}`…).
#[inline]
fn sanitized(s: &[u8], out: &mut Vec<u8>) {
    // Printable ASCII (the usual message) has none of them.
    if plain(s, false) {
        out.extend_from_slice(s);
    } else {
        sanitized_slow(s, out);
    }
}

#[cold]
#[inline(never)]
fn sanitized_slow(s: &[u8], out: &mut Vec<u8>) {
    let suspect = |b: &u8| matches!(b, 0x07 | 0x08 | 0x0c | 0x1b | 0x7f | 0xc2);
    if !s.iter().any(suspect) {
        out.extend_from_slice(s);
        return;
    }
    for c in String::from_utf8_lossy(s).chars() {
        match c {
            '\x07' | '\x08' | '\x0c' | '\x1b' | '\x7f' => {
                drop(write!(out, "\\x{:02x}", u32::from(c)));
            }
            '\u{80}'..='\u{9f}' => drop(write!(out, "\\u{{{:x}}}", u32::from(c))),
            _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
}

/// Whether every byte of `s` is printable ASCII (`0x20..0x7f`), and, if
/// `quotable`, neither `"` nor `\\`: then `s` is shown as it is (its `Debug`
/// form between quotes, or a message that needs no sanitizing).
///
/// Eight bytes at a time (the writer thread's per-line cost bounds
/// throughput; a byte-by-byte scan was a tenth of a line's rendering).
#[inline]
fn plain(s: &[u8], quotable: bool) -> bool {
    let word_plain = |x: u64| plain_word(x, true, quotable);
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        if !word_plain(u64::from_le_bytes(word)) {
            return false;
        }
    }
    // The rest, padded with a plain byte, assembled in a register: a copy
    // into a stack array becomes a `memcpy` call, and reading the array back
    // as one word right after its bytes were stored stalls.
    let mut word = u64::from_ne_bytes([b'a'; 8]);
    for (i, &b) in chunks.remainder().iter().enumerate() {
        let shift = 8 * i;
        word = (word & !(0xff << shift)) | (u64::from(b) << shift);
    }
    word_plain(word)
}

/// `"name":`.
pub(super) fn json_key(out: &mut Vec<u8>, name: &str) {
    out.push(b'"');
    json_escape(name.as_bytes(), out);
    out.extend_from_slice(b"\":");
}

/// A value as JSON: numbers and booleans bare (a float that is not finite
/// as `null`, as serde_json writes it), strings and formatted text quoted.
pub(super) fn json_value(out: &mut Vec<u8>, value: Value<'_>) {
    match value {
        Value::F64(x) if !x.is_finite() => out.extend_from_slice(b"null"),
        Value::F64(x) => json_f64(x, out),
        Value::Str(s) | Value::Text(s) => {
            out.push(b'"');
            json_escape(s, out);
            out.push(b'"');
        }
        other => debug_value(other, out),
    }
}

/// A finite float as serde_json writes it (fmt's JSON format goes through
/// serde_json): the shortest digits that read back to `x`, as Rust's own
/// formatting finds them, laid out as serde_json's float printer (zmij) lays
/// them out: positional notation for decimal exponents -5 to 15 (`100.0`,
/// `0.00001`), scientific otherwise with a signed exponent (`1e+16`,
/// `1.5e-7`), where Rust's `Debug` would write `1e16` and `1.5e-7`.
#[inline(never)]
fn json_f64(x: f64, out: &mut Vec<u8>) {
    // `-d.ddde-ddd`: at most 25 bytes.
    let mut buf = [0u8; 32];
    let mut cursor = &mut buf[..];
    if write!(cursor, "{x:e}").is_err() {
        return;
    }
    let len = 32 - cursor.len();
    let text = &buf[..len];
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let Some(e_at) = text.iter().position(|&b| b == b'e') else {
        return;
    };
    let (mantissa, exponent) = (&text[..e_at], &text[e_at + 1..]);
    let exponent: i32 = std::str::from_utf8(exponent)
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    // The significant digits, without the point.
    let mut digits = [0u8; 20];
    let mut n = 0;
    for &b in mantissa.iter().filter(|&&b| b != b'.') {
        if n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    let digits = &digits[..n];
    if negative {
        out.push(b'-');
    }
    if (-5..=15).contains(&exponent) {
        let point = exponent + 1; // digits before the point
        if point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat(b'0').take((-point) as usize));
            out.extend_from_slice(digits);
        } else if point as usize >= digits.len() {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat(b'0').take(point as usize - digits.len()));
            out.extend_from_slice(b".0");
        } else {
            let (int, frac) = digits.split_at(point as usize);
            out.extend_from_slice(int);
            out.push(b'.');
            out.extend_from_slice(frac);
        }
    } else {
        out.extend_from_slice(&digits[..1]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exponent < 0 { b'-' } else { b'+' });
        push_u64(u64::from(exponent.unsigned_abs()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, value: Value<'_>) -> String {
        let mut out = Vec::new();
        text_field(&mut out, &mut true, name, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_fields_look_like_fmt() {
        assert_eq!(text("n", Value::I64(-42)), "n=-42");
        assert_eq!(text("n", Value::I64(i64::MIN)), format!("n={}", i64::MIN));
        assert_eq!(text("x", Value::F64(1.0)), "x=1.0");
        assert_eq!(text("r#type", Value::Str(b"a")), "type=\"a\"");
        assert_eq!(text("s", Value::Str(b"q\"\n")), "s=\"q\\\"\\n\"");
        assert_eq!(
            text("message", Value::Str("a\x1bb\u{9b}".as_bytes())),
            "a\\x1bb\\u{9b}"
        );
        assert_eq!(text("message", Value::Text("é ok".as_bytes())), "é ok");
        let mut out = Vec::new();
        let mut first = true;
        text_field(&mut out, &mut first, "message", Value::Text(b"m"));
        text_field(&mut out, &mut first, "b", Value::Bool(false));
        assert_eq!(out, b"m b=false");
    }

    #[test]
    fn plain_agrees_with_a_byte_scan() {
        let bytes: Vec<u8> = (0..=255).collect();
        let naive = |s: &[u8], quotable: bool| {
            s.iter()
                .all(|&b| (0x20..0x7f).contains(&b) && !(quotable && (b == b'"' || b == b'\\')))
        };
        // Every byte at every position of strings of 0 to 17 bytes.
        for len in 0..18 {
            for at in 0..len.max(1) {
                for &b in &bytes {
                    let mut s = vec![b'x'; len];
                    if len > 0 {
                        s[at] = b;
                    }
                    for quotable in [false, true] {
                        assert_eq!(plain(&s, quotable), naive(&s, quotable), "{s:?}");
                    }
                }
            }
        }
        // Neighbours that could borrow into each other.
        for pair in [
            [0x00, 0x20],
            [0x1f, 0x21],
            [0x20, 0x00],
            [0x7f, 0x7e],
            [0x80, 0x20],
        ] {
            let s = [b'a', pair[0], pair[1], b'b'];
            assert_eq!(plain(&s, true), naive(&s, true), "{s:?}");
        }
    }

    #[test]
    fn json_values() {
        let json = |v| {
            let mut out = Vec::new();
            json_value(&mut out, v);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(json(Value::F64(f64::NAN)), "null");
        assert_eq!(json(Value::F64(0.5)), "0.5");
        // As serde_json writes them (a dev-dependency: compared directly).
        for x in [
            0.0,
            -0.0,
            1.0,
            100.0,
            1e15,
            1e16,
            1.5e16,
            123456789012345680.0,
            1e-5,
            1.5e-5,
            1e-6,
            0.0001,
            -1.4921859144432072e208,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            1.0 / 3.0,
        ] {
            assert_eq!(
                json(Value::F64(x)),
                serde_json::to_string(&x).unwrap(),
                "{x:e}"
            );
        }
        assert_eq!(json(Value::Text(b"a\"b")), "\"a\\\"b\"");
        assert_eq!(json(Value::U64(u64::MAX)), u64::MAX.to_string());
    }
}
