//! The faults the soak injects while its load runs, each when a share of the requests is done:
//! the vault stalled for 5 s, the vault killed and started again, and the store's database
//! crashed and started again (Redis and PostgreSQL).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use veil_testkit::VaultProcess;

use crate::database::Database;
use crate::traffic::Shared;
use crate::vault::vault_bin;
use crate::StoreKind;

pub struct Fault {
    pub name: &'static str,
    pub began: Instant,
    /// When what failed was back (restarted and listening, or forwarding again).
    pub ended: Instant,
}

/// What the injector acts on.
pub struct Targets {
    pub shared: Arc<Shared>,
    pub total: usize,
    pub stall: watch::Sender<bool>,
    pub vault: Arc<Mutex<VaultProcess>>,
    pub config: PathBuf,
    pub database: Option<Database>,
}

/// Injects the faults in turn, recording each in `faults`; gives the database back.
pub async fn inject(t: Targets, faults: Arc<Mutex<Vec<Fault>>>) -> Option<Database> {
    let Targets {
        shared,
        total,
        stall,
        vault,
        config,
        database,
    } = t;
    let record = |name, began| {
        faults.lock().unwrap().push(Fault {
            name,
            began,
            ended: Instant::now(),
        })
    };

    when_done(&shared, total, 0.20).await;
    let began = Instant::now();
    stall.send_replace(true);
    tokio::time::sleep(Duration::from_secs(5)).await;
    stall.send_replace(false);
    record("vault stalled 5 s", began);

    when_done(&shared, total, 0.45).await;
    let began = Instant::now();
    tokio::task::spawn_blocking(move || {
        let mut v = vault.lock().unwrap();
        v.kill_9();
        *v = VaultProcess::with_config(&vault_bin(), &config);
    })
    .await
    .unwrap();
    record("vault killed (SIGKILL), restarted", began);

    let mut db = database?;
    when_done(&shared, total, 0.70).await;
    let began = Instant::now();
    let name = match db.kind {
        StoreKind::Redis => "Redis killed (SIGKILL), restarted",
        _ => "PostgreSQL crashed (immediate stop), restarted",
    };
    let db = tokio::task::spawn_blocking(move || {
        db.crash_and_restart();
        db
    })
    .await
    .unwrap();
    record(name, began);
    Some(db)
}

/// Returns once `fraction` of the `total` requests are done.
async fn when_done(shared: &Shared, total: usize, fraction: f64) {
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    while (shared.completed.load(Ordering::Relaxed) as f64) < total as f64 * fraction {
        tick.tick().await;
    }
}
