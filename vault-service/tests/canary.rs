//! Privacy of every output: canary values and a canary scope go through every operation and
//! error path on every backend, then the audit trail (stdout), the logs (stderr) and /metrics
//! are scanned. None may hold a value, a scope name, or a minted token.

mod common;

use common::*;

const VALUES: &[(&str, &str)] = &[
    ("EMAIL_ADDRESS", "canary.Hq7w@corp-mail.com"),
    ("PERSON", "Canary Zebedee Quillfeather"),
    ("CREDIT_CARD", "4929 3862 7781 4403"),
    ("US_SSN", "219-09-9999"),
    ("EMPLOYEE_ID", "EMP-CANARY-99731"),
];
const SCOPE: &str = "canary-scope-user-99731";

async fn nothing_leaks(store: &str) {
    let dir = tempfile::tempdir().unwrap();
    let vault = config_vault(&write_config(dir.path(), store, ""));
    let url = |p: &str| vault.url(p);
    let tenant_suffix = unique_tenant("c");
    let values: Vec<(&str, String)> = VALUES
        .iter()
        .map(|(t, v)| (*t, format!("{v} {tenant_suffix}")))
        .collect();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(t, v)| (*t, v.as_str())).collect();
    // Backends are shared between runs: a scope of this run's own.
    let scope = format!("{SCOPE}-{tenant_suffix}");
    let scope = scope.as_str();

    let tokens = tokenize(&vault, "acme-key", "acme", scope, &pairs).await;
    let back = rehydrate(&vault, "acme-key", "acme", scope, &tokens).await;
    assert!(back
        .iter()
        .zip(&values)
        .all(|((s, v), (_, want))| s == "ok" && v.as_deref() == Some(want.as_str())));
    rehydrate(&vault, "acme-key", "acme", "someone-else", &tokens).await; // denials
    rehydrate(&vault, "globex-key", "globex", scope, &tokens).await; // unknown

    // Error paths that carry the values.
    let v0 = &values[0].1;
    let bad_bodies = [
        format!(
            r#"{{"tenant": "acme", "scope": "{scope}", "entities": [{{"type": "NOT A TYPE", "value": "{v0}"}}]}}"#
        ),
        format!(
            r#"{{"tenant": "acme", "scope": "{scope}", "entities": [{{"type": "PERSON", "value": "{v0}", "{v0}": 1}}]}}"#
        ),
        format!(
            r#"{{"tenant": "acme", "scope": "{scope}", "ttl_seconds": "{v0}", "entities": []}}"#
        ),
        format!(
            r#"{{"tenant": "acme", "scope": "{scope}", "entities": [{{"type": "PERSON", "value": "{v0}"#
        ),
        format!(r#"{{"tenant": "{v0}", "entities": []}}"#),
    ];
    for body in &bad_bodies {
        let (status, json, _) = post(&url("/v1/tokenize"), Some("acme-key"), body).await;
        assert_eq!(status, 400, "{json}");
        assert!(
            !json.to_string().contains(v0.as_str()),
            "an error echoed a value: {json}"
        );
    }
    assert_eq!(
        post(&url("/v1/tokenize"), Some(v0), &bad_bodies[0]).await.0,
        401,
        "a value as the API key"
    );

    let erase = serde_json::json!({"tenant": "acme", "entities": [{"type": values[1].0, "value": values[1].1}]}).to_string();
    assert_eq!(
        post(&url("/v1/erase"), Some("acme-privacy"), &erase)
            .await
            .1["removed"],
        1
    );
    let erase = serde_json::json!({"tenant": "acme", "scope": scope}).to_string();
    assert_eq!(
        post(&url("/v1/erase"), Some("acme-privacy"), &erase)
            .await
            .1["removed"],
        4
    );

    let metrics = reqwest::get(url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("veil_vault_rehydrate_denials_total"),
        "{metrics}"
    );
    let outputs = [("audit and logs", vault.output()), ("metrics", metrics)];
    assert!(
        outputs[0].1.contains(r#""op":"erase""#),
        "the audit trail was captured"
    );
    for (name, text) in &outputs {
        for (_, v) in &values {
            assert!(!text.contains(v.as_str()), "a value leaked into {name}");
        }
        for (_, v) in VALUES {
            assert!(!text.contains(v), "a value leaked into {name}");
        }
        assert!(!text.contains(SCOPE), "the scope name leaked into {name}");
        for t in &tokens {
            assert!(
                !text.contains(t.as_str()),
                "a token leaked into {name}: {t}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_leaks_on_embedded() {
    let dir = tempfile::tempdir().unwrap();
    nothing_leaks(&format!(
        r#"{{"embedded": {{"path": "{}"}}}}"#,
        dir.path().join("store").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_leaks_on_redis() {
    if redis_up() {
        nothing_leaks(&format!(r#"{{"redis": {{"url": "{REDIS_URL}"}}}}"#)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_leaks_on_postgres() {
    if postgres_up() {
        nothing_leaks(&format!(r#"{{"postgres": {{"url": "{POSTGRES_URL}"}}}}"#)).await;
    }
}
