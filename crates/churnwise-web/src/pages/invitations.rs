//! Accepting an invitation to a workspace (`churnwise_app::members`): by its
//! secret link `/invitations/{token}` (the invited person signs in with
//! their account's password, creates an account there, or accepts as the
//! account already signed in), or on the page `/invitations` that sign-in
//! leads to while invitations wait for the account. Nothing is attached
//! before the person accepts.

use super::forms::{anon_csrf, field_error_key, EmptyForm, FieldProblems};
use super::PageLang;
use super::{render, see_other, AnonForm, Chrome, CsrfForm, MaybePageAuth, PageAuth, PageError};
use crate::api::session::{is_https, session_cookie};
use crate::security::ClientIp;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use churnwise_app::members::{self, MemberError};
use churnwise_app::AppError;
use churnwise_domain::Lang;
use churnwise_store::{Invitation, InvitationId};
use minijinja::context;
use serde::Deserialize;

fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies || is_https(headers)
}

/// The invitation-link form: which way the person accepts, and its fields.
#[derive(Debug, Default, Deserialize)]
pub struct AcceptForm {
    /// `session` (the signed-in account), `signin` (an account's password)
    /// or `create` (a new account).
    #[serde(default)]
    pub mode: String,
    /// Display name of a new account.
    #[serde(default)]
    pub name: String,
    /// Password (of the existing account, or the new account's).
    #[serde(default)]
    pub password: String,
    /// The new password again.
    #[serde(default)]
    pub password_again: String,
}

/// What the link page draws: the invitation, the refused fields and the
/// name as typed, with the answer's status.
struct Drawn<'a> {
    token: &'a str,
    invitation: &'a Invitation,
    errors: FieldProblems,
    name: String,
    status: StatusCode,
}

async fn draw(
    state: &AppState,
    lang: Lang,
    session: Option<&PageAuth>,
    jar: CookieJar,
    headers: &HeaderMap,
    drawn: Drawn<'_>,
) -> Result<Response, PageError> {
    let Drawn {
        token,
        invitation,
        errors,
        name,
        status,
    } = drawn;
    let path = members::invitation_path(token);
    let (jar, chrome) = match session {
        Some(auth) => (jar, Chrome::of(auth, state, "").await?),
        None => {
            let (jar, csrf) = anon_csrf(jar, secure(state, headers));
            (jar, Chrome::anonymous(lang, csrf, &path))
        }
    };
    let lang = session.map_or(lang, |s| s.lang);
    let signed_in_as = session.map(|s| s.access.user.email.clone());
    let page = render(
        &chrome,
        "invitation.html",
        context! {
            action => path,
            workspace => invitation.workspace.name.clone(),
            email => invitation.email.clone(),
            role => invitation.role.as_str(),
            invited_by => invitation.invited_by.clone(),
            expires_on => churnwise_app::i18n::date(lang, invitation.expires_at.date_naive()),
            is_me => signed_in_as.as_deref() == Some(invitation.email.as_str()),
            signed_in_as,
            errors,
            name,
        },
    )?;
    Ok((status, jar, page).into_response())
}

fn gone(
    lang: Lang,
    jar: CookieJar,
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let (jar, csrf) = anon_csrf(jar, secure(state, headers));
    let chrome = Chrome::anonymous(lang, csrf, "/login");
    let page = render(&chrome, "invitation_gone.html", context! {})?;
    Ok((StatusCode::NOT_FOUND, jar, page).into_response())
}

/// `GET /invitations/{token}`: the invitation, and the ways to accept it.
pub async fn show(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    MaybePageAuth(session): MaybePageAuth,
    headers: HeaderMap,
    jar: CookieJar,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let now = chrono::Utc::now();
    let invitation = match members::find_by_token(state.store.as_ref(), &token, now).await {
        Ok(i) => i,
        Err(AppError::Member(MemberError::InvitationGone)) => {
            return gone(lang, jar, &state, &headers)
        }
        Err(e) => return Err(e.into()),
    };
    draw(
        &state,
        lang,
        session.as_ref(),
        jar,
        &headers,
        Drawn {
            token: &token,
            invitation: &invitation,
            errors: FieldProblems::new(),
            name: String::new(),
            status: StatusCode::OK,
        },
    )
    .await
}

/// `POST /invitations/{token}`: accepts the invitation, then opens the
/// joined workspace.
pub async fn accept(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    jar: CookieJar,
    Path(token): Path<String>,
    ClientIp(client): ClientIp,
    AnonForm(session, form): AnonForm<AcceptForm>,
) -> Result<Response, PageError> {
    let now = chrono::Utc::now();
    let store = state.store.as_ref();
    let invitation = match members::find_by_token(store, &token, now).await {
        Ok(i) => i,
        Err(AppError::Member(MemberError::InvitationGone)) => {
            return gone(lang, jar, &state, &headers)
        }
        Err(e) => return Err(e.into()),
    };
    let joined = match form.mode.as_str() {
        "session" => {
            let auth = session.as_ref().ok_or(PageError::BadRequest)?;
            let accepted = members::accept_signed_in(store, &token, &auth.access.user, now).await?;
            store
                .switch_session_workspace(&auth.session_hash, accepted.workspace.id)
                .await?;
            return Ok(see_other("/dashboard"));
        }
        "signin" => {
            members::accept_with_password(store, &token, &form.password, Some(client), now).await
        }
        "create" if form.password != form.password_again => {
            Err(AppError::field("password_again", "differs"))
        }
        "create" => {
            members::accept_as_new_account(store, &token, &form.name, &form.password, now).await
        }
        _ => return Err(PageError::BadRequest),
    };
    let errors: FieldProblems = match joined {
        Ok(joined) => {
            let jar = jar.add(session_cookie(joined.token, secure(&state, &headers)));
            return Ok((jar, see_other("/dashboard")).into_response());
        }
        Err(AppError::Invalid(problems)) => problems
            .iter()
            .map(|p| {
                let key = match (form.mode.as_str(), p.field.as_str()) {
                    ("signin", "password") => "login-wrong",
                    (_, "password") => "form-password-short",
                    (_, "password_again") => "form-password-mismatch",
                    (_, field) => field_error_key(field, &p.message),
                };
                (format!("{}_{}", form.mode, p.field), key)
            })
            .collect(),
        Err(AppError::Conflict(_)) => [("create_email".to_string(), "invitation-account-exists")]
            .into_iter()
            .collect(),
        Err(AppError::Throttled { .. }) => [("signin_password".to_string(), "invitation-locked")]
            .into_iter()
            .collect(),
        Err(e) => return Err(e.into()),
    };
    draw(
        &state,
        lang,
        session.as_ref(),
        jar,
        &headers,
        Drawn {
            token: &token,
            invitation: &invitation,
            errors,
            name: form.name.trim().to_string(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        },
    )
    .await
}

/// `GET /invitations`: the invitations waiting for the signed-in account
/// (sign-in leads here while there are any).
pub async fn pending(State(state): State<AppState>, auth: PageAuth) -> Result<Response, PageError> {
    let now = chrono::Utc::now();
    let waiting = members::pending_for(state.store.as_ref(), &auth.access.user.email, now).await?;
    let invitations: Vec<_> = waiting
        .into_iter()
        .map(|i| {
            context! {
                id => i.id.0,
                workspace => i.workspace.name,
                role => i.role.as_str(),
                invited_by => i.invited_by,
                expires_on => churnwise_app::i18n::date(auth.lang, i.expires_at.date_naive()),
            }
        })
        .collect();
    let chrome = Chrome::of(&auth, &state, "").await?;
    render(&chrome, "invitations.html", context! { invitations })
}

/// `POST /invitations/pending/{id}/accept`: accepts one of the signed-in
/// account's invitations and moves the session to that workspace.
pub async fn accept_pending(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let now = chrono::Utc::now();
    let accepted = members::accept_pending(
        state.store.as_ref(),
        &auth.access.user,
        InvitationId(id),
        now,
    )
    .await?;
    state
        .store
        .switch_session_workspace(&auth.session_hash, accepted.workspace.id)
        .await?;
    Ok(see_other("/dashboard"))
}

/// `POST /invitations/pending/{id}/decline`: declines one of the signed-in
/// account's invitations.
pub async fn decline_pending(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    members::decline_pending(state.store.as_ref(), &auth.access.user, InvitationId(id)).await?;
    Ok(see_other("/invitations"))
}
