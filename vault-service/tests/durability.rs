//! The embedded store loses no acknowledged write: writers keep tokenizing while the process
//! is killed with SIGKILL, and after a restart every value that was acknowledged rehydrates.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = dev_vault(dir.path());
    let url = vault.url("/v1/tokenize");
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();

    let mut writers = Vec::new();
    for w in 0..4 {
        let (url, acked) = (url.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0.. {
                let value = format!("Durable Person {w}-{i}");
                let entities = [serde_json::json!({"type": "PERSON", "value": value})];
                let body =
                    serde_json::json!({"tenant": "durable", "scope": "s", "entities": entities});
                let sent = client.post(&url).bearer_auth(DEV_KEY).json(&body).send();
                let Ok(resp) = sent.await else {
                    return;
                };
                let Ok(json) = resp.json::<serde_json::Value>().await else {
                    return;
                };
                let token = json["tokens"][0].as_str().unwrap().to_string();
                acked.lock().unwrap().push((value, token));
            }
        }));
    }
    // Kill while the writers are mid-stream, once enough writes have been acknowledged.
    assert!(
        eventually(Duration::from_secs(60), || async {
            acked.lock().unwrap().len() >= 200
        })
        .await,
        "writes too slow"
    );
    vault.kill_9();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();

    let restarted = dev_vault(dir.path());
    let tokens: Vec<String> = acked.iter().map(|(_, t)| t.clone()).collect();
    for (chunk, expected) in tokens.chunks(500).zip(acked.chunks(500)) {
        let values = rehydrate(&restarted, DEV_KEY, "durable", "s", chunk).await;
        for ((status, value), (want, token)) in values.iter().zip(expected) {
            assert_eq!(
                (status.as_str(), value.as_deref()),
                ("ok", Some(want.as_str())),
                "acknowledged {token} lost"
            );
        }
    }
    assert!(acked.len() >= 200);
}
