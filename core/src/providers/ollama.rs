//! Ollama's native API: `/api/chat` (messages, like OpenAI's, with base64 `images`) and
//! `/api/generate` (`prompt`, `system`). Answers stream as NDJSON unless the request says
//! `"stream": false`: each line carries a piece of the message's content (or `response`),
//! tool calls come whole with structured `arguments`, and the line with `"done": true` ends
//! the answer.

use serde_json::{json, Value};

use super::{Channel, Flush};

pub(crate) const CHAT_STRUCTURE: &[&str] = &[
    "/format",
    "/options",
    "/keep_alive",
    "/think",
    "/messages/*/images",
    "/messages/*/tool_name",
];

pub(crate) const GENERATE_STRUCTURE: &[&str] = &[
    "/model",
    "/images",
    "/format",
    "/options",
    "/keep_alive",
    "/context",
    "/template",
    "/think",
];

pub(crate) const DELTA_FIELDS: &[&str] = &[
    "/message/content",
    "/message/thinking",
    "/response",
    "/thinking",
];

pub(crate) const WHOLE_FIELDS: &[&str] = &["/message/tool_calls"];

pub(crate) fn channel(parts: &[&str], value: &Value) -> Option<Channel> {
    // Ollama's lines say whether they are the last; OpenAI Responses events also have a
    // `response`, but an object, and no `done`.
    if !value.get("done").is_some_and(Value::is_boolean) {
        return None;
    }
    let (key, mut data, slot) = match parts {
        ["message", field @ ("content" | "thinking")] => (
            format!("o/message/{field}"),
            json!({"message": {"role": "assistant", "content": ""}}),
            if *field == "content" {
                "/message/content"
            } else {
                "/message/thinking"
            },
        ),
        [field @ ("response" | "thinking")] => (
            format!("o/{field}"),
            json!({"response": ""}),
            if *field == "response" {
                "/response"
            } else {
                "/thinking"
            },
        ),
        _ => return None,
    };
    if let Some(v) = data.pointer_mut(slot) {
        *v = Value::String(String::new());
    } else if let Some(Value::Object(o)) = data.pointer_mut(slot.rsplit_once('/')?.0) {
        o.insert(
            slot.rsplit('/').next()?.to_string(),
            Value::String(String::new()),
        );
    }
    for field in ["model", "created_at"] {
        if let Some(v) = value.get(field) {
            data[field] = v.clone();
        }
    }
    data["done"] = Value::Bool(false);
    Some(Channel {
        key,
        flush: Flush {
            event: None,
            data,
            slot,
        },
    })
}

/// The line with `"done": true` ends every channel.
pub(crate) fn ending(value: &Value, ending: &mut Vec<String>) {
    if value.get("done") == Some(&Value::Bool(true)) {
        ending.push(String::new());
    }
}
