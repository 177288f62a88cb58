//! The embedded store: one redb file. redb is a pure-Rust, ACID, copy-on-write B-tree store;
//! a commit returns only after its pages are fsynced, so an acknowledged write survives a
//! crash or `kill -9` (tests/durability.rs proves it with a real kill). Readers never block the
//! writer. SQLite would do the job too, but costs a C build in every wasm-free binary and a
//! SQL layer we would not use.
//!
//! Key layout (tenants cannot contain NUL, tokens neither):
//! - `mappings`: `tenant \0 token` → the encrypted record (JSON, base64 fields)
//! - `index`:    `tenant \0 index_key` → token
//! - `grants`:   `tenant \0 token \0 scope` → ()
//! - `scopes`:   `tenant \0 scope \0 token` → () (erasure by scope)
//! - `expiry`:   `expires_at (big-endian) tenant \0 token` → () (the sweeper's queue)

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use redb::{Database, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::{
    Found, IndexKey, Inserted, Mapping, NewMapping, ScopeHash, Store, StoreError, Stored, Touch,
    EXPIRED_GRACE_SECONDS,
};

type Table = TableDefinition<'static, &'static [u8], &'static [u8]>;
const MAPPINGS: Table = TableDefinition::new("mappings");
const INDEX: Table = TableDefinition::new("index");
const GRANTS: Table = TableDefinition::new("grants");
const SCOPES: Table = TableDefinition::new("scopes");
const EXPIRY: Table = TableDefinition::new("expiry");

pub struct EmbeddedStore {
    db: Arc<Database>,
}

impl EmbeddedStore {
    /// Opens (or creates) the store file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::create(path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        let txn = db.begin_write().map_err(unavailable)?;
        for table in [MAPPINGS, INDEX, GRANTS, SCOPES, EXPIRY] {
            txn.open_table(table).map_err(unavailable)?;
        }
        txn.commit().map_err(unavailable)?;
        Ok(EmbeddedStore { db: Arc::new(db) })
    }

    /// Runs blocking redb work off the async runtime.
    async fn blocking<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?
    }
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn key(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&0u8)
}

/// The on-disk form of a mapping (the token is in the key).
#[derive(Serialize, Deserialize)]
struct Record {
    entity: String,
    key_version: u32,
    nonce: String,
    ciphertext: String,
    index_key: String,
    expires_at: u64,
}

fn encode(m: &Mapping) -> Vec<u8> {
    let record = Record {
        entity: m.entity.clone(),
        key_version: m.key_version,
        nonce: B64.encode(m.nonce),
        ciphertext: B64.encode(&m.ciphertext),
        index_key: B64.encode(m.index_key),
        expires_at: m.expires_at,
    };
    serde_json::to_vec(&record).expect("a record always serializes")
}

fn decode(token: &str, bytes: &[u8]) -> Result<Mapping, StoreError> {
    let corrupt = || StoreError::Corrupt("unreadable mapping record".into());
    let r: Record = serde_json::from_slice(bytes).map_err(|_| corrupt())?;
    let fixed = |s: &str| B64.decode(s).map_err(|_| corrupt());
    Ok(Mapping {
        token: token.to_string(),
        index_key: fixed(&r.index_key)?.try_into().map_err(|_| corrupt())?,
        entity: r.entity,
        key_version: r.key_version,
        nonce: fixed(&r.nonce)?.try_into().map_err(|_| corrupt())?,
        ciphertext: fixed(&r.ciphertext)?,
        expires_at: r.expires_at,
    })
}

fn expiry_key(expires_at: u64, tenant: &str, token: &str) -> Vec<u8> {
    let mut k = expires_at.to_be_bytes().to_vec();
    k.extend(key(&[tenant.as_bytes(), token.as_bytes()]));
    k
}

fn grant(
    txn: &WriteTransaction,
    tenant: &str,
    token: &str,
    scope: &ScopeHash,
) -> Result<(), StoreError> {
    let t = tenant.as_bytes();
    txn.open_table(GRANTS)
        .map_err(unavailable)?
        .insert(key(&[t, token.as_bytes(), scope]).as_slice(), [].as_slice())
        .map_err(unavailable)?;
    txn.open_table(SCOPES)
        .map_err(unavailable)?
        .insert(key(&[t, scope, token.as_bytes()]).as_slice(), [].as_slice())
        .map_err(unavailable)?;
    Ok(())
}

/// Removes a mapping, its index entry and all its grants; returns whether it existed.
fn remove_mapping(txn: &WriteTransaction, tenant: &str, token: &str) -> Result<bool, StoreError> {
    let t = tenant.as_bytes();
    let mut mappings = txn.open_table(MAPPINGS).map_err(unavailable)?;
    let Some(bytes) = mappings
        .remove(key(&[t, token.as_bytes()]).as_slice())
        .map_err(unavailable)?
        .map(|g| g.value().to_vec())
    else {
        return Ok(false);
    };
    let m = decode(token, &bytes)?;
    txn.open_table(INDEX)
        .map_err(unavailable)?
        .remove(key(&[t, &m.index_key]).as_slice())
        .map_err(unavailable)?;
    txn.open_table(EXPIRY)
        .map_err(unavailable)?
        .remove(expiry_key(m.expires_at, tenant, token).as_slice())
        .map_err(unavailable)?;
    let prefix = key(&[t, token.as_bytes(), b""]);
    let mut grants = txn.open_table(GRANTS).map_err(unavailable)?;
    let scopes: Vec<Vec<u8>> = grants
        .range(prefix.as_slice()..)
        .map_err(unavailable)?
        .map_while(|e| e.ok().map(|(k, _)| k.value().to_vec()))
        .take_while(|k| k.starts_with(&prefix))
        .collect();
    let mut scope_table = txn.open_table(SCOPES).map_err(unavailable)?;
    for k in scopes {
        grants.remove(k.as_slice()).map_err(unavailable)?;
        let scope = &k[prefix.len()..];
        scope_table
            .remove(key(&[t, scope, token.as_bytes()]).as_slice())
            .map_err(unavailable)?;
    }
    Ok(true)
}

#[async_trait]
impl Store for EmbeddedStore {
    fn kind(&self) -> &'static str {
        "embedded"
    }

    async fn find(
        &self,
        tenant: &str,
        keys: &[IndexKey],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Found>>, StoreError> {
        let (tenant, keys, scope) = (tenant.to_string(), keys.to_vec(), *scope);
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let index = txn.open_table(INDEX).map_err(unavailable)?;
            let mappings = txn.open_table(MAPPINGS).map_err(unavailable)?;
            let grants = txn.open_table(GRANTS).map_err(unavailable)?;
            let t = tenant.as_bytes();
            keys.iter()
                .map(|ik| {
                    let Some(token) = index.get(key(&[t, ik]).as_slice()).map_err(unavailable)?
                    else {
                        return Ok(None);
                    };
                    let token = String::from_utf8_lossy(token.value()).into_owned();
                    let Some(bytes) = mappings
                        .get(key(&[t, token.as_bytes()]).as_slice())
                        .map_err(unavailable)?
                    else {
                        return Ok(None);
                    };
                    let m = decode(&token, bytes.value())?;
                    let granted = grants
                        .get(key(&[t, token.as_bytes(), &scope]).as_slice())
                        .map_err(unavailable)?
                        .is_some();
                    Ok(Some(Found {
                        token,
                        expires_at: m.expires_at,
                        granted,
                    }))
                })
                .collect()
        })
        .await
    }

    async fn insert(&self, tenant: &str, new: &[NewMapping]) -> Result<Vec<Inserted>, StoreError> {
        let (tenant, new) = (tenant.to_string(), new.to_vec());
        self.blocking(move |db| {
            let t = tenant.as_bytes();
            let txn = db.begin_write().map_err(unavailable)?;
            let mut out = Vec::with_capacity(new.len());
            for n in &new {
                let m = &n.mapping;
                let index_key = key(&[t, &m.index_key]);
                let mapping_key = key(&[t, m.token.as_bytes()]);
                {
                    let mut index = txn.open_table(INDEX).map_err(unavailable)?;
                    if let Some(existing) = index.get(index_key.as_slice()).map_err(unavailable)? {
                        out.push(Inserted::AlreadyMapped(
                            String::from_utf8_lossy(existing.value()).into_owned(),
                        ));
                        continue;
                    }
                    let mut mappings = txn.open_table(MAPPINGS).map_err(unavailable)?;
                    if mappings
                        .get(mapping_key.as_slice())
                        .map_err(unavailable)?
                        .is_some()
                    {
                        out.push(Inserted::TokenTaken);
                        continue;
                    }
                    mappings
                        .insert(mapping_key.as_slice(), encode(m).as_slice())
                        .map_err(unavailable)?;
                    index
                        .insert(index_key.as_slice(), m.token.as_bytes())
                        .map_err(unavailable)?;
                    txn.open_table(EXPIRY)
                        .map_err(unavailable)?
                        .insert(
                            expiry_key(m.expires_at, &tenant, &m.token).as_slice(),
                            [].as_slice(),
                        )
                        .map_err(unavailable)?;
                }
                grant(&txn, &tenant, &m.token, &n.scope)?;
                out.push(Inserted::Created);
            }
            txn.commit().map_err(unavailable)?;
            Ok(out)
        })
        .await
    }

    async fn touch(&self, tenant: &str, touches: &[Touch]) -> Result<(), StoreError> {
        let (tenant, touches) = (tenant.to_string(), touches.to_vec());
        self.blocking(move |db| {
            let t = tenant.as_bytes();
            let txn = db.begin_write().map_err(unavailable)?;
            for touch in &touches {
                let mapping_key = key(&[t, touch.token.as_bytes()]);
                let current = {
                    let mappings = txn.open_table(MAPPINGS).map_err(unavailable)?;
                    let found = mappings.get(mapping_key.as_slice()).map_err(unavailable)?;
                    match found {
                        Some(bytes) => decode(&touch.token, bytes.value())?,
                        None => continue,
                    }
                };
                if touch.expires_at > current.expires_at {
                    let updated = Mapping {
                        expires_at: touch.expires_at,
                        ..current.clone()
                    };
                    txn.open_table(MAPPINGS)
                        .map_err(unavailable)?
                        .insert(mapping_key.as_slice(), encode(&updated).as_slice())
                        .map_err(unavailable)?;
                    let mut expiry = txn.open_table(EXPIRY).map_err(unavailable)?;
                    expiry
                        .remove(expiry_key(current.expires_at, &tenant, &touch.token).as_slice())
                        .map_err(unavailable)?;
                    expiry
                        .insert(
                            expiry_key(touch.expires_at, &tenant, &touch.token).as_slice(),
                            [].as_slice(),
                        )
                        .map_err(unavailable)?;
                }
                grant(&txn, &tenant, &touch.token, &touch.scope)?;
            }
            txn.commit().map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn get(
        &self,
        tenant: &str,
        tokens: &[String],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Stored>>, StoreError> {
        let (tenant, tokens, scope) = (tenant.to_string(), tokens.to_vec(), *scope);
        self.blocking(move |db| {
            let t = tenant.as_bytes();
            let txn = db.begin_read().map_err(unavailable)?;
            let mappings = txn.open_table(MAPPINGS).map_err(unavailable)?;
            let grants = txn.open_table(GRANTS).map_err(unavailable)?;
            tokens
                .iter()
                .map(|token| {
                    let Some(bytes) = mappings
                        .get(key(&[t, token.as_bytes()]).as_slice())
                        .map_err(unavailable)?
                    else {
                        return Ok(None);
                    };
                    let mapping = decode(token, bytes.value())?;
                    let granted = grants
                        .get(key(&[t, token.as_bytes(), &scope]).as_slice())
                        .map_err(unavailable)?
                        .is_some();
                    Ok(Some(Stored { mapping, granted }))
                })
                .collect()
        })
        .await
    }

    async fn erase_values(&self, tenant: &str, keys: &[IndexKey]) -> Result<u64, StoreError> {
        let (tenant, keys) = (tenant.to_string(), keys.to_vec());
        self.blocking(move |db| {
            let t = tenant.as_bytes();
            let txn = db.begin_write().map_err(unavailable)?;
            let mut removed = 0;
            for ik in &keys {
                let token = {
                    let index = txn.open_table(INDEX).map_err(unavailable)?;
                    let found = index.get(key(&[t, ik]).as_slice()).map_err(unavailable)?;
                    found.map(|g| String::from_utf8_lossy(g.value()).into_owned())
                };
                if let Some(token) = token {
                    if remove_mapping(&txn, &tenant, &token)? {
                        removed += 1;
                    }
                }
            }
            txn.commit().map_err(unavailable)?;
            Ok(removed)
        })
        .await
    }

    async fn erase_scope(&self, tenant: &str, scope: &ScopeHash) -> Result<u64, StoreError> {
        let (tenant, scope) = (tenant.to_string(), *scope);
        self.blocking(move |db| {
            let t = tenant.as_bytes();
            let txn = db.begin_write().map_err(unavailable)?;
            let prefix = key(&[t, &scope, b""]);
            let tokens: Vec<Vec<u8>> = {
                let scopes = txn.open_table(SCOPES).map_err(unavailable)?;
                let range = scopes.range(prefix.as_slice()..).map_err(unavailable)?;
                range
                    .map_while(|e| e.ok().map(|(k, _)| k.value().to_vec()))
                    .take_while(|k| k.starts_with(&prefix))
                    .map(|k| k[prefix.len()..].to_vec())
                    .collect()
            };
            let mut removed = 0;
            for token in tokens {
                let token = String::from_utf8_lossy(&token).into_owned();
                txn.open_table(SCOPES)
                    .map_err(unavailable)?
                    .remove(key(&[t, &scope, token.as_bytes()]).as_slice())
                    .map_err(unavailable)?;
                let mut grants = txn.open_table(GRANTS).map_err(unavailable)?;
                grants
                    .remove(key(&[t, token.as_bytes(), &scope]).as_slice())
                    .map_err(unavailable)?;
                let others = key(&[t, token.as_bytes(), b""]);
                let still_granted = grants
                    .range(others.as_slice()..)
                    .map_err(unavailable)?
                    .next()
                    .transpose()
                    .map_err(unavailable)?
                    .is_some_and(|(k, _)| k.value().starts_with(&others));
                drop(grants);
                if !still_granted && remove_mapping(&txn, &tenant, &token)? {
                    removed += 1;
                }
            }
            txn.commit().map_err(unavailable)?;
            Ok(removed)
        })
        .await
    }

    async fn sweep(&self, now: u64) -> Result<u64, StoreError> {
        let cutoff = now.saturating_sub(EXPIRED_GRACE_SECONDS);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let due: Vec<Vec<u8>> = {
                let expiry = txn.open_table(EXPIRY).map_err(unavailable)?;
                let end = cutoff.to_be_bytes();
                let range = expiry.range(..end.as_slice()).map_err(unavailable)?;
                range
                    .map_while(|e| e.ok().map(|(k, _)| k.value().to_vec()))
                    .collect()
            };
            let mut removed = 0;
            for k in due {
                let rest = &k[8..];
                let Some(split) = rest.iter().position(|&b| b == 0) else {
                    continue;
                };
                let tenant = String::from_utf8_lossy(&rest[..split]).into_owned();
                let token = String::from_utf8_lossy(&rest[split + 1..]).into_owned();
                if remove_mapping(&txn, &tenant, &token)? {
                    removed += 1;
                }
                txn.open_table(EXPIRY)
                    .map_err(unavailable)?
                    .remove(k.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)?;
            Ok(removed)
        })
        .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.blocking(|db| db.begin_read().map(|_| ()).map_err(unavailable))
            .await
    }
}
