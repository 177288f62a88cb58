//! The Istio WasmPlugins' pluginConfig, as rendered per kustomize overlay into
//! istio/plugin-config/<overlay>.json (scripts/istio-check renders them and fails when a file
//! is stale), must be accepted by the filter's own parser: one schema, one source of truth.

use std::path::Path;

use veil_filter::config::FailureMode;
use veil_filter::settings::Settings;

#[test]
fn every_rendered_istio_plugin_config_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../istio/plugin-config");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("istio/plugin-config exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            let settings =
                Settings::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let g = &settings.gateway;
            assert!(
                g.vault.cluster.starts_with("outbound|")
                    && g.vault.cluster.ends_with(".svc.cluster.local"),
                "{}: the vault cluster must be Istio's outbound|<port>||<fqdn>",
                path.display()
            );
            assert_eq!(g.failure_mode, FailureMode::Closed, "{}", path.display());
            seen.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    seen.sort();
    assert_eq!(seen, ["dev.json", "production.json"]);
}
