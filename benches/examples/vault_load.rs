//! A load run against the real vault HTTP service: the service runs in this process on a
//! loopback port, clients send concurrent batches over HTTP, and the run prints entities per
//! second and request latency percentiles.
//!
//! `cargo run --release -p veil-benches --example vault_load -- --store embedded --batch 10`
//! Stores: embedded (a temporary directory, scope keys in another), redis (127.0.0.1:6379),
//! postgres (127.0.0.1:5432), these two with their scope keys beside the mappings.
//! Modes: `new` (every value unseen), `repeat` (values sent before, as in a conversation's
//! history), `rehydrate`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use veil_vault::app::{serve_on, Settings, DEV_API_KEY_ENV};
use veil_vault::config::{EmbeddedConfig, PostgresConfig, RedisConfig, StoreConfig};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "embedded")]
    store: String,
    #[arg(long, default_value_t = 10)]
    batch: usize,
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value = "new")]
    mode: String,
}

const KEY: &str = "load-test-key";

/// The `i`th batch of client `client_id`: distinct emails (batch 0 is the repeated one).
fn values(client_id: usize, batch: usize, i: u64) -> Vec<serde_json::Value> {
    (0..batch)
        .map(|j| serde_json::json!({"type": "EMAIL_ADDRESS", "value": format!("user.{client_id}.{i}.{j}@corp-mail.com")}))
        .collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(DEV_API_KEY_ENV, KEY);
    let mut settings = Settings::dev("127.0.0.1:0".parse().unwrap(), dir.path(), None).unwrap();
    settings.store = match args.store.as_str() {
        "embedded" => StoreConfig::Embedded(EmbeddedConfig {
            path: dir.path().join("store"),
        }),
        "redis" => StoreConfig::Redis(RedisConfig::at("redis://127.0.0.1:6379")),
        "postgres" => StoreConfig::Postgres(PostgresConfig::at(
            "postgres://postgres@127.0.0.1:5432/test",
        )),
        other => panic!("unknown store {other}"),
    };
    // Scope keys: dev mode's own directory for the embedded store; on a shared backend,
    // beside the mappings (a replica's deployment would name another instance of it).
    if args.store != "embedded" {
        settings.key_store = None;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { serve_on(listener, settings).await.unwrap() });
    let client = reqwest::Client::new();
    let base = format!("http://{addr}");
    let ready = async {
        loop {
            if client
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), ready)
        .await
        .expect("service ready");

    let tenant = format!("load-{}", std::process::id());
    // Repeat and rehydrate modes work on values tokenized beforehand.
    let mut seeded_tokens: Vec<Vec<serde_json::Value>> = Vec::new();
    if args.mode != "new" {
        for c in 0..args.concurrency {
            let body = serde_json::json!({"tenant": tenant, "scope": "s", "entities": values(c, args.batch, 0)});
            let r: serde_json::Value = client
                .post(format!("{base}/v1/tokenize"))
                .bearer_auth(KEY)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            seeded_tokens.push(r["tokens"].as_array().unwrap().clone());
        }
    }
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.concurrency {
        let (client, base, tenant, latencies) = (
            client.clone(),
            base.clone(),
            tenant.clone(),
            latencies.clone(),
        );
        let mode = args.mode.clone();
        let tokens = seeded_tokens.get(c).cloned();
        let batch = args.batch;
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                let (path, body) = match mode.as_str() {
                    "rehydrate" => ("rehydrate", serde_json::json!({"tenant": tenant, "scope": "s", "tokens": tokens.clone().unwrap()})),
                    "repeat" => ("tokenize", serde_json::json!({"tenant": tenant, "scope": "s", "entities": values(c, batch, 0)})),
                    _ => ("tokenize", serde_json::json!({"tenant": tenant, "scope": "s", "entities": values(c, batch, i + 1)})),
                };
                let t = Instant::now();
                let r = client.post(format!("{base}/v1/{path}")).bearer_auth(KEY).json(&body).send().await.unwrap();
                assert!(r.status().is_success(), "{}", r.status());
                let _ = r.bytes().await.unwrap();
                latencies.lock().unwrap().push(t.elapsed());
                i += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)];
    println!(
        "store={} mode={} batch={} concurrency={}: {} requests, {:.0} entities/s, latency p50 {:?} p99 {:?} max {:?}",
        args.store,
        args.mode,
        args.batch,
        args.concurrency,
        l.len(),
        (l.len() * args.batch) as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        l[l.len() - 1]
    );
}
