//! The log macros allocate nothing per record after warm-up, with deferred
//! arguments and with arguments formatted in the caller.

use crate::common::with_deadline;
use crate::{count, small_ring_logger};
use std::fmt;

/// Not `Encode`: formatted in the caller, into the thread's scratch buffer.
struct Order(u64);

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Honours width and alignment, and allocates nothing itself.
        f.pad(["new", "paid", "sent", "done"][(self.0 % 4) as usize])?;
        write!(f, "/{}", self.0)
    }
}

#[test]
fn log_macros_do_not_allocate() {
    with_deadline("zero_alloc_macros", 60, || {
        let (path, logger, guard) = small_ring_logger("macros");
        let name = "order-service";
        let owned = String::from("owned");
        // Warm-up: the thread's name and the scratch buffer's growth.
        for i in 0..1000u64 {
            ringlog::info!(logger: &logger, "warm {i} {:>12} {}", Order(i), name);
        }
        logger.flush().unwrap();

        let deferred = count(|| {
            for i in 0..20_000u64 {
                ringlog::info!(
                    logger: &logger,
                    target: "app::orders",
                    "order {i} for {name} ({owned}): {:.2} EUR, ok={}, {:?}",
                    i as f64 * 1.5,
                    i % 2 == 0,
                    'x'
                );
            }
        });
        assert_eq!(deferred, 0, "allocations in 20 000 deferred records");

        let eager = count(|| {
            for i in 0..20_000u64 {
                ringlog::warn!(logger: &logger, "order {:>10} {} {:?}", Order(i), Order(i * 7), i);
            }
        });
        assert_eq!(
            eager, 0,
            "allocations in 20 000 records formatted in the caller"
        );

        // The counter does see allocations: an oversized record spills.
        let big = "x".repeat(1000);
        let n = count(|| ringlog::info!(logger: &logger, "{big}"));
        assert!(n >= 1, "a spilled record must allocate (counter broken?)");

        guard.shutdown().unwrap();
        let m = logger.metrics();
        assert_eq!(m.written, 1000 + 20_000 + 20_000 + 1);
        assert_eq!(m.spilled, 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("order 19999 for order-service (owned): 29998.50 EUR, ok=false, 'x'"));
        assert!(text.contains(&format!(
            "order {:>10} {} {:?}",
            Order(19_999),
            Order(139_993),
            19_999
        )));
        std::fs::remove_file(&path).unwrap();
    });
}
