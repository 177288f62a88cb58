//! Restoring tokens in a model's streamed answer (`text/event-stream`), event by event, for
//! OpenAI chat completions, OpenAI Responses and Anthropic messages.
//!
//! Each stream of text (a choice's content, a tool call's arguments, a content block) is a
//! channel with its own `TextStreamRestorer`, so a token the model spreads over several events
//! (`Person_7Q` in one delta, `F2` in the next) is restored in the event that completes it.
//! Only the possible token prefix at a channel's end is held back; every other byte goes out
//! with the event it came in. When a channel ends (a finish reason, a block or item stop,
//! `[DONE]`, the end of the body), its held-back text is sent: inside the ending event when
//! that event carries the channel's text, otherwise in a small event of the same kind placed
//! just before it. Events are rewritten byte for byte outside the restored strings
//! (`body::Document`), so ids, usage and key order reach the client unchanged.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::fields::{self, DELTA_FIELDS, WHOLE_FIELDS};
use super::sse_split::{self, EventSplitter, Overflow};
use super::text_stream::TextStreamRestorer;
use super::token_map::TokenMap;
use crate::body::{BodyKind, Document, Edit};
use crate::config::JsonScanConfig;

/// One stream of text and how to send its held-back end on its own.
struct Channel {
    restorer: TextStreamRestorer,
    flush: Flush,
}

/// An event carrying only one channel's text: its `event:` name, and its data with the text
/// at `slot` (a JSON pointer).
struct Flush {
    event: Option<String>,
    data: Value,
    slot: &'static str,
}

/// Restores one SSE response body, chunk by chunk.
pub struct SseRestorer {
    map: Arc<TokenMap>,
    splitter: EventSplitter,
    channels: BTreeMap<String, Channel>,
    scan: JsonScanConfig,
    /// An event outgrew `sse_split::MAX_EVENT_BYTES`: the rest of the stream passes as it
    /// comes, tokens in place.
    overflowed: bool,
}

impl SseRestorer {
    pub fn new(map: Arc<TokenMap>) -> Self {
        let include = DELTA_FIELDS
            .iter()
            .chain(WHOLE_FIELDS)
            .map(|p| p.to_string())
            .collect();
        SseRestorer {
            map,
            splitter: EventSplitter::new(),
            channels: BTreeMap::new(),
            scan: JsonScanConfig {
                include,
                ..JsonScanConfig::default()
            },
            overflowed: false,
        }
    }

    /// The bytes to send for this network chunk: every event it completed, restored.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        if self.overflowed {
            return chunk.to_vec();
        }
        let mut out = Vec::with_capacity(chunk.len());
        match self.splitter.push(chunk) {
            Ok(events) => {
                for event in events {
                    self.event(&event, &mut out);
                }
            }
            Err(Overflow { events, tail }) => {
                for event in events {
                    self.event(&event, &mut out);
                }
                // What the channels held back goes out in events of their own, then the long
                // event as it came: the stream stays well-formed, its later tokens unrestored.
                self.flush_where(|_| true, &mut out);
                out.extend(tail);
                self.overflowed = true;
            }
        }
        out
    }

    /// Whether an event outgrew the limit, so restoring stopped for this stream.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The end of the body: a last event without its blank line, then every held-back end.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(rest) = self.splitter.finish() {
            self.event(&rest, &mut out);
        }
        self.flush_where(|_| true, &mut out);
        out
    }

    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) {
        let Some(data) = sse_split::data(event) else {
            out.extend_from_slice(event); // comments, retry hints
            return;
        };
        if data.trim() == "[DONE]" {
            self.flush_where(|_| true, out);
            out.extend_from_slice(event);
            return;
        }
        let Ok(value) = serde_json::from_str::<Value>(&data) else {
            out.extend_from_slice(event); // not JSON: nothing of ours can be in a known place
            return;
        };
        let Ok(doc) = Document::parse(data.as_bytes(), BodyKind::Json, &self.scan) else {
            out.extend_from_slice(event);
            return;
        };
        // Each field's channel (None for whole-text fields), worked out once per event.
        let channels: Vec<Option<(String, Flush)>> = doc
            .fields()
            .iter()
            .map(|f| channel_of(&f.pointer, &value))
            .collect();
        let ending = ending_channels(&value);
        // Channels that end here without text in this event are flushed just before it.
        let absent_ending = |key: &str| {
            ending.iter().any(|e| key.starts_with(e.as_str()))
                && !channels.iter().flatten().any(|(k, _)| k == key)
        };
        self.flush_where(absent_ending, out);
        let rewritten = self.rewrite(&doc, channels, &value, &ending);
        write_event(event, rewritten.as_deref().unwrap_or(&data), out);
    }

    /// The data with every token restored, or `None` when nothing changed.
    fn rewrite(
        &mut self,
        doc: &Document<'_>,
        channels: Vec<Option<(String, Flush)>>,
        value: &Value,
        ending: &[String],
    ) -> Option<String> {
        let mut edits = Vec::new();
        for ((i, field), channel) in doc.fields().iter().enumerate().zip(channels) {
            let replacement = match channel {
                Some((key, flush)) => {
                    let map = self.map.clone();
                    let context = fields::context_of(&field.pointer, value);
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
                None => self
                    .map
                    .restore_all_as(&field.text, fields::context_of(&field.pointer, value)),
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

    /// Sends the held-back end of every channel `which` selects, each as its own event.
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
            if let Some(name) = event {
                out.extend_from_slice(format!("event: {name}\n").as_bytes());
            }
            out.extend_from_slice(format!("data: {data}\n\n").as_bytes());
        }
    }
}

/// Prefixes of the channel keys that end with this event.
fn ending_channels(value: &Value) -> Vec<String> {
    let mut ending = Vec::new();
    if let Some(choices) = value.get("choices").and_then(Value::as_array) {
        for (p, choice) in choices.iter().enumerate() {
            if choice.get("finish_reason").is_some_and(|r| !r.is_null()) {
                ending.push(format!("c{}/", index_or(choice, p)));
            }
        }
    }
    match value.get("type").and_then(Value::as_str) {
        Some("content_block_stop") => ending.push(format!("b{}/", index_or(value, 0))),
        Some("message_stop") | Some("response.completed") | Some("response.incomplete") => {
            ending.push(String::new())
        }
        Some(t) if t.ends_with(".done") => ending.push(format!(
            "r{}/{}/",
            index_or_field(value, "output_index"),
            index_or_field(value, "content_index")
        )),
        _ => {}
    }
    ending
}

fn index_or(v: &Value, default: usize) -> u64 {
    v.get("index")
        .and_then(Value::as_u64)
        .unwrap_or(default as u64)
}

fn index_or_field(v: &Value, field: &str) -> u64 {
    v.get(field).and_then(Value::as_u64).unwrap_or(0)
}

/// The channel a delta field belongs to, with the template of a flush event for it; `None`
/// for whole-text fields.
fn channel_of(pointer: &str, value: &Value) -> Option<(String, Flush)> {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    let at = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok());
    match parts.as_slice() {
        ["choices", _, "delta", "content"] => {
            let choice = &value["choices"][at(1)?];
            let c = index_or(choice, at(1)?);
            let data = json!({"id": value["id"], "object": value["object"], "created": value["created"], "model": value["model"],
                "choices": [{"index": c, "delta": {"content": ""}, "finish_reason": null}]});
            Some((
                format!("c{c}/content"),
                Flush {
                    event: None,
                    data,
                    slot: "/choices/0/delta/content",
                },
            ))
        }
        ["choices", _, "delta", "tool_calls", _, "function", "arguments"] => {
            let choice = &value["choices"][at(1)?];
            let c = index_or(choice, at(1)?);
            let t = index_or(&choice["delta"]["tool_calls"][at(4)?], at(4)?);
            let data = json!({"id": value["id"], "object": value["object"], "created": value["created"], "model": value["model"],
                "choices": [{"index": c, "delta": {"tool_calls": [{"index": t, "function": {"arguments": ""}}]}, "finish_reason": null}]});
            Some((
                format!("c{c}/tool{t}"),
                Flush {
                    event: None,
                    data,
                    slot: "/choices/0/delta/tool_calls/0/function/arguments",
                },
            ))
        }
        ["delta", kind @ ("text" | "partial_json")] => {
            let b = index_or(value, 0);
            let delta_type = if *kind == "text" {
                "text_delta"
            } else {
                "input_json_delta"
            };
            let data = json!({"type": "content_block_delta", "index": b, "delta": {"type": delta_type, *kind: ""}});
            let slot = if *kind == "text" {
                "/delta/text"
            } else {
                "/delta/partial_json"
            };
            Some((
                format!("b{b}/{kind}"),
                Flush {
                    event: Some("content_block_delta".into()),
                    data,
                    slot,
                },
            ))
        }
        ["delta"]
            if value["type"]
                .as_str()
                .is_some_and(|t| t.ends_with(".delta")) =>
        {
            let (o, c) = (
                index_or_field(value, "output_index"),
                index_or_field(value, "content_index"),
            );
            let mut data = value.clone();
            data["delta"] = Value::String(String::new());
            let name = value["type"].as_str().map(str::to_string);
            Some((
                format!("r{o}/{c}/"),
                Flush {
                    event: name,
                    data,
                    slot: "/delta",
                },
            ))
        }
        _ => None,
    }
}

/// The event again, with its data replaced (other lines and the line endings kept).
fn write_event(event: &[u8], data: &str, out: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(event);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut wrote_data = false;
    for line in text.split_inclusive(['\n']) {
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare.starts_with("data:") {
            if !wrote_data {
                for part in data.split('\n') {
                    out.extend_from_slice(format!("data: {part}{newline}").as_bytes());
                }
                wrote_data = true;
            }
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests;
