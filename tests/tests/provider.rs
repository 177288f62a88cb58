//! Through a real Envoy with the shipped provider configuration (`envoy/provider.yaml`): TLS
//! to the provider, the client's API key passed through, a provider that compresses when asked
//! is asked for identity (buffered and streamed answers restored), one that compresses anyway
//! keeps its tokens (counted), and compressed requests are decompressed before Veil masks them.
//! The caller's identity is a JWT Envoy verifies, and the vault is reached over mutual TLS.

use veil_e2e::{gzip, identity, streamed_text, Gateway, Provider, Vault};

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const EMAIL: &str = "canary.tls@corp-mail.com";
const CLIENT_KEY: &str = "Bearer sk-client-key-passes-through";

fn chat(stream: bool) -> String {
    serde_json::json!({"model": "m", "stream": stream, "messages": [{"role": "user", "content": format!("mail {EMAIL}")}]})
        .to_string()
}

#[test]
fn tls_provider_asked_for_identity_answers() {
    let Some(g) = Gateway::launch(CONFIG, Vault::Real, Provider::TlsGzip) else {
        return;
    };
    let user = identity("acme", "user-1");
    let headers = [
        ("authorization", CLIENT_KEY),
        ("accept-encoding", "gzip"),
        ("x-veil-identity", user.as_str()),
    ];
    let (status, _, body) = g.post("/v1/chat/completions", &headers, &chat(false));
    assert_eq!(status, 200, "{body}\n{}", g.envoy_log());
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["choices"][0]["message"]["content"],
        format!("You said: mail {EMAIL}")
    );

    let (status, ct, body) = g.post("/v1/chat/completions", &headers, &chat(true));
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/event-stream"));
    assert_eq!(streamed_text(&body), format!("You said: mail {EMAIL}"));

    let (status, _, body) = g.post_bytes(
        "/v1/chat/completions",
        &[
            ("authorization", CLIENT_KEY),
            ("content-encoding", "gzip"),
            ("x-veil-identity", user.as_str()),
        ],
        gzip(chat(false).as_bytes()),
    );
    assert_eq!(
        status, 200,
        "a compressed request is decompressed, then masked: {body}"
    );
    assert!(body.contains(EMAIL));

    let received = g.received();
    assert_eq!(received.len(), 3);
    for body in &received {
        assert!(
            !body.contains(EMAIL) && body.contains("@example.com"),
            "{body}"
        );
    }
    for h in g.received_headers() {
        assert_eq!(
            h["authorization"], CLIENT_KEY,
            "the client's key reaches the provider"
        );
        assert_eq!(h["accept-encoding"], "identity", "{h}");
    }
    assert_eq!(g.stat("veil_responses_rehydration_incomplete"), 0);
    // The values went to the vault, over mutual TLS, as this identity's.
    assert!(
        g.vault_audit()
            .contains(r#""op":"tokenize","outcome":"ok""#),
        "{}",
        g.vault_audit()
    );
    assert_eq!(g.stat("veil_vault_callout_failures"), 0);
    assert_eq!(g.stat("veil_requests_without_identity"), 0);

    // A provider that compresses unasked: the answer passes as it came, tokens in place.
    let (status, body) = g.post_raw(
        "/v1/chat/completions",
        &[("authorization", CLIENT_KEY), ("x-fake-force-gzip", "1")],
        chat(false).into_bytes(),
    );
    assert_eq!(status, 200);
    let text = gunzip(&body);
    assert!(
        !text.contains(EMAIL) && text.contains("@example.com"),
        "{text}"
    );
    assert_eq!(g.stat("veil_responses_rehydration_incomplete"), 1);
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body");
    text
}
