//! The proxy-wasm adapter, and nothing more: each Envoy callback becomes an event of the
//! exchange (`exchange.rs`, where every decision is made and tested natively), and each
//! command the exchange queues becomes a host call. The Envoy behaviour this relies on (pause
//! only in body callbacks, replace bodies whole, remove content-length when a body may
//! change, fail closed with a local reply in the request phase) is written up in
//! `docs/proxy-wasm.md`.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::SystemTime;

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MapType, MetricType};

use crate::exchange::{Call, Command, Exchange, Host, Step};
use crate::metrics;
use crate::vm::Vm;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    // Replaces the SDK's hook, which logs the panic message: a message can quote the text
    // being scanned, and Envoy's log must never hold a value. The location is enough.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        let _ = hostcalls::log(LogLevel::Critical, &format!("veil: panic at {at:?}"));
    }));
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> {
        Box::new(Root { vm: Rc::new(Vm::unconfigured()), meters: Rc::new(Meters::default()) })
    });
}}

struct Root {
    vm: Rc<Vm>,
    meters: Rc<Meters>,
}

/// The VM's metric ids by name, defined once.
#[derive(Default)]
struct Meters {
    ids: HashMap<String, u32>,
}

impl Meters {
    fn define() -> Meters {
        let mut ids = HashMap::new();
        for (name, histogram) in metrics::all() {
            let kind = if histogram {
                MetricType::Histogram
            } else {
                MetricType::Counter
            };
            if let Ok(id) = hostcalls::define_metric(kind, &name) {
                ids.insert(name, id);
            }
        }
        Meters { ids }
    }
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        if self.meters.ids.is_empty() {
            self.meters = Rc::new(Meters::define());
        }
        let config = self.get_plugin_configuration().unwrap_or_default();
        self.vm = Rc::new(Vm::configure(&config, |buf| {
            getrandom::getrandom(buf).is_ok()
        }));
        true
    }

    fn create_http_context(&self, _id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Flow {
            exchange: Exchange::new(self.vm.clone()),
            meters: self.meters.clone(),
            calls: Vec::new(),
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// One HTTP exchange as Envoy sees it.
struct Flow {
    exchange: Exchange,
    meters: Rc<Meters>,
    /// Callouts in flight: Envoy's token for each, and which call it is.
    calls: Vec<(u32, Call)>,
}

/// Reads for the exchange, straight from the host.
struct Envoy;

impl Host for Envoy {
    fn request_header(&self, name: &str) -> Option<String> {
        hostcalls::get_map_value(MapType::HttpRequestHeaders, name).ok()?
    }
    fn request_header_values(&self, name: &str) -> Vec<String> {
        hostcalls::get_map(MapType::HttpRequestHeaders)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .collect()
    }
    fn property(&self, path: &[&str]) -> Option<Vec<u8>> {
        hostcalls::get_property(path.to_vec()).ok()?
    }
    fn request_body(&self, size: usize) -> Vec<u8> {
        let body = hostcalls::get_buffer(proxy_wasm::types::BufferType::HttpRequestBody, 0, size);
        body.ok().flatten().unwrap_or_default()
    }
    fn response_header(&self, name: &str) -> Option<String> {
        hostcalls::get_map_value(MapType::HttpResponseHeaders, name).ok()?
    }
    fn response_body(&self, size: usize) -> Vec<u8> {
        let body = hostcalls::get_buffer(proxy_wasm::types::BufferType::HttpResponseBody, 0, size);
        body.ok().flatten().unwrap_or_default()
    }
    fn now(&self) -> SystemTime {
        hostcalls::get_current_time().unwrap_or(SystemTime::UNIX_EPOCH)
    }
    fn random(&self, buf: &mut [u8]) -> bool {
        getrandom::getrandom(buf).is_ok()
    }
}

fn action(step: Step) -> Action {
    match step {
        Step::Continue => Action::Continue,
        Step::Pause => Action::Pause,
    }
}

impl Flow {
    /// Runs every queued command; a callout that cannot be sent is reported back at once.
    fn run(&mut self) {
        while let Some(command) = self.exchange.next_command() {
            match command {
                Command::Reply {
                    status,
                    headers,
                    body,
                } => self.send_http_response(status, headers, Some(&body)),
                Command::RemoveRequestHeader(name) => self.set_http_request_header(&name, None),
                Command::CallVault {
                    call,
                    cluster,
                    timeout,
                    headers,
                    body,
                } => {
                    let headers = headers
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    match self.dispatch_http_call(&cluster, headers, Some(&body), vec![], timeout) {
                        Ok(token) => self.calls.push((token, call)),
                        Err(e) => self
                            .exchange
                            .on_vault_failure(call, &format!("dispatch failed: {e:?}")),
                    }
                }
                Command::ReplaceRequestBody { size, body } => {
                    self.set_http_request_body(0, size, &body)
                }
                Command::ResumeRequest => self.resume_http_request(),
                Command::RemoveResponseHeader(name) => self.set_http_response_header(name, None),
                Command::ReplaceResponseBody { size, body } => {
                    self.set_http_response_body(0, size, &body)
                }
                Command::Count { metric, n } => {
                    if let Some(&id) = self.meters.ids.get(&metric) {
                        let _ = hostcalls::increment_metric(id, n as i64);
                    }
                }
                Command::Record { metric, value } => {
                    if let Some(&id) = self.meters.ids.get(metric) {
                        let _ = hostcalls::record_metric(id, value);
                    }
                }
            }
        }
    }

    /// Runs the commands a request event queued, then says whether the request goes on.
    fn request_step(&mut self) -> Action {
        self.run();
        action(self.exchange.request_step())
    }

    fn response_step(&mut self, step: Step) -> Action {
        self.run();
        action(step)
    }
}

impl Context for Flow {
    fn on_http_call_response(&mut self, token: u32, _: usize, body_size: usize, _: usize) {
        let Some(at) = self.calls.iter().position(|(t, _)| *t == token) else {
            return;
        };
        let (_, call) = self.calls.remove(at);
        let status = self.get_http_call_response_header(":status");
        let body = self
            .get_http_call_response_body(0, body_size)
            .unwrap_or_default();
        self.exchange
            .on_vault_answer(&Envoy, call, status.as_deref(), &body);
        self.run();
    }
}

impl HttpContext for Flow {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        self.exchange.on_request_headers(&Envoy, end_of_stream);
        self.request_step()
    }

    fn on_http_request_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        self.exchange.on_request_body(&Envoy, size, end_of_stream);
        self.request_step()
    }

    fn on_http_request_trailers(&mut self, _trailers: usize) -> Action {
        self.exchange.on_request_trailers(&Envoy);
        self.request_step()
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let step = self.exchange.on_response_headers(&Envoy);
        self.response_step(step)
    }

    fn on_http_response_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        let step = self.exchange.on_response_body(&Envoy, size, end_of_stream);
        self.response_step(step)
    }

    fn on_http_response_trailers(&mut self, _trailers: usize) -> Action {
        let step = self.exchange.on_response_trailers(&Envoy);
        self.response_step(step)
    }

    fn on_log(&mut self) {
        self.exchange.on_log();
        self.run();
    }
}
