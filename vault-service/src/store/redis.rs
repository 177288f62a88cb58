//! The Redis store, for many replicas. Every key of a tenant carries the hash tag `{tenant}`,
//! so a tenant's keys live in one Cluster slot and each operation is one atomic Lua script,
//! on a single node or on Redis Cluster alike. Expiry is Redis's own TTL (the mapping's expiry
//! plus the grace period), so nothing needs sweeping.
//!
//! - `veil:{t}:i:<hex index key>` → token
//! - `veil:{t}:m:<token>`         → hash: e (type), v (key version), n (nonce), c (ciphertext),
//!   x (expires at), i (hex index key), k (hex value key; absent in mappings written before
//!   value keys, whose index key is their value key)
//! - `veil:{t}:g:<token>`         → set of hex scope hashes granted
//! - `veil:{t}:s:<hex scope>`     → set of tokens the scope tokenized (erasure by scope)
//! - `veil:{t}:v:<hex value key>` → set of tokens of the value, in any scope (erasure by value)
//! - `veil:{t}:k:<name>`          → a key record (when this Redis is the key store), no TTL
//!
//! One node (with replicas and Sentinel-style failover behind one address) or a Redis Cluster
//! (`cluster: true`, `url` being any node: the client reads the slot map, follows `MOVED` and
//! `ASK`, and refreshes the map when masters change). Both connections reconnect by
//! themselves, so the service recovers when Redis returns. On a cluster every command of a
//! call goes to the master of the tenant's slot, `WAIT` included, since it shares the
//! pipeline.
//!
//! Durability is Redis's to give, so the vault checks what it can: at start it refuses a Redis
//! whose `maxmemory-policy` may evict keys (every mapping has a TTL, so the `volatile-*`
//! policies would drop them as readily as the `allkeys-*` ones), and with `wait_replicas` a
//! write is acknowledged only once that many replicas have it (`WAIT`), so a failover cannot
//! lose it. `rediss://` URLs connect over TLS, verified against `ca_file` or the system's roots.

use async_trait::async_trait;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{ErrorKind, FromRedisValue, Pipeline, RedisFuture, Script, ServerErrorKind, Value};

use super::{
    Found, IndexKey, Inserted, Mapping, NewMapping, ScopeHash, Store, StoreError, Stored, Touch,
    EXPIRED_GRACE_SECONDS,
};
use crate::config::RedisConfig;

pub struct RedisStore {
    conn: Conn,
    insert: Script,
    touch: Script,
    erase_value: Script,
    erase_scope: Script,
    /// Replicas a write must reach, and how long to wait for them.
    wait: Option<(u32, u64)>,
}

/// A single node's connection or a cluster's: the store's code is the same for both.
#[derive(Clone)]
enum Conn {
    // Boxed: a manager is ten times a cluster handle's size, and both are cloned per call.
    Node(Box<ConnectionManager>),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Node(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Node(c) => c.req_packed_commands(cmd, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Node(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
        }
    }
}

fn prefix(tenant: &str) -> String {
    format!("veil:{{{tenant}}}:")
}

fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError::Unavailable(format!("redis: {}", e.kind_name()))
}

trait KindName {
    fn kind_name(&self) -> String;
}

impl KindName for redis::RedisError {
    /// The error's category only: Redis error texts can echo arguments.
    fn kind_name(&self) -> String {
        format!("{:?}", self.kind())
    }
}

/// Unix milliseconds at which Redis drops the keys of a mapping expiring at `expires_at`.
fn drop_at_ms(expires_at: u64) -> u64 {
    expires_at
        .saturating_add(EXPIRED_GRACE_SECONDS)
        .saturating_mul(1000)
}

/// A set's expiry is raised to `at` (ms), never lowered: it outlives every mapping it names.
const RAISE_EXPIRY: &str = r#"
local function raise(key, at)
  if redis.call('PEXPIRETIME', key) < tonumber(at) then redis.call('PEXPIREAT', key, at) end
end
"#;

/// KEYS: index, mapping, grants, scope set, value set. ARGV: token, e, v, n, c, x, ihex,
/// scope hex, drop_ms, khex. Returns {0, token} created, {1, token} value already mapped,
/// {2} token taken.
const INSERT: &str = r#"
local existing = redis.call('GET', KEYS[1])
if existing then return {1, existing} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {2} end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[9])
redis.call('HSET', KEYS[2], 'e', ARGV[2], 'v', ARGV[3], 'n', ARGV[4], 'c', ARGV[5], 'x', ARGV[6], 'i', ARGV[7], 'k', ARGV[10])
redis.call('PEXPIREAT', KEYS[2], ARGV[9])
redis.call('SADD', KEYS[3], ARGV[8])
redis.call('PEXPIREAT', KEYS[3], ARGV[9])
redis.call('SADD', KEYS[4], ARGV[1])
raise(KEYS[4], ARGV[9])
redis.call('SADD', KEYS[5], ARGV[1])
raise(KEYS[5], ARGV[9])
return {0, ARGV[1]}
"#;

/// KEYS: index, mapping, grants, scope set. ARGV: token, scope hex, x, drop_ms, index hex,
/// key prefix. Touches only the mapping of this value (the token may have been re-minted for
/// another).
const TOUCH: &str = r#"
if redis.call('HGET', KEYS[2], 'i') ~= ARGV[5] then return 0 end
local x = tonumber(redis.call('HGET', KEYS[2], 'x'))
if tonumber(ARGV[3]) > x then
  redis.call('HSET', KEYS[2], 'x', ARGV[3])
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
  redis.call('PEXPIREAT', KEYS[2], ARGV[4])
end
local till = redis.call('PEXPIRETIME', KEYS[2])
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('PEXPIREAT', KEYS[3], till)
redis.call('SADD', KEYS[4], ARGV[1])
raise(KEYS[4], till)
local k = redis.call('HGET', KEYS[2], 'k')
if k then raise(ARGV[6] .. 'v:' .. k, till) end
return 1
"#;

/// KEYS: value set, legacy index (the value key as an index key). ARGV: key prefix, khex.
/// Removes every mapping of one value; returns how many existed.
const ERASE_VALUE: &str = r#"
local p = ARGV[1]
local tokens = redis.call('SMEMBERS', KEYS[1])
local legacy = redis.call('GET', KEYS[2])
if legacy then table.insert(tokens, legacy) end
local removed = 0
for _, token in ipairs(tokens) do
  local m = p .. 'm:' .. token
  local k = redis.call('HGET', m, 'k') or redis.call('HGET', m, 'i')
  if k == ARGV[2] then
    for _, scope in ipairs(redis.call('SMEMBERS', p .. 'g:' .. token)) do
      redis.call('SREM', p .. 's:' .. scope, token)
    end
    redis.call('DEL', p .. 'i:' .. redis.call('HGET', m, 'i'), m, p .. 'g:' .. token)
    removed = removed + 1
  end
end
redis.call('DEL', KEYS[1])
return removed
"#;

/// KEYS: scope set. ARGV: key prefix, scope hex. Removes the scope's grants and every mapping
/// left without one; returns how many mappings were removed.
const ERASE_SCOPE: &str = r#"
local p = ARGV[1]
local removed = 0
for _, token in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local g = p .. 'g:' .. token
  redis.call('SREM', g, ARGV[2])
  if redis.call('SCARD', g) == 0 then
    local m = p .. 'm:' .. token
    local ihex = redis.call('HGET', m, 'i')
    if ihex then
      redis.call('DEL', p .. 'i:' .. ihex)
      removed = removed + 1
    end
    local k = redis.call('HGET', m, 'k')
    if k then redis.call('SREM', p .. 'v:' .. k, token) end
    redis.call('DEL', m, g)
  end
end
redis.call('DEL', KEYS[1])
return removed
"#;

impl RedisStore {
    /// Connects (failing fast if Redis is unreachable at start, or if it may evict keys) and
    /// keeps reconnecting after.
    pub async fn connect(settings: &RedisConfig) -> Result<Self, StoreError> {
        let url = settings.url.as_str();
        let certs = match &settings.ca_file {
            Some(path) => {
                let root = std::fs::read(path).map_err(|e| {
                    StoreError::Unavailable(format!(
                        "redis: cannot read ca_file {}: {e}",
                        path.display()
                    ))
                })?;
                Some(redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(root),
                })
            }
            None => None,
        };
        // Short timeouts and few retries: a request must fail fast (503) while Redis is away,
        // and the next request after it returns starts a fresh reconnect.
        // A `WAIT` may take its whole timeout to answer: the response timeout leaves it that.
        let connect_timeout = Duration::from_secs(1);
        let waits_for = settings
            .wait_replicas
            .checked_sub(1)
            .map_or(0, |_| settings.wait_timeout_ms);
        let response_timeout = Duration::from_millis(2_000 + waits_for);
        let conn = if settings.cluster {
            let mut builder = ClusterClientBuilder::new(vec![url])
                .connection_timeout(connect_timeout)
                .response_timeout(response_timeout)
                .retries(2);
            if let Some(certs) = certs {
                builder = builder.certs(certs);
            }
            let client = builder
                .build()
                .map_err(|_| StoreError::Unavailable("redis: invalid URL or CA".into()))?;
            Conn::Cluster(client.get_async_connection().await.map_err(unavailable)?)
        } else {
            let client = match certs {
                Some(certs) => redis::Client::build_with_tls(url, certs),
                None => redis::Client::open(url),
            }
            .map_err(|_| StoreError::Unavailable("redis: invalid URL or CA".into()))?;
            let config = ConnectionManagerConfig::new()
                .set_number_of_retries(1)
                .set_connection_timeout(Some(connect_timeout))
                .set_response_timeout(Some(response_timeout));
            Conn::Node(Box::new(
                ConnectionManager::new_with_config(client, config)
                    .await
                    .map_err(unavailable)?,
            ))
        };
        let store = RedisStore {
            conn,
            insert: Script::new(&format!("{RAISE_EXPIRY}{INSERT}")),
            touch: Script::new(&format!("{RAISE_EXPIRY}{TOUCH}")),
            erase_value: Script::new(ERASE_VALUE),
            erase_scope: Script::new(ERASE_SCOPE),
            wait: (settings.wait_replicas > 0)
                .then_some((settings.wait_replicas, settings.wait_timeout_ms)),
        };
        store.check_eviction_policy().await?;
        store.load_scripts().await?;
        Ok(store)
    }

    /// Refuses a Redis that may evict keys under memory pressure: a vault must not lose
    /// mappings. `INFO` is read rather than `CONFIG GET`, which managed services disable.
    async fn check_eviction_policy(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        // On a cluster INFO answers per master; every one of them must keep every key.
        let info: Value = redis::cmd("INFO")
            .arg("memory")
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        let mut texts = Vec::new();
        collect_text(&info, &mut texts);
        let policies: Vec<&str> = texts
            .iter()
            .flat_map(|t| t.lines())
            .filter_map(|l| l.strip_prefix("maxmemory_policy:"))
            .map(str::trim)
            .collect();
        let policy = match policies.iter().find(|p| **p != "noeviction") {
            Some(other) => *other,
            None if policies.is_empty() => "unknown",
            None => return Ok(()),
        };
        Err(StoreError::Unavailable(format!(
            "redis: maxmemory-policy is {policy}, which can evict the vault's mappings; set it to noeviction"
        )))
    }

    /// Runs a pipeline of writes; with `wait_replicas`, then `WAIT`s on the same connection and
    /// fails (the write not acknowledged) unless enough replicas have it.
    async fn write<T: FromRedisValue>(&self, pipe: &mut Pipeline) -> Result<T, StoreError> {
        let Some((replicas, timeout_ms)) = self.wait else {
            return self.query(pipe).await;
        };
        pipe.cmd("WAIT").arg(replicas).arg(timeout_ms);
        let mut replies: Vec<Value> = self.query(pipe).await?;
        let reached = match replies.pop() {
            Some(Value::Int(n)) => n,
            _ => return Err(corrupt()),
        };
        if reached < i64::from(replicas) {
            return Err(StoreError::Unavailable(format!(
                "redis: a write reached {reached} of {replicas} replicas in {timeout_ms} ms"
            )));
        }
        T::from_redis_value(Value::Array(replies)).map_err(|_| corrupt())
    }

    fn conn(&self) -> Conn {
        self.conn.clone()
    }

    /// Pipelines call scripts by hash; Redis forgets them on restart or failover.
    async fn load_scripts(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        for script in [
            &self.insert,
            &self.touch,
            &self.erase_value,
            &self.erase_scope,
        ] {
            script
                .prepare_invoke()
                .load_async(&mut conn)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    /// Runs a pipeline, reloading the scripts once if Redis has forgotten them. Every script
    /// is safe to run twice, so the retry cannot double an effect.
    async fn query<T: FromRedisValue>(&self, pipe: &Pipeline) -> Result<T, StoreError> {
        let mut conn = self.conn();
        match pipe.query_async(&mut conn).await {
            Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                self.load_scripts().await?;
                pipe.query_async(&mut conn).await.map_err(unavailable)
            }
            result => result.map_err(unavailable),
        }
    }
}

/// Every string in a reply, however nested (a cluster's per-node map included).
fn collect_text(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) | Value::Set(items) => items.iter().for_each(|i| collect_text(i, out)),
        Value::Map(pairs) => pairs.iter().for_each(|(_, v)| collect_text(v, out)),
        other => out.extend(text(other)),
    }
}

fn bulk(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::BulkString(b) => Some(b.clone()),
        Value::SimpleString(s) => Some(s.clone().into_bytes()),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        // INFO's answer under RESP3.
        Value::VerbatimString { text, .. } => Some(text.clone()),
        other => bulk(other).and_then(|b| String::from_utf8(b).ok()),
    }
}

fn corrupt() -> StoreError {
    StoreError::Corrupt("unreadable mapping in redis".into())
}

/// A mapping from its `HGETALL` fields.
fn mapping(token: &str, fields: &Value) -> Result<Option<Mapping>, StoreError> {
    let pairs: Vec<(String, Vec<u8>)> = match fields {
        Value::Map(m) => m
            .iter()
            .filter_map(|(k, v)| Some((text(k)?, bulk(v)?)))
            .collect(),
        Value::Array(items) => items
            .chunks(2)
            .filter_map(|c| Some((text(&c[0])?, bulk(c.get(1)?)?)))
            .collect(),
        _ => return Ok(None),
    };
    if pairs.is_empty() {
        return Ok(None);
    }
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(corrupt)
    };
    let number = |name: &str| -> Result<u64, StoreError> {
        String::from_utf8(get(name)?)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(corrupt)
    };
    let key_of = |hex_bytes: Vec<u8>| -> Result<IndexKey, StoreError> {
        String::from_utf8(hex_bytes)
            .ok()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(corrupt)
    };
    let index_key = key_of(get("i")?)?;
    let value_key = match get("k") {
        Ok(k) => key_of(k)?,
        Err(_) => index_key,
    };
    Ok(Some(Mapping {
        token: token.to_string(),
        index_key,
        value_key,
        entity: String::from_utf8(get("e")?).map_err(|_| corrupt())?,
        key_version: number("v")? as u32,
        nonce: get("n")?.try_into().map_err(|_| corrupt())?,
        ciphertext: get("c")?,
        expires_at: number("x")?,
    }))
}

#[async_trait]
impl Store for RedisStore {
    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn find(
        &self,
        tenant: &str,
        keys: &[IndexKey],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Found>>, StoreError> {
        let p = prefix(tenant);
        let scope_hex = hex::encode(scope);
        let mut pipe = redis::pipe();
        for k in keys {
            pipe.get(format!("{p}i:{}", hex::encode(k)));
        }
        let tokens: Vec<Option<String>> = self.query(&pipe).await?;
        let mut pipe = redis::pipe();
        for t in tokens.iter().flatten() {
            pipe.hget(format!("{p}m:{t}"), "x")
                .sismember(format!("{p}g:{t}"), &scope_hex);
        }
        let details: Vec<(Option<u64>, bool)> = if tokens.iter().any(Option::is_some) {
            self.query(&pipe).await?
        } else {
            Vec::new()
        };
        let mut details = details.into_iter();
        Ok(tokens
            .into_iter()
            .map(|t| {
                let t = t?;
                let (x, granted) = details.next()?;
                Some(Found {
                    token: t,
                    expires_at: x?,
                    granted,
                })
            })
            .collect())
    }

    async fn insert(&self, tenant: &str, new: &[NewMapping]) -> Result<Vec<Inserted>, StoreError> {
        let p = prefix(tenant);
        let mut out = Vec::with_capacity(new.len());
        // One script call per item, pipelined: each is atomic, and later items see earlier
        // ones (two values of one batch wanting one token collide as they should).
        let mut pipe = redis::pipe();
        for n in new {
            let m = &n.mapping;
            let ihex = hex::encode(m.index_key);
            let khex = hex::encode(m.value_key);
            let scope_hex = hex::encode(n.scope);
            pipe.invoke_script(
                self.insert
                    .key(format!("{p}i:{ihex}"))
                    .key(format!("{p}m:{}", m.token))
                    .key(format!("{p}g:{}", m.token))
                    .key(format!("{p}s:{scope_hex}"))
                    .key(format!("{p}v:{khex}"))
                    .arg(&m.token)
                    .arg(&m.entity)
                    .arg(m.key_version)
                    .arg(m.nonce.as_slice())
                    .arg(m.ciphertext.as_slice())
                    .arg(m.expires_at)
                    .arg(&ihex)
                    .arg(&scope_hex)
                    .arg(drop_at_ms(m.expires_at))
                    .arg(&khex),
            );
        }
        let replies: Vec<Value> = self.write(&mut pipe).await?;
        for r in replies {
            let Value::Array(parts) = r else {
                return Err(corrupt());
            };
            let code = match parts.first() {
                Some(Value::Int(c)) => *c,
                _ => return Err(corrupt()),
            };
            out.push(match code {
                0 => Inserted::Created,
                1 => Inserted::AlreadyMapped(parts.get(1).and_then(text).ok_or_else(corrupt)?),
                _ => Inserted::TokenTaken,
            });
        }
        Ok(out)
    }

    async fn touch(&self, tenant: &str, touches: &[Touch]) -> Result<(), StoreError> {
        let p = prefix(tenant);
        let mut pipe = redis::pipe();
        for t in touches {
            pipe.invoke_script(
                self.touch
                    .key(format!("{p}i:{}", hex::encode(t.index_key)))
                    .key(format!("{p}m:{}", t.token))
                    .key(format!("{p}g:{}", t.token))
                    .key(format!("{p}s:{}", hex::encode(t.scope)))
                    .arg(&t.token)
                    .arg(hex::encode(t.scope))
                    .arg(t.expires_at)
                    .arg(drop_at_ms(t.expires_at))
                    .arg(hex::encode(t.index_key))
                    .arg(&p),
            );
        }
        let _: Vec<Value> = self.write(&mut pipe).await?;
        Ok(())
    }

    async fn get(
        &self,
        tenant: &str,
        tokens: &[String],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Stored>>, StoreError> {
        let p = prefix(tenant);
        let scope_hex = hex::encode(scope);
        let mut pipe = redis::pipe();
        for t in tokens {
            pipe.hgetall(format!("{p}m:{t}"))
                .sismember(format!("{p}g:{t}"), &scope_hex);
        }
        // Two replies per token (fields, granted), parsed by hand: a map reply nested in a
        // tuple is more than the crate's tuple conversion handles.
        let replies: Vec<Value> = self.query(&pipe).await?;
        if replies.len() != 2 * tokens.len() {
            return Err(corrupt());
        }
        tokens
            .iter()
            .zip(replies.chunks(2))
            .map(|(t, pair)| {
                let granted = matches!(pair[1], Value::Int(1));
                Ok(mapping(t, &pair[0])?.map(|mapping| Stored { mapping, granted }))
            })
            .collect()
    }

    async fn erase_values(&self, tenant: &str, keys: &[IndexKey]) -> Result<u64, StoreError> {
        let p = prefix(tenant);
        let mut pipe = redis::pipe();
        for k in keys {
            let khex = hex::encode(k);
            pipe.invoke_script(
                self.erase_value
                    .key(format!("{p}v:{khex}"))
                    .key(format!("{p}i:{khex}"))
                    .arg(&p)
                    .arg(&khex),
            );
        }
        let removed: Vec<u64> = self.write(&mut pipe).await?;
        Ok(removed.into_iter().sum())
    }

    async fn erase_scope(&self, tenant: &str, scope: &ScopeHash) -> Result<u64, StoreError> {
        let p = prefix(tenant);
        let mut pipe = redis::pipe();
        pipe.invoke_script(
            self.erase_scope
                .key(format!("{p}s:{}", hex::encode(scope)))
                .arg(&p)
                .arg(hex::encode(scope)),
        );
        let (removed,): (u64,) = self.write(&mut pipe).await?;
        Ok(removed)
    }

    async fn sweep(&self, _now: u64) -> Result<u64, StoreError> {
        // Redis expires keys itself.
        Ok(0)
    }

    async fn key_get(&self, tenant: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut pipe = redis::pipe();
        pipe.get(format!("{}k:{name}", prefix(tenant)));
        let (found,): (Option<Vec<u8>>,) = self.query(&pipe).await?;
        Ok(found)
    }

    async fn key_put(&self, tenant: &str, name: &str, blob: &[u8]) -> Result<Vec<u8>, StoreError> {
        // SET NX GET: sets only if absent, and answers the record that was there.
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(format!("{}k:{name}", prefix(tenant)))
            .arg(blob)
            .arg("NX")
            .arg("GET");
        let (kept,): (Option<Vec<u8>>,) = self.write(&mut pipe).await?;
        Ok(kept.unwrap_or_else(|| blob.to_vec()))
    }

    async fn key_delete(&self, tenant: &str, name: &str) -> Result<bool, StoreError> {
        let mut pipe = redis::pipe();
        pipe.del(format!("{}k:{name}", prefix(tenant)));
        let (removed,): (u64,) = self.write(&mut pipe).await?;
        Ok(removed > 0)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: Value = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
