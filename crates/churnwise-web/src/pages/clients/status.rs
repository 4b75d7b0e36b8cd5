//! The status form of a client page: set a status by hand, or return the
//! client to the rule, through `churnwise_app::status::set_status` like the
//! API and the CLI.

use crate::pages::{see_other, CsrfForm, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use churnwise_app::status::StatusChoice;
use churnwise_app::AppError;
use churnwise_store::ClientId;
use serde::Deserialize;

/// The status form.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    /// `automatic` or a status key.
    #[serde(default)]
    pub status: String,
}

/// `POST /clients/{id}/status`: sets the status by hand or back to automatic.
pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<StatusForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let choice = StatusChoice::parse(Some(&form.status))
        .map_err(|p| AppError::Invalid(vec![p]))?
        .ok_or_else(|| AppError::field("status", "is required"))?;
    churnwise_app::status::set_status(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        choice,
        &auth.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{id}?done=status-saved#status"
    )))
}
