//! The `log` crate integration (feature `log`): [`Logger`] implements
//! `log::Log`, and [`install_log`] builds a logger and installs it as the
//! global logger in one call.

use crate::log::{Level, LogBuildError, LogGuard, Logger, LoggerBuilder};
use std::fmt;

fn level_from(level: ::log::Level) -> Level {
    match level {
        ::log::Level::Error => Level::Error,
        ::log::Level::Warn => Level::Warn,
        ::log::Level::Info => Level::Info,
        ::log::Level::Debug => Level::Debug,
        ::log::Level::Trace => Level::Trace,
    }
}

fn filter_from(level: Level) -> ::log::LevelFilter {
    match level {
        Level::Error => ::log::LevelFilter::Error,
        Level::Warn => ::log::LevelFilter::Warn,
        Level::Info => ::log::LevelFilter::Info,
        Level::Debug => ::log::LevelFilter::Debug,
        Level::Trace => ::log::LevelFilter::Trace,
    }
}

/// Each `log` record is formatted straight into a slot (no allocation); the
/// outcome of the call (dropped, closed) is only counted, as `log::Log`
/// cannot report it. `flush` waits as [`Logger::flush`] does.
impl ::log::Log for Logger {
    fn enabled(&self, metadata: &::log::Metadata<'_>) -> bool {
        Logger::enabled(self, level_from(metadata.level()))
    }

    fn log(&self, record: &::log::Record<'_>) {
        let _ = Logger::log(
            self,
            level_from(record.level()),
            record.target(),
            *record.args(),
        );
    }

    fn flush(&self) {
        let _ = Logger::flush(self);
    }
}

/// Builds the logger and installs it as the `log` crate's global logger, with
/// `log`'s maximum level set to the builder's
/// [`max_level`](LoggerBuilder::max_level). Keep the returned guard alive
/// (for example in `main`); dropping it flushes and shuts the logger down.
///
/// # Errors
///
/// [`InstallError::Build`] if the builder refuses its settings;
/// [`InstallError::AlreadySet`] if a global logger is already installed (the
/// new logger is then shut down).
///
/// # Examples
///
/// ```
/// use ringlog::log::{install_log, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-install-{}.log", std::process::id()));
/// let guard = install_log(LoggerBuilder::new(&path))?;
/// log::info!(target: "app", "hello from the log crate: {}", 42);
/// drop(guard); // flush, shut down
/// assert!(std::fs::read_to_string(&path)?.contains("app: hello from the log crate: 42"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install_log(builder: LoggerBuilder) -> Result<LogGuard, InstallError> {
    let (logger, guard) = builder.build().map_err(InstallError::Build)?;
    let max_level = filter_from(logger.max_level());
    ::log::set_boxed_logger(Box::new(logger)).map_err(|_| InstallError::AlreadySet)?;
    ::log::set_max_level(max_level);
    Ok(guard)
}

/// Why [`install_log`] failed.
///
/// # Examples
///
/// ```
/// use ringlog::log::{install_log, InstallError, LoggerBuilder};
/// let err = install_log(LoggerBuilder::new("x.log").slot_size(0)).unwrap_err();
/// assert!(matches!(err, InstallError::Build(_)));
/// ```
#[derive(Debug)]
pub enum InstallError {
    /// The logger could not be built.
    Build(LogBuildError),
    /// Another global logger is installed already.
    AlreadySet,
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Build(e) => write!(f, "cannot build the logger: {e}"),
            Self::AlreadySet => f.write_str("a global `log` logger is already installed"),
        }
    }
}

impl std::error::Error for InstallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Build(e) => Some(e),
            Self::AlreadySet => None,
        }
    }
}
