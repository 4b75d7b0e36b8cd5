//! A new client: the form (`GET /clients/new`) and its post (`POST /clients`).

use super::optional;
use crate::pages::forms::{field_errors, FieldProblems};
use crate::pages::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_domain::registry::ClientStatus;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// The new-client form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ClientForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Billing id.
    #[serde(default)]
    pub external_id: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Owner.
    #[serde(default)]
    pub owner: String,
    /// Segment.
    #[serde(default)]
    pub segment: String,
    /// Keep-in-touch days.
    #[serde(default)]
    pub keep_in_touch_days: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// `1` to save even inside another client's exclusivity (issue 16).
    #[serde(default)]
    pub confirm_exclusivity: String,
}

fn new_client_page(
    chrome: &Chrome,
    form: &ClientForm,
    errors: &FieldProblems,
    exclusivity_conflicts: &[churnwise_app::exclusivity::ExclusivityView],
) -> Result<Response, PageError> {
    let statuses: Vec<&str> = ClientStatus::ALL.iter().map(|s| s.as_str()).collect();
    render(
        chrome,
        "clients/new.html",
        context! { form, errors, statuses, exclusivity_conflicts },
    )
}

/// `GET /clients/new`: the new-client form.
pub async fn new_page(
    State(state): State<AppState>,
    auth: PageAuth,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let chrome = Chrome::of(&auth, &state, "clients").await?;
    // Automatic: the status follows the subscriptions (a prospect until one
    // is recorded); choosing one sets it by hand.
    let form = ClientForm {
        status: String::new(),
        keep_in_touch_days: "30".into(),
        ..ClientForm::default()
    };
    new_client_page(&chrome, &form, &FieldProblems::new(), &[])
}

/// `POST /clients`: creates a client and shows its page.
pub async fn create(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<ClientForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let settings = state.store.workspace_settings(auth.ws()).await?.value;
    let days = match form.keep_in_touch_days.trim() {
        "" => Ok(None),
        text => text.parse::<i32>().map(Some),
    };
    let input = churnwise_app::clients::ClientInput {
        name: form.name.clone(),
        external_id: optional(&form.external_id),
        status: optional(&form.status),
        owner: optional(&form.owner),
        segment: optional(&form.segment),
        keep_in_touch_days: days.clone().unwrap_or(None),
        notes: optional(&form.notes),
    };
    let validated = match days {
        Ok(_) => input.validate_with(&settings),
        // Not a number: every other problem is shown with it, at once.
        Err(_) => {
            let mut problems = match input.validate_with(&settings) {
                Err(churnwise_app::AppError::Invalid(problems)) => problems,
                _ => Vec::new(),
            };
            problems.retain(|p| p.field != "keep_in_touch_days");
            problems.push(churnwise_domain::registry::FieldProblem::new(
                "keep_in_touch_days",
                "not a number",
            ));
            Err(churnwise_app::AppError::Invalid(problems))
        }
    };
    // Inside another client's exclusivity (issue 16): the form again with
    // the warning, until "save anyway" is ticked.
    let result = match validated {
        Ok(new) => {
            let stored = churnwise_app::exclusivity::store_new_client_checked(
                state.store.as_ref(),
                auth.ws(),
                new,
                form.confirm_exclusivity.trim() == "1",
                chrono::Utc::now().date_naive(),
                &auth.actor(),
            )
            .await;
            match stored {
                Ok(Err(conflicts)) => {
                    let chrome = Chrome::of(&auth, &state, "clients").await?;
                    let page = new_client_page(&chrome, &form, &FieldProblems::new(), &conflicts)?;
                    return Ok((StatusCode::CONFLICT, page).into_response());
                }
                Ok(Ok(client)) => Ok(client),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(client) => Ok(see_other(&format!(
            "/clients/{}?done=client-created",
            client.id
        ))),
        Err(e) => {
            let errors = field_errors(e)?;
            let chrome = Chrome::of(&auth, &state, "clients").await?;
            let page = new_client_page(&chrome, &form, &errors, &[])?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
