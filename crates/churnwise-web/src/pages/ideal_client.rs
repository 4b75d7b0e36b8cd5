//! Settings → Ideal client (issue 16): the profile the team writes, through
//! `churnwise_app::ideal_client` like the API's `PUT /api/v1/settings`.

use super::forms::FieldProblems;
use super::settings_form::{save_versioned, Refusals};
use super::{render, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use churnwise_app::ideal_client;
use churnwise_domain::ideal_client::IdealClientProfile;
use churnwise_domain::Money;
use minijinja::context;
use serde::Deserialize;

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct IdealClientQuery {
    /// Set after a save.
    #[serde(default)]
    pub done: String,
}

/// The form, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct IdealClientForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    segments: String,
    #[serde(default)]
    plans: String,
    #[serde(default)]
    owners: String,
    #[serde(default)]
    min_mrr: String,
    #[serde(default)]
    max_mrr: String,
    #[serde(default)]
    notes: String,
}

fn joined(values: &[String]) -> String {
    values.join(", ")
}

fn money_text(cents: Option<i64>) -> String {
    cents
        .map(|c| Money::from_cents(c).to_string())
        .unwrap_or_default()
}

fn form_of(p: &IdealClientProfile, version: i64) -> IdealClientForm {
    IdealClientForm {
        version: version.to_string(),
        segments: joined(&p.segments),
        plans: joined(&p.plans),
        owners: joined(&p.owners),
        min_mrr: money_text(p.min_mrr_cents),
        max_mrr: money_text(p.max_mrr_cents),
        notes: p.notes.clone(),
    }
}

/// A comma-separated list, blanks dropped.
fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The form read into a profile; a bad amount is named by its form field.
fn parse(form: &IdealClientForm) -> Result<IdealClientProfile, FieldProblems> {
    let mut errors = FieldProblems::new();
    let mut amount = |field: &str, text: &str| -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match Money::parse_non_negative(&text.replace(',', ".")) {
            Ok(m) => Some(m.cents()),
            Err(_) => {
                errors.insert(field.to_string(), "ideal-client-error-amount");
                None
            }
        }
    };
    let min_mrr_cents = amount("min_mrr", &form.min_mrr);
    let max_mrr_cents = amount("max_mrr", &form.max_mrr);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(IdealClientProfile {
        segments: list(&form.segments),
        plans: list(&form.plans),
        owners: list(&form.owners),
        min_mrr_cents,
        max_mrr_cents,
        notes: form.notes.trim().to_string(),
    })
}

/// The form field a refused profile field is shown next to.
fn form_field(field: &str) -> &'static str {
    match field {
        "segments" => "segments",
        "plans" => "plans",
        "owners" => "owners",
        "min_mrr_cents" => "min_mrr",
        "max_mrr_cents" => "max_mrr",
        "notes" => "notes",
        _ => "version",
    }
}

fn error_key(field: &str) -> &'static str {
    match field {
        "min_mrr_cents" | "max_mrr_cents" => "ideal-client-error-bounds",
        "notes" => "ideal-client-error-notes",
        "version" => "ideal-client-error-stale",
        _ => "ideal-client-error-values",
    }
}

async fn page(
    state: &AppState,
    auth: &PageAuth,
    form: IdealClientForm,
    errors: FieldProblems,
    done: bool,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "ideal_client.html",
        context! { form, errors, done },
    )
}

/// `GET /settings/ideal-client`: the profile.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<IdealClientQuery>,
) -> Result<Response, PageError> {
    let current = ideal_client::profile(state.store.as_ref(), auth.ws()).await?;
    let form = form_of(&current.value, current.version);
    page(
        &state,
        &auth,
        form,
        FieldProblems::new(),
        query.done == "saved",
    )
    .await
}

/// `POST /settings/ideal-client`: saves it (owners and managers); a refused
/// form is drawn again with each reason next to its field.
pub async fn save(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<IdealClientForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let actor = auth.actor();
    save_versioned(
        &form.version,
        parse(&form),
        |profile, version| {
            ideal_client::save(state.store.as_ref(), auth.ws(), &actor, profile, version)
        },
        Refusals {
            field: |p| {
                let base = p.field.split('[').next().unwrap_or(&p.field);
                (form_field(base), error_key(base))
            },
            stale: "ideal-client-error-stale",
        },
        "/settings/ideal-client?done=saved",
        |errors| page(&state, &auth, form.clone(), errors, false),
    )
    .await
}
