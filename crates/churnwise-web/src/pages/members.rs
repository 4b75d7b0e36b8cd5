//! Users and roles on the settings page: owners and managers add a user to
//! the workspace (a new account gets the password typed by the person adding
//! it; an existing account keeps its own) and change roles. Only an owner may
//! make or unmake an owner, and the last owner stays an owner.

use super::forms::{field_error_key, FieldProblems};
use super::settings::{settings_page, Shown};
use super::{see_other, CsrfForm, PageAuth, PageError};
use crate::auth::{check_password_strength, hash_password};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::audit;
use churnwise_domain::registry::{Email, Role};
use churnwise_store::UserId;
use serde::{Deserialize, Serialize};

/// The add-a-user form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct MemberForm {
    /// Sign-in email.
    #[serde(default)]
    pub email: String,
    /// Role key.
    #[serde(default)]
    pub role: String,
    /// First password of a new account (never shown again).
    #[serde(default, skip_serializing)]
    pub password: String,
    /// Refused fields (`member_email`, `member_role`, `member_password`).
    #[serde(skip_deserializing)]
    pub errors: FieldProblems,
}

fn may_grant(auth: &PageAuth, role: Role) -> bool {
    role != Role::Owner || auth.access.role == Role::Owner
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

/// `POST /settings/members`: adds a user to the workspace.
pub async fn add(
    State(state): State<AppState>,
    CsrfForm(auth, mut form): CsrfForm<MemberForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let mut errors = FieldProblems::new();
    let email = match Email::parse(&form.email) {
        Ok(email) => Some(email),
        Err(e) => {
            errors.insert("member_email".into(), field_error_key("email", &e.message));
            None
        }
    };
    let role = match form.role.parse::<Role>() {
        Ok(role) if may_grant(&auth, role) => Some(role),
        Ok(_) => {
            errors.insert("member_role".into(), "members-owner-only");
            None
        }
        Err(_) => {
            errors.insert("member_role".into(), "form-invalid");
            None
        }
    };
    let existing = match &email {
        Some(email) => state.store.find_user_by_email(email.as_str()).await?,
        None => None,
    };
    if existing.is_none() && email.is_some() {
        if let Err(_reason) = check_password_strength(&form.password) {
            errors.insert("member_password".into(), "members-password-short");
        }
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        form.errors = errors;
        return refused(&state, &auth, form).await;
    };
    let (user, done) = match existing {
        Some(found) => (found.user, "member-existing-added"),
        None => {
            let hash = hash_password(&form.password).map_err(PageError::Internal)?;
            (
                state.store.upsert_user(email.as_str(), &hash).await?,
                "member-added",
            )
        }
    };
    state.store.set_membership(user.id, auth.ws(), role).await?;
    let detail = format!("{} as {role}", user.email);
    let subject = audit::Subject::Member(user.id);
    audit::record(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        audit::Action::MemberAdded,
        subject,
        &detail,
    )
    .await?;
    Ok(see_other(&format!("/settings?done={done}#members")))
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
    let members = state.store.workspace_members(auth.ws()).await?;
    let member = members
        .iter()
        .find(|m| m.user.id == UserId(user))
        .ok_or(PageError::NotFound)?;
    let owners = members.iter().filter(|m| m.role == Role::Owner).count();
    let refusal = if !may_grant(&auth, role) || !may_grant(&auth, member.role) {
        Some("members-owner-only")
    } else if member.role == Role::Owner && role != Role::Owner && owners == 1 {
        Some("members-last-owner")
    } else {
        None
    };
    if let Some(key) = refusal {
        let form = MemberForm {
            errors: [("member_role_change".to_string(), key)]
                .into_iter()
                .collect(),
            ..MemberForm::default()
        };
        return refused(&state, &auth, form).await;
    }
    state
        .store
        .set_membership(member.user.id, auth.ws(), role)
        .await?;
    let detail = format!("{}: {} → {role}", member.user.email, member.role);
    audit::record(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        audit::Action::MemberRoleChanged,
        audit::Subject::Member(member.user.id),
        &detail,
    )
    .await?;
    Ok(see_other("/settings?done=role-changed#members"))
}
