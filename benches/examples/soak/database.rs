//! The soak's Redis or PostgreSQL: the machine's own binaries, started by this process on a
//! free port in a temporary directory (PostgreSQL as the `postgres` user when run as root),
//! so the run can crash them and start them again without touching anything else.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
pub use veil_testkit::servers::free_port;
use veil_testkit::servers::Server;

use crate::StoreKind;

/// Redis or PostgreSQL run by this process, so it can be killed and started again.
pub struct Database {
    pub kind: StoreKind,
    port: u16,
    dir: PathBuf,
    server: Option<Server>,
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
            server: None,
        };
        db.run();
        db
    }

    fn run(&mut self) {
        let server = match self.kind {
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
                Server::start(cmd, self.port, "Ready to accept connections")
            }
            StoreKind::Postgres => {
                let mut cmd = as_postgres(&pg_bin("postgres"));
                cmd.arg("-D")
                    .arg(self.dir.join("data"))
                    .args(["-p", &self.port.to_string(), "-k"])
                    .arg(&self.dir)
                    .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=on"]);
                Server::start(
                    cmd,
                    self.port,
                    "database system is ready to accept connections",
                )
            }
            StoreKind::Embedded => unreachable!("the embedded store is the vault's own"),
        };
        self.server = Some(server);
    }

    /// Crash and start again: Redis by SIGKILL; PostgreSQL by an immediate shutdown (its
    /// children end with it, so it can start again at once), recovering from its WAL.
    pub fn crash_and_restart(&mut self) {
        match self.kind {
            StoreKind::Redis => self.server.take().unwrap().kill_9(),
            _ => {
                let ok = as_postgres(&pg_bin("pg_ctl"))
                    .args(["stop", "-m", "immediate", "-D"])
                    .arg(self.dir.join("data"))
                    .stdout(Stdio::null())
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "pg_ctl stop");
                self.server.take().unwrap().child.wait().unwrap();
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
        // Dropping the server kills it (SIGKILL); PostgreSQL is stopped first, so that its
        // children end with it.
        if let Some(server) = self.server.take() {
            if self.kind == StoreKind::Postgres {
                let _ = as_postgres(&pg_bin("pg_ctl"))
                    .args(["stop", "-m", "immediate", "-D"])
                    .arg(self.dir.join("data"))
                    .stdout(Stdio::null())
                    .status();
            }
            drop(server);
        }
    }
}
