//! The service's configuration: a JSON file in production, flags in dev mode. Parsed once at
//! start and validated; every error names the field and says what is wrong, and the service
//! refuses to start rather than run with a guess.
//!
//! ```json
//! {
//!   "listen": "0.0.0.0:8080",
//!   "tls": {"cert_file": "/etc/veil/tls.crt", "key_file": "/etc/veil/tls.key",
//!           "client_ca_file": "/etc/veil/clients-ca.crt"},
//!   "master_keys_file": "/etc/veil/master-keys.json",
//!   "store": {"postgres": {"url": "postgres://veil@db/veil?sslmode=verify-full", "ca_file": "/etc/veil/db-ca.crt"}},
//!   "audit_file": null,
//!   "tenants": {
//!     "acme": {
//!       "api_keys": [{"sha256": "<64 hex>", "role": "filter"},
//!                    {"sha256": "<64 hex>", "role": "privacy"}],
//!       "roles": {"privacy": {"rights": ["erase"]},
//!                 "support": {"rights": ["rehydrate"], "unmask": ["EMAIL_ADDRESS"]}},
//!       "token_linkage": "scope",
//!       "default_ttl_seconds": 2592000
//!     }
//!   }
//! }
//! ```
//! `store` is one of `{"embedded": {"path"}}`, `{"redis": {"url", "ca_file"?, "wait_replicas"?,
//! "wait_timeout_ms"?}}`, `{"postgres": {"url", "ca_file"?}}`. `audit_file` null or absent
//! means audit lines go to stdout. `limits` bounds time and concurrency (see `Limits`).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use crate::auth::{Right, FILTER_ROLE};
use crate::vault::Linkage;

/// Longest TTL a request may ask for.
pub const MAX_TTL_SECONDS: u64 = 366 * 24 * 3600;
/// TTL when neither the request nor the tenant names one.
pub const DEFAULT_TTL_SECONDS: u64 = 30 * 24 * 3600;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: SocketAddr,
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default)]
    pub limits: Limits,
    pub master_keys_file: Option<PathBuf>,
    /// The name of an environment variable holding the master-key file's JSON.
    #[serde(default)]
    pub master_keys_env: Option<String>,
    /// Tenant keys generated and wrapped by AWS KMS instead of master keys.
    #[serde(default)]
    pub aws_kms: Option<AwsKmsConfig>,
    pub store: StoreConfig,
    /// Where scope keys live (crypto-shredding): apart from `store`, so that erasing a scope
    /// reaches the store's backups; beside the mappings when absent.
    #[serde(default)]
    pub key_store: Option<StoreConfig>,
    #[serde(default)]
    pub audit_file: Option<PathBuf>,
    #[serde(default)]
    pub tenants: BTreeMap<String, TenantConfig>,
    /// The masking API's detection, in the Veil schema's `detection` form; absent, the
    /// gateway's (tier 1 and the tier-2 classifier).
    #[serde(default)]
    pub detection: Option<veil_core::config::DetectionConfig>,
}

/// The vault serves TLS with this certificate chain and key (PEM); with `client_ca_file`,
/// only clients presenting a certificate signed by that CA are served (mutual TLS).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    #[serde(default)]
    pub client_ca_file: Option<PathBuf>,
}

/// Bounds on what one connection and all of them together may hold.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Requests handled at once; past it a request is answered 503 with `Retry-After`.
    #[serde(default = "default_concurrency")]
    pub max_concurrent_requests: usize,
    /// Time for a TLS handshake, and for a request's headers once their first byte arrived.
    #[serde(default = "default_header_timeout")]
    pub header_timeout_ms: u64,
    /// Time for a request's body to arrive.
    #[serde(default = "default_body_timeout")]
    pub body_timeout_ms: u64,
    /// A connection idle this long between requests is closed; clients must close idle
    /// connections sooner (the shipped Envoy configurations: 60 s).
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_concurrent_requests: default_concurrency(),
            header_timeout_ms: default_header_timeout(),
            body_timeout_ms: default_body_timeout(),
            idle_timeout_ms: default_idle_timeout(),
        }
    }
}

fn default_concurrency() -> usize {
    256
}
fn default_header_timeout() -> u64 {
    5_000
}
fn default_body_timeout() -> u64 {
    10_000
}
fn default_idle_timeout() -> u64 {
    75_000
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreConfig {
    Embedded(EmbeddedConfig),
    Redis(RedisConfig),
    Postgres(PostgresConfig),
    #[serde(rename = "dynamodb")]
    DynamoDb(DynamoDbConfig),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedConfig {
    pub path: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// `redis://` or, for TLS, `rediss://`.
    pub url: String,
    /// `url` is a node of a Redis Cluster; the client learns the others from it.
    #[serde(default)]
    pub cluster: bool,
    /// The CA that signed the server's certificate (PEM), for `rediss://`; absent: the
    /// system's roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Replicas each write must reach (Redis `WAIT`) before it is acknowledged, so a
    /// failover cannot lose it; 0 acknowledges once the primary has it.
    #[serde(default)]
    pub wait_replicas: u32,
    #[serde(default = "default_wait_timeout")]
    pub wait_timeout_ms: u64,
}

fn default_wait_timeout() -> u64 {
    1_000
}

impl RedisConfig {
    /// A plain connection to `url`, acknowledged by the primary alone.
    pub fn at(url: &str) -> Self {
        RedisConfig {
            url: url.into(),
            cluster: false,
            ca_file: None,
            wait_replicas: 0,
            wait_timeout_ms: default_wait_timeout(),
        }
    }
}

impl PostgresConfig {
    /// A connection to `url`, verified against the system's roots if it asks for TLS.
    pub fn at(url: &str) -> Self {
        PostgresConfig {
            url: url.into(),
            ca_file: None,
        }
    }
}

/// An AWS KMS key that wraps every tenant's data key; credentials come from the environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsKmsConfig {
    /// A key id, ARN or alias (`alias/veil-vault`) of a symmetric encryption key.
    pub key_id: String,
    pub region: String,
    /// A VPC endpoint or a local server; AWS's regional endpoint when absent.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// How long an unwrapped tenant key is kept in memory before the KMS is asked again.
    #[serde(default = "default_kms_cache_ttl")]
    pub cache_ttl_seconds: u64,
    /// At most this many tenants' keys in memory.
    #[serde(default = "default_kms_cache_tenants")]
    pub cache_tenants: usize,
}

fn default_kms_cache_ttl() -> u64 {
    300
}
fn default_kms_cache_tenants() -> usize {
    10_000
}

/// A DynamoDB table (key schema in docs/vault.md); credentials come from the environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamoDbConfig {
    pub table: String,
    pub region: String,
    /// A VPC endpoint or a local server; AWS's regional endpoint when absent.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Create the table (on-demand billing, TTL on `ttl`) if it does not exist: for
    /// development; production tables are usually made by infrastructure code.
    #[serde(default)]
    pub create_table: bool,
    /// Per HTTP call to DynamoDB (retries come on top).
    #[serde(default = "default_dynamodb_timeout")]
    pub timeout_ms: u64,
}

fn default_dynamodb_timeout() -> u64 {
    2_000
}

impl DynamoDbConfig {
    /// A table reached at `endpoint` (a server on loopback, in tests).
    pub fn at(endpoint: &str, table: &str) -> Self {
        DynamoDbConfig {
            table: table.into(),
            region: "us-east-1".into(),
            endpoint: Some(endpoint.into()),
            create_table: true,
            timeout_ms: default_dynamodb_timeout(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// A libpq-style URL; `sslmode=verify-full` (or `require`) for TLS.
    pub url: String,
    /// The CA that signed the server's certificate (PEM); absent: the system's roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    #[serde(default)]
    pub api_keys: Vec<ApiKeyConfig>,
    /// Roles besides the built-in `filter` (tokenize, rehydrate).
    #[serde(default)]
    pub roles: BTreeMap<String, RoleConfig>,
    /// Whether a value's token depends on the scope that sent it (`scope`, the default:
    /// tokens cannot link one person across users) or only on the tenant (`tenant`: one token
    /// per value across all scopes, so the provider can link them).
    #[serde(default)]
    pub token_linkage: Linkage,
    pub default_ttl_seconds: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    pub rights: BTreeSet<Right>,
    /// Kinds this role may rehydrate whatever the scope (needs `rehydrate`).
    #[serde(default)]
    pub unmask: BTreeSet<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// Hex SHA-256 of the key (`printf %s "$KEY" | sha256sum`); keys are never configured in clear.
    pub sha256: String,
    pub role: String,
}

/// A configuration problem, naming the field.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.into(),
        message: message.into(),
    }
}

impl FileConfig {
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let config: FileConfig = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = veil_core::config::error_field(e.path());
            let field = if path.is_empty() {
                "(top level)".to_string()
            } else {
                path
            };
            // serde's own message may quote the input; keep its kind only, plus known shapes,
            // with any quoted name cut short.
            let inner = veil_core::config::redact_serde_message(&e.inner().to_string());
            let message = if inner.starts_with("unknown field")
                || inner.starts_with("missing field")
                || inner.starts_with("unknown variant")
            {
                inner
                    .split(", expected")
                    .next()
                    .unwrap_or("invalid")
                    .to_string()
            } else {
                format!("invalid ({:?} error)", e.inner().classify())
            };
            err(field, message)
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Production needs keys and callers; say exactly what is missing.
    fn validate(&self) -> Result<(), ConfigError> {
        let providers = [
            self.master_keys_file.is_some(),
            self.master_keys_env.is_some(),
            self.aws_kms.is_some(),
        ];
        match providers.iter().filter(|p| **p).count() {
            0 => {
                return Err(err(
                    "master_keys_file",
                    "missing: production mode needs a master key file ({\"active\": 1, \"keys\": {\"1\": \"<base64 of 32 random bytes>\"}}), master_keys_env or aws_kms; use --dev for local runs",
                ))
            }
            1 => {}
            _ => {
                return Err(err(
                    "master_keys_file",
                    "give one key provider: master_keys_file, master_keys_env or aws_kms",
                ))
            }
        }
        if let Some(k) = &self.aws_kms {
            if k.key_id.is_empty() || k.key_id.len() > 2048 {
                return Err(err("aws_kms.key_id", "a key id, ARN or alias/..."));
            }
            check_aws("aws_kms", &k.region, k.endpoint.as_deref())?;
            if !(1..=86_400).contains(&k.cache_ttl_seconds) {
                return Err(err("aws_kms.cache_ttl_seconds", "must be 1..=86400"));
            }
            if !(1..=10_000_000).contains(&k.cache_tenants) {
                return Err(err("aws_kms.cache_tenants", "must be 1..=10000000"));
            }
        }
        if self.tenants.values().all(|t| t.api_keys.is_empty()) {
            return Err(err(
                "tenants",
                "no API keys configured: add tenants.<tenant>.api_keys with the SHA-256 of each key",
            ));
        }
        // Key hashes seen so far, with where.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (name, tenant) in &self.tenants {
            let at = format!("tenants.{name}");
            if !valid_tenant(name) {
                return Err(err(at, "tenant names are 1-63 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
            }
            for (name, role) in &tenant.roles {
                let at = format!("{at}.roles.{name}");
                if name == FILTER_ROLE {
                    return Err(err(at, "the filter role is built in (tokenize, rehydrate)"));
                }
                if name.is_empty() || name.len() > 64 {
                    return Err(err(at, "role names are 1-64 characters"));
                }
                if role.rights.is_empty() {
                    return Err(err(format!("{at}.rights"), "give at least one right"));
                }
                let reads =
                    role.rights.contains(&Right::Rehydrate) || role.rights.contains(&Right::Unmask);
                if !role.unmask.is_empty() && !reads {
                    return Err(err(
                        format!("{at}.unmask"),
                        "unmask needs the rehydrate or unmask right",
                    ));
                }
                for t in &role.unmask {
                    if crate::vault::parse_entity(t).is_none() {
                        return Err(err(
                            format!("{at}.unmask"),
                            "unknown entity type (use labels like EMAIL_ADDRESS)",
                        ));
                    }
                }
            }
            for (i, key) in tenant.api_keys.iter().enumerate() {
                let field = format!("{at}.api_keys[{i}]");
                let hex_ok =
                    key.sha256.len() == 64 && key.sha256.bytes().all(|b| b.is_ascii_hexdigit());
                if !hex_ok {
                    return Err(err(
                        format!("{field}.sha256"),
                        "must be 64 hex characters (the SHA-256 of the key, not the key)",
                    ));
                }
                if let Some(first) = seen.insert(key.sha256.to_ascii_lowercase(), field.clone()) {
                    return Err(err(
                        format!("{field}.sha256"),
                        format!(
                            "the same key as {first}: each key belongs to one tenant and one role"
                        ),
                    ));
                }
                if key.role != FILTER_ROLE && !tenant.roles.contains_key(&key.role) {
                    return Err(err(
                        format!("{field}.role"),
                        format!("no such role: use {FILTER_ROLE} or define it in {at}.roles"),
                    ));
                }
            }
            if let Some(ttl) = tenant.default_ttl_seconds {
                if ttl == 0 || ttl > MAX_TTL_SECONDS {
                    return Err(err(
                        format!("{at}.default_ttl_seconds"),
                        format!("must be 1..={MAX_TTL_SECONDS}"),
                    ));
                }
            }
        }
        let l = &self.limits;
        let checks = [
            (
                "limits.max_concurrent_requests",
                l.max_concurrent_requests as u64,
                1,
                100_000,
            ),
            (
                "limits.header_timeout_ms",
                l.header_timeout_ms,
                100,
                600_000,
            ),
            ("limits.body_timeout_ms", l.body_timeout_ms, 100, 600_000),
            ("limits.idle_timeout_ms", l.idle_timeout_ms, 100, 3_600_000),
        ];
        for (field, value, low, high) in checks {
            if !(low..=high).contains(&value) {
                return Err(err(field, format!("must be {low}..={high}")));
            }
        }
        if let StoreConfig::Redis(r) = &self.store {
            if r.wait_replicas > 0 && !(1..=60_000).contains(&r.wait_timeout_ms) {
                return Err(err("store.redis.wait_timeout_ms", "must be 1..=60000"));
            }
        }
        if let (StoreConfig::Embedded(a), Some(StoreConfig::Embedded(b))) =
            (&self.store, &self.key_store)
        {
            if a.path == b.path {
                return Err(err(
                    "key_store.embedded.path",
                    "must be another directory than store.embedded.path",
                ));
            }
        }
        if let StoreConfig::DynamoDb(d) = &self.store {
            let table_ok = (3..=255).contains(&d.table.len())
                && d.table
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
            if !table_ok {
                return Err(err(
                    "store.dynamodb.table",
                    "3-255 characters of a-z, A-Z, 0-9, '_', '.', '-'",
                ));
            }
            check_aws("store.dynamodb", &d.region, d.endpoint.as_deref())?;
            if !(100..=60_000).contains(&d.timeout_ms) {
                return Err(err("store.dynamodb.timeout_ms", "must be 100..=60000"));
            }
        }
        Ok(())
    }
}

/// An AWS service's `region` and optional `endpoint`, under `at`.
fn check_aws(at: &str, region: &str, endpoint: Option<&str>) -> Result<(), ConfigError> {
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok {
        return Err(err(
            format!("{at}.region"),
            "an AWS region name such as eu-west-1",
        ));
    }
    match endpoint {
        Some(e) if !(e.starts_with("https://") || e.starts_with("http://")) => Err(err(
            format!("{at}.endpoint"),
            "must be an http:// or https:// URL",
        )),
        _ => Ok(()),
    }
}

/// Tenant names go into storage keys (and Redis hash tags): a small safe alphabet.
pub fn valid_tenant(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "listen": "127.0.0.1:8080",
        "master_keys_file": "/tmp/k.json",
        "store": {"redis": {"url": "redis://127.0.0.1:6379"}},
        "tenants": {"acme": {"api_keys": [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "role": "filter"},
                                          {"sha256": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", "role": "support"}],
                              "roles": {"support": {"rights": ["rehydrate"], "unmask": ["EMAIL_ADDRESS"]}}}}
    }"#;

    #[test]
    fn a_complete_file_parses() {
        let c = FileConfig::parse(GOOD).unwrap();
        assert!(matches!(c.store, StoreConfig::Redis(_)));
        assert_eq!(c.tenants["acme"].token_linkage, Linkage::Scope);
        assert_eq!(c.limits.max_concurrent_requests, 256);
        assert_eq!(c.tenants["acme"].api_keys[0].role, "filter");
    }

    #[test]
    fn a_long_unknown_key_is_not_echoed() {
        let key = format!("tenant_key_{}secret-end", "x".repeat(60));
        let doc = GOOD.replacen('{', &format!(r#"{{"{key}": 1,"#), 1);
        let e = FileConfig::parse(&doc).unwrap_err();
        assert!(e.message.contains("unknown field"), "{e}");
        assert!(!e.to_string().contains("secret-end"), "{e}");
    }

    #[test]
    fn errors_name_the_field() {
        let no_keys = GOOD.replace(r#""master_keys_file": "/tmp/k.json","#, "");
        assert_eq!(
            FileConfig::parse(&no_keys).unwrap_err().field,
            "master_keys_file"
        );
        let no_api = GOOD.replace(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "secret-key-in-clear",
        );
        let e = FileConfig::parse(&no_api).unwrap_err();
        assert_eq!(e.field, "tenants.acme.api_keys[0].sha256");
        assert!(!e.to_string().contains("secret-key-in-clear"));
        let typo = GOOD.replace(r#""unmask""#, r#""unmsk""#);
        assert!(FileConfig::parse(&typo)
            .unwrap_err()
            .message
            .contains("unknown field"));
        let typo = GOOD.replace(r#""rights": ["rehydrate"]"#, r#""rights": ["rehydrat"]"#);
        let e = FileConfig::parse(&typo).unwrap_err();
        assert_eq!(e.field, "tenants.acme.roles.support.rights[0]");
        assert!(e.message.contains("unknown variant"), "{e}");
        let bad_type = GOOD.replace(r#"["EMAIL_ADDRESS"]"#, r#"["email"]"#);
        assert_eq!(
            FileConfig::parse(&bad_type).unwrap_err().field,
            "tenants.acme.roles.support.unmask"
        );
        let no_tenants = GOOD.replace(r#""role": "filter""#, r#""role": "filter"}], "x": [{"#);
        assert!(FileConfig::parse(&no_tenants).is_err());
    }

    #[test]
    fn exactly_one_key_provider() {
        let env = GOOD.replace(
            r#""master_keys_file": "/tmp/k.json","#,
            r#""master_keys_env": "VEIL_MASTER_KEYS","#,
        );
        assert!(FileConfig::parse(&env).unwrap().master_keys_env.is_some());
        let kms = GOOD.replace(
            r#""master_keys_file": "/tmp/k.json","#,
            r#""aws_kms": {"key_id": "alias/veil", "region": "eu-west-1"},"#,
        );
        let k = FileConfig::parse(&kms).unwrap().aws_kms.unwrap();
        assert_eq!((k.cache_ttl_seconds, k.cache_tenants), (300, 10_000));
        let both = GOOD.replace(
            r#""master_keys_file": "/tmp/k.json","#,
            r#""master_keys_file": "/tmp/k.json", "master_keys_env": "V","#,
        );
        let e = FileConfig::parse(&both).unwrap_err();
        assert!(e.message.contains("one key provider"), "{e}");
        let bad_ttl = kms.replace(
            r#""region": "eu-west-1""#,
            r#""region": "eu-west-1", "cache_ttl_seconds": 0"#,
        );
        assert_eq!(
            FileConfig::parse(&bad_ttl).unwrap_err().field,
            "aws_kms.cache_ttl_seconds"
        );
        let key_store = GOOD.replace(
            r#""store": {"redis": {"url": "redis://127.0.0.1:6379"}},"#,
            r#""store": {"embedded": {"path": "/var/veil"}}, "key_store": {"embedded": {"path": "/var/veil"}},"#,
        );
        assert_eq!(
            FileConfig::parse(&key_store).unwrap_err().field,
            "key_store.embedded.path"
        );
    }

    #[test]
    fn stores_parse_and_their_errors_name_the_field() {
        let with =
            |store: &str| GOOD.replace(r#"{"redis": {"url": "redis://127.0.0.1:6379"}}"#, store);
        let cluster = FileConfig::parse(&with(
            r#"{"redis": {"url": "redis://10.0.0.7:6379", "cluster": true}}"#,
        ))
        .unwrap();
        assert!(matches!(cluster.store, StoreConfig::Redis(ref r) if r.cluster));
        let dynamo = FileConfig::parse(&with(
            r#"{"dynamodb": {"table": "veil-vault", "region": "eu-west-1"}}"#,
        ))
        .unwrap();
        let StoreConfig::DynamoDb(d) = dynamo.store else {
            panic!("dynamodb parses as dynamodb")
        };
        assert_eq!(
            (d.create_table, d.timeout_ms, d.endpoint),
            (false, 2_000, None)
        );
        for (store, field) in [
            (
                r#"{"dynamodb": {"table": "v", "region": "eu-west-1"}}"#,
                "store.dynamodb.table",
            ),
            (
                r#"{"dynamodb": {"table": "veil", "region": "EU West"}}"#,
                "store.dynamodb.region",
            ),
            (
                r#"{"dynamodb": {"table": "veil", "region": "eu-west-1", "endpoint": "dynamodb.local"}}"#,
                "store.dynamodb.endpoint",
            ),
            (
                r#"{"dynamodb": {"table": "veil", "region": "eu-west-1", "timeout_ms": 5}}"#,
                "store.dynamodb.timeout_ms",
            ),
            (r#"{"dynamodb": {"region": "eu-west-1"}}"#, "store.dynamodb"),
        ] {
            assert_eq!(
                FileConfig::parse(&with(store)).unwrap_err().field,
                field,
                "{store}"
            );
        }
    }

    #[test]
    fn roles_are_defined_and_keys_belong_to_one_tenant() {
        let undefined = GOOD.replace(r#""role": "support""#, r#""role": "admin""#);
        let e = FileConfig::parse(&undefined).unwrap_err();
        assert_eq!(e.field, "tenants.acme.api_keys[1].role");
        let redefined = GOOD.replace(r#""roles": {"support""#, r#""roles": {"filter""#);
        assert_eq!(
            FileConfig::parse(&redefined).unwrap_err().field,
            "tenants.acme.roles.filter"
        );
        let unmask_without_rehydrate =
            GOOD.replace(r#""rights": ["rehydrate"]"#, r#""rights": ["erase"]"#);
        assert_eq!(
            FileConfig::parse(&unmask_without_rehydrate)
                .unwrap_err()
                .field,
            "tenants.acme.roles.support.unmask"
        );
        let shared = GOOD.replace(
            r#""roles": {"support""#,
            r#""roles": {"x": {"rights": ["erase"]}, "support""#,
        )
        .replace(
            r#"}}}
    }"#,
            r#"}},
            "globex": {"api_keys": [{"sha256": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "role": "filter"}]}}
    }"#,
        );
        let e = FileConfig::parse(&shared).unwrap_err();
        assert_eq!(e.field, "tenants.globex.api_keys[0].sha256");
        assert!(e.message.contains("tenants.acme.api_keys[0]"), "{e}");
    }

    #[test]
    fn tenant_names_are_restricted() {
        assert!(valid_tenant("acme") && valid_tenant("team-7.prod"));
        assert!(
            !valid_tenant("Acme")
                && !valid_tenant("a{b}")
                && !valid_tenant("")
                && !valid_tenant("-x")
        );
    }
}
