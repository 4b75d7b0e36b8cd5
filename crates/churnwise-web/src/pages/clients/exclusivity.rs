//! The client page's exclusivity section (issue 16): the exclusivities the
//! client holds with the add form (a refused one drawn again with each
//! problem next to its field) and a remove button each, the holders whose
//! exclusivity the client falls inside, and the clients inside its own
//! (at most 50), through `churnwise_app::exclusivity`.

use super::optional;
use super::show::{client_page, load_client, ClientPageForms};
use crate::pages::forms::{field_errors, EmptyForm, FieldProblems};
use crate::pages::{see_other, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::exclusivity::{self, ClientInsideView, ExclusivityInput, ExclusivityView};
use churnwise_store::{ClientId, ExclusivityId};
use serde::{Deserialize, Serialize};

/// Notices the client page may show after these forms.
pub(super) const NOTICES: [&str; 2] = ["exclusivity-added", "exclusivity-deleted"];

/// The most exclusivities the section lists (the latest).
const PER_PAGE: u32 = 50;

/// The add-exclusivity form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ExclusivityForm {
    /// `segment` or `competitors`.
    #[serde(default)]
    pub kind: String,
    /// The segment.
    #[serde(default)]
    pub segment: String,
    /// The competitors, one a line.
    #[serde(default)]
    pub competitors: String,
    /// From (`YYYY-MM-DD`).
    #[serde(default)]
    pub starts_on: String,
    /// To (`YYYY-MM-DD`).
    #[serde(default)]
    pub ends_on: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// The section as drawn.
#[derive(Debug, Serialize)]
pub(super) struct ExclusivitySection {
    form: ExclusivityForm,
    errors: FieldProblems,
    held: Vec<ExclusivityView>,
    total: i64,
    falls_inside: Vec<ExclusivityView>,
    clients_inside: Vec<ClientInsideView>,
}

/// What the client page passes for this section after a refused post.
#[derive(Debug, Default)]
pub(super) struct ExclusivityForms {
    pub(super) form: Option<ExclusivityForm>,
    pub(super) errors: FieldProblems,
}

/// The section of `client` for the page.
pub(super) async fn section(
    state: &AppState,
    auth: &PageAuth,
    client: ClientId,
    forms: ExclusivityForms,
) -> Result<ExclusivitySection, PageError> {
    let store = state.store.as_ref();
    let today = chrono::Utc::now().date_naive();
    let held = exclusivity::list(store, auth.ws(), client, Some(1), Some(PER_PAGE)).await?;
    let falls_inside = exclusivity::conflicts_of_client(store, auth.ws(), client, today).await?;
    let clients_inside = exclusivity::clients_inside(store, auth.ws(), client, today).await?;
    Ok(ExclusivitySection {
        form: forms.form.unwrap_or_else(|| ExclusivityForm {
            kind: "segment".into(),
            starts_on: today.to_string(),
            ..ExclusivityForm::default()
        }),
        errors: forms.errors,
        held: held.items,
        total: held.total,
        falls_inside,
        clients_inside,
    })
}

/// The message key shown next to a refused field of this form.
fn error_key(field: &str, key: &'static str) -> &'static str {
    match (field, key) {
        ("kind", _) => "excl-error-kind",
        ("competitors", _) => "excl-error-competitors",
        ("ends_on", _) => "excl-error-ends-on",
        ("starts_on", "form-required") => "form-required",
        ("starts_on", _) => "form-date",
        (_, k) => k,
    }
}

/// `POST /clients/{id}/exclusivities`: adds an exclusivity the client holds.
pub async fn add_exclusivity(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<ExclusivityForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let input = ExclusivityInput {
        kind: form.kind.clone(),
        segment: optional(&form.segment),
        competitors: form.competitors.lines().map(str::to_string).collect(),
        starts_on: optional(&form.starts_on),
        ends_on: optional(&form.ends_on),
        note: optional(&form.note),
    };
    match exclusivity::add(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        input,
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=exclusivity-added#exclusivity",
            client.id
        ))),
        Err(e) => {
            let errors = field_errors(e)?
                .into_iter()
                .map(|(field, key)| {
                    let key = error_key(&field, key);
                    (field, key)
                })
                .collect();
            let forms = ClientPageForms {
                exclusivity: ExclusivityForms {
                    form: Some(form),
                    errors,
                },
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /clients/{id}/exclusivities/{eid}/delete`: removes one.
pub async fn delete_exclusivity(
    State(state): State<AppState>,
    Path((id, eid)): Path<(i64, i64)>,
    CsrfForm(auth, _form): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    exclusivity::remove(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        ExclusivityId(eid),
        &auth.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{}?done=exclusivity-deleted#exclusivity",
        client.id
    )))
}
