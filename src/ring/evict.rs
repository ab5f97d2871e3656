//! Evicting consumed cache lines (`RingBuilder::evict_consumed`): after
//! the consumer releases a run, it asks the CPU to write back and drop the
//! run's marker and slot lines, so that the producers' next lap takes them
//! from memory rather than from the consumer's core.
//!
//! Why it is opt-in: it trades a snoop of another core for a memory fetch.
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

/// Evicts every cache line that overlaps the `len` bytes at `start`;
/// nothing for `len == 0` (whose `start` may be dangling: the slots of a
/// zero-sized type).
///
/// Only call it where [`available`] said yes. `start..start + len` must lie
/// inside one allocation that stays alive for the call (the ring's marker
/// or slot array); nothing there is read or written.
pub(super) fn evict(start: *const u8, len: usize) {
    if len == 0 {
        return;
    }
    #[cfg(all(target_arch = "x86_64", not(miri), not(loom)))]
    {
        let first = (start as usize) & !(LINE - 1);
        let end = (start as usize).wrapping_add(len);
        let mut line = first;
        while line < end {
            // SAFETY: `clflushopt` needs the CPU feature, which `available`
            // detected before any eviction was enabled. Its address is the
            // start of a cache line that overlaps the caller's live
            // allocation (`len > 0`); a line never crosses a page, so it is
            // mapped and cannot fault; the instruction neither reads nor
            // writes memory as far as any thread can tell (coherent write
            // back and invalidate), so it affects no Rust object.
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
    let _ = (start, len);
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
                super::evict(bytes[start..].as_ptr(), len);
            }
        }
        assert_eq!(bytes, before);
        // A dangling start with no bytes (a zero-sized type's slots) is
        // never touched: this would fault if it were.
        super::evict(std::ptr::NonNull::<u8>::dangling().as_ptr(), 0);
    }
}
