//! veil-filter: the Envoy HTTP filter. All decisions live in plain Rust modules tested
//! natively; `glue` (built for wasm32 only) is the thin proxy-wasm adapter that turns Envoy's
//! callbacks into events of an `Exchange` and its commands into host calls.
//!
//! - `config`: the plugin configuration's schema (the core's document and its `gateway`
//!   part); `settings`: that document parsed and compiled once per VM.
//! - `vm`: one VM's settings and caches; `exchange`: one HTTP exchange, the state machine
//!   that decides everything (the failure table is its tests).
//! - `request`: detect, decide per kind (tokenize, redact, block, allow), rewrite the body.
//! - `vault_call`: the callouts' requests and answers; `local_tokens`: tokens of a request
//!   without identity, minted for it alone.
//! - `token_cache`: tokens the VM was recently given, keyed by a salted hash.
//! - `scan_cache`: findings in long fields the VM has scanned before (resent history).
//! - `reply`: the JSON errors the filter answers with (never a value).
//! - `metrics`: the counters Envoy shows in /stats.
//!
//! Responses are restored by `veil_core::restore`.

pub mod config;
pub mod exchange;
pub mod local_tokens;
pub mod metrics;
pub mod reply;
pub mod request;
pub mod scan_cache;
pub mod settings;
pub mod token_cache;
pub mod vault_call;
pub mod vm;

#[cfg(target_arch = "wasm32")]
mod glue;
