//! The gateway part of the configuration: what the Envoy filter needs beyond detection (where
//! the vault is, whose data a request carries, what to do with each kind, how to fail). Part
//! of the one schema (`VeilConfig::gateway`), so the filter, `veil scan --config` and the Istio
//! manifests are checked by the same parser.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::ConfigError;
use crate::entity::{is_valid_custom_label, Entity};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    #[serde(default)]
    pub vault: VaultEndpoint,
    #[serde(default)]
    pub tenant: TenantSource,
    /// Request header naming the scope (user, conversation) whose values these are.
    #[serde(default = "default_scope_header")]
    pub scope_header: Option<String>,
    /// Larger request bodies are rejected (413); they are never passed unscanned.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// What a request gets when the vault cannot tokenize: `closed` (503, the default) or
    /// `open` (forwarded unmasked; for teams that rank availability over privacy).
    #[serde(default)]
    pub failure_mode: FailureMode,
    /// Per-kind action; kinds not listed are tokenized.
    #[serde(default)]
    pub actions: BTreeMap<String, Action>,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            vault: VaultEndpoint::default(),
            tenant: TenantSource::default(),
            scope_header: default_scope_header(),
            max_body_bytes: default_max_body(),
            failure_mode: FailureMode::Closed,
            actions: BTreeMap::new(),
        }
    }
}

fn default_scope_header() -> Option<String> {
    Some("x-veil-scope".into())
}

fn default_max_body() -> usize {
    1 << 20
}

/// The vault as an Envoy cluster.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultEndpoint {
    #[serde(default = "default_cluster")]
    pub cluster: String,
    #[serde(default = "default_authority")]
    pub authority: String,
    /// The vault API key for this gateway's tenant(s).
    #[serde(default)]
    pub api_key: String,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

impl Default for VaultEndpoint {
    fn default() -> Self {
        VaultEndpoint {
            cluster: default_cluster(),
            authority: default_authority(),
            api_key: String::new(),
            timeout_ms: default_timeout(),
        }
    }
}

fn default_cluster() -> String {
    "veil_vault".into()
}
fn default_authority() -> String {
    "veil-vault".into()
}
fn default_timeout() -> u64 {
    2000
}

/// Where a request's tenant comes from: a header set by the authentication in front, or a
/// fixed value (per route); `default` applies when the header is absent. No tenant at all
/// is a 400.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSource {
    pub header: Option<String>,
    #[serde(rename = "static")]
    pub fixed: Option<String>,
    pub default: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureMode {
    #[default]
    Closed,
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Replace with a vault token, restored in the response (the default).
    Tokenize,
    /// Replace with the kind's label (`[CREDIT_CARD]`), irreversibly.
    Redact,
    /// Reject the request with 422, naming the kind.
    Block,
    /// Leave as is.
    Allow,
}

impl GatewayConfig {
    /// The action for a kind.
    pub fn action(&self, entity: &Entity) -> Action {
        self.actions
            .get(entity.as_str())
            .copied()
            .unwrap_or(Action::Tokenize)
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        for label in self.actions.keys() {
            if Entity::builtin(label).is_none() && !is_valid_custom_label(label) {
                return Err(ConfigError::new(
                    format!("gateway.actions.{label}"),
                    "unknown entity kind",
                ));
            }
        }
        match (&self.tenant.header, &self.tenant.fixed) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    "gateway.tenant",
                    "give header or static, not both",
                ));
            }
            (None, None) if self.tenant.default.is_none() => {
                return Err(ConfigError::new(
                    "gateway.tenant",
                    "give header, static or default",
                ));
            }
            _ => {}
        }
        if self.vault.cluster.is_empty() {
            return Err(ConfigError::new(
                "gateway.vault.cluster",
                "must not be empty",
            ));
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::new(
                "gateway.max_body_bytes",
                "must be positive",
            ));
        }
        Ok(())
    }
}
