//! Profiling helper (not a benchmark): prints the entity density and region share of the
//! benchmark text, then runs detection in a loop for `perf record`.
//!
//! `SIZE=16384 [CHAT=1] cargo run --release -p veil-benches --example density -- REPS [all|KIND]`
//! With no KIND, also times each kind alone.

use veil_core::config::DetectionConfig;
use veil_core::detect::Haystack;
use veil_core::Engine;

fn engine_for(kind: Option<&str>) -> Engine {
    match kind {
        None | Some("all") => Engine::default(),
        Some(k) => Engine::new(&DetectionConfig {
            entities: Some(vec![k.to_string()]),
            ..Default::default()
        })
        .unwrap(),
    }
}

fn mb_per_s(engine: &Engine, text: &str, reps: usize) -> f64 {
    let start = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(engine.detect(text));
    }
    (reps * text.len()) as f64 / start.elapsed().as_secs_f64() / 1e6
}

fn main() {
    let size: usize = std::env::var("SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1 << 20);
    let text = if std::env::var("CHAT").is_ok() {
        veil_benches::chat_text(size)
    } else {
        veil_benches::prompt_text(size)
    };
    let args: Vec<String> = std::env::args().collect();
    let reps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let kind = args.get(2).map(String::as_str);
    let engine = engine_for(kind);
    let hay = Haystack::new(&text);
    println!(
        "entities/KB {:.1}  regions {:.2} of the text",
        engine.detect(&text).len() as f64 * 1024.0 / text.len() as f64,
        hay.regional_text().len() as f64 / text.len() as f64,
    );
    println!("{:.1} MB/s", mb_per_s(&engine, &text, reps));
    if kind.is_none() {
        let mut kinds: Vec<String> = veil_kinds::kind::defaults(false)
            .map(|e| e.to_string())
            .collect();
        kinds.push("URL".into());
        for k in kinds {
            println!(
                "{k:20} {:8.1} MB/s",
                mb_per_s(&engine_for(Some(&k)), &text, reps)
            );
        }
    }
}
