//! The HTML pages: server-rendered from the templates in `templates/`
//! (minijinja, HTML auto-escaping on), in English or Spanish, with the
//! static files of `assets/` embedded in the binary. Pages are not part of
//! the OpenAPI document. Every page checks the session ([`PageAuth`]
//! redirects to `/login` when there is none) and every form post checks a
//! CSRF token ([`CsrfForm`] for signed-in forms, [`AnonForm`] for the
//! sign-in, first-run and language forms).

pub mod assets;
pub mod billing;
pub mod cancel_settings;
pub mod cases;
pub mod charts;
pub mod clients;
pub mod dashboard;
pub mod departure_settings;
pub mod early_warning;
mod forms;
pub mod ideal_client;
pub mod imports;
pub mod invitations;
pub mod members;
pub mod owners;
pub mod privacy;
pub mod reminders;
mod render;
pub mod session;
pub mod settings;
mod settings_form;
// --- outhooks (issue 17)
pub mod webhooks;
pub mod who_leaves;
// --- worklog --- (issue 16)
pub mod final_report;
// --- updates --- (issue 16)
pub mod client_updates;
// --- frequency --- (issue 16)
pub mod contact_frequency;

pub use forms::{AnonForm, CsrfForm, ANON_CSRF_COOKIE};
pub use render::{render, render_template, Chrome};

use crate::auth::{token_hash, SESSION_COOKIE};
use crate::error::ApiError;
use crate::i18n;
use crate::AppState;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use churnwise_app::AppError;
use churnwise_domain::Lang;
use churnwise_store::{Access, StoreError};

/// The signed-in user of a page request, with the session's CSRF token and
/// the language to answer in. Without a live session the request is
/// redirected to `/login?next=PATH`.
#[derive(Debug, Clone)]
pub struct PageAuth {
    /// Who and where.
    pub access: Access,
    /// The session's CSRF token, put in every form.
    pub csrf: String,
    /// The hash of the session cookie (to switch workspace or sign out).
    pub session_hash: String,
    /// The language of the answer.
    pub lang: Lang,
    /// The path and query of the request, for links back to it.
    pub path: String,
}

impl PageAuth {
    /// Fails unless the role may create and change records.
    pub fn require_write(&self) -> Result<(), PageError> {
        if self.access.role.can_write() {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// Fails unless the role may manage users, tokens and settings.
    pub fn require_manage(&self) -> Result<(), PageError> {
        if self.access.role.can_manage() {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// Fails unless the user is an owner of the workspace.
    pub fn require_owner(&self) -> Result<(), PageError> {
        if self.access.role == churnwise_domain::registry::Role::Owner {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// The user as the audit log names them.
    pub fn actor(&self) -> churnwise_app::audit::Actor {
        churnwise_app::audit::Actor::user(&self.access.user)
    }

    /// The workspace acted in.
    pub fn ws(&self) -> churnwise_store::WorkspaceId {
        self.access.workspace.id
    }
}

fn request_path(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |u| u.0.clone());
    uri.path_and_query()
        .map_or_else(|| "/".to_string(), |pq| pq.as_str().to_string())
}

/// Looks up the live session of a request, once per request.
pub(crate) async fn session_of(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<PageAuth>, PageError> {
    if let Some(found) = parts.extensions.get::<Option<PageAuth>>() {
        return Ok(found.clone());
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let found = match jar.get(SESSION_COOKIE) {
        None => None,
        Some(cookie) => {
            let hash = token_hash(cookie.value());
            state
                .store
                .find_session(&hash, chrono::Utc::now())
                .await?
                .map(|session| PageAuth {
                    // The user's saved language wins; else the cookie or the browser's.
                    lang: session
                        .access
                        .user
                        .lang
                        .unwrap_or_else(|| i18n::negotiate(&parts.headers)),
                    access: session.access,
                    csrf: session.csrf_token,
                    session_hash: hash,
                    path: request_path(parts),
                })
        }
    };
    parts.extensions.insert(found.clone());
    Ok(found)
}

/// The session of a request when there is one (for pages that also serve
/// visitors who are not signed in).
#[derive(Debug, Clone)]
pub struct MaybePageAuth(pub Option<PageAuth>);

impl FromRequestParts<AppState> for MaybePageAuth {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        Ok(MaybePageAuth(session_of(parts, state).await?))
    }
}

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match session_of(parts, state).await? {
            Some(auth) => Ok(auth),
            None => Err(PageError::SignIn(request_path(parts))),
        }
    }
}

/// The language of a request that may have no session.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(i18n::negotiate(&parts.headers)))
    }
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No live session: go to the sign-in page, then back to this path.
    #[error("sign in first")]
    SignIn(String),
    /// The role does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// The form's CSRF token is missing or wrong.
    #[error("the form expired")]
    Csrf,
    /// No such record in this workspace.
    #[error("not found")]
    NotFound,
    /// A rule refused the change (for example a second open case).
    #[error("conflict")]
    Conflict,
    /// The request itself is malformed (not a field a person typed).
    #[error("bad request")]
    BadRequest,
    /// The database is busy with another write (such as a long import).
    #[error("busy")]
    Busy,
    /// Something failed inside; logged, not shown.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::from(AppError::from(e))
    }
}

/// The one conversion of the application's error into an error page (a
/// refused form is drawn again by its handler before it gets here).
impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => PageError::NotFound,
            AppError::Case(e)
                if e.kind() == churnwise_domain::departure::CaseErrorKind::NotFound =>
            {
                PageError::NotFound
            }
            AppError::Case(_) | AppError::Conflict(_) | AppError::StaleVersion(_) => {
                PageError::Conflict
            }
            AppError::File(_) => PageError::BadRequest,
            AppError::Busy => PageError::Busy,
            AppError::Member(e) => {
                use churnwise_app::members::MemberError as M;
                match e {
                    M::NotManager | M::OwnerOnly | M::OtherAccount => PageError::Forbidden,
                    M::InvitationGone => PageError::NotFound,
                    M::LastOwner | M::AlreadyMember => PageError::Conflict,
                }
            }
            AppError::Internal(e) => PageError::Internal(e),
            other @ (AppError::Invalid(_) | AppError::Throttled { .. }) => {
                PageError::Internal(anyhow::anyhow!("unexpected page error: {other}"))
            }
        }
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Unauthorized => PageError::SignIn("/".into()),
            ApiError::Forbidden => PageError::Forbidden,
            ApiError::Csrf => PageError::Csrf,
            ApiError::NotFound => PageError::NotFound,
            ApiError::Internal(e) => PageError::Internal(e),
            ApiError::Unavailable(_) => PageError::Busy,
            ApiError::Case(e)
                if e.kind() == churnwise_domain::departure::CaseErrorKind::NotFound =>
            {
                PageError::NotFound
            }
            ApiError::Case(_) | ApiError::Rule { .. } | ApiError::Conflict(_) => {
                PageError::Conflict
            }
            other => PageError::Internal(anyhow::anyhow!("unexpected page error: {other}")),
        }
    }
}

/// The kind of error page to draw, left on the response for
/// [`error_pages`] to render in the request's language.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = match self {
            PageError::SignIn(next) => {
                let target = format!(
                    "/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                return Redirect::to(&target).into_response();
            }
            PageError::Forbidden | PageError::Csrf => StatusCode::FORBIDDEN,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Conflict => StatusCode::CONFLICT,
            PageError::BadRequest => StatusCode::BAD_REQUEST,
            PageError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal(e) => {
                tracing::error!(error = ?e, "internal error on a page");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(status));
        response
    }
}

/// Middleware of the page routes: draws the error page, in the request's
/// language, for any response that carries an [`ErrorPage`].
pub async fn error_pages(request: Request, next: Next) -> Response {
    let lang = i18n::negotiate(request.headers());
    let response = next.run(request).await;
    match response.extensions().get::<ErrorPage>() {
        Some(ErrorPage(status)) => {
            let status = *status;
            let key = match status.as_u16() {
                403 => "error-forbidden",
                404 => "error-not-found",
                400 => "error-bad-request",
                409 => "error-conflict",
                503 => "error-busy",
                _ => "error-internal",
            };
            let ctx = minijinja::context! { lang => i18n::code(lang), message_key => key, status => status.as_u16() };
            let mut page = match render::render_template("error.html", ctx) {
                Ok(html) => (
                    status,
                    [(header::CACHE_CONTROL, "no-store")],
                    axum::response::Html(html),
                )
                    .into_response(),
                Err(_) => status.into_response(),
            };
            if status == StatusCode::SERVICE_UNAVAILABLE {
                page.headers_mut().insert(
                    header::RETRY_AFTER,
                    header::HeaderValue::from(crate::error::BUSY_RETRY_AFTER_SECS),
                );
            }
            page
        }
        None => response,
    }
}

/// A 303 redirect to `path` after a successful form post (to `/` should
/// `path` not be a valid header value, rather than a panic).
pub fn see_other(path: &str) -> Response {
    if header::HeaderValue::from_str(path).is_err() {
        return Redirect::to("/").into_response();
    }
    Redirect::to(path).into_response()
}

/// True when `target` can only mean a path on this site: it starts with a
/// single `/` (not `//` or `/\`, which browsers read as another host) and
/// holds only visible ASCII characters and no backslash anywhere. Browsers
/// strip tab, CR and LF from URLs and read `\` as `/`, so `/\t/evil.test`
/// would become `//evil.test`: any control character, space or non-ASCII
/// byte is refused rather than cleaned, and the result is always a valid
/// `Location` header.
pub fn is_local_path(target: &str) -> bool {
    let bytes = target.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'\\')
}

/// Keeps `next` only if it is a path on this site ([`is_local_path`]), else
/// `/` (no open redirects).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if is_local_path(p) => p.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path(Some("/clients?page=2")), "/clients?page=2");
        assert_eq!(local_path(Some("//evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn a_next_that_a_browser_could_read_as_another_host_is_refused() {
        for bad in [
            "/\t/evil.test/steal",
            "/\n/evil.test",
            "/\r\n/evil.test",
            "/\x0b/evil.test",
            "/ /evil.test",
            "\t//evil.test",
            "/\\evil.test",
            "/a\\b",
            "\\\\evil.test",
            "http://evil.test",
            "javascript:alert(1)",
            "evil.test",
            "@evil.test",
            "",
            "/caf\u{e9}",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        for good in [
            "/",
            "/clients",
            "/clients/3?tab=cases#top",
            "/clients?q=ana@x.es",
        ] {
            assert_eq!(local_path(Some(good)), good);
        }
    }

    #[test]
    fn a_redirect_to_a_value_that_is_not_a_header_goes_home_instead_of_failing() {
        let response = see_other("/a\r\nSet-Cookie: x=1");
        assert_eq!(response.headers()[header::LOCATION], "/");
    }
}
