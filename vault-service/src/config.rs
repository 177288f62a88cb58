//! The service's configuration: a JSON file in production, three flags in dev mode. Parsed
//! once at start and validated; every error names the field and says what is wrong, and the
//! service refuses to start rather than run with a guess.
//!
//! ```json
//! {
//!   "listen": "0.0.0.0:8080",
//!   "master_keys_file": "/etc/veil/master-keys.json",
//!   "store": {"embedded": {"path": "/var/lib/veil/store"}},
//!   "audit_file": null,
//!   "tenants": {
//!     "acme": {
//!       "api_keys": [{"sha256": "<64 hex>", "role": "filter"}],
//!       "unmask": {"support-admin": ["EMAIL_ADDRESS"]},
//!       "default_ttl_seconds": 2592000
//!     }
//!   }
//! }
//! ```
//! `store` is one of `{"embedded": {"path"}}`, `{"redis": {"url"}}`, `{"postgres": {"url"}}`.
//! `audit_file` null or absent means audit lines go to stdout.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// Longest TTL a request may ask for.
pub const MAX_TTL_SECONDS: u64 = 366 * 24 * 3600;
/// TTL when neither the request nor the tenant names one.
pub const DEFAULT_TTL_SECONDS: u64 = 30 * 24 * 3600;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: SocketAddr,
    pub master_keys_file: Option<PathBuf>,
    pub store: StoreConfig,
    #[serde(default)]
    pub audit_file: Option<PathBuf>,
    #[serde(default)]
    pub tenants: BTreeMap<String, TenantConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum StoreConfig {
    Embedded { path: PathBuf },
    Redis { url: String },
    Postgres { url: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    #[serde(default)]
    pub api_keys: Vec<ApiKeyConfig>,
    /// Roles allowed to rehydrate any scope's tokens, by entity type.
    #[serde(default)]
    pub unmask: BTreeMap<String, BTreeSet<String>>,
    pub default_ttl_seconds: Option<u64>,
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
            let path = e.path().to_string();
            let field = if path.is_empty() || path == "." {
                "(top level)".to_string()
            } else {
                path
            };
            // serde's own message may quote the input; keep its kind only, plus known shapes.
            let inner = e.inner().to_string();
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
        if self.master_keys_file.is_none() {
            return Err(err(
                "master_keys_file",
                "missing: production mode needs a master key file ({\"active\": 1, \"keys\": {\"1\": \"<base64 of 32 random bytes>\"}}); use --dev for local runs",
            ));
        }
        if self.tenants.values().all(|t| t.api_keys.is_empty()) {
            return Err(err(
                "tenants",
                "no API keys configured: add tenants.<tenant>.api_keys with the SHA-256 of each key",
            ));
        }
        for (name, tenant) in &self.tenants {
            let at = format!("tenants.{name}");
            if !valid_tenant(name) {
                return Err(err(at, "tenant names are 1-63 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
            }
            for (i, key) in tenant.api_keys.iter().enumerate() {
                let hex_ok =
                    key.sha256.len() == 64 && key.sha256.bytes().all(|b| b.is_ascii_hexdigit());
                if !hex_ok {
                    return Err(err(
                        format!("{at}.api_keys[{i}].sha256"),
                        "must be 64 hex characters (the SHA-256 of the key, not the key)",
                    ));
                }
                if key.role.is_empty() || key.role.len() > 64 {
                    return Err(err(
                        format!("{at}.api_keys[{i}].role"),
                        "must be 1-64 characters",
                    ));
                }
            }
            for (role, types) in &tenant.unmask {
                for t in types {
                    if crate::vault::parse_entity(t).is_none() {
                        return Err(err(
                            format!("{at}.unmask.{role}"),
                            "unknown entity type (use labels like EMAIL_ADDRESS)",
                        ));
                    }
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
        Ok(())
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
        "tenants": {"acme": {"api_keys": [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "role": "filter"}],
                              "unmask": {"support": ["EMAIL_ADDRESS"]}}}
    }"#;

    #[test]
    fn a_complete_file_parses() {
        let c = FileConfig::parse(GOOD).unwrap();
        assert!(matches!(c.store, StoreConfig::Redis { .. }));
        assert_eq!(c.tenants["acme"].api_keys[0].role, "filter");
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
        let bad_type = GOOD.replace(r#"["EMAIL_ADDRESS"]"#, r#"["email"]"#);
        assert_eq!(
            FileConfig::parse(&bad_type).unwrap_err().field,
            "tenants.acme.unmask.support"
        );
        let no_tenants = GOOD.replace(r#""role": "filter""#, r#""role": "filter"}], "x": [{"#);
        assert!(FileConfig::parse(&no_tenants).is_err());
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
