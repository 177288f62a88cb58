//! The plugin configuration parser (the one Veil schema, with the filter's `gateway` part),
//! on any bytes. Properties: no panic; a document that validates builds its engine and the
//! filter's settings (validation leaves nothing to fail at load); an error names its field
//! and never repeats a long string from the document (it may be a secret pasted in the
//! wrong place).
#![no_main]

use libfuzzer_sys::fuzz_target;
use veil_filter::config::PluginConfig;
use veil_fuzz::echoes_long_string;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match PluginConfig::from_json(text) {
        Ok(config) => {
            let mut detection = config.detection.clone();
            // The classifier loads in a few milliseconds; the property is about the rest.
            detection.classifier.enabled = false;
            veil_core::Engine::new(&detection).expect("a valid configuration builds its engine");
            if config.gateway.is_some() {
                let settings =
                    veil_filter::settings::Settings::parse_with_env(data, |_| Some("k".into()));
                if let Err(e) = settings {
                    // Only what the environment or the classifier decide may still refuse.
                    assert!(e.contains("api_key") || e.contains("classifier"), "{e}");
                }
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                !echoes_long_string(&message, text),
                "the error repeats the document: {message}"
            );
        }
    }
});
