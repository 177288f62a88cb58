//! A backend that goes away: requests get 503 with a JSON error and Retry-After, /readyz
//! fails, nothing panics, no value leaks into the error logs, and the service recovers by
//! itself when the backend returns. The backend is cut off by a TCP proxy the test controls:
//! the machine's Redis and PostgreSQL, and a dynalite (DynamoDB's API) of the test's own.

mod common;

use std::time::Duration;

use common::*;

const CANARY: &str = "outage-canary-Zq81@corp-mail.com";

/// `env`: variables the vault process needs besides its config (credentials).
async fn survives_an_outage(target: &str, store_for: impl Fn(u16) -> String, env: &[(&str, &str)]) {
    let proxy = Proxy::start(target);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(binary());
    cmd.arg("--config")
        .arg(write_config(dir.path(), &store_for(proxy.port), ""))
        .envs(env.iter().copied());
    let vault = VaultProcess::start(cmd);
    let client = reqwest::Client::new();
    let tenant_value = format!("{CANARY}-{}", unique_tenant("o"));
    let before = tokenize(
        &vault,
        "acme-key",
        "acme",
        "s",
        &[("EMAIL_ADDRESS", &tenant_value)],
    )
    .await;

    proxy.down();
    let body = serde_json::json!({"tenant": "acme", "scope": "s", "entities": [{"type": "EMAIL_ADDRESS", "value": tenant_value}]}).to_string();
    let (status, json, headers) = post(&vault.url("/v1/tokenize"), Some("acme-key"), &body).await;
    assert_eq!(status, 503, "{json}");
    assert_eq!(json["error"]["code"], "storage_unavailable");
    assert_eq!(headers["retry-after"], "1");
    let rehydrate_body =
        serde_json::json!({"tenant": "acme", "scope": "s", "tokens": before}).to_string();
    assert_eq!(
        post(
            &vault.url("/v1/rehydrate"),
            Some("acme-key"),
            &rehydrate_body
        )
        .await
        .0,
        503
    );
    let ready = client.get(vault.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 503);
    assert_eq!(
        client
            .get(vault.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200,
        "the process is up"
    );

    proxy.up();
    let recovered = eventually(Duration::from_secs(30), || async {
        client
            .get(vault.url("/readyz"))
            .send()
            .await
            .map(|r| r.status().as_u16() == 200)
            .unwrap_or(false)
    })
    .await;
    assert!(
        recovered,
        "the service did not recover by itself: {}",
        vault.output()
    );
    let after = tokenize(
        &vault,
        "acme-key",
        "acme",
        "s",
        &[("EMAIL_ADDRESS", &tenant_value)],
    )
    .await;
    assert_eq!(after, before);
    assert_eq!(
        rehydrate(&vault, "acme-key", "acme", "s", &before).await[0]
            .1
            .as_deref(),
        Some(tenant_value.as_str())
    );

    let metrics = client
        .get(vault.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("veil_vault_storage_errors_total"),
        "{metrics}"
    );
    let output = vault.output();
    assert!(!output.contains("panicked"), "{output}");
    assert!(
        !output.contains(CANARY) && !metrics.contains(CANARY),
        "a value leaked into logs or metrics"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_is_503_and_recovers() {
    if redis_up() {
        survives_an_outage(
            "127.0.0.1:6379",
            |port| format!(r#"{{"redis": {{"url": "redis://127.0.0.1:{port}"}}}}"#),
            &[],
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_is_503_and_recovers() {
    if postgres_up() {
        survives_an_outage(
            "127.0.0.1:5432",
            |port| {
                format!(r#"{{"postgres": {{"url": "postgres://postgres@127.0.0.1:{port}/test"}}}}"#)
            },
            &[],
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_outage_is_503_and_recovers() {
    let Some(program) = dynalite_program() else {
        return;
    };
    let dynalite = private_dynalite(&program);
    survives_an_outage(
        &format!("127.0.0.1:{}", dynalite.port),
        |port| {
            format!(
                r#"{{"dynamodb": {{"table": "veil", "region": "eu-west-1", "endpoint": "http://127.0.0.1:{port}", "create_table": true}}}}"#
            )
        },
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDVEILTEST"),
            ("AWS_SECRET_ACCESS_KEY", "veil-test-secret"),
        ],
    )
    .await;
}
