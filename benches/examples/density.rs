//! Profile helper: entity density of the benchmark text, then detect over 1 MB repeatedly.
fn main() {
    let size: usize = std::env::var("SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1 << 20);
    let t = veil_benches::prompt_text(size);
    let only = std::env::args().nth(2);
    let e = match &only {
        Some(name) if name == "all" => veil_core::Engine::default(),
        Some(name) => veil_core::Engine::new(&veil_core::config::DetectionConfig {
            entities: Some(vec![name.clone()]),
            ..Default::default()
        })
        .unwrap(),
        None => veil_core::Engine::default(),
    };
    let n = e.detect(&t).len();
    let hay = veil_core::detect::Haystack::new(&t);
    println!(
        "entities/KB {:.1} regional {:.2}",
        n as f64 / 1024.0,
        hay.regional_text(veil_core::detect::Regions::Wide).len() as f64 / t.len() as f64
    );
    let t0 = std::time::Instant::now();
    for _ in 0..20 {
        std::hint::black_box(veil_core::detect::Haystack::new(&t));
    }
    println!(
        "haystack {:.2} ms/MB",
        t0.elapsed().as_secs_f64() * 1e3 / 20.0
    );
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let start = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(e.detect(&t));
    }
    if reps > 0 {
        println!(
            "{:.1} MB/s",
            (reps * t.len()) as f64 / start.elapsed().as_secs_f64() / 1e6
        );
        let mut names: Vec<String> = if only.is_some() {
            Vec::new()
        } else {
            veil_core::recognizers::DEFAULT_ENTITIES
                .iter()
                .map(|e| e.to_string())
                .collect()
        };
        if only.is_none() {
            names.push("URL".into());
        }
        for n in names {
            let cfg = veil_core::config::DetectionConfig {
                entities: Some(vec![n.clone()]),
                ..Default::default()
            };
            let e = veil_core::Engine::new(&cfg).unwrap();
            let start = std::time::Instant::now();
            for _ in 0..reps {
                std::hint::black_box(e.detect(&t));
            }
            println!(
                "{n:20} {:6.2} ms/MB",
                start.elapsed().as_secs_f64() * 1e3 / reps as f64
            );
        }
    }
}

#[allow(dead_code)]
fn per_entity() {}
