//! Tier-1 detection throughput over two kinds of prompt text (1 KB, 16 KB, 1 MB): the corpus
//! mix, dense with numeric hard negatives, and everyday chat text with about three entities
//! per KB; the cost of
//! each recognizer alone, and a JSON chat body end to end (parse, detect, rewrite).
//!
//! Run: `cargo bench -p veil-benches --bench tier1`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use veil_benches::{chat_body, chat_text, prompt_text};
use veil_core::body::{BodyKind, Document, Edit};
use veil_core::config::{DetectionConfig, JsonScanConfig};
use veil_core::Engine;

/// The default entity set over 1 KB, 16 KB and 1 MB of the text `make` builds.
fn default_set_over(c: &mut Criterion, group_name: &str, make: fn(usize) -> String) {
    let engine = Engine::default();
    let mut group = c.benchmark_group(group_name);
    for (name, size) in [("1KB", 1 << 10), ("16KB", 16 << 10), ("1MB", 1 << 20)] {
        let text = make(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| {
            b.iter(|| engine.detect(t))
        });
    }
    group.finish();
}

fn default_set(c: &mut Criterion) {
    default_set_over(c, "tier1_default", prompt_text);
}

fn default_set_chat_text(c: &mut Criterion) {
    default_set_over(c, "tier1_default_chat_text", chat_text);
}

fn per_recognizer(c: &mut Criterion) {
    let text = prompt_text(16 << 10);
    let mut group = c.benchmark_group("tier1_recognizer_16KB");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let mut entities: Vec<String> = veil_kinds::kind::defaults(false)
        .map(|e| e.to_string())
        .collect();
    entities.push("URL".into());
    for entity in entities {
        let engine = Engine::new(&DetectionConfig {
            entities: Some(vec![entity.clone()]),
            ..Default::default()
        })
        .unwrap();
        group.bench_function(&entity, |b| b.iter(|| engine.detect(&text)));
    }
    group.finish();
}

fn json_body(c: &mut Criterion) {
    let engine = Engine::default();
    let cfg = JsonScanConfig::default();
    let body = chat_body(16 << 10);
    let mut group = c.benchmark_group("json_chat_body");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("16KB_parse_detect_rewrite", |b| {
        b.iter(|| {
            let doc = Document::parse(body.as_bytes(), BodyKind::Json, &cfg).unwrap();
            let edits: Vec<Edit> = doc
                .detect(&engine)
                .into_iter()
                .map(|f| f.edit("Token_0000"))
                .collect();
            doc.rewrite(&edits).unwrap()
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    default_set,
    default_set_chat_text,
    per_recognizer,
    json_body
);
criterion_main!(benches);
