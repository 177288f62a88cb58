//! The proxy-wasm adapter: Envoy callbacks in, decisions from the plain modules, bytes out.
//! Kept to moving data and state; see `../../shared/notes/envoy-proxy-wasm.md` for the host
//! behaviour it relies on (pause only in body callbacks, replace bodies whole, remove
//! content-length when a body may change, fail closed with a local reply in the request phase).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MetricType};
use veil_core::body::BodyKind;
use veil_core::gateway::FailureMode;
use veil_core::restore::TokenMap;

use crate::metrics;
use crate::reply::error_body;
use crate::request::{self, Pending, Plan};
use crate::response::{self, Mode};
use crate::settings::Settings;
use crate::vault_call;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> {
        Box::new(Root { settings: Err("not configured".into()), meters: Rc::new(Meters::default()) })
    });
}}

struct Root {
    settings: Result<Arc<Settings>, String>,
    meters: Rc<Meters>,
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
            .chain(metrics::masked_counters());
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
        if let Some(&id) = self.ids.get(name) {
            let _ = hostcalls::increment_metric(id, 1);
        }
    }

    fn record(&self, name: &str, value: u64) {
        if let Some(&id) = self.ids.get(name) {
            let _ = hostcalls::record_metric(id, value);
        }
    }
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        if self.meters.ids.is_empty() {
            self.meters = Rc::new(Meters::define());
        }
        let bytes = self.get_plugin_configuration().unwrap_or_default();
        self.settings = Settings::parse(&bytes);
        if let Err(e) = &self.settings {
            // Loaded anyway: every request then fails closed (503) rather than passing unmasked.
            log::error!("veil: {e}; every request will be rejected with 503 until this is fixed");
        }
        true
    }

    fn create_http_context(&self, _id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Flow {
            settings: self.settings.clone(),
            meters: self.meters.clone(),
            called_at: None,
            kind: None,
            tenant: String::new(),
            scope: None,
            request_id: None,
            pending: None,
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
    meters: Rc<Meters>,
    /// When the tokenize callout left.
    called_at: Option<SystemTime>,
    /// Set when the request body is scanned.
    kind: Option<BodyKind>,
    tenant: String,
    scope: Option<String>,
    request_id: Option<String>,
    /// The body waiting for its tokens, with its size as Envoy holds it.
    pending: Option<(Pending, usize)>,
    /// The tokens minted for this request: what the response may contain.
    map: Arc<TokenMap>,
    mode: Mode,
}

const JSON: (&str, &str) = ("content-type", "application/json");

impl Flow {
    fn reject(&self, status: u32, code: &str, message: &str) -> Action {
        self.send_http_response(status, vec![JSON], Some(&error_body(code, message)));
        Action::Pause
    }
}

impl Context for Flow {
    fn on_http_call_response(
        &mut self,
        _token: u32,
        _headers: usize,
        body_size: usize,
        _trailers: usize,
    ) {
        let Ok(settings) = self.settings.clone() else {
            return;
        };
        let Some((pending, size)) = self.pending.take() else {
            return;
        };
        if let Some(ms) = self
            .called_at
            .and_then(|t| self.get_current_time().duration_since(t).ok())
        {
            self.meters
                .record(metrics::CALLOUT_MS, ms.as_millis() as u64);
        }
        let status = self.get_http_call_response_header(":status");
        let body = self
            .get_http_call_response_body(0, body_size)
            .unwrap_or_default();
        let masked = vault_call::tokens(status.as_deref(), &body, pending.items.len())
            .and_then(|tokens| pending.apply(&tokens, &settings));
        match masked {
            Ok((body, pairs)) => {
                for entity in &pending.masked {
                    self.meters.inc(&metrics::masked(entity));
                }
                self.map = Arc::new(TokenMap::new(pairs));
                self.set_http_request_body(0, size, &body);
                self.resume_http_request();
            }
            Err(e) if settings.gateway.failure_mode == FailureMode::Open => {
                self.meters.inc(metrics::CALLOUT_FAILURES);
                self.meters.inc(metrics::FAIL_OPEN_PASSES);
                log::warn!("veil: tokenize failed ({e}); failure_mode open: forwarding unmasked");
                self.resume_http_request();
            }
            Err(e) => {
                self.meters.inc(metrics::CALLOUT_FAILURES);
                log::warn!("veil: tokenize failed ({e}); failing closed");
                self.send_http_response(
                    503,
                    vec![JSON, ("retry-after", "1")],
                    Some(&error_body(
                        "vault_unavailable",
                        "personal data could not be protected; retry shortly",
                    )),
                );
            }
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
        let content_type = self
            .get_http_request_header("content-type")
            .unwrap_or_default();
        let Some(kind) = BodyKind::from_content_type(&content_type) else {
            return Action::Continue; // not a body Veil reads
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
        let g = &settings.gateway;
        let tenant = match (&g.tenant.fixed, &g.tenant.header) {
            (Some(fixed), _) => Some(fixed.clone()),
            (None, Some(h)) => self.get_http_request_header(h).filter(|t| !t.is_empty()),
            (None, None) => None,
        }
        .or_else(|| g.tenant.default.clone());
        let Some(tenant) = tenant else {
            return self.reject(400, "no_tenant", "the request names no tenant");
        };
        self.tenant = tenant;
        self.scope = g
            .scope_header
            .as_ref()
            .and_then(|h| self.get_http_request_header(h))
            .filter(|s| !s.is_empty());
        self.request_id = self.get_http_request_header("x-request-id");
        self.kind = Some(kind);
        if !end_of_stream {
            // The body may change length.
            self.set_http_request_header("content-length", None);
        }
        Action::Continue
    }

    fn on_http_request_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        let (Some(kind), Ok(settings)) = (self.kind, self.settings.clone()) else {
            return Action::Continue;
        };
        if size > settings.gateway.max_body_bytes {
            self.meters.inc(metrics::TOO_LARGE);
            return self.reject(
                413,
                "body_too_large",
                &format!(
                    "request bodies over {} bytes are not accepted",
                    settings.gateway.max_body_bytes
                ),
            );
        }
        if !end_of_stream {
            return Action::Pause; // buffer the whole body
        }
        let body = self.get_http_request_body(0, size).unwrap_or_default();
        self.meters.inc(metrics::SCANNED);
        match request::plan(&body, kind, &settings) {
            Plan::Forward => Action::Continue,
            Plan::Block { entity } => {
                self.meters.inc(metrics::BLOCKED);
                self.reject(
                    422,
                    "blocked_entity",
                    &format!("the request contains a {entity}, which this gateway does not allow"),
                )
            }
            Plan::Invalid { message } => {
                self.meters.inc(metrics::INVALID);
                self.reject(400, "invalid_body", &message)
            }
            Plan::Rewritten { body: new, masked } => {
                for entity in &masked {
                    self.meters.inc(&metrics::masked(entity));
                }
                self.set_http_request_body(0, size, &new);
                Action::Continue
            }
            Plan::Tokenize(pending) => {
                let call_body =
                    vault_call::tokenize_body(&self.tenant, self.scope.as_deref(), &pending.items);
                let auth = format!("Bearer {}", settings.gateway.vault.api_key);
                let mut headers = vec![
                    (":method", "POST"),
                    (":path", "/v1/tokenize"),
                    (":authority", settings.gateway.vault.authority.as_str()),
                    ("authorization", auth.as_str()),
                    JSON,
                ];
                if let Some(id) = &self.request_id {
                    headers.push(("x-request-id", id.as_str()));
                }
                let timeout = Duration::from_millis(settings.gateway.vault.timeout_ms);
                match self.dispatch_http_call(
                    &settings.gateway.vault.cluster,
                    headers,
                    Some(&call_body),
                    vec![],
                    timeout,
                ) {
                    Ok(_) => {
                        self.called_at = Some(self.get_current_time());
                        self.pending = Some((pending, size));
                        Action::Pause
                    }
                    Err(e) if settings.gateway.failure_mode == FailureMode::Open => {
                        self.meters.inc(metrics::CALLOUT_FAILURES);
                        self.meters.inc(metrics::FAIL_OPEN_PASSES);
                        log::warn!("veil: cannot call the vault ({e:?}); failure_mode open: forwarding unmasked");
                        Action::Continue
                    }
                    Err(e) => {
                        self.meters.inc(metrics::CALLOUT_FAILURES);
                        log::error!("veil: cannot call the vault cluster ({e:?}); failing closed");
                        self.reject(
                            503,
                            "vault_unavailable",
                            "personal data could not be protected; retry shortly",
                        )
                    }
                }
            }
        }
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let content_type = self
            .get_http_response_header("content-type")
            .unwrap_or_default();
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
                if !end_of_stream {
                    return Action::Pause;
                }
                let json = matches!(self.mode, Mode::Json);
                let body = self.get_http_response_body(0, size).unwrap_or_default();
                let out = response::restore_buffered(&body, json, &self.map);
                self.set_http_response_body(0, size, &out);
                Action::Continue
            }
        }
    }
}
