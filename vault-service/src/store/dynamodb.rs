//! The DynamoDB store, for many replicas on AWS. One table, partition key `pk` and sort key
//! `sk` (both strings), every item of a tenant prefixed by the tenant's name, so tenants share
//! no item and load spreads over partitions:
//!
//! - `<t>/i/<hex index key>`, `-`    → `tok`: the token of a value (uniqueness of values)
//! - `<t>/m/<token>`, `-`            → the mapping: `e` type, `v` key version, `n` nonce,
//!   `c` ciphertext, `x` expires at, `i` hex index key, `k` hex value key, `g` the string set
//!   of hex scope hashes granted (uniqueness of tokens)
//! - `<t>/s/<hex scope>`, `<token>`  → the tokens a scope tokenized (erasure by scope)
//! - `<t>/v/<hex value key>`, `<token>` → the tokens of one value (erasure by value)
//! - `<t>/k/<name>`, `-`             → `b`: a key record (when this table is the key store)
//!
//! Every item carries `ttl` (Unix seconds: the mapping's expiry plus the grace period), the
//! table's TTL attribute, so DynamoDB deletes what has expired and nothing needs sweeping.
//!
//! Atomicity without transactions (the API servers one can run locally lack them, and
//! single-item conditions are enough): each write is a conditional single-item write, in an
//! order that leaves nothing a reader can trust half-written. A new mapping is put first
//! (`attribute_not_exists`: the token is free), then its set entries, then its index item
//! (`attribute_not_exists`: the value is new). A writer that finds the token held by a
//! mapping of its own index key adopts it, completes its entries and its index, so a writer
//! that died between the steps, or a put retried after its answer was lost, is completed by
//! the next one. A writer that loses the index race keeps its mapping unreturned (same value,
//! reached by erasure like any other) and adopts the winner's token; an index naming a
//! mapping that is gone is pointed at the live one. Erasure deletes each entry before its
//! grant or mapping, and deletes a mapping only under the condition it was chosen for (no
//! grant left; still this value), so a concurrent writer never ends with a live mapping that
//! erasure cannot find. Reads are strongly consistent.
//!
//! Throttling and server errors are retried with backoff (aws.rs); batch reads retry their
//! unprocessed keys. Values never reach DynamoDB: only ciphertext, HMACs, tokens and hashed
//! scopes, as in every store.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use futures_util::{stream, StreamExt, TryStreamExt};
use serde_json::{json, Map, Value};

use super::{
    Found, IndexKey, Inserted, Mapping, NewMapping, ScopeHash, Store, StoreError, Stored, Touch,
    EXPIRED_GRACE_SECONDS,
};
use crate::aws::{AwsClient, AwsCredentials, AwsError};
use crate::config::DynamoDbConfig;

/// BatchGetItem takes at most 100 keys, BatchWriteItem 25 requests.
const BATCH_GET: usize = 100;
const BATCH_WRITE: usize = 25;
/// Calls in flight at once for one request's items.
const CONCURRENT_CALLS: usize = 16;
/// Rounds of retrying a batch's unprocessed items before the call fails.
const BATCH_ROUNDS: u32 = 8;
/// The sort key of items that are alone in their partition.
const ONLY: &str = "-";

/// Why a mapping is being removed, which decides the condition its delete carries.
#[derive(Clone, Copy)]
enum Removal<'a> {
    /// Its last grant went (erasure by scope).
    Ungranted,
    /// Its value, by hex value key, is erased.
    OfValue(&'a str),
}

pub struct DynamoDbStore {
    client: AwsClient,
    table: String,
}

type Item = Map<String, Value>;

fn s(v: &str) -> Value {
    json!({ "S": v })
}
fn n(v: u64) -> Value {
    json!({ "N": v.to_string() })
}
fn b(v: &[u8]) -> Value {
    json!({ "B": B64.encode(v) })
}
fn ss(v: &str) -> Value {
    json!({ "SS": [v] })
}

fn key(pk: &str, sk: &str) -> Value {
    json!({ "pk": s(pk), "sk": s(sk) })
}

fn index_pk(tenant: &str, ik: &IndexKey) -> String {
    format!("{tenant}/i/{}", hex::encode(ik))
}
fn mapping_pk(tenant: &str, token: &str) -> String {
    format!("{tenant}/m/{token}")
}
fn scope_pk(tenant: &str, scope: &ScopeHash) -> String {
    format!("{tenant}/s/{}", hex::encode(scope))
}
fn value_pk(tenant: &str, vk: &IndexKey) -> String {
    format!("{tenant}/v/{}", hex::encode(vk))
}

/// When DynamoDB may delete the items of a mapping expiring at `expires_at`.
fn drop_at(expires_at: u64) -> u64 {
    expires_at.saturating_add(EXPIRED_GRACE_SECONDS)
}

fn unavailable(e: AwsError) -> StoreError {
    StoreError::Unavailable(format!("dynamodb: {e}"))
}

fn corrupt() -> StoreError {
    StoreError::Corrupt("unreadable mapping in dynamodb".into())
}

/// Waits before a batch's next round of unprocessed items (DynamoDB throttled part of it);
/// past `BATCH_ROUNDS` the call fails as unavailable.
async fn next_round(round: &mut u32, what: &str) -> Result<(), StoreError> {
    *round += 1;
    if *round >= BATCH_ROUNDS {
        return Err(StoreError::Unavailable(format!(
            "dynamodb: batch {what} throttled"
        )));
    }
    tokio::time::sleep(Duration::from_millis(20 << (*round).min(5))).await;
    Ok(())
}

fn is_condition_failure(e: &AwsError) -> bool {
    e.kind() == Some("ConditionalCheckFailedException")
}

fn get_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)?.get("S")?.as_str()
}
fn get_n(item: &Item, name: &str) -> Option<u64> {
    item.get(name)?.get("N")?.as_str()?.parse().ok()
}
fn get_b(item: &Item, name: &str) -> Option<Vec<u8>> {
    B64.decode(item.get(name)?.get("B")?.as_str()?).ok()
}
fn has_scope(item: &Item, scope_hex: &str) -> bool {
    item.get("g")
        .and_then(|g| g.get("SS"))
        .and_then(Value::as_array)
        .is_some_and(|g| g.iter().any(|v| v.as_str() == Some(scope_hex)))
}
fn scopes(item: &Item) -> Vec<String> {
    item.get("g")
        .and_then(|g| g.get("SS"))
        .and_then(Value::as_array)
        .map(|g| {
            g.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn hex_key(text: &str) -> Result<IndexKey, StoreError> {
    hex::decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(corrupt)
}

/// A mapping from its item.
fn mapping(token: &str, item: &Item) -> Result<Mapping, StoreError> {
    let index_key = hex_key(get_s(item, "i").ok_or_else(corrupt)?)?;
    Ok(Mapping {
        token: token.to_string(),
        index_key,
        value_key: hex_key(get_s(item, "k").ok_or_else(corrupt)?)?,
        entity: get_s(item, "e").ok_or_else(corrupt)?.to_string(),
        key_version: u32::try_from(get_n(item, "v").ok_or_else(corrupt)?).map_err(|_| corrupt())?,
        nonce: get_b(item, "n")
            .and_then(|n| n.try_into().ok())
            .ok_or_else(corrupt)?,
        ciphertext: get_b(item, "c").ok_or_else(corrupt)?,
        expires_at: get_n(item, "x").ok_or_else(corrupt)?,
    })
}

impl DynamoDbStore {
    /// Connects with the environment's credentials; checks the table (creating it when
    /// `create_table` says so) and warns when its TTL is not on `ttl`.
    pub async fn connect(settings: &DynamoDbConfig) -> Result<Self, StoreError> {
        let credentials = AwsCredentials::from_env()
            .map_err(|e| StoreError::Unavailable(format!("dynamodb: {e}")))?;
        Self::connect_with(settings, credentials).await
    }

    pub async fn connect_with(
        settings: &DynamoDbConfig,
        credentials: AwsCredentials,
    ) -> Result<Self, StoreError> {
        let client = AwsClient::dynamodb(
            &settings.region,
            settings.endpoint.as_deref(),
            credentials,
            Duration::from_millis(settings.timeout_ms),
        )
        .map_err(|e| StoreError::Unavailable(format!("dynamodb: {e}")))?;
        let store = DynamoDbStore {
            client,
            table: settings.table.clone(),
        };
        store.check_table(settings.create_table).await?;
        Ok(store)
    }

    async fn call(&self, op: &str, request: Value) -> Result<Value, AwsError> {
        self.client.call(op, &request).await
    }

    async fn check_table(&self, create: bool) -> Result<(), StoreError> {
        let described = self
            .call("DescribeTable", json!({ "TableName": self.table }))
            .await;
        let table = match described {
            Ok(t) => t,
            Err(e) if e.kind() == Some("ResourceNotFoundException") && create => {
                self.create_table().await?
            }
            Err(e) if e.kind() == Some("ResourceNotFoundException") => {
                return Err(StoreError::Unavailable(format!(
                    "dynamodb: table {} does not exist (create it with the key schema in docs/vault.md, or set store.dynamodb.create_table)",
                    self.table
                )))
            }
            Err(e) => return Err(unavailable(e)),
        };
        let schema: Vec<(String, String)> = table["Table"]["KeySchema"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|k| {
                        Some((
                            k["AttributeName"].as_str()?.to_string(),
                            k["KeyType"].as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expected = [
            ("pk".to_string(), "HASH".to_string()),
            ("sk".to_string(), "RANGE".to_string()),
        ];
        if schema != expected {
            return Err(StoreError::Unavailable(format!(
                "dynamodb: table {} must have the key schema pk (HASH, string), sk (RANGE, string)",
                self.table
            )));
        }
        let ttl = self
            .call("DescribeTimeToLive", json!({ "TableName": self.table }))
            .await
            .map_err(unavailable)?;
        let d = &ttl["TimeToLiveDescription"];
        let on = matches!(d["TimeToLiveStatus"].as_str(), Some("ENABLED" | "ENABLING"))
            && d["AttributeName"].as_str() == Some("ttl");
        if !on {
            tracing::warn!(
                table = %self.table,
                "dynamodb: time to live is not enabled on attribute ttl: expired mappings stay in the table (encrypted, answering \"expired\") until it is"
            );
        }
        Ok(())
    }

    /// Creates the table on demand (billing per request) and waits until it is active.
    async fn create_table(&self) -> Result<Value, StoreError> {
        let created = self
            .call(
                "CreateTable",
                json!({
                    "TableName": self.table,
                    "AttributeDefinitions": [
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "sk", "AttributeType": "S"}
                    ],
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"}
                    ],
                    "BillingMode": "PAY_PER_REQUEST"
                }),
            )
            .await;
        match created {
            // Another replica creating it at the same moment is fine.
            Ok(_) => {}
            Err(e) if e.kind() == Some("ResourceInUseException") => {}
            Err(e) => return Err(unavailable(e)),
        }
        // Table creation is asynchronous on DynamoDB's side; its status is the only signal.
        let mut waited = Duration::ZERO;
        let step = Duration::from_millis(100);
        loop {
            let t = self
                .call("DescribeTable", json!({ "TableName": self.table }))
                .await
                .map_err(unavailable)?;
            if t["Table"]["TableStatus"].as_str() == Some("ACTIVE") {
                let ttl = self
                    .call(
                        "UpdateTimeToLive",
                        json!({
                            "TableName": self.table,
                            "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "ttl"}
                        }),
                    )
                    .await;
                if let Err(e) = ttl {
                    tracing::warn!(table = %self.table, error = %e, "dynamodb: could not enable time to live");
                }
                return Ok(t);
            }
            if waited > Duration::from_secs(120) {
                return Err(StoreError::Unavailable(format!(
                    "dynamodb: table {} not active after 120 s",
                    self.table
                )));
            }
            tokio::time::sleep(step).await;
            waited += step;
        }
    }

    /// Strongly consistent reads of many items by partition key (sort key `-`), in batches,
    /// retrying unprocessed keys; the result is keyed by `pk`.
    async fn batch_get(
        &self,
        pks: impl IntoIterator<Item = String>,
        projection: Option<&str>,
    ) -> Result<HashMap<String, Item>, StoreError> {
        let mut unique: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for pk in pks {
            if seen.insert(pk.clone()) {
                unique.push(pk);
            }
        }
        let mut found = HashMap::new();
        for chunk in unique.chunks(BATCH_GET) {
            let mut keys: Vec<Value> = chunk.iter().map(|pk| key(pk, ONLY)).collect();
            let mut round = 0;
            while !keys.is_empty() {
                let mut spec = json!({ "Keys": keys, "ConsistentRead": true });
                if let Some(p) = projection {
                    spec["ProjectionExpression"] = json!(p);
                    spec["ExpressionAttributeNames"] = json!({ "#pk": "pk" });
                }
                let out = self
                    .call(
                        "BatchGetItem",
                        json!({ "RequestItems": { self.table.clone(): spec } }),
                    )
                    .await
                    .map_err(unavailable)?;
                for item in out["Responses"][&self.table]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if let Some(item) = item.as_object() {
                        if let Some(pk) = get_s(item, "pk") {
                            found.insert(pk.to_string(), item.clone());
                        }
                    }
                }
                keys = out["UnprocessedKeys"][&self.table]["Keys"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if !keys.is_empty() {
                    next_round(&mut round, "read").await?;
                }
            }
        }
        Ok(found)
    }

    /// Deletes items in batches, retrying unprocessed ones.
    async fn batch_delete(&self, keys: Vec<Value>) -> Result<(), StoreError> {
        for chunk in keys.chunks(BATCH_WRITE) {
            let mut requests: Vec<Value> = chunk
                .iter()
                .map(|k| json!({ "DeleteRequest": { "Key": k } }))
                .collect();
            let mut round = 0;
            while !requests.is_empty() {
                let out = self
                    .call(
                        "BatchWriteItem",
                        json!({ "RequestItems": { self.table.clone(): requests } }),
                    )
                    .await
                    .map_err(unavailable)?;
                requests = out["UnprocessedItems"][&self.table]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if !requests.is_empty() {
                    next_round(&mut round, "write").await?;
                }
            }
        }
        Ok(())
    }

    /// The sort keys (tokens) in one partition, following pages.
    async fn tokens_in(&self, pk: &str) -> Result<Vec<String>, StoreError> {
        let mut tokens = Vec::new();
        let mut start: Option<Value> = None;
        loop {
            let mut request = json!({
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": { ":pk": s(pk) },
                "ProjectionExpression": "sk",
                "ConsistentRead": true
            });
            if let Some(k) = start.take() {
                request["ExclusiveStartKey"] = k;
            }
            let out = self.call("Query", request).await.map_err(unavailable)?;
            for item in out["Items"].as_array().into_iter().flatten() {
                if let Some(t) = item.as_object().and_then(|i| get_s(i, "sk")) {
                    tokens.push(t.to_string());
                }
            }
            match out.get("LastEvaluatedKey") {
                Some(k) if k.is_object() => start = Some(k.clone()),
                _ => return Ok(tokens),
            }
        }
    }

    async fn get_item(&self, pk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .call(
                "GetItem",
                json!({ "TableName": self.table, "Key": key(pk, ONLY), "ConsistentRead": true }),
            )
            .await
            .map_err(unavailable)?;
        Ok(out.get("Item").and_then(Value::as_object).cloned())
    }

    /// Puts an item unless one exists at its key; `false` when one did.
    async fn put_new(&self, item: Value) -> Result<bool, StoreError> {
        let put = self
            .call(
                "PutItem",
                json!({
                    "TableName": self.table,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(pk)"
                }),
            )
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Adds a set entry (`pk`, token), or raises its `ttl` to `ttl`; never lowers it.
    async fn raise_entry(&self, pk: &str, sk: &str, ttl: u64) -> Result<(), StoreError> {
        self.conditional_update(
            key(pk, sk),
            "SET #ttl = :ttl",
            "attribute_not_exists(pk) OR #ttl < :ttl",
            json!({ ":ttl": n(ttl) }),
        )
        .await
        .map(|_| ())
    }

    /// An update that may find its condition false (`Ok(None)`); `Ok(Some(new item))` else.
    async fn conditional_update(
        &self,
        key: Value,
        update: &str,
        condition: &str,
        values: Value,
    ) -> Result<Option<Item>, StoreError> {
        let mut request = json!({
            "TableName": self.table,
            "Key": key,
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ReturnValues": "ALL_NEW"
        });
        // `ttl` is a reserved word in expressions; DynamoDB refuses an empty names map.
        if update.contains("#ttl") || condition.contains("#ttl") {
            request["ExpressionAttributeNames"] = json!({ "#ttl": "ttl" });
        }
        let out = self.call("UpdateItem", request).await;
        match out {
            Ok(v) => Ok(v.get("Attributes").and_then(Value::as_object).cloned()),
            Err(e) if is_condition_failure(&e) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Deletes an item if `condition` holds; whether it did.
    async fn delete_if(
        &self,
        key: Value,
        condition: &str,
        values: Value,
    ) -> Result<bool, StoreError> {
        let mut request = json!({
            "TableName": self.table,
            "Key": key,
            "ConditionExpression": condition,
        });
        if values.as_object().is_some_and(|v| !v.is_empty()) {
            request["ExpressionAttributeValues"] = values;
        }
        match self.call("DeleteItem", request).await {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Deletes a mapping and its items: once it has no grant left (erasure by scope), or
    /// while it still maps the value key `k` (erasure by value); whether it was removed.
    async fn remove_mapping(
        &self,
        tenant: &str,
        token: &str,
        m: &Item,
        why: Removal<'_>,
    ) -> Result<bool, StoreError> {
        let mpk = mapping_pk(tenant, token);
        let (condition, values) = match why {
            Removal::Ungranted => (
                "attribute_exists(pk) AND attribute_not_exists(g)",
                json!({}),
            ),
            Removal::OfValue(k) => ("k = :k", json!({ ":k": s(k) })),
        };
        if !self.delete_if(key(&mpk, ONLY), condition, values).await? {
            // Either the condition is false (a grant came back, the token maps another value
            // now), or a retried delete found its own first attempt done: only then go on.
            if self.get_item(&mpk).await?.is_some() {
                return Ok(false);
            }
        }
        let mut rest = Vec::new();
        if let Some(i) = get_s(m, "i") {
            // The index item, unless it already names another token.
            self.delete_if(
                key(&format!("{tenant}/i/{i}"), ONLY),
                "tok = :t",
                json!({ ":t": s(token) }),
            )
            .await?;
        }
        if let Some(k) = get_s(m, "k") {
            rest.push(key(&format!("{tenant}/v/{k}"), token));
        }
        for scope in scopes(m) {
            rest.push(key(&format!("{tenant}/s/{scope}"), token));
        }
        self.batch_delete(rest).await?;
        Ok(true)
    }

    /// One new mapping, decided as the module's header describes.
    async fn insert_one(&self, tenant: &str, new: &NewMapping) -> Result<Inserted, StoreError> {
        let m = &new.mapping;
        let ihex = hex::encode(m.index_key);
        let scope_hex = hex::encode(new.scope);
        let ttl = drop_at(m.expires_at);
        let mpk = mapping_pk(tenant, &m.token);
        let item = json!({
            "pk": s(&mpk), "sk": s(ONLY),
            "e": s(&m.entity), "v": n(u64::from(m.key_version)),
            "n": b(&m.nonce), "c": b(&m.ciphertext), "x": n(m.expires_at),
            "i": s(&ihex), "k": s(&hex::encode(m.value_key)),
            "g": ss(&scope_hex), "ttl": n(ttl)
        });
        if !self.put_new(item).await? {
            let existing = self.get_item(&mpk).await?;
            let ours = existing
                .as_ref()
                .is_some_and(|e| get_s(e, "i") == Some(ihex.as_str()));
            if !ours {
                return Ok(Inserted::TokenTaken);
            }
            // This value's own mapping, by a racing writer, by one that stopped before its
            // index item, or by this writer's own put whose answer was lost and retried:
            // complete its set entries and its index, and adopt whichever token that names.
            let existing = existing.expect("ours");
            self.complete_entries(tenant, &m.token, &existing, ttl)
                .await?;
            let token = self
                .claim_index(tenant, &m.index_key, &m.token, ttl)
                .await?;
            return Ok(Inserted::AlreadyMapped(token));
        }
        let (in_scope, of_value) = (scope_pk(tenant, &new.scope), value_pk(tenant, &m.value_key));
        tokio::try_join!(
            self.raise_entry(&in_scope, &m.token, ttl),
            self.raise_entry(&of_value, &m.token, ttl),
        )?;
        let token = self
            .claim_index(tenant, &m.index_key, &m.token, ttl)
            .await?;
        if token == m.token {
            return Ok(Inserted::Created);
        }
        // Another writer mapped this value to another token first. Ours stays, unreturned:
        // deleting it could delete a mapping another writer adopted meanwhile, and it holds
        // the same value, reached by erasure through its entries like any other.
        Ok(Inserted::AlreadyMapped(token))
    }

    /// The scope and value entries of an existing mapping, each raised to `ttl`.
    async fn complete_entries(
        &self,
        tenant: &str,
        token: &str,
        m: &Item,
        ttl: u64,
    ) -> Result<(), StoreError> {
        let mut pks: Vec<String> = scopes(m)
            .iter()
            .map(|scope| format!("{tenant}/s/{scope}"))
            .collect();
        pks.extend(get_s(m, "k").map(|k| format!("{tenant}/v/{k}")));
        stream::iter(pks)
            .map(|pk| async move { self.raise_entry(&pk, token, ttl).await })
            .buffer_unordered(CONCURRENT_CALLS)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    /// Points the value's index item at `token` unless it names one already; the token it
    /// names afterwards.
    async fn claim_index(
        &self,
        tenant: &str,
        ik: &IndexKey,
        token: &str,
        ttl: u64,
    ) -> Result<String, StoreError> {
        let pk = index_pk(tenant, ik);
        let ihex = hex::encode(ik);
        let item = json!({ "pk": s(&pk), "sk": s(ONLY), "tok": s(token), "ttl": n(ttl) });
        // A few rounds: each lost one means another writer or an erasure moved the index.
        for _ in 0..4 {
            if self.put_new(item.clone()).await? {
                return Ok(token.to_string());
            }
            let Some(existing) = self.get_item(&pk).await? else {
                continue; // erased between the put and the read
            };
            let named = get_s(&existing, "tok").ok_or_else(corrupt)?;
            if named == token {
                return Ok(token.to_string());
            }
            let live = self
                .get_item(&mapping_pk(tenant, named))
                .await?
                .is_some_and(|m| get_s(&m, "i") == Some(ihex.as_str()));
            if live {
                return Ok(named.to_string());
            }
            // The index names a mapping that is gone (an erasure or DynamoDB's TTL removed
            // it first): point it at ours, unless someone else moves it first.
            let moved = self
                .conditional_update(
                    key(&pk, ONLY),
                    "SET tok = :t, #ttl = :ttl",
                    "tok = :old",
                    json!({ ":t": s(token), ":ttl": n(ttl), ":old": s(named) }),
                )
                .await?;
            if moved.is_some() {
                return Ok(token.to_string());
            }
        }
        Err(StoreError::Unavailable(
            "dynamodb: the value's index kept changing during the write; retry".into(),
        ))
    }

    /// Grants one scope and extends one mapping's expiry (never shortening it).
    async fn touch_one(&self, tenant: &str, t: &Touch) -> Result<(), StoreError> {
        let ihex = hex::encode(t.index_key);
        let scope_hex = hex::encode(t.scope);
        let mpk = mapping_pk(tenant, &t.token);
        let Some(m) = self
            .conditional_update(
                key(&mpk, ONLY),
                "ADD g :g",
                "i = :i",
                json!({ ":g": ss(&scope_hex), ":i": s(&ihex) }),
            )
            .await?
        else {
            return Ok(()); // gone, or the token now maps another value
        };
        let mut ttl = get_n(&m, "ttl").unwrap_or_else(|| drop_at(t.expires_at));
        if get_n(&m, "x").is_some_and(|x| t.expires_at > x) {
            ttl = drop_at(t.expires_at);
            self.conditional_update(
                key(&mpk, ONLY),
                "SET x = :x, #ttl = :ttl",
                "i = :i AND x < :x",
                json!({ ":x": n(t.expires_at), ":ttl": n(ttl), ":i": s(&ihex) }),
            )
            .await?;
            self.conditional_update(
                key(&index_pk(tenant, &t.index_key), ONLY),
                "SET #ttl = :ttl",
                "tok = :t AND #ttl < :ttl",
                json!({ ":ttl": n(ttl), ":t": s(&t.token) }),
            )
            .await?;
            if let Some(k) = get_s(&m, "k") {
                self.raise_entry(&format!("{tenant}/v/{k}"), &t.token, ttl)
                    .await?;
            }
        }
        self.raise_entry(&scope_pk(tenant, &t.scope), &t.token, ttl)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Store for DynamoDbStore {
    fn kind(&self) -> &'static str {
        "dynamodb"
    }

    async fn find(
        &self,
        tenant: &str,
        keys: &[IndexKey],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Found>>, StoreError> {
        let index = self
            .batch_get(keys.iter().map(|k| index_pk(tenant, k)), None)
            .await?;
        let tokens: Vec<Option<String>> = keys
            .iter()
            .map(|k| {
                index
                    .get(&index_pk(tenant, k))
                    .and_then(|i| get_s(i, "tok"))
                    .map(String::from)
            })
            .collect();
        let mappings = self
            .batch_get(
                tokens.iter().flatten().map(|t| mapping_pk(tenant, t)),
                Some("#pk, x, g"),
            )
            .await?;
        let scope_hex = hex::encode(scope);
        Ok(tokens
            .into_iter()
            .map(|t| {
                let t = t?;
                let m = mappings.get(&mapping_pk(tenant, &t))?;
                Some(Found {
                    expires_at: get_n(m, "x")?,
                    granted: has_scope(m, &scope_hex),
                    token: t,
                })
            })
            .collect())
    }

    async fn insert(&self, tenant: &str, new: &[NewMapping]) -> Result<Vec<Inserted>, StoreError> {
        // Items proposing one token are decided in order (the later one sees the token taken,
        // as on every store); the others at once, each a few round trips.
        let mut by_token: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in new.iter().enumerate() {
            by_token.entry(&n.mapping.token).or_default().push(i);
        }
        let decided: Vec<Vec<(usize, Inserted)>> = stream::iter(by_token.into_values())
            .map(|items| async move {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push((i, self.insert_one(tenant, &new[i]).await?));
                }
                Ok::<_, StoreError>(out)
            })
            .buffer_unordered(CONCURRENT_CALLS)
            .try_collect()
            .await?;
        let mut out: Vec<Option<Inserted>> = vec![None; new.len()];
        for (i, outcome) in decided.into_iter().flatten() {
            out[i] = Some(outcome);
        }
        Ok(out
            .into_iter()
            .map(|o| o.expect("every item decided"))
            .collect())
    }

    async fn touch(&self, tenant: &str, touches: &[Touch]) -> Result<(), StoreError> {
        // Each touch only adds a grant and raises expiries: any order gives the same result.
        stream::iter(0..touches.len())
            .map(|i| self.touch_one(tenant, &touches[i]))
            .buffer_unordered(CONCURRENT_CALLS)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    async fn get(
        &self,
        tenant: &str,
        tokens: &[String],
        scope: &ScopeHash,
    ) -> Result<Vec<Option<Stored>>, StoreError> {
        let items = self
            .batch_get(tokens.iter().map(|t| mapping_pk(tenant, t)), None)
            .await?;
        let scope_hex = hex::encode(scope);
        tokens
            .iter()
            .map(|t| {
                let Some(item) = items.get(&mapping_pk(tenant, t)) else {
                    return Ok(None);
                };
                Ok(Some(Stored {
                    mapping: mapping(t, item)?,
                    granted: has_scope(item, &scope_hex),
                }))
            })
            .collect()
    }

    async fn erase_values(&self, tenant: &str, keys: &[IndexKey]) -> Result<u64, StoreError> {
        let mut removed = 0;
        for k in keys {
            let vpk = value_pk(tenant, k);
            let khex = hex::encode(k);
            let tokens = self.tokens_in(&vpk).await?;
            let items = self
                .batch_get(tokens.iter().map(|t| mapping_pk(tenant, t)), None)
                .await?;
            // Each entry goes before its mapping: a writer that re-creates the mapping
            // meanwhile writes its entry after, so no live mapping is left without one.
            for t in &tokens {
                self.batch_delete(vec![key(&vpk, t)]).await?;
                let Some(m) = items.get(&mapping_pk(tenant, t)) else {
                    continue;
                };
                if get_s(m, "k") == Some(khex.as_str())
                    && self
                        .remove_mapping(tenant, t, m, Removal::OfValue(&khex))
                        .await?
                {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    async fn erase_scope(&self, tenant: &str, scope: &ScopeHash) -> Result<u64, StoreError> {
        let spk = scope_pk(tenant, scope);
        let scope_hex = hex::encode(scope);
        let tokens = self.tokens_in(&spk).await?;
        let mut removed = 0;
        for t in &tokens {
            // The entry goes before the grant: a touch that grants the scope again writes
            // its entry after its grant, so no grant is left without an entry.
            self.batch_delete(vec![key(&spk, t)]).await?;
            let Some(m) = self
                .conditional_update(
                    key(&mapping_pk(tenant, t), ONLY),
                    "DELETE g :g",
                    "attribute_exists(pk)",
                    json!({ ":g": ss(&scope_hex) }),
                )
                .await?
            else {
                continue;
            };
            // DynamoDB removes a set attribute when its last element goes.
            if m.get("g").is_none()
                && self
                    .remove_mapping(tenant, t, &m, Removal::Ungranted)
                    .await?
            {
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn sweep(&self, _now: u64) -> Result<u64, StoreError> {
        // DynamoDB deletes expired items itself (the table's TTL on `ttl`).
        Ok(0)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.get_item("veil/ping").await.map(|_| ())
    }

    async fn key_get(&self, tenant: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.get_item(&format!("{tenant}/k/{name}")).await? {
            Some(item) => get_b(&item, "b").map(Some).ok_or_else(corrupt),
            None => Ok(None),
        }
    }

    async fn key_put(&self, tenant: &str, name: &str, blob: &[u8]) -> Result<Vec<u8>, StoreError> {
        let pk = format!("{tenant}/k/{name}");
        if self
            .put_new(json!({ "pk": s(&pk), "sk": s(ONLY), "b": b(blob) }))
            .await?
        {
            return Ok(blob.to_vec());
        }
        let kept = self.get_item(&pk).await?.ok_or_else(|| {
            StoreError::Unavailable("dynamodb: a key record changed during the write; retry".into())
        })?;
        get_b(&kept, "b").ok_or_else(corrupt)
    }

    async fn key_delete(&self, tenant: &str, name: &str) -> Result<bool, StoreError> {
        let out = self
            .call(
                "DeleteItem",
                json!({
                    "TableName": self.table,
                    "Key": key(&format!("{tenant}/k/{name}"), ONLY),
                    "ReturnValues": "ALL_OLD"
                }),
            )
            .await
            .map_err(unavailable)?;
        Ok(out.get("Attributes").is_some_and(Value::is_object))
    }
}
