//! The vault's core operations in-process (no HTTP), on each store: tokenize batches of 1, 10
//! and 100 values, new (every value unseen: a durable write) and repeated (the common case:
//! the same names and emails in every turn of a conversation), and rehydrate.
//!
//! Redis and PostgreSQL are benchmarked when they answer on their default local ports; a
//! three-master Redis Cluster is started on loopback when `redis-server` and `redis-cli` are
//! installed, and dynalite (DynamoDB's API, installed by scripts/test into target/dynalite)
//! when present. dynalite is a local emulator: its times show the vault's round trips, not
//! DynamoDB's service latency. `cargo bench -p veil-benches --bench vault`.

use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use veil_kinds::Entity;
use veil_testkit::servers::{dynalite_program, private_dynalite, RedisCluster, Server};
use veil_vault::aws::AwsCredentials;
use veil_vault::config::{DynamoDbConfig, PostgresConfig, RedisConfig};
use veil_vault::keys::MasterKeys;
use veil_vault::store::dynamodb::DynamoDbStore;
use veil_vault::store::embedded::EmbeddedStore;
use veil_vault::store::postgres::PostgresStore;
use veil_vault::store::redis::RedisStore;
use veil_vault::store::Store;
use veil_vault::vault::{Item, Linkage, Vault};

fn up(addr: &str) -> bool {
    TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_millis(300)).is_ok()
}

type Named = (&'static str, Arc<dyn Store>);

/// The stores to measure, and the servers started for them (kept alive for the run).
fn stores(rt: &tokio::runtime::Runtime, dir: &tempfile::TempDir) -> (Vec<Named>, Vec<Server>) {
    let mut servers = Vec::new();
    let mut out: Vec<Named> = vec![(
        "embedded",
        Arc::new(EmbeddedStore::open(&dir.path().join("store")).unwrap()),
    )];
    if up("127.0.0.1:6379") {
        out.push((
            "redis",
            Arc::new(
                rt.block_on(RedisStore::connect(&RedisConfig::at(
                    "redis://127.0.0.1:6379",
                )))
                .unwrap(),
            ),
        ));
    } else {
        eprintln!("redis not running: skipped");
    }
    if up("127.0.0.1:5432") {
        out.push((
            "postgres",
            Arc::new(
                rt.block_on(PostgresStore::connect(&PostgresConfig::at(
                    "postgres://postgres@127.0.0.1:5432/test",
                )))
                .unwrap(),
            ),
        ));
    } else {
        eprintln!("postgres not running: skipped");
    }
    if installed("redis-server") && installed("redis-cli") {
        let cluster = RedisCluster::start(0);
        let config = RedisConfig {
            cluster: true,
            ..RedisConfig::at(&cluster.url())
        };
        out.push((
            "redis-cluster",
            Arc::new(rt.block_on(RedisStore::connect(&config)).unwrap()),
        ));
        servers.extend(cluster.nodes);
    } else {
        eprintln!("redis-server or redis-cli not installed: redis-cluster skipped");
    }
    match dynalite_program() {
        Some(program) => {
            let dynalite = private_dynalite(&program);
            let config = DynamoDbConfig::at(&format!("http://127.0.0.1:{}", dynalite.port), "veil");
            let credentials = AwsCredentials::new("AKIDVEILBENCH", "veil-bench-secret", None);
            out.push((
                "dynamodb",
                Arc::new(
                    rt.block_on(DynamoDbStore::connect_with(&config, credentials))
                        .unwrap(),
                ),
            ));
            servers.push(dynalite);
        }
        None => eprintln!("dynalite not installed: dynamodb skipped"),
    }
    (out, servers)
}

fn installed(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn batch(prefix: &str, n: usize, offset: u64) -> Vec<Item> {
    (0..n)
        .map(|i| Item {
            entity: Entity::EmailAddress,
            value: format!("{prefix}.{offset}.{i}@corp-mail.com"),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MasterKeys::from_json(&MasterKeys::generate_file()).unwrap());
    let run = std::process::id();
    let (stores, _servers) = stores(&rt, &dir);
    for (name, store) in stores {
        let vault = Arc::new(Vault::new(store, keys.clone()));
        let tenant = format!("bench-{run}");
        let mut group = c.benchmark_group(format!("vault/{name}"));
        for n in [1usize, 10, 100] {
            group.throughput(Throughput::Elements(n as u64));
            let counter = AtomicU64::new(0);
            group.bench_with_input(BenchmarkId::new("tokenize_new", n), &n, |b, &n| {
                b.to_async(&rt).iter(|| {
                    let items = batch("new", n, counter.fetch_add(1, Ordering::Relaxed));
                    let (vault, tenant) = (vault.clone(), tenant.clone());
                    async move {
                        vault
                            .tokenize(&tenant, "s", Linkage::Scope, 3600, &items)
                            .await
                            .unwrap()
                    }
                })
            });
            let repeated = batch("seen", n, 0);
            let tokens = rt
                .block_on(vault.tokenize(&tenant, "s", Linkage::Scope, 3600, &repeated))
                .unwrap();
            group.bench_with_input(BenchmarkId::new("tokenize_repeated", n), &n, |b, _| {
                b.to_async(&rt).iter(|| async {
                    vault
                        .tokenize(&tenant, "s", Linkage::Scope, 3600, &repeated)
                        .await
                        .unwrap()
                })
            });
            let unmask = Default::default();
            group.bench_with_input(BenchmarkId::new("rehydrate", n), &n, |b, _| {
                b.to_async(&rt).iter(|| async {
                    vault
                        .rehydrate(&tenant, "s", &unmask, &tokens)
                        .await
                        .unwrap()
                })
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
