//! The native `tracing` layer (feature `tracing`): each event's fields are
//! encoded as binary into a slot, and the writer thread renders the line as
//! `tracing_subscriber::fmt` would (see `render.rs`).
//!
//! On the caller, per event: the span scope is copied from what each span
//! rendered once (span.rs), then the fields are encoded (visit.rs), all into
//! the thread's scratch buffer, *before* a slot is claimed (a `Debug` value
//! that logs cannot hold up the ring); then the bytes are copied into the
//! slot with the event's `&'static Metadata` (a custom record,
//! `log/custom.rs`). The timestamp and thread come with the slot's stamp.

mod render;
mod span;
mod visit;

use self::render::render_line;
use self::span::{write_scope, SpanFields};
use self::visit::{begin_scope, end_scope, Encoder};
use super::tracing_writer::level_from;
use crate::log::custom::CustomRecord;
use crate::log::scratch::Scratch;
use crate::log::{Format, LogBuildError, LogGuard, Logger, LoggerBuilder};
use std::sync::atomic::{AtomicU64, Ordering};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// Numbers layers, so that only one layer records a span's later fields
/// when a subscriber has several in one format.
static NEXT_LAYER: AtomicU64 = AtomicU64::new(1);

/// A [`tracing_subscriber::Layer`] that logs events to a ringlog
/// [`Logger`], formatted by the writer thread as `tracing_subscriber::fmt`
/// formats them.
///
/// Build it from a [`LoggerBuilder`] and add it to
/// `tracing_subscriber::registry()`, with any filters (`EnvFilter`, a
/// per-layer filter via `Layer::with_filter`). Keep the returned
/// [`LogGuard`] alive: dropping it flushes and shuts the logger down.
///
/// - **Per event, on the calling thread:** no formatting of integers,
///   floats, booleans or strings, and no allocation. The fields are encoded
///   as binary into the slot; values `tracing` hands over as `dyn Debug`
///   (and the message, unless it is a plain literal, which is just copied)
///   are formatted in the caller, into the slot's bytes.
/// - **Spans:** a span's fields are formatted once, when it is created or
///   records more (a few allocations per span); each event copies the rendered
///   scope.
/// - **Lines:** [`Format::Text`] gives fmt's default ("full") format without
///   ANSI codes: `2026-11-23T16:20:00.123456Z  INFO request{id=7}: app:
///   request done bytes=512`; [`Format::Json`] gives fmt's JSON layout:
///   `{"timestamp":…,"level":"INFO","fields":{"message":"request
///   done","bytes":512},"target":"app","span":{"id":7,"name":"request"},
///   "spans":[…]}`.
/// - The builder's [`max_level`](LoggerBuilder::max_level) or per-target
///   [`filter`](LoggerBuilder::filter) and its
///   [`full_policy`](LoggerBuilder::full_policy) apply as for any record
///   (checked before anything is encoded); `tracing_subscriber`'s own
///   filters work too, and skip disabled events even earlier.
///
/// For fmt's exact output with your own `FormatEvent`, use the [`Logger`]
/// as fmt's writer instead ([`LineWriter`](crate::log::LineWriter)).
///
/// # Examples
///
/// ```
/// use ringlog::log::LoggerBuilder;
/// use tracing_subscriber::prelude::*;
///
/// let path = std::env::temp_dir().join(format!("ringlog-doc-layer-{}.log", std::process::id()));
/// let (layer, guard) = ringlog::tracing::Layer::new(LoggerBuilder::new(&path))?;
/// let subscriber = tracing_subscriber::registry().with(layer);
/// tracing::subscriber::with_default(subscriber, || {
///     let span = tracing::info_span!("request", id = 7);
///     let _entered = span.enter();
///     tracing::info!(target: "app", bytes = 512, route = "/api", "request done");
/// });
/// guard.shutdown()?; // drains and flushes
/// let text = std::fs::read_to_string(&path)?;
/// assert!(text.ends_with(" INFO request{id=7}: app: request done bytes=512 route=\"/api\"\n"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Layer {
    logger: Logger,
    format: Format,
    /// This layer's number (see [`NEXT_LAYER`]).
    id: u64,
}

impl Layer {
    /// Builds the logger and a layer logging to it; returns the layer and
    /// the logger's guard.
    ///
    /// # Errors
    ///
    /// As [`LoggerBuilder::build`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::{Format, LoggerBuilder};
    /// use tracing_subscriber::prelude::*;
    ///
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-layer-json-{}.log", std::process::id()));
    /// let (layer, guard) = ringlog::tracing::Layer::new(LoggerBuilder::new(&path).format(Format::Json))?;
    /// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
    ///     tracing::warn!(target: "app", attempt = 3, "retrying");
    /// });
    /// drop(guard); // flush, shut down
    /// let line = std::fs::read_to_string(&path)?;
    /// assert!(line.contains(r#""level":"WARN","fields":{"message":"retrying","attempt":3},"target":"app"}"#));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(builder: LoggerBuilder) -> Result<(Self, LogGuard), LogBuildError> {
        let format = builder.output_format();
        let (logger, guard) = builder.build()?;
        // Relaxed: only uniqueness matters; no memory is published with it.
        let id = NEXT_LAYER.fetch_add(1, Ordering::Relaxed);
        Ok((Self { logger, format, id }, guard))
    }

    /// The logger this layer logs to: for [`flush`](Logger::flush),
    /// [`metrics`](Logger::metrics), or logging to the same file directly.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringlog::log::LoggerBuilder;
    /// use tracing_subscriber::prelude::*;
    ///
    /// let path = std::env::temp_dir().join(format!("ringlog-doc-layer-logger-{}.log", std::process::id()));
    /// let (layer, _guard) = ringlog::tracing::Layer::new(LoggerBuilder::new(&path))?;
    /// let logger = layer.logger().clone();
    /// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
    ///     tracing::info!("one");
    /// });
    /// logger.flush()?;
    /// assert_eq!(logger.metrics().written, 1);
    /// # drop(_guard);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn logger(&self) -> &Logger {
        &self.logger
    }
}

impl Layer {
    /// A span's fields, encoded before its extensions are locked: a `Debug`
    /// value that logs reads the extensions of the spans in its scope.
    fn encode(&self, fields: &impl RecordFields) -> Vec<u8> {
        let mut encoded = Vec::new();
        fields.record(&mut Encoder::new(&mut encoded, self.format));
        encoded
    }
}

impl<S> tracing_subscriber::Layer<S> for Layer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let encoded = self.encode(attrs);
        let mut extensions = span.extensions_mut();
        SpanFields::on_new_span(
            &mut extensions,
            self.id,
            self.format,
            span.metadata(),
            &encoded,
        );
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let encoded = self.encode(values);
        let mut extensions = span.extensions_mut();
        SpanFields::on_record(
            &mut extensions,
            self.id,
            self.format,
            span.metadata(),
            &encoded,
        );
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let level = level_from(meta.level());
        if self.logger.admits(level, meta.target()).is_err() {
            return;
        }
        let mut scratch = Scratch::take();
        let buf = scratch.vec();
        let at = begin_scope(buf);
        write_scope(self.format, ctx.event_span(event), buf);
        end_scope(buf, at);
        // User `Debug` code runs here, before the claim.
        event.record(&mut Encoder::new(buf, self.format));
        let custom = CustomRecord {
            render: render_line,
            context: meta,
        };
        // Dropped or closed: counted in the logger's metrics.
        let _ = self.logger.log_custom(level, custom, buf);
    }
}
