//! Through a real Envoy: what a route and the plugin configuration decide. Routes with Veil
//! turned off pass untouched; a route's named override applies there only, and a name the
//! configuration lacks fails closed; tenant and scope come from a verified JWT's claims;
//! malformed JSON and bodies over the limit are rejected, or handled as configured; a
//! buffered response over its limit goes on unrestored.

use veil_e2e::{chat_answer, email_token, gzip, jwt, Gateway, Provider, Vault, VAULT_KEY};

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const EMAIL: &str = "canary.route@corp-mail.com";
const CARD: &str = "4929 3862 7781 4403";

fn chat(text: &str) -> String {
    serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]}).to_string()
}

/// The plugin configuration with more `gateway` fields.
fn config_with(fields: &str) -> String {
    let config = CONFIG.replace(
        r#""failure_mode": "closed""#,
        &format!(r#""failure_mode": "closed", {fields}"#),
    );
    assert_ne!(config, CONFIG);
    config
}

#[test]
fn routes_with_veil_turned_off_pass_untouched() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let body = chat(&format!("mail {EMAIL}"));
    let (status, _, _) = g.post("/passthrough/v1/chat/completions", &[], &body);
    assert_eq!(status, 200);
    assert_eq!(
        g.received(),
        vec![body],
        "byte for byte as the client sent it"
    );
    assert_eq!(g.stat("veil_requests_scanned"), 0);
}

#[test]
fn a_route_override_applies_on_its_route_only() {
    let config = config_with(r#""routes": {"partner": {"actions": {"CREDIT_CARD": "block"}}}"#);
    let Some(g) = Gateway::start(&config) else {
        return;
    };
    let body = chat(&format!("charge card {CARD}"));
    let (status, _, reply) = g.post("/partner/v1/chat/completions", &[], &body);
    assert_eq!(status, 422, "{reply}");
    assert!(
        reply.contains("CREDIT_CARD") && !reply.contains(CARD),
        "{reply}"
    );
    assert!(g.received().is_empty());

    let (status, _, reply) = g.post("/v1/chat/completions", &[], &body);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(chat_answer(&reply), format!("You said: charge card {CARD}"));
    assert!(!g.received()[0].contains(CARD));

    let (status, _, reply) = g.post("/unknown-override/v1/chat/completions", &[], &body);
    assert_eq!(status, 503, "{reply}");
    assert!(reply.contains("veil_misconfigured"), "{reply}");
    assert_eq!(g.received().len(), 1, "nothing more reached the provider");
    assert!(g.log_shows("`no-such-override`"), "{}", g.envoy_log());
}

#[test]
fn tenant_and_scope_come_from_verified_jwt_claims() {
    let config = CONFIG.replace(
        r#""tenant": { "jwt_claim": "org", "default": "demo" },"#,
        r#""tenant": { "jwt_claim": "org" },"#,
    );
    assert_ne!(config, CONFIG);
    let Some(g) = Gateway::launch(&config, Vault::Real, Provider::Demo) else {
        return;
    };
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &chat(&format!("mail {EMAIL}")));
    assert_eq!(status, 400, "no token, no tenant: {reply}");
    assert!(reply.contains("no_tenant"));

    let ask = |sub: &str, text: &str| {
        let bearer = format!(
            "Bearer {}",
            jwt(serde_json::json!({"org": "acme", "sub": sub}))
        );
        let (status, _, reply) = g.post(
            "/v1/chat/completions",
            &[("x-veil-identity", bearer.as_str())],
            &chat(text),
        );
        assert_eq!(status, 200, "{reply}\n{}", g.envoy_log());
        chat_answer(&reply)
    };
    ask("user-1", &format!("mail {EMAIL}"));
    let masked = g.received()[0].clone();
    let token = email_token(&masked);
    assert_eq!(ask("user-1", token), format!("You said: {EMAIL}"));
    assert_eq!(
        ask("user-2", token),
        format!("You said: {token}"),
        "the scope is the JWT's subject: another subject gets the token"
    );
}

#[test]
fn malformed_json_is_rejected_by_default_or_scanned_as_text() {
    let broken =
        format!(r#"{{"model": "m", "messages": [{{"role": "user", "content": "mail {EMAIL}"}}"#);
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &broken);
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply.contains("invalid_body") && !reply.contains(EMAIL),
        "{reply}"
    );
    assert!(g.received().is_empty());
    drop(g);

    let Some(g) = Gateway::start(&config_with(r#""invalid_json": "scan_as_text""#)) else {
        return;
    };
    g.post("/v1/chat/completions", &[], &broken);
    let received = g.received();
    assert_eq!(received.len(), 1);
    assert!(
        !received[0].contains(EMAIL) && received[0].contains("@example.com"),
        "masked as text: {}",
        received[0]
    );
    assert_eq!(g.stat("veil_requests_scanned_as_text"), 1);
}

#[test]
fn bodies_over_the_limit_are_rejected_by_default_or_passed_when_configured() {
    let big = chat(&format!("mail {EMAIL} {}", "lorem ipsum ".repeat(100)));
    let Some(g) = Gateway::start(&config_with(r#""max_body_bytes": 512"#)) else {
        return;
    };
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &big);
    assert_eq!(status, 413, "{reply}");
    assert!(g.received().is_empty());
    assert_eq!(g.stat("veil_requests_too_large"), 1);
    drop(g);

    let Some(g) = Gateway::start(&config_with(
        r#""max_body_bytes": 512, "over_limit": "pass""#,
    )) else {
        return;
    };
    let (status, _, _) = g.post("/v1/chat/completions", &[], &big);
    assert_eq!(status, 200);
    assert_eq!(
        g.received(),
        vec![big],
        "forwarded unscanned, as configured"
    );
    assert_eq!(g.stat("veil_requests_over_limit_passed"), 1);
}

#[test]
fn responses_over_the_limit_go_on_whole_with_their_tokens_in_place() {
    let Some(g) = Gateway::start(&config_with(r#""max_response_bytes": 1024"#)) else {
        return;
    };
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &chat(&format!("mail {EMAIL}")));
    assert_eq!(status, 200);
    assert!(
        chat_answer(&reply).contains(EMAIL),
        "under the limit: restored"
    );
    assert_eq!(g.stat("veil_responses_over_limit"), 0);

    // The fake provider echoes the prompt, so this answer is over 1 KiB.
    let long = chat(&format!("mail {EMAIL} {}", "lorem ipsum ".repeat(200)));
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &long);
    assert_eq!(status, 200);
    let text = chat_answer(&reply); // whole and well-formed: it parses
    assert!(text.len() > 2048, "the whole answer arrived");
    let received = g.received();
    let token = email_token(&received[1]);
    assert!(text.contains(token), "the token stays: {text}");
    assert!(!reply.contains(EMAIL), "and reveals nothing");
    assert_eq!(g.stat("veil_responses_over_limit"), 1);
    assert_eq!(g.stat("veil_responses_rehydration_incomplete"), 1);
    assert!(!g.envoy_log().contains(EMAIL));
}

#[test]
fn the_vault_api_key_can_come_from_the_vms_environment() {
    let from_env = |name: &str| {
        let config = CONFIG.replace(
            r#""api_key": "{{VAULT_API_KEY}}""#,
            &format!(r#""api_key_env": "{name}""#),
        );
        assert_ne!(config, CONFIG);
        config
    };
    // envoy/veil.yaml lets VEIL_VAULT_API_KEY into the VM; the harness sets it to the key.
    let Some(g) = Gateway::start(&from_env("VEIL_VAULT_API_KEY")) else {
        return;
    };
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &chat(&format!("mail {EMAIL}")));
    assert_eq!(status, 200, "{reply}");
    assert!(chat_answer(&reply).contains(EMAIL));
    assert!(
        !g.received()[0].contains(EMAIL),
        "masked with the vault's tokens"
    );
    drop(g);

    // A variable the VM was not given: fails closed, the log names the field.
    let Some(g) = Gateway::start(&from_env("NOT_EXPOSED")) else {
        return;
    };
    let (status, _, reply) = g.post("/v1/chat/completions", &[], &chat(&format!("mail {EMAIL}")));
    assert_eq!(status, 503, "{reply}");
    assert!(reply.contains("veil_misconfigured"));
    assert!(g.received().is_empty());
    assert!(g.log_shows("gateway.vault.api_key_env"));
    assert!(
        !g.envoy_log().contains(VAULT_KEY),
        "the log never holds the key"
    );
}

#[test]
fn bodies_veil_cannot_read_are_refused_unless_the_route_passes_them() {
    let upload = "--b\r\ncontent-disposition: form-data; name=\"f\"\r\n\r\nmail canary.route@corp-mail.com\r\n--b--\r\n";
    let multipart = [("content-type", "multipart/form-data; boundary=b")];
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (status, _, reply) = g.post_bytes("/v1/files", &multipart, upload.into());
    assert_eq!(status, 415, "{reply}");
    assert!(reply.contains("unsupported_content_type"));
    let two = [
        ("content-type", "text/plain"),
        ("content-type", "application/octet-stream"),
    ];
    let (status, _, reply) = g.post_bytes("/v1/chat/completions", &two, b"mail x".to_vec());
    assert_eq!(status, 400, "{reply}");
    assert!(g.received().is_empty());
    drop(g);

    let Some(g) = Gateway::start(&config_with(r#""unknown_content_type": "pass""#)) else {
        return;
    };
    let (status, _, _) = g.post_bytes("/v1/files", &multipart, upload.into());
    assert_eq!(
        status, 400,
        "the fake provider reads JSON only; it did receive the body"
    );
    assert_eq!(g.received(), vec![upload.to_string()]);
    assert_eq!(g.stat("veil_requests_unknown_type_passed"), 1);
}

#[test]
fn compressed_request_bodies_are_refused_without_a_decompressor() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (status, _, reply) = g.post_bytes(
        "/v1/chat/completions",
        &[("content-encoding", "gzip")],
        gzip(chat(&format!("mail {EMAIL}")).as_bytes()),
    );
    assert_eq!(status, 415, "{reply}");
    assert!(g.received().is_empty());
}
