//! Profiling helper: parse, detect and rewrite a 16 KB OpenAI chat body in a loop.
use veil_core::body::{BodyKind, Document, Edit};
use veil_core::config::JsonScanConfig;
use veil_core::Engine;

fn main() {
    let body = veil_benches::chat_body(16 << 10);
    let engine = Engine::default();
    let cfg = JsonScanConfig::default();
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let (mut parse, mut detect) = (0.0, 0.0);
    for _ in 0..reps {
        let t = std::time::Instant::now();
        let doc = Document::parse(body.as_bytes(), BodyKind::Json, &cfg).unwrap();
        parse += t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let edits: Vec<Edit> = doc
            .detect(&engine)
            .iter()
            .map(|f| f.edit("Token_0000"))
            .collect();
        std::hint::black_box(doc.rewrite(&edits).unwrap());
        detect += t.elapsed().as_secs_f64();
    }
    println!(
        "fields {} parse {:.1} µs, detect+rewrite {:.1} µs",
        Document::parse(body.as_bytes(), BodyKind::Json, &cfg)
            .unwrap()
            .fields()
            .len(),
        parse * 1e6 / reps as f64,
        detect * 1e6 / reps as f64
    );
}
