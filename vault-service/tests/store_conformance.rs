//! One conformance suite, run against every store: embedded (fjall), Redis, Redis Cluster,
//! PostgreSQL and DynamoDB. Each case drives the real `Vault` in-process over the real
//! backend, with a clock the test moves: the machine's Redis and PostgreSQL, a three-master
//! Redis Cluster and a dynalite (DynamoDB's API on LevelDB) started for the case. Cases fail
//! in CI if their backend is missing (`VEIL_REQUIRE_BACKENDS=1`) and say loudly that they
//! skip elsewhere.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use veil_kinds::token::{is_token, Minter};
use veil_kinds::Entity;
use veil_vault::config::{DynamoDbConfig, PostgresConfig, RedisConfig};
use veil_vault::keys::MasterKeys;
use veil_vault::store::dynamodb::DynamoDbStore;
use veil_vault::store::embedded::EmbeddedStore;
use veil_vault::store::postgres::PostgresStore;
use veil_vault::store::redis::RedisStore;
use veil_vault::store::{Store, EXPIRED_GRACE_SECONDS};
use veil_vault::vault::{Clock, Item, Linkage, Status, Vault};

const T0: u64 = 1_900_000_000;

/// Tokens derived in the scope (the default) and in the tenant.
const SCOPED: Linkage = Linkage::Scope;
const TENANT_WIDE: Linkage = Linkage::Tenant;

#[derive(Clone, Copy)]
enum Kind {
    Embedded,
    Redis,
    RedisCluster,
    Postgres,
    DynamoDb,
}

/// A backend for one test: a fresh embedded file, or the shared Redis/PostgreSQL with a
/// tenant of its own. `reopen` gives a second store instance on the same data (a restart,
/// or another replica).
struct Backend {
    kind: Kind,
    dir: tempfile::TempDir,
    /// The servers started for this case (a cluster's nodes, a dynalite); killed on drop.
    _servers: Vec<Server>,
    url: String,
}

impl Backend {
    fn new(kind: Kind) -> Option<Self> {
        let (servers, url) = match kind {
            Kind::Embedded => (vec![], String::new()),
            Kind::Redis => (vec![], redis_up().then(|| REDIS_URL.to_string())?),
            Kind::Postgres => (vec![], postgres_up().then(|| POSTGRES_URL.to_string())?),
            Kind::RedisCluster => {
                if !program_available("redis-server") || !program_available("redis-cli") {
                    return None;
                }
                let cluster = RedisCluster::start(0);
                let url = cluster.url();
                (cluster.nodes, url)
            }
            Kind::DynamoDb => {
                let server = private_dynalite(&dynalite_program()?);
                let url = format!("http://127.0.0.1:{}", server.port);
                (vec![server], url)
            }
        };
        Some(Backend {
            kind,
            dir: tempfile::tempdir().unwrap(),
            _servers: servers,
            url,
        })
    }

    async fn open(&self) -> Arc<dyn Store> {
        match self.kind {
            Kind::Embedded => {
                Arc::new(EmbeddedStore::open(&self.dir.path().join("store")).unwrap())
            }
            Kind::Redis => Arc::new(
                RedisStore::connect(&RedisConfig::at(&self.url))
                    .await
                    .unwrap(),
            ),
            Kind::RedisCluster => {
                let config = RedisConfig {
                    cluster: true,
                    ..RedisConfig::at(&self.url)
                };
                Arc::new(RedisStore::connect(&config).await.unwrap())
            }
            Kind::Postgres => Arc::new(
                PostgresStore::connect(&PostgresConfig::at(&self.url))
                    .await
                    .unwrap(),
            ),
            Kind::DynamoDb => Arc::new(
                DynamoDbStore::connect_with(
                    &DynamoDbConfig::at(&self.url, "veil"),
                    test_aws_credentials(),
                )
                .await
                .unwrap(),
            ),
        }
    }
}

struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn new() -> Self {
        TestClock(Arc::new(AtomicU64::new(T0)))
    }
    fn clock(&self) -> Clock {
        let t = self.0.clone();
        Arc::new(move || t.load(Ordering::SeqCst))
    }
    fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

fn vault(store: Arc<dyn Store>, keys: Arc<MasterKeys>, clock: &TestClock) -> Vault {
    Vault::with_parts(store, keys, Minter::default(), clock.clock())
}

fn item(entity: Entity, value: &str) -> Item {
    Item {
        entity,
        value: value.to_string(),
    }
}

fn values() -> Vec<Item> {
    vec![
        item(Entity::EmailAddress, "jane.roe@corp-mail.com"),
        item(Entity::CreditCard, "4111 1111 1111 1111"),
        item(Entity::UsSsn, "078-05-1120"),
        item(Entity::PhoneNumber, "+1 (415) 867-5309"),
        item(Entity::IbanCode, "GB82 WEST 1234 5698 7654 32"),
        item(Entity::AbaRoutingNumber, "021000021"),
        item(Entity::IpAddress, "81.2.69.142"),
        item(Entity::Person, "Jane Roe"),
        item(Entity::Custom("EMPLOYEE_ID".into()), "E-55120"),
    ]
}

/// Tokens for `items` in `scope`, valid for an hour.
async fn tokenize_for_an_hour(
    v: &Vault,
    tenant: &str,
    scope: &str,
    linkage: Linkage,
    items: &[Item],
) -> Vec<String> {
    v.tokenize(tenant, scope, linkage, 3600, items)
        .await
        .unwrap()
}

async fn ok_values(v: &Vault, tenant: &str, scope: &str, tokens: &[String]) -> Vec<Option<String>> {
    v.rehydrate(tenant, scope, &BTreeSet::new(), tokens)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.value)
        .collect()
}

async fn statuses(v: &Vault, tenant: &str, scope: &str, tokens: &[String]) -> Vec<Status> {
    v.rehydrate(tenant, scope, &BTreeSet::new(), tokens)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect()
}

/// Same value, same token: within a call, across calls, across a restart; tokens keep the
/// value's format, and the tokens rehydrate to the exact values.
async fn deterministic_and_reversible(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("det");
    let items = values();
    let v = vault(b.open().await, master_keys(KEYS_V1), &clock);
    let mut twice = items.clone();
    twice.extend(items.clone());
    let tokens = tokenize_for_an_hour(&v, &tenant, "user-1", SCOPED, &twice).await;
    assert_eq!(
        tokens[..items.len()],
        tokens[items.len()..],
        "same value, same token within a call"
    );
    for (i, t) in items.iter().zip(&tokens) {
        assert!(
            is_token(&i.entity, t),
            "{} token has the wrong shape: {t}",
            i.entity
        );
        assert_ne!(&i.value, t);
    }
    let again = tokenize_for_an_hour(&v, &tenant, "user-1", SCOPED, &items).await;
    assert_eq!(again, tokens[..items.len()]);
    drop(v);
    let restarted = vault(b.open().await, master_keys(KEYS_V1), &clock);
    assert_eq!(
        tokenize_for_an_hour(&restarted, &tenant, "user-1", SCOPED, &items).await,
        again,
        "stable across a restart"
    );
    let expected: Vec<Option<String>> = items.iter().map(|i| Some(i.value.clone())).collect();
    assert_eq!(
        ok_values(&restarted, &tenant, "user-1", &again).await,
        expected
    );

    // Another tenant: different tokens, and this tenant's tokens mean nothing there.
    let other = unique_tenant("det-other");
    let theirs = tokenize_for_an_hour(&restarted, &other, "user-1", SCOPED, &items).await;
    assert!(
        theirs.iter().zip(&again).all(|(a, b)| a != b),
        "tenants share no tokens"
    );
    let cross = restarted
        .rehydrate(&other, "user-1", &BTreeSet::new(), &again)
        .await
        .unwrap();
    assert!(cross
        .iter()
        .all(|r| r.status == Status::Unknown && r.value.is_none()));
}

/// A deliberately tiny token space (32 typed ids at attempt 0): collisions happen, each is
/// detected, every value still gets its own token, the outcome is the same on every
/// backend for the same arrival order, and it is stable afterwards.
async fn collisions_resolve_deterministically(b: Backend) {
    let clock = TestClock::new();
    // A fixed name per backend (the embedded reference below uses the same one, since tokens
    // depend on the tenant's keys); shared backends are cleared of it first.
    let tenant = match b.kind {
        Kind::Embedded => "collide-embedded",
        Kind::Redis => "collide-redis",
        Kind::RedisCluster => "collide-redis-cluster",
        Kind::Postgres => "collide-postgres",
        Kind::DynamoDb => "collide-dynamodb",
    }
    .to_string();
    let names: Vec<Item> = (0..40)
        .map(|i| item(Entity::Person, &format!("Person number {i}")))
        .collect();
    let tiny = |store| {
        Vault::with_parts(
            store,
            master_keys(KEYS_V1),
            Minter::with_typed_id_len(1),
            clock.clock(),
        )
    };

    // Reference: a fresh embedded store, same tenant name and keys, same order.
    let reference_dir = tempfile::tempdir().unwrap();
    let reference = tiny(Arc::new(
        EmbeddedStore::open(&reference_dir.path().join("reference")).unwrap(),
    ));
    let mut expected = Vec::new();
    for n in &names {
        expected.extend(
            tokenize_for_an_hour(&reference, &tenant, "s", SCOPED, std::slice::from_ref(n)).await,
        );
    }

    let store = b.open().await;
    // Shared backends keep data between runs: start this tenant from nothing.
    store
        .erase_scope(
            &tenant,
            &tiny(store.clone()).scope_hash(&tenant, "s").await.unwrap(),
        )
        .await
        .unwrap();
    let v = tiny(store);
    let mut got = Vec::new();
    for n in &names {
        got.extend(tokenize_for_an_hour(&v, &tenant, "s", SCOPED, std::slice::from_ref(n)).await);
    }
    let distinct: HashSet<&String> = got.iter().collect();
    assert_eq!(
        distinct.len(),
        names.len(),
        "every value has its own token: {got:?}"
    );
    assert!(
        got.iter().any(|t| t.len() > "Person_".len() + 1),
        "the tiny space must have collided"
    );
    assert_eq!(
        got, expected,
        "collision resolution depends only on arrival order"
    );
    assert_eq!(
        tokenize_for_an_hour(&v, &tenant, "s", SCOPED, &names).await,
        got,
        "stable afterwards"
    );
    let want: Vec<Option<String>> = names.iter().map(|n| Some(n.value.clone())).collect();
    assert_eq!(ok_values(&v, &tenant, "s", &got).await, want);
}

/// Scoped rehydration: only the scopes that tokenized a value get it back; a role with
/// unmask rights for the type gets it anyway; tokens of one scope pasted by another are denied.
async fn rehydration_is_scoped(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("scope");
    let v = vault(b.open().await, master_keys(KEYS_V1), &clock);
    let email = item(Entity::EmailAddress, "alice@corp-mail.com");
    let card = item(Entity::CreditCard, "5500 0000 0000 0004");
    let tokens = tokenize_for_an_hour(
        &v,
        &tenant,
        "user-a",
        SCOPED,
        &[email.clone(), card.clone()],
    )
    .await;

    let as_b = v
        .rehydrate(&tenant, "user-b", &BTreeSet::new(), &tokens)
        .await
        .unwrap();
    assert!(
        as_b.iter()
            .all(|r| r.status == Status::Denied && r.value.is_none()),
        "{as_b:?}"
    );
    let unscoped = v
        .rehydrate(&tenant, "", &BTreeSet::new(), &tokens)
        .await
        .unwrap();
    assert!(unscoped.iter().all(|r| r.status == Status::Denied));

    let support: BTreeSet<String> = ["EMAIL_ADDRESS".to_string()].into();
    let as_support = v
        .rehydrate(&tenant, "user-b", &support, &tokens)
        .await
        .unwrap();
    assert_eq!(
        (as_support[0].status, as_support[0].value.as_deref()),
        (Status::Ok, Some("alice@corp-mail.com"))
    );
    assert_eq!(
        as_support[1].status,
        Status::Denied,
        "unmask rights are per type"
    );

    // user-b sends the same value itself: it gets a token of its own, and user-a's token
    // stays user-a's (sending a candidate value next to a stolen token reveals nothing).
    let theirs =
        tokenize_for_an_hour(&v, &tenant, "user-b", SCOPED, std::slice::from_ref(&email)).await;
    assert_ne!(
        theirs[0], tokens[0],
        "tokens are not linkable across scopes"
    );
    let after = v
        .rehydrate(&tenant, "user-b", &BTreeSet::new(), &tokens)
        .await
        .unwrap();
    assert_eq!(
        (after[0].status, after[1].status),
        (Status::Denied, Status::Denied)
    );
    assert_eq!(
        ok_values(&v, &tenant, "user-b", &theirs).await,
        vec![Some(email.value.clone())]
    );
}

/// A tenant may choose tenant-wide tokens: one token per value across its scopes, and a
/// scope that sends a value is granted its token too.
async fn tenant_linkage_shares_tokens(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("linked");
    let v = vault(b.open().await, master_keys(KEYS_V1), &clock);
    let email = item(Entity::EmailAddress, "shared@corp-mail.com");
    let a = tokenize_for_an_hour(
        &v,
        &tenant,
        "user-a",
        TENANT_WIDE,
        std::slice::from_ref(&email),
    )
    .await;
    assert_eq!(
        statuses(&v, &tenant, "user-b", &a).await,
        vec![Status::Denied],
        "a token is still the sender's until another scope sends the value"
    );
    let b_tokens = tokenize_for_an_hour(
        &v,
        &tenant,
        "user-b",
        TENANT_WIDE,
        std::slice::from_ref(&email),
    )
    .await;
    assert_eq!(a, b_tokens, "one token across the tenant");
    assert_eq!(statuses(&v, &tenant, "user-b", &a).await, vec![Status::Ok]);
    let scoped =
        tokenize_for_an_hour(&v, &tenant, "user-a", SCOPED, std::slice::from_ref(&email)).await;
    assert_ne!(scoped, a, "the two derivations never share a token");
}

/// TTLs: an expired token answers "expired" (never its value) until the sweeper removes it
/// after the grace period; tokenizing again revives the same token.
async fn ttl_expiry_and_sweep(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("ttl");
    let store = b.open().await;
    let v = vault(store.clone(), master_keys(KEYS_V1), &clock);
    let p = item(Entity::Person, "Temporary Person");
    let token = v
        .tokenize(&tenant, "s", SCOPED, 60, std::slice::from_ref(&p))
        .await
        .unwrap();
    clock.advance(61);
    let r = v
        .rehydrate(&tenant, "s", &BTreeSet::new(), &token)
        .await
        .unwrap();
    assert_eq!(
        (r[0].status, r[0].value.as_deref()),
        (Status::Expired, None)
    );
    assert_eq!(
        v.tokenize(&tenant, "s", SCOPED, 60, std::slice::from_ref(&p))
            .await
            .unwrap(),
        token,
        "revived with the same token"
    );
    assert_eq!(
        ok_values(&v, &tenant, "s", &token).await,
        vec![Some(p.value.clone())]
    );

    if matches!(b.kind, Kind::Redis | Kind::RedisCluster | Kind::DynamoDb) {
        // Redis and DynamoDB expire keys on their own clock, which the test cannot move.
        return;
    }
    clock.advance(61 + EXPIRED_GRACE_SECONDS + 1);
    assert!(store.sweep(clock.0.load(Ordering::SeqCst)).await.unwrap() >= 1);
    let r = v
        .rehydrate(&tenant, "s", &BTreeSet::new(), &token)
        .await
        .unwrap();
    assert_eq!(r[0].status, Status::Unknown);
}

/// Erasure by value and by scope: erased tokens answer "unknown". Erasing a value reaches
/// every scope's mapping of it; erasing a scope removes what it tokenized, and another scope's
/// mapping of the same value survives.
async fn erasure(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("erase");
    let v = vault(b.open().await, master_keys(KEYS_V1), &clock);
    let mine = item(Entity::EmailAddress, "only-mine@corp-mail.com");
    let shared = item(Entity::Person, "Shared Name");
    let by_value = item(Entity::UsSsn, "078-05-1120");
    let all = [mine.clone(), shared.clone(), by_value.clone()];
    let t = tokenize_for_an_hour(&v, &tenant, "user-42", SCOPED, &all).await;
    let t7 = tokenize_for_an_hour(
        &v,
        &tenant,
        "user-7",
        SCOPED,
        &[shared.clone(), by_value.clone()],
    )
    .await;

    assert_eq!(
        v.erase_values(&tenant, std::slice::from_ref(&by_value))
            .await
            .unwrap(),
        2,
        "both scopes' mappings of the value"
    );
    assert_eq!(
        v.erase_values(&tenant, std::slice::from_ref(&by_value))
            .await
            .unwrap(),
        0,
        "erasing twice removes nothing"
    );
    assert_eq!(
        statuses(&v, &tenant, "user-42", &t).await,
        vec![Status::Ok, Status::Ok, Status::Unknown]
    );
    assert_eq!(
        statuses(&v, &tenant, "user-7", &t7).await,
        vec![Status::Ok, Status::Unknown]
    );

    assert_eq!(v.erase_scope(&tenant, "user-42").await.unwrap(), 2);
    assert_eq!(
        statuses(&v, &tenant, "user-42", &t).await,
        vec![Status::Unknown, Status::Unknown, Status::Unknown]
    );
    assert_eq!(
        ok_values(&v, &tenant, "user-7", &t7[..1]).await,
        vec![Some("Shared Name".to_string())],
        "another scope's mapping of the value survives"
    );

    // Tenant-wide tokens: one mapping, granted to both scopes; a scope's erasure leaves it
    // to the other.
    let linked = item(Entity::Person, "Linked Name");
    let lt = tokenize_for_an_hour(
        &v,
        &tenant,
        "user-42",
        TENANT_WIDE,
        std::slice::from_ref(&linked),
    )
    .await;
    tokenize_for_an_hour(
        &v,
        &tenant,
        "user-7",
        TENANT_WIDE,
        std::slice::from_ref(&linked),
    )
    .await;
    assert_eq!(v.erase_scope(&tenant, "user-42").await.unwrap(), 0);
    assert_eq!(statuses(&v, &tenant, "user-7", &lt).await, vec![Status::Ok]);
    assert_eq!(
        v.erase_values(&tenant, std::slice::from_ref(&linked))
            .await
            .unwrap(),
        1
    );
}

/// Rotating the master key: old values still decrypt, new writes use the new version, and a
/// value tokenized before the rotation keeps its token.
async fn key_rotation(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("rotate");
    let store = b.open().await;
    let old = vault(store.clone(), master_keys(KEYS_V1), &clock);
    let before = item(Entity::EmailAddress, "before@corp-mail.com");
    let after = item(Entity::EmailAddress, "after@corp-mail.com");
    let t_before =
        tokenize_for_an_hour(&old, &tenant, "s", SCOPED, std::slice::from_ref(&before)).await;

    let rotated = vault(store.clone(), master_keys(KEYS_V1_V2), &clock);
    assert_eq!(
        tokenize_for_an_hour(
            &rotated,
            &tenant,
            "s",
            SCOPED,
            std::slice::from_ref(&before)
        )
        .await,
        t_before
    );
    let t_after =
        tokenize_for_an_hour(&rotated, &tenant, "s", SCOPED, std::slice::from_ref(&after)).await;
    let both = [t_before[0].clone(), t_after[0].clone()];
    assert_eq!(
        ok_values(&rotated, &tenant, "s", &both).await,
        vec![Some(before.value), Some(after.value)]
    );

    let scope = rotated.scope_hash(&tenant, "s").await.unwrap();
    let stored = store.get(&tenant, &both, &scope).await.unwrap();
    // Scope-linked values are sealed with their scope's key too (the flag bit).
    let versions: Vec<u32> = stored
        .iter()
        .map(|s| s.as_ref().unwrap().mapping.key_version & !veil_vault::crypto::SCOPE_SEALED)
        .collect();
    assert_eq!(
        versions,
        vec![1, 2],
        "old value stays on v1, new writes use v2"
    );
    // The old key file alone cannot read what v2 wrote.
    assert!(old
        .rehydrate(&tenant, "s", &BTreeSet::new(), &t_after)
        .await
        .is_err());
}

/// Many concurrent requests tokenizing one new value, through two store instances (two
/// replicas' connections): one token per scope (and, with tenant-wide tokens, one token for
/// every scope, each of them granted).
async fn concurrent_writers_agree(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("race");
    let a = Arc::new(vault(b.open().await, master_keys(KEYS_V1), &clock));
    let second: Arc<Vault> = match b.kind {
        Kind::Embedded => a.clone(), // one process owns the file
        _ => Arc::new(vault(b.open().await, master_keys(KEYS_V1), &clock)),
    };
    for round in 0..5 {
        let value = item(Entity::Person, &format!("Racing Person {round}"));
        let mut tasks = Vec::new();
        for i in 0..16 {
            let v = if i % 2 == 0 {
                a.clone()
            } else {
                second.clone()
            };
            let (tenant, value) = (tenant.clone(), value.clone());
            tasks.push(tokio::spawn(async move {
                v.tokenize(&tenant, &format!("s{i}"), TENANT_WIDE, 3600, &[value])
                    .await
                    .unwrap()
            }));
        }
        let mut tokens = HashSet::new();
        for t in tasks {
            tokens.extend(t.await.unwrap());
        }
        assert_eq!(tokens.len(), 1, "round {round}: {tokens:?}");
        // Every racing scope was granted, including those that lost the race.
        let token: Vec<String> = tokens.into_iter().collect();
        for i in 0..16 {
            let r = a
                .rehydrate(&tenant, &format!("s{i}"), &BTreeSet::new(), &token)
                .await
                .unwrap();
            assert_eq!(r[0].status, Status::Ok, "scope s{i}");
        }
        // The same race within one scope.
        let value = item(
            Entity::Person,
            &format!("Racing Person {round} in one scope"),
        );
        let mut tasks = Vec::new();
        for i in 0..16 {
            let v = if i % 2 == 0 {
                a.clone()
            } else {
                second.clone()
            };
            let (tenant, value) = (tenant.clone(), value.clone());
            tasks.push(tokio::spawn(async move {
                tokenize_for_an_hour(&v, &tenant, "one", SCOPED, &[value]).await
            }));
        }
        let mut tokens = HashSet::new();
        for t in tasks {
            tokens.extend(t.await.unwrap());
        }
        assert_eq!(tokens.len(), 1, "round {round}, one scope: {tokens:?}");
    }
}

/// Key records: the first writer's record is kept (replicas racing agree on one scope key),
/// reads see it, and destroying it is final.
async fn key_records(b: Backend) {
    let tenant = unique_tenant("keys");
    let store = b.open().await;
    assert_eq!(store.key_get(&tenant, "scope:aa").await.unwrap(), None);
    let racing: Vec<_> = (0..8u8)
        .map(|i| {
            let (store, tenant) = (store.clone(), tenant.clone());
            tokio::spawn(async move { store.key_put(&tenant, "scope:aa", &[i; 48]).await.unwrap() })
        })
        .collect();
    let mut kept = HashSet::new();
    for r in racing {
        kept.insert(r.await.unwrap());
    }
    assert_eq!(kept.len(), 1, "one record wins");
    let winner = kept.into_iter().next().unwrap();
    assert_eq!(
        store.key_get(&tenant, "scope:aa").await.unwrap(),
        Some(winner.clone())
    );
    assert_eq!(
        store
            .key_get(&unique_tenant("other"), "scope:aa")
            .await
            .unwrap(),
        None
    );
    assert!(store.key_delete(&tenant, "scope:aa").await.unwrap());
    assert!(!store.key_delete(&tenant, "scope:aa").await.unwrap());
    assert_eq!(store.key_get(&tenant, "scope:aa").await.unwrap(), None);
}

/// Crypto-shredding: a scope's values are sealed under its own key, which erasing the scope
/// destroys; another scope's values, and tenant-wide tokens, keep theirs.
async fn erasing_a_scope_destroys_its_key(b: Backend) {
    let clock = TestClock::new();
    let tenant = unique_tenant("shred");
    let store = b.open().await;
    let keys = master_keys(KEYS_V1);
    let v = vault(store.clone(), keys.clone(), &clock);
    let name = |scope: &str| {
        let hash = veil_vault::crypto::scope_hash(&keys.lookup(&tenant), scope);
        format!("scope:{}", hex::encode(hash))
    };
    let mine = tokenize_for_an_hour(&v, &tenant, "alice", SCOPED, &values()).await;
    let theirs = tokenize_for_an_hour(&v, &tenant, "bob", SCOPED, &values()).await;
    assert!(store
        .key_get(&tenant, &name("alice"))
        .await
        .unwrap()
        .is_some());
    assert!(v.erase_scope(&tenant, "alice").await.unwrap() >= values().len() as u64);
    // The key is replaced by a tombstone: nothing of it is left to unwrap.
    assert_eq!(
        store.key_get(&tenant, &name("alice")).await.unwrap(),
        Some(b"erased".to_vec())
    );
    assert!(statuses(&v, &tenant, "alice", &mine)
        .await
        .iter()
        .all(|s| *s == Status::Unknown));
    let expected: Vec<Option<String>> = values().into_iter().map(|i| Some(i.value)).collect();
    assert_eq!(ok_values(&v, &tenant, "bob", &theirs).await, expected);
    // Scope "alice" again: a fresh key, and the same values sealed anew.
    let again = tokenize_for_an_hour(&v, &tenant, "alice", SCOPED, &values()).await;
    assert_eq!(ok_values(&v, &tenant, "alice", &again).await, expected);

    // An erasure cut short after destroying the key (or a write that raced it) leaves
    // mappings sealed under a dead key: they restore nothing, and the scope's next tokenize
    // finishes the erasure and seals the values anew instead of handing out dead tokens.
    store.key_delete(&tenant, &name("bob")).await.unwrap();
    store
        .key_put(&tenant, &name("bob"), b"erased")
        .await
        .unwrap();
    assert!(statuses(&v, &tenant, "bob", &theirs)
        .await
        .iter()
        .all(|s| *s == Status::Unknown));
    let resealed = tokenize_for_an_hour(&v, &tenant, "bob", SCOPED, &values()).await;
    assert_eq!(ok_values(&v, &tenant, "bob", &resealed).await, expected);
}

macro_rules! conformance {
    ($($case:ident),*) => {
        mod embedded { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { if let Some(b) = Backend::new(Kind::Embedded) { super::$case(b).await } } )* }
        mod redis { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { if let Some(b) = Backend::new(Kind::Redis) { super::$case(b).await } } )* }
        mod redis_cluster { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { if let Some(b) = Backend::new(Kind::RedisCluster) { super::$case(b).await } } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { if let Some(b) = Backend::new(Kind::Postgres) { super::$case(b).await } } )* }
        mod dynamodb { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { if let Some(b) = Backend::new(Kind::DynamoDb) { super::$case(b).await } } )* }
    };
}

conformance!(
    deterministic_and_reversible,
    collisions_resolve_deterministically,
    rehydration_is_scoped,
    tenant_linkage_shares_tokens,
    ttl_expiry_and_sweep,
    erasure,
    key_rotation,
    concurrent_writers_agree,
    key_records,
    erasing_a_scope_destroys_its_key
);

/// DynamoDB writes a new mapping in steps (mapping, set entries, index item). A writer that
/// stopped after its mapping (or whose put was retried after its answer was lost) leaves a
/// mapping nobody can find by value and no entries for erasure; the next writer of that value
/// adopts it and completes both, so the value keeps its one token and erasure reaches it.
/// An index item naming a mapping that is gone (DynamoDB's TTL deletes items one by one) is
/// pointed at a live mapping instead of handing out a dead token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_completes_writes_that_stopped_half_way() {
    use veil_vault::aws::AwsClient;
    let Some(b) = Backend::new(Kind::DynamoDb) else {
        return;
    };
    let clock = TestClock::new();
    let keys = master_keys(KEYS_V1);
    let v = vault(b.open().await, keys.clone(), &clock);
    let tenant = unique_tenant("repair");
    let person = item(Entity::Person, "Half Written");
    let token = tokenize_for_an_hour(&v, &tenant, "s", SCOPED, std::slice::from_ref(&person)).await;

    let lookup = keys.lookup(&tenant);
    let scope = veil_vault::crypto::scope_hash(&lookup, "s");
    let ik = veil_vault::crypto::index_key(&lookup, Some(&scope), "PERSON", &person.value);
    let vk = veil_vault::crypto::index_key(&lookup, None, "PERSON", &person.value);
    let client = AwsClient::dynamodb(
        "us-east-1",
        Some(&b.url),
        test_aws_credentials(),
        Duration::from_secs(2),
    )
    .unwrap();
    let at = |pk: String, sk: &str| serde_json::json!({"pk": {"S": pk}, "sk": {"S": sk}});
    let index = at(format!("{tenant}/i/{}", hex::encode(ik)), "-");
    let call = |op: &'static str, request: serde_json::Value| {
        let client = client.clone();
        async move { client.call(op, &request).await.unwrap() }
    };
    let read_index = || {
        call(
            "GetItem",
            serde_json::json!({"TableName": "veil", "Key": index, "ConsistentRead": true}),
        )
    };

    // What a writer that stopped right after its mapping leaves: no entries, no index.
    for key in [
        index.clone(),
        at(format!("{tenant}/v/{}", hex::encode(vk)), &token[0]),
        at(format!("{tenant}/s/{}", hex::encode(scope)), &token[0]),
    ] {
        call(
            "DeleteItem",
            serde_json::json!({"TableName": "veil", "Key": key}),
        )
        .await;
    }
    let again = tokenize_for_an_hour(&v, &tenant, "s", SCOPED, std::slice::from_ref(&person)).await;
    assert_eq!(again, token, "the stopped write's token is adopted");
    assert_eq!(read_index().await["Item"]["tok"]["S"], token[0].as_str());
    assert_eq!(
        ok_values(&v, &tenant, "s", &token).await,
        vec![Some(person.value.clone())]
    );

    // An index naming a token whose mapping is gone.
    call(
        "PutItem",
        serde_json::json!({"TableName": "veil", "Item": {
            "pk": index["pk"], "sk": index["sk"], "tok": {"S": "Person_GONE"}
        }}),
    )
    .await;
    let repaired =
        tokenize_for_an_hour(&v, &tenant, "s", SCOPED, std::slice::from_ref(&person)).await;
    assert_eq!(repaired, token, "the live mapping, not the dead token");
    assert_eq!(read_index().await["Item"]["tok"]["S"], token[0].as_str());

    // The completed entries let erasure by value and by scope find it.
    assert_eq!(
        v.erase_values(&tenant, std::slice::from_ref(&person))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        statuses(&v, &tenant, "s", &token).await,
        vec![Status::Unknown]
    );
    let other = item(Entity::Person, "Scoped Half Written");
    let scoped = tokenize_for_an_hour(&v, &tenant, "t", SCOPED, std::slice::from_ref(&other)).await;
    let t_scope = veil_vault::crypto::scope_hash(&lookup, "t");
    call(
        "DeleteItem",
        serde_json::json!({"TableName": "veil", "Key": at(format!("{tenant}/s/{}", hex::encode(t_scope)), &scoped[0])}),
    )
    .await;
    let t_ik = veil_vault::crypto::index_key(&lookup, Some(&t_scope), "PERSON", &other.value);
    call(
        "DeleteItem",
        serde_json::json!({"TableName": "veil", "Key": at(format!("{tenant}/i/{}", hex::encode(t_ik)), "-")}),
    )
    .await;
    tokenize_for_an_hour(&v, &tenant, "t", SCOPED, std::slice::from_ref(&other)).await;
    assert_eq!(v.erase_scope(&tenant, "t").await.unwrap(), 1);
    assert_eq!(
        statuses(&v, &tenant, "t", &scoped).await,
        vec![Status::Unknown]
    );
}
