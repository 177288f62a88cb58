//! After the run: what the provider received, scanned for every planted value, and every
//! token it saw rehydrated from the vault in its user's scope. The filter forwards a body only
//! once the vault has acknowledged its tokens, so a token that no longer rehydrates is an
//! acknowledged mapping lost.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};

use crate::traffic::{Shared, SHARED_CANARIES, TENANT, UNIQUE_MARKS};

pub struct Received {
    /// Request number → bodies holding a planted value (`usize::MAX`: bodies without one).
    pub leaks: BTreeMap<usize, usize>,
    /// Request number → the tokens in its body.
    pub tokens: HashMap<usize, Vec<String>>,
    pub bodies: usize,
}

pub fn scan(bodies: &[String]) -> Received {
    let mut leaks = BTreeMap::new();
    let mut tokens = HashMap::new();
    for body in bodies {
        let n = body
            .find("req-")
            .and_then(|i| body[i + 4..].split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|d| d.parse::<usize>().ok());
        let leaked = SHARED_CANARIES
            .iter()
            .chain(UNIQUE_MARKS)
            .any(|c| body.contains(c));
        if leaked {
            *leaks.entry(n.unwrap_or(usize::MAX)).or_default() += 1;
        }
        if let Some(n) = n {
            // Tokens as the text reads them, JSON escapes decoded.
            let text = serde_json::from_str::<Value>(body)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let found = veil_kinds::token::find_tokens(&text)
                .into_iter()
                .map(|r| text[r].to_string())
                .collect();
            tokens.insert(n, found);
        }
    }
    Received {
        leaks,
        tokens,
        bodies: bodies.len(),
    }
}

pub struct Rehydrated {
    pub checked: usize,
    /// For each token that did not come back, the first request that carried it.
    pub lost: Vec<usize>,
}

/// Rehydrates every token the provider saw, each once per scope.
pub fn rehydrate_all(received: &Received, shared: &Shared, vault_port: u16) -> Rehydrated {
    let client_of: HashMap<usize, usize> = shared
        .done
        .lock()
        .unwrap()
        .iter()
        .map(|d| (d.n, d.client))
        .collect();
    let mut by_scope: BTreeMap<usize, BTreeMap<&str, usize>> = BTreeMap::new();
    for (n, tokens) in &received.tokens {
        for t in tokens {
            let first = by_scope
                .entry(client_of[n])
                .or_default()
                .entry(t.as_str())
                .or_insert(*n);
            *first = (*first).min(*n);
        }
    }
    let http = reqwest::blocking::Client::new();
    let mut out = Rehydrated {
        checked: 0,
        lost: Vec::new(),
    };
    for (client, tokens) in &by_scope {
        let tokens: Vec<(&str, usize)> = tokens.iter().map(|(t, n)| (*t, *n)).collect();
        for batch in tokens.chunks(500) {
            let names: Vec<&str> = batch.iter().map(|(t, _)| *t).collect();
            let answer: Value = http
                .post(format!("http://127.0.0.1:{vault_port}/v1/rehydrate"))
                .bearer_auth(veil_e2e::VAULT_KEY)
                .json(&json!({"tenant": TENANT, "scope": crate::traffic::scope(*client), "tokens": names}))
                .send()
                .and_then(|r| r.json())
                .expect("the vault answers after the run");
            let found: HashSet<&str> = answer["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| v["value"].is_string())
                .filter_map(|v| v["token"].as_str())
                .collect();
            for (t, n) in batch {
                out.checked += 1;
                if !found.contains(t) {
                    out.lost.push(*n);
                }
            }
        }
    }
    out
}
