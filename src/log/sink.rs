//! Where rendered runs go.
//!
//! The writer thread calls [`Sink::write_run`] once per run taken from the
//! ring, with every line of the run in one buffer, then [`Sink::flush`] at the
//! end of the batch, and [`Sink::sync`] as the [`FsyncPolicy`] says.
//! Errors are counted by the writer thread (and reported on stderr, at most
//! once per kind per interval); they never stop it. The file sink
//! ([`FileSink`](crate::log::FileSink), in `file/`) rotates and reopens; it
//! tells the writer thread what it did through [`Sink::poll_event`]. Any
//! other sink (network, syslog, …) implements the same trait.
//!
//! [`FsyncPolicy`]: crate::log::FsyncPolicy

use std::io;

/// A destination for log output, driven by the logger's writer thread.
///
/// # Examples
///
/// A sink that keeps everything in memory:
///
/// ```
/// use ringlog::log::{LoggerBuilder, Sink};
/// use std::sync::{Arc, Mutex};
///
/// struct Memory(Arc<Mutex<Vec<u8>>>);
///
/// impl Sink for Memory {
///     fn write_run(&mut self, bytes: &[u8]) -> std::io::Result<()> {
///         self.0.lock().unwrap().extend_from_slice(bytes);
///         Ok(())
///     }
///     // `flush` and `sync`: nothing buffered, nothing to make durable (the
///     // defaults).
/// }
///
/// let out = Arc::new(Mutex::new(Vec::new()));
/// let (logger, guard) = LoggerBuilder::with_sink(Memory(out.clone())).build()?;
/// logger.info("mem", format_args!("hello")).unwrap();
/// guard.shutdown()?;
/// assert!(String::from_utf8_lossy(&out.lock().unwrap()).ends_with("mem: hello\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Sink: Send + 'static {
    /// Writes `bytes` (whole lines: one run's worth) in full.
    ///
    /// # Errors
    ///
    /// Any I/O error; the writer thread counts it and carries on.
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()>;

    /// Hands anything the sink buffers to the OS (end of batch, idle wake-up,
    /// flush request, shutdown). The default does nothing: override it if
    /// the sink buffers.
    ///
    /// # Errors
    ///
    /// Any I/O error; counted as for `write_run`.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Makes written data durable (fsync), as the fsync policy asks. The
    /// default does nothing: override it if the sink can (a file: `fsync`).
    ///
    /// # Errors
    ///
    /// Any I/O error; counted as for `write_run`.
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// The next thing the sink did besides writing (rotated, reopened, or
    /// failed to, without losing records), if any; the writer thread calls it
    /// after every write, flush and sync until it returns `None`, and counts
    /// the events in the metrics. The default has nothing to report.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{FileSink, Sink};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-poll-{}.log", std::process::id()));
    /// let mut sink = FileSink::open(&path)?;
    /// sink.write_run(b"x\n")?;
    /// assert!(sink.poll_event().is_none());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn poll_event(&mut self) -> Option<SinkEvent> {
        None
    }
}

/// Something a sink did besides writing, reported by [`Sink::poll_event`].
///
/// # Examples
///
/// ```
/// use ringlog::log::SinkEvent;
/// let e = SinkEvent::Failed { op: "rotate", error: std::io::Error::other("read-only") };
/// assert!(matches!(e, SinkEvent::Failed { op: "rotate", .. }));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SinkEvent {
    /// The live file was rotated (counted in `MetricsSnapshot::rotations`).
    Rotated,
    /// The path was reopened because the open file had been removed or moved
    /// away (counted in `MetricsSnapshot::reopens`).
    Reopened,
    /// A rotated file was compressed into its archive (counted in
    /// `MetricsSnapshot::compressed`).
    Compressed,
    /// A rotation, reopen, compression or removal of old files failed; the
    /// sink carried on with the file it had open, and no records were lost
    /// by it (a loss is a `write_run` error; a file that failed to compress
    /// stays uncompressed). Counted in `MetricsSnapshot::write_errors` and
    /// reported on stderr.
    Failed {
        /// What failed: `"rotate"`, `"reopen"`, `"compress"` or `"prune"`.
        op: &'static str,
        /// Why.
        error: io::Error,
    },
}
