//! Building a logger: settings, their checks, and starting the writer thread.

use super::error::LogBuildError;
use super::file::open::FileOptions;
use super::file::rotation::Rotation;
use super::file::sink::FileSink;
use super::filter::Filter;
use super::format::Format;
use super::guard::{install_panic_hook, LogGuard};
use super::level::Level;
use super::logger::Logger;
use super::policy::{FsyncPolicy, FullPolicy};
use super::record::{Record, INLINE};
use super::shared::Shared;
use super::sink::Sink;
use super::worker::{Worker, WriterSettings};
use crate::ring::{Consumer, Evict, Producer, RingBuilder};
use crate::sync::Arc;
use crate::wait::{Sleep, WaitStrategy};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The largest slot size (inline message buffer) a logger accepts: 1 MiB.
pub const MAX_SLOT_SIZE: usize = 1 << 20;

/// The largest ring a logger accepts: 1 GiB, counted as capacity × the bytes
/// of one slot (its record of 512 bytes with the first 384 inline bytes, plus
/// a buffer of its own when the slot size is above 384; see
/// [`LoggerBuilder::ring_bytes`]).
pub const MAX_RING_BYTES: usize = 1 << 30;

/// The default [`LoggerBuilder::max_batch`].
const DEFAULT_MAX_BATCH: usize = 2048;

/// Where the output goes.
enum Output {
    Path(PathBuf),
    Sink(Box<dyn Sink>),
}

/// Settings for a logger; [`build`](LoggerBuilder::build) checks them, starts
/// the writer thread, and returns a [`Logger`] handle and the [`LogGuard`]
/// that shuts it down.
///
/// | setting | default |
/// |---|---|
/// | [`capacity`](LoggerBuilder::capacity) (slots, a power of two) | 8192 |
/// | [`slot_size`](LoggerBuilder::slot_size) (inline bytes per record) | 384 |
/// | [`max_batch`](LoggerBuilder::max_batch) (records the writer takes at once) | 2048 |
/// | [`wait_strategy`](LoggerBuilder::wait_strategy) | [`Sleep::default()`](crate::Sleep) (a log call never pays for waking the writer) |
/// | [`full_policy`](LoggerBuilder::full_policy) | [`FullPolicy::Block`] |
/// | [`flush_interval`](LoggerBuilder::flush_interval) | 50 ms |
/// | [`fsync`](LoggerBuilder::fsync) | [`FsyncPolicy::Never`] |
/// | [`format`](LoggerBuilder::format) | [`Format::Text`] |
/// | [`max_level`](LoggerBuilder::max_level) or [`filter`](LoggerBuilder::filter) | [`Level::Trace`] ([`Level::Info`] through [`install_log`](crate::log::install_log)) |
/// | [`flush_timeout`](LoggerBuilder::flush_timeout), [`shutdown_timeout`](LoggerBuilder::shutdown_timeout) | 5 s each |
/// | [`flush_on_panic`](LoggerBuilder::flush_on_panic) | off |
/// | [`rotation`](LoggerBuilder::rotation) (file path only) | [`Rotation::never`] |
/// | [`reopen_check`](LoggerBuilder::reopen_check) (file path only) | 1 s |
/// | [`create_dirs`](LoggerBuilder::create_dirs) (file path only) | on |
/// | `file_mode` (file path only, Unix) | the OS default (`0o666` less the umask) |
/// | [`error_report_interval`](LoggerBuilder::error_report_interval) | 10 s |
///
/// # Examples
///
/// ```
/// use ringlog::log::{FsyncPolicy, FullPolicy, Level, LoggerBuilder};
/// use std::time::Duration;
/// let path = std::env::temp_dir().join(format!("ringlog-doc-builder-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path)
///     .capacity(1024)
///     .slot_size(512)
///     .full_policy(FullPolicy::BlockAtOrAbove(Level::Warn))
///     .flush_interval(Duration::from_millis(20))
///     .fsync(FsyncPolicy::Every(Duration::from_secs(1)))
///     .build()?;
/// logger.info("app", format_args!("configured"))?;
/// drop(guard); // flushes, syncs and joins the writer thread
/// assert!(std::fs::read_to_string(&path)?.contains("app: configured"));
///
/// // Bad settings are errors, not panics.
/// assert!(LoggerBuilder::new(&path).capacity(1000).build().is_err());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LoggerBuilder {
    output: Output,
    capacity: usize,
    slot_size: usize,
    max_batch: usize,
    wait: Option<Box<dyn FnOnce(RingBuilder) -> RingBuilder + Send>>,
    format: Format,
    full_policy: FullPolicy,
    flush_interval: Duration,
    fsync: FsyncPolicy,
    levels: Levels,
    source_location: bool,
    flush_timeout: Duration,
    shutdown_timeout: Duration,
    flush_on_panic: bool,
    #[cfg(all(unix, feature = "signal"))]
    flush_on_signal: bool,
    rotation: Rotation,
    reopen_check: Duration,
    file_options: FileOptions,
    error_report_interval: Duration,
}

impl fmt::Debug for LoggerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let output = match &self.output {
            Output::Path(p) => p.display().to_string(),
            Output::Sink(_) => "<custom sink>".to_string(),
        };
        f.debug_struct("LoggerBuilder")
            .field("output", &output)
            .field("capacity", &self.capacity)
            .field("slot_size", &self.slot_size)
            .field("format", &self.format)
            .field("full_policy", &self.full_policy)
            .field("flush_interval", &self.flush_interval)
            .field("fsync", &self.fsync)
            .field("levels", &self.levels)
            .finish_non_exhaustive()
    }
}

impl LoggerBuilder {
    /// A logger appending to the file at `path` (created if missing; opened
    /// by [`build`](LoggerBuilder::build)).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("/var/log/app.log");
    /// ```
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self::with_output(Output::Path(path.into()))
    }

    /// A logger writing to `sink` instead of a file.
    ///
    /// # Examples
    ///
    /// See [`Sink`].
    ///
    /// ```
    /// # struct Null;
    /// # impl ringlog::log::Sink for Null {
    /// #     fn write_run(&mut self, _: &[u8]) -> std::io::Result<()> { Ok(()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// #     fn sync(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// let (logger, _guard) = ringlog::log::LoggerBuilder::with_sink(Null).build()?;
    /// # Ok::<(), ringlog::log::LogBuildError>(())
    /// ```
    pub fn with_sink(sink: impl Sink) -> Self {
        Self::with_output(Output::Sink(Box::new(sink)))
    }

    fn with_output(output: Output) -> Self {
        Self {
            output,
            capacity: 8192,
            slot_size: INLINE,
            max_batch: DEFAULT_MAX_BATCH,
            wait: None,
            format: Format::Text,
            full_policy: FullPolicy::Block,
            flush_interval: Duration::from_millis(50),
            fsync: FsyncPolicy::Never,
            levels: Levels::Default,
            source_location: false,
            flush_timeout: Duration::from_secs(5),
            shutdown_timeout: Duration::from_secs(5),
            flush_on_panic: false,
            #[cfg(all(unix, feature = "signal"))]
            flush_on_signal: false,
            rotation: Rotation::never(),
            reopen_check: Duration::from_secs(1),
            file_options: FileOptions {
                create_dirs: true,
                mode: None,
            },
            error_report_interval: Duration::from_secs(10),
        }
    }

    /// The number of slots (records in flight); a power of two.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").capacity(1 << 16);
    /// ```
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// The inline buffer of each slot, in bytes (1 ..= [`MAX_SLOT_SIZE`]):
    /// target plus message up to this size are logged without allocating;
    /// longer ones spill to the heap (once per slot: the buffer is reused).
    ///
    /// Up to 384 (the default) the bytes sit in the slot's own record, in the
    /// cache lines right after its header; a smaller size only spills
    /// earlier, it does not shrink the record (512 bytes). Above 384 each
    /// slot also gets a buffer of this size, allocated when the logger is
    /// built.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").slot_size(1024);
    /// ```
    pub fn slot_size(mut self, bytes: usize) -> Self {
        self.slot_size = bytes;
        self
    }

    /// The bytes the ring's records take with the current capacity and slot
    /// size (saturating): what the logger's memory is mostly made of. The
    /// ring adds 8 bytes a slot for its publish markers, and pads an array
    /// of 2 MiB or more to whole huge pages (less than 2 MiB more). The
    /// builder refuses a ring above [`MAX_RING_BYTES`](crate::log::MAX_RING_BYTES)
    /// by this count.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::LoggerBuilder;
    /// let default = LoggerBuilder::new("app.log");
    /// assert_eq!(default.ring_bytes(), 8192 * 512); // 4 MiB
    /// let big_slots = LoggerBuilder::new("app.log").capacity(1024).slot_size(4096);
    /// assert_eq!(big_slots.ring_bytes(), 1024 * (512 + 4096));
    /// ```
    pub fn ring_bytes(&self) -> usize {
        self.capacity
            .saturating_mul(Record::footprint(self.slot_size))
    }

    /// The most records the writer takes at once: it renders them (up to
    /// 256 KiB of lines) and writes them with one system call. By default
    /// 2048 (or the capacity, if smaller): about a 256 KiB run of ~110-byte
    /// lines. (It was the capacity: then each run scanned every published
    /// slot's marker, and the next run scanned again those it had left for
    /// lack of room, ~55 instructions a record with the default ring full.)
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").max_batch(256);
    /// ```
    pub fn max_batch(mut self, records: usize) -> Self {
        self.max_batch = records;
        self
    }

    /// How the writer waits for records and blocked log calls wait for room
    /// (see [`crate::wait`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").wait_strategy(ringlog::Yield::default());
    /// ```
    pub fn wait_strategy(mut self, wait: impl WaitStrategy) -> Self {
        self.wait = Some(Box::new(move |ring: RingBuilder| ring.wait_strategy(wait)));
        self
    }

    /// Text lines (default) or JSON lines.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Format, LoggerBuilder};
    /// let builder = LoggerBuilder::new("app.log").format(Format::Json);
    /// ```
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// What a log call does when the ring is full.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{FullPolicy, LoggerBuilder};
    /// let builder = LoggerBuilder::new("app.log").full_policy(FullPolicy::Drop);
    /// ```
    pub fn full_policy(mut self, policy: FullPolicy) -> Self {
        self.full_policy = policy;
        self
    }

    /// How long the writer sleeps on an empty ring before it wakes to write
    /// the drop report, flush the sink and sync by interval (greater than 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").flush_interval(Duration::from_millis(10));
    /// ```
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval;
        self
    }

    /// When to fsync.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{FsyncPolicy, LoggerBuilder};
    /// let builder = LoggerBuilder::new("app.log").fsync(FsyncPolicy::EveryBatch);
    /// ```
    pub fn fsync(mut self, policy: FsyncPolicy) -> Self {
        self.fsync = policy;
        self
    }

    /// The most verbose level logged; more verbose records are filtered out
    /// (not counted as dropped).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// let builder = LoggerBuilder::new("app.log").max_level(Level::Info);
    /// ```
    pub fn max_level(mut self, level: Level) -> Self {
        self.levels = Levels::Max(level);
        self
    }

    /// Per-target levels in the `RUST_LOG` syntax that `env_logger` uses
    /// (parsed by its `env_filter` crate): comma-separated `level`,
    /// `target` or `target=level` entries, the longest matching target
    /// prefix deciding, e.g. `"info,app::db=debug,hyper=warn"`. Replaces
    /// [`max_level`](LoggerBuilder::max_level) (the last of the two called
    /// wins). A call whose level no directive enables costs one load and a
    /// branch; others also match their target against the directives.
    /// `env_logger`'s `/regex` message filter is not supported. Invalid
    /// directives make [`build`](LoggerBuilder::build) fail with
    /// [`LogBuildError::InvalidFilter`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-filter-{}.log", std::process::id()));
    /// let (logger, guard) = LoggerBuilder::new(&path).filter("warn,app::db=debug").build()?;
    /// logger.debug("app::db", format_args!("kept"))?;
    /// assert!(logger.debug("app::http", format_args!("filtered out")).is_err());
    /// guard.shutdown()?;
    /// assert!(std::fs::read_to_string(&path)?.contains("app::db: kept"));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn filter(mut self, directives: &str) -> Self {
        self.levels = Levels::Directives(directives.to_string());
        self
    }

    /// Shows where each record was logged, `file:line`, for the records
    /// that know it: the log macros' (`ringlog::info!` and friends: their
    /// call site) and the `log` crate's (feature `log`). Text lines get it
    /// after the target (`app::db: src/db.rs:42: message`), JSON lines as
    /// `"module"` (the module path), `"file"` and `"line"` keys. Off by
    /// default. (`Logger::log` calls carry no location.)
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::LoggerBuilder;
    /// # let path = std::env::temp_dir().join(format!("ringlog-doc-loc-{}.log", std::process::id()));
    /// let (logger, guard) = LoggerBuilder::new(&path).source_location(true).build()?;
    /// ringlog::info!(logger: &logger, target: "app", "here");
    /// guard.shutdown()?;
    /// let text = std::fs::read_to_string(&path)?;
    /// assert!(text.contains(".rs:") && text.ends_with(": here\n"), "{text}");
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn source_location(mut self, enabled: bool) -> Self {
        self.source_location = enabled;
        self
    }

    /// [`filter`](LoggerBuilder::filter) with the directives in the
    /// environment variable `var` (usually `"RUST_LOG"`), if it is set and
    /// not empty; otherwise the level setting is left as it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Level, LoggerBuilder};
    /// // RUST_LOG=debug,hyper=off overrides the default of `info` when set.
    /// let builder = LoggerBuilder::new("app.log").max_level(Level::Info).filter_from_env("RUST_LOG");
    /// ```
    pub fn filter_from_env(self, var: &str) -> Self {
        match std::env::var(var) {
            Ok(directives) if !directives.trim().is_empty() => self.filter(&directives),
            _ => self,
        }
    }

    /// `level` as the maximum level, unless levels were set
    /// ([`install_log`](crate::log::install_log) defaults to `Info`).
    #[cfg_attr(not(feature = "log"), allow(dead_code))]
    pub(crate) fn default_max_level(mut self, level: Level) -> Self {
        if matches!(self.levels, Levels::Default) {
            self.levels = Levels::Max(level);
        }
        self
    }

    /// The timeout of [`Logger::flush`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").flush_timeout(Duration::from_secs(1));
    /// ```
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.flush_timeout = timeout;
        self
    }

    /// How long dropping the [`LogGuard`] (or
    /// [`LogGuard::shutdown`]) waits for the writer thread to drain the ring.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").shutdown_timeout(Duration::from_secs(2));
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Installs a panic hook that logs the panic (at ERROR, target `panic`)
    /// and flushes, then runs the previously installed hook. The hook keeps a
    /// [`Logger`] handle for the rest of the process; after shutdown it does
    /// nothing but call the previous hook.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").flush_on_panic(true);
    /// ```
    pub fn flush_on_panic(mut self, enabled: bool) -> Self {
        self.flush_on_panic = enabled;
        self
    }

    /// On SIGTERM or SIGINT, flush the logger, then let the signal terminate
    /// the process as it would have (feature `signal`, Unix only). A thread
    /// waits for the signals; see the design notes ("Process end") for
    /// exactly what it does and when not to use it: it takes over both
    /// signals for the whole process.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").flush_on_signal(true);
    /// ```
    #[cfg(all(unix, feature = "signal"))]
    #[cfg_attr(docsrs, doc(cfg(all(unix, feature = "signal"))))]
    pub fn flush_on_signal(mut self, enabled: bool) -> Self {
        self.flush_on_signal = enabled;
        self
    }

    /// When to rotate the log file and how many rotated files to keep (see
    /// [`Rotation`] for the file names). Only for a logger on a file path:
    /// with [`with_sink`](LoggerBuilder::with_sink), `build` refuses it.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{LoggerBuilder, Rotation};
    /// let builder = LoggerBuilder::new("app.log").rotation(Rotation::size(64 << 20).keep(10));
    /// ```
    pub fn rotation(mut self, rotation: Rotation) -> Self {
        self.rotation = rotation;
        self
    }

    /// How often (at most) the writer checks, before a write, that the log
    /// file's path still names the open file, and reopens it if not (see
    /// [`FileSink`]); `Duration::ZERO` checks before every write. Only for a
    /// logger on a file path.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").reopen_check(Duration::from_millis(250));
    /// ```
    pub fn reopen_check(mut self, every: Duration) -> Self {
        self.reopen_check = every;
        self
    }

    /// Whether `build` creates the log file's missing parent directories
    /// (default: yes, as `mkdir -p` would, with the default permissions).
    /// Only at start: a directory removed while the logger runs is not
    /// created again (it may be an unmounted volume's mount point); writes
    /// fail, counted as lost, until it is back. Only for a logger on a file
    /// path.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{LogBuildError, LoggerBuilder};
    /// let dir = std::env::temp_dir().join(format!("ringlog-doc-dirs-{}", std::process::id()));
    /// let path = dir.join("a").join("b").join("app.log");
    /// assert!(matches!(
    ///     LoggerBuilder::new(&path).create_dirs(false).build(),
    ///     Err(LogBuildError::Open { .. })
    /// ));
    /// let (_, guard) = LoggerBuilder::new(&path).build()?; // creates dir/a/b
    /// assert!(path.exists());
    /// # drop(guard); std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_dirs(mut self, enabled: bool) -> Self {
        self.file_options.create_dirs = enabled;
        self
    }

    /// The permission bits of every log file the logger creates: at start
    /// if the file does not exist, at each rotation, and at each reopen
    /// (Unix only). Set exactly, whatever the process's umask; an existing
    /// file keeps its mode, and archives get the mode of the file they
    /// compress. Only for a logger on a file path.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-mode-{}.log", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let (_, guard) = ringlog::log::LoggerBuilder::new(&path).file_mode(0o640).build()?;
    /// assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o640);
    /// # drop(guard); std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(unix)]
    pub fn file_mode(mut self, mode: u32) -> Self {
        self.file_options.mode = Some(mode);
        self
    }

    /// The shortest time between two stderr lines about the same kind of
    /// sink failure (operation and error kind); failures in between are only
    /// counted (in [`MetricsSnapshot::write_errors`](crate::log::MetricsSnapshot::write_errors)
    /// and, for the records, [`lost`](crate::log::MetricsSnapshot::lost)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = ringlog::log::LoggerBuilder::new("app.log").error_report_interval(Duration::from_secs(60));
    /// ```
    pub fn error_report_interval(mut self, interval: Duration) -> Self {
        self.error_report_interval = interval;
        self
    }

    /// Checks the settings, opens the output, and starts the writer thread.
    ///
    /// # Errors
    ///
    /// A [`LogBuildError`]: zero or oversized slot size, a ring too large,
    /// a capacity the ring refuses (0, not a power of two), a zero batch
    /// limit, a zero flush or fsync interval, an invalid rotation (or one
    /// with a custom sink), a file that cannot be opened for appending (a
    /// directory that cannot be created or, with `create_dirs(false)`, is
    /// missing; a directory at the path; no permission), or a thread that
    /// cannot be spawned (the writer, or the file sink's archiver).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{LogBuildError, LoggerBuilder};
    /// use std::time::Duration;
    /// assert!(matches!(
    ///     LoggerBuilder::new("x.log").flush_interval(Duration::ZERO).build(),
    ///     Err(LogBuildError::ZeroFlushInterval)
    /// ));
    /// assert!(matches!(
    ///     LoggerBuilder::new("/nonexistent-dir/x.log").create_dirs(false).build(),
    ///     Err(LogBuildError::Open { .. })
    /// ));
    /// ```
    pub fn build(mut self) -> Result<(Logger, LogGuard), LogBuildError> {
        self.check()?;
        let filter = self.levels.filter()?;
        let (producer, consumer) = self.ring()?;
        let sink = self
            .output
            .open(self.rotation, self.reopen_check, self.file_options)?;
        let mut shared = Shared::new(self.full_policy, filter, self.flush_timeout);
        shared.source_location = self.source_location;
        let shared = Arc::new(shared);
        let settings = WriterSettings {
            format: self.format,
            fsync: self.fsync,
            flush_interval: self.flush_interval,
            error_report_interval: self.error_report_interval,
        };
        let worker = Worker::new(consumer, sink, Arc::clone(&shared), settings);
        let handle = std::thread::Builder::new()
            .name("ringlog-writer".into())
            .spawn(move || worker.run())
            .map_err(LogBuildError::Spawn)?;
        let logger = Logger::new(producer, shared);
        let guard = LogGuard::new(logger.clone(), handle, self.shutdown_timeout);
        #[cfg(all(unix, feature = "signal"))]
        if self.flush_on_signal {
            if let Err(e) = super::signals::install(logger.clone()) {
                drop(guard); // shuts the fresh writer thread down
                return Err(LogBuildError::Signal(e));
            }
        }
        if self.flush_on_panic {
            install_panic_hook(logger.clone());
        }
        Ok((logger, guard))
    }

    /// The format the writer thread will render in.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn output_format(&self) -> Format {
        self.format
    }

    /// Refuses settings that cannot work, before anything is allocated or
    /// opened. (The ring checks its capacity itself, in [`ring`](Self::ring).)
    fn check(&self) -> Result<(), LogBuildError> {
        if self.slot_size == 0 {
            return Err(LogBuildError::ZeroSlotSize);
        }
        if self.slot_size > MAX_SLOT_SIZE {
            return Err(LogBuildError::SlotSizeTooLarge {
                requested: self.slot_size,
                max: MAX_SLOT_SIZE,
            });
        }
        if self.ring_bytes() > MAX_RING_BYTES {
            return Err(LogBuildError::RingTooLarge {
                capacity: self.capacity,
                slot_size: self.slot_size,
            });
        }
        if self.flush_interval.is_zero() {
            return Err(LogBuildError::ZeroFlushInterval);
        }
        if matches!(self.fsync, FsyncPolicy::Every(d) if d.is_zero()) {
            return Err(LogBuildError::ZeroFsyncInterval);
        }
        if let Err(msg) = self.rotation.check() {
            return Err(LogBuildError::Rotation(msg));
        }
        if self.rotation.is_enabled() && matches!(self.output, Output::Sink(_)) {
            return Err(LogBuildError::Rotation(
                "rotation applies to a file path; a custom sink rotates itself",
            ));
        }
        Ok(())
    }

    /// The ring of records, with the writer's wait strategy.
    fn ring(&mut self) -> Result<(Producer<Record>, Consumer<Record>), LogBuildError> {
        // No eviction (the ring's default evicts from 1 MiB of slots, which
        // the default 8192 records of 384 bytes exceed): a log call's cost
        // was measured (docs/benchmarks.md) with the lines the writer leaves
        // in its cache; the logger with eviction is not measured.
        let mut ring = RingBuilder::new(self.capacity)
            .max_batch(self.max_batch)
            .evict_consumed(Evict::Never);
        ring = match self.wait.take() {
            Some(wait) => wait(ring),
            // Not the ring's default (Park): a parked writer must be woken by
            // the next log call, a mutex and a futex wake inside the caller's
            // `log` (p99 2.3-2.7 us against 0.3 us, `cargo bench -p ringlog-bench
            // --bench wake_latency`). With Sleep the writer polls in growing steps
            // and a log call never makes a system call.
            None => ring.wait_strategy(Sleep::default()),
        };
        let slot_size = self.slot_size;
        Ok(ring.build_with(|| Record::new(slot_size))?)
    }
}

impl Output {
    /// Opens the output: the file (with its directories, mode, rotation and
    /// reopen check), or the custom sink as it is.
    fn open(
        self,
        rotation: Rotation,
        reopen_check: Duration,
        options: FileOptions,
    ) -> Result<Box<dyn Sink>, LogBuildError> {
        match self {
            Output::Sink(sink) => Ok(sink),
            Output::Path(path) => {
                let sink = FileSink::open_with(&path, options)
                    .and_then(|sink| sink.reopen_check(reopen_check).rotation(rotation));
                match sink {
                    Ok(sink) => Ok(Box::new(sink)),
                    Err(source) => Err(LogBuildError::Open { path, source }),
                }
            }
        }
    }
}

/// The level setting: which records a logger keeps.
#[derive(Debug)]
enum Levels {
    /// Nothing set: every level.
    Default,
    Max(Level),
    /// `RUST_LOG`-syntax directives, parsed by `build`.
    Directives(String),
}

impl Levels {
    fn filter(&self) -> Result<Filter, LogBuildError> {
        match self {
            Levels::Default => Ok(Filter::up_to(Level::Trace)),
            Levels::Max(level) => Ok(Filter::up_to(*level)),
            Levels::Directives(spec) => {
                Filter::parse(spec).map_err(|reason| LogBuildError::InvalidFilter {
                    directives: spec.clone(),
                    reason,
                })
            }
        }
    }
}
