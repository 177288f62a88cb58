//! Through a real Envoy (Istio's proxy is Envoy): the pluginConfig the Istio manifests render
//! (istio/plugin-config/dev.json, from the WasmPlugin and its dev overlay) runs unchanged, its
//! vault cluster named as Istio names it (`outbound|8080||veil-vault...`), so the manifests'
//! configuration is proven to work, not only to parse.

use veil_e2e::{streamed_text, Gateway};

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
    assert_eq!(streamed_text(&answer), format!("You said: mail {EMAIL}"));
    let received = g.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].contains(EMAIL) && received[0].contains("@example.com"));
}
