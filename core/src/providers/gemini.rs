//! Google Gemini: the Generative Language API (`/v1beta/models/{m}:generateContent`) and
//! Vertex AI (`/v1/projects/…/models/{m}:streamGenerateContent`). The REST API takes field
//! names in camelCase or snake_case; both are listed.
//!
//! `streamGenerateContent` answers as SSE with `?alt=sse` (CRLF-delimited events), otherwise
//! as one JSON array whose elements arrive as the model writes. Each element (or event) is a
//! `GenerateContentResponse`: per candidate, parts with a piece of text, or a function call
//! given whole (`args`, structured JSON); a candidate ends with its `finishReason`.

use serde_json::{json, Value};

use super::{at, index_or, Channel, Flush};

pub(crate) const STRUCTURE: &[&str] = &[
    "/model",
    "/tools",
    "/toolConfig",
    "/tool_config",
    "/generationConfig",
    "/generation_config",
    "/safetySettings",
    "/safety_settings",
    "/cachedContent",
    "/cached_content",
    "/contents/*/role",
    "/contents/*/parts/*/inlineData",
    "/contents/*/parts/*/inline_data",
    "/contents/*/parts/*/fileData",
    "/contents/*/parts/*/file_data",
    "/contents/*/parts/*/functionCall/name",
    "/contents/*/parts/*/functionCall/id",
    "/contents/*/parts/*/function_call/name",
    "/contents/*/parts/*/function_call/id",
    "/contents/*/parts/*/functionResponse/name",
    "/contents/*/parts/*/functionResponse/id",
    "/contents/*/parts/*/function_response/name",
    "/contents/*/parts/*/function_response/id",
    "/contents/*/parts/*/thoughtSignature",
    "/contents/*/parts/*/thought_signature",
    "/systemInstruction/role",
    "/system_instruction/role",
];

pub(crate) const DELTA_FIELDS: &[&str] = &["/candidates/*/content/parts/*/text"];

pub(crate) const WHOLE_FIELDS: &[&str] = &["/candidates/*/content/parts/*/functionCall/args"];

/// Whether the answer to `path` is a streamed JSON array (`streamGenerateContent` without
/// `alt=sse`).
pub(crate) fn streams_json_array(path: &str) -> bool {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    path.ends_with(":streamGenerateContent") && !query.split('&').any(|p| p == "alt=sse")
}

pub(crate) fn channel(parts: &[&str], value: &Value) -> Option<Channel> {
    let ["candidates", _, "content", "parts", _, "text"] = parts else {
        return None;
    };
    let candidate = &value["candidates"][at(parts, 1)?];
    let c = index_or(candidate, at(parts, 1)?);
    let p = at(parts, 4)?;
    let part = &candidate["content"]["parts"][p];
    let thought = part["thought"] == true;
    let mut flush_part = json!({"text": ""});
    if thought {
        flush_part["thought"] = Value::Bool(true);
    }
    let mut data =
        json!({"candidates": [{"index": c, "content": {"role": "model", "parts": [flush_part]}}]});
    for field in ["modelVersion", "responseId"] {
        if let Some(v) = value.get(field) {
            data[field] = v.clone();
        }
    }
    Some(Channel {
        // Not the part's index: each chunk numbers its parts afresh, so a candidate's text
        // is one stream (its thoughts another) however the chunks split it into parts.
        key: format!("g{c}/{}", if thought { "thought" } else { "text" }),
        flush: Flush {
            event: None,
            data,
            slot: "/candidates/0/content/parts/0/text",
        },
    })
}

/// A candidate ends with its finish reason.
pub(crate) fn ending(value: &Value, ending: &mut Vec<String>) {
    if let Some(candidates) = value.get("candidates").and_then(Value::as_array) {
        for (p, candidate) in candidates.iter().enumerate() {
            if candidate.get("finishReason").is_some_and(|r| !r.is_null()) {
                ending.push(format!("g{}/", index_or(candidate, p)));
            }
        }
    }
}
