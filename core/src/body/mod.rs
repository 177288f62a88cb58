//! Request and response bodies as lists of text fields: find the fields worth scanning, map
//! offsets in each field's decoded text back to the raw bytes, and rewrite spans in place.
//!
//! Detection always runs on decoded text (JSON escapes and percent-encoding undone), so
//! `"Jane\u0040corp.com"` is an email; rewriting maps the span back through the escapes,
//! encodes the replacement for its context, and leaves every byte outside the spans untouched.
//!
//! - `json`: a strict JSON tokenizer that keeps byte positions (serde_json's values lose them,
//!   and re-serialising would change bytes we must not touch).
//! - `pointer`: JSON pointer patterns for include/exclude.
//! - `form`, `text`: the other body kinds.
//! - `offsets`: decoded-to-raw offset maps.
//! - `rewrite`: splicing replacements into the raw body.
//! - `masking`: the values to tokenize, each once, and the edits that put their tokens in.
//!
//! Which fields of a provider's body are structure (model names, roles, ids, tool schemas)
//! rather than content is the provider's business (`crate::providers`).

mod form;
mod json;
mod masking;
mod offsets;
mod pointer;
mod rewrite;

use std::fmt;
use std::ops::Range;

use crate::config::JsonScanConfig;
use crate::detect::{Detection, Engine, Tier2Budget};
use crate::providers::Api;

pub use masking::Masking;
pub use pointer::Pointer;

use offsets::OffsetMap;

/// The encodings Veil reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Text,
}

impl BodyKind {
    /// The kind for a `Content-Type` header value, or None for types Veil does not read.
    pub fn from_content_type(content_type: &str) -> Option<BodyKind> {
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match mime.as_str() {
            "application/json" => Some(BodyKind::Json),
            m if m.starts_with("application/") && m.ends_with("+json") => Some(BodyKind::Json),
            "application/x-www-form-urlencoded" => Some(BodyKind::Form),
            m if m.starts_with("text/") => Some(BodyKind::Text),
            _ => None,
        }
    }
}

/// What a field is in its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRole {
    /// A JSON string value, a form value, or a whole text body.
    Value,
    /// A JSON object key or form key (only with `scan_keys`).
    Key,
    /// A JSON number's literal text (those `scan_numbers` covers).
    Number,
}

/// One scannable piece of text in a body.
#[derive(Debug, Clone)]
pub struct Field {
    /// Where the field is: a JSON pointer (form keys appear as `/key`; a text body is "").
    pub pointer: String,
    pub role: FieldRole,
    /// The decoded text detection runs on.
    pub text: String,
    /// The field's encoded bytes in the body (inside the quotes for JSON strings).
    raw: Range<usize>,
    map: OffsetMap,
}

/// A parsed body: its raw bytes and the fields selected for scanning.
#[derive(Debug)]
pub struct Document<'b> {
    kind: BodyKind,
    raw: &'b [u8],
    api: Api,
    fields: Vec<Field>,
}

/// A detection inside one field of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub field: usize,
    pub detection: Detection,
}

impl Finding {
    /// The edit that replaces this finding's span with `replacement`.
    pub fn edit(&self, replacement: impl Into<String>) -> Edit {
        Edit {
            field: self.field,
            start: self.detection.start,
            end: self.detection.end,
            replacement: replacement.into(),
        }
    }
}

/// A replacement of a decoded span of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub field: usize,
    /// Byte offsets into the field's decoded text.
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// Why a body could not be read or rewritten. Messages give positions, never content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    InvalidUtf8 { offset: usize },
    InvalidJson { offset: usize, reason: &'static str },
    TooDeep { max_depth: usize },
    BadEdit { reason: &'static str },
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::InvalidUtf8 { offset } => {
                write!(f, "body is not valid UTF-8 (at byte {offset})")
            }
            BodyError::InvalidJson { offset, reason } => {
                write!(f, "body is not valid JSON: {reason} at byte {offset}")
            }
            BodyError::TooDeep { max_depth } => {
                write!(f, "JSON nesting is deeper than the limit of {max_depth}")
            }
            BodyError::BadEdit { reason } => write!(f, "cannot rewrite body: {reason}"),
        }
    }
}

impl std::error::Error for BodyError {}

impl<'b> Document<'b> {
    /// Read `raw` as `kind`, selecting fields per `cfg`; a JSON body's API is recognised by
    /// its top-level keys.
    pub fn parse(
        raw: &'b [u8],
        kind: BodyKind,
        cfg: &JsonScanConfig,
    ) -> Result<Document<'b>, BodyError> {
        Document::parse_for(raw, kind, cfg, None)
    }

    /// `parse` for a request to `path`, which names the API where it can.
    pub fn parse_for(
        raw: &'b [u8],
        kind: BodyKind,
        cfg: &JsonScanConfig,
        path: Option<&str>,
    ) -> Result<Document<'b>, BodyError> {
        Document::read(raw, kind, cfg, |keys| Api::recognise(path, keys))
    }

    /// `parse` as `api`, whatever the body's keys: `Api::Generic` scans every string (a
    /// document that is not a provider's request, however its keys look).
    pub fn parse_as(
        raw: &'b [u8],
        kind: BodyKind,
        cfg: &JsonScanConfig,
        api: Api,
    ) -> Result<Document<'b>, BodyError> {
        Document::read(raw, kind, cfg, |_| api)
    }

    fn read(
        raw: &'b [u8],
        kind: BodyKind,
        cfg: &JsonScanConfig,
        api: impl FnOnce(&[String]) -> Api,
    ) -> Result<Document<'b>, BodyError> {
        let text = std::str::from_utf8(raw).map_err(|e| BodyError::InvalidUtf8 {
            offset: e.valid_up_to(),
        })?;
        let (api, fields) = match kind {
            BodyKind::Json => json::fields(text, cfg, api)?,
            BodyKind::Form => (Api::Generic, form::fields(text, cfg)),
            BodyKind::Text => (
                Api::Generic,
                vec![Field {
                    pointer: String::new(),
                    role: FieldRole::Value,
                    text: text.to_string(),
                    raw: 0..raw.len(),
                    map: OffsetMap::identity(0),
                }],
            ),
        };
        Ok(Document {
            kind,
            raw,
            api,
            fields,
        })
    }

    pub fn kind(&self) -> BodyKind {
        self.kind
    }

    /// The API recognised for a JSON body.
    pub fn api(&self) -> Api {
        self.api
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Run `engine` over every field, within a fresh classifier allowance for the request.
    pub fn detect(&self, engine: &Engine) -> Vec<Finding> {
        self.detect_budgeted(engine, &mut engine.request_budget())
    }

    /// Run `engine` over every field within `budget`. Fields are read newest first (the
    /// latest chat turn before the history it resends), so when the classifier's allowance
    /// runs out it is older text that gets tier 1 only. Findings come back in field order.
    pub fn detect_budgeted(&self, engine: &Engine, budget: &mut Tier2Budget) -> Vec<Finding> {
        self.detect_each(budget, |text, budget| engine.detect_budgeted(text, budget))
    }

    /// `detect_budgeted` with the per-field detection given: the gateway answers fields it
    /// has scanned before from its cache. Same order and budget rules.
    pub fn detect_each(
        &self,
        budget: &mut Tier2Budget,
        mut detect: impl FnMut(&str, &mut Tier2Budget) -> Vec<Detection>,
    ) -> Vec<Finding> {
        let mut per_field: Vec<Vec<Finding>> = Vec::with_capacity(self.fields.len());
        for (i, f) in self.fields.iter().enumerate().rev() {
            per_field.push(
                detect(&f.text, budget)
                    .into_iter()
                    .map(|detection| Finding {
                        field: i,
                        detection,
                    })
                    .collect(),
            );
        }
        per_field.into_iter().rev().flatten().collect()
    }

    /// The body with every edit applied. Edits must not overlap; bytes outside them are kept.
    pub fn rewrite(&self, edits: &[Edit]) -> Result<Vec<u8>, BodyError> {
        rewrite::apply(self, edits)
    }
}

#[cfg(test)]
mod tests;
