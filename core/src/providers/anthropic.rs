//! Anthropic messages (also the bodies of Bedrock's InvokeModel for Claude). Streams are SSE
//! with typed events: `content_block_delta` carries a block's text or tool input (JSON text,
//! `partial_json`), `content_block_stop` ends a block, `message_stop` the message.

use serde_json::{json, Value};

use super::{index_or, Channel, Flush};

pub(crate) const STRUCTURE: &[&str] = &[
    "/model",
    "/max_tokens",
    "/top_k",
    "/thinking",
    "/anthropic_version",
    "/stop_sequences",
    "/tools",
    "/tool_choice",
    "/messages/*/role",
    "/messages/*/content/*/type",
    "/messages/*/content/*/id",
    "/messages/*/content/*/tool_use_id",
    "/messages/*/content/*/name",
    "/messages/*/content/*/source/type",
    "/messages/*/content/*/source/media_type",
    "/messages/*/content/*/source/url",
    "/messages/*/content/*/source/file_id",
    "/messages/*/content/*/source/content/*/type",
    "/messages/*/content/*/source/content/*/source",
    "/messages/*/content/*/cache_control",
    "/messages/*/content/*/content/*/type",
    "/messages/*/content/*/content/*/source/type",
    "/messages/*/content/*/content/*/source/media_type",
    "/messages/*/content/*/content/*/source/url",
    "/system/*/type",
    "/system/*/cache_control",
];

/// `source.data`: base64 media (structure) unless the source's `type` is `text` (a document
/// given as plain text, which is scanned).
pub(crate) const SOURCE_DATA: &[&str] = &[
    "/messages/*/content/*/source/data",
    "/messages/*/content/*/content/*/source/data",
];

pub(crate) const DELTA_FIELDS: &[&str] = &["/delta/text", "/delta/partial_json"];

pub(crate) const WHOLE_FIELDS: &[&str] = &["/content_block/text"];

pub(crate) fn channel(parts: &[&str], value: &Value) -> Option<Channel> {
    let ["delta", kind @ ("text" | "partial_json")] = parts else {
        return None;
    };
    if value["type"] != "content_block_delta" {
        return None;
    }
    let b = index_or(value, 0);
    let (delta_type, slot) = if *kind == "text" {
        ("text_delta", "/delta/text")
    } else {
        ("input_json_delta", "/delta/partial_json")
    };
    Some(Channel {
        key: format!("b{b}/{kind}"),
        flush: Flush {
            event: Some("content_block_delta".into()),
            data: json!({"type": "content_block_delta", "index": b, "delta": {"type": delta_type, *kind: ""}}),
            slot,
        },
    })
}

/// A block ends with its `content_block_stop`; everything with `message_stop`.
pub(crate) fn ending(value: &Value, ending: &mut Vec<String>) {
    match value.get("type").and_then(Value::as_str) {
        Some("content_block_stop") => ending.push(format!("b{}/", index_or(value, 0))),
        Some("message_stop") => ending.push(String::new()),
        _ => {}
    }
}
