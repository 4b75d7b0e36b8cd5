//! Settings → Owners (issue 12): the owner names found on clients, with how
//! many clients carry each, the member each already means and a suggested
//! member, and a form per name that maps it to a member (owners and
//! managers), through `churnwise_app::owners` like the API.

use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::owners;
use churnwise_app::AppError;
use churnwise_store::UserId;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// The query of the owners page.
#[derive(Debug, Default, Deserialize)]
pub struct OwnersQuery {
    /// Set after a save.
    #[serde(default)]
    pub done: String,
}

/// The form of one owner name.
#[derive(Debug, Deserialize)]
pub struct OwnerForm {
    /// The owner name.
    #[serde(default)]
    pub name: String,
    /// The member's id, or empty for nobody.
    #[serde(default)]
    pub user: String,
}

/// One member in a choice list.
#[derive(Debug, Serialize)]
struct MemberOption {
    id: i64,
    label: String,
}

/// One owner name as the page shows it.
#[derive(Debug, Serialize)]
struct OwnerView {
    name: String,
    clients: i64,
    /// The member chosen in the form: mapped, else suggested.
    selected: Option<i64>,
    mapped: bool,
    suggested: bool,
    /// The member whose name or email it already is.
    same_as: Option<String>,
}

async fn page(
    state: &AppState,
    auth: &PageAuth,
    done: bool,
    refused: Option<(&str, &'static str)>,
) -> Result<Response, PageError> {
    let (rows, members) = owners::list(state.store.as_ref(), auth.ws()).await?;
    let label = |id: UserId| {
        members
            .iter()
            .find(|m| m.user.id == id)
            .map(|m| match &m.user.name {
                Some(n) if !n.trim().is_empty() => format!("{n} <{}>", m.user.email),
                _ => m.user.email.clone(),
            })
    };
    let views: Vec<OwnerView> = rows
        .into_iter()
        .map(|r| OwnerView {
            selected: r.mapped_to.or(r.suggested).map(|u| u.0),
            mapped: r.mapped_to.is_some(),
            suggested: r.mapped_to.is_none() && r.suggested.is_some(),
            same_as: r.matches.and_then(label),
            name: r.name,
            clients: r.clients,
        })
        .collect();
    let options: Vec<MemberOption> = members
        .iter()
        .filter_map(|m| {
            label(m.user.id).map(|label| MemberOption {
                id: m.user.id.0,
                label,
            })
        })
        .collect();
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "owners.html",
        context! {
            owners => views,
            members => options,
            done,
            refused_name => refused.map(|r| r.0.to_string()),
            refused_key => refused.map(|r| r.1),
        },
    )
}

/// `GET /settings/owners`: the owner names and their members.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<OwnersQuery>,
) -> Result<Response, PageError> {
    page(&state, &auth, query.done == "saved", None).await
}

/// `POST /settings/owners`: maps one owner name (or removes its mapping).
pub async fn save(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<OwnerForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let user = match form.user.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(UserId(id)),
            Err(_) => {
                let drawn = page(
                    &state,
                    &auth,
                    false,
                    Some((&form.name, "owners-error-user")),
                )
                .await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response());
            }
        },
    };
    match owners::map(
        state.store.as_ref(),
        auth.ws(),
        &form.name,
        user,
        &auth.actor(),
    )
    .await
    {
        Ok(()) => Ok(see_other("/settings/owners?done=saved")),
        Err(AppError::Invalid(problems)) => {
            let key = if problems.iter().any(|p| p.field == "user") {
                "owners-error-user"
            } else {
                "owners-error-name"
            };
            let drawn = page(&state, &auth, false, Some((&form.name, key))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
