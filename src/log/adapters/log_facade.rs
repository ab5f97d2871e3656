//! The `log` crate integration (feature `log`): [`Logger`] implements
//! `log::Log`, and [`install_log`] builds a logger and installs it as the
//! global logger in one call.

use crate::log::builder::LoggerBuilder;
use crate::log::custom::{CustomLine, CustomRecord};
use crate::log::deferred::global::{self, InstallError};
use crate::log::fields::{FieldKind, FieldReader, FieldWriter};
use crate::log::filter::{level_from, level_to};
use crate::log::format::{Line, Location, Renderer};
use crate::log::guard::LogGuard;
use crate::log::level::Level;
use crate::log::logger::Logger;
use crate::log::scratch::Scratch;

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
        let level = level_from(record.level());
        if record.key_values().count() == 0 && !self.shared().source_location {
            let _ = Logger::log(self, level, record.target(), *record.args());
        } else {
            log_with_fields(self, level, record);
        }
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

/// A `log` record with key-value pairs, or with its source location shown:
/// target, message, location and fields are encoded (before the claim, into
/// the thread's scratch buffer) as `fields.rs` says, and rendered by
/// [`render_with_fields`] on the writer thread: `k=v` after the message in
/// text, a `"fields"` object in JSON.
fn log_with_fields(logger: &Logger, level: Level, record: &::log::Record<'_>) {
    if logger.admits(level, record.target()).is_err() {
        return;
    }
    let mut scratch = Scratch::take();
    let mut out = FieldWriter(scratch.vec());
    out.bytes(record.target().as_bytes());
    out.formatted(*record.args());
    match (
        logger.shared().source_location,
        record.file(),
        record.line(),
    ) {
        (true, Some(file), Some(line)) => {
            out.bytes(file.as_bytes());
            out.bytes(&line.to_le_bytes());
            out.bytes(record.module_path().unwrap_or("").as_bytes());
        }
        _ => {
            out.bytes(b"");
            out.bytes(b"");
            out.bytes(b"");
        }
    }
    let _ = record.key_values().visit(&mut FieldVisitor(out));
    let custom = CustomRecord {
        render: render_with_fields,
        context: &(),
    };
    let _ = logger.log_custom(level, custom, scratch.bytes());
}

/// Encodes each key-value pair as a field: numbers and booleans bare (JSON
/// writes them unquoted), anything else as its `Display` text.
struct FieldVisitor<'a>(FieldWriter<'a>);

impl<'kvs> ::log::kv::VisitSource<'kvs> for FieldVisitor<'_> {
    fn visit_pair(
        &mut self,
        key: ::log::kv::Key<'kvs>,
        value: ::log::kv::Value<'kvs>,
    ) -> Result<(), ::log::kv::Error> {
        let key = key.as_str();
        if let Some(n) = value.to_u64() {
            self.0.field(key, FieldKind::Bare, format_args!("{n}"));
        } else if let Some(n) = value.to_i64() {
            self.0.field(key, FieldKind::Bare, format_args!("{n}"));
        } else if let Some(b) = value.to_bool() {
            self.0.field(key, FieldKind::Bare, format_args!("{b}"));
        } else if let Some(x) = value.to_f64().filter(|x| x.is_finite()) {
            self.0.field(key, FieldKind::Bare, format_args!("{x:?}"));
        } else {
            self.0.field(key, FieldKind::Str, format_args!("{value}"));
        }
        Ok(())
    }
}

/// The writer's side of [`log_with_fields`].
fn render_with_fields(renderer: &mut Renderer, line: &CustomLine<'_>, out: &mut Vec<u8>) {
    let mut payload = FieldReader(line.payload);
    let target = payload.bytes();
    let message = payload.bytes();
    let file = payload.bytes();
    let number = payload.bytes();
    let module = payload.bytes();
    let location = match <[u8; 4]>::try_from(number) {
        Ok(number) if !file.is_empty() => Some(Location {
            file,
            line: u32::from_le_bytes(number),
            module,
        }),
        _ => None,
    };
    renderer.render(
        &Line {
            timestamp_ns: line.timestamp_ns,
            level: line.level,
            thread_id: line.thread_id,
            thread_name: line.thread_name,
            target,
            message,
            location,
            fields: payload.rest(),
        },
        out,
    );
}
