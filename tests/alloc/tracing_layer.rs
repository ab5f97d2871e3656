//! The `tracing` layer allocates nothing per event on the calling thread
//! after warm-up, inside an existing span, in both formats: fields encoded
//! as binary, `Debug` values and a formatted message written into the
//! thread's scratch buffer, the span scope copied from the span's
//! extensions.

use crate::common::with_deadline;
use crate::count;
use ringlog::log::{Format, LoggerBuilder};
use tracing_subscriber::prelude::*;

fn events_do_not_allocate(format: Format) {
    let path = std::env::temp_dir().join(format!(
        "ringlog-test-alloc-tracing-{format:?}-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    // A small ring (256 slots of 128 bytes): the events wrap it many times,
    // so the blocking path is exercised too.
    let builder = LoggerBuilder::new(&path)
        .capacity(256)
        .slot_size(128)
        .format(format);
    let (layer, guard) = ringlog::tracing::Layer::new(builder).unwrap();
    let logger = layer.logger().clone();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        let span = tracing::info_span!("conn", peer = "10.0.0.7", id = 7u64);
        let _entered = span.enter();
        let route = "/api/v1/orders";
        // Warm-up: the thread's name, the scratch buffer, tracing's
        // thread-local span stack.
        for i in 0..1000u64 {
            tracing::info!(id = i, bytes = 512u64, route, "warm {}", i);
        }
        logger.flush().unwrap();

        let n = count(|| {
            for i in 0..20_000u64 {
                tracing::info!(id = i, bytes = i * 3, route, "request done");
            }
        });
        assert_eq!(n, 0, "{format:?}: allocations in 20 000 events");

        let n = count(|| {
            for i in 0..20_000u64 {
                tracing::warn!(
                    ok = i % 2 == 0,
                    ratio = i as f64 / 3.0,
                    delta = -(i as i64),
                    pair = ?(i, 'x'),
                    shown = %i,
                    "took {} ms",
                    i % 100
                );
            }
        });
        assert_eq!(n, 0, "{format:?}: allocations in 20 000 formatted events");
    });
    guard.shutdown().unwrap();
    let metrics = logger.metrics();
    assert_eq!(metrics.written, 41_000);
    // Every event fit its slot (a spilled one may allocate).
    assert_eq!(metrics.spilled, 0, "{format:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    match format {
        Format::Text => assert!(text.contains(
            "conn{peer=\"10.0.0.7\" id=7}: alloc::tracing_layer: took 99 ms ok=false \
             ratio=6666.333333333333 delta=-19999 pair=(19999, 'x') shown=19999"
        )),
        Format::Json => assert!(text.contains(
            r#""fields":{"message":"request done","id":19999,"bytes":59997,"route":"/api/v1/orders"}"#
        )),
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn tracing_events_do_not_allocate() {
    with_deadline("zero_alloc_tracing", 60, || {
        events_do_not_allocate(Format::Text);
        events_do_not_allocate(Format::Json);
    });
}
