//! The masking API against the real vault on every store (embedded; Redis and PostgreSQL at
//! their usual loopback ports, required in CI): text and JSON masked and unmasked, the same
//! token as `/v1/tokenize` (the gateway's path) for the same tenant and scope, another scope
//! denied, roles deciding who may call each route, and no value in the audit trail or in any
//! answer that is not the caller's own.

mod common;

use common::*;
use serde_json::{json, Value};

const EMAIL: &str = "mask.canary@corp-mail.com";
const CARD: &str = "4929 3862 7781 4403";
const NAME: &str = "Ingrid Fairweather";

fn stores(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let mut stores = vec![(
        "embedded",
        format!(
            r#"{{"embedded": {{"path": "{}"}}}}"#,
            dir.join("store").display()
        ),
    )];
    if redis_up() {
        stores.push((
            "redis",
            r#"{"redis": {"url": "redis://127.0.0.1:6379"}}"#.into(),
        ));
    }
    if postgres_up() {
        stores.push((
            "postgres",
            r#"{"postgres": {"url": "postgres://postgres@127.0.0.1:5432/test"}}"#.into(),
        ));
    }
    stores
}

async fn call(vault: &VaultProcess, key: &str, path: &str, body: Value) -> (u16, Value) {
    let (status, json, _) = post(&vault.url(path), Some(key), &body.to_string()).await;
    (status, json)
}

#[tokio::test]
async fn mask_and_unmask_round_trip_on_every_store() {
    let base = tempfile::tempdir().unwrap();
    for (name, store) in stores(base.path()) {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit.jsonl");
        let extra = format!(r#""audit_file": "{}","#, audit.display());
        let vault = config_vault(&write_config(dir.path(), &store, &extra));
        let scope = unique_tenant("session");
        let other = unique_tenant("other");
        let text = format!("Dear {NAME}, mail {EMAIL} about card {CARD}. Thanks, {NAME}.");

        // Text: every value gone from the masked form, each value one token.
        let (status, masked) = call(
            &vault,
            "acme-agent",
            "/v1/mask",
            json!({"tenant": "acme", "scope": scope, "text": text}),
        )
        .await;
        assert_eq!(status, 200, "{name}: {masked}");
        let masked_text = masked["text"].as_str().unwrap();
        for value in [EMAIL, CARD, NAME] {
            assert!(
                !masked_text.contains(value),
                "{name}: {value} left in {masked_text}"
            );
        }
        let entities = masked["entities"].as_array().unwrap();
        let kinds: Vec<&str> = entities
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        for kind in ["PERSON", "EMAIL_ADDRESS", "CREDIT_CARD"] {
            assert!(kinds.contains(&kind), "{name}: {kind} in {kinds:?}");
        }
        assert!(
            !masked["entities"].to_string().contains(EMAIL),
            "no values in the report"
        );
        let email_token = entities
            .iter()
            .find(|e| e["type"] == "EMAIL_ADDRESS")
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();

        // The gateway's path gives the same token for the same tenant, scope and value.
        let gateway = tokenize(
            &vault,
            "acme-key",
            "acme",
            &scope,
            &[("EMAIL_ADDRESS", EMAIL)],
        )
        .await;
        assert_eq!(
            gateway[0], email_token,
            "{name}: /v1/mask and /v1/tokenize agree"
        );

        let (status, back) = call(
            &vault,
            "acme-agent",
            "/v1/unmask",
            json!({"tenant": "acme", "scope": scope, "text": masked_text}),
        )
        .await;
        assert_eq!(status, 200, "{name}: {back}");
        assert_eq!(back["text"], text, "{name}");
        assert!(back["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "ok" && t.get("value").is_none()));

        // Another scope is denied: tokens stay, statuses say so, no value anywhere.
        let (status, denied) = call(
            &vault,
            "acme-agent",
            "/v1/unmask",
            json!({"tenant": "acme", "scope": other, "text": masked_text}),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(denied["text"], masked_text, "{name}");
        assert!(
            denied["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["status"] == "denied"),
            "{denied}"
        );
        for value in [EMAIL, CARD, NAME] {
            assert!(!denied.to_string().contains(value), "{name}");
        }

        // JSON: valid JSON out, strings masked where they stand, numbers and keys kept.
        let doc = json!({"ticket": {"from": EMAIL, "count": 2, "notes": [format!("{NAME} called"), "no PII here"]}});
        let (status, masked) = call(
            &vault,
            "acme-agent",
            "/v1/mask",
            json!({"tenant": "acme", "scope": scope, "json": doc}),
        )
        .await;
        assert_eq!(status, 200, "{name}: {masked}");
        let m = &masked["json"];
        assert_eq!(m["ticket"]["from"], email_token.as_str());
        assert_eq!(m["ticket"]["count"], 2);
        assert_eq!(m["ticket"]["notes"][1], "no PII here");
        assert!(!m.to_string().contains(NAME));
        let (_, back) = call(
            &vault,
            "acme-agent",
            "/v1/unmask",
            json!({"tenant": "acme", "scope": scope, "json": m}),
        )
        .await;
        assert_eq!(back["json"], doc, "{name}");

        // Roles: the gateway's key may not mask; the agent's may not tokenize.
        let (status, _) = call(
            &vault,
            "acme-key",
            "/v1/mask",
            json!({"tenant": "acme", "text": text}),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = call(
            &vault,
            "acme-agent",
            "/v1/tokenize",
            json!({"tenant": "acme", "entities": [{"type": "EMAIL_ADDRESS", "value": EMAIL}]}),
        )
        .await;
        assert_eq!(status, 403);
        let (status, e) = call(
            &vault,
            "acme-agent",
            "/v1/mask",
            json!({"tenant": "acme", "text": "x", "json": {}}),
        )
        .await;
        assert_eq!(status, 400, "{e}");

        drop(vault);
        let trail = std::fs::read_to_string(&audit).unwrap();
        assert!(
            trail.contains(r#""op":"mask""#)
                && trail.contains(r#""op":"unmask","outcome":"denied""#),
            "{trail}"
        );
        let card_digits: String = CARD.split(' ').collect();
        for value in [EMAIL, CARD, &card_digits, NAME, "Fairweather"] {
            assert!(
                !trail.contains(value),
                "{name}: the audit trail holds {value}"
            );
        }
        // Part of the card, as a word: the trail's digests and ids are hex, and hold any
        // four digits by chance.
        assert!(holds_apart("card 4929 …", "4929") && !holds_apart("\"a84929f\"", "4929"));
        assert!(
            !holds_apart(&trail, &CARD[..4]),
            "{name}: the audit trail holds part of the card"
        );
    }
}

/// Whether `needle` stands in `hay` with no hex digit on either side.
fn holds_apart(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let hex = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit());
        !hex(hay[..i].chars().next_back()) && !hex(hay[i + needle.len()..].chars().next())
    })
}
