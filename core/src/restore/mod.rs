//! Putting real values back into responses: the pure part of the filter's response path.
//!
//! - `token_map`: the tokens a response may contain and their values, and the algorithm that
//!   finds them in text (`TokenMap`).
//! - `text_stream`: one text arriving piece by piece (a streamed delta): `TextStreamRestorer`
//!   holds back only what could still become a token, so a token split across network chunks
//!   or SSE events is restored exactly once and nothing else waits.
//! - `sse_split`: a `text/event-stream` body cut into whole events (`EventSplitter`), the
//!   incomplete tail carried from one network chunk to the next.
//! - `framing`: how a streamed answer is cut into records: SSE, NDJSON, a JSON array, AWS
//!   event stream; one file each.
//! - `stream`: a streamed answer of any provider (`StreamRestorer`): one text restorer per
//!   choice, tool call, content block or candidate part, records rewritten in place.
//! - `buffered`: a whole JSON or text answer (`restore_buffered`).
//! - `fields`: which answer fields hold JSON text; one rule for buffered and streamed.
//! - `url`: whether a token stands inside a URL, where it is not restored by default.
//!
//! `ResponseRestorer` picks among them by the answer's content type and the request's API. The filter knows every
//! token it can restore before the response starts (minted for this request, or found in its
//! history and rehydrated in the request phase), so restoring never waits on a callout.

mod buffered;
pub mod fields;
pub mod framing;
pub mod sse_split;
mod stream;
mod text_stream;
mod token_map;
mod url;

use std::sync::Arc;

use crate::providers::Answer;

pub use buffered::restore_buffered;
pub use sse_split::EventSplitter;
pub use stream::StreamRestorer;
pub use text_stream::TextStreamRestorer;
pub use token_map::{Context, TokenMap};

/// How one response is restored, from its content type and the request's API.
pub enum ResponseRestorer {
    /// A stream (SSE, NDJSON, AWS event stream, Gemini's JSON array): restored record by
    /// record, nothing held beyond a token prefix.
    Stream(Box<StreamRestorer>),
    /// JSON: buffered, every string restored.
    Json,
    /// Plain text: buffered, restored as text.
    Text,
    /// Nothing to restore (no tokens, an answer with no text of the prompt's) or not a type
    /// Veil restores.
    Pass,
}

impl ResponseRestorer {
    pub fn for_response(
        content_type: &str,
        answer: Answer,
        map: &Arc<TokenMap>,
    ) -> ResponseRestorer {
        if map.is_empty() || answer == Answer::Nothing {
            return ResponseRestorer::Pass;
        }
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let stream = |framing: Box<dyn framing::Framing>| {
            ResponseRestorer::Stream(Box::new(StreamRestorer::new(map.clone(), framing)))
        };
        match media.as_str() {
            "text/event-stream" => stream(Box::<framing::Sse>::default()),
            "application/x-ndjson" | "application/ndjson" => {
                stream(Box::<framing::Ndjson>::default())
            }
            "application/vnd.amazon.eventstream" => stream(Box::<framing::EventStream>::default()),
            "application/json" if answer == Answer::JsonArrayStream => {
                stream(Box::<framing::JsonArray>::default())
            }
            "application/json" => ResponseRestorer::Json,
            "text/plain" => ResponseRestorer::Text,
            _ => ResponseRestorer::Pass,
        }
    }
}
