//! What the soak prints: answers by kind, latency, memory over time and its slope, leaks and
//! lost tokens, and the table of faults.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::checks::{Received, Rehydrated};
use crate::faults::Fault;
use crate::traffic::{plan, Bad, Done, Outcome, Shared};
use crate::Args;

/// Resident memory, in MiB, of this process's children named `name`.
pub fn rss_mib(name: &str) -> f64 {
    let me = std::process::id().to_string();
    let mut total = 0.0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
                .unwrap_or("")
                .to_string()
        };
        if field("Name:") == name && field("PPid:") == me {
            let kb: f64 = field("VmRSS:")
                .trim_end_matches(" kB")
                .trim()
                .parse()
                .unwrap_or(0.0);
            total += kb / 1024.0;
        }
    }
    total
}

/// Least-squares slope of `(seconds, MiB)` samples, in MiB per minute.
fn slope(samples: &[(f64, f64)]) -> f64 {
    let n = samples.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (sx, sy) = samples
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = samples.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
    });
    if den == 0.0 {
        0.0
    } else {
        num / den * 60.0
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// The whole run, as measured.
pub struct Run<'a> {
    pub args: &'a Args,
    pub elapsed: Duration,
    pub shared: &'a Shared,
    pub faults: &'a [Fault],
    /// Each second: (seconds since the start, Envoy's RSS, the vault's RSS), in MiB.
    pub samples: &'a [(f64, f64, f64)],
    pub received: &'a Received,
    pub rehydrated: &'a Rehydrated,
}

/// How long after a fault is over its 503s still count as its own: the gateway's vault
/// timeout (2 s) for calls already waiting, and the store's pool refilling.
const RECOVERY: Duration = Duration::from_secs(10);

pub fn report(run: &Run<'_>) {
    let Run {
        args,
        elapsed,
        shared,
        faults,
        samples,
        received,
        rehydrated,
    } = *run;
    let (leaks, lost, checked) = (&received.leaks, &rehydrated.lost, rehydrated.checked);
    let done = shared.done.lock().unwrap();
    // A 503 belongs to the last fault that began before it ended, if it started at most
    // `RECOVERY` after that fault was over; any other 503 is an error.
    let fault_of = |d: &Done| {
        faults
            .iter()
            .rposition(|f| f.began <= d.finished)
            .filter(|&i| d.started <= faults[i].ended + RECOVERY)
    };
    let in_fault = |d: &Done| fault_of(d).is_some();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = 0;
    for d in done.iter() {
        let p = plan(d.n);
        let expected = match (d.outcome, p.bad) {
            (Outcome::Answered, None) => true,
            (Outcome::Status(400), Some(Bad::Malformed)) => true,
            (Outcome::Status(413), Some(Bad::Oversized)) => true,
            (Outcome::Status(503), _) => in_fault(d),
            _ => false,
        };
        if !expected {
            errors += 1;
        }
        let label = match d.outcome {
            Outcome::Answered => "200, values restored".to_string(),
            Outcome::NotRestored => "200, values NOT restored".to_string(),
            Outcome::Status(s) => format!("{s}"),
            Outcome::Transport => "transport error".to_string(),
        };
        *kinds
            .entry(format!(
                "{label}{}",
                if expected { "" } else { " (unexpected)" }
            ))
            .or_default() += 1;
    }
    let mut latencies: Vec<Duration> = done
        .iter()
        .filter(|d| d.outcome == Outcome::Answered && !in_fault(d))
        .map(|d| d.finished - d.started)
        .collect();
    latencies.sort();
    println!(
        "### Soak: {:?} store{}\n",
        args.store,
        if args.faults { ", faults injected" } else { "" }
    );
    println!(
        "{} requests from {} clients in {:.0} s ({:.0} requests/s); the provider received {} bodies.\n",
        done.len(),
        args.clients,
        elapsed.as_secs_f64(),
        done.len() as f64 / elapsed.as_secs_f64(),
        received.bodies
    );
    println!("| answer | requests |\n|---|---|");
    for (k, v) in &kinds {
        println!("| {k} | {v} |");
    }
    println!("\nErrors (anything not expected): {errors}.");
    println!(
        "Latency of answered requests outside faults: p50 {:.1} ms, p99 {:.1} ms.",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    // Memory: Envoy's and the vault's RSS each second; after warm-up (the first fifth of the
    // samples dropped) the slope of each, and of the last half alone.
    let series = |pick: fn(&(f64, f64, f64)) -> f64, from: usize| -> Vec<(f64, f64)> {
        samples[from..].iter().map(|s| (s.0, pick(s))).collect()
    };
    let (warm, half) = (samples.len() / 5, samples.len() / 2);
    for (name, pick) in [
        (
            "Envoy",
            (|s: &(f64, f64, f64)| s.1) as fn(&(f64, f64, f64)) -> f64,
        ),
        ("vault", |s: &(f64, f64, f64)| s.2),
    ] {
        let after = series(pick, warm);
        println!(
            "RSS of {name}: {:.0} MiB after warm-up, peak {:.0} MiB, end {:.0} MiB; slope {:+.2} MiB/min after warm-up, {:+.2} MiB/min over the last half ({} one-second samples).",
            after.first().map_or(0.0, |s| s.1),
            after.iter().map(|s| s.1).fold(0.0, f64::max),
            after.last().map_or(0.0, |s| s.1),
            slope(&after),
            slope(&series(pick, half)),
            samples.len()
        );
    }
    let leaked: usize = leaks.values().sum();
    println!("Bodies the provider received holding a planted value: {leaked}.");
    println!(
        "Tokens the provider saw, rehydrated after the run: {checked}, lost: {}.",
        lost.len()
    );
    if !faults.is_empty() {
        println!("\n| fault | down for | failed closed (503) | forwarded unmasked | acknowledged tokens lost | first answer after | last 503 after |\n|---|---|---|---|---|---|---|");
        for (i, f) in faults.iter().enumerate() {
            let failed: Vec<&Done> = done
                .iter()
                .filter(|d| d.outcome == Outcome::Status(503) && fault_of(d) == Some(i))
                .collect();
            let closed = failed.len();
            let last_503 = failed
                .iter()
                .map(|d| d.finished.saturating_duration_since(f.ended))
                .max()
                .unwrap_or_default();
            let window = |d: &Done| d.started <= f.ended && d.finished >= f.began;
            let unmasked = done
                .iter()
                .filter(|d| window(d) && leaks.contains_key(&d.n))
                .count();
            let lost_here = lost
                .iter()
                .filter(|n| done.iter().any(|d| d.n == **n && d.finished <= f.ended))
                .count();
            let recovered = done
                .iter()
                .filter(|d| d.outcome == Outcome::Answered && d.started >= f.ended)
                .map(|d| d.finished - f.ended)
                .min();
            println!(
                "| {} | {:.1} s | {closed} | {unmasked} | {lost_here} | {} | {:.2} s |",
                f.name,
                (f.ended - f.began).as_secs_f64(),
                recovered.map_or("never".to_string(), |d| format!("{:.2} s", d.as_secs_f64())),
                last_503.as_secs_f64()
            );
        }
    }
}
