//! The exchange driven natively, one test per row of the failure table (docs/filter.md) and
//! per rule of the request and response paths. `Proxy` plays Envoy: it holds the headers and
//! bodies, runs the commands as the glue would, and answers callouts as the vault would.

use std::collections::HashMap;
use std::time::UNIX_EPOCH;

use serde_json::{json, Value};

use super::*;

const BODY: &str = r#"{"model": "m", "messages": [{"role": "user", "content": "Mail jane@corp.com, card 4111 1111 1111 1111"}]}"#;

fn config(gateway: Value) -> String {
    let mut g = json!({"tenant": {"header": "x-tenant", "trusted": true},
                       "scope": {"header": "x-scope", "trusted": true}, "vault": {"api_key": "k"}});
    for (k, v) in gateway.as_object().unwrap() {
        g[k] = v.clone();
    }
    json!({"gateway": g}).to_string()
}

/// A local reply: status, headers, JSON body.
type Reply = (u32, Vec<(&'static str, &'static str)>, Value);

/// Envoy, as the exchange sees it: what it holds, and what the commands did to it.
#[derive(Default)]
struct Proxy {
    request_headers: Vec<(String, String)>,
    properties: HashMap<String, Vec<u8>>,
    request_body: Vec<u8>,
    response_headers: Vec<(String, String)>,
    response_body: Vec<u8>,
    /// Seconds since the epoch.
    clock: u64,
    /// What happened, in order.
    reply: Option<Reply>,
    calls: Vec<(Call, Value)>,
    resumed: usize,
    counts: HashMap<String, u64>,
    /// What went upstream: the request body, once replaced.
    sent_body: Option<Vec<u8>>,
    /// Dispatches fail (an unknown cluster).
    refuse_calls: bool,
    /// The host has no randomness to give.
    no_random: bool,
}

/// Random draws so far, across every `Proxy`: each request's key differs, as the host's do.
static DRAWS: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

impl Host for Proxy {
    fn request_header(&self, name: &str) -> Option<String> {
        self.request_header_values(name).into_iter().next()
    }
    fn request_header_values(&self, name: &str) -> Vec<String> {
        self.request_headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn property(&self, path: &[&str]) -> Option<Vec<u8>> {
        self.properties.get(&path.join(".")).cloned()
    }
    fn request_body(&self, size: usize) -> Vec<u8> {
        self.request_body[..size.min(self.request_body.len())].to_vec()
    }
    fn response_header(&self, name: &str) -> Option<String> {
        self.response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
    fn response_body(&self, size: usize) -> Vec<u8> {
        self.response_body[..size.min(self.response_body.len())].to_vec()
    }
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.clock)
    }
    fn random(&self, buf: &mut [u8]) -> bool {
        if self.no_random {
            return false;
        }
        let draw = DRAWS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = draw.wrapping_add(i as u8);
        }
        true
    }
}

/// One exchange through a `Proxy`.
struct Run {
    ex: Exchange,
    p: Proxy,
}

impl Run {
    fn new(vm: &Rc<Vm>, headers: &[(&str, &str)]) -> Run {
        let mut p = Proxy {
            clock: 1_000,
            ..Proxy::default()
        };
        p.request_headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Run {
            ex: Exchange::new(vm.clone()),
            p,
        }
    }

    /// Runs the queued commands as the glue does.
    fn run(&mut self) {
        while let Some(c) = self.ex.next_command() {
            match c {
                Command::Reply {
                    status,
                    headers,
                    body,
                } => {
                    assert!(self.p.reply.is_none(), "one local reply at most");
                    self.p.reply = Some((status, headers, serde_json::from_slice(&body).unwrap()));
                }
                Command::RemoveRequestHeader(name) => self
                    .p
                    .request_headers
                    .retain(|(k, _)| !k.eq_ignore_ascii_case(&name)),
                Command::CallVault {
                    call,
                    headers,
                    body,
                    ..
                } => {
                    assert!(headers.contains(&("authorization".into(), "Bearer k".into())));
                    if self.p.refuse_calls {
                        self.ex.on_vault_failure(call, "dispatch failed");
                    } else {
                        self.p
                            .calls
                            .push((call, serde_json::from_slice(&body).unwrap()));
                    }
                }
                Command::ReplaceRequestBody { size, body } => {
                    assert_eq!(size, self.p.request_body.len(), "replaced whole");
                    self.p.sent_body = Some(body);
                }
                Command::ResumeRequest => self.p.resumed += 1,
                Command::RemoveResponseHeader(name) => {
                    self.p.response_headers.retain(|(k, _)| k != name)
                }
                Command::ReplaceResponseBody { size, body } => {
                    assert_eq!(size, self.p.response_body.len(), "replaced whole");
                    self.p.response_body = body;
                }
                Command::Count { metric, n } => *self.p.counts.entry(metric).or_default() += n,
                Command::Record { .. } => {}
            }
        }
    }

    /// Headers then the whole body in one callback; the step the request callback returns.
    fn send(&mut self, body: &str) -> Step {
        self.ex.on_request_headers(&self.p, body.is_empty());
        self.run();
        if self.ex.request_step() == Step::Pause || body.is_empty() {
            return self.ex.request_step();
        }
        self.p.request_body = body.as_bytes().to_vec();
        self.ex
            .on_request_body(&self.p, self.p.request_body.len(), true);
        self.run();
        self.ex.request_step()
    }

    /// The vault answers the oldest callout of kind `call` with `status` and `body`.
    fn vault_answers(&mut self, call: Call, status: &str, body: Value) {
        let at = self.p.calls.iter().position(|(c, _)| *c == call).unwrap();
        self.p.calls.remove(at);
        self.ex
            .on_vault_answer(&self.p, call, Some(status), body.to_string().as_bytes());
        self.run();
    }

    /// The vault tokenizes the pending callout: `email-…` and card tokens, in order.
    fn vault_tokenizes(&mut self) -> Vec<String> {
        let (_, body) = self
            .p
            .calls
            .iter()
            .find(|(c, _)| *c == Call::Tokenize)
            .unwrap()
            .clone();
        let tokens: Vec<String> = body["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| match e["type"].as_str().unwrap() {
                "EMAIL_ADDRESS" => "email-3y9tm3d4@example.com".to_string(),
                "CREDIT_CARD" => "0073 6555 7214 2076".to_string(),
                other => format!("{other}_TOKEN"),
            })
            .collect();
        self.vault_answers(Call::Tokenize, "200", json!({ "tokens": tokens }));
        tokens
    }

    /// The provider answers with `content_type` and `body`, in chunks of `chunk` bytes; what
    /// the client receives. Envoy buffers while the filter pauses and sends what it holds
    /// (as the filter replaced it) when the filter continues.
    fn answer(&mut self, content_type: &str, body: &str, chunk: usize) -> String {
        self.p.response_headers = vec![
            ("content-type".into(), content_type.into()),
            ("content-length".into(), body.len().to_string()),
        ];
        self.ex.on_response_headers(&self.p);
        self.run();
        let chunks: Vec<&[u8]> = body.as_bytes().chunks(chunk.max(1)).collect();
        let mut client = Vec::new();
        for (i, c) in chunks.iter().enumerate() {
            self.p.response_body.extend_from_slice(c);
            let size = self.p.response_body.len();
            let step = self
                .ex
                .on_response_body(&self.p, size, i + 1 == chunks.len());
            self.run();
            if step == Step::Continue {
                client.append(&mut self.p.response_body);
            }
        }
        self.ex.on_log();
        self.run();
        String::from_utf8(client).unwrap()
    }

    fn count(&self, metric: &str) -> u64 {
        self.p.counts.get(metric).copied().unwrap_or(0)
    }

    fn reply_status(&self) -> Option<u32> {
        self.p.reply.as_ref().map(|r| r.0)
    }

    fn error_code(&self) -> String {
        self.p.reply.as_ref().unwrap().2["error"]["code"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn upstream(&self) -> String {
        String::from_utf8(self.p.sent_body.clone().expect("a body went upstream")).unwrap()
    }
}

fn vm(gateway: Value) -> Rc<Vm> {
    Rc::new(Vm::configure(config(gateway).as_bytes(), |b| {
        b.fill(7);
        true
    }))
}

const WHO: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("x-tenant", "acme"),
    ("x-scope", "u1"),
];

#[test]
fn a_body_is_masked_through_the_vault_and_its_answer_restored() {
    let vm = vm(json!({}));
    let mut r = Run::new(&vm, WHO);
    assert_eq!(r.send(BODY), Step::Pause, "waits for the vault");
    assert_eq!(r.p.calls.len(), 1);
    assert_eq!(r.p.calls[0].1["tenant"], "acme");
    assert_eq!(r.p.calls[0].1["scope"], "u1");
    r.vault_tokenizes();
    assert_eq!(r.p.resumed, 1, "resumed once the tokens came");
    let upstream = r.upstream();
    assert!(!upstream.contains("jane@corp.com") && !upstream.contains("4111"));
    assert!(upstream.contains("email-3y9tm3d4@example.com, card 0073 6555 7214 2076"));
    // Whose values these are is Veil's business, not the provider's.
    for gone in ["x-tenant", "x-scope", "content-length"] {
        assert!(r.p.request_header(gone).is_none(), "{gone} removed");
    }
    let answer =
        json!({"choices": [{"message": {"content": "Mailed email-3y9tm3d4@example.com"}}]});
    let out = r.answer("application/json", &answer.to_string(), 7);
    assert!(out.contains("Mailed jane@corp.com"), "{out}");
    assert_eq!(r.count("veil_tokens_restored"), 1);
    assert_eq!(r.count("veil_entities_masked_CREDIT_CARD"), 1);
    assert_eq!(r.count("veil_requests_scanned"), 1);
}

#[test]
fn values_the_vm_was_given_recently_need_no_callout() {
    let vm = vm(json!({}));
    let mut first = Run::new(&vm, WHO);
    first.send(BODY);
    first.vault_tokenizes();
    let mut again = Run::new(&vm, WHO);
    assert_eq!(again.send(BODY), Step::Continue, "no callout, no pause");
    assert!(again.p.calls.is_empty());
    assert_eq!(again.p.resumed, 0);
    assert_eq!(again.upstream(), first.upstream());
    assert_eq!(again.count("veil_token_cache_hits"), 2);
    // Another scope's values are its own: they go to the vault.
    let mut other = Run::new(&vm, &[WHO[0], WHO[1], ("x-scope", "u2")]);
    assert_eq!(other.send(BODY), Step::Pause);
}

#[test]
fn failure_table_invalid_plugin_configuration_fails_closed() {
    let vm = Rc::new(Vm::configure(br#"{"gateway": {"nope": 1}}"#, |_| true));
    let mut r = Run::new(&vm, WHO);
    assert_eq!(r.send(BODY), Step::Pause);
    assert_eq!(r.reply_status(), Some(503));
    assert_eq!(r.error_code(), "veil_misconfigured");
    assert!(r.p.sent_body.is_none() && r.p.calls.is_empty());
}

#[test]
fn failure_table_an_undefined_route_override_fails_closed() {
    let vm = vm(json!({"routes": {"partner": {"failure_mode": "open"}}}));
    let mut r = Run::new(&vm, WHO);
    r.p.properties.insert(
        "xds.route_metadata.filter_metadata.veil.route".into(),
        b"no-such".to_vec(),
    );
    r.send(BODY);
    assert_eq!(r.reply_status(), Some(503));
    assert_eq!(r.error_code(), "veil_misconfigured");
    // Metadata present but not text is no better than an unknown name.
    let mut r = Run::new(&vm, WHO);
    r.p.properties.insert(
        "xds.route_metadata.filter_metadata.veil.route".into(),
        vec![0xff],
    );
    r.send(BODY);
    assert_eq!(r.reply_status(), Some(503));
}

#[test]
fn failure_table_vault_down_or_bad_answer_fails_closed() {
    let vm = vm(json!({}));
    for (status, body) in [
        ("503", json!("down")),
        ("200", json!({"tokens": ["only one"]})),
        ("200", json!({"nothing": 1})),
    ] {
        let mut r = Run::new(&vm, &[WHO[0], WHO[1], ("x-scope", status)]);
        r.send(BODY);
        r.vault_answers(Call::Tokenize, status, body);
        assert_eq!(r.reply_status(), Some(503));
        assert_eq!(r.error_code(), "vault_unavailable");
        let headers = &r.p.reply.as_ref().unwrap().1;
        assert!(headers.contains(&("retry-after", "1")));
        assert!(r.p.sent_body.is_none(), "nothing forwarded");
        assert_eq!(r.p.resumed, 0, "a request answered here is not resumed");
        assert_eq!(r.count("veil_vault_callout_failures"), 1);
    }
    // A callout that cannot even be sent fails the same way, inside the body callback.
    let mut r = Run::new(&vm, WHO);
    r.p.refuse_calls = true;
    assert_eq!(r.send(BODY), Step::Pause);
    assert_eq!(r.reply_status(), Some(503));
    assert_eq!(r.p.resumed, 0);
}

#[test]
fn failure_table_fail_open_forwards_unmasked_with_redactions() {
    let vm = vm(json!({"failure_mode": "open", "actions": {"CREDIT_CARD": "redact"}}));
    let mut r = Run::new(&vm, WHO);
    r.send(BODY);
    r.vault_answers(Call::Tokenize, "503", json!("down"));
    assert!(r.p.reply.is_none());
    assert_eq!(r.p.resumed, 1);
    let upstream = r.upstream();
    assert!(upstream.contains("jane@corp.com"), "unmasked: {upstream}");
    assert!(
        upstream.contains("card [CREDIT_CARD]"),
        "redacted: {upstream}"
    );
    assert_eq!(r.count("veil_fail_open_passes"), 1);
    assert_eq!(r.count("veil_vault_callout_failures"), 1);
    // Synchronously, too: the callback itself continues, no resume.
    let mut r = Run::new(&vm, WHO);
    r.p.refuse_calls = true;
    assert_eq!(r.send(BODY), Step::Continue);
    assert_eq!(r.p.resumed, 0);
    assert!(r.upstream().contains("[CREDIT_CARD]"));
}

#[test]
fn failure_table_bodies_over_the_limit() {
    let big = BODY.replace("Mail", &"x".repeat(300));
    let vm_reject = vm(json!({"max_body_bytes": 200}));
    let mut r = Run::new(&vm_reject, WHO);
    r.send(&big);
    assert_eq!(r.reply_status(), Some(413));
    assert_eq!(r.error_code(), "body_too_large");
    assert_eq!(r.count("veil_requests_too_large"), 1);
    // Checked while buffering: a body that grows past the limit is refused at once.
    let mut r = Run::new(&vm_reject, WHO);
    r.ex.on_request_headers(&r.p, false);
    r.run();
    r.p.request_body = big.as_bytes().to_vec();
    r.ex.on_request_body(&r.p, 250, false);
    r.run();
    assert_eq!(r.reply_status(), Some(413));

    let vm_pass = vm(json!({"max_body_bytes": 200, "over_limit": "pass"}));
    let mut r = Run::new(&vm_pass, WHO);
    assert_eq!(r.send(&big), Step::Continue);
    assert!(
        r.p.reply.is_none() && r.p.sent_body.is_none(),
        "forwarded as it came"
    );
    assert_eq!(r.count("veil_requests_over_limit_passed"), 1);
    assert_eq!(r.count("veil_requests_too_large"), 1);
}

#[test]
fn failure_table_malformed_json_is_rejected_or_scanned_as_text() {
    let broken = r#"{"messages": [{"content": "mail jane@corp.com"}"#;
    let mut r = Run::new(&vm(json!({})), WHO);
    r.send(broken);
    assert_eq!(r.reply_status(), Some(400));
    assert_eq!(r.error_code(), "invalid_body");
    let message = r.p.reply.as_ref().unwrap().2["error"]["message"].to_string();
    assert!(
        !message.contains("jane"),
        "never quotes the body: {message}"
    );
    assert_eq!(r.count("veil_requests_invalid"), 1);

    let mut r = Run::new(&vm(json!({"invalid_json": "scan_as_text"})), WHO);
    r.send(broken);
    r.vault_tokenizes();
    assert_eq!(
        r.upstream(),
        r#"{"messages": [{"content": "mail email-3y9tm3d4@example.com"}"#
    );
    assert_eq!(r.count("veil_requests_scanned_as_text"), 1);
}

#[test]
fn failure_table_compressed_and_unreadable_bodies() {
    let vm_reject = vm(json!({}));
    let mut r = Run::new(&vm_reject, &[WHO[0], WHO[1], ("content-encoding", "gzip")]);
    r.send(BODY);
    assert_eq!(
        (r.reply_status(), r.error_code().as_str()),
        (Some(415), "compressed_body")
    );

    let multipart = [("content-type", "multipart/form-data; boundary=x"), WHO[1]];
    let mut r = Run::new(&vm_reject, &multipart);
    r.send("--x--");
    assert_eq!(r.reply_status(), Some(415));
    assert_eq!(r.error_code(), "unsupported_content_type");

    let vm_pass = vm(json!({"unknown_content_type": "pass"}));
    let mut r = Run::new(&vm_pass, &multipart);
    assert_eq!(r.send("--x--"), Step::Continue);
    assert!(r.p.reply.is_none() && r.p.sent_body.is_none());
    assert_eq!(r.count("veil_requests_unknown_type_passed"), 1);

    // Two content types: the provider might read the other one.
    let mut r = Run::new(
        &vm_reject,
        &[WHO[0], ("content-type", "text/plain"), WHO[1]],
    );
    r.send(BODY);
    assert_eq!(r.error_code(), "ambiguous_content_type");
}

#[test]
fn failure_table_a_blocked_kind_is_refused_by_name() {
    let mut r = Run::new(&vm(json!({"actions": {"CREDIT_CARD": "block"}})), WHO);
    r.send(BODY);
    assert_eq!(r.reply_status(), Some(422));
    let message = r.p.reply.as_ref().unwrap().2["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("CREDIT_CARD") && !message.contains("4111"),
        "{message}"
    );
    assert_eq!(r.count("veil_requests_blocked"), 1);
    assert!(r.p.calls.is_empty());
}

#[test]
fn failure_table_rehydration_incomplete_leaves_tokens_in_place() {
    let vm = vm(json!({}));
    let history = r#"{"messages": [{"role": "assistant", "content": "Hi Person_7QF2"}, {"role": "user", "content": "thanks"}]}"#;
    let mut r = Run::new(&vm, WHO);
    assert_eq!(r.send(history), Step::Pause);
    assert_eq!(r.p.calls[0].0, Call::Rehydrate);
    assert_eq!(r.p.calls[0].1["tokens"], json!(["Person_7QF2"]));
    r.vault_answers(Call::Rehydrate, "500", json!("oops"));
    assert_eq!(r.p.resumed, 1, "best effort: the request goes on");
    assert!(r.p.reply.is_none());
    assert_eq!(r.count("veil_responses_rehydration_incomplete"), 1);
    let out = r.answer("application/json", r#"{"content": "Person_7QF2"}"#, 64);
    assert_eq!(out, r#"{"content": "Person_7QF2"}"#);

    // Granted, the history's token comes back as its value.
    let mut r = Run::new(&vm, WHO);
    r.send(history);
    r.vault_answers(
        Call::Rehydrate,
        "200",
        json!({"values": [{"token": "Person_7QF2", "type": "PERSON", "value": "Jane Roe", "status": "ok"}]}),
    );
    let out = r.answer("application/json", r#"{"content": "Person_7QF2"}"#, 64);
    assert_eq!(out, r#"{"content": "Jane Roe"}"#);
}

#[test]
fn failure_table_a_buffered_answer_over_the_limit_goes_on_as_sent() {
    let vm = vm(json!({"max_response_bytes": 1024}));
    let mut r = Run::new(&vm, WHO);
    r.send(BODY);
    r.vault_tokenizes();
    let long =
        json!({"content": format!("email-3y9tm3d4@example.com {}", "y".repeat(2000))}).to_string();
    let out = r.answer("application/json", &long, 600);
    assert!(
        out.contains("email-3y9tm3d4@example.com"),
        "tokens in place"
    );
    assert_eq!(r.count("veil_responses_over_limit"), 1);
    assert_eq!(r.count("veil_responses_rehydration_incomplete"), 1);
}

#[test]
fn a_compressed_answer_is_not_restored_and_counted() {
    let mut r = Run::new(&vm(json!({})), WHO);
    r.send(BODY);
    r.vault_tokenizes();
    r.p.response_headers = vec![
        ("content-type".into(), "application/json".into()),
        ("content-encoding".into(), "gzip".into()),
    ];
    r.ex.on_response_headers(&r.p);
    r.run();
    assert_eq!(r.count("veil_responses_rehydration_incomplete"), 1);
    assert!(r.p.response_header("content-encoding").is_some());
}

#[test]
fn no_tenant_is_a_400_and_a_default_fills_in() {
    let mut r = Run::new(&vm(json!({})), &[WHO[0]]);
    r.send(BODY);
    assert_eq!(
        (r.reply_status(), r.error_code().as_str()),
        (Some(400), "no_tenant")
    );
    let defaulted = vm(json!({"tenant": {"header": "x-tenant", "trusted": true, "default": "d"}}));
    let mut r = Run::new(&defaulted, &[WHO[0], WHO[2]]);
    r.send(BODY);
    assert_eq!(r.p.calls[0].1["tenant"], "d");
}

#[test]
fn tenant_and_scope_can_come_from_a_verified_jwt() {
    let vm = vm(json!({"tenant": {"jwt_claim": "org"}, "scope": {"jwt_claim": "sub"}}));
    let mut r = Run::new(&vm, &[WHO[0]]);
    let claim =
        |c: &str| format!("metadata.filter_metadata.envoy.filters.http.jwt_authn.jwt_payload.{c}");
    r.p.properties.insert(claim("org"), b"globex".to_vec());
    r.p.properties.insert(claim("sub"), b"user-9".to_vec());
    r.send(BODY);
    assert_eq!(r.p.calls[0].1["tenant"], "globex");
    assert_eq!(r.p.calls[0].1["scope"], "user-9");
}

#[test]
fn a_request_without_a_body_passes_untouched() {
    let mut r = Run::new(&vm(json!({})), WHO);
    assert_eq!(r.send(""), Step::Continue);
    assert!(r.p.reply.is_none() && r.p.calls.is_empty());
    let out = r.answer("application/json", r#"{"a": "Person_7QF2"}"#, 4);
    assert_eq!(
        out, r#"{"a": "Person_7QF2"}"#,
        "nothing minted, nothing restored"
    );
}

#[test]
fn a_body_ending_in_trailers_is_scanned_there() {
    let vm = vm(json!({}));
    let mut r = Run::new(&vm, WHO);
    r.ex.on_request_headers(&r.p, false);
    r.run();
    r.p.request_body = BODY.as_bytes().to_vec();
    r.ex.on_request_body(&r.p, BODY.len(), false);
    r.run();
    assert_eq!(r.ex.request_step(), Step::Pause, "buffering");
    r.ex.on_request_trailers(&r.p);
    r.run();
    assert_eq!(r.ex.request_step(), Step::Pause);
    assert_eq!(r.p.calls.len(), 1, "scanned at the trailers");
    r.vault_tokenizes();
    assert_eq!(r.p.resumed, 1);
    assert!(!r.upstream().contains("jane@corp.com"));
}

#[test]
fn a_stream_is_restored_chunk_by_chunk() {
    let mut r = Run::new(&vm(json!({})), WHO);
    r.send(BODY);
    r.vault_tokenizes();
    let events: String = ["Mailed ", "email-3y9tm", "3d4@example.com", " ok"]
        .iter()
        .map(|t| {
            let e = json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                "choices": [{"index": 0, "delta": {"content": t}, "finish_reason": null}]});
            format!("data: {e}\n\n")
        })
        .chain(["data: [DONE]\n\n".to_string()])
        .collect();
    let out = r.answer("text/event-stream", &events, 5);
    assert!(out.contains("jane@corp.com"), "{out}");
    assert!(!out.contains("email-3y9tm"), "{out}");
    assert!(r.p.response_header("content-length").is_none());
    assert_eq!(r.count("veil_responses_restored"), 1);
}

#[test]
fn late_callouts_after_a_local_reply_are_ignored() {
    let vm = vm(json!({}));
    let history =
        r#"{"messages": [{"role": "assistant", "content": "Hi Person_7QF2, mail jane@corp.com"}]}"#;
    let mut r = Run::new(&vm, WHO);
    r.send(history);
    assert_eq!(r.p.calls.len(), 2, "tokenize and rehydrate");
    r.vault_answers(Call::Tokenize, "503", json!("down"));
    assert_eq!(r.reply_status(), Some(503));
    r.vault_answers(
        Call::Rehydrate,
        "200",
        json!({"values": [{"token": "Person_7QF2", "type": "PERSON", "value": "Jane Roe", "status": "ok"}]}),
    );
    assert_eq!(r.p.resumed, 0);
    assert!(r.p.sent_body.is_none());
}

/// A response body with `text` as its chat answer.
fn chat(text: &str) -> String {
    json!({"choices": [{"message": {"content": text}}]}).to_string()
}

#[test]
fn identity_headers_are_removed_on_every_path() {
    let vm = vm(json!({"unknown_content_type": "pass"}));
    // No body.
    let mut r = Run::new(&vm, WHO);
    assert_eq!(r.send(""), Step::Continue);
    assert!(r.p.request_header("x-scope").is_none() && r.p.request_header("x-tenant").is_none());
    // A body type passed unscanned.
    let mut r = Run::new(&vm, &[("content-type", "image/png"), WHO[1], WHO[2]]);
    assert_eq!(r.send("\u{1}png"), Step::Continue);
    assert!(r.p.request_header("x-scope").is_none() && r.p.request_header("x-tenant").is_none());
}

#[test]
fn without_identity_and_without_randomness_the_request_fails_as_a_tokenize_would() {
    let anonymous = [WHO[0], WHO[1]];
    let mut closed = Run::new(&vm(json!({})), &anonymous);
    closed.p.no_random = true;
    closed.send(BODY);
    let (status, _, body) = closed.p.reply.clone().expect("a local reply");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("vault_unavailable"))
    );
    assert!(closed.p.sent_body.is_none(), "nothing forwarded");
    let mut open = Run::new(&vm(json!({"failure_mode": "open"})), &anonymous);
    open.p.no_random = true;
    assert_eq!(open.send(BODY), Step::Continue);
    assert!(open.p.reply.is_none());
    assert_eq!(open.count("veil_fail_open_passes"), 1);
}

#[test]
fn without_identity_tokens_are_minted_for_the_request_alone() {
    let vm = vm(json!({}));
    let anonymous = [WHO[0], WHO[1]];
    let mut first = Run::new(&vm, &anonymous);
    assert_eq!(first.send(BODY), Step::Continue, "no vault, no pause");
    assert!(first.p.calls.is_empty());
    let upstream = first.upstream();
    assert!(!upstream.contains("jane@corp.com") && !upstream.contains("4111 1111"));
    let token = veil_kinds::token::find_tokens(&upstream)
        .into_iter()
        .map(|r| upstream[r].to_string())
        .find(|t| t.starts_with("email-"))
        .expect("an e-mail token");
    let out = first.answer("application/json", &chat(&format!("Mailed {token}")), 9);
    assert!(out.contains("Mailed jane@corp.com"), "{out}");
    assert_eq!(first.count("veil_requests_without_identity"), 1);
    // The next request gets other tokens for the same values, and a pasted token of the
    // first stays a token: nothing looks it up.
    let pasted = BODY.replace(
        "Mail jane@corp.com",
        &format!("Who is {token}? Mail jane@corp.com"),
    );
    let mut second = Run::new(&vm, &anonymous);
    assert_eq!(second.send(&pasted), Step::Continue);
    assert!(second.p.calls.is_empty(), "no rehydrate without identity");
    let upstream2 = second.upstream();
    assert_eq!(
        upstream2.matches(&token).count(),
        1,
        "only the pasted copy: {upstream2}"
    );
    let out = second.answer(
        "application/json",
        &chat(&format!("{token} is unknown")),
        64,
    );
    assert!(
        out.contains(&token) && !out.contains("jane@corp.com is"),
        "{out}"
    );
}

#[test]
fn a_detected_value_in_the_query_string_is_refused_unless_the_route_passes_it() {
    let vm_reject = vm(json!({}));
    let mut r = Run::new(
        &vm_reject,
        &[
            WHO[0],
            WHO[1],
            WHO[2],
            (":path", "/v1/chat/completions?user=jane%40corp.com"),
        ],
    );
    assert_eq!(r.send(BODY), Step::Pause);
    assert_eq!(
        (r.reply_status(), r.error_code().as_str()),
        (Some(400), "value_in_query")
    );
    let message = r.p.reply.as_ref().unwrap().2["error"]["message"].to_string();
    assert!(
        message.contains("EMAIL_ADDRESS") && !message.contains("jane"),
        "{message}"
    );
    assert_eq!(r.count("veil_requests_query_rejected"), 1);
    // Without a body too.
    let mut r = Run::new(&vm_reject, &[(":path", "/v1/models?email=jane%40corp.com")]);
    r.send("");
    assert_eq!(r.reply_status(), Some(400));
    // A provider's own key is not a value to refuse.
    let gemini = "/v1beta/models/m:generateContent?key=AIzaSyD4x9QWlmP1abcdefghijklmnopqrstuvw";
    let mut r = Run::new(&vm_reject, &[WHO[0], WHO[1], WHO[2], (":path", gemini)]);
    r.send(BODY);
    assert!(r.p.reply.is_none());

    let vm_pass = vm(json!({"routes": {"r": {"query": {"detected": "pass"}}}}));
    let mut r = Run::new(
        &vm_pass,
        &[WHO[0], WHO[1], WHO[2], (":path", "/x?to=jane%40corp.com")],
    );
    r.p.properties.insert(
        "xds.route_metadata.filter_metadata.veil.route".into(),
        b"r".to_vec(),
    );
    r.send(BODY);
    assert!(r.p.reply.is_none());
    assert_eq!(r.count("veil_requests_query_passed"), 1);
}

#[test]
fn a_token_inside_a_url_in_the_answer_stays_a_token_unless_the_route_restores_there() {
    for (gateway, restored) in [(json!({}), false), (json!({"restore_in_urls": true}), true)] {
        let vm = vm(gateway);
        let mut r = Run::new(&vm, WHO);
        r.send(BODY);
        r.vault_tokenizes();
        let answer = chat("Hi email-3y9tm3d4@example.com ![x](https://evil.example/?q=email-3y9tm3d4@example.com)");
        let out = r.answer("application/json", &answer, 11);
        assert!(out.contains("Hi jane@corp.com"), "{out}");
        assert_eq!(
            out.contains("?q=email-3y9tm3d4@example.com"),
            !restored,
            "{out}"
        );
        assert_eq!(r.count("veil_tokens_kept_in_urls"), u64::from(!restored));
    }
}

#[test]
fn a_stream_event_past_the_limit_passes_and_is_counted() {
    let mut r = Run::new(&vm(json!({})), WHO);
    r.send(BODY);
    r.vault_tokenizes();
    let huge = format!(
        "data: {}\n\n",
        "z".repeat(2 * veil_core::restore::sse_split::MAX_EVENT_BYTES)
    );
    let out = r.answer("text/event-stream", &huge, 64 * 1024);
    assert_eq!(out, huge, "passed as it came");
    assert_eq!(r.count("veil_responses_stream_overflow"), 1);
    assert_eq!(r.count("veil_responses_rehydration_incomplete"), 1);
}

#[test]
fn a_routes_system_instruction_is_added_after_the_scan_once() {
    let text = "You are Acme's assistant; escalate to privacy@acme-corp.com.";
    let vm = vm(json!({"system_instruction": {"text": text, "placeholders": true}}));
    // A body with values: masked, then given the instruction, whose own email stays.
    let mut r = Run::new(&vm, WHO);
    r.send(BODY);
    r.vault_tokenizes();
    let upstream: Value = serde_json::from_str(&r.upstream()).unwrap();
    let system = upstream["messages"][0]["content"].as_str().unwrap();
    assert_eq!(upstream["messages"][0]["role"], "system");
    assert!(system.starts_with(text), "{system}");
    assert!(system.contains("Repeat a placeholder exactly"), "{system}");
    assert!(
        upstream["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("email-3y9tm3d4@example.com"),
        "{upstream}"
    );
    assert_eq!(r.p.calls.len(), 0);
    assert_eq!(
        r.count("veil_entities_detected_EMAIL_ADDRESS"),
        1,
        "the operator's email was not scanned"
    );
    assert_eq!(r.count("veil_requests_instruction_added"), 1);

    // A body with nothing to mask gets it too; one that holds it already (resent) does not.
    let hello = r#"{"model": "m", "messages": [{"role": "user", "content": "Hello there"}]}"#;
    let mut r = Run::new(&vm, WHO);
    assert_eq!(r.send(hello), Step::Continue);
    let once = r.upstream();
    assert!(once.contains("escalate to privacy@acme-corp.com"), "{once}");
    let mut again = Run::new(&vm, WHO);
    again.send(&once);
    assert!(again.p.sent_body.is_none(), "nothing added twice");
    assert_eq!(again.count("veil_requests_instruction_added"), 0);
}

#[test]
fn routes_without_an_instruction_and_apis_without_a_place_get_none() {
    let hello = r#"{"model": "m", "messages": [{"role": "user", "content": "Hello there"}]}"#;
    let mut r = Run::new(&vm(json!({})), WHO);
    assert_eq!(r.send(hello), Step::Continue);
    assert!(
        r.p.sent_body.is_none(),
        "off by default: the body goes as it came"
    );

    let vm = vm(json!({"system_instruction": {"placeholders": true}}));
    let mut headers = WHO.to_vec();
    headers.push((":path", "/v1/embeddings"));
    let mut r = Run::new(&vm, &headers);
    r.send(r#"{"model": "e", "input": ["Hello there"]}"#);
    assert!(
        r.p.sent_body.is_none(),
        "embeddings have no system instruction"
    );
}

#[test]
fn the_path_decides_how_the_answer_is_read() {
    let vm = vm(json!({}));
    // Gemini without alt=sse streams a JSON array, restored element by element.
    let mut headers = WHO.to_vec();
    headers.push((":path", "/v1beta/models/g:streamGenerateContent"));
    let mut r = Run::new(&vm, &headers);
    r.send(r#"{"contents": [{"role": "user", "parts": [{"text": "Mail jane@corp.com"}]}]}"#);
    r.vault_tokenizes();
    let upstream: Value = serde_json::from_str(&r.upstream()).unwrap();
    assert_eq!(
        upstream["contents"][0]["parts"][0]["text"],
        "Mail email-3y9tm3d4@example.com"
    );
    let part = |t: &str, last: bool| {
        let mut c = json!({"index": 0, "content": {"role": "model", "parts": [{"text": t}]}});
        if last {
            c["finishReason"] = json!("STOP");
        }
        json!({"candidates": [c]}).to_string()
    };
    let body = format!(
        "[{}\r\n,{}\r\n]",
        part("Mailed email-3y9t", false),
        part("m3d4@example.com", true)
    );
    let out = r.answer("application/json", &body, 5);
    let v: Value = serde_json::from_str(&out).expect("a valid array");
    assert_eq!(
        v[0]["candidates"][0]["content"]["parts"][0]["text"],
        "Mailed "
    );
    assert_eq!(
        v[1]["candidates"][0]["content"]["parts"][0]["text"],
        "jane@corp.com"
    );

    // Embeddings: nothing to restore, nothing held.
    let mut headers = WHO.to_vec();
    headers.push((":path", "/v1/embeddings"));
    let mut r = Run::new(&vm, &headers);
    r.send(r#"{"model": "e", "input": "Mail jane@corp.com"}"#);
    assert!(r.p.calls.is_empty(), "the VM has the token already");
    assert!(r.upstream().contains("email-3y9tm3d4@example.com"));
    let vectors = r#"{"data": [{"embedding": [0.1, 0.2]}]}"#;
    assert_eq!(r.answer("application/json", vectors, 7), vectors);
    assert_eq!(r.count("veil_responses_restored"), 0);
    assert_eq!(r.count("veil_responses_unknown_type"), 0);

    // A stream of a framing Veil does not know passes, tokens in place, counted.
    let mut r = Run::new(&vm, WHO);
    r.send(BODY);
    r.vault_tokenizes();
    let odd = "email-3y9tm3d4@example.com";
    assert_eq!(r.answer("application/x-protobuf", odd, 4), odd);
    assert_eq!(r.count("veil_responses_unknown_type"), 1);
}
