//! Request bodies: read with a byte limit, parsed strictly (unknown fields rejected), and
//! every limit checked with an error that names the field.

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::ApiError;
use crate::config::{valid_tenant, MAX_TTL_SECONDS};
use crate::vault::{parse_entity, Item};

/// Largest request body.
pub const MAX_BODY_BYTES: usize = 4 << 20;
/// Most entities (or tokens) in one call.
pub const MAX_ITEMS: usize = 1000;
/// Longest value (a PEM private key fits).
pub const MAX_VALUE_BYTES: usize = 8 << 10;
/// Longest token or scope.
pub const MAX_TOKEN_BYTES: usize = 256;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityBody {
    #[serde(rename = "type")]
    pub entity: String,
    pub value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenizeBody {
    pub tenant: String,
    pub scope: Option<String>,
    pub ttl_seconds: Option<u64>,
    pub entities: Vec<EntityBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RehydrateBody {
    pub tenant: String,
    pub scope: Option<String>,
    pub tokens: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EraseBody {
    pub tenant: String,
    pub scope: Option<String>,
    pub entities: Option<Vec<EntityBody>>,
}

/// Reads and parses a JSON body of at most `MAX_BODY_BYTES`, arriving within `timeout`.
pub async fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    timeout: std::time::Duration,
) -> Result<T, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("");
        if !ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case("application/json")
        {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "content-type must be application/json",
            ));
        }
    }
    if let Some(encoding) = headers.get(header::CONTENT_ENCODING) {
        if encoding.as_bytes() != b"identity" {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "compressed request bodies are not accepted",
            ));
        }
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let bytes = tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_BODY_BYTES))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "the request body did not arrive in time",
            )
        })?
        .map_err(|_| too_large())?;
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request(format!(
                "malformed JSON at line {} column {}",
                inner.line(),
                inner.column()
            ));
        }
        // serde's messages quote the input (a value, or an unknown key that may be one):
        // keep only the known shapes, and the path up to the last field we defined.
        let text = inner.to_string();
        let (what, unknown_key) = if text.starts_with("unknown field") {
            ("unknown field", true)
        } else if text.starts_with("missing field") {
            return ApiError::bad_request(
                text.split(" at line")
                    .next()
                    .unwrap_or("missing field")
                    .to_string(),
            );
        } else if text.starts_with("invalid type") {
            ("wrong type", false)
        } else {
            ("invalid value", false)
        };
        let mut segments: Vec<String> = e
            .path()
            .iter()
            .map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
                serde_path_to_error::Segment::Map { key } => format!(".{key}"),
                _ => String::new(),
            })
            .collect();
        if unknown_key {
            segments.pop();
        }
        let at = segments.concat();
        let at = at.trim_start_matches('.');
        ApiError::bad_request(format!(
            "{}: {what}",
            if at.is_empty() { "body" } else { at }
        ))
    })
}

pub fn check_tenant(tenant: &str) -> Result<(), ApiError> {
    if valid_tenant(tenant) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "tenant: must be 1-63 characters of a-z, 0-9, '.', '_', '-'",
        ))
    }
}

pub fn check_scope(scope: Option<&str>) -> Result<(), ApiError> {
    match scope {
        Some(s) if s.is_empty() || s.len() > MAX_TOKEN_BYTES => Err(ApiError::bad_request(
            format!("scope: must be 1-{MAX_TOKEN_BYTES} bytes when given"),
        )),
        _ => Ok(()),
    }
}

pub fn check_ttl(ttl: Option<u64>) -> Result<(), ApiError> {
    match ttl {
        Some(t) if t == 0 || t > MAX_TTL_SECONDS => Err(ApiError::bad_request(format!(
            "ttl_seconds: must be 1..={MAX_TTL_SECONDS}"
        ))),
        _ => Ok(()),
    }
}

/// Parses `entities`, naming the index and field of the first problem.
pub fn items(field: &str, entities: Vec<EntityBody>) -> Result<Vec<Item>, ApiError> {
    if entities.len() > MAX_ITEMS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_entities",
            format!(
                "{field}: at most {MAX_ITEMS} per call, got {}",
                entities.len()
            ),
        ));
    }
    entities
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let entity = parse_entity(&e.entity).ok_or_else(|| {
                ApiError::bad_request(format!("{field}[{i}].type: unknown entity type (built-in labels like EMAIL_ADDRESS, or UPPER_SNAKE custom ones)"))
            })?;
            if e.value.is_empty() {
                return Err(ApiError::bad_request(format!("{field}[{i}].value: empty")));
            }
            // NUL and other control characters have no place in PII and would reach storage
            // keys and tokens; tab and line breaks are kept (PEM keys span lines).
            if e.value.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                return Err(ApiError::bad_request(format!("{field}[{i}].value: control characters are not accepted")));
            }
            if e.value.len() > MAX_VALUE_BYTES {
                return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "value_too_large", format!("{field}[{i}].value: longer than {MAX_VALUE_BYTES} bytes")));
            }
            Ok(Item { entity, value: e.value })
        })
        .collect()
}

pub fn check_tokens(tokens: &[String]) -> Result<(), ApiError> {
    if tokens.len() > MAX_ITEMS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_tokens",
            format!("tokens: at most {MAX_ITEMS} per call, got {}", tokens.len()),
        ));
    }
    for (i, t) in tokens.iter().enumerate() {
        if t.is_empty() || t.len() > MAX_TOKEN_BYTES {
            return Err(ApiError::bad_request(format!(
                "tokens[{i}]: must be 1-{MAX_TOKEN_BYTES} bytes"
            )));
        }
    }
    Ok(())
}
