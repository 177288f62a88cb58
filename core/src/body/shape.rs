//! LLM API body shapes, and which of their fields are structure rather than content.
//!
//! Model names, roles, ids, tool schemas, sampling parameters and base64 media are never
//! personal data, and rewriting them would break the request; everything else (message text,
//! tool-call arguments, tool results, system prompts, documents given as text, file names,
//! `user` ids, metadata) is scanned. docs/filter.md lists the fields of each shape, and
//! `core/tests/shapes.rs` checks the list against this file.

use super::pointer::Pointer;
use std::sync::OnceLock;

/// The API a JSON body was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// OpenAI chat/completions or Anthropic messages: a top-level `messages` array.
    Chat,
    /// OpenAI Responses: top-level `input` and `model`.
    Responses,
    /// Any other JSON (or a non-JSON body).
    Generic,
}

const CHAT_STRUCTURE: &[&str] = &[
    "/model",
    "/seed",
    "/max_tokens",
    "/max_completion_tokens",
    "/logit_bias",
    "/temperature",
    "/top_p",
    "/top_k",
    "/tools",
    "/tool_choice",
    "/response_format",
    "/stream_options",
    "/service_tier",
    "/reasoning_effort",
    "/modalities",
    "/thinking",
    "/anthropic_version",
    "/stop_sequences",
    "/messages/*/role",
    "/messages/*/tool_call_id",
    "/messages/*/tool_calls/*/id",
    "/messages/*/tool_calls/*/type",
    "/messages/*/tool_calls/*/function/name",
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
    "/messages/*/content/*/image_url",
    "/messages/*/content/*/input_audio",
    "/messages/*/content/*/file/file_data",
    "/messages/*/content/*/file/file_id",
    "/messages/*/content/*/cache_control",
    "/messages/*/content/*/content/*/type",
    "/messages/*/content/*/content/*/source/type",
    "/messages/*/content/*/content/*/source/media_type",
    "/messages/*/content/*/content/*/source/url",
    "/system/*/type",
    "/system/*/cache_control",
];

/// Anthropic's `source.data`: base64 media (structure) unless the source's `type` is `text`
/// (a document given as plain text, which is scanned).
const SOURCE_DATA: &[&str] = &[
    "/messages/*/content/*/source/data",
    "/messages/*/content/*/content/*/source/data",
];

const RESPONSES_STRUCTURE: &[&str] = &[
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

impl Shape {
    /// Recognise a body by its top-level keys.
    pub(crate) fn from_top_level_keys(keys: &[String]) -> Shape {
        let has = |k: &str| keys.iter().any(|x| x == k);
        if has("messages") {
            Shape::Chat
        } else if has("input") && has("model") {
            Shape::Responses
        } else {
            Shape::Generic
        }
    }

    /// Pointer patterns of fields that are structure unless their sibling `type` is `text`.
    pub(crate) fn structure_unless_text(self) -> &'static [Pointer] {
        static CHAT: OnceLock<Vec<Pointer>> = OnceLock::new();
        match self {
            Shape::Chat => {
                CHAT.get_or_init(|| SOURCE_DATA.iter().map(|p| Pointer::parse(p)).collect())
            }
            Shape::Responses | Shape::Generic => &[],
        }
    }

    /// Pointer patterns of the shape's structural fields.
    /// Parsed once per process: every request body asks.
    pub(crate) fn structure(self) -> &'static [Pointer] {
        static CHAT: OnceLock<Vec<Pointer>> = OnceLock::new();
        static RESPONSES: OnceLock<Vec<Pointer>> = OnceLock::new();
        let parse = |list: &[&str]| list.iter().map(|p| Pointer::parse(p)).collect();
        match self {
            Shape::Chat => CHAT.get_or_init(|| parse(CHAT_STRUCTURE)),
            Shape::Responses => RESPONSES.get_or_init(|| parse(RESPONSES_STRUCTURE)),
            Shape::Generic => &[],
        }
    }
}
