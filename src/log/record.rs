//! The slot record: what one slot of the logging ring holds.
//!
//! A record is made once per slot when the logger is built and reused on every
//! lap; the records are the ring's one array of slots, each in consecutive
//! cache lines (see [`Record`]). The message (preceded by the target) is
//! copied or formatted into the record's inline buffer; a literal message (`&'static str`) is kept as a
//! pointer instead. Nothing is allocated on that path. A message that does not fit is *spilled*: the bytes written so far and
//! the rest of the message move to the record's `spill` vector, which is
//! allocated (or grown) for it. The spill vector stays with the slot and is
//! reused by later oversized records in the same slot, up to
//! [`SPILL_RETAIN`] bytes of capacity; the writer thread frees larger ones.

use super::clock;
use super::custom::CustomRecord;
use super::deferred::callsite::DeferredRecord;
use super::level::Level;
use super::scratch::Message;
use crate::sync::{Arc, AtomicU64, Ordering};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// The largest spill capacity a slot keeps for reuse after its record is
/// written; larger spill buffers are freed by the writer thread.
pub(crate) const SPILL_RETAIN: usize = 64 * 1024;

/// What a slot carries.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// A record to render: timestamp, level, thread, target, message. A
    /// literal message (`&'static str`) is kept as this pointer instead of
    /// copied: then the bytes pushed are the target only.
    Log(Option<&'static str>),
    /// A record of a log macro: the message is rendered from the payload
    /// (`text()`, no target) by the call site's render function.
    Deferred(DeferredRecord),
    /// Bytes already formatted (e.g. by `tracing_subscriber`), written as is.
    Raw,
    /// A payload encoded by an integration, rendered by its own function
    /// (see `custom.rs`).
    Custom(CustomRecord),
    /// A flush request with its ticket (see `flush.rs`); writes nothing.
    Flush(u64),
}

/// The bytes a record holds in its own cache lines, right after its header:
/// the default [`slot_size`](crate::log::LoggerBuilder::slot_size). 384
/// makes a record 512 bytes and the default ring of 8192 records exactly 4
/// MiB: two whole huge pages (see `src/ring/slots.rs`), where 256 made it 3
/// MiB, padded to 4 MiB anyway. A smaller
/// slot size spills earlier (the record keeps its size); a larger one gets a
/// buffer of its own, allocated once when the logger is built.
pub(crate) const INLINE: usize = 384;

/// One slot of the logging ring.
///
/// Layout: one record sits in consecutive cache lines of the ring's one
/// array of slots (512 bytes each): the fields written for every record first (78 bytes:
/// lengths are `u32`, a literal message rides in [`Kind::Log`]), then the
/// inline bytes, then the fields only oversized records touch. A macro's
/// deferred payload (up to 50 bytes) ends within the second cache line, a
/// formatted line of ~100 bytes within the third: a log call writes two or
/// three adjacent lines, which the hardware prefetcher streams as the ring
/// fills in order. (Until this layout, the inline bytes were a separate
/// `Box<[u8]>` per slot: one more cold line per record, far from the
/// header.)
#[derive(Debug)]
#[repr(C, align(64))]
pub(crate) struct Record {
    pub(crate) kind: Kind,
    /// The raw clock reading (see `clock.rs`), taken after the slot was
    /// claimed; the writer thread converts it to wall time.
    pub(crate) stamp: u64,
    pub(crate) thread_id: u64,
    pub(crate) thread_name: Option<Arc<str>>,
    /// `text()[..target_len]` is the target, the rest the message. (`u32`:
    /// a target is a name, capped at `u32::MAX` bytes by `push_target`.)
    target_len: u32,
    /// Bytes used in the inline buffer (meaningless once spilled).
    len: u32,
    /// The inline capacity: the slot size (`<= INLINE` unless `big` holds
    /// the buffer, then `big.len()`; the builder caps slot sizes far below
    /// `u32::MAX`).
    capacity: u32,
    pub(crate) level: Level,
    spilled: bool,
    /// The inline buffer when `big` is empty: `inline[..capacity]`.
    inline: [u8; INLINE],
    /// The inline buffer of a slot size above [`INLINE`] (empty otherwise).
    big: Box<[u8]>,
    spill: Vec<u8>,
}

impl Record {
    /// A record with an inline buffer of `slot_size` bytes.
    pub(crate) fn new(slot_size: usize) -> Self {
        let big = if slot_size > INLINE {
            vec![0; slot_size].into_boxed_slice()
        } else {
            Box::default()
        };
        Self {
            kind: Kind::Log(None),
            stamp: 0,
            thread_id: 0,
            thread_name: None,
            target_len: 0,
            len: 0,
            capacity: u32::try_from(slot_size).expect("slot size checked by the builder"),
            level: Level::Info,
            spilled: false,
            inline: [0; INLINE],
            big,
            spill: Vec::new(),
        }
    }

    /// The bytes one slot takes with a slot size of `slot_size`: its record,
    /// and its own buffer when the slot size is above [`INLINE`].
    pub(crate) fn footprint(slot_size: usize) -> usize {
        let own = if slot_size > INLINE { slot_size } else { 0 };
        std::mem::size_of::<Self>() + own
    }

    /// The inline buffer, all of its capacity. Decided by `capacity` (in
    /// the header's lines), not by `big`: a record that fits inline never
    /// reads `big`'s cold line.
    #[inline]
    fn buffer(&self) -> &[u8] {
        if self.capacity as usize <= INLINE {
            &self.inline[..self.capacity as usize]
        } else {
            &self.big
        }
    }

    /// The inline buffer, all of its capacity (see [`buffer`](Self::buffer)).
    #[inline]
    fn buffer_mut(&mut self) -> &mut [u8] {
        if self.capacity as usize <= INLINE {
            &mut self.inline[..self.capacity as usize]
        } else {
            &mut self.big
        }
    }

    /// Resets the record for a new event of `kind` and `level`, stamping it
    /// with the calling thread and the current time. Called by the producer
    /// right after the claim, so the time is taken after the claim.
    #[inline]
    pub(crate) fn start(&mut self, kind: Kind, level: Level) {
        prefetch_ahead(self);
        self.kind = kind;
        self.level = level;
        self.stamp = clock::raw();
        self.target_len = 0;
        self.len = 0;
        // `spill` is left as it is: it sits in the record's last cache line,
        // which a record that fits inline never touches (no store there
        // per call); whoever spills next clears it first.
        self.spilled = false;
        // `try_with`: a log call from a thread-local destructor still works,
        // just without the thread's identity.
        let found = THREAD.try_with(|(id, name)| {
            self.thread_id = *id;
            // Cloning the Arc is a reference-count increment, not an
            // allocation; dropping the previous lap's name at most frees.
            if self.thread_name.as_ref().map(|n| n.as_ptr()) != name.as_ref().map(|n| n.as_ptr()) {
                self.thread_name = name.clone();
            }
        });
        if found.is_err() {
            self.thread_id = 0;
            self.thread_name = None;
        }
    }

    /// Writes the target (the first bytes of a record's text). A target is
    /// a name; one over `u32::MAX` bytes (4 GiB) is cut to that, so that
    /// none of it shows as the start of the message.
    #[inline]
    pub(crate) fn push_target(&mut self, target: &[u8]) {
        let target = &target[..target.len().min(u32::MAX as usize)];
        self.push(target);
        // At most `u32::MAX`: the text is the target alone so far.
        self.target_len = self.text().len() as u32;
    }

    /// Appends `bytes`, spilling to the heap if the inline buffer is full.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        if self.spilled {
            self.spill.extend_from_slice(bytes);
            return;
        }
        let (len, capacity) = (self.len as usize, self.capacity as usize);
        let end = len + bytes.len();
        if end <= capacity {
            self.buffer_mut()[len..end].copy_from_slice(bytes);
            self.len = end as u32; // at most `capacity`, a `u32`
        } else {
            // Room for this push and as much again, so a message written in
            // many pieces does not regrow at every piece.
            let mut spill = std::mem::take(&mut self.spill);
            spill.clear(); // a previous lap's bytes (`start` leaves them)
            spill.reserve(end.max(2 * capacity));
            spill.extend_from_slice(&self.buffer()[..len]);
            spill.extend_from_slice(bytes);
            self.spill = spill;
            self.spilled = true;
        }
    }

    /// Sets the message to a literal (after the target), kept as a pointer.
    pub(crate) fn set_literal(&mut self, literal: &'static str) {
        debug_assert!(
            matches!(self.kind, Kind::Log(_)),
            "a literal in a {:?} record",
            self.kind
        );
        if let Kind::Log(message) = &mut self.kind {
            *message = Some(literal);
        }
    }

    /// Writes the message (after the target): a literal's pointer, or a
    /// copy of formatted bytes.
    #[inline]
    pub(crate) fn push_message(&mut self, message: Message<'_>) {
        match message {
            Message::Literal(literal) => self.set_literal(literal),
            Message::Formatted(bytes) => self.push(bytes),
        }
    }

    /// Sets the payload to `len` bytes written by `write` (which gets exactly
    /// `len` bytes), spilling to the heap if the inline buffer is too small.
    #[inline]
    pub(crate) fn fill(&mut self, len: usize, write: impl FnOnce(&mut [u8])) {
        if let Some(inline) = self.buffer_mut().get_mut(..len) {
            write(inline);
            self.len = len as u32; // at most `capacity`, a `u32`
        } else {
            // Out of the record while `write` (a user `Encode`) runs: if it
            // panics, the record is abandoned and never recycled (`recycle`
            // looks at `spill` only after a spill), so the buffer it grew
            // is freed by the unwind instead of staying with the slot.
            let mut spill = std::mem::take(&mut self.spill);
            spill.clear();
            spill.resize(len, 0);
            write(&mut spill);
            self.spill = spill;
            self.spilled = true;
        }
    }

    /// Whether the current record outgrew its inline buffer.
    #[inline]
    pub(crate) fn is_spilled(&self) -> bool {
        self.spilled
    }

    /// Target and message, as pushed.
    pub(crate) fn text(&self) -> &[u8] {
        if self.spilled {
            &self.spill
        } else {
            &self.buffer()[..self.len as usize]
        }
    }

    /// The target (empty for raw records).
    pub(crate) fn target(&self) -> &[u8] {
        &self.text()[..self.target_len as usize]
    }

    /// The message (for raw records: the whole pre-formatted bytes).
    pub(crate) fn message(&self) -> &[u8] {
        match self.kind {
            Kind::Log(Some(literal)) => literal.as_bytes(),
            _ => &self.text()[self.target_len as usize..],
        }
    }

    /// Called by the writer thread once the record is rendered: frees a spill
    /// buffer too large to keep around.
    pub(crate) fn recycle(&mut self) {
        // Only a record that spilled can have grown `spill`; the others'
        // last cache line stays untouched.
        if self.spilled && self.spill.capacity() > SPILL_RETAIN {
            self.spill = Vec::new();
        }
    }

    /// Sets the fields directly (unit tests of the writer thread).
    #[cfg(test)]
    pub(crate) fn for_test(level: Level, stamp: u64, target: &str, message: &str) -> Self {
        let mut record = Self::new(64);
        record.start(Kind::Log(None), level);
        record.stamp = stamp;
        record.push_target(target.as_bytes());
        record.push(message.as_bytes());
        record
    }
}

impl fmt::Write for Record {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Asks the CPU to bring the first two cache lines of the record
/// [`PREFETCH_AHEAD`] slots further in the ring's array into this core's
/// cache. A burst of calls writes the ring in order, 384 bytes a record, and
/// the hardware prefetchers do not cross a 4 KiB boundary: without this, the
/// first record written in each new 4 KiB of the ring (every ~11 records)
/// waited for its lines from far away (burst_position's p90 by position:
/// 150-400 ns at those positions, ~40 ns elsewhere). A hint only: the
/// address is not dereferenced (past the array's end it is a prefetch of
/// whatever lies there, or of nothing, which cannot fault). (A prefetch of
/// the *next* record was tried before the ring had huge pages and showed
/// nothing: then each crossing was a TLB miss, which the hint does not
/// cover.)
#[inline(always)]
fn prefetch_ahead(record: &Record) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let ahead = (record as *const Record)
            .wrapping_add(PREFETCH_AHEAD)
            .cast::<i8>();
        // SAFETY: `_mm_prefetch` needs SSE, part of every x86_64 target; it
        // is a hint that reads nothing and cannot fault, whatever address it
        // is given (the pointers are made with `wrapping_add`, never
        // dereferenced).
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(ahead);
            _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(64));
        }
    }
    // Elsewhere (and under Miri) no hint; the constant is still used, so
    // that those builds stay free of dead-code warnings.
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = (record, PREFETCH_AHEAD);
}

/// How many records ahead [`prefetch_ahead`] looks: far enough that the
/// lines arrive before the claim reaches them (a call takes ~40 ns), near
/// enough that they are not yet claimed by another thread. 2 and 4 gave the
/// same p99 in burst_position A/B runs; 4 leaves more time.
const PREFETCH_AHEAD: usize = 4;

/// Nanoseconds since the Unix epoch by the system clock (0 before 1970,
/// saturating in 2554).
pub(crate) fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Small numbers for threads, in order of their first log call (from 1).
static NEXT_THREAD_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's id and name, looked up once (the first log call on a
    /// thread may allocate; later ones do not).
    static THREAD: (u64, Option<Arc<str>>) = (
        // Relaxed: only uniqueness matters; no memory is published with it.
        NEXT_THREAD_ID.fetch_add(1, Ordering::Relaxed),
        std::thread::current().name().map(Arc::from),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// The point of the layout: the fields of every record and the first
    /// inline bytes share the record's first two cache lines: a macro's
    /// payload of 2 integers and a short string (~40 bytes with its
    /// headers) is written in two lines, not three.
    #[test]
    fn the_inline_bytes_follow_the_header_within_two_cache_lines() {
        let r = Record::new(INLINE);
        let base = std::ptr::addr_of!(r) as usize;
        let inline = std::ptr::addr_of!(r.inline) as usize - base;
        let end = std::ptr::addr_of!(r.big) as usize - base;
        assert_eq!(base % 64, 0, "records start on a cache line");
        assert!(
            inline <= 80,
            "header of {inline} bytes: not 48 payload bytes in 2 lines"
        );
        assert!(
            (INLINE..INLINE + 8).contains(&(end - inline)),
            "the inline bytes are consecutive"
        );
        assert!(std::mem::size_of::<Record>() <= INLINE + 192);
    }

    #[test]
    fn a_slot_size_above_inline_gets_a_buffer_of_that_size() {
        let mut r = Record::new(INLINE + 100);
        r.start(Kind::Log(None), Level::Info);
        let line = [b'x'; INLINE + 100];
        r.push(&line);
        assert!(!r.is_spilled());
        assert_eq!(r.text(), &line[..]);
        r.push(b"y");
        assert!(r.is_spilled());
        assert_eq!(r.text().len(), INLINE + 101);
    }

    #[test]
    fn fits_inline_then_spills_without_losing_bytes() {
        let mut r = Record::new(8);
        r.start(Kind::Log(None), Level::Info);
        r.push_target(b"tgt");
        let (a, b) = ("a", 'b');
        write!(r, "{a}{b}").unwrap();
        assert!(!r.is_spilled());
        assert_eq!((r.target(), r.message()), (&b"tgt"[..], &b"ab"[..]));
        let (c, gh) = ('c', "gh");
        write!(r, "{c}def{gh}").unwrap();
        assert!(r.is_spilled());
        assert_eq!(r.message(), b"abcdefgh");
        // The next lap starts inline again.
        r.start(Kind::Log(None), Level::Info);
        r.push(b"x");
        assert!(!r.is_spilled());
        assert_eq!(r.text(), b"x");
        // `start` leaves the last spill's bytes in place (its cache line
        // untouched): a later spill must not show them.
        r.push(b"yz123456");
        assert!(r.is_spilled());
        assert_eq!(r.text(), b"xyz123456");
        r.start(Kind::Log(None), Level::Info);
        r.fill(9, |buf| buf.copy_from_slice(b"987654321"));
        assert!(r.is_spilled());
        assert_eq!(r.text(), b"987654321");
    }

    /// A payload writer that panics inside the claim (a user `Encode`)
    /// abandons the record, which the writer thread then never sees: no
    /// `recycle` frees the spill it grew. It must not stay with the slot
    /// (later laps that fit inline never look at it).
    #[test]
    fn a_spill_grown_by_a_panicking_write_is_not_kept() {
        let mut r = Record::new(8);
        r.start(Kind::Log(None), Level::Info);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            r.fill(4 * SPILL_RETAIN, |_| panic!("planted: encode panics"));
        }));
        assert!(panicked.is_err());
        // The next laps fit inline, and are rendered and recycled.
        for _ in 0..2 {
            r.start(Kind::Log(None), Level::Info);
            r.push(b"x");
            assert!(!r.is_spilled());
            r.recycle();
        }
        assert!(
            r.spill.capacity() <= SPILL_RETAIN,
            "{} bytes of spill kept by a slot",
            r.spill.capacity()
        );
    }

    #[test]
    fn a_literal_message_is_not_copied() {
        let mut r = Record::new(8);
        r.start(Kind::Log(None), Level::Info);
        r.push_target(b"tgt");
        let literal: &'static str = "a literal longer than the slot";
        r.set_literal(literal);
        assert!(!r.is_spilled());
        assert_eq!(r.target(), b"tgt");
        assert_eq!(r.message().as_ptr(), literal.as_ptr());
        // The next lap forgets it.
        r.start(Kind::Log(None), Level::Info);
        r.push_target(b"t");
        r.push(b"m");
        assert_eq!(r.message(), b"m");
    }
}
