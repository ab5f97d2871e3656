//! Spans: their fields rendered once, when the span is created or records
//! more ([`SpanFields`], kept in the span's extensions: a few allocations per
//! span, none per event), and the scope of an event copied from them into
//! its payload ([`write_scope`]).
//!
//! Text, as fmt: `outer{a=1}:inner{b=2}: ` (a span without fields is just
//! `name:`; fields recorded later are appended, space-separated). Each span
//! keeps its whole part, `inner{b=2}:`, so an event copies one string per
//! span in its scope. JSON, as
//! fmt's JSON format, each span an object of its fields sorted by name (fmt
//! keeps them in a `BTreeMap`) and then `"name"`; the payload holds the
//! objects from the root once, and the writer shows them as
//! `,"span":{leaf},"spans":[{root},…,{leaf}]` ([`split_json_scope`]).

use super::render::{json_key, json_value, text_field, Names};
use super::visit::{Payload, Value};
use crate::log::format::{json_escape, Format};
use std::collections::BTreeMap;
use tracing_core::{Metadata, Subscriber};
use tracing_subscriber::registry::{ExtensionsMut, LookupSpan, SpanRef};

/// One span's fields, rendered in each format a layer of the subscriber
/// asked for (a subscriber may have several ringlog layers: one renders,
/// the others of its format reuse it).
#[derive(Debug, Default)]
pub(super) struct SpanFields {
    text: Option<Rendered>,
    json: Option<Rendered>,
}

/// One format's rendering of a span's fields.
#[derive(Debug)]
struct Rendered {
    /// The layer that renders them (and alone records later fields).
    owner: u64,
    /// Text: `a=1 b="x"`. JSON: the span's whole object, name included.
    rendered: String,
    /// Text only: the span's part of an event's scope, `name{a=1 b="x"}:`
    /// (`name:` without fields), copied whole by each event.
    scope: String,
    /// JSON only: each field's rendered value, by name.
    json: BTreeMap<&'static str, Vec<u8>>,
}

impl SpanFields {
    /// A new span of `meta` seen by layer `owner`: renders its fields
    /// (encoded by an `Encoder` before the extensions were locked, as
    /// user code may log) in `format`, unless another layer did.
    pub(super) fn on_new_span(
        extensions: &mut ExtensionsMut<'_>,
        owner: u64,
        format: Format,
        meta: &'static Metadata<'static>,
        encoded: &[u8],
    ) {
        if extensions.get_mut::<Self>().is_none() {
            extensions.insert(Self::default());
        }
        let Some(fields) = extensions.get_mut::<Self>() else {
            return;
        };
        let slot = fields.slot(format);
        if slot.is_none() {
            let mut rendered = Rendered {
                owner,
                rendered: String::new(),
                scope: String::new(),
                json: BTreeMap::new(),
            };
            rendered.record(format, meta, encoded);
            *slot = Some(rendered);
        }
    }

    /// Fields recorded on a span (`Span::record`; `encoded` as for
    /// [`on_new_span`](Self::on_new_span)), seen by layer `owner`.
    pub(super) fn on_record(
        extensions: &mut ExtensionsMut<'_>,
        owner: u64,
        format: Format,
        meta: &'static Metadata<'static>,
        encoded: &[u8],
    ) {
        let Some(fields) = extensions.get_mut::<Self>() else {
            return;
        };
        if let Some(rendered) = fields.slot(format) {
            if rendered.owner == owner {
                rendered.record(format, meta, encoded);
            }
        }
    }

    fn slot(&mut self, format: Format) -> &mut Option<Rendered> {
        match format {
            Format::Text => &mut self.text,
            Format::Json => &mut self.json,
        }
    }

    /// The JSON rendering, if any.
    fn json_object(&self) -> Option<&str> {
        self.json.as_ref().map(|r| r.rendered.as_str())
    }

    /// The text rendering's part of a scope, if any.
    fn text_scope(&self) -> Option<&str> {
        self.text.as_ref().map(|r| r.scope.as_str())
    }
}

impl Rendered {
    /// Adds the `encoded` fields; a field recorded again replaces its value
    /// in JSON and is repeated in text, as in fmt.
    fn record(&mut self, format: Format, meta: &'static Metadata<'static>, encoded: &[u8]) {
        let mut names = Names::new(meta);
        let mut name = |index| names.get(index);
        match format {
            Format::Text => {
                let mut text = std::mem::take(&mut self.rendered).into_bytes();
                // fmt's `DefaultFields::add_fields` separates the new fields
                // with a space, even if there are none.
                if !text.is_empty() {
                    text.push(b' ');
                }
                let mut first = true;
                for (index, value) in Payload::fields(encoded) {
                    text_field(&mut text, &mut first, name(index), value);
                }
                self.rendered = String::from_utf8(text).unwrap_or_default();
                self.scope.clear();
                self.scope.push_str(meta.name());
                if !self.rendered.is_empty() {
                    self.scope.push('{');
                    self.scope.push_str(&self.rendered);
                    self.scope.push('}');
                }
                self.scope.push(':');
            }
            Format::Json => {
                for (index, value) in Payload::fields(encoded) {
                    let name = name(index);
                    // fmt's JSON fields drop `r#` only from `Debug` values.
                    let key = match value {
                        Value::Text(_) => name.strip_prefix("r#").unwrap_or(name),
                        _ => name,
                    };
                    let mut rendered = Vec::new();
                    json_value(&mut rendered, value);
                    self.json.insert(key, rendered);
                }
                let mut object = vec![b'{'];
                for (key, value) in &self.json {
                    json_key(&mut object, key);
                    object.extend_from_slice(value);
                    object.push(b',');
                }
                json_key(&mut object, "name");
                object.push(b'"');
                json_escape(meta.name().as_bytes(), &mut object);
                object.extend_from_slice(b"\"}");
                self.rendered = String::from_utf8(object).unwrap_or_default();
            }
        }
    }
}

/// Appends the scope of an event whose span is `leaf` (`None`: outside any
/// span, nothing is written).
pub(super) fn write_scope<S>(format: Format, leaf: Option<SpanRef<'_, S>>, buf: &mut Vec<u8>)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let Some(leaf) = leaf else { return };
    match format {
        Format::Text => {
            text_scope(&leaf, buf);
            buf.push(b' ');
        }
        Format::Json => {
            // The writer shows the leaf twice (`span`, and last in
            // `spans`): its offset goes first, the objects once.
            let at = buf.len();
            buf.extend_from_slice(&[0; 4]);
            let leaf = json_scope(&leaf, buf) - (at + 4);
            let leaf = u32::try_from(leaf).unwrap_or(u32::MAX);
            buf[at..at + 4].copy_from_slice(&leaf.to_le_bytes());
        }
    }
}

/// For JSON: the scope's span objects, root first, comma-separated, after
/// the leaf's offset in them (`u32`, little-endian); `None` if malformed.
pub(super) fn split_json_scope(scope: &[u8]) -> Option<(&[u8], &[u8])> {
    let offset = u32::from_le_bytes(scope.get(..4)?.try_into().ok()?);
    let objects = &scope[4..];
    let leaf = objects.get(offset as usize..)?;
    Some((objects, leaf))
}

/// `root{…}:…:span{…}:`, root first (by recursion: no allocation).
fn text_scope<S>(span: &SpanRef<'_, S>, buf: &mut Vec<u8>)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    if let Some(parent) = span.parent() {
        text_scope(&parent, buf);
    }
    match span
        .extensions()
        .get::<SpanFields>()
        .and_then(|f| f.text_scope())
    {
        Some(part) => buf.extend_from_slice(part.as_bytes()),
        // Created before this layer saw it: the name only.
        None => {
            buf.extend_from_slice(span.name().as_bytes());
            buf.push(b':');
        }
    }
}

/// The spans' objects from the root, comma-separated; returns where the
/// last (`span`'s) starts.
fn json_scope<S>(span: &SpanRef<'_, S>, buf: &mut Vec<u8>) -> usize
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    if let Some(parent) = span.parent() {
        json_scope(&parent, buf);
        buf.push(b',');
    }
    let start = buf.len();
    json_span(span, buf);
    start
}

fn json_span<S>(span: &SpanRef<'_, S>, buf: &mut Vec<u8>)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let extensions = span.extensions();
    match extensions
        .get::<SpanFields>()
        .and_then(SpanFields::json_object)
    {
        Some(object) => buf.extend_from_slice(object.as_bytes()),
        // Created before this layer saw it: the name only.
        None => {
            buf.extend_from_slice(b"{\"name\":\"");
            json_escape(span.name().as_bytes(), buf);
            buf.extend_from_slice(b"\"}");
        }
    }
}
