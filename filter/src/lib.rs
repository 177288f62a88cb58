//! veil-filter: the Envoy HTTP filter. All decisions live in plain Rust modules tested
//! natively; `glue` (built for wasm32 only) is the thin proxy-wasm adapter that moves bytes
//! between Envoy and them.
//!
//! - `settings`: the plugin configuration, parsed and compiled once per VM.
//! - `request`: detect, decide per kind (tokenize, redact, block, allow), rewrite the body.
//! - `vault_call`: the tokenize callout's request and answer.
//! - `token_cache`: tokens the VM was recently given, keyed by a salted hash.
//! - `scan_cache`: findings in long fields the VM has scanned before (resent history).
//! - `response`: restore tokens in buffered JSON or streamed SSE responses.
//! - `reply`: the JSON errors the filter answers with (never a value).
//! - `metrics`: the counters Envoy shows in /stats.

pub mod config;
pub mod metrics;
pub mod reply;
pub mod request;
pub mod response;
pub mod scan_cache;
pub mod settings;
pub mod token_cache;
pub mod vault_call;

#[cfg(target_arch = "wasm32")]
mod glue;
