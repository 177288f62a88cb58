//! The vault's operations, independent of HTTP: tokenize (deterministic, collision-safe),
//! rehydrate (scoped), erase. Everything here talks to storage through the `Store` trait
//! only, and to keys through `MasterKeys`, so it is tested in-process against every backend.
//!
//! Determinism: a value's token is minted from an HMAC of (scope, type, value) under the
//! tenant's token key, so every replica proposes the same token; the store's atomic insert
//! decides between racing writers, and the loser adopts the winner's token. When two different
//! values want one token, the later one mints the next attempt, so the outcome depends only on
//! the order the values first arrived in.
//!
//! Linkage: by default the scope is part of the derivation, so one value gets a different
//! token in each scope. Another user who sends the same value gets a token of their own and
//! no right to this scope's token (a guessing oracle otherwise: send candidates beside a
//! stolen token and see which is restored), and the provider cannot link one person across
//! the users of a tenant. A tenant may choose tenant-wide tokens (`Linkage::Tenant`) instead.
//! Either way a value's scope-independent key (`value_key`) is stored too, so erasing a value
//! reaches every scope's mapping of it.
//!
//! Crypto-shredding: with scope linkage every value is sealed under its scope's own key
//! (crypto.rs), kept in the key store (by default the mappings' store; another one to reach
//! backups, docs/vault.md). Erasing a scope destroys that key first, then the mappings: a copy
//! of the mappings taken before holds ciphertext nobody can open. Tenant-wide tokens are
//! shared by scopes, so they are sealed under the tenant's key and erased by value only.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use veil_kinds::kind::is_valid_custom_label;
use veil_kinds::token::Minter;
use veil_kinds::Entity;

use zeroize::Zeroizing;

use crate::crypto;
use crate::keys::{KeysUnavailable, MasterKeys, TenantKeys};
use crate::store::{IndexKey, Inserted, NewMapping, ScopeHash, Store, StoreError, Touch};

/// Attempts before minting gives up (reached only if a token space is full).
const MAX_ATTEMPTS: u32 = 64;

/// The entity kind for a label: a built-in name, or a custom `UPPER_SNAKE` one.
pub fn parse_entity(label: &str) -> Option<Entity> {
    Entity::builtin(label)
        .or_else(|| is_valid_custom_label(label).then(|| Entity::Custom(label.into())))
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The key provider (a KMS) could not give the tenant's keys; retryable.
    #[error(transparent)]
    Keys(#[from] KeysUnavailable),
    /// A stored value failed to decrypt (wrong key version, tampering).
    #[error("stored value {0} failed authentication")]
    Integrity(&'static str),
    /// Every attempt collided (a deliberately tiny token space, or a full one).
    #[error("no free token after {MAX_ATTEMPTS} attempts")]
    TokenSpaceExhausted,
}

/// What a token is derived from besides the value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Linkage {
    /// The tenant and the scope: unlinkable across scopes (the default).
    #[default]
    Scope,
    /// The tenant only: one token per value across every scope, so conversations of
    /// different users about one person share it (and the provider can link them).
    Tenant,
}

/// One value to tokenize. `entity` is a parsed label.
#[derive(Debug, Clone)]
pub struct Item {
    pub entity: Entity,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Unknown,
    Denied,
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unknown => "unknown",
            Status::Denied => "denied",
            Status::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rehydrated {
    pub token: String,
    pub entity: Option<String>,
    pub value: Option<String>,
    pub status: Status,
}

pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    })
}

pub struct Vault {
    store: Arc<dyn Store>,
    /// Where scope keys live: `store` unless configured apart.
    key_store: Arc<dyn Store>,
    keys: Arc<MasterKeys>,
    minter: Minter,
    clock: Clock,
}

impl Vault {
    pub fn new(store: Arc<dyn Store>, keys: Arc<MasterKeys>) -> Self {
        Vault {
            key_store: store.clone(),
            store,
            keys,
            minter: Minter::default(),
            clock: system_clock(),
        }
    }

    /// This vault with its scope keys in `key_store` rather than beside the mappings.
    pub fn with_key_store(mut self, key_store: Arc<dyn Store>) -> Self {
        self.key_store = key_store;
        self
    }

    /// The store scope keys live in.
    pub fn key_store(&self) -> &Arc<dyn Store> {
        &self.key_store
    }

    /// What a scope's key record holds.
    async fn scope_key(&self, tenant: &str, scope: &ScopeHash) -> Result<ScopeKey, VaultError> {
        let Some(blob) = self
            .key_store
            .key_get(tenant, &scope_key_name(scope))
            .await?
        else {
            return Ok(ScopeKey::None);
        };
        if blob == ERASED {
            return Ok(ScopeKey::Erased);
        }
        self.unwrap_scope_key(tenant, scope, &blob)
            .await
            .map(ScopeKey::Key)
    }

    async fn unwrap_scope_key(
        &self,
        tenant: &str,
        scope: &ScopeHash,
        blob: &[u8],
    ) -> Result<Zeroizing<[u8; 32]>, VaultError> {
        let version = crypto::scope_key_version(blob).ok_or(VaultError::Integrity("scope key"))?;
        let keys = self.keys_of(tenant, version).await?;
        crypto::unwrap_scope_key(&keys, tenant, scope, blob)
            .ok_or(VaultError::Integrity("scope key"))
    }

    /// A new key for a scope that has none (or whose erasure has just been completed); the
    /// first replica's record wins. `erased`: the record to replace is a tombstone.
    async fn new_scope_key(
        &self,
        tenant: &str,
        scope: &ScopeHash,
        erased: bool,
    ) -> Result<Zeroizing<[u8; 32]>, VaultError> {
        let name = scope_key_name(scope);
        if erased {
            self.key_store.key_delete(tenant, &name).await?;
        }
        let active = self.active_keys(tenant).await?;
        let wrapped = crypto::wrap_scope_key(&active, tenant, scope, &crypto::new_scope_key());
        let kept = self.key_store.key_put(tenant, &name, &wrapped).await?;
        if kept == ERASED {
            // Erased again meanwhile.
            return Err(VaultError::Store(StoreError::Unavailable(
                "the scope is being erased; retry".into(),
            )));
        }
        self.unwrap_scope_key(tenant, scope, &kept).await
    }

    /// A vault with another minter (tests shrink the token space) or clock (tests move time).
    pub fn with_parts(
        store: Arc<dyn Store>,
        keys: Arc<MasterKeys>,
        minter: Minter,
        clock: Clock,
    ) -> Self {
        Vault {
            key_store: store.clone(),
            store,
            keys,
            minter,
            clock,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn now(&self) -> u64 {
        (self.clock)()
    }

    /// The hashed form of a scope name (absent scope = the empty name).
    pub async fn scope_hash(&self, tenant: &str, scope: &str) -> Result<ScopeHash, VaultError> {
        let keys = self.lookup_keys(tenant).await?;
        Ok(crypto::scope_hash(&keys, scope))
    }

    /// The tenant's keys under `version`: from the master keys, or through the KMS (whose
    /// wrapped tenant keys are kept with the mappings: durable, backed up with them, and
    /// opened only by the KMS).
    async fn keys_of(&self, tenant: &str, version: u32) -> Result<Arc<TenantKeys>, VaultError> {
        self.keys
            .resolve(tenant, version, self.store.as_ref())
            .await?
            .ok_or(VaultError::Integrity("key version not configured"))
    }

    /// The keys lookups derive from (see keys.rs: they never change with a rotation).
    async fn lookup_keys(&self, tenant: &str) -> Result<Arc<TenantKeys>, VaultError> {
        self.keys_of(tenant, self.keys.lookup_version()).await
    }

    /// The keys new values are encrypted under.
    async fn active_keys(&self, tenant: &str) -> Result<Arc<TenantKeys>, VaultError> {
        self.keys_of(tenant, self.keys.active_version()).await
    }

    /// Tokens for `items`, in order. Same (type, value) in a scope (or, with tenant linkage,
    /// a tenant), same token, whichever replica answers; the scope is granted rehydration of
    /// every value it sends.
    pub async fn tokenize(
        &self,
        tenant: &str,
        scope: &str,
        linkage: Linkage,
        ttl: u64,
        items: &[Item],
    ) -> Result<Vec<String>, VaultError> {
        let lookup = self.lookup_keys(tenant).await?;
        let scope = crypto::scope_hash(&lookup, scope);
        let expires_at = self.now().saturating_add(ttl);
        let derived_in = match linkage {
            Linkage::Scope => Some(&scope),
            Linkage::Tenant => None,
        };

        // One slot per distinct (type, value); positions map back to it.
        let mut slots: Vec<(&Item, IndexKey)> = Vec::new();
        let mut slot_of: HashMap<IndexKey, usize> = HashMap::new();
        let positions: Vec<usize> = items
            .iter()
            .map(|item| {
                let ik = crypto::index_key(&lookup, derived_in, item.entity.as_str(), &item.value);
                *slot_of.entry(ik).or_insert_with(|| {
                    slots.push((item, ik));
                    slots.len() - 1
                })
            })
            .collect();

        // A scope whose key record is a tombstone was erased, perhaps only in part (an
        // erasure cut short, or a write that raced it sealed under the destroyed key): finish
        // the erasure before anything is looked up, then seal under a fresh key.
        let scope_key = match linkage {
            Linkage::Tenant => None,
            Linkage::Scope => match self.scope_key(tenant, &scope).await? {
                ScopeKey::Key(key) => Some(key),
                ScopeKey::None => None,
                ScopeKey::Erased => {
                    self.store.erase_scope(tenant, &scope).await?;
                    Some(self.new_scope_key(tenant, &scope, true).await?)
                }
            },
        };

        let keys: Vec<IndexKey> = slots.iter().map(|(_, ik)| *ik).collect();
        let found = self.store.find(tenant, &keys, &scope).await?;
        let mut tokens: Vec<Option<String>> = vec![None; slots.len()];
        let mut touches = Vec::new();
        // Refresh an expiry only when it would move by more than a tenth of the TTL, so a
        // value sent on every request does not cost a write on every request.
        let refresh_below = expires_at.saturating_sub(ttl / 10);
        for (slot, f) in found.into_iter().enumerate() {
            if let Some(f) = f {
                if !f.granted || f.expires_at < refresh_below {
                    touches.push(Touch {
                        token: f.token.clone(),
                        index_key: slots[slot].1,
                        scope,
                        expires_at,
                    });
                }
                tokens[slot] = Some(f.token);
            }
        }

        let active = self.active_keys(tenant).await?;
        let scope_key = match (linkage, scope_key, tokens.iter().any(Option::is_none)) {
            (_, Some(key), _) => Some(key),
            (Linkage::Scope, None, true) => Some(self.new_scope_key(tenant, &scope, false).await?),
            _ => None,
        };
        let mut pending: Vec<(usize, u32)> = (0..slots.len())
            .filter(|&s| tokens[s].is_none())
            .map(|s| (s, 0))
            .collect();
        while !pending.is_empty() {
            let new: Vec<NewMapping> = pending
                .iter()
                .map(|&(slot, attempt)| {
                    let (item, ik) = slots[slot];
                    let label = item.entity.as_str();
                    let seed = crypto::token_seed(&lookup, derived_in, label, &item.value);
                    let token = self.minter.mint(&item.entity, &item.value, &seed, attempt);
                    let (key_version, (nonce, ciphertext)) = match &scope_key {
                        Some(key) => (
                            active.version | crypto::SCOPE_SEALED,
                            crypto::seal_in_scope(
                                &active,
                                key,
                                &scope,
                                tenant,
                                label,
                                &token,
                                &item.value,
                            ),
                        ),
                        None => (
                            active.version,
                            crypto::seal(&active, tenant, label, &token, &item.value),
                        ),
                    };
                    NewMapping {
                        mapping: crate::store::Mapping {
                            token,
                            index_key: ik,
                            value_key: crypto::index_key(&lookup, None, label, &item.value),
                            entity: label.to_string(),
                            key_version,
                            nonce,
                            ciphertext,
                            expires_at,
                        },
                        scope,
                    }
                })
                .collect();
            let outcomes = self.store.insert(tenant, &new).await?;
            let mut retry = Vec::new();
            for ((&(slot, attempt), n), outcome) in pending.iter().zip(&new).zip(outcomes) {
                match outcome {
                    Inserted::Created => tokens[slot] = Some(n.mapping.token.clone()),
                    Inserted::AlreadyMapped(token) => {
                        // Another writer won the race for this value: adopt its token, and
                        // make sure this scope is granted too.
                        touches.push(Touch {
                            token: token.clone(),
                            index_key: slots[slot].1,
                            scope,
                            expires_at,
                        });
                        tokens[slot] = Some(token);
                    }
                    Inserted::TokenTaken if attempt + 1 < MAX_ATTEMPTS => {
                        retry.push((slot, attempt + 1))
                    }
                    Inserted::TokenTaken => return Err(VaultError::TokenSpaceExhausted),
                }
            }
            pending = retry;
        }
        if !touches.is_empty() {
            self.store.touch(tenant, &touches).await?;
        }
        Ok(positions
            .into_iter()
            .map(|slot| tokens[slot].clone().expect("every slot resolved"))
            .collect())
    }

    /// Values for `tokens`: only in their own tenant, and only for a scope that tokenized the
    /// value itself, unless `unmask` (the caller's role's rights in this tenant) names its type.
    pub async fn rehydrate(
        &self,
        tenant: &str,
        scope: &str,
        unmask: &BTreeSet<String>,
        tokens: &[String],
    ) -> Result<Vec<Rehydrated>, VaultError> {
        let scope = self.scope_hash(tenant, scope).await?;
        let stored = self.store.get(tenant, tokens, &scope).await?;
        let now = self.now();
        // The keys of the scopes that sealed what may be shown; one read per scope.
        let mut scope_keys: HashMap<ScopeHash, Option<Zeroizing<[u8; 32]>>> = HashMap::new();
        for s in stored.iter().flatten() {
            let m = &s.mapping;
            let shown = now < m.expires_at && (s.granted || unmask.contains(&m.entity));
            if shown && m.key_version & crypto::SCOPE_SEALED != 0 {
                let owner = crypto::sealing_scope(&m.ciphertext)
                    .ok_or(VaultError::Integrity("ciphertext"))?;
                if let Entry::Vacant(slot) = scope_keys.entry(owner) {
                    slot.insert(match self.scope_key(tenant, &owner).await? {
                        ScopeKey::Key(key) => Some(key),
                        ScopeKey::Erased => None,
                        // A sealed value whose scope never had a key record: the key store
                        // was lost or is not the one the value was sealed with.
                        ScopeKey::None => return Err(VaultError::Integrity("scope key missing")),
                    });
                }
            }
        }
        let mut out = Vec::with_capacity(tokens.len());
        for (token, s) in tokens.iter().zip(stored) {
            let Some(s) = s else {
                out.push(Rehydrated {
                    token: token.clone(),
                    entity: None,
                    value: None,
                    status: Status::Unknown,
                });
                continue;
            };
            let m = s.mapping;
            let mut status = if now >= m.expires_at {
                Status::Expired
            } else if s.granted || unmask.contains(&m.entity) {
                Status::Ok
            } else {
                Status::Denied
            };
            let value = match status {
                Status::Ok if m.key_version & crypto::SCOPE_SEALED != 0 => {
                    let owner = crypto::sealing_scope(&m.ciphertext)
                        .ok_or(VaultError::Integrity("ciphertext"))?;
                    let keys = self
                        .keys_of(tenant, m.key_version & !crypto::SCOPE_SEALED)
                        .await?;
                    match scope_keys.get(&owner).and_then(Option::as_ref) {
                        Some(key) => Some(
                            crypto::open_in_scope(
                                &keys,
                                key,
                                tenant,
                                &m.entity,
                                &m.token,
                                &m.nonce,
                                &m.ciphertext,
                            )
                            .ok_or(VaultError::Integrity("ciphertext"))?,
                        ),
                        // Its scope was erased: the value is gone with the key.
                        None => {
                            status = Status::Unknown;
                            None
                        }
                    }
                }
                Status::Ok => {
                    let keys = self.keys_of(tenant, m.key_version).await?;
                    Some(
                        crypto::open(&keys, tenant, &m.entity, &m.token, &m.nonce, &m.ciphertext)
                            .ok_or(VaultError::Integrity("ciphertext"))?,
                    )
                }
                _ => None,
            };
            let entity = (status != Status::Unknown).then_some(m.entity);
            out.push(Rehydrated {
                token: token.clone(),
                entity,
                value,
                status,
            });
        }
        Ok(out)
    }

    /// Removes every mapping of these values, in every scope (GDPR erasure by value).
    pub async fn erase_values(&self, tenant: &str, items: &[Item]) -> Result<u64, VaultError> {
        let lookup = self.lookup_keys(tenant).await?;
        let keys: Vec<IndexKey> = items
            .iter()
            .map(|i| crypto::index_key(&lookup, None, i.entity.as_str(), &i.value))
            .collect();
        Ok(self.store.erase_values(tenant, &keys).await?)
    }

    /// Removes everything this scope tokenized that no other scope holds (erasure by scope).
    pub async fn erase_scope(&self, tenant: &str, scope: &str) -> Result<u64, VaultError> {
        let scope = self.scope_hash(tenant, scope).await?;
        // The key first, replaced by a tombstone: should removing the mappings stop half way,
        // their values are already gone, and the scope's next tokenize (which reads the
        // tombstone) or a retry removes the rest.
        let name = scope_key_name(&scope);
        let mut destroyed = false;
        for _ in 0..4 {
            self.key_store.key_delete(tenant, &name).await?;
            // A tokenize may make a new key between the two; then round again.
            if self.key_store.key_put(tenant, &name, ERASED).await? == ERASED {
                destroyed = true;
                break;
            }
        }
        if !destroyed {
            return Err(VaultError::Store(StoreError::Unavailable(
                "the scope's key kept changing during erasure; retry".into(),
            )));
        }
        Ok(self.store.erase_scope(tenant, &scope).await?)
    }
}

/// A scope's key record: absent (the scope never sealed a value), a tombstone (erased), or
/// the key.
enum ScopeKey {
    None,
    Erased,
    Key(Zeroizing<[u8; 32]>),
}

/// The tombstone an erased scope's key is replaced with (a wrapped key is 64 bytes).
const ERASED: &[u8] = b"erased";

fn scope_key_name(scope: &ScopeHash) -> String {
    format!("scope:{}", hex::encode(scope))
}

/// Entity counts by label for audit events and metrics (custom kinds folded into `CUSTOM`
/// for metrics by the caller).
pub fn count_types<'a>(labels: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for l in labels {
        *counts.entry(l.to_string()).or_insert(0) += 1;
    }
    counts
}
