//! AWS Bedrock Converse (`/model/{id}/converse`) and ConverseStream (`…/converse-stream`).
//! InvokeModel bodies for Claude are Anthropic's (`anthropic`), their streams Anthropic
//! events wrapped in the event stream's `chunk` frames (`restore::framing::eventstream`).
//!
//! ConverseStream answers in `application/vnd.amazon.eventstream` frames whose `:event-type`
//! header names the event: `contentBlockDelta` carries a block's text or tool input (JSON
//! text), `contentBlockStop` ends a block, `messageStop` the message.
//!
//! A request signed with SigV4 covers the hash of its body: the gateway signs after Veil has
//! masked it (Envoy's `aws_request_signing` filter after Veil's, `envoy/bedrock.yaml`).

use serde_json::{json, Value};

use super::{index_field, Channel, Flush};

pub(crate) const CONVERSE_STRUCTURE: &[&str] = &[
    "/modelId",
    "/inferenceConfig",
    "/toolConfig",
    "/guardrailConfig",
    "/additionalModelRequestFields",
    "/additionalModelResponseFieldPaths",
    "/performanceConfig",
    "/messages/*/role",
    "/messages/*/content/*/image",
    "/messages/*/content/*/video",
    "/messages/*/content/*/document/format",
    "/messages/*/content/*/document/source",
    "/messages/*/content/*/toolUse/toolUseId",
    "/messages/*/content/*/toolUse/name",
    "/messages/*/content/*/toolResult/toolUseId",
    "/messages/*/content/*/toolResult/status",
    "/messages/*/content/*/toolResult/content/*/image",
    "/messages/*/content/*/toolResult/content/*/document/format",
    "/messages/*/content/*/toolResult/content/*/document/source",
    "/messages/*/content/*/cachePoint",
    "/messages/*/content/*/reasoningContent/reasoningText/signature",
    "/system/*/cachePoint",
];

pub(crate) const DELTA_FIELDS: &[&str] = &[
    "/delta/text",
    "/delta/toolUse/input",
    "/delta/reasoningContent/text",
];

pub(crate) const WHOLE_FIELDS: &[&str] = &[];

pub(crate) fn channel(parts: &[&str], event: Option<&str>, value: &Value) -> Option<Channel> {
    if event.is_some_and(|e| e != "contentBlockDelta") || value.get("contentBlockIndex").is_none() {
        return None;
    }
    let (kind, delta) = match parts {
        ["delta", "text"] => ("text", json!({"text": ""})),
        ["delta", "toolUse", "input"] => ("tool", json!({"toolUse": {"input": ""}})),
        ["delta", "reasoningContent", "text"] => {
            ("reasoning", json!({"reasoningContent": {"text": ""}}))
        }
        _ => return None,
    };
    let b = index_field(value, "contentBlockIndex", 0);
    let slot = match kind {
        "text" => "/delta/text",
        "tool" => "/delta/toolUse/input",
        _ => "/delta/reasoningContent/text",
    };
    Some(Channel {
        key: format!("k{b}/{kind}"),
        flush: Flush {
            event: Some("contentBlockDelta".into()),
            data: json!({"contentBlockIndex": b, "delta": delta}),
            slot,
        },
    })
}

/// A block ends with its `contentBlockStop`; everything with `messageStop`. The event stream
/// names the event in a header, so the payload alone does not say.
pub(crate) fn ending(event: Option<&str>, value: &Value, ending: &mut Vec<String>) {
    match event {
        Some("contentBlockStop") => {
            ending.push(format!("k{}/", index_field(value, "contentBlockIndex", 0)))
        }
        Some("messageStop") => ending.push(String::new()),
        _ => {}
    }
}
