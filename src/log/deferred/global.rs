//! The process-global logger of the macros: [`install`], and the maximum
//! level a macro call checks first.

use crate::log::builder::LoggerBuilder;
use crate::log::error::LogBuildError;
use crate::log::guard::LogGuard;
use crate::log::level::Level;
use crate::log::logger::Logger;
use crate::sync::{AtomicU8, Ordering};
use std::fmt;
use std::sync::OnceLock;

/// The logger of the macros' global form, set once.
static GLOBAL: OnceLock<Logger> = OnceLock::new();

/// `max_level.index() + 1` of the global logger; 0 (every level disabled)
/// until one is installed.
static MAX: AtomicU8 = AtomicU8::new(0);

/// The global logger, if `level` passes its maximum level: what every
/// global-form macro call does first. A disabled level costs one Relaxed load
/// and a branch.
#[inline(always)]
pub fn global_enabled(level: Level) -> Option<&'static Logger> {
    // Relaxed: the level carries no data. The logger itself is read through
    // `OnceLock::get` (Acquire, pairing with the Release of its `set`); a
    // thread that sees the level before the logger gets `None` and logs
    // nothing, a race with the installation itself only.
    if (level.index() as u8) < MAX.load(Ordering::Relaxed) {
        GLOBAL.get()
    } else {
        None
    }
}

/// Whether a global logger is installed.
pub(crate) fn is_installed() -> bool {
    GLOBAL.get().is_some()
}

/// Makes `logger` the macros' global logger.
pub(crate) fn set_global(logger: Logger) -> Result<(), InstallError> {
    let max = logger.max_level().map_or(0, |l| l.index() as u8 + 1);
    GLOBAL.set(logger).map_err(|_| InstallError::AlreadySet)?;
    // Relaxed: see `global_enabled`.
    MAX.store(max, Ordering::Relaxed);
    Ok(())
}

/// Builds the logger and installs it as the process-global logger of the
/// macros ([`info!`](crate::info) and friends, in their form without
/// `logger:`), with the builder's [`max_level`](LoggerBuilder::max_level).
/// Keep the returned guard alive (for example in `main`); dropping it
/// flushes and shuts the logger down, after which the macros' records are
/// counted as dropped. A logger is installed once per process.
///
/// With the `log` feature, [`install_log`](crate::log::install_log) does the
/// same and also installs the logger for the `log` crate's macros.
///
/// # Errors
///
/// [`InstallError::Build`] if the builder refuses its settings;
/// [`InstallError::AlreadySet`] if a global logger is already installed
/// (nothing is built then).
///
/// # Examples
///
/// ```
/// use ringlog::log::{install, Level, LoggerBuilder};
/// let path = std::env::temp_dir().join(format!("ringlog-doc-install-g-{}.log", std::process::id()));
/// let guard = install(LoggerBuilder::new(&path).max_level(Level::Info))?;
/// let user = "ada";
/// ringlog::info!("{user} logged in from {}", "10.0.0.7");
/// ringlog::debug!("not written: DEBUG is above the maximum level");
/// drop(guard); // flush, shut down
/// let text = std::fs::read_to_string(&path)?;
/// assert!(text.contains("ada logged in from 10.0.0.7"));
/// assert_eq!(text.lines().count(), 1);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install(builder: LoggerBuilder) -> Result<LogGuard, InstallError> {
    if is_installed() {
        return Err(InstallError::AlreadySet);
    }
    let (logger, guard) = builder.build().map_err(InstallError::Build)?;
    set_global(logger)?;
    Ok(guard)
}

/// Why [`install`] (or `install_log`) failed.
///
/// # Examples
///
/// ```
/// use ringlog::log::{install, InstallError, LoggerBuilder};
/// let err = install(LoggerBuilder::new("x.log").slot_size(0)).unwrap_err();
/// assert!(matches!(err, InstallError::Build(_)));
/// ```
#[derive(Debug)]
pub enum InstallError {
    /// The logger could not be built.
    Build(LogBuildError),
    /// A global logger is installed already (by `install`, or, for
    /// `install_log`, any `log` logger).
    AlreadySet,
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Build(e) => write!(f, "cannot build the logger: {e}"),
            Self::AlreadySet => f.write_str("a global logger is already installed"),
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

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<InstallError>();
};
