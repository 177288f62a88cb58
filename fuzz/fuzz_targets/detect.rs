//! Detection, both tiers (the classifier on, as the demo gateway runs it), on any text.
//! Properties: no panic; every span is non-empty, inside the text and on character
//! boundaries; spans come sorted and never overlap; no span is a Veil token of its kind (masking
//! a masked prompt changes nothing).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use veil_core::config::VeilConfig;
use veil_core::Engine;
use veil_kinds::token::is_token;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let config: VeilConfig =
            VeilConfig::from_json(r#"{"detection": {"classifier": {"enabled": true}}}"#)
                .expect("the configuration is valid");
        veil_classifier::engine(&config.detection).expect("the engine builds")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = engine().detect(&text);
    let mut last_end = 0;
    for d in &found {
        assert!(
            d.start < d.end && d.end <= text.len(),
            "{d:?} outside the text"
        );
        assert!(
            text.is_char_boundary(d.start) && text.is_char_boundary(d.end),
            "{d:?} splits a character"
        );
        assert!(
            d.start >= last_end,
            "{d:?} overlaps or is out of order in {found:?}"
        );
        last_end = d.end;
        assert!(
            !is_token(&d.entity, &text[d.start..d.end]),
            "{d:?} is a token"
        );
    }
});
