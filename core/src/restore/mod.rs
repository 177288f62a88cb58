//! Putting real values back into responses: the pure part of the filter's response path.
//!
//! - `text`: restores known tokens in text that arrives piece by piece (a streamed delta),
//!   holding back only what could still become a token, so a token split across network
//!   chunks or across SSE events is restored exactly once and nothing else waits.
//! - `sse`: splits a `text/event-stream` body into whole events, carrying the incomplete
//!   tail from one network chunk to the next.
//! - `stream`: both together for OpenAI and Anthropic streams: one restorer per choice, tool
//!   call or content block, events rewritten in place.
//!
//! The filter knows every token it can restore before the response starts: the tokens it
//! minted for this request, and those found in the request's history (rehydrated in the same
//! request-phase callout). Restoring a stream therefore never waits on a callout.

pub mod sse;
pub mod stream;
pub mod text;

pub use sse::EventSplitter;
pub use stream::SseRestorer;
pub use text::{Context, StreamRestorer, TokenMap};
