//! The soak's Redis or PostgreSQL: the machine's own binaries, started by this process on a
//! free port in a temporary directory (PostgreSQL as the `postgres` user when run as root),
//! so the run can crash them and start them again without touching anything else.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::StoreKind;

/// Redis or PostgreSQL run by this process, so it can be killed and started again.
pub struct Database {
    pub kind: StoreKind,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

fn pg_bin(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries in /usr/lib/postgresql")
        .map(|e| e.unwrap().path().join("bin"))
        .collect();
    dirs.sort();
    dirs.pop().expect("a PostgreSQL version").join(name)
}

/// `cmd`, as the `postgres` user when this process is root (PostgreSQL refuses root).
fn as_postgres(program: &Path) -> Command {
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Spawns `cmd` and waits until a line of its stdout or stderr contains `ready`.
fn spawn_until(mut cmd: Command, ready: &'static str) -> Child {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the database starts");
    let (tx, rx) = std::sync::mpsc::channel();
    for pipe in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if line.contains(ready) {
                    let _ = tx.send(());
                }
            }
        });
    }
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("the database never said {ready:?}"));
    child
}

impl Database {
    pub fn start(kind: StoreKind, dir: &Path) -> Database {
        let port = free_port();
        // PostgreSQL runs as its own user, which must reach its directory.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let dir = dir.join("db");
        std::fs::create_dir_all(&dir).unwrap();
        if kind == StoreKind::Postgres {
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .ok();
            let ok = as_postgres(&pg_bin("initdb"))
                .args(["-D"])
                .arg(dir.join("data"))
                .args(["-U", "postgres", "--auth=trust"])
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success();
            assert!(ok, "initdb");
        }
        let mut db = Database {
            kind,
            port,
            dir,
            child: None,
        };
        db.run();
        db
    }

    fn run(&mut self) {
        let child = match self.kind {
            StoreKind::Redis => {
                let mut cmd = Command::new("redis-server");
                cmd.args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
                    .args([
                        "--appendonly",
                        "yes",
                        "--appendfsync",
                        "always",
                        "--save",
                        "",
                    ])
                    .arg("--dir")
                    .arg(&self.dir);
                spawn_until(cmd, "Ready to accept connections")
            }
            StoreKind::Postgres => {
                let mut cmd = as_postgres(&pg_bin("postgres"));
                cmd.arg("-D")
                    .arg(self.dir.join("data"))
                    .args(["-p", &self.port.to_string(), "-k"])
                    .arg(&self.dir)
                    .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=on"]);
                spawn_until(cmd, "database system is ready to accept connections")
            }
            StoreKind::Embedded => unreachable!("the embedded store is the vault's own"),
        };
        self.child = Some(child);
    }

    /// Crash and start again: Redis by SIGKILL; PostgreSQL by an immediate shutdown (its
    /// children end with it, so it can start again at once), recovering from its WAL.
    pub fn crash_and_restart(&mut self) {
        match self.kind {
            StoreKind::Redis => {
                let mut child = self.child.take().unwrap();
                child.kill().unwrap();
                child.wait().unwrap();
            }
            _ => {
                let ok = as_postgres(&pg_bin("pg_ctl"))
                    .args(["stop", "-m", "immediate", "-D"])
                    .arg(self.dir.join("data"))
                    .stdout(Stdio::null())
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "pg_ctl stop");
                self.child.take().unwrap().wait().unwrap();
            }
        }
        self.run();
    }

    pub fn store_json(&self) -> Value {
        match self.kind {
            StoreKind::Redis => {
                json!({"redis": {"url": format!("redis://127.0.0.1:{}", self.port)}})
            }
            _ => {
                json!({"postgres": {"url": format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)}})
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if self.kind == StoreKind::Postgres {
                let _ = as_postgres(&pg_bin("pg_ctl"))
                    .args(["stop", "-m", "immediate", "-D"])
                    .arg(self.dir.join("data"))
                    .stdout(Stdio::null())
                    .status();
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
