//! The classifier's quality, through the detection engine as the filter runs it, on text it
//! never saw in training: `tests/data/heldout.jsonl` (prompt-like text from templates and
//! names held out of training) and `tests/data/technical.jsonl` (code, logs, configs: what it
//! must leave alone). Both come from `pipeline/veil_ner/evaluate.py`.
//!
//! A span counts only with the same label and exactly the same characters. The floors sit a
//! little under the measured figures (MODEL_CARD.md), so a worse model fails here.

use std::collections::BTreeMap;

use serde::Deserialize;
use veil_core::config::{ClassifierConfig, DetectionConfig};
use veil_core::Engine;

#[derive(Deserialize)]
struct Example {
    text: String,
    spans: Vec<(usize, usize, String)>,
}

fn load(text: &str) -> Vec<Example> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("example"))
        .collect()
}

fn tier2_engine() -> Engine {
    let cfg = DetectionConfig {
        entities: Some(vec![
            "PERSON".into(),
            "LOCATION".into(),
            "ORGANIZATION".into(),
        ]),
        classifier: ClassifierConfig {
            enabled: true,
            ..ClassifierConfig::default()
        },
        ..DetectionConfig::default()
    };
    veil_classifier::engine(&cfg).expect("the classifier loads")
}

/// Predicted spans in code points.
fn predict(engine: &Engine, text: &str) -> Vec<(usize, usize, String)> {
    let cp = |b: usize| text[..b].chars().count();
    engine
        .detect(text)
        .into_iter()
        .map(|d| (cp(d.start), cp(d.end), d.entity.to_string()))
        .collect()
}

/// (precision, recall, f1) per label.
fn score(engine: &Engine, examples: &[Example]) -> BTreeMap<String, (f64, f64, f64)> {
    let mut counts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for e in examples {
        let pred = predict(engine, &e.text);
        for p in &pred {
            let c = counts.entry(p.2.clone()).or_default();
            if e.spans.contains(p) {
                c[0] += 1;
            } else {
                c[1] += 1;
            }
        }
        for g in &e.spans {
            if !pred.contains(g) {
                counts.entry(g.2.clone()).or_default()[2] += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|(label, [tp, fp, fn_])| {
            let p = tp as f64 / (tp + fp).max(1) as f64;
            let r = tp as f64 / (tp + fn_).max(1) as f64;
            (label, (p, r, 2.0 * p * r / (p + r).max(f64::EPSILON)))
        })
        .collect()
}

#[test]
fn heldout_prompts_meet_the_floors() {
    let engine = tier2_engine();
    let examples = load(include_str!("data/heldout.jsonl"));
    assert!(examples.len() >= 500);
    let got = score(&engine, &examples);
    eprintln!("held-out (precision, recall, F1): {got:?}");
    for (label, floor) in [
        ("PERSON", F1_FLOOR_PERSON),
        ("LOCATION", F1_FLOOR_LOCATION),
        ("ORGANIZATION", F1_FLOOR_ORGANIZATION),
    ] {
        let (_, _, f1) = got[label];
        assert!(f1 >= floor, "{label} F1 {f1:.3} is under its floor {floor}");
    }
}

#[test]
fn technical_text_stays_almost_untouched() {
    let engine = tier2_engine();
    let examples = load(include_str!("data/technical.jsonl"));
    let (mut false_positives, mut bytes) = (0, 0);
    for e in &examples {
        false_positives += predict(&engine, &e.text)
            .iter()
            .filter(|p| !e.spans.contains(p))
            .count();
        bytes += e.text.len();
    }
    let per_kb = false_positives as f64 * 1024.0 / bytes as f64;
    eprintln!(
        "technical text: {false_positives} false positives in {bytes} bytes ({per_kb:.3}/KB)"
    );
    assert!(bytes > 50_000);
    assert!(
        per_kb <= FALSE_POSITIVES_PER_KB_CEILING,
        "{per_kb:.3} false positives per KB"
    );
}

// Measured on the committed model, on these 800 of the 2,500 held-out examples: PERSON
// 0.897, LOCATION 0.891, ORGANIZATION 0.912 (all 2,500: 0.908, 0.875, 0.904); 0.431 false
// positives per KB of technical text, all of them two repeated lines (MODEL_CARD.md); with the
// rules on top (src/plausible.rs) 0.896, 0.890, 0.901 and 0.284.
const F1_FLOOR_PERSON: f64 = 0.88;
const F1_FLOOR_LOCATION: f64 = 0.88;
const F1_FLOOR_ORGANIZATION: f64 = 0.90;
const FALSE_POSITIVES_PER_KB_CEILING: f64 = 0.30;
