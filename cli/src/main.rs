//! `veil`: the command-line face of Veil's detection engine and masking API.
//!
//! `veil scan` reads JSON lines (`{"text": "..."}`) and writes one `{"spans": [...]}` line per
//! input line, in order; `veil scan --text "..."` shows a person what would be masked. Both
//! take `--config FILE`, the same document the Envoy filter takes as its plugin config.
//! `veil mask` / `veil unmask` send text, files, JSON or JSON lines to the vault's masking
//! API (`masking.rs`).

mod masking;
mod mcp;
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
    /// Mask personal data with the vault's masking API (POST /v1/mask): a text, files, one
    /// JSON document or JSON lines on stdin; results on stdout in order. Exit status: 0 done,
    /// 1 a bad input line, 2 usage or input error, 3 refused by the vault, 4 vault unreachable
    /// or failing.
    Mask {
        #[command(flatten)]
        vault: VaultArgs,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Put values back into masked text (POST /v1/unmask) under the scope's rules. Exit status
    /// as `mask`, and 1 when some tokens stayed tokens (denied, unknown or expired; counted on
    /// stderr).
    Unmask {
        #[command(flatten)]
        vault: VaultArgs,
        #[command(flatten)]
        input: InputArgs,
        /// Also restore tokens that stand inside URLs.
        #[arg(long)]
        restore_in_urls: bool,
    },
    /// Serve the tools mask_text, unmask_text and scan_text over MCP: on stdio (the key from
    /// --key-env), or with --http ADDR over streamable HTTP at /mcp, where each request must
    /// carry `Authorization: Bearer <vault key>` and the vault decides what that key may do.
    Mcp {
        #[command(flatten)]
        vault: VaultArgs,
        /// Serve streamable HTTP on this address instead of stdio.
        #[arg(long)]
        http: Option<std::net::SocketAddr>,
        /// Detection configuration for scan_text (JSON, the plugin-config schema).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct VaultArgs {
    /// The vault's URL.
    #[arg(long, env = "VEIL_VAULT", default_value = "http://127.0.0.1:8081")]
    vault: String,
    #[arg(long, env = "VEIL_TENANT")]
    tenant: String,
    /// The scope (user, session) the values belong to.
    #[arg(long, env = "VEIL_SCOPE")]
    scope: Option<String>,
    /// The environment variable holding the API key (a key never goes on a command line).
    #[arg(long, default_value = "VEIL_API_KEY")]
    key_env: String,
}

#[derive(clap::Args)]
struct InputArgs {
    /// This text instead of stdin or files.
    #[arg(long, conflicts_with_all = ["files", "json", "jsonl"])]
    text: Option<String>,
    /// Read each file (or stdin) as one JSON document.
    #[arg(long, conflicts_with = "jsonl")]
    json: bool,
    /// Read stdin as JSON lines, one document per line; one result line each.
    #[arg(long, conflicts_with = "files")]
    jsonl: bool,
    /// Files to read instead of stdin.
    files: Vec<PathBuf>,
}

fn masking(vault: VaultArgs, input: InputArgs, op: masking::Op) -> ExitCode {
    let Some(key) = std::env::var(&vault.key_env).ok().filter(|k| !k.is_empty()) else {
        eprintln!("veil: no API key: set {}", vault.key_env);
        return ExitCode::from(2);
    };
    let client = masking::Vault {
        url: vault.vault,
        key,
        tenant: vault.tenant,
        scope: vault.scope,
    };
    let inputs = match input {
        InputArgs { text: Some(t), .. } => masking::Inputs::Text(t),
        InputArgs { files, json, .. } if !files.is_empty() => {
            masking::Inputs::Files { paths: files, json }
        }
        InputArgs { json, jsonl, .. } => masking::Inputs::Stdin { json, lines: jsonl },
    };
    masking::run(&client, op, inputs)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Mcp {
            vault,
            http,
            config,
        } => {
            let engine = match load_engine(config.as_ref()) {
                Ok(e) => e,
                Err(msg) => {
                    eprintln!("veil: {msg}");
                    return ExitCode::from(2);
                }
            };
            let key = std::env::var(&vault.key_env).ok().filter(|k| !k.is_empty());
            if http.is_none() && key.is_none() {
                eprintln!("veil: no API key: set {}", vault.key_env);
                return ExitCode::from(2);
            }
            let target = mcp::Target {
                url: vault.vault,
                tenant: vault.tenant,
                scope: vault.scope,
                // Over HTTP each request brings its caller's key.
                key: if http.is_some() { None } else { key },
            };
            match mcp::serve(mcp::VeilMcp::new(target, engine), http) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("veil: mcp: {msg}");
                    ExitCode::from(4)
                }
            }
        }
        Command::Mask { vault, input } => masking(vault, input, masking::Op::Mask),
        Command::Unmask {
            vault,
            input,
            restore_in_urls,
        } => masking(vault, input, masking::Op::Unmask { restore_in_urls }),
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
