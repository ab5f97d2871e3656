//! The `log` crate integration: install ringlog as the global logger with one
//! call, log from a few threads, shut down.
//!
//! ```text
//! cargo run --example log_basic --features log
//! ```

use ringlog::log::{install_log, Format, LoggerBuilder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join("ringlog-log-basic.log");
    let _ = std::fs::remove_file(&path);
    let guard = install_log(LoggerBuilder::new(&path).format(Format::Text))?;

    log::info!("starting");
    let workers: Vec<_> = (0..3)
        .map(|t| {
            std::thread::Builder::new()
                .name(format!("worker-{t}"))
                .spawn(move || {
                    for i in 0..3 {
                        log::debug!(target: "app::work", "worker {t} step {i}");
                    }
                    log::warn!("worker {t} done");
                })
        })
        .collect::<Result<_, _>>()?;
    for w in workers {
        w.join().map_err(|_| "worker panicked")?;
    }
    log::info!("all done");

    let logger = guard.logger().clone();
    guard.shutdown()?; // drains and writes everything, then joins the writer
    let metrics = logger.metrics();
    print!("{}", std::fs::read_to_string(&path)?);
    println!(
        "-- {} records written, {} dropped",
        metrics.written,
        metrics.dropped_total()
    );
    std::fs::remove_file(&path)?;
    Ok(())
}
