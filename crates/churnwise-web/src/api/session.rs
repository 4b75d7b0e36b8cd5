//! Sign-in and sign-out: `POST /api/v1/session` sets an HttpOnly session
//! cookie; `DELETE` ends it; `GET` says who is signed in; `PUT
//! /api/v1/session/workspace` switches workspace.

use crate::api::bodies::*;
use crate::auth::{self, Auth, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::security::{check_same_origin, ClientIp};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use churnwise_app::credentials::{SignedIn, SESSION_DAYS};
use churnwise_app::throttle::{self, SignInAttempt};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Credentials to sign in.
#[derive(Deserialize, ToSchema)]
pub struct SignIn {
    /// Account email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Workspace name to act in (default: the first one).
    pub workspace: Option<String>,
}

/// The signed-in user and where they act.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// Email.
    pub email: String,
    /// Current workspace name.
    pub workspace: String,
    /// Role there.
    pub role: String,
    /// Every workspace of the user.
    pub workspaces: Vec<MembershipBody>,
    /// Token to send as `X-CSRF-Token` on changes made with the cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// True when the request reached us over HTTPS (directly or via a proxy).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Builds the session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS.
pub fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_days(SESSION_DAYS))
        .build()
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

/// Signs in with email and password; sets the session cookie. Only a
/// JSON body is read, and a browser may send it only from this site's own
/// pages (no login CSRF). Failed sign-ins are counted per account and per
/// client address: past the limit sign-in is locked for a while (429 with
/// `Retry-After`), even with the right password.
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignIn,
    responses((status = 200, body = SessionView), (status = 422, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 415, body = crate::error::Problem),
        (status = 429, body = crate::error::Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(client): ClientIp,
    jar: CookieJar,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<(CookieJar, Json<SessionView>)> {
    check_same_origin(&headers, state.trust_forwarded_for)?;
    let SignedIn {
        token,
        csrf,
        chosen,
        memberships: workspaces,
        email,
    } = throttle::sign_in(
        state.store.as_ref(),
        SignInAttempt {
            email: &body.email,
            password: &body.password,
            workspace: body.workspace.as_deref(),
            client: Some(client),
        },
        chrono::Utc::now(),
    )
    .await?;
    let secure = state.secure_cookies || is_https(&headers);
    Ok((
        jar.add(session_cookie(token, secure)),
        Json(SessionView {
            email,
            workspace: chosen.workspace.name,
            role: chosen.role.to_string(),
            workspaces: all(workspaces),
            csrf_token: Some(csrf),
        }),
    ))
}

/// Who is signed in, and where.
#[utoipa::path(get, path = "/session", tag = "session",
    responses((status = 200, body = SessionView), (status = 401, body = crate::error::Problem)))]
pub async fn whoami(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<SessionView>> {
    let workspaces = state.store.memberships(auth.0.user.id).await?;
    Ok(Json(SessionView {
        email: auth.0.user.email,
        workspace: auth.0.workspace.name,
        role: auth.0.role.to_string(),
        workspaces: all(workspaces),
        csrf_token: None,
    }))
}

/// Signs out: deletes the session and clears the cookie. With a live
/// session cookie the request must carry its CSRF token and come from this
/// site, like every other cookie-authenticated change.
#[utoipa::path(delete, path = "/session", tag = "session", responses((status = 204),
    (status = 403, body = crate::error::Problem)))]
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
) -> ApiResult<Response> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let hash = auth::token_hash(cookie.value());
        if let Some(session) = state.store.find_session(&hash, chrono::Utc::now()).await? {
            auth::check_cookie_change(&headers, &session.csrf_token, state.trust_forwarded_for)?;
            state.store.delete_session(&hash).await?;
        }
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((
        StatusCode::NO_CONTENT,
        jar,
        [(header::CACHE_CONTROL, "no-store")],
    )
        .into_response())
}

/// A workspace to switch to.
#[derive(Deserialize, ToSchema)]
pub struct SwitchWorkspace {
    /// Workspace name.
    pub workspace: String,
}

/// Switches the session to another of the user's workspaces.
#[utoipa::path(put, path = "/session/workspace", tag = "session", request_body = SwitchWorkspace,
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn switch_workspace(
    State(state): State<AppState>,
    auth: Auth,
    jar: CookieJar,
    ApiJson(body): ApiJson<SwitchWorkspace>,
) -> ApiResult<StatusCode> {
    let cookie = jar.get(SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
    let memberships = state.store.memberships(auth.0.user.id).await?;
    let target = memberships
        .iter()
        .find(|m| m.workspace.name == body.workspace)
        .ok_or(ApiError::NotFound)?;
    state
        .store
        .switch_session_workspace(&auth::token_hash(cookie.value()), target.workspace.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
