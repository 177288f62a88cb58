//! The vault against backends of its own, started for each test: Redis and PostgreSQL over
//! TLS with a CA the test makes, a Redis that could evict keys (refused), and Redis
//! replication with `WAIT` (what was acknowledged survives a failover), on one node and on a
//! Redis Cluster whose master fails during writes. Each needs the server
//! installed (`redis-server`; PostgreSQL's `initdb`, run as the `postgres` user, so as root):
//! required under `VEIL_REQUIRE_BACKENDS=1` (CI), skipped loudly elsewhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};

/// A CA and a server certificate for `localhost` and 127.0.0.1 it signed, as PEM files in
/// `dir`: (ca, cert, key).
fn server_pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    let paths = (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server-key.pem"),
    );
    std::fs::write(&paths.0, ca.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    (paths.0, paths.1, paths.2)
}

/// A vault on `store` (a JSON store object); tokenizes a canary for tenant acme and returns its
/// token.
async fn tokenize_one(vault: &VaultProcess, scope: &str) -> String {
    tokenize(
        vault,
        "acme-key",
        "acme",
        scope,
        &[("PERSON", "Backend Canary Roe")],
    )
    .await[0]
        .clone()
}

fn vault_on(dir: &Path, store: &str) -> VaultProcess {
    config_vault(&write_config(dir, store, ""))
}

/// What `veil-vault --config` says when it refuses to start.
fn refusal(dir: &Path, store: &str) -> String {
    let out = Command::new(binary())
        .arg("--config")
        .arg(write_config(dir, store, ""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the vault refuses to start");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn redis_over_tls_verified_against_the_configured_ca() {
    if !program_available("redis-server") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = server_pki(dir.path());
    let port = free_port();
    let mut cmd = Command::new("redis-server");
    cmd.args([
        "--port",
        "0",
        "--tls-port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
    ])
    .args([
        "--save",
        "",
        "--appendonly",
        "no",
        "--tls-auth-clients",
        "no",
    ])
    .arg("--tls-cert-file")
    .arg(&cert)
    .arg("--tls-key-file")
    .arg(&key)
    .arg("--tls-ca-cert-file")
    .arg(&ca)
    .arg("--dir")
    .arg(dir.path());
    let _redis = Server::start(cmd, port, "Ready to accept connections");
    let store = format!(
        r#"{{"redis": {{"url": "rediss://localhost:{port}", "ca_file": "{}"}}}}"#,
        ca.display()
    );
    let vault = vault_on(dir.path(), &store);
    let token = tokenize_one(&vault, "tls").await;
    let back = rehydrate(&vault, "acme-key", "acme", "tls", &[token]).await;
    assert_eq!(back[0].1.as_deref(), Some("Backend Canary Roe"));
    drop(vault);

    // Another CA: the certificate is not trusted, and the vault does not start.
    let other = tempfile::tempdir().unwrap();
    let (other_ca, _, _) = server_pki(other.path());
    let store = format!(
        r#"{{"redis": {{"url": "rediss://localhost:{port}", "ca_file": "{}"}}}}"#,
        other_ca.display()
    );
    let err = refusal(other.path(), &store);
    assert!(err.contains("redis"), "{err}");
}

#[tokio::test]
async fn a_redis_that_may_evict_keys_is_refused() {
    if !program_available("redis-server") {
        return;
    }
    for policy in ["allkeys-lru", "volatile-ttl"] {
        let redis = private_redis(&["--maxmemory", "64mb", "--maxmemory-policy", policy]);
        let dir = tempfile::tempdir().unwrap();
        let store = format!(
            r#"{{"redis": {{"url": "redis://127.0.0.1:{}"}}}}"#,
            redis.port
        );
        let err = refusal(dir.path(), &store);
        assert!(
            err.contains("maxmemory-policy") && err.contains(policy) && err.contains("noeviction"),
            "{err}"
        );
    }
}

fn redis_info(port: u16, section: &str) -> String {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
    let Ok(mut conn) = client.get_connection() else {
        return String::new();
    };
    redis::cmd("INFO")
        .arg(section)
        .query(&mut conn)
        .unwrap_or_default()
}

#[tokio::test]
async fn with_wait_a_write_is_acknowledged_only_once_a_replica_has_it_and_survives_failover() {
    if !program_available("redis-server") {
        return;
    }
    let mut primary = private_redis(&[]);
    let dir = tempfile::tempdir().unwrap();
    // A replica in sync acknowledges within milliseconds; the timeout leaves room for a
    // loaded machine, and the write without a replica waits it out.
    let store = |port: u16| {
        format!(
            r#"{{"redis": {{"url": "redis://127.0.0.1:{port}", "wait_replicas": 1, "wait_timeout_ms": 2000}}}}"#
        )
    };
    let vault = vault_on(dir.path(), &store(primary.port));
    // No replica: the write is not acknowledged.
    let body = r#"{"tenant": "acme", "scope": "w", "entities": [{"type": "PERSON", "value": "Unreplicated Roe"}]}"#;
    let (status, answer, headers) = post(&vault.url("/v1/tokenize"), Some("acme-key"), body).await;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(headers["retry-after"], "1");

    let primary_at = format!("127.0.0.1 {}", primary.port);
    let replica = private_redis(&["--replicaof", &primary_at]);
    until("the replica in sync", || {
        redis_info(primary.port, "replication").contains("connected_slaves:1")
            && redis_info(replica.port, "replication").contains("master_link_status:up")
    });
    let token = tokenize_one(&vault, "w").await;
    drop(vault);

    // The primary dies right after acknowledging; the replica is promoted and serves.
    primary.kill_9();
    let client = redis::Client::open(format!("redis://127.0.0.1:{}", replica.port)).unwrap();
    let mut conn = client.get_connection().unwrap();
    let _: () = redis::cmd("REPLICAOF")
        .arg("NO")
        .arg("ONE")
        .query(&mut conn)
        .unwrap();
    let promoted_dir = tempfile::tempdir().unwrap();
    let promoted = vault_on(
        promoted_dir.path(),
        &store(replica.port).replace(r#""wait_replicas": 1"#, r#""wait_replicas": 0"#),
    );
    let back = rehydrate(&promoted, "acme-key", "acme", "w", &[token]).await;
    assert_eq!(back[0].1.as_deref(), Some("Backend Canary Roe"));
}

/// A PostgreSQL of this test's own, serving TLS with `cert` and `key`. `None` (skipped
/// loudly, or failing under `VEIL_REQUIRE_BACKENDS=1`) without PostgreSQL's binaries or
/// without root to run them as `postgres`.
fn private_postgres(dir: &Path, cert: &Path, key: &Path) -> Option<Server> {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin")).max());
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let Some(bin) = bin.filter(|b| b.join("initdb").exists() && root) else {
        if std::env::var("VEIL_REQUIRE_BACKENDS").as_deref() == Ok("1") {
            panic!(
                "a private PostgreSQL is required (VEIL_REQUIRE_BACKENDS=1): its binaries and root"
            );
        }
        eprintln!(
            "\n*** SKIPPING: no PostgreSQL binaries or not root; this test did NOT run. ***\n"
        );
        return None;
    };
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    let (uid, gid) = (id("-u"), id("-g"));
    // The server runs as `postgres` itself (not under runuser, which would outlive a kill).
    let as_postgres = |program: &str| {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(bin.join(program));
        cmd.uid(uid).gid(gid).env("HOME", dir);
        cmd
    };
    let data = dir.join("pg");
    std::fs::create_dir_all(&data).unwrap();
    for (from, to) in [(cert, "server.crt"), (key, "server.key")] {
        std::fs::copy(from, dir.join(to)).unwrap();
    }
    let chown = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(chown.success());
    let chmod = Command::new("chmod").arg("700").arg(dir).status().unwrap();
    assert!(chmod.success());
    std::fs::set_permissions(
        dir.join("server.key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let init = as_postgres("initdb")
        .args(["-A", "trust", "-U", "postgres", "-D"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = free_port();
    let mut cmd = as_postgres("postgres");
    cmd.arg("-D")
        .arg(&data)
        .args([
            "-p",
            &port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "ssl=on",
        ])
        .arg("-c")
        .arg(format!("unix_socket_directories={}", dir.display()))
        .arg("-c")
        .arg(format!(
            "ssl_cert_file={}",
            dir.join("server.crt").display()
        ))
        .arg("-c")
        .arg(format!("ssl_key_file={}", dir.join("server.key").display()));
    Some(Server::start(cmd, port, "ready to accept connections"))
}

#[tokio::test]
async fn postgresql_with_tls_verify_full() {
    let pg_dir = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = server_pki(certs.path());
    let Some(pg) = private_postgres(pg_dir.path(), &cert, &key) else {
        return;
    };
    let url = |mode: &str| {
        format!(
            "postgres://postgres@localhost:{}/postgres?sslmode={mode}",
            pg.port
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let store = format!(
        r#"{{"postgres": {{"url": "{}", "ca_file": "{}"}}}}"#,
        url("verify-full"),
        ca.display()
    );
    let vault = vault_on(dir.path(), &store);
    let token = tokenize_one(&vault, "pg-tls").await;
    let back = rehydrate(&vault, "acme-key", "acme", "pg-tls", &[token]).await;
    assert_eq!(back[0].1.as_deref(), Some("Backend Canary Roe"));
    drop(vault);

    // A certificate the configured CA did not sign: no connection, the vault does not start.
    let other = tempfile::tempdir().unwrap();
    let (other_ca, _, _) = server_pki(other.path());
    let store = format!(
        r#"{{"postgres": {{"url": "{}", "ca_file": "{}"}}}}"#,
        url("verify-full"),
        other_ca.display()
    );
    let err = refusal(other.path(), &store);
    assert!(err.contains("postgres"), "{err}");
}

/// A Redis Cluster (three masters, two replicas each, so that the promoted replica has one
/// to acknowledge to) loses the master of the tenant's slot in the middle of a stream of
/// writes. With `wait_replicas: 1`, every write the vault
/// acknowledged is on the promoted replica: each of those tokens still rehydrates. Writes
/// during the failover may fail (503 to the filter), never succeed and then vanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cluster_failover_keeps_every_acknowledged_write() {
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use veil_kinds::Entity;
    use veil_vault::config::RedisConfig;
    use veil_vault::store::redis::RedisStore;
    use veil_vault::vault::{Item, Linkage, Vault};

    if !program_available("redis-server") || !program_available("redis-cli") {
        return;
    }
    let mut cluster = RedisCluster::start(2);
    let tenant = "failover";
    let config = RedisConfig {
        cluster: true,
        wait_replicas: 1,
        wait_timeout_ms: 2000,
        ..RedisConfig::at(&cluster.url())
    };
    let vault = Vault::new(
        Arc::new(RedisStore::connect(&config).await.unwrap()),
        master_keys(KEYS_V1),
    );
    let slot_key = format!("veil:{{{tenant}}}:");
    let first_master = cluster.master_of(&slot_key).expect("the slot has a master");

    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut failed = 0;
    let mut killed_at = None;
    let deadline = Instant::now() + Duration::from_secs(90);
    for i in 0.. {
        assert!(
            Instant::now() < deadline,
            "the cluster never served writes again"
        );
        let value = format!("Failover Person {i}");
        let item = Item {
            entity: Entity::Person,
            value: value.clone(),
        };
        match vault
            .tokenize(tenant, "s", Linkage::Scope, 3600, &[item])
            .await
        {
            Ok(tokens) => acknowledged.push((value, tokens[0].clone())),
            Err(_) => failed += 1,
        }
        if acknowledged.len() == 50 && killed_at.is_none() {
            cluster.nodes[first_master].kill_9();
            killed_at = Some(acknowledged.len());
        }
        if killed_at.is_some_and(|k| acknowledged.len() >= k + 50) {
            break;
        }
    }
    let promoted = cluster
        .master_of(&slot_key)
        .expect("a master after failover");
    assert_ne!(promoted, first_master, "the replica took over");
    eprintln!(
        "{} writes acknowledged ({} after the failover), {failed} refused during it",
        acknowledged.len(),
        acknowledged.len() - killed_at.unwrap()
    );

    // A fresh connection (another replica of the vault) reads every acknowledged write.
    let reader = Vault::new(
        Arc::new(
            RedisStore::connect(&RedisConfig {
                cluster: true,
                ..RedisConfig::at(&format!(
                    "redis://127.0.0.1:{}",
                    cluster.nodes[promoted].port
                ))
            })
            .await
            .unwrap(),
        ),
        master_keys(KEYS_V1),
    );
    let tokens: Vec<String> = acknowledged.iter().map(|(_, t)| t.clone()).collect();
    let back = reader
        .rehydrate(tenant, "s", &BTreeSet::new(), &tokens)
        .await
        .unwrap();
    for ((value, token), r) in acknowledged.iter().zip(back) {
        assert_eq!(r.value.as_deref(), Some(value.as_str()), "{token} lost");
    }
}

/// The vault on DynamoDB as an operator runs it: a table made beforehand (here by a first
/// vault with `create_table`), credentials from the environment. Without the table, or
/// without credentials, it refuses to start and names what is missing; a value tokenized
/// before dynalite restarts (on its LevelDB directory) still rehydrates after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_from_configuration_to_restart() {
    let Some(program) = dynalite_program() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut dynalite = private_dynalite(&program);
    let port = dynalite.port;
    let store = |table: &str, create: bool| {
        format!(
            r#"{{"dynamodb": {{"table": "{table}", "region": "eu-west-1", "endpoint": "http://127.0.0.1:{port}", "create_table": {create}}}}}"#
        )
    };
    let start = |store: &str, credentials: bool| {
        let mut cmd = Command::new(binary());
        cmd.arg("--config")
            .arg(write_config(dir.path(), store, ""))
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN");
        if credentials {
            cmd.env("AWS_ACCESS_KEY_ID", "AKIDVEILTEST")
                .env("AWS_SECRET_ACCESS_KEY", "veil-test-secret");
        }
        cmd
    };
    let refused = |store: &str, credentials: bool| {
        let out = start(store, credentials).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "the vault refuses to start");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };

    let missing = refused(&store("veil-missing", false), true);
    assert!(
        missing.contains("veil-missing") && missing.contains("create_table"),
        "{missing}"
    );
    let anonymous = refused(&store("veil", true), false);
    assert!(anonymous.contains("AWS_ACCESS_KEY_ID"), "{anonymous}");

    let first = VaultProcess::start(start(&store("veil", true), true));
    let token = tokenize_one(&first, "d").await;
    drop(first);
    let data = dynalite.take_workdir();
    dynalite.kill_9();
    let restarted = private_dynalite_on(&program, port, data);
    assert_eq!(restarted.port, port);
    // The table exists now: a vault without create_table uses it.
    let second = VaultProcess::start(start(&store("veil", false), true));
    let back = rehydrate(&second, "acme-key", "acme", "d", &[token]).await;
    assert_eq!(back[0].1.as_deref(), Some("Backend Canary Roe"));
}
