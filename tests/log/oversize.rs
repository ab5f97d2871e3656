//! Records larger than their slot are spilled, never cut.

use crate::common::with_deadline;
use crate::log_common::{parse_line, temp_path};
use ringlog::log::{Level, LoggerBuilder};

#[test]
fn oversize_records_are_written_whole_and_counted() {
    with_deadline("oversize", 60, || {
        let path = temp_path("oversize");
        const SLOT: usize = 32;
        let (logger, guard) = LoggerBuilder::new(&path)
            .capacity(4)
            .slot_size(SLOT)
            .build()
            .unwrap();
        let target = "big"; // 3 bytes of the slot
        let mut messages = Vec::new();
        for len in [0, 1, 28, 29, 30, 64, 1000, 100_000, 1 << 20] {
            messages.push("x".repeat(len));
        }
        // Multi-byte characters across the boundary.
        messages.push("é".repeat(14)); // 28 bytes + 3: fits
        messages.push("é".repeat(15)); // 30 bytes + 3: spills
        messages.push("😀".repeat(100));
        let mut expected_spills = 0;
        for (round, m) in messages.iter().enumerate() {
            // Pieces of varied sizes through fmt, as real messages are.
            logger
                .log(
                    Level::Info,
                    target,
                    format_args!("{}{}", &m[..m.len() / 2 / 4 * 4], &m[m.len() / 2 / 4 * 4..]),
                )
                .unwrap();
            if target.len() + m.len() > SLOT {
                expected_spills += 1;
            }
            // Spill buffers are reused by their slot on later laps: log small
            // records in between so every slot is exercised.
            logger.info(target, format_args!("small {round}")).unwrap();
        }
        logger
            .log_raw(Level::Info, format!("raw {}\n", "r".repeat(500)).as_bytes())
            .unwrap();
        expected_spills += 1;
        guard.shutdown().unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        for (round, m) in messages.iter().enumerate() {
            assert_eq!(parse_line(lines.next().unwrap()).msg, *m, "round {round}");
            assert_eq!(
                parse_line(lines.next().unwrap()).msg,
                format!("small {round}")
            );
        }
        assert_eq!(lines.next().unwrap(), format!("raw {}", "r".repeat(500)));
        assert_eq!(lines.next(), None);
        assert_eq!(logger.metrics().spilled, expected_spills);
        std::fs::remove_file(&path).unwrap();
    });
}
