//! The settings page: language, the workspace's users and roles, and the
//! signed-in user's API tokens (a new token is shown once; only its hash
//! is stored).

use super::forms::EmptyForm;
use super::forms::{field_error_key, FieldErrors};
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::auth;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_domain::registry::required_text;
use churnwise_store::{ApiTokenId, NewApiToken};
use minijinja::context;
use serde::Deserialize;

async fn settings_page(
    state: &AppState,
    auth: &PageAuth,
    new_token: Option<(String, String)>,
    errors: FieldErrors,
    token_name: &str,
) -> Result<Response, PageError> {
    let members = state.store.workspace_members(auth.ws()).await?;
    let tokens = state
        .store
        .list_api_tokens(auth.ws(), auth.access.user.id)
        .await?;
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "settings.html",
        context! { members, tokens, new_token, errors, token_name },
    )
}

/// `GET /settings`: the settings page.
pub async fn show(State(state): State<AppState>, auth: PageAuth) -> Result<Response, PageError> {
    settings_page(&state, &auth, None, FieldErrors::new(), "").await
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    /// A label to recognise the token by.
    #[serde(default)]
    pub name: String,
}

/// `POST /settings/tokens`: creates an API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let name = match required_text("name", &form.name, 100) {
        Ok(name) => name,
        Err(e) => {
            let errors = [(e.field.clone(), field_error_key(&e.field, &e.reason))]
                .into_iter()
                .collect();
            let page = settings_page(&state, &auth, None, errors, &form.name).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let token = auth::new_token();
    state
        .store
        .create_api_token(NewApiToken {
            token_hash: auth::token_hash(&token),
            user: auth.access.user.id,
            workspace: auth.ws(),
            name: name.clone(),
        })
        .await?;
    settings_page(&state, &auth, Some((name, token)), FieldErrors::new(), "").await
}

/// `POST /settings/tokens/{id}/delete`: revokes one of the user's tokens.
pub async fn delete_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    if !state
        .store
        .delete_api_token(auth.ws(), auth.access.user.id, ApiTokenId(id))
        .await?
    {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/settings#tokens"))
}
