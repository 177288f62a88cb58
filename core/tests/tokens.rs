//! The token grammar against the labelled corpora: no real value is ever taken for a token,
//! and masking an already-masked prompt changes nothing (the detector never reports a token).

mod common;

use common::load_corpus;
use sha2::{Digest, Sha256};
use veil_core::config::DetectionConfig;
use veil_core::Engine;
use veil_kinds::token::{is_token, Minter};
use veil_kinds::Entity;

fn engine() -> Engine {
    let mut entities: Vec<String> = veil_kinds::kind::defaults(false)
        .map(|e| e.to_string())
        .collect();
    entities.push("URL".into());
    Engine::new(&DetectionConfig {
        entities: Some(entities),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn no_real_value_in_the_corpora_is_a_token() {
    let mut checked = 0;
    for name in ["corpus", "corpus-heldout"] {
        for ex in load_corpus(name) {
            for (start, end, label) in &ex.gold {
                let entity = Entity::builtin(label).unwrap();
                let value = &ex.text[*start..*end];
                assert!(
                    !is_token(&entity, value),
                    "{}: real {label} {value:?} taken for a token",
                    ex.file
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} values checked");
}

#[test]
fn masking_a_masked_prompt_changes_nothing() {
    let engine = engine();
    let minter = Minter::default();
    let mut masked_values = 0;
    // Three salts: each value is masked with three unrelated tokens of its shape.
    for (name, salt) in [
        ("corpus", 0u8),
        ("corpus-heldout", 0),
        ("corpus", 1),
        ("corpus-heldout", 1),
        ("corpus", 2),
        ("corpus-heldout", 2),
    ] {
        for ex in load_corpus(name) {
            let found = engine.detect(&ex.text);
            let mut masked = String::new();
            let mut last = 0;
            for d in &found {
                let value = &ex.text[d.start..d.end];
                let seed: [u8; 32] = Sha256::digest([value.as_bytes(), &[salt]].concat()).into();
                masked.push_str(&ex.text[last..d.start]);
                masked.push_str(&minter.mint(&d.entity, value, &seed, 0));
                last = d.end;
                masked_values += 1;
            }
            masked.push_str(&ex.text[last..]);
            let again = engine.detect(&masked);
            let shown: Vec<String> = again
                .iter()
                .map(|d| format!("{} {:?}", d.entity, &masked[d.start..d.end]))
                .collect();
            assert!(
                again.is_empty(),
                "{}: masked text still reports {shown:?}\n{masked}",
                ex.file
            );
        }
    }
    assert!(masked_values > 500, "only {masked_values} values masked");
}
