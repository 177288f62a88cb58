//! Every provider API in docs/filter.md's "Provider APIs" table, through a real Envoy and vault:
//! each row's path in each answer form it lists, with a tool call where the API has one.
//! Answers are streamed a character per event and in longer deltas, and once a byte per
//! network write, so tokens are split at every position across events and network chunks.
//! The provider never sees a planted value; the client gets every one back, in the text and
//! in the tool call's arguments.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};
use veil_e2e::{identity, Gateway};
use veil_testkit::markdown::table_under;

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");
const EMAIL: &str = "canary.ines@corp-mail.com";
const CARD: &str = "4929 3862 7781 4403";
const PHONE: &str = "(415) 867-5309";

fn prompt() -> String {
    format!("Mail {EMAIL}, charge {CARD}, call {PHONE}.")
}

fn said() -> String {
    format!("You said: {}", prompt())
}

/// (provider, path, answer forms) rows of the table.
fn rows() -> Vec<(String, String, Vec<String>)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/filter.md"))
        .expect("docs/filter.md");
    table_under(&doc, "## Provider APIs")
        .into_iter()
        .map(|cells| {
            let path = cells[1].split('`').nth(1).expect("a path in backticks");
            let forms = cells[2].split(", ").map(str::to_string).collect();
            (cells[0].clone(), path.to_string(), forms)
        })
        .collect()
}

/// The request body for `provider`, streamed or not where the body says.
fn request(provider: &str, stream: bool) -> Value {
    let p = prompt();
    let chat = || {
        json!({"model": "m", "stream": stream, "messages": [{"role": "user", "content": p}],
        "tools": [{"type": "function", "function": {"name": "echo", "parameters": {"type": "object"}}}]})
    };
    match provider {
        "OpenAI chat" | "Azure OpenAI" | "Ollama chat" => chat(),
        "OpenAI completions" | "Ollama generate" => {
            json!({"model": "m", "stream": stream, "prompt": p})
        }
        "OpenAI embeddings" => json!({"model": "m", "input": [p]}),
        "OpenAI Responses" => json!({"model": "m", "stream": stream, "input": p}),
        "Anthropic" => json!({"model": "m", "max_tokens": 100, "stream": stream,
            "messages": [{"role": "user", "content": p}], "tools": [{"name": "echo", "input_schema": {"type": "object"}}]}),
        "Bedrock InvokeModel" => {
            json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
            "messages": [{"role": "user", "content": p}], "tools": [{"name": "echo", "input_schema": {"type": "object"}}]})
        }
        "Gemini" | "Vertex AI" => json!({"contents": [{"role": "user", "parts": [{"text": p}]}],
            "tools": [{"functionDeclarations": [{"name": "echo"}]}]}),
        "Bedrock Converse" => json!({"messages": [{"role": "user", "content": [{"text": p}]}],
            "toolConfig": {"tools": [{"toolSpec": {"name": "echo", "inputSchema": {"json": {"type": "object"}}}}]}}),
        other => panic!("no request for the provider {other:?}"),
    }
}

/// The records of a streamed answer as JSON values.
fn records(form: &str, body: &[u8]) -> Vec<Value> {
    let parse = |s: &str| -> Value {
        serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
    };
    match form {
        "SSE" => String::from_utf8(body.to_vec())
            .unwrap()
            .split("\n\n")
            .flat_map(|e| e.split("\r\n\r\n"))
            .filter_map(|e| {
                let data: Vec<&str> = e
                    .lines()
                    .filter_map(|l| l.trim_end_matches('\r').strip_prefix("data: "))
                    .collect();
                (!data.is_empty() && data != ["[DONE]"]).then(|| parse(&data.join("\n")))
            })
            .collect(),
        "NDJSON" => String::from_utf8(body.to_vec())
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(parse)
            .collect(),
        "JSON array" => match parse(std::str::from_utf8(body).unwrap()) {
            Value::Array(items) => items,
            other => panic!("not an array: {other}"),
        },
        "event stream" => eventstream(body),
        other => panic!("no reader for {other:?}"),
    }
}

/// AWS event stream frames, lengths and CRCs checked; `chunk` frames unwrapped.
fn eventstream(mut b: &[u8]) -> Vec<Value> {
    let u32_at =
        |b: &[u8], at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let mut out = Vec::new();
    while !b.is_empty() {
        let (total, headers) = (u32_at(b, 0), u32_at(b, 4));
        assert_eq!(
            crc32fast::hash(&b[..8]) as usize,
            u32_at(b, 8),
            "prelude CRC"
        );
        assert_eq!(
            crc32fast::hash(&b[..total - 4]) as usize,
            u32_at(b, total - 4),
            "message CRC"
        );
        let head = &b[12..12 + headers];
        let payload: Value = serde_json::from_slice(&b[12 + headers..total - 4]).unwrap();
        let chunk = head.windows(5).any(|w| w == b"chunk");
        out.push(if chunk {
            serde_json::from_slice(&BASE64.decode(payload["bytes"].as_str().unwrap()).unwrap())
                .unwrap()
        } else {
            payload
        });
        b = &b[total..];
    }
    out
}

/// The answer's text and its tool call's arguments (JSON text), however the API carries
/// them.
fn text_and_arguments(records: &[Value]) -> (String, String) {
    let (mut text, mut args) = (String::new(), String::new());
    let push = |v: Option<&Value>, to: &mut String| {
        if let Some(s) = v.and_then(Value::as_str) {
            to.push_str(s)
        }
    };
    for r in records {
        for c in r["choices"].as_array().into_iter().flatten() {
            push(c.pointer("/delta/content"), &mut text);
            push(c.pointer("/text"), &mut text);
            push(
                c.pointer("/delta/tool_calls/0/function/arguments"),
                &mut args,
            );
        }
        if r["type"] == "response.output_text.delta"
            || r["type"] == "content_block_delta"
            || r.get("contentBlockIndex").is_some()
        {
            push(r.pointer("/delta").filter(|d| d.is_string()), &mut text);
            push(r.pointer("/delta/text"), &mut text);
            push(r.pointer("/delta/partial_json"), &mut args);
            push(r.pointer("/delta/toolUse/input"), &mut args);
        }
        for c in r["candidates"].as_array().into_iter().flatten() {
            for part in c["content"]["parts"].as_array().into_iter().flatten() {
                push(part.get("text"), &mut text);
                if let Some(a) = part.pointer("/functionCall/args") {
                    args.push_str(&a.to_string());
                }
            }
        }
        if r.get("done").is_some() {
            push(r.pointer("/message/content"), &mut text);
            push(r.get("response"), &mut text);
            if let Some(a) = r.pointer("/message/tool_calls/0/function/arguments") {
                args.push_str(&a.to_string());
            }
        }
    }
    (text, args)
}

/// Every string in a buffered answer, and the tool call's arguments wherever they are.
fn buffered(v: &Value) -> (Vec<String>, Option<Value>) {
    fn strings(v: &Value, out: &mut Vec<String>, args: &mut Option<Value>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out, args)),
            Value::Object(o) => {
                for (k, x) in o {
                    match (k.as_str(), x) {
                        ("arguments", Value::String(s)) => *args = serde_json::from_str(s).ok(),
                        ("arguments" | "args" | "input", Value::Object(_)) => {
                            *args = Some(x.clone())
                        }
                        _ => strings(x, out, args),
                    }
                }
            }
            _ => {}
        }
    }
    let (mut out, mut args) = (Vec::new(), None);
    strings(v, &mut out, &mut args);
    (out, args)
}

#[test]
fn every_provider_in_the_table_is_masked_and_restored_buffered_and_streamed() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let user = identity("acme", "user-1");
    let rows = rows();
    assert!(rows.len() >= 14, "the table lists the providers");
    let mut sent = 0;
    for (provider, path, forms) in &rows {
        for form in forms {
            let stream = !matches!(form.as_str(), "JSON" | "nothing");
            let body = request(provider, stream).to_string();
            let tools = body.contains("echo");
            let variants: &[(&str, &str)] = if stream {
                &[("1", "0"), ("3", "0"), ("7", "0"), ("5", "1")]
            } else {
                &[("5", "0")]
            };
            for (delta, chunk) in variants {
                let headers = [
                    ("x-veil-identity", user.as_str()),
                    ("x-fake-delta-chars", *delta),
                    ("x-fake-chunk-bytes", *chunk),
                ];
                let what = format!(
                    "{provider} {path} as {form}, {delta}-char deltas, {chunk}-byte writes"
                );
                let (status, answer) = g.post_raw(path, &headers, body.clone().into_bytes());
                sent += 1;
                assert_eq!(status, 200, "{what}: {}", String::from_utf8_lossy(&answer));
                if form == "nothing" {
                    let v: Value = serde_json::from_slice(&answer).unwrap();
                    assert!(v["data"][0]["embedding"].is_array(), "{what}: {v}");
                    continue;
                }
                let (text, args) = if stream {
                    let (text, args) = text_and_arguments(&records(form, &answer));
                    (
                        vec![text],
                        (!args.is_empty()).then(|| {
                            serde_json::from_str::<Value>(&args).unwrap_or_else(|e| {
                                panic!("{what}: arguments not JSON ({e}): {args}")
                            })
                        }),
                    )
                } else {
                    buffered(&serde_json::from_slice(&answer).unwrap())
                };
                assert!(text.contains(&said()), "{what}: {text:?}");
                if tools {
                    assert_eq!(
                        args.as_ref().map(|a| &a["said"]),
                        Some(&json!(said())),
                        "{what}: the tool call's arguments"
                    );
                }
            }
        }
    }
    let received = g.received();
    assert_eq!(received.len(), sent, "every request reached the provider");
    for body in received {
        for canary in [EMAIL, CARD, PHONE] {
            assert!(!body.contains(canary), "the provider saw {canary}: {body}");
        }
        assert!(body.contains("@example.com"), "masked, not dropped: {body}");
    }
    assert_eq!(g.stat("veil_responses_rehydration_incomplete"), 0);
    assert_eq!(g.stat("veil_responses_unknown_type"), 0);
}
