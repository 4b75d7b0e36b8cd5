//! Browser-facing defences shared by the API and the pages: the security
//! headers of every answer ([`headers`], one layer in `router.rs`), the
//! same-origin check of cookie-authenticated changes and of sign-in
//! ([`check_same_origin`]), and the client address a request counts
//! against ([`client_ip`]). docs/security.md says which threat each meets.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The Content-Security-Policy of every page: our own files only, no inline
/// script or style, no plugins, no `<base>`, forms post only here, and no
/// framing (clickjacking). Charts draw from `/assets/charts.js`; a chart's
/// numbers ride in a `<script type="application/json">` block, which is
/// data, not script.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The Content-Security-Policy of API answers: they are data, never a
/// document to run or frame.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// Middleware for every route: `Content-Security-Policy`,
/// `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
/// `Referrer-Policy: same-origin` (unless the handler chose a stricter
/// one), and `Cache-Control: no-store` on API
/// answers and pages (which show personal data and CSRF tokens); the
/// embedded assets keep their own caching.
pub async fn headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let is_api = path.starts_with("/api/");
    let is_asset = path.starts_with("/assets/");
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if is_api { API_CSP } else { PAGE_CSP }),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // A stricter policy set by the handler (the survey page's
    // `no-referrer`, which keeps its token in the path to itself) stays.
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    if is_api || (!is_asset && !h.contains_key(header::CACHE_CONTROL)) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Refuses a request a browser sent from another site: an `Origin` that is
/// not this server's (by `Host`, or `X-Forwarded-Host` when
/// `behind_proxy`), `Origin: null`, or `Sec-Fetch-Site` `cross-site` or
/// `same-site`. A request with neither header (curl, scripts, old
/// browsers) passes: only browsers carry a victim's cookies, and they
/// send `Origin` on every POST, PUT, PATCH and DELETE.
pub fn check_same_origin(headers: &HeaderMap, behind_proxy: bool) -> Result<(), ApiError> {
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        if matches!(site.as_bytes(), b"cross-site" | b"same-site") {
            return Err(ApiError::CrossOrigin);
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().map_err(|_| ApiError::CrossOrigin)?;
    // `scheme://host[:port]`; `null` (sandboxed frames, data: URLs) never matches.
    let authority = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .ok_or(ApiError::CrossOrigin)?;
    let hosts = headers
        .get(header::HOST)
        .into_iter()
        .chain(
            behind_proxy
                .then(|| headers.get("x-forwarded-host"))
                .flatten(),
        )
        .filter_map(|v| v.to_str().ok());
    for host in hosts {
        if host
            .split(',')
            .any(|h| h.trim().eq_ignore_ascii_case(authority))
        {
            return Ok(());
        }
    }
    Err(ApiError::CrossOrigin)
}

/// The address a request comes from: the socket peer (axum's
/// `ConnectInfo`, which `serve` provides), or, only when `behind_proxy`
/// (`serve --behind-proxy`), the last `X-Forwarded-For` address, the one
/// the proxy appended (earlier ones can be forged by the client). Requests
/// without either (tests through `oneshot`) count as `0.0.0.0`.
pub fn client_ip(
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    behind_proxy: bool,
) -> IpAddr {
    let forwarded = behind_proxy
        .then(|| {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|last| last.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    forwarded.unwrap_or_else(|| {
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
    })
}

/// The client address of a request ([`client_ip`], honouring
/// `X-Forwarded-For` only with `serve --behind-proxy`).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(
            &parts.headers,
            &parts.extensions,
            state.trust_forwarded_for,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_this_servers_origin_passes() {
        let host = ("host", "app.example:8080");
        assert!(check_same_origin(&headers(&[host]), false).is_ok());
        assert!(check_same_origin(
            &headers(&[host, ("origin", "http://app.example:8080")]),
            false
        )
        .is_ok());
        for origin in [
            "http://evil.test",
            "http://app.example",
            "http://app.example:8080.evil.test",
            "null",
        ] {
            let mut h = headers(&[host]);
            h.insert("origin", HeaderValue::from_str(origin).unwrap());
            assert!(check_same_origin(&h, false).is_err(), "{origin}");
        }
        assert!(
            check_same_origin(&headers(&[host, ("sec-fetch-site", "cross-site")]), false).is_err()
        );
        assert!(
            check_same_origin(&headers(&[host, ("sec-fetch-site", "same-origin")]), false).is_ok()
        );
    }

    #[test]
    fn a_forwarded_host_counts_only_behind_a_proxy() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("x-forwarded-host", "churn.example"),
            ("origin", "https://churn.example"),
        ]);
        assert!(check_same_origin(&h, false).is_err());
        assert!(check_same_origin(&h, true).is_ok());
    }
}
