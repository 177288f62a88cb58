//! The masking API: `/v1/mask` detects and tokenizes in one call, `/v1/unmask` finds the
//! tokens in a text and puts back the values the caller's scope (or role) may see. Same
//! authentication, tenant checks, scope rules, counters and audit as tokenize and rehydrate
//! (`routes::tokenize_items`, `routes::rehydrate_tokens`); the decisions are in `crate::mask`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::{self, EntityBody, MAX_ITEMS};
use super::routes::{
    answer, authenticate, authorize, rehydrate_tokens, request_id, tokenize_items, Call,
};
use super::{ApiError, AppState};
use crate::audit::Event;
use crate::auth::Right;
use crate::mask::{self, Input};
use crate::vault::Status;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaskBody {
    tenant: String,
    scope: Option<String>,
    ttl_seconds: Option<u64>,
    text: Option<String>,
    #[serde(default, deserialize_with = "present")]
    json: Option<Value>,
    /// A Veil configuration document whose `detection` replaces the service's for this call.
    config: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnmaskBody {
    tenant: String,
    scope: Option<String>,
    text: Option<String>,
    #[serde(default, deserialize_with = "present")]
    json: Option<Value>,
    restore_in_urls: Option<bool>,
}

/// A `json` field that is there, even when it holds `null` (a JSON document of its own).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The audit line of a call that found nothing to exchange with the vault (no value to mask,
/// no token to unmask): it happened, and who asked.
fn audit_nothing_found(state: &AppState, call: &Call<'_>) {
    let event = Event::new(call.op, "ok", call.rid).by(call.tenant, &call.principal.role.name);
    state.audit.record(&event);
}

/// Exactly one of `text` and `json`.
fn input(text: Option<String>, json: Option<Value>) -> Result<Input, ApiError> {
    match (text, json) {
        (Some(t), None) => Ok(Input::Text(t)),
        (None, Some(j)) => Ok(Input::Json(j)),
        _ => Err(ApiError::bad_request("give exactly one of text and json")),
    }
}

fn output(input: Input) -> (&'static str, Value) {
    match input {
        Input::Text(t) => ("text", Value::String(t)),
        Input::Json(j) => ("json", j),
    }
}

pub async fn mask(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    let rid = request_id(&headers);
    let result = mask_request(&state, &headers, body, &rid).await;
    answer(&state, "mask", &rid, result)
}

pub async fn unmask(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let rid = request_id(&headers);
    let result = unmask_request(&state, &headers, body, &rid).await;
    answer(&state, "unmask", &rid, result)
}

async fn mask_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    rid: &str,
) -> Result<Response, ApiError> {
    let principal = authenticate(state, headers, "mask", rid)?;
    let req: MaskBody = body::read_json(headers, body, state.body_timeout).await?;
    authorize(state, principal, &req.tenant, Right::Mask, rid)?;
    body::check_scope(req.scope.as_deref())?;
    body::check_ttl(req.ttl_seconds)?;
    let input = input(req.text, req.json)?;
    // Building an engine (a call's own `config`) and detecting are CPU work (tier 2 runs a
    // model): off the async workers.
    let engines = state.engines.clone();
    let config = req.config;
    let prepared = tokio::task::spawn_blocking(move || {
        let engine = engines
            .get(config.as_ref())
            .map_err(|e| ApiError::bad_request(format!("config: {e}")))?;
        mask::prepare(&input, &engine).map_err(|e| ApiError::bad_request(format!("json: {e}")))
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "detection failed",
        )
    })??;
    let found: Vec<EntityBody> = prepared
        .items()
        .iter()
        .map(|(entity, value)| EntityBody {
            entity: entity.clone(),
            value: value.clone(),
        })
        .collect();
    let items = body::items("values found", found)?;
    let scope = req.scope.unwrap_or_default();
    let call = Call {
        principal,
        tenant: &req.tenant,
        scope: &scope,
        rid,
        op: "mask",
    };
    let tokens = if items.is_empty() {
        audit_nothing_found(state, &call);
        Vec::new()
    } else {
        tokenize_items(state, &call, req.ttl_seconds, &items).await?
    };
    let (masked, entities) = prepared
        .finish(&tokens)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e))?;
    let (field, value) = output(masked);
    Ok(Json(json!({ field: value, "entities": entities })).into_response())
}

async fn unmask_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    rid: &str,
) -> Result<Response, ApiError> {
    let principal = authenticate(state, headers, "unmask", rid)?;
    let req: UnmaskBody = body::read_json(headers, body, state.body_timeout).await?;
    authorize(state, principal, &req.tenant, Right::Unmask, rid)?;
    body::check_scope(req.scope.as_deref())?;
    let input = input(req.text, req.json)?;
    let tokens = mask::tokens_in(&input, MAX_ITEMS).map_err(|e| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_tokens",
            format!("the input holds {e}"),
        )
    })?;
    let scope = req.scope.unwrap_or_default();
    let call = Call {
        principal,
        tenant: &req.tenant,
        scope: &scope,
        rid,
        op: "unmask",
    };
    let answers = if tokens.is_empty() {
        audit_nothing_found(state, &call);
        Vec::new()
    } else {
        rehydrate_tokens(state, &call, &tokens).await?
    };
    let mut granted = Vec::new();
    let mut report = Vec::with_capacity(answers.len());
    for a in answers {
        report.push(json!({"token": a.token, "type": a.entity, "status": a.status.as_str()}));
        if let (Status::Ok, Some(value)) = (a.status, a.value) {
            granted.push((a.token, value));
        }
    }
    let restored = mask::restore(&input, granted, req.restore_in_urls.unwrap_or(false))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e))?;
    let (field, value) = output(restored);
    Ok(Json(json!({ field: value, "tokens": report })).into_response())
}
