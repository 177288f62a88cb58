//! The tier-2 classifier inside Envoy's wasm VM: names, organisations and places never reach
//! the provider, come back restored, are counted, and text over the per-request bound gets
//! tier 1 only, counted, never silently.

use veil_e2e::Gateway;

const CONFIG: &str = include_str!("../../envoy/plugin-config.json");

const NAME: &str = "Amara Okafor";
const HOSPITAL: &str = "St. Thomas' Hospital";
const EMAIL: &str = "canary.mira@corp-mail.com";

fn chat(text: &str) -> String {
    serde_json::json!({"model": "m", "messages": [{"role": "user", "content": text}]}).to_string()
}

#[test]
fn names_and_organisations_are_masked_and_restored() {
    let Some(g) = Gateway::start(CONFIG) else {
        return;
    };
    let prompt = format!(
        "Please forward the referral for Dr. {NAME} to {HOSPITAL} in Leeds, and email {EMAIL}."
    );
    let (status, _, body) = g.post("/v1/chat/completions", &[], &chat(&prompt));
    assert_eq!(status, 200, "{body}\n{}", g.envoy_log());
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["choices"][0]["message"]["content"],
        format!("You said: {prompt}")
    );
    let received = g.received().join("\n");
    for value in [NAME, "Okafor", HOSPITAL, "Leeds", EMAIL] {
        assert!(
            !received.contains(value),
            "the provider saw {value}: {received}"
        );
    }
    assert!(received.contains("Person_"), "{received}");
    assert_eq!(g.stat("veil_entities_masked_PERSON"), 1);
    assert_eq!(g.stat("veil_entities_masked_ORGANIZATION"), 1);
    assert_eq!(g.stat("veil_entities_masked_LOCATION"), 1);
    assert_eq!(g.stat("veil_classifier_bytes"), prompt.len() as u64);
    assert_eq!(g.stat("veil_classifier_over_budget"), 0);
    assert!(!g.envoy_log().contains(NAME), "Envoy's log holds no value");
}

#[test]
fn text_over_the_bound_gets_tier_one_only_and_is_counted() {
    let config = CONFIG.replace(
        r#""classifier": { "enabled": true }"#,
        r#""classifier": { "enabled": true, "max_bytes_per_request": 1024 }"#,
    );
    assert_ne!(config, CONFIG, "the bound was set");
    let Some(g) = Gateway::start(&config) else {
        return;
    };
    // The older turn is over the bound (fields are read newest first): its name stays, as
    // tier 1 cannot see names, but its email is still masked.
    let history = format!(
        "Notes from {NAME}'s visit, write to {EMAIL}. {}",
        "The weather was fine. ".repeat(60)
    );
    let latest = format!("Now write to Dr. {NAME} about it.");
    let body = serde_json::json!({"model": "m", "messages": [
        {"role": "user", "content": history},
        {"role": "user", "content": latest},
    ]})
    .to_string();
    let (status, _, answer) = g.post("/v1/chat/completions", &[], &body);
    assert_eq!(status, 200, "{answer}");
    let received = g.received().join("\n");
    assert!(
        !received.contains(EMAIL),
        "tier 1 still masks the older turn: {received}"
    );
    assert!(
        !received.contains(&latest),
        "the latest turn went through the classifier: {received}"
    );
    assert!(
        received.contains(&format!("Notes from {NAME}")),
        "the older turn was over the bound: {received}"
    );
    assert_eq!(g.stat("veil_classifier_over_budget"), 1);
    assert_eq!(
        g.stat("veil_classifier_bytes_skipped"),
        history.len() as u64
    );
    assert_eq!(g.stat("veil_classifier_bytes"), latest.len() as u64);
}
