//! From settings to a running server: open the store, load keys and callers, bind, serve,
//! sweep expired mappings, stop cleanly on SIGTERM or Ctrl-C.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::audit::AuditSink;
use crate::auth::{ApiKeys, Principal, Right, Role, FILTER_ROLE};
use crate::aws::{AwsClient, AwsCredentials};
use crate::config::{EmbeddedConfig, FileConfig, Limits, StoreConfig, TlsConfig};
use crate::http::{self, AppState, TenantPolicy};
use crate::keys::MasterKeys;
use crate::mask::Engines;
use crate::metrics::Metrics;
use crate::store::dynamodb::DynamoDbStore;
use crate::store::embedded::EmbeddedStore;
use crate::store::postgres::PostgresStore;
use crate::store::redis::RedisStore;
use crate::store::Store;
use crate::vault::Vault;

/// How often expired mappings are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The environment variable dev mode reads the gateway's API key from (role `filter`).
pub const DEV_API_KEY_ENV: &str = "VEIL_DEV_API_KEY";
/// The environment variable dev mode reads an administrator's key from, if set (every right,
/// erasure included).
pub const DEV_ADMIN_KEY_ENV: &str = "VEIL_DEV_ADMIN_KEY";

/// Everything needed to serve, resolved and checked.
pub struct Settings {
    pub listen: SocketAddr,
    pub tls: Option<TlsConfig>,
    pub limits: Limits,
    pub store: StoreConfig,
    /// Where scope keys live; beside the mappings when `None`.
    pub key_store: Option<StoreConfig>,
    pub master_keys: MasterKeys,
    pub api_keys: ApiKeys,
    pub tenants: BTreeMap<String, TenantPolicy>,
    pub audit_file: Option<PathBuf>,
    /// The masking API's detection (the config's `detection`; by default the gateway's).
    pub detection: veil_core::config::DetectionConfig,
}

impl Settings {
    /// Production: everything from the config file; refuses what is missing.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        let config =
            FileConfig::parse(&text).map_err(|e| format!("config {}: {e}", path.display()))?;
        let master_keys = master_keys(&config)?;
        let mut api_keys = ApiKeys::default();
        let mut tenants = BTreeMap::new();
        for (name, t) in &config.tenants {
            for k in &t.api_keys {
                let hash: [u8; 32] = hex::decode(&k.sha256)
                    .expect("validated hex")
                    .try_into()
                    .expect("validated length");
                let role = match t.roles.get(&k.role) {
                    _ if k.role == FILTER_ROLE => Role::filter(),
                    Some(r) => Role {
                        name: k.role.clone(),
                        rights: r.rights.clone(),
                        unmask: r.unmask.clone(),
                    },
                    None => unreachable!("validated: every key's role exists"),
                };
                api_keys.add_hash(
                    hash,
                    Principal {
                        tenant: Some(name.clone()),
                        role,
                    },
                );
            }
            tenants.insert(
                name.clone(),
                TenantPolicy {
                    linkage: t.token_linkage,
                    default_ttl: t.default_ttl_seconds,
                },
            );
        }
        Ok(Settings {
            listen: config.listen,
            tls: config.tls,
            limits: config.limits,
            store: config.store,
            key_store: config.key_store,
            master_keys,
            api_keys,
            tenants,
            audit_file: config.audit_file,
            detection: config.detection.unwrap_or_else(Engines::gateway_default),
        })
    }

    /// Dev mode: the embedded store in `data_dir`, a master key generated there once, the
    /// gateway's API key from `VEIL_DEV_API_KEY` and an administrator's from
    /// `VEIL_DEV_ADMIN_KEY` (if set), valid for any tenant; TLS if `tls` is given.
    pub fn dev(
        listen: SocketAddr,
        data_dir: &Path,
        tls: Option<TlsConfig>,
    ) -> Result<Self, String> {
        let api_key = std::env::var(DEV_API_KEY_ENV)
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| format!("dev mode needs an API key: set {DEV_API_KEY_ENV}"))?;
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create --data-dir {}: {e}", data_dir.display()))?;
        let keys_path = data_dir.join("master-keys.json");
        if !keys_path.exists() {
            write_private(&keys_path, &MasterKeys::generate_file())?;
        }
        let keys_text = zeroize::Zeroizing::new(
            std::fs::read_to_string(&keys_path)
                .map_err(|e| format!("cannot read {}: {e}", keys_path.display()))?,
        );
        let master_keys = MasterKeys::from_json(&keys_text)?;
        let mut api_keys = ApiKeys::default();
        api_keys.add_key(
            &api_key,
            Principal {
                tenant: None,
                role: Role::filter(),
            },
        );
        if let Some(admin) = std::env::var(DEV_ADMIN_KEY_ENV)
            .ok()
            .filter(|k| !k.is_empty())
        {
            let role = Role {
                name: "admin".into(),
                rights: Right::ALL.into(),
                unmask: Default::default(),
            };
            api_keys.add_key(&admin, Principal { tenant: None, role });
        }
        Ok(Settings {
            listen,
            tls,
            limits: Limits::default(),
            store: StoreConfig::Embedded(EmbeddedConfig {
                path: data_dir.join("store"),
            }),
            // Apart, as production should have it: a copy of `store` alone cannot restore an
            // erased scope.
            key_store: Some(StoreConfig::Embedded(EmbeddedConfig {
                path: data_dir.join("keys"),
            })),
            master_keys,
            api_keys,
            tenants: BTreeMap::new(),
            audit_file: None,
            detection: Engines::gateway_default(),
        })
    }
}

/// Writes a file readable by its owner only (the dev master key).
fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(contents.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub async fn open_store(config: &StoreConfig) -> Result<Arc<dyn Store>, String> {
    Ok(match config {
        StoreConfig::Embedded(c) => {
            Arc::new(EmbeddedStore::open(&c.path).map_err(|e| e.to_string())?)
        }
        StoreConfig::Redis(c) => Arc::new(RedisStore::connect(c).await.map_err(|e| e.to_string())?),
        StoreConfig::Postgres(c) => {
            Arc::new(PostgresStore::connect(c).await.map_err(|e| e.to_string())?)
        }
        StoreConfig::DynamoDb(c) => {
            Arc::new(DynamoDbStore::connect(c).await.map_err(|e| e.to_string())?)
        }
    })
}

/// The key provider the configuration names (validated: exactly one).
fn master_keys(config: &FileConfig) -> Result<MasterKeys, String> {
    if let Some(path) = &config.master_keys_file {
        let text = zeroize::Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read master_keys_file {}: {e}", path.display()))?,
        );
        return MasterKeys::from_json(&text);
    }
    if let Some(var) = &config.master_keys_env {
        let text = zeroize::Zeroizing::new(
            std::env::var(var).map_err(|_| format!("master_keys_env: {var} is not set"))?,
        );
        return MasterKeys::from_json(&text).map_err(|e| format!("{e} (from {var})"));
    }
    let k = config.aws_kms.as_ref().expect("validated: one provider");
    let credentials = AwsCredentials::from_env().map_err(|e| format!("aws_kms: {e}"))?;
    let client = AwsClient::kms(
        &k.region,
        k.endpoint.as_deref(),
        credentials,
        Duration::from_secs(2),
    )
    .map_err(|e| format!("aws_kms: {e}"))?;
    Ok(MasterKeys::kms(
        client,
        &k.key_id,
        Duration::from_secs(k.cache_ttl_seconds),
        k.cache_tenants,
    ))
}

/// Binds, serves until SIGTERM or Ctrl-C, and sweeps expired mappings meanwhile.
pub async fn serve(settings: Settings) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    serve_on(listener, settings).await
}

/// `serve` on a listener the caller bound (the load benchmark runs the service in-process).
pub async fn serve_on(listener: tokio::net::TcpListener, settings: Settings) -> Result<(), String> {
    let store = open_store(&settings.store).await?;
    let audit = match &settings.audit_file {
        Some(path) => AuditSink::file(path)
            .map_err(|e| format!("cannot open audit_file {}: {e}", path.display()))?,
        None => AuditSink::stdout(),
    };
    let tls = settings
        .tls
        .as_ref()
        .map(crate::tls::server_config)
        .transpose()?;
    settings.master_keys.check().await?;
    let mut vault = Vault::new(store.clone(), Arc::new(settings.master_keys));
    match &settings.key_store {
        Some(config) if format!("{config:?}") == format!("{:?}", settings.store) => {
            tracing::warn!("key_store is the same as store: erasing a scope does not reach copies of the store taken before");
            vault = vault.with_key_store(open_store(config).await?);
        }
        Some(config) => vault = vault.with_key_store(open_store(config).await?),
        None => tracing::info!(
            "scope keys are kept in the store itself: erasing a scope does not reach copies of the store taken before (set key_store)"
        ),
    }
    let state = Arc::new(AppState {
        vault,
        api_keys: settings.api_keys,
        tenants: settings.tenants,
        audit,
        metrics: Metrics::new(),
        body_timeout: Duration::from_millis(settings.limits.body_timeout_ms),
        engines: Arc::new(
            Engines::new(&settings.detection).map_err(|e| format!("detection: {e}"))?,
        ),
    });
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = match (
        &settings.tls,
        settings
            .tls
            .as_ref()
            .and_then(|t| t.client_ca_file.as_ref()),
    ) {
        (None, _) => "http",
        (Some(_), None) => "https",
        (Some(_), Some(_)) => "https, client certificates required",
    };
    // Tests and scripts wait for this line (it carries the port when --listen asked for 0).
    eprintln!(
        "veil-vault listening on {addr} ({scheme}; store: {})",
        store.kind()
    );

    let sweeper = tokio::spawn(sweep_forever(state.clone()));
    let app = http::router(state, settings.limits.max_concurrent_requests);
    let result = crate::serve::serve(listener, app, tls, settings.limits, shutdown_signal()).await;
    sweeper.abort();
    result
}

async fn sweep_forever(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        match state.vault.store().sweep(state.vault.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "swept expired mappings"),
            Err(e) => tracing::warn!(error = %e, "sweep failed; will retry"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
