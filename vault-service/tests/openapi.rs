//! `openapi.json` against the real routes: the same set of paths and methods, every example
//! request accepted by the real handler, the documented answers given, and unknown fields
//! rejected as the schemas' `additionalProperties: false` says.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;
use veil_vault::http::ROUTES;

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn documents_exactly_the_served_routes() {
    let spec = spec();
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
}

#[tokio::test]
async fn examples_are_accepted_and_answers_match_the_schemas() {
    let spec = spec();
    let (app, _dir) = in_process_app();
    // Tokenize first, so rehydrate's example token exists and the erase example has work.
    let mut posts: Vec<&str> = ROUTES
        .iter()
        .filter(|(m, _)| *m == "post")
        .map(|(_, p)| *p)
        .collect();
    posts.sort_by_key(|p| {
        [
            "/v1/tokenize",
            "/v1/rehydrate",
            "/v1/mask",
            "/v1/unmask",
            "/v1/erase",
        ]
        .iter()
        .position(|x| x == p)
    });
    for path in posts {
        let op = &spec["paths"][path]["post"];
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(schema["additionalProperties"], false, "{path}");
        let example = &op["requestBody"]["content"]["application/json"]["example"];
        let (status, body) = call(&app, "POST", path, example.to_string().into_bytes()).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        let answer: Value = serde_json::from_slice(&body).unwrap();
        let ok_schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        for key in ok_schema["required"].as_array().unwrap() {
            assert!(
                answer.get(key.as_str().unwrap()).is_some(),
                "{path}: answer lacks {key}: {answer}"
            );
        }
        for code in ["400", "401", "403", "408", "413", "415", "503"] {
            assert!(
                op["responses"].get(code).is_some(),
                "{path} does not document {code}"
            );
        }
        // Every documented property is accepted, and nothing else. (Erase takes one of
        // scope and entities, the masking routes one of text and json: their examples show
        // one, and the others are accepted below.)
        let either_or = ["/v1/erase", "/v1/mask", "/v1/unmask"].contains(&path);
        for property in schema["properties"].as_object().unwrap().keys() {
            assert!(
                example.get(property).is_some() || either_or,
                "{path}: the example should show {property}"
            );
        }
        let mut extra = example.clone();
        extra["undocumented"] = Value::from(1);
        assert_eq!(
            call(&app, "POST", path, extra.to_string().into_bytes())
                .await
                .0,
            400,
            "{path}"
        );
    }
    // The masking routes' other properties, accepted by the real handlers.
    for (path, body) in [
        (
            "/v1/mask",
            serde_json::json!({"tenant": "acme", "scope": "s", "ttl_seconds": 60,
                "json": {"a": "jane@corp.com"}, "config": {"detection": {"classifier": {"enabled": false}}}}),
        ),
        (
            "/v1/unmask",
            serde_json::json!({"tenant": "acme", "scope": "s", "json": {"a": "x"}, "restore_in_urls": true}),
        ),
    ] {
        let (status, answer) = call(&app, "POST", path, body.to_string().into_bytes()).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&answer));
    }
    for (method, path) in ROUTES.iter().filter(|(m, _)| *m == "get") {
        let (status, _) = call(&app, &method.to_uppercase(), path, Vec::new()).await;
        assert_eq!(status, 200, "{path}");
    }
}
