//! Through a real Envoy with the shipped Bedrock configuration (`envoy/bedrock.yaml`): the
//! gateway signs each request with SigV4 after Veil has masked it, so the signature covers
//! the body the provider receives (masked, no planted value); answers, streamed in AWS event
//! stream frames, come back restored.

use serde_json::{json, Value};
use veil_e2e::{identity, Gateway, Provider, Vault, AWS_KEY_ID};

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const EMAIL: &str = "canary.sigv4@corp-mail.com";

#[test]
fn requests_are_signed_after_masking_and_answers_restored() {
    let Some(g) = Gateway::launch(CONFIG, Vault::Real, Provider::Bedrock) else {
        return;
    };
    let user = identity("acme", "user-1");
    let body =
        json!({"messages": [{"role": "user", "content": [{"text": format!("mail {EMAIL}")}]}]});
    let headers = [
        ("x-veil-identity", user.as_str()),
        // A client's own signature cannot survive masking: the gateway's replaces it.
        ("authorization", "AWS4-HMAC-SHA256 Credential=CLIENT/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=00"),
    ];
    let (status, _, answer) = g.post(
        "/model/amazon.nova-lite-v1:0/converse",
        &headers,
        &body.to_string(),
    );
    assert_eq!(status, 200, "{answer}\n{}", g.envoy_log());
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        v["output"]["message"]["content"][0]["text"],
        format!("You said: mail {EMAIL}")
    );
    let (status, raw) = g.post_raw(
        "/model/amazon.nova-lite-v1:0/converse-stream",
        // The answer in one frame: the value comes back whole (in the frame that ends its
        // block, as the token was last in the text), readable in the raw stream.
        &[
            ("x-veil-identity", user.as_str()),
            ("x-fake-delta-chars", "1000"),
        ],
        body.to_string().into_bytes(),
    );
    assert_eq!(status, 200);
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains(EMAIL) && !raw.contains("@example.com"),
        "{raw}"
    );

    let received = g.received();
    let seen = g.received_headers();
    assert_eq!(received.len(), 2);
    for (body, h) in received.iter().zip(&seen) {
        assert!(
            !body.contains(EMAIL) && body.contains("@example.com"),
            "{body}"
        );
        let auth = h["authorization"].as_str().unwrap();
        assert!(
            auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/"))
                && auth.contains("/us-east-1/bedrock/aws4_request"),
            "signed by the gateway: {auth}"
        );
        assert_eq!(
            h["x-amz-content-sha256"], h["body-sha256"],
            "the signature covers the masked body the provider received"
        );
        assert_eq!(h["host"], "localhost", "the signed host is the provider's");
    }
}
