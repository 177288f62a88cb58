//! Through a real Envoy: the vault dies while the gateway runs. Requests that need it fail
//! closed with 503 and nothing reaches the provider; values the gateway's token cache holds
//! still pass, masked; answers whose tokens need the vault keep their tokens, well-formed and
//! counted; once the vault is back, the same values get the same tokens.

use veil_e2e::{email_token, identity, Gateway};

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const EMAIL: &str = "canary.outage@corp-mail.com";

fn chat(text: &str, stream: bool) -> String {
    serde_json::json!({"model": "m", "stream": stream, "messages": [{"role": "user", "content": text}]})
        .to_string()
}

/// The identity every request here carries: tenant acme, user-1.
fn who() -> [(&'static str, String); 1] {
    [("x-veil-identity", identity("acme", "user-1"))]
}

/// The demo configuration with the gateway's token cache off: every value goes to the vault.
fn without_cache() -> String {
    let config = CONFIG.replace(
        r#""failure_mode": "closed""#,
        r#""failure_mode": "closed", "token_cache": {"max_entries": 0}"#,
    );
    assert_ne!(config, CONFIG);
    config
}

#[test]
fn a_vault_killed_mid_run_fails_closed_then_recovers_with_the_same_tokens() {
    let Some(mut g) = Gateway::start(&without_cache()) else {
        return;
    };
    let ask = chat(&format!("mail {EMAIL}"), false);
    assert_eq!(
        g.post("/v1/chat/completions", &who_headers(&who()), &ask).0,
        200
    );
    let before = g.received()[0].clone();
    assert!(!before.contains(EMAIL));

    g.kill_vault();
    let (status, _, reply) = g.post("/v1/chat/completions", &who_headers(&who()), &ask);
    assert_eq!(status, 503, "{reply}");
    assert!(reply.contains("vault_unavailable") && !reply.contains(EMAIL));
    assert_eq!(g.received().len(), 1, "nothing reached the provider");

    g.restart_vault();
    let (status, _, reply) = g.post("/v1/chat/completions", &who_headers(&who()), &ask);
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains(EMAIL), "{reply}");
    assert_eq!(g.received()[1], before, "the same value, the same token");
    assert!(!g.envoy_log().contains(EMAIL));
}

#[test]
fn values_in_the_token_cache_pass_masked_while_the_vault_is_down_and_new_ones_fail_closed() {
    let Some(mut g) = Gateway::start(CONFIG) else {
        return;
    };
    let ask = chat(&format!("mail {EMAIL}"), false);
    assert_eq!(
        g.post("/v1/chat/completions", &who_headers(&who()), &ask).0,
        200
    );
    g.kill_vault();
    let (status, _, reply) = g.post("/v1/chat/completions", &who_headers(&who()), &ask);
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains(EMAIL), "restored from the request itself");
    let received = g.received();
    assert_eq!(received[1], received[0], "masked with the same token");
    assert_eq!(g.stat("veil_token_cache_hits"), 1);

    let other = chat("mail someone.new@corp-mail.com", false);
    let (status, _, _) = g.post("/v1/chat/completions", &who_headers(&who()), &other);
    assert_eq!(status, 503, "a value the cache lacks needs the vault");
    let (status, _, _) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &identity("acme", "user-2"))],
        &ask,
    );
    assert_eq!(status, 503, "the cache is per scope");
    assert_eq!(g.received().len(), 2);
}

#[test]
fn when_the_vault_cannot_rehydrate_tokens_stay_and_the_stream_stays_well_formed() {
    let Some(mut g) = Gateway::start(CONFIG) else {
        return;
    };
    assert_eq!(
        g.post(
            "/v1/chat/completions",
            &who_headers(&who()),
            &chat(&format!("mail {EMAIL}"), false)
        )
        .0,
        200
    );
    let token = email_token(&g.received()[0]).to_string();

    // A pasted token needs the vault's rehydrate; the request itself has nothing new to
    // tokenize, so it goes on, and the answer keeps the token.
    g.kill_vault();
    let (status, ct, body) = g.post(
        "/v1/chat/completions",
        &who_headers(&who()),
        &chat(&format!("Remind me: {token}"), true),
    );
    assert_eq!(status, 200, "{body}");
    assert!(ct.starts_with("text/event-stream"));
    let mut text = String::new();
    for event in body.split("\n\n").filter(|e| !e.trim().is_empty()) {
        let data = event.strip_prefix("data: ").expect("every event is data");
        if data == "[DONE]" {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(data).expect("every event is JSON");
        text.push_str(v["choices"][0]["delta"]["content"].as_str().unwrap_or(""));
    }
    assert_eq!(text, format!("You said: Remind me: {token}"));
    assert!(!body.contains(EMAIL));
    assert_eq!(g.stat("veil_responses_rehydration_incomplete"), 1);
    assert!(g.log_shows("its tokens stay tokens"));
}

fn who_headers<'a>(who: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    who.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
