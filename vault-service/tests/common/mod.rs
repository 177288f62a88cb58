//! Shared by the vault's integration tests: real backends (Redis, PostgreSQL) that are
//! required in CI and loudly skipped elsewhere, real `veil-vault` processes (`veil-testkit`,
//! shared with the end-to-end tests), and a TCP proxy that can cut a backend off and bring
//! it back.

#![allow(dead_code)]

use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use veil_vault::keys::MasterKeys;

pub const REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A master-key file with fixed keys, so tests can compare tokens across stores.
pub const KEYS_V1: &str =
    r#"{"active": 1, "keys": {"1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}"#;
pub const KEYS_V1_V2: &str = r#"{"active": 2, "keys": {"1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "2": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="}}"#;

pub fn master_keys(json: &str) -> Arc<MasterKeys> {
    Arc::new(MasterKeys::from_json(json).unwrap())
}

/// A tenant name no other test or run uses (tests share one Redis and one database).
pub fn unique_tenant(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}-{}-{}-{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether a backend's port answers. When it does not: with `VEIL_REQUIRE_BACKENDS=1` (CI)
/// the test fails; otherwise it says loudly that it skips.
pub fn backend_available(name: &str, addr: &str) -> bool {
    let up = TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(1)).is_ok();
    if !up {
        if std::env::var("VEIL_REQUIRE_BACKENDS").as_deref() == Ok("1") {
            panic!("{name} at {addr} is required (VEIL_REQUIRE_BACKENDS=1) but not reachable");
        }
        eprintln!("\n*** SKIPPING: {name} is not running at {addr}; this test did NOT run. ***\n");
    }
    up
}

pub fn redis_up() -> bool {
    backend_available("Redis", "127.0.0.1:6379")
}

pub fn postgres_up() -> bool {
    backend_available("PostgreSQL", "127.0.0.1:5432")
}

pub use veil_testkit::VaultProcess;

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_veil-vault"))
}

pub const DEV_KEY: &str = "dev-key-for-tests-7f3a9c";

/// This build's vault in dev mode on any free port, its data in `data_dir`.
pub fn dev_vault(data_dir: &Path) -> VaultProcess {
    VaultProcess::dev(&binary(), "127.0.0.1:0", data_dir, DEV_KEY)
}

/// This build's vault with a production configuration file.
pub fn config_vault(config: &Path) -> VaultProcess {
    VaultProcess::with_config(&binary(), config)
}

/// Writes a production config for a store and tenants `acme` (key `acme-key`, role
/// `filter`; key `acme-support`, role `support`: rehydrate, unmask EMAIL_ADDRESS; key
/// `acme-privacy`, role `privacy`: erase; key `acme-agent`, role `agent`: mask, unmask) and
/// `globex` (key `globex-key`). Returns the config path.
pub fn write_config(dir: &Path, store: &str, extra_top_level: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    let h = |k: &str| hex::encode(Sha256::digest(k.as_bytes()));
    std::fs::write(dir.join("keys.json"), KEYS_V1).unwrap();
    let config = format!(
        r#"{{
  "listen": "127.0.0.1:0",
  "master_keys_file": "{keys}",
  "store": {store},
  {extra_top_level}
  "tenants": {{
    "acme": {{"api_keys": [{{"sha256": "{a}", "role": "filter"}}, {{"sha256": "{s}", "role": "support"}},
                          {{"sha256": "{p}", "role": "privacy"}}, {{"sha256": "{m}", "role": "agent"}}],
              "roles": {{"support": {{"rights": ["rehydrate"], "unmask": ["EMAIL_ADDRESS"]}},
                        "privacy": {{"rights": ["erase"]}},
                        "agent": {{"rights": ["mask", "unmask"]}}}}}},
    "globex": {{"api_keys": [{{"sha256": "{g}", "role": "filter"}}]}}
  }}
}}"#,
        keys = dir.join("keys.json").display(),
        a = h("acme-key"),
        s = h("acme-support"),
        p = h("acme-privacy"),
        m = h("acme-agent"),
        g = h("globex-key"),
    );
    let path = dir.join("config.json");
    std::fs::write(&path, config).unwrap();
    path
}

/// A TCP proxy in front of a backend that the test can cut off (`down`: refuse new
/// connections and reset open ones) and restore (`up`), on the same port.
pub struct Proxy {
    pub port: u16,
    target: String,
    state: Arc<Mutex<ProxyState>>,
}

struct ProxyState {
    listener_alive: bool,
    generation: u64,
    open: Vec<TcpStream>,
}

impl Proxy {
    pub fn start(target: &str) -> Self {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        let proxy = Proxy {
            port,
            target: target.to_string(),
            state: Arc::new(Mutex::new(ProxyState {
                listener_alive: false,
                generation: 0,
                open: Vec::new(),
            })),
        };
        proxy.up();
        proxy
    }

    pub fn up(&self) {
        let listener = bind_retrying(self.port);
        let generation = {
            let mut s = self.state.lock().unwrap();
            s.listener_alive = true;
            s.generation += 1;
            s.generation
        };
        let state = self.state.clone();
        let target = self.target.clone();
        std::thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            loop {
                if state.lock().unwrap().generation != generation {
                    return; // down() was called: the listener closes here
                }
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = TcpStream::connect(&target) else {
                            continue;
                        };
                        let mut s = state.lock().unwrap();
                        s.open.push(client.try_clone().unwrap());
                        s.open.push(server.try_clone().unwrap());
                        drop(s);
                        pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                        pipe(server, client);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return,
                }
            }
        });
    }

    /// Refuses new connections and resets every open one.
    pub fn down(&self) {
        let mut s = self.state.lock().unwrap();
        s.listener_alive = false;
        s.generation += 1;
        for c in s.open.drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
        drop(s);
        // The accept loop notices the generation change within one poll and drops the
        // listener; wait until the port really refuses.
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(Instant::now() < deadline, "proxy port still accepting");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn bind_retrying(port: u16) -> TcpListener {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(l) => return l,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot rebind proxy port {port}: {e}"),
        }
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// Polls `check` until it holds or `limit` passes: waiting for a condition, not for time.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A POST with a bearer key and a JSON body; returns status, parsed JSON body and headers.
pub async fn post(
    url: &str,
    key: Option<&str>,
    body: &str,
) -> (u16, serde_json::Value, reqwest::header::HeaderMap) {
    let client = reqwest::Client::new();
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let resp = req.send().await.expect("the vault answers");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("answer is not JSON ({status}): {text}"));
    (status, json, headers)
}

pub async fn tokenize(
    vault: &VaultProcess,
    key: &str,
    tenant: &str,
    scope: &str,
    entities: &[(&str, &str)],
) -> Vec<String> {
    let entities: Vec<_> = entities
        .iter()
        .map(|(t, v)| serde_json::json!({"type": t, "value": v}))
        .collect();
    let body =
        serde_json::json!({"tenant": tenant, "scope": scope, "entities": entities}).to_string();
    let (status, json, _) = post(&vault.url("/v1/tokenize"), Some(key), &body).await;
    assert_eq!(status, 200, "{json}");
    json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

/// (status, value) per token.
pub async fn rehydrate(
    vault: &VaultProcess,
    key: &str,
    tenant: &str,
    scope: &str,
    tokens: &[String],
) -> Vec<(String, Option<String>)> {
    let body = serde_json::json!({"tenant": tenant, "scope": scope, "tokens": tokens}).to_string();
    let (status, json, _) = post(&vault.url("/v1/rehydrate"), Some(key), &body).await;
    assert_eq!(status, 200, "{json}");
    json["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["status"].as_str().unwrap().to_string(),
                v["value"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// An in-process app on a fresh embedded store: tenant `acme` with key `acme-key`, whose role
/// has every right (the routes' own checks are what these tests exercise). The audit trail
/// goes to a file in the returned directory.
pub fn in_process_app() -> (axum::Router, tempfile::TempDir) {
    use std::collections::BTreeMap;
    use veil_vault::audit::AuditSink;
    use veil_vault::auth::{ApiKeys, Principal, Right, Role};
    use veil_vault::http::{router, AppState, TenantPolicy};
    use veil_vault::metrics::Metrics;
    use veil_vault::store::embedded::EmbeddedStore;
    use veil_vault::vault::Vault;

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(&dir.path().join("store")).unwrap());
    let mut api_keys = ApiKeys::default();
    api_keys.add_key(
        "acme-key",
        Principal {
            tenant: Some("acme".into()),
            role: Role {
                name: "admin".into(),
                rights: Right::ALL.into(),
                unmask: Default::default(),
            },
        },
    );
    let state = AppState {
        vault: Vault::new(store, master_keys(KEYS_V1)),
        api_keys,
        tenants: BTreeMap::from([("acme".to_string(), TenantPolicy::default())]),
        audit: AuditSink::file(&dir.path().join("audit.jsonl")).unwrap(),
        metrics: Metrics::new(),
        body_timeout: Duration::from_secs(10),
        engines: Arc::new(veil_vault::mask::Engines::new(&Default::default()).unwrap()),
    };
    (router(Arc::new(state), 64), dir)
}

/// Sends one request to an in-process router; returns status and body bytes.
pub async fn call(app: &axum::Router, method: &str, path: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", "Bearer acme-key")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

#[allow(unused_imports)]
pub use veil_testkit::servers::*;

/// Credentials for a DynamoDB-API server on loopback (it checks the signature's shape only).
pub fn test_aws_credentials() -> veil_vault::aws::AwsCredentials {
    veil_vault::aws::AwsCredentials::new("AKIDVEILTEST", "veil-test-secret", None)
}
