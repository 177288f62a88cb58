//! Veil's pure core: everything that decides what is sensitive and how a body is rewritten,
//! with no I/O, so it runs the same natively (CLI, vault, tests, benchmarks) and inside the
//! Envoy wasm filter.
//!
//! - `entity`: the kinds of data (Presidio's names).
//! - `detect`: the engine, candidates, context words, overlap rules, the `Recognizer` seam.
//! - `recognizers`: one file per kind of tier-1 entity.
//! - `validate`: checksums and structural validators.
//! - `config`: the one configuration schema, validated with errors that name the field;
//!   `gateway`: its part for the Envoy filter.
//! - `body`: JSON, form and text bodies: find the text fields, map offsets, rewrite spans.
//! - `token`: the token grammar (mint, recognise), shared by the vault and the filter.
//! - `providers`: the provider APIs (one file each): request structure, system instruction,
//!   how their streamed answers carry text.
//! - `restore`: putting values back into responses, whole or streamed (SSE, NDJSON, JSON
//!   arrays, AWS event streams), chunk by chunk.

pub mod body;
pub mod config;
pub mod detect;
pub mod providers;
pub mod recognizers;
pub mod restore;
pub mod validate;

pub use config::{ConfigError, NoGateway, VeilConfig};
pub use detect::{Detection, Engine};
