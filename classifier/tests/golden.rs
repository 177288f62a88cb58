//! The Rust side reads text exactly as the training pipeline did, and the model computes in
//! Rust (tract, int8 table summed here) what onnxruntime computed in Python.
//!
//! `model/golden.jsonl` is written by `pipeline/veil_ner/evaluate.py`: texts in many scripts
//! (accents, Cyrillic, Arabic, Devanagari, CJK, emoji, Veil tokens, base64, code) with the
//! tokens, feature ids and spans Python computed. Any tokenizer or Unicode drift fails here.

use serde::Deserialize;
use veil_classifier::features;
use veil_classifier::plausible::Plausible;
use veil_classifier::Classifier;
use veil_core::detect::{Haystack, Recognizer};

#[derive(Deserialize)]
struct Row {
    text: String,
    tokens: Vec<(usize, usize)>,
    ids: Vec<[u32; features::IDS_PER_TOKEN]>,
    spans: Vec<(usize, usize, String, f32)>,
}

fn rows() -> Vec<Row> {
    let text = include_str!("../model/golden.jsonl");
    let rows: Vec<Row> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("golden row"))
        .collect();
    assert!(rows.len() >= 50, "golden.jsonl has {} rows", rows.len());
    rows
}

/// Byte offset to code point offset.
fn cp(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[test]
fn tokens_and_feature_ids_match_the_pipeline_exactly() {
    let model = veil_classifier::model::shared().expect("the embedded model loads");
    for row in rows() {
        let tokens: Vec<(usize, usize)> = features::tokenize(&row.text)
            .into_iter()
            .map(|r| (cp(&row.text, r.start), cp(&row.text, r.end)))
            .collect();
        assert_eq!(tokens, row.tokens, "tokens of {:?}", row.text);
        let ids: Vec<[u32; features::IDS_PER_TOKEN]> = features::tokenize(&row.text)
            .into_iter()
            .map(|r| features::token_ids(&row.text[r], Some(&model.lexicon)))
            .collect();
        assert_eq!(ids, row.ids, "ids of {:?}", row.text);
    }
}

#[test]
fn spans_match_onnxruntime() {
    let classifier = Classifier::load().expect("the embedded model loads");
    let model = veil_classifier::model::shared().expect("the embedded model loads");
    let (mut same, mut total) = (0, 0);
    for row in rows() {
        let mut found = Vec::new();
        classifier.find(&Haystack::new(&row.text), &mut found);
        let got: Vec<(usize, usize, String)> = found
            .iter()
            .filter(|c| c.score >= 0.5)
            .map(|c| {
                (
                    cp(&row.text, c.start),
                    cp(&row.text, c.end),
                    c.entity.to_string(),
                )
            })
            .collect();
        // The pipeline has no rules on top of the model (`plausible`): apply them to its spans.
        let rules = Plausible::new(&row.text);
        let tokens = features::tokenize(&row.text);
        let token_at = |cp_offset: usize| {
            tokens
                .iter()
                .position(|t| cp(&row.text, t.start) == cp_offset)
        };
        let mut want: Vec<(usize, usize, String)> = Vec::new();
        for (a, b, kind, _) in &row.spans {
            let first = token_at(*a).expect("a span starts at a token");
            let end = tokens
                .iter()
                .rposition(|t| cp(&row.text, t.end) == *b)
                .expect("a span ends at a token")
                + 1;
            for (first, end) in rules.pieces(&tokens, first, end) {
                let (start, stop) = (tokens[first].start, tokens[end - 1].end);
                if rules.keeps(start, stop, model) {
                    want.push((cp(&row.text, start), cp(&row.text, stop), kind.clone()));
                }
            }
        }
        total += want.len().max(got.len());
        same += want.iter().filter(|w| got.contains(w)).count();
        // Scores agree closely: the same weights, summed in another order.
        for c in &found {
            let span = (cp(&row.text, c.start), cp(&row.text, c.end));
            if let Some(w) = row.spans.iter().find(|w| (w.0, w.1) == span) {
                assert!(
                    (c.score - w.3).abs() < 0.01,
                    "{:?}: {} vs {}",
                    row.text,
                    c.score,
                    w.3
                );
            }
        }
    }
    assert!(total > 50, "golden rows hold {total} spans");
    assert!(same * 100 >= total * 99, "{same} of {total} spans agree");
}
