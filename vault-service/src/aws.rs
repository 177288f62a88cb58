//! A thin client for AWS's JSON protocols (DynamoDB's `x-amz-json-1.0`, KMS's `1.1`): one
//! signed POST per call, bounded retries with jittered backoff on throttling and server
//! errors, and errors that carry the AWS error type but never a request's content.
//!
//! Why not the AWS SDK: the vault makes a handful of JSON calls to one service, and the SDK's
//! crates (config loader, smithy runtime, a generated client per service) would outweigh the
//! rest of the vault's dependency tree in build time. Signing is not done by hand: it is the
//! `aws-sigv4` crate, the SDK's own signer.
//!
//! Credentials come from the standard environment variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`), which is how a secret mounted by an
//! operator or injected by a sidecar arrives; they are read once at start.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use serde_json::Value;

/// Attempts per call (the first and three retries), and the first backoff step.
const ATTEMPTS: u32 = 4;
const BACKOFF_BASE_MS: u64 = 25;

/// How one call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsError {
    /// The service answered with an error type it names (`ConditionalCheckFailedException`,
    /// `ResourceNotFoundException`, ...), short form, after any retries.
    Service { kind: String, status: u16 },
    /// No usable answer: connection refused, timeout, a body that is not JSON.
    Transport(String),
}

impl AwsError {
    /// The short error type, if the service named one.
    pub fn kind(&self) -> Option<&str> {
        match self {
            AwsError::Service { kind, .. } => Some(kind),
            AwsError::Transport(_) => None,
        }
    }

    fn retryable(&self) -> bool {
        match self {
            AwsError::Transport(_) => true,
            AwsError::Service { kind, status } => {
                *status >= 500
                    || matches!(
                        kind.as_str(),
                        "ThrottlingException"
                            | "ProvisionedThroughputExceededException"
                            | "RequestLimitExceeded"
                            | "LimitExceededException"
                            | "TransactionInProgressException"
                    )
            }
        }
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AwsError::Service { kind, status } => write!(f, "{kind} (HTTP {status})"),
            AwsError::Transport(e) => write!(f, "{e}"),
        }
    }
}

/// Static credentials, read from the environment once.
#[derive(Clone)]
pub struct AwsCredentials(Credentials);

impl AwsCredentials {
    pub fn new(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) -> Self {
        AwsCredentials(Credentials::new(
            access_key_id,
            secret_access_key,
            session_token.map(str::to_string),
            None,
            "veil",
        ))
    }

    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; the error
    /// names the variable that is missing.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    format!(
                        "{name} is not set (the vault reads AWS credentials from the environment)"
                    )
                })
        };
        let id = var("AWS_ACCESS_KEY_ID")?;
        let secret = var("AWS_SECRET_ACCESS_KEY")?;
        let token = std::env::var("AWS_SESSION_TOKEN")
            .ok()
            .filter(|v| !v.is_empty());
        Ok(AwsCredentials::new(&id, &secret, token.as_deref()))
    }
}

/// One service endpoint: where, which signing name and region, which JSON protocol.
#[derive(Clone)]
pub struct AwsClient {
    http: reqwest::Client,
    endpoint: String,
    region: String,
    service: &'static str,
    /// `DynamoDB_20120810` or `TrentService`: the `X-Amz-Target` prefix.
    target_prefix: &'static str,
    /// `application/x-amz-json-1.0` or `-1.1`.
    content_type: &'static str,
    credentials: AwsCredentials,
}

impl AwsClient {
    /// `endpoint` is `https://<service>.<region>.amazonaws.com` unless given (a VPC endpoint,
    /// or a server on loopback in tests).
    #[allow(clippy::too_many_arguments)]
    fn new(
        service: &'static str,
        target_prefix: &'static str,
        content_type: &'static str,
        region: &str,
        endpoint: Option<&str>,
        credentials: AwsCredentials,
        timeout: Duration,
    ) -> Result<Self, String> {
        let endpoint = match endpoint {
            Some(e) => e.trim_end_matches('/').to_string(),
            None => format!("https://{service}.{region}.amazonaws.com"),
        };
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err("endpoint: must be an http:// or https:// URL".into());
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(1))
            .use_rustls_tls()
            .tls_built_in_root_certs(true)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(AwsClient {
            http,
            endpoint,
            region: region.to_string(),
            service,
            target_prefix,
            content_type,
            credentials,
        })
    }

    /// DynamoDB (JSON 1.0).
    pub fn dynamodb(
        region: &str,
        endpoint: Option<&str>,
        credentials: AwsCredentials,
        timeout: Duration,
    ) -> Result<Self, String> {
        let json = "application/x-amz-json-1.0";
        Self::new(
            "dynamodb",
            "DynamoDB_20120810",
            json,
            region,
            endpoint,
            credentials,
            timeout,
        )
    }

    /// KMS (JSON 1.1).
    pub fn kms(
        region: &str,
        endpoint: Option<&str>,
        credentials: AwsCredentials,
        timeout: Duration,
    ) -> Result<Self, String> {
        let json = "application/x-amz-json-1.1";
        Self::new(
            "kms",
            "TrentService",
            json,
            region,
            endpoint,
            credentials,
            timeout,
        )
    }

    /// Calls `operation` with a JSON request; retries what AWS says may be retried.
    pub async fn call(&self, operation: &str, request: &Value) -> Result<Value, AwsError> {
        let body = serde_json::to_vec(request).expect("a JSON value serializes");
        let mut attempt = 0;
        loop {
            match self.call_once(operation, &body).await {
                Err(e) if e.retryable() && attempt + 1 < ATTEMPTS => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    async fn call_once(&self, operation: &str, body: &[u8]) -> Result<Value, AwsError> {
        let target = format!("{}.{operation}", self.target_prefix);
        let headers = [
            ("content-type", self.content_type.to_string()),
            ("x-amz-target", target),
        ];
        let signed = self
            .signed_headers(&headers, body)
            .map_err(AwsError::Transport)?;
        let mut request = self.http.post(&self.endpoint).body(body.to_vec());
        for (name, value) in headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .chain(signed)
        {
            request = request.header(name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|e| AwsError::Transport(transport_kind(&e)))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| AwsError::Transport(transport_kind(&e)))?;
        let json: Value = if bytes.is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|_| AwsError::Transport(format!("HTTP {status}: not a JSON answer")))?
        };
        if status == 200 {
            return Ok(json);
        }
        // `__type` is `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` or
        // just the name; the message is dropped, as it can quote request values.
        let kind = json
            .get("__type")
            .and_then(Value::as_str)
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
            .unwrap_or_else(|| "UnknownError".into());
        Err(AwsError::Service { kind, status })
    }

    fn signed_headers(
        &self,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, String> {
        let identity = self.credentials.0.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| format!("signing: {e}"))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &self.endpoint,
            headers.iter().map(|(n, v)| (*n, v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| format!("signing: {e}"))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| format!("signing: {e}"))?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect())
    }
}

/// Full jitter: a random wait up to 25 ms, 50 ms, 100 ms, ...
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE_MS << attempt.min(6);
    let mut r = [0u8; 8];
    getrandom::getrandom(&mut r).expect("the OS random source works");
    Duration::from_millis(u64::from_le_bytes(r) % (ceiling + 1))
}

/// What went wrong on the wire, without the URL (it is ours, but keep errors uniform).
fn transport_kind(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        "request failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_server_errors_are_retried_and_conditions_are_not() {
        let service = |kind: &str, status| AwsError::Service {
            kind: kind.into(),
            status,
        };
        assert!(service("ProvisionedThroughputExceededException", 400).retryable());
        assert!(service("ThrottlingException", 400).retryable());
        assert!(service("InternalServerError", 500).retryable());
        assert!(AwsError::Transport("timed out".into()).retryable());
        assert!(!service("ConditionalCheckFailedException", 400).retryable());
        assert!(!service("ResourceNotFoundException", 400).retryable());
        assert!(!service("AccessDeniedException", 400).retryable());
    }

    #[test]
    fn backoff_stays_under_its_ceiling() {
        for attempt in 0..10 {
            assert!(backoff(attempt) <= Duration::from_millis(BACKOFF_BASE_MS << attempt.min(6)));
        }
    }
}
