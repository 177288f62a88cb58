//! Storage behind one trait: the vault's logic (vault.rs) never knows which backend it runs
//! on, and one conformance suite (tests/store_conformance.rs) runs against all of them.
//!
//! - `embedded`: a fjall (LSM) directory, the default; durable on every acknowledged write.
//! - `redis`: for many replicas; Cluster-safe key layout (one hash tag per tenant), native TTL.
//! - `postgres`: for many replicas; migrations at start, TTL by expiry column and a sweeper.
//! - `dynamodb`: for many replicas on AWS; conditional single-item writes, native TTL.
//!
//! A store only ever sees ciphertext, HMAC index keys, tokens and hashed scopes: never a value.
//!
//! Expired mappings stay readable for `EXPIRED_GRACE_SECONDS` so that rehydration can answer
//! "expired" rather than "unknown"; after that they are removed (sweeper or native TTL).

pub mod dynamodb;
pub mod embedded;
pub mod postgres;
pub mod redis;

use async_trait::async_trait;

/// How long an expired mapping is kept (encrypted) so rehydration can say "expired".
pub const EXPIRED_GRACE_SECONDS: u64 = 24 * 3600;

/// HMAC-SHA-256 of a value (and, by default, its scope) under the tenant's index key: the
/// deterministic lookup.
pub type IndexKey = [u8; 32];
/// HMAC of a scope under the tenant's scope key: scopes are never stored in clear.
pub type ScopeHash = [u8; 16];

/// One token and the encrypted value it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub token: String,
    pub index_key: IndexKey,
    /// The value's key whatever the scope (equal to `index_key` for tenant-wide tokens):
    /// erasure by value finds every scope's mapping of a value by it.
    pub value_key: IndexKey,
    /// The entity label (`EMAIL_ADDRESS`).
    pub entity: String,
    /// Master-key version the value was encrypted under.
    pub key_version: u32,
    pub nonce: [u8; 12],
    pub ciphertext: Vec<u8>,
    /// Unix seconds.
    pub expires_at: u64,
}

/// What `find` knows about an index key that has a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub token: String,
    pub expires_at: u64,
    /// Whether the asking scope already holds a grant on this token.
    pub granted: bool,
}

/// A mapping to create, with the scope that asked for it.
#[derive(Debug, Clone)]
pub struct NewMapping {
    pub mapping: Mapping,
    pub scope: ScopeHash,
}

/// The outcome of creating one mapping; each is decided atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// The mapping is stored (durably, for stores that say so) and the scope granted.
    Created,
    /// Another writer stored this value first (same index key): its token wins, no write was
    /// made. Two replicas racing on one new value end up here, with one token.
    AlreadyMapped(String),
    /// The token is held by a different value: mint the next attempt.
    TokenTaken,
}

/// A refresh of an existing mapping: grant the scope, extend the expiry (never shortened).
#[derive(Debug, Clone)]
pub struct Touch {
    pub token: String,
    pub index_key: IndexKey,
    pub scope: ScopeHash,
    pub expires_at: u64,
}

/// A mapping read for rehydration, with whether the asking scope holds a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub mapping: Mapping,
    pub granted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend cannot be reached or failed; the request may be retried.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Stored data is unreadable (corrupt record); not retryable.
    #[error("storage corrupt: {0}")]
    Corrupt(String),
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A short name for logs and metrics (`embedded`, `redis`, `postgres`).
    fn kind(&self) -> &'static str;

    /// For each index key, its mapping's token if one exists (expired or not).
    async fn find(
        &self,
        tenant: &str,
        keys: &[IndexKey],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Found>>, StoreError>;

    /// Creates each mapping unless its index key or its token is already taken; the outcome
    /// of each item is decided atomically against concurrent writers on any replica.
    async fn insert(&self, tenant: &str, new: &[NewMapping]) -> Result<Vec<Inserted>, StoreError>;

    /// Grants scopes and extends expiries of existing mappings (missing ones are skipped).
    async fn touch(&self, tenant: &str, touches: &[Touch]) -> Result<(), StoreError>;

    /// The mappings of these tokens, if present.
    async fn get(
        &self,
        tenant: &str,
        tokens: &[String],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Stored>>, StoreError>;

    /// Removes every mapping of these value keys (whatever their scope); returns how many
    /// existed.
    async fn erase_values(&self, tenant: &str, keys: &[IndexKey]) -> Result<u64, StoreError>;

    /// Removes the scope's grants, and every mapping left with no grant; returns how many
    /// mappings were removed.
    async fn erase_scope(&self, tenant: &str, scope: &ScopeHash) -> Result<u64, StoreError>;

    /// Removes mappings that expired more than `EXPIRED_GRACE_SECONDS` before `now`.
    async fn sweep(&self, now: u64) -> Result<u64, StoreError>;

    /// Whether the backend answers (readiness).
    async fn ping(&self) -> Result<(), StoreError>;

    /// A key record (wrapped key material: a scope's data key), by tenant and name. Key
    /// records live in the key store, which may be another store than the mappings' (see
    /// docs/vault.md: erasure that reaches backups).
    async fn key_get(&self, tenant: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Stores `blob` unless a record of that name exists; returns the record kept (the first
    /// writer's), so racing replicas agree on one key.
    async fn key_put(&self, tenant: &str, name: &str, blob: &[u8]) -> Result<Vec<u8>, StoreError>;

    /// Destroys a key record; whether it existed.
    async fn key_delete(&self, tenant: &str, name: &str) -> Result<bool, StoreError>;
}
