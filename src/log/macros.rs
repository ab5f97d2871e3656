//! The log macros' front end (`macro_rules!`): the call forms, and the
//! split of the arguments into expressions, handed to the `ringlog-macros`
//! procedural macro that does the rest (see `deferred/`).

/// Logs at [`Level::Error`](crate::log::Level::Error), formatting on the
/// writer thread what it can. See [`info!`](crate::info) for the forms and
/// what is deferred.
///
/// # Examples
///
/// ```
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-error-m-{}.log", std::process::id()));
/// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
/// let code = 503;
/// ringlog::error!(logger: &logger, target: "http", "upstream failed: {code}");
/// guard.shutdown()?;
/// assert!(std::fs::read_to_string(&path)?.contains("ERROR [main#"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => { $crate::__ringlog_call!([$crate::log::Level::Error] $($arg)+) };
}

/// Logs at [`Level::Warn`](crate::log::Level::Warn). See
/// [`info!`](crate::info) for the forms and what is deferred.
///
/// # Examples
///
/// ```
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-warn-m-{}.log", std::process::id()));
/// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
/// ringlog::warn!(logger: &logger, "disk {:.1}% full", 93.25);
/// guard.shutdown()?;
/// assert!(std::fs::read_to_string(&path)?.contains("disk 93.2% full"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::__ringlog_call!([$crate::log::Level::Warn] $($arg)+) };
}

/// Logs at [`Level::Info`](crate::log::Level::Info), formatting on the
/// writer thread what it can.
///
/// # Forms
///
/// - `info!("format", args...)`: to the logger installed with
///   [`install`](crate::log::install) (or `install_log`); nothing happens
///   before one is installed. A disabled level costs one load and a branch;
///   the arguments are then not evaluated.
/// - `info!(logger: &logger, "format", args...)`: to that
///   [`Logger`](crate::log::Logger) (its own maximum level applies).
/// - `target: "name"` (after `logger:` if both): the record's target; it must
///   be a constant `&'static str` expression (default: `module_path!()`).
///
/// The format string and its arguments are those of `format!`: positional
/// `{}`, indexed `{0}`, named `{name}` with `name = expr`, captured
/// variables `{x}`, every spec and trait (`{:>8.3}`, `{:#x}`, `{:?}`,
/// `{:w$.p$}`, `{:.*}`, ...), `{{` and `}}`; rustc checks it exactly as it
/// checks `format_args!`. The macro returns `()`: a record that cannot be
/// logged (ring full under a dropping policy, logger shut down) is counted
/// in [`MetricsSnapshot::dropped`](crate::log::MetricsSnapshot::dropped), as
/// for the `log` crate's macros. Use [`Logger::log`](crate::log::Logger::log)
/// to get the outcome.
///
/// # What is deferred
///
/// Each argument is evaluated once. Arguments whose type implements
/// [`Encode`](crate::log::Encode) (integers, floats, `bool`, `char`, `str`,
/// `String`, byte slices and vectors, references to these, and your own
/// types if you implement it) are copied into the record as bytes and
/// formatted by the writer thread. Every other argument is formatted in the
/// caller, with its placeholder's spec, before the record's slot is claimed
/// (so a `Display` that logs or panics cannot wedge the logger), as is every
/// `{:p}`. Either way the line is byte for byte what
/// [`Logger::log`](crate::log::Logger::log) writes for `format_args!` of the
/// same call.
///
/// # Examples
///
/// ```
/// use ringlog::log::LoggerBuilder;
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-info-m-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).build()?;
/// let (user, bytes) = ("ada", 1536u64);
/// let addr: std::net::IpAddr = "10.0.0.7".parse()?; // not `Encode`: formatted in the caller
/// ringlog::info!(logger: &logger, target: "http", "{user} sent {bytes} bytes from {addr:>10} in {:.3} s", 0.25);
/// guard.shutdown()?;
/// assert!(std::fs::read_to_string(&path)?
///     .contains("http: ada sent 1536 bytes from   10.0.0.7 in 0.250 s"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A format string that does not match its arguments does not compile:
///
/// ```compile_fail
/// # let path = std::env::temp_dir().join("ringlog-doc-never-built.log");
/// let (logger, _guard) = ringlog::log::LoggerBuilder::new(&path).build().unwrap();
/// ringlog::info!(logger: &logger, "{} and {}", 1); // missing argument
/// ```
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => { $crate::__ringlog_call!([$crate::log::Level::Info] $($arg)+) };
}

/// Logs at [`Level::Debug`](crate::log::Level::Debug). See
/// [`info!`](crate::info) for the forms and what is deferred.
///
/// # Examples
///
/// ```
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-debug-m-{}.log", std::process::id()));
/// let (logger, guard) = ringlog::log::LoggerBuilder::new(&path).build()?;
/// let state = vec![1u8, 2, 3];
/// ringlog::debug!(logger: &logger, "state = {state:?}");
/// guard.shutdown()?;
/// assert!(std::fs::read_to_string(&path)?.contains("state = [1, 2, 3]"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => { $crate::__ringlog_call!([$crate::log::Level::Debug] $($arg)+) };
}

/// Logs at [`Level::Trace`](crate::log::Level::Trace). See
/// [`info!`](crate::info) for the forms and what is deferred.
///
/// # Examples
///
/// ```
/// use ringlog::log::{Level, LoggerBuilder};
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-trace-m-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).max_level(Level::Debug).build()?;
/// let mut evaluated = false;
/// ringlog::trace!(logger: &logger, "{}", { evaluated = true; 1 });
/// assert!(!evaluated); // a disabled level does not evaluate the arguments
/// guard.shutdown()?;
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => { $crate::__ringlog_call!([$crate::log::Level::Trace] $($arg)+) };
}

/// Logs at a level given as the first argument (after `logger:` and
/// `target:`), which must be a constant. See [`info!`](crate::info).
///
/// # Examples
///
/// ```
/// use ringlog::log::{Level, LoggerBuilder};
/// # let path = std::env::temp_dir().join(format!("ringlog-doc-log-m-{}.log", std::process::id()));
/// let (logger, guard) = LoggerBuilder::new(&path).build()?;
/// ringlog::log!(logger: &logger, Level::Warn, "retry {} of {}", 2, 5);
/// guard.shutdown()?;
/// assert!(std::fs::read_to_string(&path)?.contains("WARN  [main#"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! log {
    (logger: $logger:expr, target: $target:expr, $level:expr, $($arg:tt)+) => {
        $crate::__ringlog_call!([$level] logger: $logger, target: $target, $($arg)+)
    };
    (logger: $logger:expr, $level:expr, $($arg:tt)+) => {
        $crate::__ringlog_call!([$level] logger: $logger, $($arg)+)
    };
    (target: $target:expr, $level:expr, $($arg:tt)+) => {
        $crate::__ringlog_call!([$level] target: $target, $($arg)+)
    };
    ($level:expr, $($arg:tt)+) => {
        $crate::__ringlog_call!([$level] $($arg)+)
    };
}

/// The call forms: `[level] [logger: l,] [target: t,] "format" args...`.
#[doc(hidden)]
#[macro_export]
macro_rules! __ringlog_call {
    ([$($level:tt)+] logger: $logger:expr, target: $target:expr, $format:literal $($rest:tt)*) => {
        $crate::__ringlog_args!([[$crate] [$($level)+] [$logger] [$target] $format] [] $($rest)*)
    };
    ([$($level:tt)+] logger: $logger:expr, $format:literal $($rest:tt)*) => {
        $crate::__ringlog_args!([[$crate] [$($level)+] [$logger] [::core::module_path!()] $format] [] $($rest)*)
    };
    ([$($level:tt)+] target: $target:expr, $format:literal $($rest:tt)*) => {
        $crate::__ringlog_args!([[$crate] [$($level)+] [] [$target] $format] [] $($rest)*)
    };
    ([$($level:tt)+] $format:literal $($rest:tt)*) => {
        $crate::__ringlog_args!([[$crate] [$($level)+] [] [::core::module_path!()] $format] [] $($rest)*)
    };
    ([$($level:tt)+] $($rest:tt)*) => {
        ::core::compile_error!(
            "expected `[logger: &Logger,] [target: \"target\",] \"format string\", args...` \
             (the format string must be a string literal)"
        )
    };
}

/// Splits the arguments into expressions, `(expr)` or `(name = expr)`, and
/// calls the procedural macro.
#[doc(hidden)]
#[macro_export]
macro_rules! __ringlog_args {
    ([$($head:tt)*] [$($done:tt)*] $(,)?) => {
        $crate::__private::deferred!($($head)* [$($done)*])
    };
    ([$($head:tt)*] [$($done:tt)*] , $name:ident = $value:expr $(, $($rest:tt)*)?) => {
        $crate::__ringlog_args!([$($head)*] [$($done)* ($name = $value)] $(, $($rest)*)?)
    };
    ([$($head:tt)*] [$($done:tt)*] , $value:expr $(, $($rest:tt)*)?) => {
        $crate::__ringlog_args!([$($head)*] [$($done)* ($value)] $(, $($rest)*)?)
    };
}
