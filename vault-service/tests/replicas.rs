//! Two `veil-vault` processes on one Redis, or on one PostgreSQL, tokenizing the same new
//! value at the same moment return the same token, and each rehydrates what the other minted.

mod common;

use common::*;

async fn two_replicas_agree(store: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), store, "");
    let a = config_vault(&config);
    let b = config_vault(&config);
    let run = unique_tenant("r");
    for round in 0..20 {
        let value = format!("Replica Race {run} {round}");
        let body = serde_json::json!({"tenant": "acme", "scope": "s", "entities": [{"type": "PERSON", "value": value}]}).to_string();
        // Eight requests released together, alternating between the replicas.
        let calls = (0..8).map(|i| {
            let url = if i % 2 == 0 {
                a.url("/v1/tokenize")
            } else {
                b.url("/v1/tokenize")
            };
            let body = body.clone();
            async move { post(&url, Some("acme-key"), &body).await }
        });
        let answers = futures_join_all(calls).await;
        let tokens: std::collections::HashSet<String> = answers
            .iter()
            .map(|(status, json, _)| {
                assert_eq!(*status, 200, "{json}");
                json["tokens"][0].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(
            tokens.len(),
            1,
            "round {round}: replicas disagree: {tokens:?}"
        );
        let token: Vec<String> = tokens.into_iter().collect();
        for replica in [&a, &b] {
            let got = rehydrate(replica, "acme-key", "acme", "s", &token).await;
            assert_eq!(got[0], ("ok".to_string(), Some(value.clone())));
        }
    }
}

/// Runs futures concurrently on the test's runtime and collects their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_redis_mint_one_token() {
    if redis_up() {
        two_replicas_agree(&format!(r#"{{"redis": {{"url": "{REDIS_URL}"}}}}"#)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_postgres_mint_one_token() {
    if postgres_up() {
        two_replicas_agree(&format!(r#"{{"postgres": {{"url": "{POSTGRES_URL}"}}}}"#)).await;
    }
}
