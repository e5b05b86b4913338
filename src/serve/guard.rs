//! The two guards every request passes. DNS rebinding: a page of another site whose
//! name is made to resolve to 127.0.0.1 still sends its own name as Host, so any Host
//! but localhost / 127.0.0.1 (on our port) is refused. CSRF: a page of another site
//! can make the browser send a POST here but cannot read our pages, so it never
//! learns the token created at start, which every request that changes state must
//! carry in the `X-Matome-Token` header. Every response also forbids framing and
//! loading anything from elsewhere (Content-Security-Policy).

use super::App;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use std::sync::Arc;

/// The header that carries the token.
pub const TOKEN_HEADER: &str = "x-matome-token";

/// Our pages load only what the binary serves; outputs are sandboxed separately.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// 128 random bits as hex.
pub fn new_token() -> String {
    let mut r = rand::rng();
    (0..4)
        .map(|_| format!("{:08x}", r.random::<u32>()))
        .collect()
}

/// True when `host` (a Host header, or an Origin without its scheme) names this
/// machine: `localhost` or `127.0.0.1`, with our port when one is given.
pub fn host_allowed(host: &str, port: u16) -> bool {
    let (name, p) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    let name_ok = name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1";
    let port_ok = match p {
        None => true,
        Some(p) => p.parse::<u16>().is_ok_and(|p| port == 0 || p == port),
    };
    name_ok && port_ok
}

fn origin_allowed(origin: &str, port: u16) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|rest| host_allowed(rest, port))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        why.to_string(),
    )
        .into_response()
}

/// Refuses a foreign Host (421), a foreign Origin (403) and a state-changing request
/// without the token (403); adds the security headers to everything else.
pub async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(host, app.port) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "refused: matome serve answers only to http://127.0.0.1 or http://localhost (Host header)",
        );
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let ok = origin.to_str().is_ok_and(|o| origin_allowed(o, app.port));
        if !ok {
            return refuse(
                StatusCode::FORBIDDEN,
                "refused: the request comes from a page of another site (Origin header)",
            );
        }
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    if !safe {
        let token = req.headers().get(TOKEN_HEADER).map(|v| v.as_bytes());
        if !token.is_some_and(|t| same(t, app.token.as_bytes())) {
            return refuse(
                StatusCode::FORBIDDEN,
                "refused: missing or wrong token; reload the page (the token changes when the server restarts)",
            );
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(host_allowed("127.0.0.1:8080", 8080));
        assert!(host_allowed("localhost:8080", 8080));
        assert!(host_allowed("LOCALHOST", 8080));
        assert!(!host_allowed("127.0.0.1:8081", 8080));
        assert!(!host_allowed("evil.example:8080", 8080));
        assert!(!host_allowed("localhost.evil.example", 8080));
        assert!(!host_allowed("127.0.0.1.nip.io:8080", 8080));
        assert!(!host_allowed("", 8080));
        assert!(!host_allowed("[::1]:8080", 8080));
        assert!(origin_allowed("http://localhost:8080", 8080));
        assert!(!origin_allowed("https://localhost.evil:8080", 8080));
        assert!(!origin_allowed("null", 8080));
    }
}
