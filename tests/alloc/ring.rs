//! The ring allocates only when it is built: publishing and consuming, across
//! many wrap-arounds and through every API, allocates nothing.

#[test]
fn publishing_and_consuming_allocate_nothing() {
    let (producer, mut consumer) = ringlog::ring::<u64>(64).unwrap();
    let other = producer.clone();
    let mut sum = 0u64;
    let allocations = crate::count(|| {
        for round in 0..if cfg!(miri) { 3 } else { 1000 } {
            producer.push(round).unwrap();
            other.try_publish_with(|s| *s = round).unwrap();
            producer
                .publish_batch_with(16, |i, s| *s = i as u64)
                .unwrap();
            sum += consumer.try_consume(|e, _| sum += *e).unwrap() as u64;
            let chunk = consumer.try_read_chunk();
            assert!(chunk.is_err(), "drained");
            producer.try_push(1).unwrap();
            let chunk = consumer.try_read_chunk().unwrap();
            sum += chunk.as_slices().0.len() as u64;
            chunk.commit_all();
        }
    });
    assert!(sum > 0);
    assert_eq!(allocations, 0, "the hot path allocated");
}

/// A slot that panics when dropped, once armed.
struct Bomb {
    armed: bool,
    _bytes: [u8; 4096],
}

impl Drop for Bomb {
    fn drop(&mut self) {
        if self.armed {
            self.armed = false;
            panic!("planted: a slot's drop panics");
        }
    }
}

/// The ring's slots are one allocation of its own (`src/ring/slots.rs`): when
/// one slot's drop panics, the other slots are still dropped and the
/// allocation is still freed (as a `Vec`'s would be), not leaked. Runs in a
/// child process, so that the process-wide count of live bytes is its own.
#[test]
fn a_slot_whose_drop_panics_does_not_leak_the_slots() {
    if std::env::var_os("RINGLOG_SLOTS_DROP_CHILD").is_none() {
        let env = [("RINGLOG_SLOTS_DROP_CHILD", std::ffi::OsStr::new("1"))];
        let test = "ring::a_slot_whose_drop_panics_does_not_leak_the_slots";
        let (status, stdout) =
            crate::common::run_test_child(test, &env, std::time::Duration::from_secs(60));
        assert!(status.success(), "child failed:\n{stdout}");
        assert!(stdout.contains("slots child done"), "{stdout}");
        return;
    }
    crate::common::quiet_panics_starting_with("planted");
    // 1024 slots of 4 KiB: 4 MiB, the huge-page layout.
    const SLOTS: usize = 1024;
    let before = crate::live_bytes();
    let (producer, consumer) = ringlog::RingBuilder::new(SLOTS)
        .build_with(|| Bomb {
            armed: false,
            _bytes: [0; 4096],
        })
        .unwrap();
    producer
        .push(Bomb {
            armed: true,
            _bytes: [0; 4096],
        })
        .unwrap();
    assert!(crate::live_bytes() - before >= SLOTS * 4096);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        drop(producer);
        drop(consumer);
    }));
    assert!(panicked.is_err(), "the planted drop panicked");
    let kept = crate::live_bytes().saturating_sub(before);
    assert!(
        kept < SLOTS * 4096 / 2,
        "{kept} bytes still live after the ring was dropped"
    );
    println!("slots child done");
}
