//! `veil mcp`: Veil as an MCP server for agents and desktop clients, on the official Rust SDK
//! (`rmcp`). Three tools: `mask_text` and `unmask_text` go to the vault's masking API under
//! the configured tenant (and the call's scope, or the configured one); `scan_text` runs the
//! detection engine here and answers kinds and offsets only, never values.
//!
//! Over stdio the vault key comes from the environment (`--key-env`). Over streamable HTTP
//! (`--http ADDR`) there is no key of the server's own: every HTTP request must carry
//! `Authorization: Bearer <vault key>`, and the vault decides with that key what the caller
//! may do (its role's `mask` / `unmask` rights and scope rules), so the MCP endpoint grants
//! nothing the vault would not.

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{ServerCapabilities, ServerConfig};
use rmcp::service::RequestContext;
use rmcp::{schemars, tool, tool_handler, tool_router, Json, RoleServer, ServerHandler};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use veil_core::Engine;

use crate::masking::{Op, Vault};

/// Where the vault is and whose data the tools handle.
#[derive(Clone)]
pub struct Target {
    pub url: String,
    pub tenant: String,
    pub scope: Option<String>,
    /// The key over stdio; `None` over HTTP, where each request brings its own.
    pub key: Option<String>,
}

#[derive(Clone)]
pub struct VeilMcp {
    target: Arc<Target>,
    engine: Arc<Engine>,
    tool_router: ToolRouter<Self>,
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct TextArgs {
    /// The text.
    pub text: String,
    /// The scope (session, user) the values belong to; the server's own when absent.
    pub scope: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ScanArgs {
    /// The text to scan.
    pub text: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Masked {
    /// The text with each value replaced by its token.
    pub text: String,
    /// Each value found: its kind, offsets in Unicode code points of the input, its token.
    pub entities: Vec<Value>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Unmasked {
    /// The text with the values this caller may see put back.
    pub text: String,
    /// Each token and its status: ok, denied, unknown or expired (never a value).
    pub tokens: Vec<Value>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Scanned {
    /// Each value found: kind, start and end in Unicode code points, score.
    pub spans: Vec<Value>,
}

impl VeilMcp {
    pub fn new(target: Target, engine: Engine) -> Self {
        VeilMcp {
            target: Arc::new(target),
            engine: Arc::new(engine),
            tool_router: Self::tool_router(),
        }
    }

    /// One masking-API call as the caller: its key is the server's (stdio) or the HTTP
    /// request's bearer.
    async fn call(
        &self,
        ctx: &RequestContext<RoleServer>,
        op: Op,
        args: TextArgs,
    ) -> Result<(Value, Vec<Value>), String> {
        let key = match &self.target.key {
            Some(k) => k.clone(),
            None => ctx
                .extensions
                .get::<http::request::Parts>()
                .and_then(|p| p.headers.get(http::header::AUTHORIZATION))
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_string)
                .ok_or("no vault key on the request")?,
        };
        let vault = Vault {
            url: self.target.url.clone(),
            key,
            tenant: self.target.tenant.clone(),
            scope: args.scope.or_else(|| self.target.scope.clone()),
        };
        let input = json!({"text": args.text});
        // The vault client blocks: off the async workers.
        tokio::task::spawn_blocking(move || vault.call_full(op, input))
            .await
            .map_err(|_| "the vault call failed".to_string())?
            .map_err(|f| f.message().to_string())
    }
}

#[tool_router]
impl VeilMcp {
    /// Replace the personal data in a text by tokens (names, emails, card numbers, ...), the
    /// same tokens the gateway gives. Send the masked text to models and tools that must not
    /// see the values.
    #[tool]
    async fn mask_text(
        &self,
        Parameters(args): Parameters<TextArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<Masked>, String> {
        let (text, entities) = self.call(&ctx, Op::Mask, args).await?;
        Ok(Json(Masked {
            text: text.as_str().unwrap_or_default().to_string(),
            entities,
        }))
    }

    /// Put the values back into a text holding tokens, where this caller's scope may see
    /// them; other tokens stay as they are and are listed with their status.
    #[tool]
    async fn unmask_text(
        &self,
        Parameters(args): Parameters<TextArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<Unmasked>, String> {
        let op = Op::Unmask {
            restore_in_urls: false,
        };
        let (text, tokens) = self.call(&ctx, op, args).await?;
        Ok(Json(Unmasked {
            text: text.as_str().unwrap_or_default().to_string(),
            tokens,
        }))
    }

    /// Find personal data in a text without masking it: kinds and offsets only.
    #[tool]
    async fn scan_text(&self, Parameters(args): Parameters<ScanArgs>) -> Json<Scanned> {
        let spans = crate::scan::spans(&self.engine, &args.text)
            .into_iter()
            .map(|s| json!({"type": s.label, "start": s.start, "end": s.end, "score": s.score}))
            .collect();
        Json(Scanned { spans })
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for VeilMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build()).with_instructions(
            "Veil masks personal data: mask_text before a text goes where its values must not, \
             unmask_text to read an answer with the values back, scan_text to see what a text holds.",
        )
    }
}

/// Serves `server` on stdio, or on `http` at `/mcp` (every request needs a bearer key; the
/// vault checks it on each tool call), until the client leaves or the process is stopped.
pub fn serve(server: VeilMcp, http: Option<std::net::SocketAddr>) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        match http {
            None => {
                use rmcp::ServiceExt;
                let running = server
                    .serve(rmcp::transport::stdio())
                    .await
                    .map_err(|e| e.to_string())?;
                running.waiting().await.map_err(|e| e.to_string())?;
                Ok(())
            }
            Some(addr) => {
                use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
                use rmcp::transport::streamable_http_server::{
                    StreamableHttpServerConfig, StreamableHttpService,
                };
                let service = StreamableHttpService::new(
                    move || Ok(server.clone()),
                    LocalSessionManager::default().into(),
                    StreamableHttpServerConfig::default(),
                );
                let app = axum::Router::new()
                    .nest_service("/mcp", service)
                    .layer(axum::middleware::from_fn(require_bearer));
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
                let bound = listener.local_addr().map_err(|e| e.to_string())?;
                // Tests and scripts wait for this line (it carries the port when ADDR asked for 0).
                eprintln!("veil mcp listening on http://{bound}/mcp");
                axum::serve(listener, app).await.map_err(|e| e.to_string())
            }
        }
    })
}

/// 401 for a request without a bearer key: the vault judges the key itself on each call.
async fn require_bearer(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let has_key = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|k| !k.trim().is_empty());
    if has_key {
        next.run(request).await
    } else {
        (
            http::StatusCode::UNAUTHORIZED,
            [(http::header::WWW_AUTHENTICATE, "Bearer")],
            "a vault API key is required: Authorization: Bearer <key>",
        )
            .into_response()
    }
}
