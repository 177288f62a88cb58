//! One HTTP exchange through the filter, as a state machine with no I/O: every decision the
//! filter makes (reject, call the vault, pass, count, fail open or closed) is made here and
//! tested natively. The proxy-wasm glue (`glue.rs`) turns Envoy's callbacks into calls of the
//! `on_*` methods, executes the `Command`s they queue, and reads what the exchange asks for
//! through `Host`.
//!
//! Request phase: headers (route, content type, tenant and scope) → the body, buffered to its
//! end → scan and plan (`request::scan`) → the vault's tokens for values the VM's token cache
//! lacks, and the values of tokens the history holds → the masked body goes on. Response
//! phase: the answer restored by its content type (`restore::ResponseRestorer`), streamed or
//! buffered, never waiting on the vault.
//!
//! The failure table (docs/filter.md) is the tests at the bottom of this file.

use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use veil_core::body::BodyKind;
use veil_core::providers::{self, Answer, Api};
use veil_core::restore::{restore_buffered, ResponseRestorer, TokenMap};
use veil_kinds::Entity;

use crate::config::{FailureMode, GatewayConfig, RejectOrPass, Source};
use crate::local_tokens;
use crate::metrics;
use crate::reply::error_body;
use crate::request::{self, Pending, Plan, Scan};
use crate::settings::Settings;
use crate::vault_call;
use crate::vm::Vm;

/// What the exchange reads from the proxy when it needs it.
pub trait Host {
    fn request_header(&self, name: &str) -> Option<String>;
    /// Every value of a request header (a repeated header gives several).
    fn request_header_values(&self, name: &str) -> Vec<String>;
    /// A stream property (route metadata, a verified JWT's claim), as bytes.
    fn property(&self, path: &[&str]) -> Option<Vec<u8>>;
    /// The request body buffered so far (`usize::MAX`: all of it).
    fn request_body(&self, size: usize) -> Vec<u8>;
    fn response_header(&self, name: &str) -> Option<String>;
    /// The response body buffered so far, or this chunk of a stream.
    fn response_body(&self, size: usize) -> Vec<u8>;
    fn now(&self) -> SystemTime;
    /// Fills `buf` with random bytes; false when the host has none.
    fn random(&self, buf: &mut [u8]) -> bool;
}

/// Whether the proxy continues with the stream or holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Continue,
    Pause,
}

/// Which callout an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// Values to tokens (required, unless failure_mode is open).
    Tokenize,
    /// Tokens from the conversation's history to values this scope may see (best effort: a
    /// token that is not restored stays a token, which reveals nothing).
    Rehydrate,
}

/// What the glue does for the exchange, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Answer the client here; nothing goes upstream.
    Reply {
        status: u32,
        headers: Vec<(&'static str, &'static str)>,
        body: Vec<u8>,
    },
    RemoveRequestHeader(String),
    /// A callout; its answer comes back through `on_vault_answer`, a dispatch failure
    /// through `on_vault_failure`.
    CallVault {
        call: Call,
        cluster: String,
        timeout: Duration,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Replace the whole buffered request body (`size` bytes as Envoy holds it).
    ReplaceRequestBody {
        size: usize,
        body: Vec<u8>,
    },
    /// The request was paused and may go on.
    ResumeRequest,
    RemoveResponseHeader(&'static str),
    /// Replace the buffered response body, or this chunk of a stream.
    ReplaceResponseBody {
        size: usize,
        body: Vec<u8>,
    },
    Count {
        metric: String,
        n: u64,
    },
    /// A histogram sample.
    Record {
        metric: &'static str,
        value: u64,
    },
}

/// Where the request stands.
enum Request {
    /// Not yet seen, or not Veil's to read (no body, a type passed unscanned): forwarded as is.
    Untouched,
    /// A body Veil reads, being buffered.
    Reading(Reading),
    /// Scanned; callouts in flight.
    Waiting(Box<Waiting>),
    /// Decided and sent on (masked, or as it came).
    Done,
    /// Answered here (4xx/503); late callouts are ignored.
    Answered,
}

/// What the headers decided for a body Veil reads.
struct Reading {
    settings: Arc<Settings>,
    route: Arc<GatewayConfig>,
    kind: BodyKind,
    /// The request's `:path`: it names the provider's API.
    path: Option<String>,
    tenant: String,
    scope: Option<String>,
    request_id: Option<String>,
}

/// A scanned request waiting on the vault.
struct Waiting {
    reading: Reading,
    /// The request body's size as Envoy holds it.
    size: usize,
    /// The body waiting for its tokens, while the tokenize callout is out.
    pending: Option<Pending>,
    /// Per item of `pending`: its token if the token cache had it; the rest come from the
    /// vault, in order.
    known: Vec<Option<String>>,
    /// The replacement body, once decided.
    new_body: Option<Vec<u8>>,
    /// The body as it came, kept while the route adds a system instruction (a request with
    /// nothing to mask gets it too).
    original: Option<Vec<u8>>,
    /// The API the body was read as.
    api: Api,
    /// (token, value) pairs the response may contain: minted now, or from the history.
    pairs: Vec<(String, String)>,
    /// Callouts in flight.
    calls: Vec<Call>,
    /// When the tokenize callout left.
    called_at: Option<SystemTime>,
}

/// One HTTP exchange.
pub struct Exchange {
    vm: Rc<Vm>,
    request: Request,
    /// The glue returned `Pause` for the request: going on needs `ResumeRequest`.
    request_paused: bool,
    /// A request body callback has come.
    body_seen: bool,
    /// The route's settings, once known (the response path reads its limit).
    route: Option<Arc<GatewayConfig>>,
    /// What the response restores.
    map: Arc<TokenMap>,
    /// How the request's API answers (`providers::Answer`), once its body was read.
    answer: Answer,
    response: ResponseRestorer,
    commands: Vec<Command>,
}

impl Exchange {
    pub fn new(vm: Rc<Vm>) -> Exchange {
        Exchange {
            vm,
            request: Request::Untouched,
            request_paused: false,
            body_seen: false,
            route: None,
            map: Arc::new(TokenMap::new([])),
            answer: Answer::ByContentType,
            response: ResponseRestorer::Pass,
            commands: Vec::new(),
        }
    }

    /// The commands queued since the last call, oldest first.
    pub fn next_command(&mut self) -> Option<Command> {
        if self.commands.is_empty() {
            None
        } else {
            Some(self.commands.remove(0))
        }
    }

    /// What the glue returns from a request callback, once it has run the commands. A
    /// request left paused gets `ResumeRequest` when it can go on.
    pub fn request_step(&mut self) -> Step {
        let go = match self.request {
            Request::Untouched | Request::Done => true,
            // Pausing in the headers callback would stop the body callbacks: the body is
            // buffered by pausing in those.
            Request::Reading(_) => !self.body_seen,
            Request::Waiting(_) | Request::Answered => false,
        };
        self.request_paused = !go;
        if go {
            Step::Continue
        } else {
            Step::Pause
        }
    }

    pub fn on_request_headers(&mut self, host: &impl Host, end_of_stream: bool) {
        self.request_paused = false;
        let settings = match &self.vm.settings {
            Ok(s) => s.clone(),
            Err(_) => {
                return self.reject(
                    503,
                    "veil_misconfigured",
                    "the Veil filter's configuration is invalid; see the gateway log",
                )
            }
        };
        // Present but not text (or empty) is a misconfigured route, not "no override".
        let route_name = host
            .property(&["xds", "route_metadata", "filter_metadata", "veil", "route"])
            .map(|b| String::from_utf8(b).unwrap_or_default());
        let route = match settings.for_route(route_name.as_deref()) {
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
        // Whose values these are is Veil's business: the provider never sees the headers
        // that say so, whatever happens to the request next.
        for header in [&route.tenant.header, &route.scope.header]
            .into_iter()
            .flatten()
        {
            self.commands
                .push(Command::RemoveRequestHeader(header.clone()));
        }
        if let Some(query) = host
            .request_header(":path")
            .and_then(|p| p.split_once('?').map(|(_, q)| q.to_string()))
        {
            let found = request::scan_query(&query, &settings, &route);
            if !found.is_empty() {
                if route.query.detected == RejectOrPass::Pass {
                    self.count(metrics::QUERY_PASSED, 1);
                } else {
                    self.count(metrics::QUERY_REJECTED, 1);
                    let kinds: Vec<&str> = found.iter().map(Entity::as_str).collect();
                    return self.reject(
                        400,
                        "value_in_query",
                        &format!(
                            "the query string holds a {}; send personal data in the request body",
                            kinds.join(", ")
                        ),
                    );
                }
            }
        }
        if end_of_stream {
            return; // no body: nothing to scan, nothing minted to restore
        }
        // Two types (Envoy may join repeated headers with a comma): the provider might read
        // the other one, so neither is trusted.
        let content_type = host.request_header_values("content-type").join(",");
        if content_type.contains(',') {
            return self.reject(400, "ambiguous_content_type", "give one content-type");
        }
        let Some(kind) = BodyKind::from_content_type(&content_type) else {
            if route.unknown_content_type == RejectOrPass::Pass {
                self.count(metrics::UNKNOWN_TYPE_PASSED, 1);
                return;
            }
            return self.reject(
                415,
                "unsupported_content_type",
                "Veil reads JSON, form and text bodies; this route does not accept others",
            );
        };
        if host
            .request_header("content-encoding")
            .is_some_and(|e| !e.eq_ignore_ascii_case("identity"))
        {
            return self.reject(
                415,
                "compressed_body",
                "compressed request bodies cannot be scanned; send them uncompressed",
            );
        }
        let read = |source: Source<'_>| match source {
            Source::Header(name) => host.request_header(name),
            Source::JwtClaim(claim) => host
                .property(&[
                    "metadata",
                    "filter_metadata",
                    "envoy.filters.http.jwt_authn",
                    &route.jwt_payload_in_metadata,
                    claim,
                ])
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|s| !s.is_empty()),
        };
        let (tenant, scope) = (route.tenant.resolve(read), route.scope.resolve(read));
        let Some(tenant) = tenant else {
            return self.reject(400, "no_tenant", "the request names no tenant");
        };
        // The body may change length; it goes on chunked.
        self.commands
            .push(Command::RemoveRequestHeader("content-length".into()));
        self.route = Some(route.clone());
        self.request = Request::Reading(Reading {
            settings,
            route,
            kind,
            path: host.request_header(":path"),
            tenant,
            scope,
            request_id: host.request_header("x-request-id"),
        });
    }

    pub fn on_request_body(&mut self, host: &impl Host, size: usize, end_of_stream: bool) {
        // Envoy is delivering the request: nothing waits for a resume until this callback
        // returns `Pause` (`request_step`).
        self.request_paused = false;
        self.body_seen = true;
        let Request::Reading(reading) = &self.request else {
            return;
        };
        let route = reading.route.clone();
        if size > route.max_body_bytes {
            self.count(metrics::TOO_LARGE, 1);
            if route.over_limit == RejectOrPass::Pass {
                self.count(metrics::OVER_LIMIT_PASSED, 1);
                // Configured for this route: forwarded unscanned, counted, and nothing to
                // restore in the response.
                log::warn!(
                    "veil: request body over the limit; over_limit pass: forwarded unscanned"
                );
                self.request = Request::Untouched;
                return;
            }
            return self.reject(
                413,
                "body_too_large",
                &format!(
                    "request bodies over {} bytes are not accepted",
                    route.max_body_bytes
                ),
            );
        }
        if end_of_stream {
            self.scan(host, size);
        }
    }

    /// A request body that ends with trailers (Envoy's decompressor adds them) never reaches
    /// `end_of_stream` in the body callback: it is scanned here, never forwarded unscanned.
    pub fn on_request_trailers(&mut self, host: &impl Host) {
        self.request_paused = false;
        self.body_seen = true;
        if matches!(self.request, Request::Reading(_)) {
            let size = host.request_body(usize::MAX).len();
            self.scan(host, size);
        }
    }

    /// The vault answered a callout (`status`: its `:status` header).
    pub fn on_vault_answer(
        &mut self,
        host: &impl Host,
        call: Call,
        status: Option<&str>,
        body: &[u8],
    ) {
        let Request::Waiting(w) = &mut self.request else {
            return; // answered here already (503), or a stray answer
        };
        let Some(at) = w.calls.iter().position(|c| *c == call) else {
            return;
        };
        w.calls.remove(at);
        match call {
            Call::Tokenize => {
                let now = host.now();
                if let Some(ms) = w.called_at.and_then(|t| now.duration_since(t).ok()) {
                    self.commands.push(Command::Record {
                        metric: metrics::CALLOUT_MS,
                        value: ms.as_millis() as u64,
                    });
                }
                let missing = w.known.iter().filter(|k| k.is_none()).count();
                match vault_call::tokens(status, body, missing) {
                    Ok(fresh) => self.tokens_ready(now, fresh),
                    Err(e) => self.tokenize_failed(&e),
                }
            }
            Call::Rehydrate => match vault_call::granted(status, body) {
                Ok(pairs) => w.pairs.extend(pairs),
                Err(e) => self.rehydrate_failed(&e),
            },
        }
        self.finish_if_ready();
    }

    /// A callout could not be sent, or came back with no answer.
    pub fn on_vault_failure(&mut self, call: Call, why: &str) {
        let Request::Waiting(w) = &mut self.request else {
            return;
        };
        let Some(at) = w.calls.iter().position(|c| *c == call) else {
            return;
        };
        w.calls.remove(at);
        match call {
            Call::Tokenize => self.tokenize_failed(why),
            Call::Rehydrate => self.rehydrate_failed(why),
        }
        self.finish_if_ready();
    }

    pub fn on_response_headers(&mut self, host: &impl Host) -> Step {
        let content_type = host.response_header("content-type").unwrap_or_default();
        if !self.map.is_empty()
            && host
                .response_header("content-encoding")
                .is_some_and(|e| !e.eq_ignore_ascii_case("identity"))
        {
            // A decompressor belongs between Veil and the provider (envoy/provider.yaml);
            // without one the tokens stay tokens, which reveal nothing.
            self.count(metrics::REHYDRATION_INCOMPLETE, 1);
            log::warn!("veil: compressed response; its tokens are not restored");
            return Step::Continue;
        }
        self.response = ResponseRestorer::for_response(&content_type, self.answer, &self.map);
        if !matches!(self.response, ResponseRestorer::Pass) {
            self.count(metrics::RESPONSES_RESTORED, 1);
            self.commands
                .push(Command::RemoveResponseHeader("content-length"));
        } else if !self.map.is_empty() && self.answer != Answer::Nothing {
            // A type Veil does not restore: its tokens stay tokens, which reveal nothing.
            self.count(metrics::UNKNOWN_ANSWER_TYPE, 1);
        }
        Step::Continue
    }

    pub fn on_response_body(&mut self, host: &impl Host, size: usize, end_of_stream: bool) -> Step {
        match &mut self.response {
            ResponseRestorer::Pass => Step::Continue,
            ResponseRestorer::Stream(restorer) => {
                let was_whole = !restorer.overflowed();
                let mut out = restorer.push(&host.response_body(size));
                if end_of_stream {
                    out.extend(restorer.finish());
                }
                let overflowed = was_whole && restorer.overflowed();
                self.commands
                    .push(Command::ReplaceResponseBody { size, body: out });
                if overflowed {
                    self.count(metrics::STREAM_OVERFLOW, 1);
                    self.count(metrics::REHYDRATION_INCOMPLETE, 1);
                    log::warn!("veil: a streamed event outgrew the limit; the rest of the stream passes with its tokens in place");
                }
                Step::Continue
            }
            ResponseRestorer::Json | ResponseRestorer::Text => {
                if self.response_over_limit(size) {
                    return Step::Continue;
                }
                if !end_of_stream {
                    return Step::Pause;
                }
                self.restore_buffered(host, size);
                Step::Continue
            }
        }
    }

    /// A response that ends with trailers (Envoy's decompressor adds them) never reaches
    /// `end_of_stream` in the body callback: a buffered body is restored here; a stream has
    /// already gone out, and a token prefix still held back (a stream cut mid-token) cannot
    /// be sent, so it is counted and logged.
    pub fn on_response_trailers(&mut self, host: &impl Host) -> Step {
        match &mut self.response {
            ResponseRestorer::Pass => {}
            ResponseRestorer::Stream(restorer) => {
                let dropped = restorer.finish().len();
                if dropped > 0 {
                    self.count(metrics::REHYDRATION_INCOMPLETE, 1);
                    log::warn!(
                        "veil: the stream ended in trailers with {dropped} bytes held back (an unfinished event or token); they were not sent"
                    );
                }
            }
            ResponseRestorer::Json | ResponseRestorer::Text => {
                let size = host.response_body(usize::MAX).len();
                if size > 0 && !self.response_over_limit(size) {
                    self.restore_buffered(host, size);
                }
            }
        }
        self.response = ResponseRestorer::Pass;
        Step::Continue
    }

    /// The exchange is over: count what its response restored.
    pub fn on_log(&mut self) {
        self.count(metrics::TOKENS_RESTORED, self.map.restored());
        self.count(metrics::TOKENS_KEPT_IN_URLS, self.map.kept_in_urls());
    }
}

impl Exchange {
    fn count(&mut self, metric: &str, n: u64) {
        if n > 0 {
            self.commands.push(Command::Count {
                metric: metric.to_string(),
                n,
            });
        }
    }

    /// One increment per kind, not per value: each is a call into the host.
    fn count_per_kind(&mut self, entities: &[Entity], name: fn(&Entity) -> String) {
        let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
        for e in entities {
            *counts.entry(name(e)).or_default() += 1;
        }
        for (metric, n) in counts {
            self.count(&metric, n);
        }
    }

    fn reject(&mut self, status: u32, code: &str, message: &str) {
        self.answer(status, vec![], code, message);
    }

    fn answer(
        &mut self,
        status: u32,
        mut headers: Vec<(&'static str, &'static str)>,
        code: &str,
        message: &str,
    ) {
        headers.insert(0, ("content-type", "application/json"));
        self.request = Request::Answered;
        self.commands.push(Command::Reply {
            status,
            headers,
            body: error_body(code, message),
        });
    }

    /// Scans the whole buffered request body (`size` bytes) and acts on it: forward, reject,
    /// or wait for the vault's callouts.
    fn scan(&mut self, host: &impl Host, size: usize) {
        let Request::Reading(reading) = std::mem::replace(&mut self.request, Request::Done) else {
            return;
        };
        let body = host.request_body(size);
        self.count(metrics::SCANNED, 1);
        let scan = request::scan(
            &body,
            reading.kind,
            reading.path.as_deref(),
            &reading.settings,
            &reading.route,
            &mut self
                .vm
                .scans
                .borrow_mut()
                .scoped(&reading.tenant, reading.scope.as_deref()),
        );
        self.count_scan(&reading.settings, &scan);
        self.answer = scan.api.answer(reading.path.as_deref().unwrap_or(""));
        // Set when the host gives no key for this request's own tokens.
        let mut unkeyed = false;
        let instructed =
            reading.kind == BodyKind::Json && reading.route.system_instruction.text().is_some();
        let mut w = Waiting {
            reading,
            size,
            pending: None,
            known: Vec::new(),
            new_body: None,
            original: instructed.then(|| body.clone()),
            api: scan.api,
            pairs: Vec::new(),
            calls: Vec::new(),
            called_at: None,
        };
        match scan.plan {
            Plan::Forward => {}
            Plan::Block { entity } => {
                self.count(metrics::BLOCKED, 1);
                return self.reject(
                    422,
                    "blocked_entity",
                    &format!("the request contains a {entity}, which this gateway does not allow"),
                );
            }
            Plan::Invalid { message } => {
                self.count(metrics::INVALID, 1);
                return self.reject(400, "invalid_body", &message);
            }
            Plan::Rewritten { body, masked } => {
                self.count_per_kind(&masked, metrics::masked);
                w.new_body = Some(body);
            }
            Plan::Tokenize(pending) if w.reading.scope.is_none() => {
                // No identity: tokens of this request alone, no vault.
                let mut key = [0u8; 32];
                if host.random(&mut key) {
                    let tokens = local_tokens::mint(pending.items(), &key);
                    w.known = tokens.into_iter().map(Some).collect();
                } else {
                    unkeyed = true;
                }
                w.pending = Some(pending);
            }
            Plan::Tokenize(pending) => {
                let now = host.now();
                let (tenant, scope) = (&w.reading.tenant, w.reading.scope.as_deref());
                w.known = {
                    let cache = self.vm.tokens.borrow();
                    pending
                        .items()
                        .iter()
                        .map(|(kind, value)| cache.get(now, tenant, scope, kind, value))
                        .collect()
                };
                let hits = w.known.iter().filter(|k| k.is_some()).count();
                self.count(metrics::CACHE_HITS, hits as u64);
                let missing: Vec<(String, String)> = pending
                    .items()
                    .iter()
                    .zip(&w.known)
                    .filter(|(_, k)| k.is_none())
                    .map(|(item, _)| item.clone())
                    .collect();
                w.pending = Some(pending);
                if !missing.is_empty() {
                    let body = vault_call::tokenize_body(tenant, scope, &missing);
                    let call = vault_command(&mut w, Call::Tokenize, "/v1/tokenize", body);
                    self.commands.push(call);
                    w.called_at = Some(now);
                }
            }
        }
        let identified = w.reading.scope.is_some();
        if !identified {
            self.count(metrics::WITHOUT_IDENTITY, 1);
        }
        self.request = Request::Waiting(Box::new(w));
        if unkeyed {
            // No tokens can be minted: the rules of a failed tokenize apply.
            self.tokenize_failed("no randomness for this request's tokens");
        } else if self
            .waiting()
            .is_some_and(|w| w.pending.is_some() && w.calls.is_empty())
        {
            // Every token known (seen recently, or minted for this request alone): no callout.
            self.tokens_ready(host.now(), Vec::new());
        }
        // Tokens the request already holds are looked up for an identity that may have sent
        // their values; without one, a pasted token stays a token.
        let history = identified && !scan.history.is_empty();
        if let (true, Some(w)) = (history, self.waiting()) {
            let (tenant, scope) = (&w.reading.tenant, w.reading.scope.as_deref());
            let body = vault_call::rehydrate_body(tenant, scope, &scan.history);
            let call = vault_command(w, Call::Rehydrate, "/v1/rehydrate", body);
            self.commands.push(call);
        }
        self.finish_if_ready();
    }

    fn waiting(&mut self) -> Option<&mut Waiting> {
        match &mut self.request {
            Request::Waiting(w) => Some(w),
            _ => None,
        }
    }

    fn count_scan(&mut self, settings: &Settings, scan: &Scan) {
        self.count(metrics::SCAN_CACHE_HITS, scan.cached_fields as u64);
        if scan.as_text {
            self.count(metrics::SCANNED_AS_TEXT, 1);
        }
        self.count_per_kind(&scan.detected, metrics::detected);
        if settings.engine.has_tier2() {
            self.count(metrics::CLASSIFIER_BYTES, scan.classifier.bytes_run as u64);
            if scan.classifier.bytes_skipped > 0 {
                self.count(
                    metrics::CLASSIFIER_BYTES_SKIPPED,
                    scan.classifier.bytes_skipped as u64,
                );
                self.count(metrics::CLASSIFIER_OVER_BUDGET, 1);
            }
        }
    }

    /// The vault's tokens for the values the cache lacked (`fresh`, in order): remember them,
    /// and mask the body with every token.
    fn tokens_ready(&mut self, now: SystemTime, fresh: Vec<String>) {
        let Request::Waiting(w) = &mut self.request else {
            return;
        };
        let Some(pending) = w.pending.take() else {
            return;
        };
        let mut fresh = fresh.into_iter();
        let mut tokens = Vec::with_capacity(pending.items().len());
        {
            let mut cache = self.vm.tokens.borrow_mut();
            let (tenant, scope) = (&w.reading.tenant, w.reading.scope.as_deref());
            for ((kind, value), known) in pending.items().iter().zip(std::mem::take(&mut w.known)) {
                let token = known.unwrap_or_else(|| {
                    let token = fresh.next().unwrap_or_default();
                    cache.insert(now, tenant, scope, kind, value, &token);
                    token
                });
                tokens.push(token);
            }
        }
        match pending.apply(&tokens, &w.reading.settings) {
            Ok((body, pairs)) => {
                w.new_body = Some(body);
                w.pairs.extend(pairs);
                let masked = pending.masked;
                self.count_per_kind(&masked, metrics::masked);
            }
            Err(e) => {
                w.pending = Some(pending);
                self.tokenize_failed(&e);
            }
        }
    }

    /// A tokenize that failed: 503 when closed, or on with the body as it came (redactions
    /// applied) when open.
    fn tokenize_failed(&mut self, why: &str) {
        self.count(metrics::CALLOUT_FAILURES, 1);
        let Request::Waiting(w) = &mut self.request else {
            return;
        };
        if w.reading.route.failure_mode == FailureMode::Open {
            let pending = w.pending.take();
            // Redactions need no vault: they still apply.
            w.new_body = pending.and_then(|p| p.redacted_only(&w.reading.settings).ok());
            self.count(metrics::FAIL_OPEN_PASSES, 1);
            log::warn!("veil: tokenize failed ({why}); failure_mode open: forwarding unmasked");
            return;
        }
        log::warn!("veil: tokenize failed ({why}); failing closed");
        self.answer(
            503,
            vec![("retry-after", "1")],
            "vault_unavailable",
            "personal data could not be protected; retry shortly",
        );
    }

    fn rehydrate_failed(&mut self, why: &str) {
        self.count(metrics::CALLOUT_FAILURES, 1);
        self.count(metrics::REHYDRATION_INCOMPLETE, 1);
        log::warn!("veil: rehydrating the history failed ({why}); its tokens stay tokens");
    }

    /// Once no callout is out: set the body, arm the response path, and go on.
    fn finish_if_ready(&mut self) {
        let Request::Waiting(w) = &mut self.request else {
            return;
        };
        if !w.calls.is_empty() {
            return;
        }
        let (size, mut new_body) = (w.size, w.new_body.take());
        let mut instructed = false;
        if let Some(text) = w.reading.route.system_instruction.text() {
            // After the scan: the operator's text is never taken for the user's data.
            let body = new_body.as_deref().or(w.original.as_deref()).unwrap_or(&[]);
            if let Some(with) = providers::instruct(body, w.api, &text) {
                new_body = Some(with);
                instructed = true;
            }
        }
        let in_urls = w.reading.route.restore_in_urls;
        self.map = Arc::new(TokenMap::new(std::mem::take(&mut w.pairs)).restoring_in_urls(in_urls));
        self.request = Request::Done;
        if instructed {
            self.count(metrics::INSTRUCTIONS_ADDED, 1);
        }
        if let Some(body) = new_body {
            self.commands
                .push(Command::ReplaceRequestBody { size, body });
        }
        if self.request_paused {
            self.commands.push(Command::ResumeRequest);
        }
    }

    /// Whether a buffered response has grown past `max_response_bytes`. If so it is no longer
    /// held: what Envoy buffered and the rest go on unchanged, tokens in place, rather than
    /// growing into Envoy's buffer limit (a reset after the 200 has left) or the VM's memory.
    fn response_over_limit(&mut self, size: usize) -> bool {
        let limit = self
            .route
            .as_ref()
            .map_or(usize::MAX, |g| g.max_response_bytes);
        if size <= limit {
            return false;
        }
        self.response = ResponseRestorer::Pass;
        self.count(metrics::RESPONSES_OVER_LIMIT, 1);
        self.count(metrics::REHYDRATION_INCOMPLETE, 1);
        log::warn!(
            "veil: response body over {limit} bytes (max_response_bytes); sent on with its tokens in place"
        );
        true
    }

    fn restore_buffered(&mut self, host: &impl Host, size: usize) {
        let json = matches!(self.response, ResponseRestorer::Json);
        let body = restore_buffered(&host.response_body(size), json, &self.map);
        self.commands
            .push(Command::ReplaceResponseBody { size, body });
    }
}

/// The callout `call` for a request waiting on the vault, recorded as in flight.
fn vault_command(w: &mut Waiting, call: Call, path: &str, body: Vec<u8>) -> Command {
    let vault = &w.reading.route.vault;
    let mut headers = vec![
        (":method".to_string(), "POST".to_string()),
        (":path".to_string(), path.to_string()),
        (":authority".to_string(), vault.authority.clone()),
        (
            "authorization".to_string(),
            format!("Bearer {}", vault.api_key),
        ),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    if let Some(id) = &w.reading.request_id {
        headers.push(("x-request-id".to_string(), id.clone()));
    }
    w.calls.push(call);
    Command::CallVault {
        call,
        cluster: vault.cluster.clone(),
        timeout: Duration::from_millis(vault.timeout_ms),
        headers,
        body,
    }
}

#[cfg(test)]
mod tests;
