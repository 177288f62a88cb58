//! Putting real values back into responses: the pure part of the filter's response path.
//!
//! - `token_map`: the tokens a response may contain and their values, and the algorithm that
//!   finds them in text (`TokenMap`).
//! - `text_stream`: one text arriving piece by piece (a streamed delta): `TextStreamRestorer`
//!   holds back only what could still become a token, so a token split across network chunks
//!   or SSE events is restored exactly once and nothing else waits.
//! - `sse_split`: a `text/event-stream` body cut into whole events (`EventSplitter`), the
//!   incomplete tail carried from one network chunk to the next.
//! - `sse`: an SSE answer of OpenAI or Anthropic (`SseRestorer`): one text restorer per
//!   choice, tool call or content block, events rewritten in place.
//! - `buffered`: a whole JSON or text answer (`restore_buffered`).
//! - `fields`: which answer fields carry text and which hold JSON text; one rule for both.
//! - `url`: whether a token stands inside a URL, where it is not restored by default.
//!
//! `ResponseRestorer` picks among them by the answer's content type. The filter knows every
//! token it can restore before the response starts (minted for this request, or found in its
//! history and rehydrated in the request phase), so restoring never waits on a callout.

mod buffered;
pub mod fields;
mod sse;
pub mod sse_split;
mod text_stream;
mod token_map;
mod url;

use std::sync::Arc;

pub use buffered::restore_buffered;
pub use sse::SseRestorer;
pub use sse_split::EventSplitter;
pub use text_stream::TextStreamRestorer;
pub use token_map::{Context, TokenMap};

/// How one response is restored, from its content type.
pub enum ResponseRestorer {
    /// `text/event-stream`: restored event by event, nothing held beyond a token prefix.
    Stream(Box<SseRestorer>),
    /// JSON: buffered, every string restored.
    Json,
    /// Plain text: buffered, restored as text.
    Text,
    /// Nothing to restore (no tokens) or not a type Veil restores.
    Pass,
}

impl ResponseRestorer {
    pub fn for_response(content_type: &str, map: &Arc<TokenMap>) -> ResponseRestorer {
        if map.is_empty() {
            return ResponseRestorer::Pass;
        }
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "text/event-stream" => {
                ResponseRestorer::Stream(Box::new(SseRestorer::new(map.clone())))
            }
            "application/json" => ResponseRestorer::Json,
            "text/plain" => ResponseRestorer::Text,
            _ => ResponseRestorer::Pass,
        }
    }
}
