//! A fuzz target over request bodies, run on every build: seeded random mutations of valid
//! requests (byte flips, truncation, splices, deep nesting, huge numbers, invalid UTF-8,
//! random JSON) against the real handlers in-process. Every answer must be a JSON 2xx/4xx;
//! a 5xx or a panic fails. `VEIL_FUZZ_ITERATIONS` runs longer (default 1500 per route).

mod common;

use common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SEEDS: &[(&str, &str)] = &[
    (
        "/v1/tokenize",
        r#"{"tenant": "acme", "scope": "user-42", "ttl_seconds": 3600, "entities": [{"type": "EMAIL_ADDRESS", "value": "jane@corp.com"}, {"type": "PERSON", "value": "Jane Roe"}]}"#,
    ),
    (
        "/v1/rehydrate",
        r#"{"tenant": "acme", "scope": "user-42", "tokens": ["Person_TC08", "email-3y9tm3d4@example.com"]}"#,
    ),
    (
        "/v1/erase",
        r#"{"tenant": "acme", "entities": [{"type": "PERSON", "value": "Jane Roe"}]}"#,
    ),
    ("/v1/erase", r#"{"tenant": "acme", "scope": "user-42"}"#),
];

const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "-0",
    "1e999",
    "18446744073709551616",
    "\"tenant\"",
    "\"entities\"",
    "\"type\"",
    "\"value\"",
    "\"tokens\"",
    "\"scope\"",
    "\"PERSON\"",
    "\"\"",
    "é",
    "\u{202e}",
    "\u{1F600}",
];

fn mutate(rng: &mut ChaCha8Rng, seed: &str) -> Vec<u8> {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..rng.gen_range(1..6) {
        let at = rng.gen_range(0..=bytes.len());
        match rng.gen_range(0..7) {
            0 if !bytes.is_empty() => {
                let i = rng.gen_range(0..bytes.len());
                bytes[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => bytes.truncate(at),
            2 => {
                let f = FRAGMENTS[rng.gen_range(0..FRAGMENTS.len())];
                bytes.splice(at..at, f.bytes());
            }
            3 if !bytes.is_empty() => {
                let end = rng.gen_range(at..=bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                let depth = rng.gen_range(1..3000);
                let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
                bytes.splice(at..at, nested.into_bytes());
            }
            5 => {
                bytes.splice(at..at, [0xff, 0xfe, 0xc0]);
            }
            _ => {
                let garbage: Vec<u8> = (0..rng.gen_range(0..64)).map(|_| rng.gen()).collect();
                bytes.splice(at..at, garbage);
            }
        }
    }
    bytes
}

#[tokio::test]
async fn request_bodies_never_crash_the_service() {
    let iterations: usize = std::env::var("VEIL_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let (app, _dir) = in_process_app();
    let mut rng = ChaCha8Rng::seed_from_u64(0x7665696c);
    let mut by_status = std::collections::BTreeMap::new();
    for i in 0..iterations * SEEDS.len() {
        let (path, seed) = SEEDS[i % SEEDS.len()];
        let body = mutate(&mut rng, seed);
        let (status, answer) = call(&app, "POST", path, body.clone()).await;
        assert!(
            (200..500).contains(&status),
            "{path} answered {status} to {:?}: {}",
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&answer)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&answer).unwrap_or_else(|_| panic!("{path}: non-JSON answer"));
        if status >= 400 {
            assert!(json["error"]["message"].is_string(), "{json}");
        }
        *by_status.entry(status).or_insert(0) += 1;
    }
    // The mutations reach past the parser too, not only into 400s.
    assert!(
        by_status.get(&200).copied().unwrap_or(0) > 10,
        "{by_status:?}"
    );
    assert!(
        by_status.get(&400).copied().unwrap_or(0) > 100,
        "{by_status:?}"
    );
    eprintln!("fuzz answers by status: {by_status:?}");
}
