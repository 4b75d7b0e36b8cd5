//! Form posts with CSRF protection. A signed-in form echoes the session's
//! CSRF token in a hidden `csrf` field; a form shown before sign-in echoes
//! the value of the `churnwise_csrf` cookie (double submit). A post whose
//! token does not match is refused with 403 before the handler runs.

use super::{session_of, PageAuth, PageError};
use crate::auth::constant_time_eq;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use churnwise_app::AppError;
use serde::de::DeserializeOwned;

/// Name of the cookie that carries the CSRF token of forms shown before sign-in.
pub const ANON_CSRF_COOKIE: &str = "churnwise_csrf";

/// A urlencoded form `T` posted by a signed-in user, with its CSRF token checked.
pub struct CsrfForm<T>(pub PageAuth, pub T);

/// A urlencoded form `T` that may be posted without a session (sign-in,
/// first run, language), with its CSRF token checked against the
/// `churnwise_csrf` cookie or, when signed in, the session.
pub struct AnonForm<T>(pub Option<PageAuth>, pub T);

fn csrf_field(body: &[u8]) -> String {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body).map_err(|_| PageError::BadRequest)
}

async fn split(
    req: Request,
    state: &AppState,
) -> Result<(Option<PageAuth>, CookieJar, Bytes), PageError> {
    let (mut parts, body) = req.into_parts();
    let session = session_of(&mut parts, state).await?;
    let jar = CookieJar::from_headers(&parts.headers);
    let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(|_| PageError::BadRequest)?;
    Ok((session, jar, bytes))
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let path = req.uri().path().to_string();
        let (session, _, bytes) = split(req, state).await?;
        let session = session.ok_or(PageError::SignIn(path))?;
        let sent = csrf_field(&bytes);
        if !constant_time_eq(sent.as_bytes(), session.csrf.as_bytes()) {
            return Err(PageError::Csrf);
        }
        Ok(CsrfForm(session, parse(&bytes)?))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for AnonForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (session, jar, bytes) = split(req, state).await?;
        let sent = csrf_field(&bytes);
        let by_cookie = jar.get(ANON_CSRF_COOKIE).is_some_and(|c| {
            !sent.is_empty() && constant_time_eq(sent.as_bytes(), c.value().as_bytes())
        });
        let by_session = session
            .as_ref()
            .is_some_and(|s| constant_time_eq(sent.as_bytes(), s.csrf.as_bytes()));
        if !(by_cookie || by_session) {
            return Err(PageError::Csrf);
        }
        Ok(AnonForm(session, parse(&bytes)?))
    }
}

/// The CSRF token for forms shown before sign-in: the existing cookie's, or
/// a new one set on `jar`.
pub fn anon_csrf(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(c) = jar.get(ANON_CSRF_COOKIE) {
        if c.value().len() == 64 {
            let value = c.value().to_string();
            return (jar, value);
        }
    }
    let value = crate::auth::new_token();
    let cookie = Cookie::build((ANON_CSRF_COOKIE, value.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .build();
    (jar.add(cookie), value)
}

/// A form whose only field is its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct EmptyForm {}

/// The invalid fields of a refused form, each with the Fluent key of the
/// message to show next to it.
pub type FieldProblems = std::collections::BTreeMap<String, &'static str>;

/// The message key of a too-long field that says its limit: `form-too-long-max`
/// with the limit after a colon (`form-too-long-max:200`), which the templates'
/// `t` passes to the message as `$max`. Limits are constants of the code, so
/// the few keys made are kept for the life of the process.
pub fn too_long_key(max: usize) -> &'static str {
    static KEYS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::BTreeMap<usize, &'static str>>,
    > = std::sync::OnceLock::new();
    let mut keys = KEYS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    keys.entry(max)
        .or_insert_with(|| Box::leak(format!("form-too-long-max:{max}").into_boxed_str()))
}

/// The message key for a field the validation refused.
pub fn field_error_key(field: &str, reason: &str) -> &'static str {
    if reason == "is required" {
        "form-required"
    } else if let Some(max) = reason
        .strip_prefix("is longer than ")
        .and_then(|r| r.strip_suffix(" characters"))
        .and_then(|n| n.parse::<usize>().ok())
    {
        too_long_key(max)
    } else if reason.starts_with("is longer than") {
        "form-too-long"
    } else if reason == churnwise_app::cases::NOTICE_IN_FUTURE {
        "form-date-future"
    } else if reason == churnwise_domain::departure::END_BEFORE_NOTICE {
        "form-end-before-notice"
    } else if reason == churnwise_app::cases::FOLLOW_UP_BEFORE_CASE {
        "form-follow-up-before-case"
    } else if reason == churnwise_app::clients::NAME_TAKEN {
        "form-client-name-taken"
    } else if reason == "is already taken" {
        "form-taken"
    } else if field == "keep_in_touch_days" {
        "form-days-range"
    } else if field == "email" {
        "form-email"
    } else if field.ends_with("_on") {
        "form-date"
    } else if field == "mrr" || field == "amount" {
        "form-amount"
    } else {
        "form-invalid"
    }
}

/// The field errors of a validation failure, or the error itself when it
/// is not about fields a person typed.
pub fn field_errors(e: AppError) -> Result<FieldProblems, PageError> {
    match e {
        AppError::Invalid(fields) => Ok(fields
            .iter()
            .map(|f| (f.field.clone(), field_error_key(&f.field, &f.message)))
            .collect()),
        AppError::Conflict(f) => Ok([(f.field.clone(), "form-taken")].into_iter().collect()),
        AppError::Case(e) if e.kind() == churnwise_domain::departure::CaseErrorKind::Invalid => {
            Ok(e.problems()
                .iter()
                .map(|p| {
                    // `first_evaluation.fruitful` is the form's `fruitful`.
                    let field = p.field.rsplit('.').next().unwrap_or(&p.field).to_string();
                    let key = field_error_key(&field, &p.message);
                    (field, key)
                })
                .collect())
        }
        other => Err(other.into()),
    }
}
