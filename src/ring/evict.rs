//! Evicting consumed cache lines (`RingBuilder::evict_consumed`): right
//! before the consumer releases a run, it asks the CPU to write back and
//! drop the run's marker and slot lines from every cache (the producers'
//! too), so that the producers' next lap takes them from memory rather than
//! from the consumer's core. The release (a locked swap) waits for those
//! flushes to finish.
//!
//! Whether to evict is decided in `evict_choice.rs` (by default, by the
//! ring's size, `builder.rs`): it trades a snoop of another core for a
//! memory fetch.
//! On the project's 2-CPU guest that was 2-3× faster in stretches where a
//! cache line took ~300 ns to cross between the CPUs (as across sockets),
//! and 20-55% slower where it crossed in ~65 ns with the threads pinned, or
//! where producer and consumer shared one CPU (docs/benchmarks.md, "A
//! consumer that sleeps while a lone producer runs ahead").
//!
//! `clflushopt` is a hint as far as memory contents go: coherent, it never
//! changes what any thread reads, so a line that a producer is writing at
//! the same time is only fetched again. x86_64 CPUs without it (detected
//! at run time), other targets, Miri and loom: no eviction.

/// A cache line's size on every x86_64 CPU that has `clflushopt`.
#[cfg(all(target_arch = "x86_64", not(miri), not(loom)))]
const LINE: usize = 64;

/// Whether this machine can evict lines (`clflushopt`: CPUID leaf 7,
/// subleaf 0, EBX bit 23; std's feature detection does not know it).
pub(super) fn available() -> bool {
    #[cfg(all(target_arch = "x86_64", not(miri), not(loom)))]
    {
        use std::arch::x86_64::{__cpuid_count, __get_cpuid_max};
        #[allow(unused_unsafe)] // safe functions in newer toolchains
        // SAFETY: `cpuid` exists on every x86_64 CPU; leaf 7 is asked only
        // when the highest basic leaf reaches it.
        let leaf7 = unsafe { (__get_cpuid_max(0).0 >= 7).then(|| __cpuid_count(7, 0).ebx) };
        leaf7.is_some_and(|ebx| ebx & (1 << 23) != 0)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri), not(loom))))]
    false
}

/// Evicts the cache lines of the `len` bytes at `start`: every line that
/// overlaps them, but for a last line that reaches past them, unless
/// `to_end` (the bytes end their array, so no later run completes that
/// line). That last line still holds events not yet consumed, which
/// producers may be writing; evicting it on every run took it from them.
/// Nothing for `len == 0` (whose `start` may be dangling: the slots of a
/// zero-sized type).
///
/// # Safety
///
/// [`available`] returned `true` on this machine (else the instruction is
/// illegal), and `start..start + len` lies inside one allocation that stays
/// alive for the call (the ring's marker or slot array). Nothing there is
/// read or written.
pub(super) unsafe fn evict(start: *const u8, len: usize, to_end: bool) {
    if len == 0 {
        return;
    }
    #[cfg(all(target_arch = "x86_64", not(miri), not(loom)))]
    {
        let first = (start as usize) & !(LINE - 1);
        let past = (start as usize).wrapping_add(len);
        let end = if to_end { past } else { past & !(LINE - 1) };
        let mut line = first;
        while line < end {
            // SAFETY: the caller's contract: `clflushopt` exists on this CPU
            // (`available`), and `line` starts a cache line that overlaps
            // the caller's live allocation (`len > 0`); a line never crosses
            // a page, so it is mapped and cannot fault. The instruction
            // changes no value any thread reads (coherent write back and
            // invalidate), so it affects no Rust object. Not `nomem`: the
            // handler's stores to these lines must come before it.
            unsafe {
                core::arch::asm!(
                    "clflushopt [{0}]",
                    in(reg) line,
                    options(nostack, preserves_flags)
                );
            }
            line += LINE;
        }
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri), not(loom))))]
    let _ = (start, len, to_end);
}

#[cfg(test)]
mod tests {
    /// Evicting lines changes nothing a thread reads, whatever the start's
    /// alignment and the length (where the CPU cannot, it is a no-op).
    #[test]
    fn eviction_leaves_the_bytes_as_they_were() {
        let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
        let before = bytes.clone();
        if super::available() {
            for (start, len) in [(0, 4096), (1, 63), (63, 2), (100, 1000), (4095, 1), (17, 0)] {
                for to_end in [false, true] {
                    // SAFETY: `available` said yes; every range is inside
                    // `bytes`, alive for the call.
                    unsafe { super::evict(bytes[start..].as_ptr(), len, to_end) };
                }
            }
            // A dangling start with no bytes (a zero-sized type's slots) is
            // never touched: this would fault if it were.
            // SAFETY: `available` said yes; an empty range.
            unsafe { super::evict(std::ptr::NonNull::<u8>::dangling().as_ptr(), 0, true) };
        }
        assert_eq!(bytes, before);
    }
}
