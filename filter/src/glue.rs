//! The proxy-wasm adapter: Envoy callbacks in, decisions from the plain modules, bytes out.
//! Kept to moving data and state; see `../../shared/notes/envoy-proxy-wasm.md` for the host
//! behaviour it relies on (pause only in body callbacks, replace bodies whole, remove
//! content-length when a body may change, fail closed with a local reply in the request phase).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::config::{FailureMode, GatewayConfig, RejectOrPass, Source};
use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MetricType};
use veil_core::body::BodyKind;
use veil_core::restore::TokenMap;
use veil_kinds::Entity;

use crate::metrics;
use crate::reply::error_body;
use crate::request::{self, Pending, Plan};
use crate::response::{self, Mode};
use crate::scan_cache::ScanCache;
use crate::settings::Settings;
use crate::token_cache::TokenCache;
use crate::vault_call;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    // Replaces the SDK's hook, which logs the panic message: a message can quote the text
    // being scanned, and Envoy's log must never hold a value. The location is enough.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        let _ = hostcalls::log(LogLevel::Critical, &format!("veil: panic at {at:?}"));
    }));
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> {
        Box::new(Root {
            settings: Err("not configured".into()),
            meters: Rc::new(Meters::default()),
            cache: Rc::new(RefCell::new(TokenCache::new([0; 32], 0, Duration::ZERO))),
            scans: Rc::new(RefCell::new(ScanCache::new(None))),
        })
    });
}}

struct Root {
    settings: Result<Arc<Settings>, String>,
    meters: Rc<Meters>,
    cache: Rc<RefCell<TokenCache>>,
    scans: Rc<RefCell<ScanCache>>,
}

/// The VM's metric ids by name (defined once, in `on_configure`).
#[derive(Default)]
struct Meters {
    ids: HashMap<String, u32>,
}

impl Meters {
    fn define() -> Meters {
        let mut ids = HashMap::new();
        let counters = metrics::COUNTERS
            .iter()
            .map(|c| c.to_string())
            .chain(metrics::per_kind_counters());
        for name in counters {
            if let Ok(id) = hostcalls::define_metric(MetricType::Counter, &name) {
                ids.insert(name, id);
            }
        }
        if let Ok(id) = hostcalls::define_metric(MetricType::Histogram, metrics::CALLOUT_MS) {
            ids.insert(metrics::CALLOUT_MS.to_string(), id);
        }
        Meters { ids }
    }

    fn inc(&self, name: &str) {
        self.add(name, 1);
    }

    /// One increment per kind, not per value: each is a call into the host.
    fn add_per_kind(&self, entities: &[Entity], name: fn(&Entity) -> String) {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for e in entities {
            *counts.entry(name(e)).or_default() += 1;
        }
        for (name, n) in counts {
            self.add(&name, n);
        }
    }

    fn add(&self, name: &str, n: u64) {
        if let Some(&id) = self.ids.get(name) {
            if n > 0 {
                let _ = hostcalls::increment_metric(id, n as i64);
            }
        }
    }

    fn record(&self, name: &str, value: u64) {
        if let Some(&id) = self.ids.get(name) {
            let _ = hostcalls::record_metric(id, value);
        }
    }
}

impl Context for Root {}

/// Random bytes for a cache's salt or key; `None` (logged) when the host gives none.
fn fresh_secret<const N: usize>(cache: &str) -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    if getrandom::getrandom(&mut bytes).is_ok() {
        Some(bytes)
    } else {
        log::warn!("veil: no randomness for the {cache}'s key; the cache is off");
        None
    }
}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        if self.meters.ids.is_empty() {
            self.meters = Rc::new(Meters::define());
        }
        let bytes = self.get_plugin_configuration().unwrap_or_default();
        self.settings = Settings::parse(&bytes);
        if let Ok(s) = &self.settings {
            // A fresh salt and key per configuration: nothing kept under the old ones (or
            // found by the old engine) is reachable. Without randomness a cache is off.
            let c = &s.gateway.token_cache;
            let (salt, entries) = match fresh_secret("token cache") {
                Some(salt) => (salt, c.max_entries),
                None => ([0; 32], 0),
            };
            self.cache = Rc::new(RefCell::new(TokenCache::new(
                salt,
                entries,
                Duration::from_secs(c.ttl_seconds),
            )));
            self.scans = Rc::new(RefCell::new(ScanCache::new(fresh_secret("scan cache"))));
        }
        if let Err(e) = &self.settings {
            // Loaded anyway: every request then fails closed (503) rather than passing unmasked.
            log::error!("veil: {e}; every request will be rejected with 503 until this is fixed");
        }
        true
    }

    fn create_http_context(&self, _id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Flow {
            settings: self.settings.clone(),
            gateway: None,
            meters: self.meters.clone(),
            cache: self.cache.clone(),
            scans: self.scans.clone(),
            known: Vec::new(),
            called_at: None,
            kind: None,
            tenant: String::new(),
            scope: None,
            request_id: None,
            pending: None,
            body_scanned: false,
            body_size: 0,
            new_body: None,
            calls: Vec::new(),
            pairs: Vec::new(),
            answered: false,
            map: Arc::new(TokenMap::new([])),
            mode: Mode::Pass,
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// One HTTP exchange.
struct Flow {
    settings: Result<Arc<Settings>, String>,
    /// This route's gateway settings; set when the request is one Veil reads.
    gateway: Option<Arc<GatewayConfig>>,
    cache: Rc<RefCell<TokenCache>>,
    scans: Rc<RefCell<ScanCache>>,
    /// Per item of the pending body: its token if the cache had it; the rest come from the
    /// vault, in order.
    known: Vec<Option<String>>,
    meters: Rc<Meters>,
    /// When the tokenize callout left.
    called_at: Option<SystemTime>,
    /// Set when the request body is scanned.
    kind: Option<BodyKind>,
    tenant: String,
    scope: Option<String>,
    request_id: Option<String>,
    /// The body waiting for its tokens.
    pending: Option<Pending>,
    /// The request body was scanned (in its last body callback, or at its trailers).
    body_scanned: bool,
    /// The request body's size as Envoy holds it, and its replacement once decided.
    body_size: usize,
    new_body: Option<Vec<u8>>,
    /// Callouts in flight (token id, what it is); the request resumes when none is left.
    calls: Vec<(u32, Call)>,
    /// (token, value) pairs the response may contain: minted now, or from the history.
    pairs: Vec<(String, String)>,
    /// The request was answered locally (503); late callouts are ignored.
    answered: bool,
    /// What the response restores.
    map: Arc<TokenMap>,
    mode: Mode,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    /// Values to tokens (required, unless failure_mode is open).
    Tokenize,
    /// Tokens from the conversation's history to values this scope may see (best effort:
    /// a token that is not restored stays a token, which reveals nothing).
    Rehydrate,
}

const JSON: (&str, &str) = ("content-type", "application/json");

impl Flow {
    fn reject(&mut self, status: u32, code: &str, message: &str) -> Action {
        self.answered = true;
        self.send_http_response(status, vec![JSON], Some(&error_body(code, message)));
        Action::Pause
    }

    /// Sends a callout to the vault; its answer comes to `on_http_call_response`.
    fn call_vault(&mut self, g: &GatewayConfig, call: Call, path: &str, body: &[u8]) -> bool {
        let auth = format!("Bearer {}", g.vault.api_key);
        let mut headers = vec![
            (":method", "POST"),
            (":path", path),
            (":authority", g.vault.authority.as_str()),
            ("authorization", auth.as_str()),
            JSON,
        ];
        if let Some(id) = &self.request_id {
            headers.push(("x-request-id", id.as_str()));
        }
        let timeout = Duration::from_millis(g.vault.timeout_ms);
        match self.dispatch_http_call(&g.vault.cluster, headers, Some(body), vec![], timeout) {
            Ok(id) => {
                self.calls.push((id, call));
                true
            }
            Err(e) => {
                log::warn!("veil: cannot call the vault cluster ({e:?})");
                false
            }
        }
    }

    /// A tokenize that failed: 503 when closed, or on with the body as it came when open.
    fn tokenize_failed(
        &mut self,
        settings: &Settings,
        gateway: &GatewayConfig,
        pending: Option<Pending>,
        why: &str,
    ) {
        self.meters.inc(metrics::CALLOUT_FAILURES);
        if gateway.failure_mode == FailureMode::Open {
            self.meters.inc(metrics::FAIL_OPEN_PASSES);
            log::warn!("veil: tokenize failed ({why}); failure_mode open: forwarding unmasked");
            // Redactions need no vault: they still apply.
            self.new_body = pending.and_then(|p| p.redacted_only(settings).ok());
            return;
        }
        log::warn!("veil: tokenize failed ({why}); failing closed");
        self.answered = true;
        self.send_http_response(
            503,
            vec![JSON, ("retry-after", "1")],
            Some(&error_body(
                "vault_unavailable",
                "personal data could not be protected; retry shortly",
            )),
        );
    }

    /// Scans the whole buffered request body (`size` bytes) and acts on it: forward, reject,
    /// or pause for the vault's callouts.
    fn scan_request(&mut self, size: usize) -> Action {
        let (Some(kind), Ok(settings), Some(gateway)) =
            (self.kind, self.settings.clone(), self.gateway.clone())
        else {
            return Action::Continue;
        };
        self.body_scanned = true;
        let body = self.get_http_request_body(0, size).unwrap_or_default();
        self.meters.inc(metrics::SCANNED);
        self.body_size = size;
        let scan = request::scan(
            &body,
            kind,
            &settings,
            &gateway,
            &mut self
                .scans
                .borrow_mut()
                .scoped(&self.tenant, self.scope.as_deref()),
        );
        self.meters
            .add(metrics::SCAN_CACHE_HITS, scan.cached_fields as u64);
        if scan.as_text {
            self.meters.inc(metrics::SCANNED_AS_TEXT);
        }
        self.meters.add_per_kind(&scan.detected, metrics::detected);
        if settings.engine.has_tier2() {
            self.meters
                .add(metrics::CLASSIFIER_BYTES, scan.classifier.bytes_run as u64);
            if scan.classifier.bytes_skipped > 0 {
                self.meters.add(
                    metrics::CLASSIFIER_BYTES_SKIPPED,
                    scan.classifier.bytes_skipped as u64,
                );
                self.meters.inc(metrics::CLASSIFIER_OVER_BUDGET);
            }
        }
        match scan.plan {
            Plan::Forward => {}
            Plan::Block { entity } => {
                self.meters.inc(metrics::BLOCKED);
                return self.reject(
                    422,
                    "blocked_entity",
                    &format!("the request contains a {entity}, which this gateway does not allow"),
                );
            }
            Plan::Invalid { message } => {
                self.meters.inc(metrics::INVALID);
                return self.reject(400, "invalid_body", &message);
            }
            Plan::Rewritten { body: new, masked } => {
                self.meters.add_per_kind(&masked, metrics::masked);
                self.new_body = Some(new);
            }
            Plan::Tokenize(pending) => {
                let now = self.get_current_time();
                let known: Vec<Option<String>> = {
                    let cache = self.cache.borrow();
                    let (tenant, scope) = (&self.tenant, self.scope.as_deref());
                    pending
                        .items
                        .iter()
                        .map(|(kind, value)| cache.get(now, tenant, scope, kind, value))
                        .collect()
                };
                let hits = known.iter().filter(|k| k.is_some()).count();
                self.meters.add(metrics::CACHE_HITS, hits as u64);
                let missing: Vec<(String, String)> = pending
                    .items
                    .iter()
                    .zip(&known)
                    .filter(|(_, k)| k.is_none())
                    .map(|(item, _)| item.clone())
                    .collect();
                self.known = known;
                if missing.is_empty() {
                    // Every value seen recently: no callout.
                    self.tokens_ready(&settings, &gateway, pending, Vec::new());
                    if self.answered {
                        return Action::Pause;
                    }
                } else {
                    let call_body =
                        vault_call::tokenize_body(&self.tenant, self.scope.as_deref(), &missing);
                    self.pending = Some(pending);
                    if self.call_vault(&gateway, Call::Tokenize, "/v1/tokenize", &call_body) {
                        self.called_at = Some(self.get_current_time());
                    } else {
                        let pending = self.pending.take();
                        self.tokenize_failed(&settings, &gateway, pending, "dispatch failed");
                        if self.answered {
                            return Action::Pause;
                        }
                    }
                }
            }
        }
        let history = scan.history;
        if !history.is_empty() {
            let call_body =
                vault_call::rehydrate_body(&self.tenant, self.scope.as_deref(), &history);
            if !self.call_vault(&gateway, Call::Rehydrate, "/v1/rehydrate", &call_body) {
                self.meters.inc(metrics::REHYDRATION_INCOMPLETE);
            }
        }
        if self.calls.is_empty() {
            self.finish_request();
            Action::Continue
        } else {
            Action::Pause
        }
    }

    /// The vault's tokens for the values the cache lacked (`fresh`, in order): remember
    /// them, and mask the body with every token.
    fn tokens_ready(
        &mut self,
        settings: &Settings,
        gateway: &GatewayConfig,
        pending: Pending,
        fresh: Vec<String>,
    ) {
        let now = self.get_current_time();
        let mut fresh = fresh.into_iter();
        let mut tokens = Vec::with_capacity(pending.items.len());
        {
            let mut cache = self.cache.borrow_mut();
            for ((kind, value), known) in pending.items.iter().zip(std::mem::take(&mut self.known))
            {
                let token = match known {
                    Some(token) => token,
                    None => {
                        let token = fresh.next().unwrap_or_default();
                        let scope = self.scope.as_deref();
                        cache.insert(now, &self.tenant, scope, kind, value, &token);
                        token
                    }
                };
                tokens.push(token);
            }
        }
        match pending.apply(&tokens, settings) {
            Ok((body, pairs)) => {
                self.meters.add_per_kind(&pending.masked, metrics::masked);
                self.new_body = Some(body);
                self.pairs.extend(pairs);
            }
            Err(e) => self.tokenize_failed(settings, gateway, Some(pending), &e),
        }
    }

    /// Everything decided: set the body, arm the response path.
    fn finish_request(&mut self) {
        if let Some(body) = self.new_body.take() {
            self.set_http_request_body(0, self.body_size, &body);
        }
        self.map = Arc::new(TokenMap::new(std::mem::take(&mut self.pairs)));
    }
}

impl Flow {
    /// A string property (route metadata, a JWT claim); `None` when absent or not text.
    fn property_text(&self, path: &[&str]) -> Option<String> {
        let bytes = self.get_property(path.to_vec())?;
        String::from_utf8(bytes).ok().filter(|s| !s.is_empty())
    }
}

impl Context for Flow {
    fn on_http_call_response(
        &mut self,
        token: u32,
        _headers: usize,
        body_size: usize,
        _trailers: usize,
    ) {
        let (Ok(settings), Some(gateway)) = (self.settings.clone(), self.gateway.clone()) else {
            return;
        };
        let Some(at) = self.calls.iter().position(|(id, _)| *id == token) else {
            return;
        };
        let (_, call) = self.calls.remove(at);
        if self.answered {
            return;
        }
        let status = self.get_http_call_response_header(":status");
        let body = self
            .get_http_call_response_body(0, body_size)
            .unwrap_or_default();
        match call {
            Call::Tokenize => {
                if let Some(ms) = self
                    .called_at
                    .and_then(|t| self.get_current_time().duration_since(t).ok())
                {
                    self.meters
                        .record(metrics::CALLOUT_MS, ms.as_millis() as u64);
                }
                let Some(pending) = self.pending.take() else {
                    return;
                };
                let missing = self.known.iter().filter(|k| k.is_none()).count();
                match vault_call::tokens(status.as_deref(), &body, missing) {
                    Ok(fresh) => self.tokens_ready(&settings, &gateway, pending, fresh),
                    Err(e) => self.tokenize_failed(&settings, &gateway, Some(pending), &e),
                }
                if self.answered {
                    return;
                }
            }
            Call::Rehydrate => match vault_call::granted(status.as_deref(), &body) {
                Ok(pairs) => self.pairs.extend(pairs),
                Err(e) => {
                    self.meters.inc(metrics::CALLOUT_FAILURES);
                    self.meters.inc(metrics::REHYDRATION_INCOMPLETE);
                    log::warn!(
                        "veil: rehydrating the history failed ({e}); its tokens stay tokens"
                    );
                }
            },
        }
        if self.calls.is_empty() {
            self.finish_request();
            self.resume_http_request();
        }
    }
}

impl HttpContext for Flow {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        let settings = match &self.settings {
            Ok(s) => s.clone(),
            Err(_) => {
                return self.reject(
                    503,
                    "veil_misconfigured",
                    "the Veil filter's configuration is invalid; see the gateway log",
                )
            }
        };
        if end_of_stream {
            return Action::Continue; // no body: nothing to scan, nothing minted to restore
        }
        // Present but not text (or empty) is a misconfigured route, not "no override".
        let route = self
            .get_property(vec![
                "xds",
                "route_metadata",
                "filter_metadata",
                "veil",
                "route",
            ])
            .map(|b| String::from_utf8(b).unwrap_or_default());
        let g = match settings.for_route(route.as_deref()) {
            Ok(g) => g,
            Err(e) => {
                log::error!("veil: {e}; failing closed");
                return self.reject(
                    503,
                    "veil_misconfigured",
                    "this route's Veil configuration is invalid; see the gateway log",
                );
            }
        };
        let content_types: Vec<String> = self
            .get_http_request_headers()
            .into_iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v)
            .collect();
        // Two types (Envoy may join repeated headers with a comma): the provider might read
        // the other one, so neither is trusted.
        let content_type = content_types.join(",");
        if content_type.contains(',') {
            return self.reject(400, "ambiguous_content_type", "give one content-type");
        }
        let Some(kind) = BodyKind::from_content_type(&content_type) else {
            if g.unknown_content_type == RejectOrPass::Pass {
                self.meters.inc(metrics::UNKNOWN_TYPE_PASSED);
                return Action::Continue;
            }
            return self.reject(
                415,
                "unsupported_content_type",
                "Veil reads JSON, form and text bodies; this route does not accept others",
            );
        };
        if self
            .get_http_request_header("content-encoding")
            .is_some_and(|e| !e.eq_ignore_ascii_case("identity"))
        {
            return self.reject(
                415,
                "compressed_body",
                "compressed request bodies cannot be scanned; send them uncompressed",
            );
        }
        let read = |source: Source<'_>| match source {
            Source::Header(name) => self.get_http_request_header(name),
            Source::JwtClaim(claim) => self.property_text(&[
                "metadata",
                "filter_metadata",
                "envoy.filters.http.jwt_authn",
                &g.jwt_payload_in_metadata,
                claim,
            ]),
        };
        let (tenant, scope) = (g.tenant.resolve(read), g.scope.resolve(read));
        let Some(tenant) = tenant else {
            return self.reject(400, "no_tenant", "the request names no tenant");
        };
        self.tenant = tenant;
        self.scope = scope;
        // The provider has no use for them, and they name people.
        for header in [&g.tenant.header, &g.scope.header].into_iter().flatten() {
            self.set_http_request_header(header, None);
        }
        self.request_id = self.get_http_request_header("x-request-id");
        self.kind = Some(kind);
        self.gateway = Some(g);
        // The body may change length; it goes on chunked.
        self.set_http_request_header("content-length", None);
        Action::Continue
    }

    fn on_http_request_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        if self.answered {
            return Action::Pause;
        }
        let (Some(_), Some(gateway)) = (self.kind, self.gateway.clone()) else {
            return Action::Continue;
        };
        if size > gateway.max_body_bytes {
            self.meters.inc(metrics::TOO_LARGE);
            if gateway.over_limit == RejectOrPass::Pass {
                self.meters.inc(metrics::OVER_LIMIT_PASSED);
                // Configured for this route: forwarded unscanned, counted, and nothing to
                // restore in the response.
                log::warn!(
                    "veil: request body over the limit; over_limit pass: forwarded unscanned"
                );
                self.kind = None;
                return Action::Continue;
            }
            return self.reject(
                413,
                "body_too_large",
                &format!(
                    "request bodies over {} bytes are not accepted",
                    gateway.max_body_bytes
                ),
            );
        }
        if !end_of_stream {
            return Action::Pause; // buffer the whole body
        }
        self.scan_request(size)
    }

    /// A request body that ends with trailers (Envoy's decompressor adds them) never reaches
    /// `end_of_stream` in the body callback: it is scanned here, never forwarded unscanned.
    fn on_http_request_trailers(&mut self, _trailers: usize) -> Action {
        if self.answered {
            return Action::Pause;
        }
        if self.kind.is_none() || self.body_scanned {
            return Action::Continue;
        }
        let size = self
            .get_http_request_body(0, usize::MAX)
            .map_or(0, |b| b.len());
        self.scan_request(size)
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let content_type = self
            .get_http_response_header("content-type")
            .unwrap_or_default();
        if !self.map.is_empty()
            && self
                .get_http_response_header("content-encoding")
                .is_some_and(|e| !e.eq_ignore_ascii_case("identity"))
        {
            // A decompressor belongs between Veil and the provider (envoy/provider.yaml);
            // without one the tokens stay tokens, which reveal nothing.
            self.meters.inc(metrics::REHYDRATION_INCOMPLETE);
            log::warn!("veil: compressed response; its tokens are not restored");
            return Action::Continue;
        }
        self.mode = Mode::for_response(&content_type, &self.map);
        if !matches!(self.mode, Mode::Pass) {
            self.meters.inc(metrics::RESPONSES_RESTORED);
            self.set_http_response_header("content-length", None);
        }
        Action::Continue
    }

    fn on_http_response_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        match self.mode {
            Mode::Pass => Action::Continue,
            Mode::Stream(_) => {
                let chunk = self.get_http_response_body(0, size).unwrap_or_default();
                let Mode::Stream(restorer) = &mut self.mode else {
                    unreachable!()
                };
                let mut out = restorer.push(&chunk);
                if end_of_stream {
                    out.extend(restorer.finish());
                }
                self.set_http_response_body(0, size, &out);
                Action::Continue
            }
            Mode::Json | Mode::Text => {
                if self.response_over_limit(size) {
                    return Action::Continue;
                }
                if !end_of_stream {
                    return Action::Pause;
                }
                self.restore_buffered_response(size);
                Action::Continue
            }
        }
    }

    /// The exchange is over: count what its response restored.
    fn on_log(&mut self) {
        self.meters
            .add(metrics::TOKENS_RESTORED, self.map.restored());
    }

    /// A response that ends with trailers (Envoy's decompressor adds them) never reaches
    /// `end_of_stream` in the body callback: a buffered body is restored here; a stream has
    /// already gone out, and a token prefix still held back (a stream cut mid-token) cannot
    /// be sent, so it is counted and logged.
    fn on_http_response_trailers(&mut self, _trailers: usize) -> Action {
        match &mut self.mode {
            Mode::Pass => {}
            Mode::Stream(restorer) => {
                let dropped = restorer.finish().len();
                if dropped > 0 {
                    self.meters.inc(metrics::REHYDRATION_INCOMPLETE);
                    log::warn!(
                        "veil: the stream ended in trailers with {dropped} bytes held back (an unfinished event or token); they were not sent"
                    );
                }
            }
            Mode::Json | Mode::Text => {
                let size = self
                    .get_http_response_body(0, usize::MAX)
                    .map_or(0, |b| b.len());
                if size > 0 && !self.response_over_limit(size) {
                    self.restore_buffered_response(size);
                }
            }
        }
        self.mode = Mode::Pass;
        Action::Continue
    }
}

impl Flow {
    /// Whether a buffered response has grown past `max_response_bytes`. If so it is no longer
    /// held: what Envoy buffered and the rest go on unchanged, tokens in place, rather than
    /// growing into Envoy's buffer limit (a reset after the 200 has left) or the VM's memory.
    fn response_over_limit(&mut self, size: usize) -> bool {
        let limit = self
            .gateway
            .as_ref()
            .map_or(usize::MAX, |g| g.max_response_bytes);
        if size <= limit {
            return false;
        }
        self.mode = Mode::Pass;
        self.meters.inc(metrics::RESPONSES_OVER_LIMIT);
        self.meters.inc(metrics::REHYDRATION_INCOMPLETE);
        log::warn!(
            "veil: response body over {limit} bytes (max_response_bytes); sent on with its tokens in place"
        );
        true
    }

    fn restore_buffered_response(&mut self, size: usize) {
        let json = matches!(self.mode, Mode::Json);
        let body = self.get_http_response_body(0, size).unwrap_or_default();
        let out = response::restore_buffered(&body, json, &self.map);
        self.set_http_response_body(0, size, &out);
    }
}
