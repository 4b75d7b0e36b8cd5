//! Users and roles on the settings page, through `churnwise_app::members`:
//! owners and managers invite someone by email (an invitation the person
//! accepts; nobody is attached before), see and revoke pending invitations,
//! and change roles. Only an owner may make or unmake an owner, and the last
//! owner stays an owner.

use super::forms::{field_error_key, EmptyForm, FieldProblems};
use super::settings::{settings_page, Shown};
use super::{see_other, CsrfForm, PageAuth, PageError};
use crate::api::session::is_https;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use churnwise_app::members::{self, Inviter, MemberError};
use churnwise_app::AppError;
use churnwise_domain::registry::Role;
use churnwise_store::{InvitationId, UserId};
use serde::{Deserialize, Serialize};

/// The invite form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct MemberForm {
    /// Email of the person invited.
    #[serde(default)]
    pub email: String,
    /// Role key.
    #[serde(default)]
    pub role: String,
    /// Refused fields (`member_email`, `member_role`, `member_role_change`).
    #[serde(skip_deserializing)]
    pub errors: FieldProblems,
}

/// An invitation just made, shown once on the settings page.
#[derive(Debug, Clone, Serialize)]
pub struct NewInvitation {
    /// The invited email.
    pub email: String,
    /// The full link to copy.
    pub link: String,
    /// Whether it was also emailed: `None` without SMTP, `Some(false)` when
    /// sending failed.
    pub emailed: Option<bool>,
}

async fn refused(
    state: &AppState,
    auth: &PageAuth,
    form: MemberForm,
) -> Result<Response, PageError> {
    let page = settings_page(
        state,
        auth,
        Shown {
            member: Some(form),
            ..Shown::default()
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The address links in emails start with: the configured public URL, else
/// the request's host.
pub(super) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.secure_cookies || is_https(headers) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// `POST /settings/members`: invites someone to the workspace. The answer
/// is the same whether or not the email has an account.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(auth, mut form): CsrfForm<MemberForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let now = chrono::Utc::now();
    let invited = match members::invite(
        state.store.as_ref(),
        Inviter::Member(&auth.access),
        &form.email,
        &form.role,
        now,
    )
    .await
    {
        Ok(invited) => invited,
        Err(AppError::Invalid(problems)) => {
            for p in problems {
                let key = field_error_key(&p.field, &p.message);
                form.errors.insert(format!("member_{}", p.field), key);
            }
            return refused(&state, &auth, form).await;
        }
        Err(AppError::Member(e @ (MemberError::OwnerOnly | MemberError::AlreadyMember))) => {
            let field = match e {
                MemberError::OwnerOnly => "member_role",
                _ => "member_email",
            };
            form.errors.insert(field.into(), e.message_key());
            return refused(&state, &auth, form).await;
        }
        Err(e) => return Err(e.into()),
    };
    let link = format!("{}{}", base_url(&state, &headers), invited.path());
    let emailed = match &state.mailer {
        None => None,
        Some(mailer) => {
            let sent = members::send_invitation(
                mailer.as_ref(),
                &invited,
                &link,
                Some(auth.access.user.email.as_str()),
                auth.lang,
            )
            .await;
            if let Err(reason) = &sent {
                tracing::warn!(%reason, "the invitation email was not sent");
            }
            Some(sent.is_ok())
        }
    };
    settings_page(
        &state,
        &auth,
        Shown {
            new_invitation: Some(NewInvitation {
                email: invited.invitation.email.clone(),
                link,
                emailed,
            }),
            ..Shown::default()
        },
    )
    .await
}

/// `POST /settings/invitations/{id}/revoke`: revokes a pending invitation.
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    members::revoke(state.store.as_ref(), &auth.access, InvitationId(id)).await?;
    Ok(see_other("/settings?done=invitation-revoked#members"))
}

/// The change-a-role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    /// The new role key.
    #[serde(default)]
    pub role: String,
}

/// `POST /settings/members/{user}/role`: changes a member's role.
pub async fn change_role(
    State(state): State<AppState>,
    Path(user): Path<i64>,
    CsrfForm(auth, form): CsrfForm<RoleForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let role = form
        .role
        .parse::<Role>()
        .map_err(|_| PageError::BadRequest)?;
    match members::change_role(state.store.as_ref(), &auth.access, UserId(user), role).await {
        Ok(()) => Ok(see_other("/settings?done=role-changed#members")),
        Err(AppError::Member(e @ (MemberError::OwnerOnly | MemberError::LastOwner))) => {
            let form = MemberForm {
                errors: [("member_role_change".to_string(), e.message_key())]
                    .into_iter()
                    .collect(),
                ..MemberForm::default()
            };
            refused(&state, &auth, form).await
        }
        Err(e) => Err(e.into()),
    }
}
