//! The `tracing` integration: a `tracing_subscriber::fmt` subscriber whose
//! writer is a ringlog `Logger`, so each formatted event line is copied into
//! a slot and written by the writer thread.
//!
//! ```text
//! cargo run --example tracing_basic --features tracing
//! ```

use ringlog::log::LoggerBuilder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join("ringlog-tracing-basic.log");
    let _ = std::fs::remove_file(&path);
    let (logger, guard) = LoggerBuilder::new(&path).build()?;

    let subscriber = tracing_subscriber::fmt()
        .with_writer(logger.clone())
        .with_ansi(false)
        .with_thread_names(true)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    tracing::subscriber::set_global_default(subscriber)?;

    let span = tracing::info_span!("request", id = 7);
    let _entered = span.enter();
    tracing::info!(user = "ada", "handling request");
    tracing::debug!(rows = 3, "query done");
    tracing::warn!("slow response");
    drop(_entered);

    guard.shutdown()?;
    print!("{}", std::fs::read_to_string(&path)?);
    println!("-- {} records written", logger.metrics().written);
    std::fs::remove_file(&path)?;
    Ok(())
}
