//! OpenAI Responses. Streams are SSE with typed events: `*.delta` events carry a piece of an
//! output item's text or arguments at `delta`, `*.done` events the whole of it, and
//! `response.completed` the whole response again.

use serde_json::Value;

use super::{index_field, Channel, Flush};

pub(crate) const STRUCTURE: &[&str] = &[
    "/model",
    "/max_output_tokens",
    "/temperature",
    "/top_p",
    "/tools",
    "/tool_choice",
    "/text",
    "/reasoning",
    "/include",
    "/previous_response_id",
    "/service_tier",
    "/truncation",
    "/prompt_cache_key",
    "/input/*/type",
    "/input/*/role",
    "/input/*/id",
    "/input/*/call_id",
    "/input/*/name",
    "/input/*/status",
    "/input/*/content/*/type",
    "/input/*/content/*/image_url",
    "/input/*/content/*/file_data",
    "/input/*/content/*/file_id",
    "/input/*/content/*/detail",
];

pub(crate) const DELTA_FIELDS: &[&str] = &["/delta"];

pub(crate) const WHOLE_FIELDS: &[&str] = &[
    "/text",
    "/arguments",
    "/part/text",
    "/item/content/*/text",
    "/item/arguments",
    "/response/output/*/content/*/text",
    "/response/output/*/arguments",
];

fn typed(value: &Value, suffix: &str) -> bool {
    value["type"]
        .as_str()
        .is_some_and(|t| t.starts_with("response.") && t.ends_with(suffix))
}

pub(crate) fn channel(parts: &[&str], value: &Value) -> Option<Channel> {
    if parts != ["delta"] || !typed(value, ".delta") {
        return None;
    }
    let (o, c) = (
        index_field(value, "output_index", 0),
        index_field(value, "content_index", 0),
    );
    let mut data = value.clone();
    data["delta"] = Value::String(String::new());
    Some(Channel {
        key: format!("r{o}/{c}/"),
        flush: Flush {
            event: value["type"].as_str().map(str::to_string),
            data,
            slot: "/delta",
        },
    })
}

/// An item's part ends with its `.done` event; everything with the response.
pub(crate) fn ending(value: &Value, ending: &mut Vec<String>) {
    match value.get("type").and_then(Value::as_str) {
        Some("response.completed") | Some("response.incomplete") => ending.push(String::new()),
        Some(t) if t.starts_with("response.") && t.ends_with(".done") => ending.push(format!(
            "r{}/{}/",
            index_field(value, "output_index", 0),
            index_field(value, "content_index", 0)
        )),
        _ => {}
    }
}
