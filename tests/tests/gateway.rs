//! Through a real Envoy: requests are masked before the provider sees them, answers come
//! back with the real values, buffered and streamed; bad configuration and a missing vault
//! fail closed (or open, when configured so); blocked kinds are rejected.

use veil_e2e::{chat_answer, email_token, identity, streamed_text, Gateway};

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");

const EMAIL: &str = "canary.mira@corp-mail.com";
const CARD: &str = "4929 3862 7781 4403";
const PHONE: &str = "(415) 867-5309";

/// The prompt every test sends, and the fake provider's answer to it.
fn prompt() -> String {
    format!("Please email {EMAIL}, charge card {CARD} and call me at {PHONE}.")
}

fn said() -> String {
    format!("You said: {}", prompt())
}

fn chat(stream: bool) -> String {
    let text = prompt();
    serde_json::json!({"model": "gpt-x", "stream": stream, "messages": [{"role": "user", "content": text}]}).to_string()
}

fn assert_provider_saw_no_canary(g: &Gateway) {
    let received = g.received();
    assert!(!received.is_empty(), "the provider got nothing");
    for body in received {
        for canary in [EMAIL, CARD, PHONE] {
            assert!(!body.contains(canary), "the provider saw {canary}: {body}");
        }
    }
}

#[test]
fn buffered_answers_come_back_with_the_real_values() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (status, _, body) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &identity("acme", "user-1"))],
        &chat(false),
    );
    assert_eq!(status, 200, "{body}\n{}", g.envoy_log());
    assert_eq!(chat_answer(&body), said());
    assert_provider_saw_no_canary(&g);
    let headers = &g.received_headers()[0];
    assert_eq!(
        &headers["x-veil-identity"],
        &serde_json::Value::from(""),
        "who the request is from stops at the gateway"
    );
    let masked = &g.received()[0];
    assert!(
        masked.contains("@example.com") && masked.contains("555-01"),
        "{masked}"
    );
}

#[test]
fn streams_sent_one_byte_at_a_time_are_restored() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (status, _, body) = g.post(
        "/v1/chat/completions",
        &[("x-fake-chunk-bytes", "1")],
        &chat(true),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(streamed_text(&body), said());
    assert_provider_saw_no_canary(&g);
}

#[test]
fn tenants_and_scopes_never_see_each_others_values() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    std::thread::scope(|s| {
        for i in 0..8 {
            let g = &g;
            s.spawn(move || {
                let (tenant, scope) = (format!("tenant-{}", i % 2), format!("user-{i}"));
                let email = format!("person{i}.canary@corp-mail.com");
                let body = serde_json::json!({"model": "m", "stream": i % 3 == 0, "messages": [{"role": "user", "content": format!("I am {email}")}]}).to_string();
                let (status, ct, answer) = g.post("/v1/chat/completions", &[("x-veil-identity", &identity(&tenant, &scope))], &body);
                assert_eq!(status, 200, "{answer}");
                let text = if ct.starts_with("text/event-stream") {
                    streamed_text(&answer)
                } else {
                    chat_answer(&answer)
                };
                assert_eq!(text, format!("You said: I am {email}"), "each client gets its own value back");
            });
        }
    });
    let received = g.received();
    assert_eq!(received.len(), 8);
    for i in 0..8 {
        assert!(
            !received.join("\n").contains(&format!("person{i}.canary")),
            "the provider saw a value"
        );
    }
}

#[test]
fn a_resent_history_is_masked_the_same_from_the_scan_cache_of_its_own_tenant() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    // Long enough to be remembered (`scan_cache::MIN_FIELD_BYTES`).
    let history = format!(
        "{} {}",
        prompt(),
        "We went through the plan step by step. ".repeat(8)
    );
    let turn = |question: &str| {
        serde_json::json!({"model": "m", "messages": [
            {"role": "user", "content": history},
            {"role": "assistant", "content": "Done."},
            {"role": "user", "content": question}]})
        .to_string()
    };
    let ask = |tenant: &str, question: &str| {
        let (status, _, answer) = g.post(
            "/v1/chat/completions",
            &[("x-veil-identity", &identity(tenant, "user-1"))],
            &turn(question),
        );
        assert_eq!(status, 200, "{answer}");
        chat_answer(&answer)
    };
    assert_eq!(ask("acme", "Did it work?"), "You said: Did it work?");
    assert_eq!(g.stat("veil_scan_cache_hits"), 0);
    let other = "And for later.reply@corp-mail.com?";
    assert_eq!(ask("acme", other), format!("You said: {other}"));
    assert_eq!(ask("globex", "Did it work?"), "You said: Did it work?");
    assert_eq!(
        g.stat("veil_scan_cache_hits"),
        1,
        "acme's history was not scanned again; globex's was scanned afresh"
    );
    assert_provider_saw_no_canary(&g);
    let received = g.received();
    assert!(
        !received[1].contains("later.reply@"),
        "the new turn is scanned"
    );
    let masked_history = |body: &str| {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        v["messages"][0]["content"].as_str().unwrap().to_string()
    };
    assert_eq!(masked_history(&received[1]), masked_history(&received[0]));
    assert_ne!(
        masked_history(&received[2]),
        masked_history(&received[0]),
        "another tenant gets its own tokens"
    );
}

#[test]
fn counters_show_in_envoy_stats() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    g.post("/v1/chat/completions", &[], &chat(false));
    assert_eq!(g.stat("veil_entities_masked_EMAIL_ADDRESS"), 1);
    assert_eq!(g.stat("veil_entities_masked_CREDIT_CARD"), 1);
    assert_eq!(g.stat("veil_requests_scanned"), 1);
    assert_eq!(g.stat("veil_responses_restored"), 1);
    assert_eq!(g.stat("veil_entities_detected_PHONE_NUMBER"), 1);
    assert_eq!(g.stat_reaching("veil_tokens_restored", 3), 3);
    let log = g.envoy_log();
    assert!(
        !log.contains(EMAIL) && !log.contains(CARD),
        "Envoy's log holds no value"
    );
}

#[test]
fn streamed_answers_are_restored_across_split_events() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (status, ct, body) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &identity("acme", "user-1"))],
        &chat(true),
    );
    assert_eq!(status, 200, "{body}");
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    let text = streamed_text(&body);
    assert_eq!(text, said());
    assert!(body.trim_end().ends_with("data: [DONE]"), "{body}");
    assert_provider_saw_no_canary(&g);
}

#[test]
fn a_bad_plugin_configuration_fails_closed() {
    let Some(g) = Gateway::start(
        r#"{"gateway": {"tenant": {"static": "acme"}, "vault": {"api_key": "k"}, "failure_mod": "open"}}"#,
    ) else {
        return;
    };
    let (status, _, body) = g.post("/v1/chat/completions", &[], &chat(false));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("veil_misconfigured"), "{body}");
    assert!(g.received().is_empty(), "nothing may reach the provider");
    assert!(
        g.log_shows("failure_mod"),
        "the log names the field:\n{}",
        g.envoy_log()
            .lines()
            .filter(|l| l.contains("wasm") || l.contains("veil"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn a_missing_vault_fails_closed_by_default_and_open_when_asked() {
    let Some(g) = Gateway::start_without_vault(CONFIG) else {
        return;
    };
    let user = identity("acme", "user-1");
    let (status, _, body) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &user)],
        &chat(false),
    );
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("vault_unavailable") && !body.contains(EMAIL),
        "{body}"
    );
    assert!(g.received().is_empty());
    // A request without identity needs no vault: its tokens are its own.
    let (status, _, body) = g.post("/v1/chat/completions", &[], &chat(false));
    assert_eq!(status, 200, "{body}");
    assert_eq!(chat_answer(&body), said());
    assert_provider_saw_no_canary(&g);
    drop(g);

    let open = CONFIG.replace(
        r#""failure_mode": "closed""#,
        r#""failure_mode": "open", "actions": {"CREDIT_CARD": "redact"}"#,
    );
    let Some(g) = Gateway::start_without_vault(&open) else {
        return;
    };
    let (status, _, _) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &user)],
        &chat(false),
    );
    assert_eq!(status, 200);
    let received = &g.received()[0];
    assert!(
        received.contains(EMAIL),
        "failure_mode open forwards unmasked, as configured"
    );
    assert!(
        !received.contains(CARD) && received.contains("[CREDIT_CARD]"),
        "redactions need no vault: {received}"
    );
}

#[test]
fn blocked_kinds_are_rejected_without_naming_the_value() {
    let config = CONFIG.replace(
        r#""failure_mode": "closed""#,
        r#""failure_mode": "closed", "actions": {"CREDIT_CARD": "block"}"#,
    );
    let Some(g) = Gateway::start(&config) else {
        return;
    };
    let (status, _, body) = g.post("/v1/chat/completions", &[], &chat(false));
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("CREDIT_CARD") && !body.contains(CARD),
        "{body}"
    );
    assert!(g.received().is_empty());
}

fn sse_data(body: &str) -> Vec<serde_json::Value> {
    body.split("\n\n")
        .filter_map(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect()
}

#[test]
fn anthropic_messages_buffered_and_streamed() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    for stream in [false, true] {
        let body = serde_json::json!({"model": "claude-x", "max_tokens": 100, "stream": stream,
            "messages": [{"role": "user", "content": [{"type": "text", "text": prompt()}]}]});
        let (status, _, answer) = g.post(
            "/v1/messages",
            &[("x-fake-chunk-bytes", "3")],
            &body.to_string(),
        );
        assert_eq!(status, 200, "{answer}");
        let text: String = if stream {
            sse_data(&answer)
                .iter()
                .filter_map(|e| e["delta"]["text"].as_str().map(str::to_string))
                .collect()
        } else {
            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
            v["content"][0]["text"].as_str().unwrap().to_string()
        };
        assert_eq!(text, said(), "stream: {stream}");
    }
    assert_provider_saw_no_canary(&g);
}

#[test]
fn openai_responses_buffered_and_streamed() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    for stream in [false, true] {
        let body = serde_json::json!({"model": "gpt-x", "stream": stream, "input": prompt()});
        let (status, _, answer) = g.post("/v1/responses", &[], &body.to_string());
        assert_eq!(status, 200, "{answer}");
        if stream {
            let events = sse_data(&answer);
            let text: String = events
                .iter()
                .filter_map(|e| e["delta"].as_str().map(str::to_string))
                .collect();
            assert_eq!(text, said());
            let done = events
                .iter()
                .find(|e| e["type"] == "response.output_text.done")
                .unwrap();
            assert_eq!(done["text"], said().as_str());
        } else {
            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
            assert_eq!(v["output"][0]["content"][0]["text"], said().as_str());
        }
    }
    assert_provider_saw_no_canary(&g);
}

#[test]
fn a_pasted_token_is_restored_only_for_the_scope_that_sent_the_value() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let ask = |scope: &str, text: &str| {
        let body =
            serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]})
                .to_string();
        let (status, _, answer) = g.post(
            "/v1/chat/completions",
            &[("x-veil-identity", &identity("acme", scope))],
            &body,
        );
        assert_eq!(status, 200, "{answer}");
        chat_answer(&answer)
    };
    ask("user-1", &format!("My email is {EMAIL}"));
    let masked = g.received()[0].clone();
    let token = email_token(&masked);

    assert_eq!(
        ask("user-1", &format!("Remind me: {token}")),
        format!("You said: Remind me: {EMAIL}")
    );
    assert_eq!(
        ask("user-2", &format!("Remind me: {token}")),
        format!("You said: Remind me: {token}"),
        "another scope gets the token back, not the value"
    );
}

#[test]
fn a_hung_vault_times_out_into_a_503() {
    let config = CONFIG.replace(r#""timeout_ms": 2000"#, r#""timeout_ms": 300"#);
    assert_ne!(config, CONFIG, "the plugin config sets timeout_ms");
    let Some(g) = Gateway::start_with_silent_vault(&config) else {
        return;
    };
    let user = identity("acme", "user-1");
    let (status, _, body) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &user)],
        &chat(false),
    );
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("vault_unavailable") && !body.contains(EMAIL),
        "{body}"
    );
    assert!(g.received().is_empty(), "nothing reaches the provider");
    assert_eq!(g.stat("veil_vault_callout_failures"), 1);
}

/// The vault's masking API (`/v1/mask`, text that never passes the gateway) and the gateway
/// give one value the same token for the same tenant and scope, and `/v1/unmask` reads the
/// gateway's tokens back under that scope only.
#[test]
fn the_masking_api_and_the_gateway_agree_on_tokens() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let user = identity("acme", "user-7");
    let (status, _, _) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", user.as_str())],
        &chat(false),
    );
    assert_eq!(status, 200);
    let received = g.received();
    let seen = email_token(&received[0]).to_string();
    let (status, masked) = g.vault_post(
        "/v1/mask",
        &serde_json::json!({"tenant": "acme", "scope": "user-7", "text": format!("write to {EMAIL}")}),
    );
    assert_eq!(status, 200, "{masked}");
    assert_eq!(masked["text"], format!("write to {seen}"));
    let (_, back) = g.vault_post(
        "/v1/unmask",
        &serde_json::json!({"tenant": "acme", "scope": "user-7", "text": received[0]}),
    );
    assert!(back["text"].as_str().unwrap().contains(EMAIL));
    let (_, other) = g.vault_post(
        "/v1/unmask",
        &serde_json::json!({"tenant": "acme", "scope": "user-8", "text": received[0]}),
    );
    assert!(!other.to_string().contains(EMAIL), "another scope: {other}");
}
