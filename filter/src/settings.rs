//! The plugin configuration: the one Veil schema (`veil scan --config` reads the same
//! document), parsed once per VM in `on_configure`. A bad configuration is kept as an error
//! so every request fails closed with 503 and the field named in the log, instead of traffic
//! passing unmasked.

use std::collections::HashMap;
use std::sync::Arc;

use veil_core::Engine;

use crate::config::{GatewayConfig, PluginConfig};

pub struct Settings {
    pub config: PluginConfig,
    /// The plugin-wide gateway settings, for routes that name no override.
    pub gateway: Arc<GatewayConfig>,
    /// Each named route override, merged over the plugin-wide settings once, here.
    routes: HashMap<String, Arc<GatewayConfig>>,
    pub engine: Engine,
}

impl Settings {
    /// Parses the plugin configuration; `gateway.vault.api_key_env` is read from the VM's
    /// environment (WASI's, which Envoy fills from `vm_config.environment_variables`).
    pub fn parse(bytes: &[u8]) -> Result<Arc<Settings>, String> {
        Settings::parse_with_env(bytes, |name| std::env::var(name).ok())
    }

    /// `parse`, with the environment given (tests).
    pub fn parse_with_env(
        bytes: &[u8],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Arc<Settings>, String> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| "plugin configuration is not UTF-8".to_string())?;
        let config =
            PluginConfig::from_json(text).map_err(|e| format!("plugin configuration: {e}"))?;
        let mut gateway = config.gateway.clone().ok_or_else(|| {
            "plugin configuration: field `gateway` is required in the filter".to_string()
        })?;
        if let Some(name) = &gateway.vault.api_key_env {
            // The error names the variable, never its value.
            gateway.vault.api_key = env(name).filter(|k| !k.is_empty()).ok_or_else(|| {
                format!(
                    "plugin configuration: field `gateway.vault.api_key_env`: the VM's environment has no `{name}` (Envoy: vm_config.environment_variables; Istio: the WasmPlugin's vmConfig.env)"
                )
            })?;
        }
        if gateway.vault.api_key.is_empty() {
            return Err(
                "plugin configuration: field `gateway.vault.api_key` (or `api_key_env`): required"
                    .into(),
            );
        }
        let engine = veil_classifier::engine(&config.detection)
            .map_err(|e| format!("plugin configuration: {e}"))?;
        let routes = gateway
            .routes
            .keys()
            .map(|name| {
                let merged = gateway.for_route(name).expect("the route exists");
                (name.clone(), Arc::new(merged))
            })
            .collect();
        Ok(Arc::new(Settings {
            config,
            gateway: Arc::new(gateway),
            routes,
            engine,
        }))
    }

    /// The settings for a route, from the name in its metadata (`filter_metadata.veil.route`);
    /// a name the configuration does not define is an error (the request fails closed).
    pub fn for_route(&self, name: Option<&str>) -> Result<Arc<GatewayConfig>, String> {
        match name {
            None => Ok(self.gateway.clone()),
            Some(name) => self.routes.get(name).cloned().ok_or_else(|| {
                format!("route metadata names `{name}`, which `gateway.routes` does not define")
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        let e = Settings::parse(br#"{"gateway": {"tenant": {"static": "acme"}, "vault": {"api_key": "k"}, "failure_mod": "open"}}"#).err().unwrap();
        assert!(e.contains("gateway") && e.contains("failure_mod"), "{e}");
        let e = Settings::parse(br#"{"detection": {}}"#).err().unwrap();
        assert!(e.contains("`gateway`"), "{e}");
        let e = Settings::parse(br#"{"gateway": {"tenant": {"static": "acme"}}}"#)
            .err()
            .unwrap();
        assert!(e.contains("api_key"), "{e}");
        assert!(Settings::parse(
            br#"{"gateway": {"tenant": {"static": "acme"}, "vault": {"api_key": "k"}}}"#
        )
        .is_ok());
    }

    #[test]
    fn the_api_key_can_come_from_the_vms_environment() {
        let config =
            br#"{"gateway": {"tenant": {"static": "acme"}, "vault": {"api_key_env": "VEIL_KEY"},
                          "routes": {"partner": {"failure_mode": "open"}}}}"#;
        let env = |name: &str| (name == "VEIL_KEY").then(|| "s3cret".to_string());
        let s = Settings::parse_with_env(config, env).unwrap();
        assert_eq!(s.for_route(None).unwrap().vault.api_key, "s3cret");
        assert_eq!(
            s.for_route(Some("partner")).unwrap().vault.api_key,
            "s3cret"
        );
        for absent in [None, Some(String::new())] {
            let e = Settings::parse_with_env(config, |_| absent.clone())
                .err()
                .unwrap();
            assert!(
                e.contains("gateway.vault.api_key_env") && e.contains("VEIL_KEY"),
                "{e}"
            );
        }
    }

    #[test]
    fn routes_are_found_by_name() {
        let s = Settings::parse(
            br#"{"gateway": {"tenant": {"static": "acme"}, "vault": {"api_key": "k"},
                 "routes": {"partner": {"failure_mode": "open"}}}}"#,
        )
        .unwrap();
        use crate::config::FailureMode;
        assert_eq!(s.for_route(None).unwrap().failure_mode, FailureMode::Closed);
        assert_eq!(
            s.for_route(Some("partner")).unwrap().failure_mode,
            FailureMode::Open
        );
        let e = s.for_route(Some("nope")).unwrap_err();
        assert!(e.contains("`nope`") && e.contains("gateway.routes"), "{e}");
    }
}
