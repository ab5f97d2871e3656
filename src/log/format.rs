//! Rendering records as text lines or JSON lines.
//!
//! Rendering happens on the writer thread, into one reusable output buffer per
//! run, so it may take its time; it still avoids `fmt` machinery for the
//! timestamp (cached per second) and escapes JSON byte by byte.

use super::deferred::callsite::RenderFn;
use super::deferred::render::render_message;
use super::fields::{FieldKind, FieldReader};
use super::level::Level;

/// How records are written.
///
/// - `Text` (the default):
///   `2026-11-21T18:53:11.123456789Z INFO  [main#1] app::db: connected`
///   (thread name, if any, and the thread's small number; the message is
///   written as is, so a message with newlines spans lines).
/// - `Json`: one JSON object per line, for log shippers such as Vector or
///   Fluent Bit:
///   `{"ts":"2026-11-21T18:53:11.123456789Z","level":"INFO","thread":"main","thread_id":1,"target":"app::db","msg":"connected"}`
///   (`thread` is `null` for unnamed threads; strings are escaped per RFC 8259,
///   invalid UTF-8 becomes U+FFFD).
///
/// Records logged through [`Logger::log_raw`](crate::log::Logger::log_raw)
/// (the `tracing` `MakeWriter`) are already formatted and are written as they
/// are in both formats. The `tracing` layer's events are rendered in
/// `tracing_subscriber::fmt`'s text or JSON layout instead (see
/// `ringlog::tracing::Layer`, feature `tracing`).
///
/// # Examples
///
/// ```
/// use ringlog::log::{Format, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-format-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).format(Format::Json).build()?;
/// logger.info("doc", format_args!("say \"hi\"")).unwrap();
/// guard.shutdown()?;
/// let text = std::fs::read_to_string(&path)?;
/// assert!(text.contains(r#""msg":"say \"hi\"""#));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// A human-readable line per record (the default).
    #[default]
    Text,
    /// A JSON object per line.
    Json,
}

/// The fields of one line, borrowed from a record (or made up by the writer
/// thread, for the drop report).
pub(crate) struct Line<'a> {
    pub(crate) timestamp_ns: u64,
    pub(crate) level: Level,
    pub(crate) thread_id: u64,
    pub(crate) thread_name: Option<&'a str>,
    pub(crate) target: &'a [u8],
    pub(crate) message: &'a [u8],
    /// Where the record was logged, when the logger shows source locations
    /// and the record knows its own.
    pub(crate) location: Option<Location<'a>>,
    /// Structured fields, encoded as `fields.rs` says (empty: none).
    pub(crate) fields: &'a [u8],
}

/// Where a record was logged: text lines show `file:line`, JSON lines
/// `"file"`, `"line"` and (if known) `"module"`.
#[derive(Clone, Copy)]
pub(crate) struct Location<'a> {
    pub(crate) file: &'a [u8],
    pub(crate) line: u32,
    /// The module path (empty if unknown).
    pub(crate) module: &'a [u8],
}

/// Renders lines into a byte buffer, caching the date-time prefix of the
/// current second and each thread's part of the line.
#[derive(Debug)]
pub(crate) struct Renderer {
    format: Format,
    /// The second `prefix` was made for (`u64::MAX`: none yet).
    cached_second: u64,
    /// `YYYY-MM-DDTHH:MM:SS.` for `cached_second`.
    prefix: [u8; 20],
    /// A deferred message before JSON escaping (reused).
    message: Vec<u8>,
    /// The thread parts of recent lines.
    tags: ThreadTags,
}

impl Renderer {
    pub(crate) fn new(format: Format) -> Self {
        Self {
            format,
            cached_second: u64::MAX,
            prefix: [0; 20],
            message: Vec::new(),
            tags: ThreadTags::default(),
        }
    }

    /// Appends `line`, ending with `\n`, to `out`.
    pub(crate) fn render(&mut self, line: &Line<'_>, out: &mut Vec<u8>) {
        self.head(line, out);
        match self.format {
            Format::Text => out.extend_from_slice(line.message),
            Format::Json => json_escape(line.message, out),
        }
        self.tail(line.fields, out);
    }

    /// Appends a deferred record's line: `line.message` is the payload,
    /// which `render` turns into the message (in JSON, escaped as `render`
    /// escapes any message).
    pub(crate) fn render_deferred(&mut self, line: &Line<'_>, render: RenderFn, out: &mut Vec<u8>) {
        self.head(line, out);
        match self.format {
            Format::Text => render_message(render, line.message, out),
            Format::Json => {
                // Rendered in place: most messages need no escape, checked
                // where they lie; the others are moved out and escaped back.
                let start = out.len();
                render_message(render, line.message, out);
                if !needs_no_escape(&out[start..]) {
                    let mut message = std::mem::take(&mut self.message);
                    message.clear();
                    message.extend_from_slice(&out[start..]);
                    out.truncate(start);
                    json_escape(&message, out);
                    self.message = message;
                }
            }
        }
        self.tail(line.fields, out);
    }

    /// Everything before the message.
    ///
    /// The writer thread's cost per line bounds throughput, so the parts of
    /// fixed length (time, level) are assembled in one array and appended
    /// with one copy, and the thread's part comes from a cache: a text head
    /// is four appends. Inlined into `render` and `render_deferred` (a
    /// call's saving of registers is a tenth of a text head).
    #[inline(always)]
    fn head(&mut self, line: &Line<'_>, out: &mut Vec<u8>) {
        match self.format {
            Format::Text => {
                // `2026-11-21T18:53:11.123456789Z INFO  `
                let mut fixed = [b' '; 37];
                fixed[..30].copy_from_slice(&self.stamp(line.timestamp_ns));
                fixed[31..].copy_from_slice(level_column(line.level));
                out.extend_from_slice(&fixed);
                // `[name#id] `
                let format = self.format;
                out.extend_from_slice(self.tags.get(format, line.thread_id, line.thread_name));
                out.extend_from_slice(line.target);
                out.extend_from_slice(b": ");
                if let Some(at) = line.location {
                    out.extend_from_slice(at.file);
                    out.push(b':');
                    push_u64(u64::from(at.line), out);
                    out.extend_from_slice(b": ");
                }
            }
            Format::Json => {
                // `{"ts":"2026-11-21T18:53:11.123456789Z","level":"`
                let mut fixed = *b"{\"ts\":\"..............................\",\"level\":\"";
                fixed[7..37].copy_from_slice(&self.stamp(line.timestamp_ns));
                out.extend_from_slice(&fixed);
                out.extend_from_slice(line.level.as_str().as_bytes());
                // `","thread":"name","thread_id":1,"target":"`
                let format = self.format;
                out.extend_from_slice(self.tags.get(format, line.thread_id, line.thread_name));
                json_escape(line.target, out);
                if let Some(at) = line.location {
                    if !at.module.is_empty() {
                        out.extend_from_slice(b"\",\"module\":\"");
                        json_escape(at.module, out);
                    }
                    out.extend_from_slice(b"\",\"file\":\"");
                    json_escape(at.file, out);
                    out.extend_from_slice(b"\",\"line\":");
                    push_u64(u64::from(at.line), out);
                    out.extend_from_slice(b",\"msg\":\"");
                } else {
                    out.extend_from_slice(b"\",\"msg\":\"");
                }
            }
        }
    }

    /// Everything after the message: the fields, the line's end.
    #[inline(always)]
    fn tail(&self, fields: &[u8], out: &mut Vec<u8>) {
        match self.format {
            Format::Text => {
                for (key, _, value) in FieldReader(fields) {
                    out.push(b' ');
                    out.extend_from_slice(key);
                    out.push(b'=');
                    out.extend_from_slice(value);
                }
                out.push(b'\n');
            }
            Format::Json => {
                out.push(b'"');
                let mut first = true;
                for (key, kind, value) in FieldReader(fields) {
                    out.extend_from_slice(if first { b",\"fields\":{\"" } else { b",\"" });
                    first = false;
                    json_escape(key, out);
                    out.extend_from_slice(b"\":");
                    match kind {
                        FieldKind::Bare => out.extend_from_slice(value),
                        FieldKind::Str => {
                            out.push(b'"');
                            json_escape(value, out);
                            out.push(b'"');
                        }
                    }
                }
                if !first {
                    out.push(b'}');
                }
                out.extend_from_slice(b"}\n");
            }
        }
    }

    /// The format lines are rendered in.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    /// Appends `ns` (since the Unix epoch) as RFC 3339 UTC with nanoseconds.
    pub(crate) fn timestamp(&mut self, ns: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.stamp(ns));
    }

    /// `ns` (since the Unix epoch) as RFC 3339 UTC with nanoseconds:
    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
    fn stamp(&mut self, ns: u64) -> [u8; 30] {
        let mut stamp = [b'Z'; 30];
        stamp[..20].copy_from_slice(self.second_prefix(ns));
        stamp[20..29].copy_from_slice(&fixed_digits::<9>(ns % 1_000_000_000));
        stamp
    }

    /// Appends `ns` (since the Unix epoch) as RFC 3339 UTC with microseconds,
    /// as `tracing_subscriber::fmt`'s default timer writes it.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn timestamp_micros(&mut self, ns: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(self.second_prefix(ns));
        let digits: [u8; 6] = fixed_digits(ns % 1_000_000_000 / 1_000);
        out.extend_from_slice(&digits);
        out.push(b'Z');
    }

    /// `YYYY-MM-DDTHH:MM:SS.` of the second `ns` falls in (cached).
    #[inline]
    fn second_prefix(&mut self, ns: u64) -> &[u8; 20] {
        let second = ns / 1_000_000_000;
        if second != self.cached_second {
            self.new_second(second);
        }
        &self.prefix
    }

    #[cold]
    #[inline(never)]
    fn new_second(&mut self, second: u64) {
        self.cached_second = second;
        self.prefix = date_time_prefix(second);
    }
}

/// A level's name padded to 5 columns and the space after it (text lines).
fn level_column(level: Level) -> &'static [u8; 6] {
    match level {
        Level::Error => b"ERROR ",
        Level::Warn => b"WARN  ",
        Level::Info => b"INFO  ",
        Level::Debug => b"DEBUG ",
        Level::Trace => b"TRACE ",
    }
}

/// The number of threads whose parts are cached (a power of two).
const TAGS: usize = 16;

/// The thread's part of a line, per thread: `[name#id] ` in text,
/// `","thread":"name","thread_id":id,"target":"` in JSON. Direct-mapped by
/// thread id; a miss (a new thread, or two threads whose ids collide taking
/// turns) renders the part again into the entry's buffer.
///
/// An entry is keyed by the thread id and the name's address and length, not
/// its bytes (comparing those would cost a `memcmp` a line): a thread's
/// number is never reused and its name is one `Arc<str>` for the thread's
/// life (`record.rs`), and the writer's own lines use id 0 with a static
/// name, so equal keys mean equal names. A debug build checks the bytes too.
#[derive(Debug, Default)]
struct ThreadTags {
    entries: [Tag; TAGS],
}

#[derive(Debug, Default)]
struct Tag {
    /// `(thread id, name address, name length)`, or `None`: empty entry.
    key: Option<(u64, usize, usize)>,
    /// The name, only kept to check the key in debug builds.
    #[cfg(debug_assertions)]
    name: Option<String>,
    text: Vec<u8>,
}

impl ThreadTags {
    /// The part for thread `id` named `name` in `format`.
    #[inline]
    fn get(&mut self, format: Format, id: u64, name: Option<&str>) -> &[u8] {
        let key = (
            id,
            name.map_or(0, |n| n.as_ptr() as usize),
            name.map_or(0, str::len),
        );
        let tag = &mut self.entries[id as usize % TAGS];
        if tag.key != Some(key) {
            tag.fill(format, key, id, name);
        }
        #[cfg(debug_assertions)]
        debug_assert_eq!(tag.name.as_deref(), name, "one thread id, two names");
        &tag.text
    }
}

impl Tag {
    #[cold]
    #[inline(never)]
    fn fill(&mut self, format: Format, key: (u64, usize, usize), id: u64, name: Option<&str>) {
        let out = &mut self.text;
        out.clear();
        match format {
            Format::Text => {
                out.push(b'[');
                if let Some(name) = name {
                    out.extend_from_slice(name.as_bytes());
                }
                out.push(b'#');
                push_u64(id, out);
                out.extend_from_slice(b"] ");
            }
            Format::Json => {
                out.extend_from_slice(b"\",\"thread\":");
                match name {
                    Some(name) => {
                        out.push(b'"');
                        json_escape(name.as_bytes(), out);
                        out.push(b'"');
                    }
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\"thread_id\":");
                push_u64(id, out);
                out.extend_from_slice(b",\"target\":\"");
            }
        }
        self.key = Some(key);
        #[cfg(debug_assertions)]
        {
            self.name = name.map(str::to_owned);
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.` for a second since the Unix epoch.
fn date_time_prefix(second: u64) -> [u8; 20] {
    let days = second / 86_400;
    let rem = second % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut buf = Vec::with_capacity(20);
    push_padded(year, 4, &mut buf);
    buf.push(b'-');
    push_padded(month, 2, &mut buf);
    buf.push(b'-');
    push_padded(day, 2, &mut buf);
    buf.push(b'T');
    push_padded(rem / 3600, 2, &mut buf);
    buf.push(b':');
    push_padded(rem / 60 % 60, 2, &mut buf);
    buf.push(b':');
    push_padded(rem % 60, 2, &mut buf);
    buf.push(b'.');
    let mut prefix = [b'0'; 20];
    // Years beyond 9999 would make the prefix longer; the clock saturates in
    // 2554, so they cannot occur.
    let n = buf.len().min(20);
    prefix[..n].copy_from_slice(&buf[..n]);
    prefix
}

/// (year, month, day) of a day count since 1970-01-01, proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`, for non-negative day counts).
pub(crate) fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// `"00" "01" … "99"`: two digits at a time.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// Appends `n` in decimal (two digits per division, as `itoa` does: the
/// writer thread's per-line cost bounds throughput).
#[inline]
pub(crate) fn push_u64(n: u64, out: &mut Vec<u8>) {
    if n < 10 {
        out.push(b'0' + n as u8);
    } else {
        push_digits(n, out);
    }
}

/// `push_u64` of 10 or more: the digits are written right-aligned ending at
/// the middle of a 40-byte array, the 20 bytes from the first digit on are
/// appended (a copy of fixed length: no call to `memcpy`), and the line is
/// cut back to the number's length.
fn push_digits(n: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 40];
    let mut i = 20;
    let mut n = n;
    while n >= 100 {
        i -= 2;
        digits[i..i + 2].copy_from_slice(&two_digits(n));
        n /= 100;
    }
    if n >= 10 {
        i -= 2;
        digits[i..i + 2].copy_from_slice(&two_digits(n));
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    let start = out.len();
    out.extend_from_slice(&digits[i..i + 20]);
    out.truncate(start + 20 - i);
}

/// The last two decimal digits of `n`.
fn two_digits(n: u64) -> [u8; 2] {
    let pair = (n % 100) as usize * 2;
    [DIGIT_PAIRS[pair], DIGIT_PAIRS[pair + 1]]
}

/// The last `N` decimal digits of `n`, zero-padded (a timestamp's
/// sub-second part).
fn fixed_digits<const N: usize>(n: u64) -> [u8; N] {
    let mut digits = [b'0'; N];
    let mut i = N;
    let mut n = n;
    while i >= 2 {
        i -= 2;
        digits[i..i + 2].copy_from_slice(&two_digits(n));
        n /= 100;
    }
    if i == 1 {
        digits[0] = b'0' + (n % 10) as u8;
    }
    digits
}

/// Appends `n` in decimal, zero-padded to `width` digits (more if needed).
fn push_padded(n: u64, width: usize, out: &mut Vec<u8>) {
    // Only the date-time prefix comes through here, once a second (the
    // sub-second digits use `fixed_digits`): one digit a division is fine.
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut n = n;
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = i.min(digits.len() - width.min(20));
    out.extend_from_slice(&digits[start..]);
}

/// Appends `bytes` escaped for the inside of a JSON string: `"` and `\`
/// escaped, control characters as `\n`-style or `\u00XX` escapes, invalid
/// UTF-8 replaced by U+FFFD.
pub(crate) fn json_escape(bytes: &[u8], out: &mut Vec<u8>) {
    // Most text needs no escape: printable ASCII without `"` or `\`,
    // checked 8 bytes at a time, is appended as it is.
    let plain = plain_ascii_prefix(bytes);
    out.extend_from_slice(&bytes[..plain]);
    if plain < bytes.len() {
        escape_bytes(&bytes[plain..], out);
    }
}

/// `json_escape` byte by byte.
fn escape_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                escape_str(valid, out);
                return;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // `valid_up_to` marks a UTF-8 boundary.
                escape_str(std::str::from_utf8(valid).unwrap_or_default(), out);
                out.extend_from_slice("\u{FFFD}".as_bytes());
                let skip = e.error_len().unwrap_or(after.len());
                rest = &after[skip..];
            }
        }
    }
}

/// Whether `json_escape` would copy `bytes` as they are.
fn needs_no_escape(bytes: &[u8]) -> bool {
    let words = plain_ascii_prefix(bytes);
    bytes[words..]
        .iter()
        .all(|&b| (0x20..0x80).contains(&b) && b != b'"' && b != b'\\')
}

/// The length of the longest prefix of `bytes`, in whole 8-byte words, that
/// is printable ASCII without `"` or `\\` (nothing a JSON string escapes).
fn plain_ascii_prefix(bytes: &[u8]) -> usize {
    let mut done = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        if !plain_word(word, false, true) {
            break;
        }
        done += 8;
    }
    done
}

/// Whether the 8 bytes of `word` are all ASCII from 0x20 up (and not DEL,
/// 0x7f, if `no_del`) and, if `no_quotes`, none is `"` or `\\`: eight
/// bytes checked at once (the writer's per-line cost bounds throughput).
/// Used by the JSON escape here and the tracing layer's plain checks.
#[inline(always)]
pub(crate) fn plain_word(word: u64, no_del: bool, no_quotes: bool) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // High bits flagging the bytes of `x` equal to zero (exact where no byte
    // of `word` has its high bit set, and `word & HIGHS` rejects the rest).
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    // One mask, no branches: bytes >= 0x80, then bytes < 0x20.
    let mut bad = (word & HIGHS) | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
    if no_del {
        bad |= zeros(word ^ (ONES * 0x7f));
    }
    if no_quotes {
        bad |= zeros(word ^ (ONES * u64::from(b'"'))) | zeros(word ^ (ONES * u64::from(b'\\')));
    }
    bad == 0
}

fn escape_str(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_padded_pads_to_width_and_never_cuts() {
        for (n, width, want) in [
            (0, 9, "000000000"),
            (7, 9, "000000007"),
            (42, 2, "42"),
            (5, 2, "05"),
            (123_456_789, 9, "123456789"),
            (100_000_000, 9, "100000000"),
            (999_999, 6, "999999"),
            (12_345, 2, "12345"),
            (2026, 4, "2026"),
            (u64::MAX, 0, "18446744073709551615"),
        ] {
            let mut out = Vec::new();
            push_padded(n, width, &mut out);
            assert_eq!(out, want.as_bytes(), "{n} to {width}");
            assert_eq!(out, format!("{n:0width$}").as_bytes());
        }
    }

    #[test]
    fn microsecond_timestamps_truncate() {
        let mut out = Vec::new();
        Renderer::new(Format::Text).timestamp_micros(1_795_287_191_000_123_999, &mut out);
        assert_eq!(out, b"2026-11-21T18:53:11.000123Z");
    }

    fn ts(ns: u64) -> String {
        let mut out = Vec::new();
        Renderer::new(Format::Text).timestamp(ns, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(ts(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            ts(951_782_400_000_000_001),
            "2000-02-29T00:00:00.000000001Z"
        );
        // 2026-11-21T18:53:11.5Z, checked with `date -u -d @1795287191`.
        assert_eq!(
            ts(1_795_287_191_500_000_000),
            "2026-11-21T18:53:11.500000000Z"
        );
        assert_eq!(
            ts(4_102_444_799_999_999_999),
            "2099-12-31T23:59:59.999999999Z"
        );
    }

    #[test]
    fn civil_dates_walk_day_by_day() {
        // Every day from 1970 to 2100 follows the previous one.
        let (mut y, mut m, mut d) = civil_from_days(0);
        for day in 1..47_482 {
            let next = civil_from_days(day);
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let month_len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            let expected = if d < month_len[(m - 1) as usize] {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            assert_eq!(next, expected, "day {day}");
            (y, m, d) = next;
        }
    }

    #[test]
    fn decimal_digits() {
        let mut values = vec![
            0,
            1,
            9,
            10,
            11,
            99,
            100,
            101,
            999,
            1000,
            u64::MAX,
            u64::MAX - 1,
        ];
        values.extend((0..20).map(|p| 10u64.pow(p)));
        values.extend((1..20).map(|p| 10u64.pow(p) - 1));
        for n in values {
            let mut out = Vec::new();
            push_u64(n, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
            assert_eq!(
                fixed_digits::<6>(n),
                *format!("{:06}", n % 1_000_000).as_bytes()
            );
            assert_eq!(
                fixed_digits::<9>(n),
                *format!("{:09}", n % 1_000_000_000).as_bytes()
            );
            for width in [1, 2, 4, 6, 9, 20] {
                let mut out = Vec::new();
                push_padded(n, width, &mut out);
                assert_eq!(String::from_utf8(out).unwrap(), format!("{n:0width$}"));
            }
        }
    }

    #[test]
    fn json_escaping() {
        let mut out = Vec::new();
        json_escape("a\"b\\c\nd\te\u{1}f\u{7f}é😀".as_bytes(), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\\"b\\\\c\\nd\\te\\u0001f\u{7f}é😀"
        );
        let mut out = Vec::new();
        json_escape(b"x\xffy\xe2\x82", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "x\u{FFFD}y\u{FFFD}");
    }

    /// What `Renderer` writes, spelled out with `format!` (the layout the
    /// docs give): the cached, fixed-width head must match it.
    fn reference(line: &Line<'_>, format: Format) -> String {
        let ts = String::from_utf8(
            Renderer::new(Format::Text)
                .stamp(line.timestamp_ns)
                .to_vec(),
        )
        .unwrap();
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        let json = |b: &[u8]| {
            let mut out = Vec::new();
            json_escape(b, &mut out);
            String::from_utf8(out).unwrap()
        };
        let level = line.level.as_str();
        match format {
            Format::Text => {
                let at = line.location.map_or(String::new(), |at| {
                    format!("{}:{}: ", text(at.file), at.line)
                });
                format!(
                    "{ts} {level:<5} [{}#{}] {}: {at}{}\n",
                    line.thread_name.unwrap_or(""),
                    line.thread_id,
                    text(line.target),
                    text(line.message)
                )
            }
            Format::Json => {
                let thread = line.thread_name.map_or("null".to_string(), |n| {
                    format!("\"{}\"", json(n.as_bytes()))
                });
                let at = line.location.map_or(String::new(), |at| {
                    let module = if at.module.is_empty() {
                        String::new()
                    } else {
                        format!(",\"module\":\"{}\"", json(at.module))
                    };
                    format!(
                        "{module},\"file\":\"{}\",\"line\":{}",
                        json(at.file),
                        at.line
                    )
                });
                format!(
                    "{{\"ts\":\"{ts}\",\"level\":\"{level}\",\"thread\":{thread},\"thread_id\":{},\
                     \"target\":\"{}\"{at},\"msg\":\"{}\"}}\n",
                    line.thread_id,
                    json(line.target),
                    json(line.message)
                )
            }
        }
    }

    #[test]
    fn heads_match_the_spelled_out_layout() {
        // Threads whose ids share a cache entry (1, 17, 33) take turns, a
        // thread without a name, the writer's own id 0 with and without one.
        let threads: [(u64, Option<&str>); 6] = [
            (1, Some("main")),
            (17, Some("w\"q")),
            (33, None),
            (0, Some("ringlog")),
            (0, None),
            (u64::MAX, Some("big")),
        ];
        let levels = [
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Trace,
        ];
        for format in [Format::Text, Format::Json] {
            let mut renderer = Renderer::new(format);
            for round in 0..3u64 {
                for (i, &(thread_id, thread_name)) in threads.iter().enumerate() {
                    let location = (i % 2 == 1).then_some(Location {
                        file: b"src/a.rs",
                        line: 1234,
                        module: if round == 1 { b"" } else { b"app::a" },
                    });
                    let line = Line {
                        timestamp_ns: 1_795_287_191_000_000_000 + round * 999_999_999 + i as u64,
                        level: levels[(i + round as usize) % 5],
                        thread_id,
                        thread_name,
                        target: b"app::t\x01",
                        message: b"m \"x\"",
                        location,
                        fields: &[],
                    };
                    let mut out = Vec::new();
                    renderer.render(&line, &mut out);
                    assert_eq!(String::from_utf8(out).unwrap(), reference(&line, format));
                }
            }
        }
    }

    #[test]
    fn json_escaping_by_words_matches_byte_by_byte() {
        // Every byte value at every position of 8-byte words and a tail,
        // after a run of plain words, and a multi-byte character cut by a
        // word's end; `needs_no_escape` agrees on every prefix.
        for b in 0..=255u8 {
            for at in 0..19 {
                let mut bytes = b"abcdefghijklmnopqrs".to_vec();
                bytes[at] = b;
                let (mut words, mut slow) = (Vec::new(), Vec::new());
                json_escape(&bytes, &mut words);
                escape_bytes(&bytes, &mut slow);
                assert_eq!(words, slow, "byte {b:#x} at {at}");
                let prefix = &bytes[..=at];
                let mut out = Vec::new();
                json_escape(prefix, &mut out);
                assert_eq!(needs_no_escape(prefix), out == prefix, "{b:#x} at {at}");
            }
        }
        let mut out = Vec::new();
        json_escape("1234567é\"".as_bytes(), &mut out);
        assert_eq!(out, "1234567é\\\"".as_bytes());
    }

    #[test]
    fn text_line_layout() {
        let mut out = Vec::new();
        Renderer::new(Format::Text).render(
            &Line {
                timestamp_ns: 1_000_000_123,
                level: Level::Warn,
                thread_id: 7,
                thread_name: Some("w"),
                target: b"app",
                message: b"hi",
                location: None,
                fields: &[],
            },
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1970-01-01T00:00:01.000000123Z WARN  [w#7] app: hi\n"
        );
    }
}
