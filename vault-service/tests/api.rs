//! The HTTP API of a real `veil-vault` process: dev mode and restarts, production config
//! checks, authentication, scoped rehydration by role, and a clear 4xx for every bad input.

mod common;

use std::time::Duration;

use common::*;

fn acme_config(dir: &std::path::Path) -> std::path::PathBuf {
    let store = format!(
        r#"{{"embedded": {{"path": "{}"}}}}"#,
        dir.join("store").display()
    );
    write_config(dir, &store, "")
}

#[tokio::test]
async fn dev_mode_keeps_working_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dev_vault(dir.path());
    assert!(
        vault.stderr.lock().unwrap().contains("DEV MODE"),
        "dev mode must warn loudly"
    );
    let entities = [
        ("EMAIL_ADDRESS", "dev.user@corp-mail.com"),
        ("PERSON", "Dev User"),
    ];
    let tokens = tokenize(&vault, DEV_KEY, "any-tenant", "u1", &entities).await;
    drop(vault);

    let restarted = dev_vault(dir.path());
    assert_eq!(
        tokenize(&restarted, DEV_KEY, "any-tenant", "u1", &entities).await,
        tokens
    );
    let values = rehydrate(&restarted, DEV_KEY, "any-tenant", "u1", &tokens).await;
    assert_eq!(
        values[0],
        ("ok".into(), Some("dev.user@corp-mail.com".into()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("master-keys.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the dev master key is private to its owner"
        );
    }
}

#[test]
fn production_refuses_to_start_without_keys_or_callers() {
    let dir = tempfile::tempdir().unwrap();
    let config = acme_config(dir.path());
    let text = std::fs::read_to_string(&config).unwrap();
    let run = |text: &str| {
        std::fs::write(dir.path().join("bad.json"), text).unwrap();
        let out = std::process::Command::new(binary())
            .arg("--config")
            .arg(dir.path().join("bad.json"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let no_master = text.replace(
        &format!(
            r#""master_keys_file": "{}","#,
            dir.path().join("keys.json").display()
        ),
        "",
    );
    let (code, err) = run(&no_master);
    assert_eq!(code, Some(2));
    assert!(err.contains("master_keys_file: missing"), "{err}");

    let no_callers = r#"{"listen": "127.0.0.1:0", "master_keys_file": "/k", "store": {"embedded": {"path": "/tmp/x"}}}"#;
    let (code, err) = run(no_callers);
    assert_eq!(code, Some(2));
    assert!(err.contains("no API keys configured"), "{err}");

    let missing_file = text.replace("keys.json", "absent.json");
    let (code, err) = run(&missing_file);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read master_keys_file"), "{err}");

    let out = std::process::Command::new(binary())
        .arg("--dev")
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("VEIL_DEV_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("VEIL_DEV_API_KEY"));
}

#[tokio::test]
async fn keys_are_checked_per_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let vault = config_vault(&acme_config(dir.path()));
    let body = r#"{"tenant": "acme", "entities": [{"type": "PERSON", "value": "Ann Example"}]}"#;
    let url = vault.url("/v1/tokenize");

    let (status, json, headers) = post(&url, None, body).await;
    assert_eq!(
        (status, json["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(post(&url, Some("wrong-key"), body).await.0, 401);
    assert_eq!(
        post(&url, Some("globex-key"), body).await.0,
        403,
        "globex's key on acme"
    );
    let unknown = body.replace("acme", "initech");
    assert_eq!(
        post(&url, Some("acme-key"), &unknown).await.0,
        403,
        "a tenant with no configuration"
    );
    assert_eq!(post(&url, Some("acme-key"), body).await.0, 200);
    // The audit line reaches the captured stdout through a pipe, after the answer: wait for it.
    let audited = || {
        let audit = vault.stdout.lock().unwrap().clone();
        audit.contains(r#""outcome":"unauthorized""#) && audit.contains(r#""outcome":"forbidden""#)
    };
    assert!(
        eventually(Duration::from_secs(10), || async { audited() }).await,
        "{}",
        vault.stdout.lock().unwrap()
    );
}

#[tokio::test]
async fn a_pasted_token_comes_back_as_a_token_unless_policy_allows() {
    let dir = tempfile::tempdir().unwrap();
    let vault = config_vault(&acme_config(dir.path()));
    let tokens = tokenize(
        &vault,
        "acme-key",
        "acme",
        "user-42",
        &[
            ("EMAIL_ADDRESS", "victim@corp-mail.com"),
            ("CREDIT_CARD", "4111 1111 1111 1111"),
        ],
    )
    .await;
    // Another user pastes user-42's tokens.
    let other = rehydrate(&vault, "acme-key", "acme", "user-7", &tokens).await;
    assert_eq!(
        other,
        vec![("denied".to_string(), None), ("denied".to_string(), None)]
    );
    // The support role may unmask emails (tenant policy), not cards.
    let support = rehydrate(&vault, "acme-support", "acme", "support-desk", &tokens).await;
    assert_eq!(
        support[0],
        ("ok".into(), Some("victim@corp-mail.com".into()))
    );
    assert_eq!(support[1].0, "denied");
    // Another tenant does not know the tokens at all.
    let globex = rehydrate(&vault, "globex-key", "globex", "user-42", &tokens).await;
    assert!(globex.iter().all(|(s, v)| s == "unknown" && v.is_none()));
    // The audit lines reach the captured stdout through a pipe, after the answers: wait for
    // both, then check there are no more.
    let denials = || {
        vault
            .stdout
            .lock()
            .unwrap()
            .matches(r#""outcome":"denied""#)
            .count()
    };
    eventually(Duration::from_secs(10), || async { denials() >= 2 }).await;
    assert_eq!(
        denials(),
        2,
        "each denying request is audited: {}",
        vault.stdout.lock().unwrap()
    );
}

#[tokio::test]
async fn bad_input_gets_a_4xx_that_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let vault = config_vault(&acme_config(dir.path()));
    let url = vault.url("/v1/tokenize");
    let many: Vec<String> = (0..1001)
        .map(|i| format!(r#"{{"type": "PERSON", "value": "p{i}"}}"#))
        .collect();
    let long_value = "x".repeat(9000);
    let cases: Vec<(String, u16, &str)> = vec![
        ("{not json".into(), 400, "malformed JSON"),
        (
            r#"{"tenant": "acme"}"#.into(),
            400,
            "missing field `entities`",
        ),
        (
            r#"{"tenant": "acme", "entities": [], "extra": 1}"#.into(),
            400,
            "unknown field",
        ),
        (
            r#"{"tenant": "acme", "entities": [{"type": "SHOE_SIZE!", "value": "42"}]}"#.into(),
            400,
            "entities[0].type: unknown entity type",
        ),
        (
            r#"{"tenant": "acme", "entities": [{"type": "PERSON", "value": ""}]}"#.into(),
            400,
            "entities[0].value: empty",
        ),
        (
            r#"{"tenant": "acme", "entities": [{"type": "PHONE_NUMBER", "value": "555\u0000-0101"}]}"#.into(),
            400,
            "entities[0].value: control characters",
        ),
        (
            format!(
                r#"{{"tenant": "acme", "entities": [{{"type": "PERSON", "value": "{long_value}"}}]}}"#
            ),
            413,
            "entities[0].value: longer than",
        ),
        (
            format!(r#"{{"tenant": "acme", "entities": [{}]}}"#, many.join(",")),
            413,
            "at most 1000",
        ),
        (
            r#"{"tenant": "acme", "ttl_seconds": 0, "entities": []}"#.into(),
            400,
            "ttl_seconds",
        ),
        (
            r#"{"tenant": "acme", "ttl_seconds": "soon", "entities": []}"#.into(),
            400,
            "ttl_seconds: wrong type",
        ),
        (
            r#"{"tenant": "Acme Corp", "entities": []}"#.into(),
            400,
            "tenant:",
        ),
        (
            r#"{"tenant": "acme", "scope": "", "entities": []}"#.into(),
            400,
            "scope:",
        ),
    ];
    for (body, status, message) in &cases {
        let (got, json, _) = post(&url, Some("acme-key"), body).await;
        let text = json["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(got, *status, "{message}: {json}");
        assert!(text.contains(message), "expected {message:?} in {text:?}");
        assert!(
            !text.contains("xxxxxxxx") && !text.contains("SHOE"),
            "errors never echo values: {text}"
        );
    }
    // A body over the limit is refused from its Content-Length, before it is read: the
    // client gets the 413 without sending the body.
    {
        use std::io::{Read, Write};
        let mut raw = std::net::TcpStream::connect(vault.addr).unwrap();
        write!(raw, "POST /v1/tokenize HTTP/1.1\r\nhost: x\r\nauthorization: Bearer acme-key\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", 5 << 20).unwrap();
        let mut answer = vec![0u8; 4096];
        let n = raw.read(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]);
        assert!(
            answer.starts_with("HTTP/1.1 413") && answer.contains("larger than"),
            "{answer}"
        );
    }
    // Not JSON at all, or compressed.
    let client = reqwest::Client::new();
    let r = client
        .post(&url)
        .bearer_auth("acme-key")
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    let r = client
        .post(&url)
        .bearer_auth("acme-key")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    let r = client
        .post(vault.url("/v1/erase"))
        .bearer_auth("acme-privacy")
        .header("content-type", "application/json")
        .body(r#"{"tenant": "acme"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "erase needs a scope or values");
    let r = client.get(vault.url("/v2/nothing")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["error"]["code"], "not_found");
    let r = client.get(vault.url("/v1/tokenize")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["error"]["code"], "method_not_allowed");
    // The service is still fine.
    assert_eq!(
        client
            .get(vault.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}

#[test]
fn a_second_process_cannot_open_the_same_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let _first = dev_vault(dir.path());
    let out = std::process::Command::new(binary())
        .args(["--dev", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("VEIL_DEV_API_KEY", DEV_KEY)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another process"), "{err}");
}
