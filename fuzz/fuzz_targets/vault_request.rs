//! The vault's request handling, in process, on any body: the real router with an embedded
//! store, every JSON route (tokenize, rehydrate, erase, mask, unmask) as an administrator
//! would call it. The first byte picks the route. Properties: no panic; every answer is 2xx
//! or 4xx with a JSON body, an error has a message, and no answer's error repeats a long
//! string of the request (a value in the wrong field may be PII).
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;
use veil_fuzz::{echoes_long_string, Choices};
use veil_vault::audit::AuditSink;
use veil_vault::auth::{ApiKeys, Principal, Right, Role};
use veil_vault::http::{router, AppState, TenantPolicy};
use veil_vault::keys::MasterKeys;
use veil_vault::metrics::Metrics;
use veil_vault::store::embedded::EmbeddedStore;
use veil_vault::vault::Vault;

const ROUTES: &[&str] = &[
    "/v1/tokenize",
    "/v1/rehydrate",
    "/v1/erase",
    "/v1/mask",
    "/v1/unmask",
];

struct Harness {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    _dir: tempfile::TempDir,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store =
            Arc::new(EmbeddedStore::open(&dir.path().join("store")).expect("the store opens"));
        let keys = MasterKeys::from_json(
            r#"{"active": 1, "keys": {"1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}"#,
        )
        .expect("the keys parse");
        let mut api_keys = ApiKeys::default();
        api_keys.add_key(
            "fuzz-key",
            Principal {
                tenant: Some("acme".into()),
                role: Role {
                    name: "admin".into(),
                    rights: Right::ALL.into(),
                    unmask: Default::default(),
                },
            },
        );
        let state = AppState {
            vault: Vault::new(store, Arc::new(keys)),
            api_keys,
            tenants: BTreeMap::from([("acme".to_string(), TenantPolicy::default())]),
            // Millions of calls: the trail's lines go nowhere.
            audit: AuditSink::file(Path::new("/dev/null")).expect("/dev/null opens"),
            metrics: Metrics::new(),
            body_timeout: Duration::from_secs(10),
            engines: Arc::new(
                veil_vault::mask::Engines::new(&Default::default()).expect("the engines build"),
            ),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        Harness {
            runtime,
            app: router(Arc::new(state), 64),
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut choices = Choices(data);
    let path = ROUTES[usize::from(choices.byte()) % ROUTES.len()];
    let body = choices.rest().to_vec();
    let h = harness();
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("authorization", "Bearer fuzz-key")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.clone()))
        .expect("a request");
    let (status, answer) = h.runtime.block_on(async {
        let response = h
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body reads");
        (status, bytes)
    });
    assert!(
        (200..500).contains(&status),
        "{path} answered {status}: {answer:?}"
    );
    let json: serde_json::Value = serde_json::from_slice(&answer).expect("a JSON answer");
    if status >= 400 {
        let message = json["error"]["message"].as_str().expect("an error message");
        let request = String::from_utf8_lossy(&body);
        assert!(
            !echoes_long_string(message, &request),
            "{path}: the error repeats the request: {message}"
        );
    }
});
