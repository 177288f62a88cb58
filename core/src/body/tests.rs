//! Body tests: field selection per API shape, offset mapping through escapes, and rewrites that
//! keep the body valid and every byte outside the spans untouched.

use super::*;
use crate::config::JsonScanConfig;
use crate::detect::Engine;

fn mask(raw: &str, kind: BodyKind, cfg: &JsonScanConfig) -> String {
    let doc = Document::parse(raw.as_bytes(), kind, cfg).unwrap();
    let engine = Engine::default();
    let edits: Vec<Edit> = doc
        .detect(&engine)
        .into_iter()
        .map(|f| f.edit(format!("<{}>", f.detection.entity)))
        .collect();
    String::from_utf8(doc.rewrite(&edits).unwrap()).unwrap()
}

fn pointers(raw: &str, cfg: &JsonScanConfig) -> Vec<String> {
    Document::parse(raw.as_bytes(), BodyKind::Json, cfg)
        .unwrap()
        .fields()
        .iter()
        .map(|f| f.pointer.clone())
        .collect()
}

#[test]
fn openai_chat_scans_content_not_structure() {
    let body = r#"{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","name":"jane","content":"Email jane@corp.com"}],"tools":[{"type":"function","function":{"name":"lookup","description":"Find jane@corp.com"}}]}"#;
    let cfg = JsonScanConfig::default();
    assert_eq!(
        pointers(body, &cfg),
        vec![
            "/messages/0/content",
            "/messages/1/name",
            "/messages/1/content"
        ]
    );
    let out = mask(body, BodyKind::Json, &cfg);
    assert_eq!(
        out,
        body.replace("Email jane@corp.com", "Email <EMAIL_ADDRESS>")
    );
}

#[test]
fn openai_tool_calls_and_content_parts() {
    let body = r#"{"messages":[{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"send","arguments":"{\"to\":\"bob@corp.com\"}"}}]},{"role":"user","content":[{"type":"text","text":"call 415-867-2301"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}"#;
    let cfg = JsonScanConfig::default();
    assert_eq!(
        pointers(body, &cfg),
        vec![
            "/messages/0/tool_calls/0/function/arguments",
            "/messages/1/content/0/text"
        ]
    );
    let out = mask(body, BodyKind::Json, &cfg);
    assert!(
        out.contains(r#""arguments":"{\"to\":\"<EMAIL_ADDRESS>\"}""#),
        "{out}"
    );
    assert!(out.contains(r#""text":"call <PHONE_NUMBER>""#), "{out}");
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
}

#[test]
fn anthropic_messages_with_tools() {
    let body = r#"{"model":"claude-sonnet-4","max_tokens":100,"system":[{"type":"text","text":"Agent for jane@corp.com"}],"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"ssn":"536-90-4399"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"IBAN DE89 3704 0044 0532 0130 00"}]}]}"#;
    let cfg = JsonScanConfig::default();
    assert_eq!(
        pointers(body, &cfg),
        vec![
            "/system/0/text",
            "/messages/0/content/0/input/ssn",
            "/messages/1/content/0/content"
        ]
    );
    let out = mask(body, BodyKind::Json, &cfg);
    for v in ["jane@corp.com", "536-90-4399", "DE89 3704"] {
        assert!(!out.contains(v), "{out}");
    }
    assert!(out.contains("toolu_1") && out.contains("claude-sonnet-4"));
}

#[test]
fn openai_responses_input() {
    let body = r#"{"model":"gpt-4.1","instructions":"Reply to jane@corp.com","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"my card 4111 1111 1111 1111"}]}]}"#;
    let cfg = JsonScanConfig::default();
    assert_eq!(
        pointers(body, &cfg),
        vec!["/instructions", "/input/0/content/0/text"]
    );
    let out = mask(body, BodyKind::Json, &cfg);
    assert!(
        out.contains("my card <CREDIT_CARD>") && out.contains("Reply to <EMAIL_ADDRESS>"),
        "{out}"
    );
}

#[test]
fn escapes_map_back_exactly() {
    let body =
        r#"{"text":"caf\u00e9 \"x\"\n mail: jane\u0040corp.com\tend \ud83d\ude00 bob@corp.com"}"#;
    let doc = Document::parse(body.as_bytes(), BodyKind::Json, &JsonScanConfig::default()).unwrap();
    assert_eq!(
        doc.fields()[0].text,
        "café \"x\"\n mail: jane@corp.com\tend 😀 bob@corp.com"
    );
    let out = mask(body, BodyKind::Json, &JsonScanConfig::default());
    assert_eq!(
        out,
        r#"{"text":"caf\u00e9 \"x\"\n mail: <EMAIL_ADDRESS>\tend \ud83d\ude00 <EMAIL_ADDRESS>"}"#
    );
}

#[test]
fn replacements_are_escaped() {
    let body = r#"{"a":"jane@corp.com"}"#;
    let doc = Document::parse(body.as_bytes(), BodyKind::Json, &JsonScanConfig::default()).unwrap();
    let out = doc
        .rewrite(&[Edit {
            field: 0,
            start: 0,
            end: 13,
            replacement: "quote\" back\\ nl\n".into(),
        }])
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["a"], "quote\" back\\ nl\n");
}

#[test]
fn include_exclude_keys_and_numbers() {
    let body = r#"{"meta":{"trace":"t@x.io"},"data":{"email":"a@b.io","card":4111111111111111,"ignored":5}}"#;
    let cfg = JsonScanConfig {
        include: vec!["/data".into()],
        exclude: vec!["/data/ignored".into()],
        scan_numbers: crate::config::ScanNumbers::All,
        ..Default::default()
    };
    assert_eq!(pointers(body, &cfg), vec!["/data/email", "/data/card"]);
    let out = mask(body, BodyKind::Json, &cfg);
    assert_eq!(
        out,
        r#"{"meta":{"trace":"t@x.io"},"data":{"email":"<EMAIL_ADDRESS>","card":"<CREDIT_CARD>","ignored":5}}"#
    );

    let cfg = JsonScanConfig {
        scan_keys: true,
        ..Default::default()
    };
    let out = mask(r#"{"jane@corp.com": 1}"#, BodyKind::Json, &cfg);
    assert_eq!(out, r#"{"<EMAIL_ADDRESS>": 1}"#);
}

#[test]
fn long_numbers_are_scanned_by_default_and_keys_and_short_numbers_are_not() {
    let body = r#"{"jane@corp.com": 4111111111111111, "n": 12345678}"#;
    assert_eq!(
        mask(body, BodyKind::Json, &JsonScanConfig::default()),
        r#"{"jane@corp.com": "<CREDIT_CARD>", "n": 12345678}"#
    );
    let none = JsonScanConfig {
        scan_numbers: crate::config::ScanNumbers::None,
        ..Default::default()
    };
    assert_eq!(mask(body, BodyKind::Json, &none), body);
}

#[test]
fn bad_bodies_are_clear_errors() {
    let cfg = JsonScanConfig::default();
    let err = |raw: &[u8]| Document::parse(raw, BodyKind::Json, &cfg).unwrap_err();
    assert_eq!(
        err(b"{\"a\": \"\xff\"}"),
        BodyError::InvalidUtf8 { offset: 7 }
    );
    assert!(matches!(
        err(b"{\"a\": }"),
        BodyError::InvalidJson { offset: 6, .. }
    ));
    assert!(matches!(
        err(b"{\"a\": \"x\"} trailing"),
        BodyError::InvalidJson { .. }
    ));
    assert!(matches!(
        err(b"{\"a\": \"\\ud800\"}"),
        BodyError::InvalidJson { .. }
    ));
    assert!(matches!(
        err(b"{\"a\": \"tab\there\"}"),
        BodyError::InvalidJson { .. }
    ));
    assert!(matches!(err(b"[01]"), BodyError::InvalidJson { .. }));
    assert!(matches!(
        err(b"\"unterminated"),
        BodyError::InvalidJson { .. }
    ));
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(err(deep.as_bytes()), BodyError::TooDeep { max_depth: 128 });
    let msg = err(b"{\"secret jane@corp.com\" 1}").to_string();
    assert!(!msg.contains("jane"), "{msg}");
}

#[test]
fn form_bodies() {
    let body = "name=Jane+Doe&email=jane%40corp.com&note=caf%C3%A9+%ZZ+call+415-867-2301";
    let out = mask(body, BodyKind::Form, &JsonScanConfig::default());
    assert_eq!(
        out,
        "name=Jane+Doe&email=%3CEMAIL_ADDRESS%3E&note=caf%C3%A9+%25ZZ+call+%3CPHONE_NUMBER%3E"
    );
    let cfg = JsonScanConfig {
        exclude: vec!["/email".into()],
        ..Default::default()
    };
    assert!(mask(body, BodyKind::Form, &cfg).contains("jane%40corp.com"));
}

/// Found by fuzzing (fuzz/form_text): a value percent-encoded throughout decodes as one run
/// of escapes, and a span that starts or ends inside the run was mapped to the wrong raw
/// bytes, so part of the value stayed in the body.
#[test]
fn form_values_encoded_throughout_are_masked_whole() {
    let body = "q=mail%20%6A%61%6E%65%40%63%6F%72%70%2E%63%6F%6D%20now&note=caf%C3%A9%20%26%3D";
    let out = mask(body, BodyKind::Form, &JsonScanConfig::default());
    assert_eq!(
        out,
        "q=mail%20%3CEMAIL_ADDRESS%3E%20now&note=caf%C3%A9%20%26%3D"
    );
    let doc =
        Document::parse(b"n=caf%C3%A9%20%26%3D", BodyKind::Form, &Default::default()).unwrap();
    let edit = Edit {
        field: 0,
        start: 2,
        end: 6,
        replacement: String::new(),
    };
    assert_eq!(doc.rewrite(&[edit]).unwrap(), b"n=ca%26%3D");
}

/// Found by fuzzing (fuzz/form_text): a malformed escape kept as it was (`%7`) followed by a
/// replacement that starts with a hex digit read as a new escape (`%7a` is `z`).
#[test]
fn form_edits_after_a_literal_percent_keep_it_literal() {
    let cfg = JsonScanConfig::default();
    for (body, start, end, replacement, read_back) in [
        ("n=ab%7lzz", 4, 5, "a", "ab%7azz"),
        ("n=ab%7l9zz", 4, 5, "", "ab%79zz"),
        ("n=ab%lzz", 3, 4, "7a", "ab%7azz"),
    ] {
        let doc = Document::parse(body.as_bytes(), BodyKind::Form, &cfg).unwrap();
        let edit = Edit {
            field: 0,
            start,
            end,
            replacement: replacement.into(),
        };
        let out = doc.rewrite(&[edit]).unwrap();
        let again = Document::parse(&out, BodyKind::Form, &cfg).unwrap();
        assert_eq!(
            again.fields()[0].text,
            read_back,
            "{body} -> {}",
            String::from_utf8_lossy(&out)
        );
    }
}

/// Found by fuzzing (fuzz/form_text): a run of escapes with a byte that is not UTF-8 at its
/// end was kept encoded whole, so the characters before that byte were never scanned.
#[test]
fn form_runs_decode_up_to_a_byte_that_is_not_utf8() {
    let doc = Document::parse(
        b"n=%6A%61%6E%65%40%63%6F%72%70%2E%63%6F%6D%FF",
        BodyKind::Form,
        &JsonScanConfig::default(),
    )
    .unwrap();
    assert_eq!(doc.fields()[0].text, "jane@corp.com%FF");
    let out = mask(
        "n=%6A%61%6E%65%40%63%6F%72%70%2E%63%6F%6D%FF",
        BodyKind::Form,
        &JsonScanConfig::default(),
    );
    assert_eq!(out, "n=%3CEMAIL_ADDRESS%3E%25FF");
}

#[test]
fn text_bodies() {
    let out = mask(
        "hi jane@corp.com, café",
        BodyKind::Text,
        &JsonScanConfig::default(),
    );
    assert_eq!(out, "hi <EMAIL_ADDRESS>, café");
    assert!(Document::parse(b"\xc3", BodyKind::Text, &JsonScanConfig::default()).is_err());
}

#[test]
fn content_types() {
    assert_eq!(
        BodyKind::from_content_type("application/json; charset=utf-8"),
        Some(BodyKind::Json)
    );
    assert_eq!(
        BodyKind::from_content_type("application/vnd.api+json"),
        Some(BodyKind::Json)
    );
    assert_eq!(
        BodyKind::from_content_type("application/x-www-form-urlencoded"),
        Some(BodyKind::Form)
    );
    assert_eq!(
        BodyKind::from_content_type("text/plain"),
        Some(BodyKind::Text)
    );
    assert_eq!(
        BodyKind::from_content_type("application/octet-stream"),
        None
    );
}

#[test]
fn bad_edits_are_errors() {
    let doc = Document::parse(
        br#"{"a":"jane@corp.com"}"#,
        BodyKind::Json,
        &JsonScanConfig::default(),
    )
    .unwrap();
    let e = |field, start, end| Edit {
        field,
        start,
        end,
        replacement: "x".into(),
    };
    assert!(doc.rewrite(&[e(1, 0, 1)]).is_err());
    assert!(doc.rewrite(&[e(0, 0, 99)]).is_err());
    assert!(doc.rewrite(&[e(0, 0, 5), e(0, 4, 6)]).is_err());
}
