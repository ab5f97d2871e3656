//! Where rendered runs go.
//!
//! The writer thread calls [`Sink::write_run`] once per run taken from the
//! ring, with every line of the run in one buffer, then [`Sink::flush`] at the
//! end of the batch, and [`Sink::sync`] as the [`FsyncPolicy`] says.
//! Errors are counted by the writer thread (and reported once on stderr);
//! they never stop it. A sink that reopens, rotates or retries (see the
//! design notes on write errors) implements this trait.
//!
//! [`FsyncPolicy`]: crate::log::FsyncPolicy

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
///     fn sync(&mut self) -> std::io::Result<()> { Ok(()) }
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
    /// flush request, shutdown).
    ///
    /// # Errors
    ///
    /// Any I/O error; counted as for `write_run`.
    fn flush(&mut self) -> io::Result<()>;

    /// Makes written data durable (fsync), as the fsync policy asks.
    ///
    /// # Errors
    ///
    /// Any I/O error; counted as for `write_run`.
    fn sync(&mut self) -> io::Result<()>;
}

/// A sink appending to a file, with one `write` system call per run (more
/// only if the OS accepts a write partially).
///
/// # Examples
///
/// ```
/// use ringlog::log::{FileSink, Sink};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-sink-{}.log", std::process::id()));
/// let mut sink = FileSink::open(&path)?;
/// sink.write_run(b"one\ntwo\n")?;
/// sink.sync()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "one\ntwo\n");
/// assert_eq!(sink.path(), path);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FileSink {
    file: File,
    path: PathBuf,
}

impl FileSink {
    /// Opens `path` for appending, creating it if needed.
    ///
    /// # Errors
    ///
    /// The I/O error of opening the file (missing directory, permissions, a
    /// directory at `path`, …).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(ringlog::log::FileSink::open("/nonexistent-dir/x.log").is_err());
    /// ```
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self { file, path })
    }

    /// The path the file was opened at.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-path-{}.log", std::process::id()));
    /// let sink = ringlog::log::FileSink::open(&path)?;
    /// assert_eq!(sink.path(), path);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Sink for FileSink {
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        // A `File` buffers nothing in user space.
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }
}
