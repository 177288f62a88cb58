//! The listener: plain HTTP or TLS (with client certificates when configured), HTTP/1.1, and
//! the bounds a service on a network needs against slow or hostile clients:
//! - a TLS handshake, and a request's headers once its first byte has arrived, within
//!   `header_timeout_ms`;
//! - a request's body within `body_timeout_ms` (`http::body`);
//! - a connection idle between requests is closed after `idle_timeout_ms`: clients must close
//!   idle connections sooner, or a request sent as the vault closes is lost (the shipped Envoy
//!   configurations close theirs after 60 s, the default here is 75 s);
//! - at most `max_concurrent_requests` are handled at once; past that a request is answered
//!   503 with `Retry-After` at once, never queued without bound (`http::router`).
//!
//! hyper's own header timer also runs while a connection waits idle, so it cannot tell a slow
//! client from a pooled connection; each connection has a small watchdog instead, fed by the
//! connection's reads and writes and by the requests it dispatches.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::config::Limits;

/// Serves `app` on `listener` until `shutdown` completes; connections in flight then finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> Result<(), String> {
    let acceptor = tls.map(TlsAcceptor::from);
    let (closing, _) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: give connections time to finish.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (app, acceptor, closing) = (app.clone(), acceptor.clone(), closing.subscribe());
        connections.spawn(connection(stream, app, acceptor, limits, closing));
        // Reap finished connections so the set does not grow with the server's lifetime.
        while connections.try_join_next().is_some() {}
    }
    let _ = closing.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

async fn connection(
    stream: tokio::net::TcpStream,
    app: Router,
    acceptor: Option<TlsAcceptor>,
    limits: Limits,
    closing: tokio::sync::watch::Receiver<bool>,
) {
    let header_timeout = Duration::from_millis(limits.header_timeout_ms);
    let activity = Arc::new(Activity::new());
    match acceptor {
        None => {
            let io = Watched::new(stream, activity.clone());
            drive(io, app, activity, limits, closing).await
        }
        Some(acceptor) => {
            let Ok(Ok(tls)) = tokio::time::timeout(header_timeout, acceptor.accept(stream)).await
            else {
                return; // a failed or slow handshake: nothing to answer
            };
            let io = Watched::new(tls, activity.clone());
            drive(io, app, activity, limits, closing).await
        }
    }
}

/// Serves one connection until it ends, its watchdog fires (the socket is then dropped), or the
/// server shuts down (the request in flight finishes first).
async fn drive<T>(
    io: Watched<T>,
    app: Router,
    activity: Arc<Activity>,
    limits: Limits,
    mut closing: tokio::sync::watch::Receiver<bool>,
) where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let tracked = activity.clone();
    let service = tower::service_fn(move |request: Request<hyper::body::Incoming>| {
        let (app, activity) = (app.clone(), tracked.clone());
        activity.request_started();
        async move {
            let response = app.oneshot(request.map(axum::body::Body::new)).await;
            activity.request_finished();
            response
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // The watchdog times headers and idleness apart (module comment).
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        () = activity.watch(&limits) => {}
        _ = closing.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// What a connection has been doing, for its watchdog. Times are milliseconds since `start`.
struct Activity {
    start: Instant,
    /// The last byte read or written.
    last: AtomicU64,
    /// When the first byte of a request not yet dispatched arrived (`u64::MAX`: none).
    head_since: AtomicU64,
    /// Requests dispatched and not yet answered.
    in_flight: AtomicU64,
}

const NONE: u64 = u64::MAX;

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            last: AtomicU64::new(0),
            head_since: AtomicU64::new(NONE),
            in_flight: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn read(&self) {
        let now = self.now();
        self.last.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Relaxed) == 0 {
            let _ =
                self.head_since
                    .compare_exchange(NONE, now, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    fn wrote(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.head_since.store(NONE, Ordering::Relaxed);
    }

    fn request_finished(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.wrote();
    }

    /// Completes when the connection has waited too long for a request's headers, or sat
    /// idle too long; never while a request is being handled (its own timeouts apply).
    async fn watch(&self, limits: &Limits) {
        loop {
            let deadline = if self.in_flight.load(Ordering::Relaxed) > 0 {
                self.now() + limits.idle_timeout_ms
            } else {
                match self.head_since.load(Ordering::Relaxed) {
                    NONE => self.last.load(Ordering::Relaxed) + limits.idle_timeout_ms,
                    since => since + limits.header_timeout_ms,
                }
            };
            let now = self.now();
            if now >= deadline && self.in_flight.load(Ordering::Relaxed) == 0 {
                return;
            }
            let wait = Duration::from_millis(deadline.saturating_sub(now).max(10));
            tokio::time::sleep(wait).await;
        }
    }
}

/// A connection's I/O, reporting its reads and writes to the watchdog.
struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    fn new(inner: T, activity: Arc<Activity>) -> Self {
        Watched { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
