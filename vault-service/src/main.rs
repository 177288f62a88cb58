//! `veil-vault`: the vault's command line. Production reads a config file; `--dev` runs the
//! embedded store in a directory with a generated key, for laptops and scripts;
//! `veil-vault audit verify FILE…` checks an audit trail's hash chain.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use veil_vault::app::{self, Settings, DEV_ADMIN_KEY_ENV, DEV_API_KEY_ENV};
use veil_vault::config::TlsConfig;

#[derive(Parser)]
#[command(
    name = "veil-vault",
    version,
    about = "Veil's tokenization vault",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Tool>,
    /// Production configuration file (JSON; see docs/vault.md).
    #[arg(long, conflicts_with = "dev", required_unless_present = "dev")]
    config: Option<PathBuf>,
    /// Dev mode: embedded store in --data-dir, generated master key, API key from VEIL_DEV_API_KEY.
    #[arg(long, requires = "data_dir")]
    dev: bool,
    /// Dev mode: address to listen on (port 0 picks a free port; the log line says which).
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// Dev mode: directory for the store file and the master key.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Dev mode: serve TLS with this certificate chain (PEM)...
    #[arg(long, requires = "tls_key", conflicts_with = "config")]
    tls_cert: Option<PathBuf>,
    /// ...and this private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Dev mode: require client certificates signed by this CA (PEM): mutual TLS.
    #[arg(long, requires = "tls_cert")]
    tls_client_ca: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Tool {
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Check that trails are whole: every line's hash follows from the line before, across
    /// restarts and, given in order, rotated files. Exit 0 when whole; 1 naming the first line
    /// that does not follow (it, or a line before it, was removed, changed or moved).
    Verify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn audit_verify(files: &[PathBuf]) -> ExitCode {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    match veil_vault::audit::verify(&paths) {
        Ok(lines) => {
            println!("ok: {lines} lines in {} file(s), chained", files.len());
            ExitCode::SUCCESS
        }
        Err(b) => {
            println!("{}:{}: this line {}", b.file, b.line, b.why);
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    // Operational logs go to stderr; stdout carries the audit trail.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VEIL_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    if let Some(Tool::Audit {
        action: AuditAction::Verify { files },
    }) = &cli.command
    {
        return audit_verify(files);
    }
    let settings = match (&cli.config, &cli.data_dir) {
        (Some(path), _) => Settings::from_file(path),
        (None, Some(dir)) => {
            eprintln!(
                "WARNING: veil-vault is running in DEV MODE: the master key is kept in {} next to the data, \
                 and the API keys from {DEV_API_KEY_ENV} (tokenize, rehydrate) and {DEV_ADMIN_KEY_ENV} \
                 (everything) are valid for every tenant. Never use dev mode in production.",
                dir.display()
            );
            let tls = cli
                .tls_cert
                .clone()
                .zip(cli.tls_key.clone())
                .map(|(cert_file, key_file)| TlsConfig {
                    cert_file,
                    key_file,
                    client_ca_file: cli.tls_client_ca.clone(),
                });
            Settings::dev(cli.listen, dir, tls)
        }
        (None, None) => unreachable!("clap requires --config or --dev --data-dir"),
    };
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            eprintln!("veil-vault: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(app::serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("veil-vault: {e}");
            ExitCode::FAILURE
        }
    }
}
