//! Authentication over HTTP: the [`Auth`] extractor that turns a bearer token or a
//! session cookie into an [`Access`].

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum_extra::extract::cookie::CookieJar;
pub use churnwise_app::credentials::{
    check_password_strength, constant_time_eq, hash_password, new_token, token_hash,
    verify_password,
};
use churnwise_store::Access;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "churnwise_session";
/// Header that cookie-authenticated API changes must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Auth(pub Access);

impl Auth {
    /// Fails with 403 unless the role may write.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.0.role.can_write() {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Fails with 403 unless the role may manage the workspace.
    pub fn require_manage(&self) -> Result<(), ApiError> {
        if self.0.role.can_manage() {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Fails with 403 unless the caller is an owner of the workspace.
    pub fn require_owner(&self) -> Result<(), ApiError> {
        if self.0.role == churnwise_domain::registry::Role::Owner {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The caller as the audit log names them.
    pub fn actor(&self) -> churnwise_app::audit::Actor {
        churnwise_app::audit::Actor::user(&self.0.user)
    }

    /// The workspace acted in.
    pub fn ws(&self) -> churnwise_store::WorkspaceId {
        self.0.workspace.id
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The checks of a change made with the session cookie (not a bearer
/// token): it comes from this server's own pages
/// ([`crate::security::check_same_origin`]) and echoes the session's CSRF
/// token in `X-CSRF-Token`.
pub fn check_cookie_change(
    headers: &HeaderMap,
    csrf_token: &str,
    behind_proxy: bool,
) -> Result<(), ApiError> {
    crate::security::check_same_origin(headers, behind_proxy)?;
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if constant_time_eq(sent.as_bytes(), csrf_token.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Csrf)
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(parts) {
            return state
                .store
                .find_api_token(&token_hash(token))
                .await?
                .map(Auth)
                .ok_or(ApiError::Unauthorized);
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie = jar.get(SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
        let session = state
            .store
            .find_session(&token_hash(cookie.value()), chrono::Utc::now())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        // Nested routers see a stripped path; the original tells an API call.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_string(), |u| u.0.path().to_string());
        if is_unsafe(&parts.method) && path.starts_with("/api/") {
            check_cookie_change(
                &parts.headers,
                &session.csrf_token,
                state.trust_forwarded_for,
            )?;
        }
        Ok(Auth(session.access))
    }
}
