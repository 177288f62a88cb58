//! The vault as the soak runs it: a production configuration on the chosen store, and a TCP
//! proxy in front of it that can stall (stop forwarding) while connections stay open.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

use crate::traffic::TENANT;

/// A production configuration: tenant `demo`, the gateway's key with the `filter` role.
pub fn vault_config(dir: &Path, port: u16, store: Value) -> PathBuf {
    let keys = dir.join("keys.json");
    std::fs::write(
        &keys,
        r#"{"active": 1, "keys": {"1": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}"#,
    )
    .unwrap();
    let hash = format!("{:x}", Sha256::digest(veil_e2e::VAULT_KEY.as_bytes()));
    let config = json!({
        "listen": format!("127.0.0.1:{port}"),
        "master_keys_file": keys,
        "store": store,
        "tenants": {TENANT: {"api_keys": [{"sha256": hash, "role": "filter"}]}},
    });
    let path = dir.join("vault.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

pub fn vault_bin() -> PathBuf {
    std::env::var_os("VEIL_E2E_VAULT")
        .map(PathBuf::from)
        .unwrap_or_else(|| "target/release/veil-vault".into())
}

/// Forwards loopback connections to the vault; while `stalled` it forwards nothing (open
/// connections hang, new ones are accepted and wait), as a vault stuck in a pause would.
pub async fn stall_proxy(
    listener: tokio::net::TcpListener,
    vault: u16,
    stalled: watch::Receiver<bool>,
) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let stalled = stalled.clone();
        tokio::spawn(async move {
            let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", vault)).await else {
                return;
            };
            let (cr, cw) = client.into_split();
            let (sr, sw) = server.into_split();
            tokio::join!(pipe(cr, sw, stalled.clone()), pipe(sr, cw, stalled));
        });
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut stalled: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // (Without a sender, as in a run without faults, nothing is ever stalled.)
        let _ = stalled.wait_for(|s| !*s).await;
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let _ = stalled.wait_for(|s| !*s).await;
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
