//! Through a real Envoy (Istio's proxy is Envoy): the pluginConfig the Istio manifests render
//! (istio/plugin-config/dev.json, from the WasmPlugin and its dev overlay) runs unchanged, its
//! vault cluster named as Istio names it (`outbound|8080||veil-vault...`), so the manifests'
//! configuration is proven to work, not only to parse. Identity as Istio provides it: a JWT
//! verified by the proxy, its payload under the issuer's name.

use veil_e2e::{jwt_from, streamed_text, Gateway, Provider, Vault};

const DEV: &str = include_str!("../../istio/plugin-config/dev.json");
const EMAIL: &str = "canary.mesh@corp-mail.com";

#[test]
fn the_istio_dev_plugin_config_masks_and_restores() {
    assert!(DEV.contains("outbound|8080||"), "Istio's cluster name");
    let config: serde_json::Value = serde_json::from_str(DEV).unwrap();
    let issuer = config["gateway"]["jwt_payload_in_metadata"]
        .as_str()
        .unwrap();
    let issuer: &'static str = Box::leak(issuer.to_string().into_boxed_str());
    let Some(g) = Gateway::launch(DEV, Vault::Real, Provider::IstioIssuer(issuer)) else {
        return;
    };
    let body = serde_json::json!({"model": "m", "stream": true,
        "messages": [{"role": "user", "content": format!("mail {EMAIL}")}]})
    .to_string();
    let user = format!(
        "Bearer {}",
        jwt_from(issuer, serde_json::json!({"org": "dev", "sub": "user-1"}))
    );
    for _ in 0..2 {
        let (status, _, answer) =
            g.post("/v1/chat/completions", &[("x-veil-identity", &user)], &body);
        assert_eq!(status, 200, "{answer}\n{}", g.envoy_log());
        assert_eq!(streamed_text(&answer), format!("You said: mail {EMAIL}"));
    }
    let received = g.received();
    assert_eq!(received.len(), 2);
    assert!(!received[0].contains(EMAIL) && received[0].contains("@example.com"));
    assert_eq!(received[0], received[1], "one identity, stable tokens");
    assert_eq!(g.stat("veil_requests_without_identity"), 0);
}
