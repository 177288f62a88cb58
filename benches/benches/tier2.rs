//! Tier-2 (classifier) cost natively: the features alone, one model run, and the detection
//! engine with the classifier on vs off over everyday chat text (1 KB and 4 KB) and over
//! technical text. Envoy-side figures come from `gateway_load` (README, MODEL_CARD.md).
//!
//! Run: `cargo bench -p veil-benches --bench tier2`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use veil_benches::{chat_text, prompt_text};
use veil_classifier::features;
use veil_core::config::{ClassifierConfig, DetectionConfig};
use veil_core::detect::{Haystack, Recognizer, Tier2Budget};

fn engine(enabled: bool) -> veil_core::Engine {
    let cfg = DetectionConfig {
        classifier: ClassifierConfig {
            enabled,
            ..ClassifierConfig::default()
        },
        ..DetectionConfig::default()
    };
    veil_classifier::engine(&cfg).unwrap()
}

fn tier2(c: &mut Criterion) {
    let model = veil_classifier::model::shared().unwrap();
    let classifier = veil_classifier::Classifier::load().unwrap();
    let (tier1, both) = (engine(false), engine(true));
    let mut group = c.benchmark_group("tier2");
    for (name, text) in [
        ("chat_1KB", chat_text(1 << 10)),
        ("chat_4KB", chat_text(4 << 10)),
        ("technical_4KB", prompt_text(4 << 10)),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("features", name), &text, |b, t| {
            b.iter(|| {
                features::tokenize(t)
                    .into_iter()
                    .map(|r| features::token_ids(&t[r], Some(&model.lexicon)))
                    .collect::<Vec<_>>()
            })
        });
        group.bench_with_input(BenchmarkId::new("classifier", name), &text, |b, t| {
            b.iter(|| {
                let mut out = Vec::new();
                classifier.find_budgeted(
                    &Haystack::new(t),
                    &mut Tier2Budget::unlimited(),
                    &mut out,
                );
                out
            })
        });
        group.bench_with_input(BenchmarkId::new("engine_tier1", name), &text, |b, t| {
            b.iter(|| tier1.detect(t))
        });
        group.bench_with_input(
            BenchmarkId::new("engine_tier1_and_2", name),
            &text,
            |b, t| b.iter(|| both.detect(t)),
        );
    }
    group.finish();
}

criterion_group!(benches, tier2);
criterion_main!(benches);
