//! The handlers. Each one: authenticate, read the body, check the tenant, call the vault
//! under a timeout, count, audit, answer.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::body::{self, EraseBody, RehydrateBody, TokenizeBody};
use super::{ApiError, AppState, STORE_TIMEOUT};
use crate::audit::Event;
use crate::auth::{bearer, Principal, Right};
use crate::config::DEFAULT_TTL_SECONDS;
use crate::metrics::{type_label, Backend, OpEntity};
use crate::vault::{count_types, Status, VaultError};

pub(super) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| {
            let mut id = [0u8; 8];
            getrandom::getrandom(&mut id).expect("the OS random source works");
            hex::encode(id)
        })
}

/// The caller behind the bearer key, or 401 (audited).
pub(super) fn authenticate<'s>(
    state: &'s AppState,
    headers: &HeaderMap,
    op: &str,
    rid: &str,
) -> Result<&'s Principal, ApiError> {
    let principal = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .and_then(|key| state.api_keys.authenticate(key));
    principal.ok_or_else(|| {
        state.audit.record(&Event::new(op, "unauthorized", rid));
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API key is required: Authorization: Bearer <key>",
        )
    })
}

/// 403 unless the key belongs to `tenant` and its role has `right` (audited); the tenant must
/// also exist in production.
pub(super) fn authorize(
    state: &AppState,
    principal: &Principal,
    tenant: &str,
    right: Right,
    rid: &str,
) -> Result<(), ApiError> {
    body::check_tenant(tenant)?;
    let known = state.tenants.is_empty() || state.tenants.contains_key(tenant);
    let message = if !principal.may_act_for(tenant) || !known {
        "this API key is not valid for the request's tenant".to_string()
    } else if !principal.role.may(right) {
        format!(
            "this API key's role ({}) may not {}",
            principal.role.name,
            right.as_str()
        )
    } else {
        return Ok(());
    };
    let mut event = Event::new(right.as_str(), "forbidden", rid);
    event.role = Some(&principal.role.name);
    state.audit.record(&event);
    Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", message))
}

/// Maps vault failures to answers; storage trouble is 503 with Retry-After, and counted.
fn vault_error(state: &AppState, e: VaultError) -> ApiError {
    match e {
        VaultError::Store(err) => {
            let backend = state.vault.store().kind();
            state
                .metrics
                .storage_errors
                .get_or_create(&Backend { backend })
                .inc();
            tracing::warn!(backend, error = %err, "storage operation failed");
            ApiError::unavailable("storage is unavailable; retry shortly")
        }
        VaultError::Integrity(what) => {
            tracing::error!(what, "stored value failed authentication");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "integrity_error",
                "a stored value failed authentication",
            )
        }
        VaultError::Keys(err) => {
            tracing::warn!(error = %err, "key provider failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "keys_unavailable",
                "the key provider is unavailable; retry shortly",
            )
        }
        VaultError::TokenSpaceExhausted => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "token_space_exhausted",
            "no free token for a value",
        ),
    }
}

async fn with_timeout<T>(
    state: &AppState,
    work: impl std::future::Future<Output = Result<T, VaultError>>,
) -> Result<T, ApiError> {
    match tokio::time::timeout(STORE_TIMEOUT, work).await {
        Ok(result) => result.map_err(|e| vault_error(state, e)),
        Err(_) => {
            let backend = state.vault.store().kind();
            state
                .metrics
                .storage_errors
                .get_or_create(&Backend { backend })
                .inc();
            tracing::warn!(backend, "storage operation timed out");
            Err(ApiError::unavailable(
                "storage did not answer in time; retry shortly",
            ))
        }
    }
}

async fn scope_hex(state: &AppState, tenant: &str, scope: &str) -> Result<String, ApiError> {
    match state.vault.scope_hash(tenant, scope).await {
        Ok(hash) => Ok(hex::encode(hash)),
        Err(e) => Err(vault_error(state, e)),
    }
}

pub async fn tokenize(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let rid = request_id(&headers);
    let result = tokenize_request(&state, &headers, body, &rid).await;
    answer(&state, "tokenize", &rid, result)
}

pub async fn rehydrate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let rid = request_id(&headers);
    let result = rehydrate_request(&state, &headers, body, &rid).await;
    answer(&state, "rehydrate", &rid, result)
}

pub async fn erase(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    let rid = request_id(&headers);
    let result = erase_request(&state, &headers, body, &rid).await;
    answer(&state, "erase", &rid, result)
}

/// A handler's result as its answer: an error becomes its JSON answer (and an audit line
/// for failures the handler did not audit itself).
pub(super) fn answer(
    state: &AppState,
    op: &str,
    rid: &str,
    result: Result<Response, ApiError>,
) -> Response {
    match result {
        Ok(response) => response,
        Err(e) => {
            if e.status.is_server_error() {
                state.audit.record(&Event::new(op, "error", rid));
            }
            e.into_response()
        }
    }
}

async fn tokenize_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    rid: &str,
) -> Result<Response, ApiError> {
    let principal = authenticate(state, headers, "tokenize", rid)?;
    let req: TokenizeBody = body::read_json(headers, body, state.body_timeout).await?;
    authorize(state, principal, &req.tenant, Right::Tokenize, rid)?;
    body::check_scope(req.scope.as_deref())?;
    body::check_ttl(req.ttl_seconds)?;
    let items = body::items("entities", req.entities)?;
    let scope = req.scope.unwrap_or_default();
    let call = Call {
        principal,
        tenant: &req.tenant,
        scope: &scope,
        rid,
        op: "tokenize",
    };
    let tokens = tokenize_items(state, &call, req.ttl_seconds, &items).await?;
    Ok(Json(json!({ "tokens": tokens })).into_response())
}

/// Who asks, for which tenant and scope, and the operation to count and audit it as.
pub(super) struct Call<'a> {
    pub principal: &'a Principal,
    pub tenant: &'a str,
    pub scope: &'a str,
    pub rid: &'a str,
    pub op: &'static str,
}

/// Tokens for `items` under the tenant's policy (linkage, default TTL), counted and audited.
pub(super) async fn tokenize_items(
    state: &AppState,
    call: &Call<'_>,
    ttl_seconds: Option<u64>,
    items: &[crate::vault::Item],
) -> Result<Vec<String>, ApiError> {
    let policy = state.tenants.get(call.tenant);
    let linkage = policy.map(|p| p.linkage).unwrap_or_default();
    let ttl = ttl_seconds
        .or(policy.and_then(|p| p.default_ttl))
        .unwrap_or(DEFAULT_TTL_SECONDS);
    let work = state
        .vault
        .tokenize(call.tenant, call.scope, linkage, ttl, items);
    let tokens = with_timeout(state, work).await?;

    let labels = || items.iter().map(|i| i.entity.as_str());
    for l in labels() {
        let label = OpEntity {
            op: call.op,
            entity_type: type_label(l),
        };
        state.metrics.entities.get_or_create(&label).inc();
    }
    let mut event = Event::new(call.op, "ok", call.rid).by(call.tenant, &call.principal.role.name);
    event.scope = Some(scope_hex(state, call.tenant, call.scope).await?);
    event.entities = count_types(labels());
    state.audit.record(&event);
    Ok(tokens)
}

async fn rehydrate_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    rid: &str,
) -> Result<Response, ApiError> {
    let principal = authenticate(state, headers, "rehydrate", rid)?;
    let req: RehydrateBody = body::read_json(headers, body, state.body_timeout).await?;
    authorize(state, principal, &req.tenant, Right::Rehydrate, rid)?;
    body::check_scope(req.scope.as_deref())?;
    body::check_tokens(&req.tokens)?;
    let scope = req.scope.unwrap_or_default();
    let call = Call {
        principal,
        tenant: &req.tenant,
        scope: &scope,
        rid,
        op: "rehydrate",
    };
    let answers = rehydrate_tokens(state, &call, &req.tokens).await?;
    let values: Vec<_> = answers
        .into_iter()
        .map(|a| {
            let status = a.status.as_str();
            json!({"token": a.token, "type": a.entity, "value": a.value, "status": status})
        })
        .collect();
    Ok(Json(json!({ "values": values })).into_response())
}

/// The values of `tokens` this caller's scope (or role) may see, counted and audited; every
/// denial is an audit event of its own.
pub(super) async fn rehydrate_tokens(
    state: &AppState,
    call: &Call<'_>,
    tokens: &[String],
) -> Result<Vec<crate::vault::Rehydrated>, ApiError> {
    let unmask = &call.principal.role.unmask;
    let work = state
        .vault
        .rehydrate(call.tenant, call.scope, unmask, tokens);
    let answers = with_timeout(state, work).await?;

    let mut statuses: BTreeMap<&str, u64> = BTreeMap::new();
    for a in &answers {
        *statuses.entry(a.status.as_str()).or_insert(0) += 1;
        if let Some(entity) = &a.entity {
            let label = OpEntity {
                op: call.op,
                entity_type: type_label(entity),
            };
            if a.status == Status::Denied {
                state.metrics.denials.get_or_create(&label).inc();
            }
            state.metrics.entities.get_or_create(&label).inc();
        }
    }
    let role = &call.principal.role.name;
    let scope_h = scope_hex(state, call.tenant, call.scope).await?;
    let denied: Vec<&str> = answers
        .iter()
        .filter(|a| a.status == Status::Denied)
        .filter_map(|a| a.entity.as_deref())
        .collect();
    if !denied.is_empty() {
        // Someone asked for values their scope never sent.
        let mut event = Event::new(call.op, "denied", call.rid).by(call.tenant, role);
        event.scope = Some(scope_h.clone());
        event.entities = count_types(denied.into_iter());
        state.audit.record(&event);
    }
    let mut event = Event::new(call.op, "ok", call.rid).by(call.tenant, role);
    event.scope = Some(scope_h);
    event.entities = count_types(answers.iter().filter_map(|a| a.entity.as_deref()));
    event.statuses = statuses;
    state.audit.record(&event);
    Ok(answers)
}

async fn erase_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    rid: &str,
) -> Result<Response, ApiError> {
    let principal = authenticate(state, headers, "erase", rid)?;
    let req: EraseBody = body::read_json(headers, body, state.body_timeout).await?;
    authorize(state, principal, &req.tenant, Right::Erase, rid)?;
    body::check_scope(req.scope.as_deref())?;
    let mut event = Event::new("erase", "ok", rid).by(&req.tenant, &principal.role.name);
    let removed = match (req.scope.as_deref(), req.entities) {
        (Some(scope), None) => {
            event.scope = Some(scope_hex(state, &req.tenant, scope).await?);
            with_timeout(state, state.vault.erase_scope(&req.tenant, scope)).await?
        }
        (None, Some(entities)) => {
            let items = body::items("entities", entities)?;
            event.entities = count_types(items.iter().map(|i| i.entity.as_str()));
            with_timeout(state, state.vault.erase_values(&req.tenant, &items)).await?
        }
        _ => {
            return Err(ApiError::bad_request(concat!(
                "give either scope (erase what it tokenized) or entities (erase those values), ",
                "not both"
            )))
        }
    };
    event.removed = Some(removed);
    state.audit.record(&event);
    Ok(Json(json!({ "removed": removed })).into_response())
}

pub async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let (store, key_store) = (state.vault.store(), state.vault.key_store());
    for s in [store, key_store] {
        if !matches!(
            tokio::time::timeout(STORE_TIMEOUT, s.ping()).await,
            Ok(Ok(()))
        ) {
            return ApiError::unavailable(format!("{} store is not reachable", s.kind()))
                .into_response();
        }
    }
    Json(json!({"status": "ready", "store": store.kind()})).into_response()
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

pub async fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see openapi.json",
    )
    .into_response()
}

pub async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "wrong method for this route; see openapi.json",
    )
    .into_response()
}
