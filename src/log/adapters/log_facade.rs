//! The `log` crate integration (feature `log`): [`Logger`] implements
//! `log::Log`, and [`install_log`] builds a logger and installs it as the
//! global logger in one call.

use crate::log::builder::LoggerBuilder;
use crate::log::deferred::global::{self, InstallError};
use crate::log::filter::{level_from, level_to};
use crate::log::guard::LogGuard;
use crate::log::level::Level;
use crate::log::logger::Logger;

/// The `log` crate's maximum level for a logger's.
fn filter_from(level: Option<Level>) -> ::log::LevelFilter {
    level.map_or(::log::LevelFilter::Off, |l| level_to(l).to_level_filter())
}

/// Each `log` record is formatted straight into a slot (no allocation); the
/// outcome of the call (dropped, closed) is only counted, as `log::Log`
/// cannot report it. `flush` waits as [`Logger::flush`] does.
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
impl ::log::Log for Logger {
    fn enabled(&self, metadata: &::log::Metadata<'_>) -> bool {
        Logger::enabled_for(self, level_from(metadata.level()), metadata.target())
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
/// `log`'s maximum level set to the most verbose level the builder's
/// [`max_level`](LoggerBuilder::max_level) or [`filter`](LoggerBuilder::filter)
/// keeps (`Info` if neither was set, as `tracing_subscriber::fmt` and
/// `env_logger` default), and as the global logger of
/// ringlog's own macros ([`install`](crate::log::install)), so both kinds of
/// call sites reach one logger. Keep the returned guard alive (for example
/// in `main`); dropping it flushes and shuts the logger down.
///
/// # Errors
///
/// [`InstallError::Build`] if the builder refuses its settings;
/// [`InstallError::AlreadySet`] if ringlog's global logger is already
/// installed (nothing is built then) or another `log` logger is (the new
/// logger is then shut down, and neither global is changed).
///
/// # Examples
///
/// ```
/// use ringlog::log::{install_log, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-install-{}.log", std::process::id()));
/// let guard = install_log(LoggerBuilder::new(&path))?;
/// log::info!(target: "app", "hello from the log crate: {}", 42);
/// log::debug!(target: "app", "not kept: the default level is info");
/// drop(guard); // flush, shut down
/// let text = std::fs::read_to_string(&path)?;
/// assert!(text.contains("app: hello from the log crate: 42"));
/// assert!(!text.contains("not kept"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install_log(builder: LoggerBuilder) -> Result<LogGuard, InstallError> {
    if global::is_installed() {
        return Err(InstallError::AlreadySet);
    }
    let (logger, guard) = builder
        .default_max_level(Level::Info)
        .build()
        .map_err(InstallError::Build)?;
    let max_level = filter_from(logger.max_level());
    ::log::set_boxed_logger(Box::new(logger.clone())).map_err(|_| InstallError::AlreadySet)?;
    ::log::set_max_level(max_level);
    // Fails only if a concurrent `install` got there first (the `log`
    // logger is then this one and the macros' the other).
    global::set_global(logger)?;
    Ok(guard)
}
