//! What Veil's tests share: a real `veil-vault` process, started and waited for by its
//! "listening on" line (never by sleeping), its stdout (the audit trail) and stderr (logs)
//! collected for canary scans, killed on drop; and the reader of the docs' tables that tests
//! check the code against (`markdown`).

pub mod markdown;
pub mod servers;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running `veil-vault`.
pub struct VaultProcess {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
}

impl VaultProcess {
    /// `bin --dev` on `listen` (`127.0.0.1:0` for any port) with its store and key in
    /// `data_dir`, accepting `api_key` for every tenant.
    pub fn dev(bin: &Path, listen: &str, data_dir: &Path, api_key: &str) -> Self {
        Self::start(Self::dev_command(bin, listen, data_dir, api_key))
    }

    /// The command `dev` runs, for a caller that adds flags (`--tls-cert`, ...).
    pub fn dev_command(bin: &Path, listen: &str, data_dir: &Path, api_key: &str) -> Command {
        let mut cmd = Command::new(bin);
        cmd.args(["--dev", "--listen", listen, "--data-dir"])
            .arg(data_dir)
            .env("VEIL_DEV_API_KEY", api_key);
        cmd
    }

    /// `bin --config config`.
    pub fn with_config(bin: &Path, config: &Path) -> Self {
        let mut cmd = Command::new(bin);
        cmd.arg("--config").arg(config);
        Self::start(cmd)
    }

    /// Starts `cmd` and waits for its "listening on" line.
    pub fn start(mut cmd: Command) -> Self {
        let mut child = cmd
            .env("VEIL_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("veil-vault starts");
        let stderr_pipe = child.stderr.take().expect("piped");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stderr_pipe);
                let mut line = String::new();
                let mut tx = Some(tx);
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    // Kept before the start is reported, so a test reading the output once
                    // the process is up finds the line.
                    stderr.lock().unwrap().push_str(&line);
                    if let Some(rest) = line.trim().strip_prefix("veil-vault listening on ") {
                        let addr = rest.split_whitespace().next().and_then(|a| a.parse().ok());
                        if let (Some(tx), Some(addr)) = (tx.take(), addr) {
                            let _ = tx.send(addr);
                        }
                    }
                    line.clear();
                }
            });
        }
        // Both pipes are drained for the process's life: a full pipe would block it (the
        // vault writes an audit line per call).
        let stdout = Arc::new(Mutex::new(String::new()));
        {
            let stdout = stdout.clone();
            let mut pipe = child.stdout.take().expect("piped");
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    stdout
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("veil-vault did not start: {}", stderr.lock().unwrap());
            }
        };
        VaultProcess {
            child: Some(child),
            addr,
            stdout,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGKILL: no chance to flush or shut down.
    pub fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("the vault can be killed");
            child.wait().expect("the vault is reaped");
        }
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Everything the process wrote, stdout and stderr.
    pub fn output(&self) -> String {
        format!(
            "{}{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }
}

impl Drop for VaultProcess {
    fn drop(&mut self) {
        self.kill_9();
    }
}
