//! veil-vault: the tokenization vault. Real values live only here, encrypted per tenant; the
//! filter sends values and gets tokens, and sends tokens back to get values its scope may see.
//!
//! Layers, each using only those below it:
//! - `app`: settings (dev mode or config file) → a running server; `main.rs` is its CLI.
//! - `serve`: the listener: TLS, client certificates, timeouts; `tls`: its certificates.
//! - `http`: routes, authentication, limits, metrics and audit around the vault.
//! - `vault`: tokenize, rehydrate, erase; the rules of determinism and scope.
//! - `mask`: the masking API's decisions (detect, say what needs tokens, put them in; find
//!   tokens, put granted values back), with the detection engine the filter runs.
//! - `auth`, `audit`, `metrics`, `config`: one job each.
//! - `keys`, `crypto`: key derivation and the primitives, each named for what it protects.
//! - `store`: the storage trait and its backends (embedded fjall, Redis, PostgreSQL,
//!   DynamoDB); `aws`: the signed JSON client DynamoDB is reached with.
//!
//! The token grammar itself lives in `veil_kinds::token`, shared with the Envoy filter.

pub mod app;
pub mod audit;
pub mod auth;
pub mod aws;
pub mod config;
pub mod crypto;
pub mod http;
pub mod keys;
pub mod mask;
pub mod metrics;
pub mod serve;
pub mod store;
pub mod tls;
pub mod vault;
