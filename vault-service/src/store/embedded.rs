//! The embedded store: a fjall keyspace (a log-structured merge tree) in one directory.
//!
//! Why an LSM tree: every write is an append to one journal, and a commit is one `fdatasync`
//! of that append (about 0.2 ms here), whatever the size of the store. Our first version used
//! redb, a copy-on-write B-tree: random keys (HMACs, tokens) copy a leaf page per key and
//! table, and at 40,000 mappings one commit of 100 new values took 20 ms (5,000 values/s)
//! and a single value 2 ms. SQLite has the same page-write cost and adds a C build.
//!
//! Group commit: every write runs on one writer thread, in arrival order, so each
//! check-then-insert is atomic. The writer applies all the writes waiting in its queue, then
//! `fdatasync`s the journal once for the whole group and only then answers them: under load
//! one fsync serves many requests, and no write is acknowledged before it is on disk. fjall
//! replays the journal after a crash (tests/durability.rs kills the process with SIGKILL
//! mid-stream). Readers never take the writer's turn, but a read waits until everything
//! applied before it is durable, so no answer rests on a write a crash could still lose.
//! A lock file keeps a second process from opening the same directory.
//!
//! Key layout (tenants and tokens contain no NUL):
//! - `mappings`: `tenant \0 token` → the encrypted record (JSON, base64 fields)
//! - `index`:    `tenant \0 index_key` → token
//! - `grants`:   `tenant \0 token \0 scope` → ()
//! - `scopes`:   `tenant \0 scope \0 token` → () (erasure by scope)
//! - `values`:   `tenant \0 value_key \0 token` → () (erasure by value, every scope's mapping)
//! - `expiry`:   `expires_at (big-endian) tenant \0 token` → () (the sweeper's queue)
//! - `keys`:     `tenant \0 name` → a key record (when this store is the key store)

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use fjall::{Batch, Config, Keyspace, PartitionCreateOptions, PartitionHandle, PersistMode};
use serde::{Deserialize, Serialize};

use super::{
    Found, IndexKey, Inserted, Mapping, NewMapping, ScopeHash, Store, StoreError, Stored, Touch,
    EXPIRED_GRACE_SECONDS,
};

pub struct EmbeddedStore {
    inner: Arc<Inner>,
    queue: Arc<Queue>,
}

/// Writes waiting for the writer thread; `closed` when the store is dropped.
#[derive(Default)]
struct Queue {
    jobs: Mutex<(Vec<Job>, bool)>,
    ready: Condvar,
}

struct Inner {
    keyspace: Keyspace,
    mappings: PartitionHandle,
    index: PartitionHandle,
    grants: PartitionHandle,
    scopes: PartitionHandle,
    values: PartitionHandle,
    expiry: PartitionHandle,
    keys: PartitionHandle,
    progress: Mutex<Progress>,
    synced: Condvar,
    /// Held for the life of the store: one process per directory.
    _lock: File,
}

/// Group numbers: a read waits until every group that had started when it began is on disk.
#[derive(Default)]
struct Progress {
    /// The latest group the writer has started applying.
    started: u64,
    /// The latest group on disk.
    durable: u64,
    /// An fsync failed: fjall refuses further writes, and reads cannot be vouched for.
    failed: bool,
}

/// A write: applies itself (committing without fsync) and returns how to answer once the
/// group's fsync has succeeded or failed.
type Job = Box<dyn FnOnce(&Inner) -> Reply + Send>;
type Reply = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("embedded store: {e}"))
}

impl EmbeddedStore {
    /// Opens (or creates) the store in directory `path` and starts its writer thread.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(path)
            .map_err(|e| unavailable(format!("cannot create {}: {e}", path.display())))?;
        let lock = File::create(path.join("veil.lock")).map_err(unavailable)?;
        lock.try_lock().map_err(|_| {
            StoreError::Unavailable(format!(
                "the store at {} is in use by another process",
                path.display()
            ))
        })?;
        let keyspace = Config::new(path.join("data")).open().map_err(unavailable)?;
        let open = |name: &str| {
            keyspace
                .open_partition(name, PartitionCreateOptions::default())
                .map_err(unavailable)
        };
        let inner = Arc::new(Inner {
            mappings: open("mappings")?,
            index: open("index")?,
            grants: open("grants")?,
            scopes: open("scopes")?,
            values: open("values")?,
            expiry: open("expiry")?,
            keys: open("keys")?,
            keyspace,
            progress: Mutex::new(Progress::default()),
            synced: Condvar::new(),
            _lock: lock,
        });
        // The writer holds the store only while it writes, so dropping the store closes it
        // (and releases the directory) at once.
        let queue = Arc::new(Queue::default());
        let (weak, writer_queue) = (Arc::downgrade(&inner), queue.clone());
        std::thread::Builder::new()
            .name("veil-store-writer".into())
            .spawn(move || write_forever(&writer_queue, &weak))
            .map_err(unavailable)?;
        Ok(EmbeddedStore { inner, queue })
    }

    /// Runs a read off the async runtime; it returns once what it saw is durable.
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let result = work(&inner)?;
            // Any write the read saw had started by now: wait until it is on disk.
            let started = inner
                .progress
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .started;
            inner.wait_durable(started)?;
            Ok(result)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?
    }

    /// Queues a write for the writer thread; answers after its group's fsync.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Inner, &mut Batch) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |inner: &Inner| {
            let mut batch = inner.keyspace.batch();
            let applied = work(inner, &mut batch).and_then(|value| {
                batch.durability(None).commit().map_err(unavailable)?;
                Ok(value)
            });
            Box::new(move |synced: Result<(), StoreError>| {
                let _ = tx.send(applied.and_then(|value| synced.map(|()| value)));
            })
        });
        self.queue
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .push(job);
        self.queue.ready.notify_one();
        rx.await
            .map_err(|_| StoreError::Unavailable("store writer stopped".into()))?
    }
}

impl Drop for EmbeddedStore {
    fn drop(&mut self) {
        self.queue.jobs.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
        self.queue.ready.notify_one();
    }
}

/// The writer thread: take every queued write, apply them in order, fsync once, answer all.
fn write_forever(queue: &Queue, inner: &std::sync::Weak<Inner>) {
    loop {
        let jobs = {
            let mut guard = queue.jobs.lock().unwrap_or_else(|p| p.into_inner());
            while guard.0.is_empty() && !guard.1 {
                guard = queue.ready.wait(guard).unwrap_or_else(|p| p.into_inner());
            }
            if guard.0.is_empty() {
                return; // closed, nothing left to write
            }
            std::mem::take(&mut guard.0)
        };
        let Some(store) = inner.upgrade() else { return };
        let group = {
            let mut progress = store.progress.lock().unwrap_or_else(|p| p.into_inner());
            progress.started += 1;
            progress.started
        };
        let replies: Vec<Reply> = jobs.into_iter().map(|job| job(&store)).collect();
        let synced = store
            .keyspace
            .persist(PersistMode::SyncData)
            .map_err(unavailable);
        {
            let mut progress = store.progress.lock().unwrap_or_else(|p| p.into_inner());
            match synced {
                Ok(()) => progress.durable = group,
                Err(_) => progress.failed = true,
            }
        }
        store.synced.notify_all();
        // Let go of the store before answering: a caller told its write is done may drop the
        // store and open the directory again at once, which needs the lock this holds.
        drop(store);
        for reply in replies {
            reply(
                synced
                    .as_ref()
                    .map(|_| ())
                    .map_err(|e| StoreError::Unavailable(e.to_string())),
            );
        }
    }
}

impl Inner {
    /// Blocks until `group` is on disk.
    fn wait_durable(&self, group: u64) -> Result<(), StoreError> {
        let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        while progress.durable < group {
            if progress.failed {
                return Err(StoreError::Unavailable(
                    "embedded store: a journal sync failed; restart the service".into(),
                ));
            }
            progress = self
                .synced
                .wait(progress)
                .unwrap_or_else(|p| p.into_inner());
        }
        Ok(())
    }
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
    /// Absent in records written before values were keyed apart from their scope; their
    /// index key is their value key.
    #[serde(default)]
    value_key: Option<String>,
    expires_at: u64,
}

fn encode(m: &Mapping) -> Vec<u8> {
    let record = Record {
        entity: m.entity.clone(),
        key_version: m.key_version,
        nonce: B64.encode(m.nonce),
        ciphertext: B64.encode(&m.ciphertext),
        index_key: B64.encode(m.index_key),
        value_key: Some(B64.encode(m.value_key)),
        expires_at: m.expires_at,
    };
    serde_json::to_vec(&record).expect("a record always serializes")
}

fn decode(token: &str, bytes: &[u8]) -> Result<Mapping, StoreError> {
    let corrupt = || StoreError::Corrupt("unreadable mapping record".into());
    let r: Record = serde_json::from_slice(bytes).map_err(|_| corrupt())?;
    let fixed = |s: &str| B64.decode(s).map_err(|_| corrupt());
    let index_key: IndexKey = fixed(&r.index_key)?.try_into().map_err(|_| corrupt())?;
    let value_key = match &r.value_key {
        Some(v) => fixed(v)?.try_into().map_err(|_| corrupt())?,
        None => index_key,
    };
    Ok(Mapping {
        token: token.to_string(),
        index_key,
        value_key,
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

impl Inner {
    fn mapping(&self, tenant: &str, token: &str) -> Result<Option<Mapping>, StoreError> {
        let found = self
            .mappings
            .get(key(&[tenant.as_bytes(), token.as_bytes()]))
            .map_err(unavailable)?;
        found.map(|bytes| decode(token, &bytes)).transpose()
    }

    fn token_of(&self, tenant: &str, index_key: &IndexKey) -> Result<Option<String>, StoreError> {
        let found = self
            .index
            .get(key(&[tenant.as_bytes(), index_key]))
            .map_err(unavailable)?;
        Ok(found.map(|t| String::from_utf8_lossy(&t).into_owned()))
    }

    fn granted(&self, tenant: &str, token: &str, scope: &ScopeHash) -> Result<bool, StoreError> {
        self.grants
            .contains_key(key(&[tenant.as_bytes(), token.as_bytes(), scope]))
            .map_err(unavailable)
    }

    fn grant(&self, batch: &mut Batch, tenant: &str, token: &str, scope: &ScopeHash) {
        let t = tenant.as_bytes();
        batch.insert(&self.grants, key(&[t, token.as_bytes(), scope]), []);
        batch.insert(&self.scopes, key(&[t, scope, token.as_bytes()]), []);
    }

    /// Adds the removal of a mapping, its index entry and all its grants to `batch`.
    fn remove_mapping(
        &self,
        batch: &mut Batch,
        tenant: &str,
        m: &Mapping,
    ) -> Result<(), StoreError> {
        let t = tenant.as_bytes();
        let token = m.token.as_bytes();
        batch.remove(&self.mappings, key(&[t, token]));
        batch.remove(&self.index, key(&[t, &m.index_key]));
        batch.remove(&self.values, key(&[t, &m.value_key, token]));
        batch.remove(&self.expiry, expiry_key(m.expires_at, tenant, &m.token));
        let prefix = key(&[t, token, b""]);
        for entry in self.grants.prefix(&prefix) {
            let (k, _) = entry.map_err(unavailable)?;
            batch.remove(&self.grants, k.to_vec());
            batch.remove(&self.scopes, key(&[t, &k[prefix.len()..], token]));
        }
        Ok(())
    }
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
        self.read(move |s| {
            keys.iter()
                .map(|ik| {
                    let Some(token) = s.token_of(&tenant, ik)? else {
                        return Ok(None);
                    };
                    let Some(m) = s.mapping(&tenant, &token)? else {
                        return Ok(None);
                    };
                    let granted = s.granted(&tenant, &token, &scope)?;
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
        self.write(move |s, batch| {
            let t = tenant.as_bytes();
            // What this batch writes, so later items in it see earlier ones.
            let mut indexed: HashMap<IndexKey, String> = HashMap::new();
            let mut tokens: HashSet<String> = HashSet::new();
            let mut out = Vec::with_capacity(new.len());
            for n in &new {
                let m = &n.mapping;
                let existing = match indexed.get(&m.index_key) {
                    Some(token) => Some(token.clone()),
                    None => s.token_of(&tenant, &m.index_key)?,
                };
                if let Some(existing) = existing {
                    out.push(Inserted::AlreadyMapped(existing));
                    continue;
                }
                if tokens.contains(&m.token) || s.mapping(&tenant, &m.token)?.is_some() {
                    out.push(Inserted::TokenTaken);
                    continue;
                }
                batch.insert(&s.mappings, key(&[t, m.token.as_bytes()]), encode(m));
                batch.insert(&s.index, key(&[t, &m.index_key]), m.token.as_bytes());
                batch.insert(&s.values, key(&[t, &m.value_key, m.token.as_bytes()]), []);
                batch.insert(&s.expiry, expiry_key(m.expires_at, &tenant, &m.token), []);
                s.grant(batch, &tenant, &m.token, &n.scope);
                indexed.insert(m.index_key, m.token.clone());
                tokens.insert(m.token.clone());
                out.push(Inserted::Created);
            }
            Ok(out)
        })
        .await
    }

    async fn touch(&self, tenant: &str, touches: &[Touch]) -> Result<(), StoreError> {
        let (tenant, touches) = (tenant.to_string(), touches.to_vec());
        self.write(move |s, batch| {
            for touch in &touches {
                // The token may have been erased, expired and re-minted for another value since
                // `find`: only the mapping of this value may be touched.
                let Some(current) = s.mapping(&tenant, &touch.token)? else {
                    continue;
                };
                if current.index_key != touch.index_key {
                    continue;
                }
                if touch.expires_at > current.expires_at {
                    let updated = Mapping {
                        expires_at: touch.expires_at,
                        ..current.clone()
                    };
                    batch.insert(
                        &s.mappings,
                        key(&[tenant.as_bytes(), touch.token.as_bytes()]),
                        encode(&updated),
                    );
                    batch.remove(
                        &s.expiry,
                        expiry_key(current.expires_at, &tenant, &touch.token),
                    );
                    batch.insert(
                        &s.expiry,
                        expiry_key(touch.expires_at, &tenant, &touch.token),
                        [],
                    );
                }
                s.grant(batch, &tenant, &touch.token, &touch.scope);
            }
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
        self.read(move |s| {
            tokens
                .iter()
                .map(|token| {
                    let Some(mapping) = s.mapping(&tenant, token)? else {
                        return Ok(None);
                    };
                    let granted = s.granted(&tenant, token, &scope)?;
                    Ok(Some(Stored { mapping, granted }))
                })
                .collect()
        })
        .await
    }

    async fn erase_values(&self, tenant: &str, keys: &[IndexKey]) -> Result<u64, StoreError> {
        let (tenant, keys) = (tenant.to_string(), keys.to_vec());
        self.write(move |s, batch| {
            let t = tenant.as_bytes();
            let mut removed = HashSet::new();
            for vk in &keys {
                let prefix = key(&[t, vk, b""]);
                let mut tokens: Vec<String> = s
                    .values
                    .prefix(&prefix)
                    .map(|e| {
                        e.map(|(k, _)| String::from_utf8_lossy(&k[prefix.len()..]).into_owned())
                    })
                    .collect::<Result<_, _>>()
                    .map_err(unavailable)?;
                // A mapping written before value keys: its index key is its value key.
                tokens.extend(s.token_of(&tenant, vk)?);
                for token in tokens {
                    if let Some(m) = s.mapping(&tenant, &token)? {
                        if m.value_key == *vk && removed.insert(token) {
                            s.remove_mapping(batch, &tenant, &m)?;
                        }
                    }
                }
            }
            Ok(removed.len() as u64)
        })
        .await
    }

    async fn erase_scope(&self, tenant: &str, scope: &ScopeHash) -> Result<u64, StoreError> {
        let (tenant, scope) = (tenant.to_string(), *scope);
        self.write(move |s, batch| {
            let t = tenant.as_bytes();
            let prefix = key(&[t, &scope, b""]);
            let tokens: Vec<String> = s
                .scopes
                .prefix(&prefix)
                .map(|e| e.map(|(k, _)| String::from_utf8_lossy(&k[prefix.len()..]).into_owned()))
                .collect::<Result<_, _>>()
                .map_err(unavailable)?;
            let mut removed = 0;
            for token in tokens {
                batch.remove(&s.scopes, key(&[t, &scope, token.as_bytes()]));
                batch.remove(&s.grants, key(&[t, token.as_bytes(), &scope]));
                // Granted to any scope but this one?
                let others = key(&[t, token.as_bytes(), b""]);
                let mut still_granted = false;
                for entry in s.grants.prefix(&others) {
                    let (k, _) = entry.map_err(unavailable)?;
                    if k[others.len()..] != scope {
                        still_granted = true;
                        break;
                    }
                }
                if !still_granted {
                    if let Some(m) = s.mapping(&tenant, &token)? {
                        s.remove_mapping(batch, &tenant, &m)?;
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await
    }

    async fn sweep(&self, now: u64) -> Result<u64, StoreError> {
        let cutoff = now.saturating_sub(EXPIRED_GRACE_SECONDS);
        self.write(move |s, batch| {
            let due: Vec<Vec<u8>> = s
                .expiry
                .range(..cutoff.to_be_bytes().to_vec())
                .map(|e| e.map(|(k, _)| k.to_vec()))
                .collect::<Result<_, _>>()
                .map_err(unavailable)?;
            let mut removed = 0;
            for k in due {
                batch.remove(&s.expiry, k.clone());
                let rest = &k[8..];
                let Some(split) = rest.iter().position(|&b| b == 0) else {
                    continue;
                };
                let tenant = String::from_utf8_lossy(&rest[..split]).into_owned();
                let token = String::from_utf8_lossy(&rest[split + 1..]).into_owned();
                // A touched mapping has a later expiry entry; only remove the one that is due.
                if let Some(m) = s.mapping(&tenant, &token)? {
                    if m.expires_at < cutoff {
                        s.remove_mapping(batch, &tenant, &m)?;
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        // Fails once a write error has poisoned the keyspace (restart to recover).
        self.read(|s| s.keyspace.persist(PersistMode::Buffer).map_err(unavailable))
            .await
    }

    async fn key_get(&self, tenant: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let k = key(&[tenant.as_bytes(), name.as_bytes()]);
        self.read(move |s| Ok(s.keys.get(k).map_err(unavailable)?.map(|v| v.to_vec())))
            .await
    }

    async fn key_put(&self, tenant: &str, name: &str, blob: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (k, blob) = (key(&[tenant.as_bytes(), name.as_bytes()]), blob.to_vec());
        self.write(move |s, batch| {
            if let Some(kept) = s.keys.get(&k).map_err(unavailable)? {
                return Ok(kept.to_vec());
            }
            batch.insert(&s.keys, k, blob.clone());
            Ok(blob)
        })
        .await
    }

    async fn key_delete(&self, tenant: &str, name: &str) -> Result<bool, StoreError> {
        let k = key(&[tenant.as_bytes(), name.as_bytes()]);
        self.write(move |s, batch| {
            let existed = s.keys.contains_key(&k).map_err(unavailable)?;
            batch.remove(&s.keys, k);
            Ok(existed)
        })
        .await
    }
}
