//! Prometheus metrics. Labels are route names, status codes, backend names and entity types
//! (custom types folded into `CUSTOM`, so a caller cannot grow the label set): never a value,
//! a token, a tenant-supplied string or a scope.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use veil_kinds::Entity;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteStatus {
    pub route: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Route {
    pub route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OpEntity {
    pub op: &'static str,
    pub entity_type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Backend {
    pub backend: &'static str,
}

type Histograms = Family<Route, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RouteStatus, Counter>,
    pub latency: Histograms,
    pub entities: Family<OpEntity, Counter>,
    pub denials: Family<OpEntity, Counter>,
    pub storage_errors: Family<Backend, Counter>,
}

fn latency_histogram() -> Histogram {
    // 50 µs to ~1.6 s.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("veil_vault");
        let requests = Family::<RouteStatus, Counter>::default();
        let latency: Histograms = Family::new_with_constructor(latency_histogram);
        let entities = Family::<OpEntity, Counter>::default();
        let denials = Family::<OpEntity, Counter>::default();
        let storage_errors = Family::<Backend, Counter>::default();
        registry.register(
            "requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "entities",
            "Entities processed by operation and type",
            entities.clone(),
        );
        registry.register(
            "rehydrate_denials",
            "Rehydrations denied by scope policy, by type",
            denials.clone(),
        );
        registry.register(
            "storage_errors",
            "Storage operations that failed, by backend",
            storage_errors.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            entities,
            denials,
            storage_errors,
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// The metric label for an entity type: built-in names as they are, custom ones folded.
pub fn type_label(entity: &str) -> String {
    match Entity::builtin(entity) {
        Some(e) => e.as_str().to_string(),
        None => "CUSTOM".to_string(),
    }
}
