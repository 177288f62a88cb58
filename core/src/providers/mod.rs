//! The provider APIs Veil knows, one file each: which request fields are structure (left
//! alone; everything else is scanned), where a system instruction goes, and how the API's
//! streamed answers carry text (the channels a stream restorer keeps, and when each ends).
//!
//! - `openai`: chat completions (also Azure OpenAI, vLLM and Ollama's OpenAI routes), legacy
//!   completions, embeddings.
//! - `responses`: OpenAI Responses.
//! - `anthropic`: Anthropic messages (also on Bedrock's InvokeModel).
//! - `gemini`: Google Gemini (Generative Language API and Vertex AI).
//! - `bedrock`: AWS Bedrock Converse and ConverseStream.
//! - `ollama`: Ollama's native `/api/chat` and `/api/generate`.
//!
//! How a stream is cut into events (SSE, NDJSON, a JSON array, AWS event stream) is not a
//! provider's business: `restore::framing` has one file per framing. docs/filter.md lists
//! each provider's paths and what is scanned and restored; `core/tests/shapes.rs` and the
//! end-to-end test `tests/tests/providers.rs` walk those tables.

pub mod anthropic;
pub mod bedrock;
pub mod gemini;
mod instruction;
pub mod ollama;
pub mod openai;
pub mod responses;

use std::sync::OnceLock;

use serde_json::Value;

use crate::body::Pointer;

pub use instruction::{instruct, PLACEHOLDER_INSTRUCTION};

/// The API a request was recognised as: by its path where the path says, else by the body's
/// top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// OpenAI chat completions, Azure OpenAI, and any `messages` body that is not Anthropic's.
    OpenAiChat,
    /// OpenAI legacy completions (`prompt`).
    Completions,
    /// Embeddings: the input is masked; the answer holds vectors, nothing to restore.
    Embeddings,
    /// OpenAI Responses.
    Responses,
    /// Anthropic messages.
    Anthropic,
    /// Gemini `generateContent` / `streamGenerateContent`.
    Gemini,
    /// Bedrock Converse / ConverseStream.
    BedrockConverse,
    /// Ollama `/api/chat`.
    OllamaChat,
    /// Ollama `/api/generate`.
    OllamaGenerate,
    /// Any other JSON (or a body that is not JSON): every string scanned.
    Generic,
}

/// How an answer is restored, beyond what its content type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// By content type: JSON and text buffered, streams by their framing.
    ByContentType,
    /// A JSON answer that is a stream: a JSON array whose elements arrive one by one
    /// (Gemini's `streamGenerateContent` without `alt=sse`).
    JsonArrayStream,
    /// Nothing in it comes from the prompt's text (embeddings): passed as it comes.
    Nothing,
}

impl Api {
    /// The API a request path names, if it names one. `path` may carry a query string.
    pub fn from_path(path: &str) -> Option<Api> {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = path.trim_end_matches('/');
        let last = path.rsplit('/').next().unwrap_or("");
        if let Some((_, method)) = last.split_once(':') {
            return matches!(method, "generateContent" | "streamGenerateContent")
                .then_some(Api::Gemini);
        }
        let api = match last {
            "completions" if path.ends_with("/chat/completions") => Api::OpenAiChat,
            "completions" => Api::Completions,
            "embeddings" | "embed" => Api::Embeddings,
            "responses" => Api::Responses,
            "messages" => Api::Anthropic,
            "converse" | "converse-stream" => Api::BedrockConverse,
            "chat" if path.ends_with("/api/chat") => Api::OllamaChat,
            "generate" if path.ends_with("/api/generate") => Api::OllamaGenerate,
            _ => return None,
        };
        Some(api)
    }

    /// The API for a request: its path if that names one, else the body's top-level keys.
    pub fn recognise(path: Option<&str>, keys: &[String]) -> Api {
        path.and_then(Api::from_path)
            .unwrap_or_else(|| Api::from_top_level_keys(keys))
    }

    /// Recognise a body by its top-level keys (a path Veil does not know).
    pub fn from_top_level_keys(keys: &[String]) -> Api {
        let has = |k: &str| keys.iter().any(|x| x == k);
        if has("messages") {
            if has("anthropic_version") || has("system") {
                Api::Anthropic
            } else {
                Api::OpenAiChat
            }
        } else if has("contents") {
            Api::Gemini
        } else if has("input") && has("model") {
            Api::Responses
        } else if has("prompt") && has("model") {
            Api::Completions
        } else {
            Api::Generic
        }
    }

    /// How this API's answer to `path` is restored.
    pub fn answer(self, path: &str) -> Answer {
        match self {
            Api::Embeddings => Answer::Nothing,
            Api::Gemini if gemini::streams_json_array(path) => Answer::JsonArrayStream,
            _ => Answer::ByContentType,
        }
    }

    /// Pointer patterns of the API's structural fields. Parsed once per process: every
    /// request body asks. OpenAI chat and Anthropic share one list (a body of either may come
    /// on a path Veil does not know, and neither's structure is the other's content).
    pub fn structure(self) -> &'static [Pointer] {
        static LISTS: OnceLock<Vec<Vec<Pointer>>> = OnceLock::new();
        let lists = LISTS.get_or_init(|| {
            let parse = |lists: &[&[&str]]| -> Vec<Pointer> {
                lists
                    .iter()
                    .flat_map(|l| l.iter())
                    .map(|p| Pointer::parse(p))
                    .collect()
            };
            let chat: &[&[&str]] = &[openai::CHAT_STRUCTURE, anthropic::STRUCTURE];
            vec![
                parse(chat),
                parse(&[openai::COMPLETIONS_STRUCTURE]),
                parse(&[openai::EMBEDDINGS_STRUCTURE]),
                parse(&[responses::STRUCTURE]),
                parse(&[gemini::STRUCTURE]),
                parse(&[bedrock::CONVERSE_STRUCTURE]),
                parse(&[chat[0], chat[1], ollama::CHAT_STRUCTURE]),
                parse(&[ollama::GENERATE_STRUCTURE]),
                Vec::new(),
            ]
        });
        let i = match self {
            Api::OpenAiChat | Api::Anthropic => 0,
            Api::Completions => 1,
            Api::Embeddings => 2,
            Api::Responses => 3,
            Api::Gemini => 4,
            Api::BedrockConverse => 5,
            Api::OllamaChat => 6,
            Api::OllamaGenerate => 7,
            Api::Generic => 8,
        };
        &lists[i]
    }

    /// Pointer patterns of fields that are structure unless their sibling `type` is `text`
    /// (Anthropic's `source.data`: base64 media, or a document given as plain text).
    pub fn structure_unless_text(self) -> &'static [Pointer] {
        static CHAT: OnceLock<Vec<Pointer>> = OnceLock::new();
        match self {
            Api::OpenAiChat | Api::Anthropic | Api::OllamaChat => CHAT.get_or_init(|| {
                anthropic::SOURCE_DATA
                    .iter()
                    .map(|p| Pointer::parse(p))
                    .collect()
            }),
            _ => &[],
        }
    }
}

/// One stream of text in a streamed answer (a choice's content, a tool call's arguments, a
/// content block, a Gemini candidate's part), named by `key`, and how to send its held-back
/// end on its own.
pub struct Channel {
    pub key: String,
    pub flush: Flush,
}

/// An event carrying only one channel's text: its event name (SSE `event:`, an AWS event
/// stream's `:event-type`), and its data with the text at `slot` (a JSON pointer).
pub struct Flush {
    pub event: Option<String>,
    pub data: Value,
    pub slot: &'static str,
}

/// Fields of stream events that carry text arriving piece by piece (each piece restored as
/// part of its channel).
pub fn delta_fields() -> impl Iterator<Item = &'static str> {
    [
        openai::DELTA_FIELDS,
        responses::DELTA_FIELDS,
        anthropic::DELTA_FIELDS,
        gemini::DELTA_FIELDS,
        bedrock::DELTA_FIELDS,
        ollama::DELTA_FIELDS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Fields of stream events that carry whole text or structured JSON (final events, function
/// calls given at once): restored at once.
pub fn whole_fields() -> impl Iterator<Item = &'static str> {
    [
        responses::WHOLE_FIELDS,
        anthropic::WHOLE_FIELDS,
        gemini::WHOLE_FIELDS,
        bedrock::WHOLE_FIELDS,
        ollama::WHOLE_FIELDS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// The channel a streamed field at `pointer` belongs to, or `None` for whole-text fields.
/// `event` is the event's name where the framing gives one.
pub fn channel_of(pointer: &str, event: Option<&str>, value: &Value) -> Option<Channel> {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    openai::channel(&parts, value)
        .or_else(|| responses::channel(&parts, value))
        .or_else(|| anthropic::channel(&parts, value))
        .or_else(|| gemini::channel(&parts, value))
        .or_else(|| bedrock::channel(&parts, event, value))
        .or_else(|| ollama::channel(&parts, value))
}

/// Prefixes of the channel keys that end with this event (`""`: every channel).
pub fn ending_channels(event: Option<&str>, value: &Value) -> Vec<String> {
    let mut ending = Vec::new();
    openai::ending(value, &mut ending);
    responses::ending(value, &mut ending);
    anthropic::ending(value, &mut ending);
    gemini::ending(value, &mut ending);
    bedrock::ending(event, value, &mut ending);
    ollama::ending(value, &mut ending);
    ending
}

/// `value`'s `index`, or `default` when it has none.
pub(crate) fn index_or(v: &Value, default: usize) -> u64 {
    index_field(v, "index", default)
}

pub(crate) fn index_field(v: &Value, field: &str, default: usize) -> u64 {
    v.get(field)
        .and_then(Value::as_u64)
        .unwrap_or(default as u64)
}

/// The `i`th path segment as an array index.
pub(crate) fn at(parts: &[&str], i: usize) -> Option<usize> {
    parts.get(i).and_then(|p| p.parse::<usize>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_api() {
        for (path, api) in [
            ("/v1/chat/completions", Api::OpenAiChat),
            (
                "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
                Api::OpenAiChat,
            ),
            ("/openai/v1/chat/completions", Api::OpenAiChat),
            ("/v1/completions", Api::Completions),
            ("/v1/embeddings", Api::Embeddings),
            ("/openai/deployments/ada/embeddings?api-version=1", Api::Embeddings),
            ("/api/embed", Api::Embeddings),
            ("/v1/responses", Api::Responses),
            ("/openai/v1/responses", Api::Responses),
            ("/v1/messages", Api::Anthropic),
            ("/v1beta/models/gemini-2.0-flash:generateContent", Api::Gemini),
            (
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
                Api::Gemini,
            ),
            (
                "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash:streamGenerateContent",
                Api::Gemini,
            ),
            ("/model/anthropic.claude-3-haiku-20240307-v1:0/converse", Api::BedrockConverse),
            ("/model/amazon.nova-lite-v1:0/converse-stream", Api::BedrockConverse),
            ("/api/chat", Api::OllamaChat),
            ("/api/generate", Api::OllamaGenerate),
        ] {
            assert_eq!(Api::from_path(path), Some(api), "{path}");
        }
        for path in [
            "/",
            "/v1/models",
            "/model/anthropic.claude-3-haiku-20240307-v1:0/invoke",
            "/v1beta/models/gemini:countTokens",
            "/chat",
        ] {
            assert_eq!(Api::from_path(path), None, "{path}");
        }
    }

    #[test]
    fn bodies_on_unknown_paths_are_recognised_by_their_keys() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let by = |k: &[&str]| Api::recognise(Some("/proxy"), &keys(k));
        assert_eq!(by(&["model", "messages"]), Api::OpenAiChat);
        assert_eq!(by(&["anthropic_version", "messages"]), Api::Anthropic);
        assert_eq!(by(&["contents"]), Api::Gemini);
        assert_eq!(by(&["model", "input"]), Api::Responses);
        assert_eq!(by(&["model", "prompt"]), Api::Completions);
        assert_eq!(by(&["customer"]), Api::Generic);
        // The path wins over the keys.
        assert_eq!(
            Api::recognise(Some("/v1/embeddings"), &keys(&["model", "input"])),
            Api::Embeddings
        );
    }

    #[test]
    fn gemini_streams_without_sse_are_json_arrays() {
        let p = "/v1beta/models/g:streamGenerateContent";
        assert_eq!(Api::Gemini.answer(p), Answer::JsonArrayStream);
        assert_eq!(
            Api::Gemini.answer(&format!("{p}?alt=sse")),
            Answer::ByContentType
        );
        assert_eq!(
            Api::Gemini.answer("/v1beta/models/g:generateContent"),
            Answer::ByContentType
        );
        assert_eq!(Api::Embeddings.answer("/v1/embeddings"), Answer::Nothing);
    }
}
