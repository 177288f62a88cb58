//! Soak: a long run through the real gateway under abuse, with faults injected while it runs.
//! Envoy with the shipped filter (tier 2 on), the real vault on the chosen store behind a TCP
//! proxy that can stall it, and the fake provider (`tests/upstream/fake_llm.py`, each API's
//! real wire format, every body recorded).
//!
//! `cargo build --release -p veil-vault && scripts/build-filter &&
//!  VEIL_E2E_VAULT=target/release/veil-vault cargo run --release -p veil-benches --example soak --
//!  --store embedded|redis|postgres [--faults]`
//!
//! The load: `--requests` (20,000) from `--clients` (64) concurrent clients, each a user with
//! a verified identity; chat completions, Responses and Anthropic messages in turn, buffered
//! and streamed, a quarter offering tools (the provider answers with a tool call carrying the
//! prompt), 1–32 KB of prose with entities and two values unique to the request (an e-mail
//! address and a card number). About 8% of requests are malformed JSON (400 expected) and 2%
//! are over the body limit (413 expected).
//!
//! Reported: answers by kind (anything but 200, the expected 400/413 and, during a fault, 503
//! is an error); a 200 whose answer lacks the request's own values back is an error too;
//! latency p50/p99; the RSS of Envoy and the vault each second, and its slope after warm-up;
//! every body the provider received scanned for every planted value.
//!
//! `--faults`, at 20%, 45% and 70% of the requests: the vault stalled for 5 s (the proxy stops
//! forwarding), the vault killed with SIGKILL and started again, and on the Redis and
//! PostgreSQL stores the database killed (Redis: SIGKILL, with `appendfsync always`;
//! PostgreSQL: an immediate shutdown, no checkpoint) and started again. Per fault: requests
//! failed closed (503), requests forwarded unmasked, tokens the provider saw (acknowledged
//! by the vault) that no longer rehydrate once the run is over, and the time from the end of
//! the fault to the first answered request that started after it.
//!
//! Redis and PostgreSQL are the machine's `redis-server` and PostgreSQL binaries, started
//! here on free ports in a temporary directory (PostgreSQL as the `postgres` user when run as
//! root), so the run can kill them without touching anything else.

mod checks;
mod database;
mod faults;
mod report;
mod traffic;
mod vault;

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use serde_json::{json, Value};
use tokio::sync::watch;
use veil_e2e::{Gateway, Provider, Vault};
use veil_testkit::VaultProcess;

use database::{free_port, Database};
use traffic::Shared;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
pub enum StoreKind {
    Embedded,
    Redis,
    Postgres,
}

#[derive(Parser)]
pub struct Args {
    #[arg(long, value_enum, default_value = "embedded")]
    store: StoreKind,
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Inject the faults (see the top of this file) while the load runs.
    #[arg(long)]
    faults: bool,
}

const PLUGIN_CONFIG: &str = include_str!("../../../envoy/plugin-config.json");

fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().unwrap();
    let database =
        (args.store != StoreKind::Embedded).then(|| Database::start(args.store, dir.path()));
    let store = match &database {
        Some(db) => db.store_json(),
        None => json!({"embedded": {"path": dir.path().join("store")}}),
    };
    let vault_port = free_port();
    let config = vault::vault_config(dir.path(), vault_port, store);
    let vault_process = Arc::new(Mutex::new(VaultProcess::with_config(
        &vault::vault_bin(),
        &config,
    )));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (stall, stalled) = watch::channel(false);
    let proxy = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let proxy_port = proxy.local_addr().unwrap().port();
    runtime.spawn(vault::stall_proxy(proxy, vault_port, stalled));

    let mut plugin: Value = serde_json::from_str(PLUGIN_CONFIG).unwrap();
    assert_eq!(
        plugin["detection"]["classifier"]["enabled"],
        json!(true),
        "tier 2 on"
    );
    plugin["gateway"]["failure_mode"] = json!("closed");
    let gateway = Gateway::launch(
        &plugin.to_string(),
        Vault::External(proxy_port),
        Provider::Demo,
    )
    .expect("Envoy is installed");
    eprintln!(
        "soak: {} requests, {} clients, {:?} store{}",
        args.requests,
        args.clients,
        args.store,
        if args.faults { ", faults on" } else { "" }
    );

    let shared = Arc::new(Shared {
        next: AtomicUsize::new(0),
        completed: AtomicUsize::new(0),
        done: Mutex::new(Vec::with_capacity(args.requests)),
    });
    let faults: Arc<Mutex<Vec<faults::Fault>>> = Arc::default();
    let samples: Arc<Mutex<Vec<(f64, f64, f64)>>> = Arc::default();
    let targets = faults::Targets {
        shared: shared.clone(),
        total: args.requests,
        stall,
        vault: vault_process.clone(),
        config,
        database,
    };
    let start = Instant::now();
    let database = runtime.block_on(async {
        let sampler = tokio::spawn(sample_memory(start, samples.clone()));
        let injector = args
            .faults
            .then(|| tokio::spawn(faults::inject(targets, faults.clone())));
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(args.clients)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let clients: Vec<_> = (0..args.clients)
            .map(|c| {
                tokio::spawn(traffic::client(
                    c,
                    shared.clone(),
                    http.clone(),
                    gateway.url.clone(),
                    args.requests,
                ))
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        sampler.abort();
        match injector {
            Some(injector) => injector.await.unwrap(),
            None => None,
        }
    });
    let elapsed = start.elapsed();

    let received = checks::scan(&gateway.received());
    let rehydrated = checks::rehydrate_all(&received, &shared, vault_port);
    report::report(&report::Run {
        args: &args,
        elapsed,
        shared: &shared,
        faults: &faults.lock().unwrap(),
        samples: &samples.lock().unwrap(),
        received: &received,
        rehydrated: &rehydrated,
    });
    drop(gateway);
    drop(vault_process);
    drop(database);
}

/// Envoy's and the vault's resident memory, once a second.
async fn sample_memory(start: Instant, samples: Arc<Mutex<Vec<(f64, f64, f64)>>>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let at = start.elapsed().as_secs_f64();
        let rss = (report::rss_mib("envoy"), report::rss_mib("veil-vault"));
        samples.lock().unwrap().push((at, rss.0, rss.1));
    }
}
