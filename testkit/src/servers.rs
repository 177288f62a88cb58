//! Servers a test (or a benchmark) starts for itself and kills when done: a Redis, a Redis
//! Cluster, a dynalite (DynamoDB's API on LevelDB). Each is waited for by what it prints or
//! by its state, never by sleeping. Programs that are missing fail the test under
//! `VEIL_REQUIRE_BACKENDS=1` (CI) and are skipped loudly elsewhere.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A free loopback port (bound and released: another process could take it in between, which
/// the servers started on it would report as a failure to start).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether a program this test needs is installed. When it is not: with
/// `VEIL_REQUIRE_BACKENDS=1` (CI) the test fails; otherwise it says loudly that it skips.
pub fn program_available(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("VEIL_REQUIRE_BACKENDS").as_deref() == Ok("1") {
            panic!("{program} is required (VEIL_REQUIRE_BACKENDS=1) but not installed");
        }
        eprintln!("\n*** SKIPPING: {program} is not installed; this test did NOT run. ***\n");
    }
    found
}

/// A process started for one test, killed (SIGKILL) on drop.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
    /// The server's working directory, when it has one of its own; removed on drop.
    workdir: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts `cmd` and waits (no sleeping) for a line containing `ready` on its stdout or
    /// stderr.
    pub fn start(mut cmd: std::process::Command, port: u16, ready: &'static str) -> Server {
        use std::io::BufRead;
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the server starts");
        let (tx, rx) = std::sync::mpsc::channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                    if line.contains(ready) {
                        let _ = tx.send(());
                    }
                }
            });
        }
        if rx.recv_timeout(Duration::from_secs(60)).is_err() {
            let _ = child.kill();
            panic!("{cmd:?} never said {ready:?}");
        }
        Server {
            child,
            port,
            workdir: None,
        }
    }

    /// The server's own directory, kept past the server (to restart on the same data).
    pub fn take_workdir(&mut self) -> tempfile::TempDir {
        self.workdir
            .take()
            .expect("the server has a directory of its own")
    }

    /// SIGKILL, as a crash would.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// A Redis of this test's own (`redis-server` on a free port, nothing saved) with `args`. It
/// runs in a directory of its own: a replica writes the snapshot it syncs from there, and a
/// Redis loads any snapshot it finds there at start, so a shared directory would carry one
/// test's data into the next.
pub fn private_redis(args: &[&str]) -> Server {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("redis-server");
    cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir.path())
        .args(args);
    let mut server = Server::start(cmd, port, "Ready to accept connections");
    server.workdir = Some(dir);
    server
}

/// Polls `check` until it holds (bounded): waiting for a state, not for a time.
pub fn until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A command's answer from one Redis node, or an empty string while it cannot answer.
pub fn redis_text(port: u16, args: &[&str]) -> String {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
    let Ok(mut conn) = client.get_connection() else {
        return String::new();
    };
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<redis::Value>(&mut conn) {
        Ok(redis::Value::BulkString(b)) => String::from_utf8_lossy(&b).into_owned(),
        Ok(redis::Value::VerbatimString { text, .. }) => text,
        Ok(redis::Value::SimpleString(s)) => s,
        Ok(redis::Value::Int(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A Redis Cluster of this test's own: three masters, each with `replicas` replicas, nothing
/// saved, a one-second node timeout (failover within a few seconds). Needs `redis-server`
/// and `redis-cli`.
pub struct RedisCluster {
    pub nodes: Vec<Server>,
}

impl RedisCluster {
    pub fn start(replicas: usize) -> RedisCluster {
        let nodes: Vec<Server> = (0..3 * (1 + replicas))
            .map(|_| {
                let bus = free_port().to_string();
                private_redis(&[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-node-timeout",
                    "1000",
                    "--cluster-port",
                    &bus,
                ])
            })
            .collect();
        let addrs: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let created = std::process::Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
            .output()
            .expect("redis-cli runs");
        assert!(
            created.status.success(),
            "redis-cli --cluster create: {}",
            String::from_utf8_lossy(&created.stdout)
        );
        let cluster = RedisCluster { nodes };
        until("the cluster ready", || cluster.healthy());
        cluster
    }

    /// Every node that answers sees the cluster as ok, and every replica among them is in
    /// sync with its master (a node killed by the test does not answer).
    pub fn healthy(&self) -> bool {
        let live: Vec<&Server> = self
            .nodes
            .iter()
            .filter(|n| redis_text(n.port, &["PING"]) == "PONG")
            .collect();
        !live.is_empty()
            && live.iter().all(|n| {
                let info = redis_text(n.port, &["CLUSTER", "INFO"]);
                let repl = redis_text(n.port, &["INFO", "replication"]);
                info.contains("cluster_state:ok")
                    && (repl.contains("role:master") || repl.contains("master_link_status:up"))
            })
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.nodes[0].port)
    }

    /// The index (in `nodes`) of the master now serving `key`'s slot, asked of a live node.
    pub fn master_of(&self, key: &str) -> Option<usize> {
        let live = self
            .nodes
            .iter()
            .find(|n| !redis_text(n.port, &["PING"]).is_empty())?;
        let slot: u16 = redis_text(live.port, &["CLUSTER", "KEYSLOT", key])
            .parse()
            .ok()?;
        let nodes = redis_text(live.port, &["CLUSTER", "NODES"]);
        // `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <state> <slot ranges>...`
        let port = nodes.lines().find_map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            let master = f.get(2)?.split(',').any(|x| x == "master") && !f.get(2)?.contains("fail");
            let serves = f.iter().skip(8).any(|range| {
                let mut ends = range.split('-').map(|e| e.parse::<u16>());
                match (ends.next(), ends.next()) {
                    (Some(Ok(a)), Some(Ok(b))) => (a..=b).contains(&slot),
                    (Some(Ok(a)), None) => a == slot,
                    _ => false,
                }
            });
            (master && serves).then(|| f[1].split(['@', ':']).nth(1)?.parse::<u16>().ok())?
        })?;
        self.nodes.iter().position(|n| n.port == port)
    }
}

/// The pinned dynalite (a DynamoDB API server on LevelDB), installed by `scripts/test` into
/// `target/dynalite` from `vault-service/tests/dynalite/package-lock.json`. `None` (skipped
/// loudly, or failing under `VEIL_REQUIRE_BACKENDS=1`) when it is not installed.
pub fn dynalite_program() -> Option<PathBuf> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dynalite/node_modules/.bin/dynalite");
    if path.exists() {
        return Some(path);
    }
    if std::env::var("VEIL_REQUIRE_BACKENDS").as_deref() == Ok("1") {
        panic!("dynalite is required (VEIL_REQUIRE_BACKENDS=1) but not installed at {}: run scripts/test, which installs it with npm", path.display());
    }
    eprintln!("\n*** SKIPPING: dynalite is not installed (scripts/test installs it with npm); this test did NOT run. ***\n");
    None
}

/// A dynalite of this test's own, on a free port, its LevelDB in a directory of its own.
pub fn private_dynalite(program: &Path) -> Server {
    private_dynalite_on(program, free_port(), tempfile::tempdir().unwrap())
}

/// A dynalite on `port` with its LevelDB in `dir` (a restart keeps both).
pub fn private_dynalite_on(program: &Path, port: u16, dir: tempfile::TempDir) -> Server {
    let mut cmd = std::process::Command::new("node");
    cmd.arg(program)
        .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
        .arg("--path")
        .arg(dir.path().join("db"))
        // Tables become active at once: the vault still waits for ACTIVE, just not long.
        .args(["--createTableMs", "0"]);
    let mut server = Server::start(cmd, port, "Dynalite listening");
    server.workdir = Some(dir);
    server
}

/// Whether moto's server (AWS APIs on loopback, KMS among them; `.ci/run` installs the pinned
/// `moto[server]` from PyPI) is installed. When it is not: with `VEIL_REQUIRE_BACKENDS=1`
/// (CI) the test fails; otherwise it says loudly that it skips.
pub fn moto_available() -> bool {
    let found = std::process::Command::new("moto_server")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("VEIL_REQUIRE_BACKENDS").as_deref() == Ok("1") {
            panic!("moto_server is required (VEIL_REQUIRE_BACKENDS=1) but not installed: pip install \"moto[server]==5.1.18\"");
        }
        eprintln!("\n*** SKIPPING: moto_server is not installed (pip install \"moto[server]==5.1.18\"); this test did NOT run. ***\n");
    }
    found
}

/// A moto server of this test's own on a free port.
pub fn private_moto() -> Server {
    let port = free_port();
    let mut cmd = std::process::Command::new("moto_server");
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
    Server::start(cmd, port, "Running on")
}
