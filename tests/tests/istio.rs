//! Through a real Envoy (Istio's proxy is Envoy): the pluginConfig the Istio manifests render
//! (istio/plugin-config/dev.json, from the WasmPlugin and its dev overlay) runs unchanged, its
//! vault cluster named as Istio names it (`outbound|8080||veil-vault...`), so the manifests'
//! configuration is proven to work, not only to parse.

use veil_e2e::Gateway;

const DEV: &str = include_str!("../../istio/plugin-config/dev.json");
const EMAIL: &str = "canary.mesh@corp-mail.com";

#[test]
fn the_istio_dev_plugin_config_masks_and_restores() {
    assert!(DEV.contains("outbound|8080||"), "Istio's cluster name");
    let Some(g) = Gateway::start(DEV) else {
        return;
    };
    let body = serde_json::json!({"model": "m", "stream": true,
        "messages": [{"role": "user", "content": format!("mail {EMAIL}")}]})
    .to_string();
    let (status, _, answer) = g.post("/v1/chat/completions", &[], &body);
    assert_eq!(status, 200, "{answer}\n{}", g.envoy_log());
    let text: String = answer
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| {
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert_eq!(text, format!("You said: mail {EMAIL}"));
    let received = g.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].contains(EMAIL) && received[0].contains("@example.com"));
}
