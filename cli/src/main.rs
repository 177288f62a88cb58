//! `veil`: the command-line face of Veil's detection engine.
//!
//! `veil scan` reads JSON lines (`{"text": "..."}`) and writes one `{"spans": [...]}` line per
//! input line, in order; `veil scan --text "..."` shows a person what would be masked. Both
//! take `--config FILE`, the same document the Envoy filter takes as its plugin config.

mod scan;

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use veil_core::Engine;
use veil_filter::config::PluginConfig;

#[derive(Parser)]
#[command(
    name = "veil",
    version,
    about = "Find personal data the way the Veil gateway does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Detect PII. Reads JSON lines {"text": "..."} on stdin and writes one JSON line per input
    /// line: {"spans": [{"start", "end", "label", "score"}]} with offsets in Unicode code points
    /// (end exclusive), or {"error": "..."} for a bad line.
    Scan {
        /// Scan this text instead of stdin and print the findings for a person to read.
        #[arg(long)]
        text: Option<String>,
        /// Configuration file (JSON, the filter's plugin-config schema).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan { text, config } => {
            let engine = match load_engine(config.as_ref()) {
                Ok(e) => e,
                Err(msg) => {
                    eprintln!("veil: {msg}");
                    return ExitCode::from(2);
                }
            };
            match text {
                Some(text) => {
                    print!("{}", scan::describe(&engine, &text));
                    ExitCode::SUCCESS
                }
                None => scan_stdin(&engine),
            }
        }
    }
}

fn load_engine(path: Option<&PathBuf>) -> Result<Engine, String> {
    let config = match path {
        None => PluginConfig::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            PluginConfig::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    veil_classifier::engine(&config.detection).map_err(|e| e.to_string())
}

/// Exit status: 0 when every line was scanned, 1 when some lines were bad (each reported on
/// stderr and answered with an error line), 2 when stdin or stdout failed.
fn scan_stdin(engine: &Engine) -> ExitCode {
    let stdin = io::stdin().lock();
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let mut bad_lines = 0usize;
    for (n, line) in stdin.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("veil: reading stdin: {e}");
                return ExitCode::from(2);
            }
        };
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        let out = match scan::scan_line(engine, line) {
            Ok(scanned) => {
                if scanned.classifier_skipped > 0 {
                    eprintln!(
                        "veil: line {}: {} bytes over detection.classifier.max_bytes_per_request got tier 1 only",
                        n + 1,
                        scanned.classifier_skipped
                    );
                }
                scan::spans_json(&scanned.spans)
            }
            Err(msg) => {
                bad_lines += 1;
                eprintln!("veil: line {}: {msg}", n + 1);
                serde_json::json!({ "error": msg }).to_string()
            }
        };
        if writeln!(stdout, "{out}")
            .and_then(|_| stdout.flush())
            .is_err()
        {
            return ExitCode::from(2);
        }
    }
    if bad_lines > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
