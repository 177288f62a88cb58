//! OpenAI chat completions (also Azure OpenAI's deployments and `/openai/v1/` paths, and the
//! OpenAI-compatible routes of vLLM and Ollama), legacy completions and embeddings.
//!
//! Streams are SSE: each event's `choices[]` carries a content delta, tool-call argument
//! deltas (JSON text) or, for legacy completions, a text delta; a choice ends with its
//! `finish_reason`, the stream with `data: [DONE]`.

use serde_json::{json, Value};

use super::{at, index_or, Channel, Flush};

pub(crate) const CHAT_STRUCTURE: &[&str] = &[
    "/model",
    "/seed",
    "/max_tokens",
    "/max_completion_tokens",
    "/logit_bias",
    "/temperature",
    "/top_p",
    "/tools",
    "/tool_choice",
    "/response_format",
    "/stream_options",
    "/service_tier",
    "/reasoning_effort",
    "/modalities",
    "/messages/*/role",
    "/messages/*/tool_call_id",
    "/messages/*/tool_calls/*/id",
    "/messages/*/tool_calls/*/type",
    "/messages/*/tool_calls/*/function/name",
    "/messages/*/content/*/type",
    "/messages/*/content/*/image_url",
    "/messages/*/content/*/input_audio",
    "/messages/*/content/*/file/file_data",
    "/messages/*/content/*/file/file_id",
];

pub(crate) const COMPLETIONS_STRUCTURE: &[&str] = &[
    "/model",
    "/seed",
    "/max_tokens",
    "/logit_bias",
    "/temperature",
    "/top_p",
    "/stream_options",
];

pub(crate) const EMBEDDINGS_STRUCTURE: &[&str] = &[
    "/model",
    "/encoding_format",
    "/dimensions",
    "/truncate",
    "/options",
    "/keep_alive",
];

pub(crate) const DELTA_FIELDS: &[&str] = &[
    "/choices/*/delta/content",
    "/choices/*/delta/tool_calls/*/function/arguments",
    "/choices/*/text",
];

pub(crate) fn channel(parts: &[&str], value: &Value) -> Option<Channel> {
    let choice_at = |i: usize| -> Option<(&Value, u64)> {
        let choice = &value["choices"][at(parts, i)?];
        Some((choice, index_or(choice, at(parts, i)?)))
    };
    let chunk = |choice: Value| {
        json!({"id": value["id"], "object": value["object"], "created": value["created"],
            "model": value["model"], "choices": [choice]})
    };
    let (key, data, slot) = match parts {
        ["choices", _, "delta", "content"] => {
            let (_, c) = choice_at(1)?;
            (
                format!("c{c}/content"),
                chunk(json!({"index": c, "delta": {"content": ""}, "finish_reason": null})),
                "/choices/0/delta/content",
            )
        }
        ["choices", _, "delta", "tool_calls", _, "function", "arguments"] => {
            let (choice, c) = choice_at(1)?;
            let t = index_or(&choice["delta"]["tool_calls"][at(parts, 4)?], at(parts, 4)?);
            (
                format!("c{c}/tool{t}"),
                chunk(
                    json!({"index": c, "delta": {"tool_calls": [{"index": t, "function": {"arguments": ""}}]}, "finish_reason": null}),
                ),
                "/choices/0/delta/tool_calls/0/function/arguments",
            )
        }
        ["choices", _, "text"] => {
            let (_, c) = choice_at(1)?;
            (
                format!("c{c}/text"),
                chunk(json!({"index": c, "text": "", "finish_reason": null})),
                "/choices/0/text",
            )
        }
        _ => return None,
    };
    Some(Channel {
        key,
        flush: Flush {
            event: None,
            data,
            slot,
        },
    })
}

/// A choice ends with its finish reason.
pub(crate) fn ending(value: &Value, ending: &mut Vec<String>) {
    if let Some(choices) = value.get("choices").and_then(Value::as_array) {
        for (p, choice) in choices.iter().enumerate() {
            if choice.get("finish_reason").is_some_and(|r| !r.is_null()) {
                ending.push(format!("c{}/", index_or(choice, p)));
            }
        }
    }
}
