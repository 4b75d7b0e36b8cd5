//! Sign-in, sign-out, the first-run page that creates the first owner and
//! workspace, the workspace switcher and the language switcher.

use super::forms::EmptyForm;
use super::forms::{anon_csrf, FieldProblems};
use super::{
    local_path, render, see_other, AnonForm, Chrome, CsrfForm, MaybePageAuth, PageError, PageLang,
};
use crate::api::session::{is_https, session_cookie};
use crate::auth::{self, SESSION_COOKIE};
use crate::i18n::{self, LANG_COOKIE};
use crate::security::ClientIp;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use churnwise_app::credentials::sign_in_with_password;
use churnwise_app::throttle::{self, SignInAttempt};
use churnwise_domain::registry::{required_text, Email, Role};
use minijinja::context;
use serde::Deserialize;

/// Where to go after signing in.
#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    /// A local path.
    pub next: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Where to go next.
    pub next: Option<String>,
}

fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies || is_https(headers)
}

/// `GET /login`: the sign-in page (or the first-run page when nobody has an account).
pub async fn login_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    if state.store.count_users().await? == 0 {
        return Ok(see_other("/setup"));
    }
    let (jar, csrf) = anon_csrf(jar, secure(&state, &headers));
    let chrome = Chrome::anonymous(lang, csrf, "/login");
    let next = local_path(query.next.as_deref());
    let page = render(
        &chrome,
        "login.html",
        context! { next, email => "", error => false },
    )?;
    Ok((jar, page).into_response())
}

/// `POST /login`: checks the credentials (throttled like the API's
/// sign-in) and opens a session.
pub async fn login(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    ClientIp(client): ClientIp,
    jar: CookieJar,
    AnonForm(_, form): AnonForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = local_path(form.next.as_deref());
    let attempt = SignInAttempt {
        email: &form.email,
        password: &form.password,
        workspace: None,
        client: Some(client),
    };
    let (status, locked_secs) =
        match throttle::sign_in(state.store.as_ref(), attempt, chrono::Utc::now()).await {
            Ok(signed_in) => {
                // Invitations waiting for this account are asked about first.
                let waiting = churnwise_app::members::pending_for(
                    state.store.as_ref(),
                    &signed_in.email,
                    chrono::Utc::now(),
                )
                .await?;
                let next = if waiting.is_empty() {
                    next
                } else {
                    "/invitations".to_string()
                };
                let token = signed_in.token;
                let jar = jar.add(session_cookie(token, secure(&state, &headers)));
                return Ok((jar, see_other(&next)).into_response());
            }
            Err(churnwise_app::AppError::Invalid(_)) => (StatusCode::UNPROCESSABLE_ENTITY, 0),
            Err(churnwise_app::AppError::Throttled { retry_after_secs }) => {
                (StatusCode::TOO_MANY_REQUESTS, retry_after_secs)
            }
            Err(other) => return Err(other.into()),
        };
    let locked_minutes = locked_secs.div_ceil(60);
    let (jar, csrf) = anon_csrf(jar, secure(&state, &headers));
    let chrome = Chrome::anonymous(lang, csrf, "/login");
    let page = render(
        &chrome,
        "login.html",
        context! { next, email => form.email.trim(), error => true, locked_minutes },
    )?;
    let mut response = (status, jar, page).into_response();
    if locked_secs > 0 {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(locked_secs),
        );
    }
    Ok(response)
}

/// `POST /logout`: ends the session.
pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    state.store.delete_session(&auth.session_hash).await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, see_other("/login")).into_response())
}

/// The first-run form.
#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    /// Name of the first workspace.
    #[serde(default)]
    pub workspace: String,
    /// Email of the first owner.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Password again.
    #[serde(default)]
    pub password_again: String,
}

/// `GET /setup`: the first-run page, only while no account exists.
pub async fn setup_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if state.store.count_users().await? > 0 {
        return Ok(see_other("/login"));
    }
    let (jar, csrf) = anon_csrf(jar, secure(&state, &headers));
    let chrome = Chrome::anonymous(lang, csrf, "/setup");
    let errors = FieldProblems::new();
    let page = render(
        &chrome,
        "setup.html",
        context! { errors, workspace => "", email => "" },
    )?;
    Ok((jar, page).into_response())
}

fn check_setup(form: &SetupForm) -> Result<(String, Email), FieldProblems> {
    let mut errors = FieldProblems::new();
    let workspace = required_text("workspace", &form.workspace, 100)
        .map_err(|e| {
            errors.insert(
                e.field.clone(),
                super::forms::field_error_key(&e.field, &e.message),
            )
        })
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|_| errors.insert("email".into(), "form-email"))
        .ok();
    if auth::check_password_strength(&form.password).is_err() {
        errors.insert("password".into(), "form-password-short");
    } else if form.password != form.password_again {
        errors.insert("password_again".into(), "form-password-mismatch");
    }
    match (workspace, email) {
        (Some(w), Some(e)) if errors.is_empty() => Ok((w, e)),
        _ => Err(errors),
    }
}

/// `POST /setup`: creates the first owner and workspace, then signs in.
pub async fn setup(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    jar: CookieJar,
    AnonForm(_, form): AnonForm<SetupForm>,
) -> Result<Response, PageError> {
    if state.store.count_users().await? > 0 {
        return Ok(see_other("/login"));
    }
    let (workspace_name, email) = match check_setup(&form) {
        Ok(valid) => valid,
        Err(errors) => {
            let (jar, csrf) = anon_csrf(jar, secure(&state, &headers));
            let chrome = Chrome::anonymous(lang, csrf, "/setup");
            let page = render(
                &chrome,
                "setup.html",
                context! { errors, workspace => form.workspace.trim(), email => form.email.trim() },
            )?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
        }
    };
    let hash = churnwise_app::credentials::hash_password_async(&form.password).await?;
    let workspace = state.store.ensure_workspace(&workspace_name).await?;
    let user = state.store.upsert_user(email.as_str(), &hash).await?;
    state
        .store
        .set_membership(user.id, workspace.id, Role::Owner)
        .await?;
    let token = sign_in_with_password(state.store.as_ref(), email.as_str(), &form.password, None)
        .await?
        .token;
    let jar = jar.add(session_cookie(token, secure(&state, &headers)));
    Ok((jar, see_other("/")).into_response())
}

/// The workspace switcher's form.
#[derive(Debug, Deserialize)]
pub struct WorkspaceForm {
    /// The workspace to act in.
    pub workspace: String,
}

/// `POST /workspace`: moves the session to another of the user's workspaces.
pub async fn switch_workspace(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<WorkspaceForm>,
) -> Result<Response, PageError> {
    let memberships = state.store.memberships(auth.access.user.id).await?;
    let target = memberships
        .iter()
        .find(|m| m.workspace.name == form.workspace)
        .ok_or(PageError::NotFound)?;
    state
        .store
        .switch_session_workspace(&auth.session_hash, target.workspace.id)
        .await?;
    Ok(see_other("/"))
}

/// The language switcher's form.
#[derive(Debug, Deserialize)]
pub struct LangForm {
    /// `en` or `es`.
    pub lang: String,
    /// The page to come back to.
    pub next: Option<String>,
}

/// `POST /lang`: keeps the chosen language in the `lang` cookie for a year.
pub async fn set_lang(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    MaybePageAuth(session): MaybePageAuth,
    AnonForm(_, form): AnonForm<LangForm>,
) -> Result<Response, PageError> {
    let lang = i18n::parse_code(&form.lang).ok_or(PageError::BadRequest)?;
    if let Some(auth) = session {
        // A signed-in user's choice is kept with their account (pages and digests).
        state
            .store
            .update_user_profile(auth.access.user.id, None, Some(Some(lang)))
            .await?;
    }
    let cookie = Cookie::build((LANG_COOKIE, i18n::code(lang)))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure(&state, &headers))
        .max_age(cookie::time::Duration::days(365))
        .build();
    Ok((
        jar.add(cookie),
        see_other(&local_path(form.next.as_deref())),
    )
        .into_response())
}

/// `GET /`: the dashboard for a signed-in user, else the sign-in page.
pub async fn home() -> Response {
    see_other("/dashboard")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_run_form_names_every_invalid_field() {
        let form = SetupForm {
            workspace: " ".into(),
            email: "not an email".into(),
            password: "short".into(),
            password_again: "short".into(),
        };
        let errors = check_setup(&form).unwrap_err();
        assert_eq!(errors.get("workspace"), Some(&"form-required"));
        assert_eq!(errors.get("email"), Some(&"form-email"));
        assert_eq!(errors.get("password"), Some(&"form-password-short"));
        let mismatch = SetupForm {
            workspace: "Acme".into(),
            email: "ana@example.com".into(),
            password: "long enough pw".into(),
            password_again: "long enough pw!".into(),
        };
        assert_eq!(
            check_setup(&mismatch).unwrap_err().get("password_again"),
            Some(&"form-password-mismatch")
        );
    }
}
