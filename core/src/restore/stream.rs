//! Restoring tokens in a model's streamed answer, record by record, whatever the framing
//! (`framing`: SSE, NDJSON, a JSON array, AWS event stream) and the provider (`providers`:
//! which fields carry text, and when each stream of text ends).
//!
//! Each stream of text (a choice's content, a tool call's arguments, a content block, a
//! candidate's part) is a channel with its own `TextStreamRestorer`, so a token the model
//! spreads over several events (`Person_7Q` in one delta, `F2` in the next) is restored in the
//! event that completes it. Only the possible token prefix at a channel's end is held back;
//! every other byte goes out with the event it came in. When a channel ends (a finish reason,
//! a block or item stop, `[DONE]`, the end of the body), its held-back text is sent: inside
//! the ending event when that event carries the channel's text, otherwise in a small event of
//! the same kind placed just before it. Records are rewritten byte for byte outside the
//! restored strings (`body::Document`), so ids, usage and key order reach the client
//! unchanged; a record with nothing to restore goes out exactly as it came.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::fields;
use super::framing::{Framing, Overflow, Record};
use super::text_stream::TextStreamRestorer;
use super::token_map::TokenMap;
use crate::body::{BodyKind, Document, Edit};
use crate::config::JsonScanConfig;
use crate::providers::{self, Channel as Stream, Flush};

/// One stream of text and how to send its held-back end on its own.
struct Channel {
    restorer: TextStreamRestorer,
    flush: Flush,
}

/// Restores one streamed response body, chunk by chunk.
pub struct StreamRestorer {
    map: Arc<TokenMap>,
    framing: Box<dyn Framing>,
    channels: BTreeMap<String, Channel>,
    scan: JsonScanConfig,
    /// A record outgrew `framing::MAX_EVENT_BYTES` or broke its framing: the rest of the
    /// stream passes as it comes, tokens in place.
    overflowed: bool,
}

impl StreamRestorer {
    pub fn new(map: Arc<TokenMap>, framing: Box<dyn Framing>) -> Self {
        let include = providers::delta_fields()
            .chain(providers::whole_fields())
            .map(str::to_string)
            .collect();
        StreamRestorer {
            map,
            framing,
            channels: BTreeMap::new(),
            scan: JsonScanConfig {
                include,
                ..JsonScanConfig::default()
            },
            overflowed: false,
        }
    }

    /// The bytes to send for this network chunk: every record it completed, restored.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        if self.overflowed {
            return chunk.to_vec();
        }
        let mut out = Vec::with_capacity(chunk.len());
        match self.framing.push(chunk) {
            Ok(records) => {
                for record in records {
                    self.record(&record, &mut out);
                }
            }
            Err(Overflow { records, tail }) => {
                for record in records {
                    self.record(&record, &mut out);
                }
                // What the channels held back goes out in records of their own, then the long
                // record as it came: the stream stays well-formed, its later tokens unrestored.
                self.flush_where(|_| true, &mut out);
                out.extend(tail);
                self.overflowed = true;
            }
        }
        out
    }

    /// Whether a record outgrew the limit, so restoring stopped for this stream.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The end of the body: a last record without its terminator, then every held-back end.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        if !self.overflowed {
            let unterminated = self.framing.finish();
            for record in &unterminated {
                self.record(record, &mut out);
            }
            if !unterminated.is_empty() && !self.channels.is_empty() {
                // Held-back text follows: end the last record first, or they would merge.
                out.extend_from_slice(self.framing.end_of_record());
            }
        }
        self.flush_where(|_| true, &mut out);
        out
    }

    fn record(&mut self, record: &Record, out: &mut Vec<u8>) {
        if record.closes {
            self.flush_where(|_| true, out);
            out.extend_from_slice(&record.raw);
            return;
        }
        let Some(data) = &record.data else {
            out.extend_from_slice(&record.raw); // comments, retry hints, separators
            return;
        };
        let Ok(value) = serde_json::from_str::<Value>(data) else {
            out.extend_from_slice(&record.raw); // not JSON: nothing of ours in a known place
            return;
        };
        let Ok(doc) = Document::parse(data.as_bytes(), BodyKind::Json, &self.scan) else {
            out.extend_from_slice(&record.raw);
            return;
        };
        let event = record.event.as_deref();
        // Each field's channel (None for whole-text fields), worked out once per record.
        let channels: Vec<Option<Stream>> = doc
            .fields()
            .iter()
            .map(|f| providers::channel_of(&f.pointer, event, &value))
            .collect();
        let ending = providers::ending_channels(event, &value);
        // Channels that end here without text in this record are flushed just before it.
        let absent_ending = |key: &str| {
            ending.iter().any(|e| key.starts_with(e.as_str()))
                && !channels.iter().flatten().any(|c| c.key == key)
        };
        self.flush_where(absent_ending, out);
        match self.rewrite(&doc, channels, &value, &ending) {
            Some(data) => self.framing.write(record, &data, out),
            None => out.extend_from_slice(&record.raw),
        }
    }

    /// The data with every token restored, or `None` when nothing changed.
    fn rewrite(
        &mut self,
        doc: &Document<'_>,
        channels: Vec<Option<Stream>>,
        value: &Value,
        ending: &[String],
    ) -> Option<String> {
        let mut edits = Vec::new();
        for ((i, field), channel) in doc.fields().iter().enumerate().zip(channels) {
            let context = fields::context_of(&field.pointer, value);
            let replacement = match channel {
                Some(Stream { key, flush }) => {
                    let map = self.map.clone();
                    let channel = self.channels.entry(key.clone()).or_insert_with(|| Channel {
                        restorer: TextStreamRestorer::with_context(map, context),
                        flush,
                    });
                    let mut text = channel.restorer.push(&field.text);
                    if ending.iter().any(|e| key.starts_with(e.as_str())) {
                        text.push_str(&channel.restorer.finish());
                        self.channels.remove(&key);
                    }
                    text
                }
                None => self.map.restore_all_as(&field.text, context),
            };
            if replacement != field.text {
                edits.push(Edit {
                    field: i,
                    start: 0,
                    end: field.text.len(),
                    replacement,
                });
            }
        }
        if edits.is_empty() {
            return None;
        }
        let bytes = doc.rewrite(&edits).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// Sends the held-back end of every channel `which` selects, each as its own record.
    fn flush_where(&mut self, which: impl Fn(&str) -> bool, out: &mut Vec<u8>) {
        let keys: Vec<String> = self.channels.keys().filter(|k| which(k)).cloned().collect();
        for key in keys {
            let Some(mut channel) = self.channels.remove(&key) else {
                continue;
            };
            let text = channel.restorer.finish();
            if text.is_empty() {
                continue;
            }
            let Flush {
                event,
                mut data,
                slot,
            } = channel.flush;
            if let Some(v) = data.pointer_mut(slot) {
                *v = Value::String(text);
            }
            self.framing
                .write_new(event.as_deref(), &data.to_string(), out);
        }
    }
}

#[cfg(test)]
mod tests;
