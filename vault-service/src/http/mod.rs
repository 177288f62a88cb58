//! The HTTP adapter: routes, authentication, limits, metrics and audit around `Vault`.
//! Handlers are thin; what they decide is in `vault.rs`, `auth.rs` and `body.rs`.

mod body;
mod error;
mod masking;
mod routes;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::error_handling::HandleErrorLayer;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::BoxError;
use axum::Router;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;

pub use body::{MAX_BODY_BYTES, MAX_ITEMS, MAX_VALUE_BYTES};
pub use error::ApiError;

use crate::audit::AuditSink;
use crate::auth::ApiKeys;
use crate::mask::Engines;
use crate::metrics::{Metrics, Route, RouteStatus};
use crate::vault::{Linkage, Vault};

/// How long one storage operation may take before the request fails with 503.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(3);

/// What a tenant's policy says.
#[derive(Debug, Clone, Default)]
pub struct TenantPolicy {
    /// Whether tokens depend on the scope (the default) or the tenant only.
    pub linkage: Linkage,
    pub default_ttl: Option<u64>,
}

pub struct AppState {
    pub vault: Vault,
    pub api_keys: ApiKeys,
    /// Configured tenants; in dev mode empty, and any tenant gets the default policy.
    pub tenants: BTreeMap<String, TenantPolicy>,
    pub audit: AuditSink,
    pub metrics: Metrics,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// The masking API's detection.
    pub engines: Arc<Engines>,
}

/// Every route, as (method, path): the OpenAPI test checks `openapi.json` against this list.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/tokenize"),
    ("post", "/v1/rehydrate"),
    ("post", "/v1/erase"),
    ("post", "/v1/mask"),
    ("post", "/v1/unmask"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

/// The routes, behind a bound of `max_concurrent` requests in flight: past it a request is
/// answered 503 with `Retry-After` at once (load shedding), never queued without bound.
pub fn router(state: Arc<AppState>, max_concurrent: usize) -> Router {
    let bounded = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: BoxError| async {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "too many requests in flight; retry shortly",
            )
        }))
        .load_shed()
        // Global: one bound shared by every route (a plain concurrency limit would count
        // each route apart).
        .layer(GlobalConcurrencyLimitLayer::new(max_concurrent));
    Router::new()
        .route("/v1/tokenize", post(routes::tokenize))
        .route("/v1/rehydrate", post(routes::rehydrate))
        .route("/v1/erase", post(routes::erase))
        .route("/v1/mask", post(masking::mask))
        .route("/v1/unmask", post(masking::unmask))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route("/metrics", get(routes::metrics))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(bounded)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            record_request,
        ))
        .with_state(state)
}

/// Counts every request and its latency by route (the route's own name, never the raw path).
async fn record_request(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|m| {
            ROUTES
                .iter()
                .find(|(_, p)| *p == m.as_str())
                .map(|(_, p)| *p)
        })
        .unwrap_or("unmatched");
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .latency
        .get_or_create(&Route { route })
        .observe(started.elapsed().as_secs_f64());
    state
        .metrics
        .requests
        .get_or_create(&RouteStatus {
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
