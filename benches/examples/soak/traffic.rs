//! The soak's traffic: which request comes n-th (a fixed mix of APIs, streaming, tools, sizes
//! and bad requests), the values planted in it, the clients that send them, and how a client
//! reads its answer back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Value};
use veil_benches::chat_text;

/// The tenant every client's JWT names.
pub const TENANT: &str = "demo";
/// Values every request's prose may carry (`chat_text`): none may reach the provider.
pub const SHARED_CANARIES: &[&str] = &[
    "jane.doe@corp-mail.com",
    "7911 123456",
    "4111 1111 1111 1111",
    "536-90-4399",
    "DE89 3704 0044",
    "AKIAIOSFODNN7EXAMPLE",
    "10.20.30.40",
];
/// What the per-request values share, so a scan finds any of them.
pub const UNIQUE_MARKS: &[&str] = &["@canary-mail.net", "4000 77"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Chat,
    Responses,
    Anthropic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bad {
    Malformed,
    Oversized,
}

pub struct Plan {
    pub n: usize,
    pub shape: Shape,
    pub stream: bool,
    pub tools: bool,
    pub bytes: usize,
    pub bad: Option<Bad>,
}

pub fn plan(n: usize) -> Plan {
    // A fixed mix, spread over the run: the same requests in the same order every time.
    let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    let bad = match h % 50 {
        0..=3 => Some(Bad::Malformed),
        4 => Some(Bad::Oversized),
        _ => None,
    };
    Plan {
        n,
        shape: [Shape::Chat, Shape::Responses, Shape::Anthropic][n % 3],
        stream: (n / 3) % 2 == 1,
        tools: (h >> 8).is_multiple_of(4),
        bytes: [1, 2, 4, 8, 16, 32][((h >> 12) % 6) as usize] * 1024,
        bad,
    }
}

/// The request's own values: an e-mail address and a card number (Luhn-valid) no other
/// request sends.
fn unique_values(n: usize) -> [String; 2] {
    let body = format!("400077{n:09}");
    let digits = (b'0'..=b'9')
        .map(|check| format!("{body}{}", char::from(check)))
        .find(|d| veil_kinds::checksum::luhn(&veil_kinds::checksum::digits_of(d)))
        .expect("one check digit makes it Luhn-valid");
    let card = digits
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    [format!("soak.{n}@canary-mail.net"), card]
}

fn request(p: &Plan) -> (&'static str, Vec<u8>) {
    let [email, card] = unique_values(p.n);
    let text = format!(
        "req-{} {} Please write to {email} and charge {card}.",
        p.n,
        chat_text(p.bytes)
    );
    let tools = json!([{"type": "function", "function": {"name": "echo", "description": "Echo",
        "parameters": {"type": "object", "properties": {"said": {"type": "string"}}}}}]);
    let (path, mut body) = match p.shape {
        Shape::Chat => (
            "/v1/chat/completions",
            json!({"model": "m", "stream": p.stream, "messages": [{"role": "user", "content": text}]}),
        ),
        Shape::Responses => (
            "/v1/responses",
            json!({"model": "m", "stream": p.stream, "input": [{"role": "user", "content": text}]}),
        ),
        Shape::Anthropic => (
            "/v1/messages",
            json!({"model": "m", "max_tokens": 64, "stream": p.stream, "messages": [{"role": "user", "content": text}]}),
        ),
    };
    if p.tools {
        body["tools"] = match p.shape {
            Shape::Anthropic => json!([{"name": "echo", "input_schema": {"type": "object"}}]),
            Shape::Responses => {
                json!([{"type": "function", "name": "echo", "parameters": {"type": "object"}}])
            }
            Shape::Chat => tools,
        };
    }
    let mut bytes = body.to_string().into_bytes();
    match p.bad {
        Some(Bad::Malformed) => bytes.truncate(bytes.len() * 2 / 3),
        Some(Bad::Oversized) => {
            let pad = "x".repeat((1 << 20) + 1024);
            body["metadata"] = json!({"pad": pad});
            bytes = body.to_string().into_bytes();
        }
        None => {}
    }
    (path, bytes)
}

/// The answer's text as the client reads it: the whole body when buffered, the deltas'
/// text and tool arguments concatenated when streamed (so a value split across events is
/// whole again).
fn answer_text(stream: bool, body: &str) -> String {
    if !stream {
        return body.to_string();
    }
    let mut out = String::new();
    for line in body.lines() {
        let Some(data) = line.strip_prefix("data: ") else {
            continue;
        };
        let Ok(event) = serde_json::from_str::<Value>(data) else {
            continue;
        };
        for pointer in [
            "/choices/0/delta/content",
            "/choices/0/delta/tool_calls/0/function/arguments",
            "/delta/text",
            "/delta/partial_json",
        ] {
            if let Some(s) = event.pointer(pointer).and_then(Value::as_str) {
                out.push_str(s);
            }
        }
        if let Some(s) = event["delta"].as_str() {
            out.push_str(s);
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Answered,
    /// 200 without the request's own values in the answer.
    NotRestored,
    Status(u16),
    Transport,
}

pub struct Done {
    pub n: usize,
    /// The client (the user, whose scope the request's tokens belong to).
    pub client: usize,
    pub started: Instant,
    pub finished: Instant,
    pub outcome: Outcome,
}

pub struct Shared {
    pub next: AtomicUsize,
    pub completed: AtomicUsize,
    pub done: Mutex<Vec<Done>>,
}

/// The scope (the JWT's subject) of client `c`: each client is one user.
pub fn scope(c: usize) -> String {
    format!("soak-client-{c}")
}

pub async fn client(
    c: usize,
    shared: Arc<Shared>,
    http: reqwest::Client,
    url: String,
    total: usize,
) {
    let identity = veil_e2e::identity(TENANT, &scope(c));
    loop {
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        if n >= total {
            return;
        }
        let p = plan(n);
        let (path, body) = request(&p);
        let started = Instant::now();
        let sent = http
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .header("x-veil-identity", &identity)
            .header("x-fake-delta-chars", "64")
            .body(body)
            .send()
            .await;
        let outcome = match sent {
            Err(_) => Outcome::Transport,
            Ok(r) => {
                let status = r.status().as_u16();
                match r.text().await {
                    Err(_) => Outcome::Transport,
                    Ok(text) if status == 200 => {
                        let said = answer_text(p.stream, &text);
                        let [email, card] = unique_values(n);
                        if said.contains(&email) && said.contains(&card) {
                            Outcome::Answered
                        } else {
                            Outcome::NotRestored
                        }
                    }
                    Ok(_) => Outcome::Status(status),
                }
            }
        };
        shared.done.lock().unwrap().push(Done {
            n,
            client: c,
            started,
            finished: Instant::now(),
            outcome,
        });
        shared.completed.fetch_add(1, Ordering::Relaxed);
    }
}
