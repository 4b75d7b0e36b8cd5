//! The forms of a client's page and their posts: log an interaction, add a
//! contact person, and open a departure case from its notice.

use super::optional;
use super::show::{client_page, load_client, ClientPageForms};
use crate::pages::forms::{field_errors, FieldProblems};
use crate::pages::{see_other, CsrfForm, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::cases::{self, CaseContext};
use churnwise_app::records::{self, ContactInput, InteractionInput};
use churnwise_domain::departure::{DepartureKind, NoticeInput, RelationshipEvaluationInput};
use serde::{Deserialize, Serialize};

/// The log-a-contact form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct InteractionForm {
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Day (`YYYY-MM-DD`).
    #[serde(default)]
    pub occurred_on: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// The add-a-contact-person form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ContactForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Role.
    #[serde(default)]
    pub role: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Primary (`on` when ticked).
    pub is_primary: Option<String>,
}

/// The open-a-departure-case form (the notice), kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct CaseForm {
    /// `client_leaving` or `team_ending`.
    #[serde(default)]
    pub kind: String,
    /// Day the notice came (`YYYY-MM-DD`).
    #[serde(default)]
    pub received_on: String,
    /// email, phone, meeting, letter, chat or other.
    #[serde(default)]
    pub channel: String,
    /// Who on the team received it.
    #[serde(default)]
    pub received_by: String,
    /// End date the client asks for.
    #[serde(default)]
    pub requested_end_on: String,
    /// Notice period in days.
    #[serde(default)]
    pub notice_period_days: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub fruitful: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub history_of_stumbles: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub our_commitments_met: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub client_commitments_met: String,
    /// A note on the relationship.
    #[serde(default)]
    pub note: String,
}

impl CaseForm {
    /// The notice as the case core takes it, or the fields a person mistyped.
    pub(crate) fn notice(&self) -> Result<(DepartureKind, NoticeInput), FieldProblems> {
        let (kind, notice, errors) = self.notice_as_typed();
        if errors.is_empty() {
            Ok((kind, notice))
        } else {
            Err(errors)
        }
    }

    /// The notice with every mistyped field left out, and those fields, so
    /// the rules can still name what else is missing in the same answer.
    pub(crate) fn notice_as_typed(&self) -> (DepartureKind, NoticeInput, FieldProblems) {
        let mut errors = FieldProblems::new();
        let mut date = |field: &str, text: &str| match text.trim() {
            "" => None,
            t => churnwise_domain::parse_date(t)
                .map_err(|_| errors.insert(field.to_string(), "form-date"))
                .ok(),
        };
        let received_on = date("received_on", &self.received_on);
        let requested_end_on = date("requested_end_on", &self.requested_end_on);
        let notice_period_days = match self.notice_period_days.trim() {
            "" => None,
            t => t
                .parse::<u32>()
                .map_err(|_| errors.insert("notice_period_days".into(), "form-invalid"))
                .ok(),
        };
        let kind = match self.kind.as_str() {
            "team_ending" => DepartureKind::TeamEnding,
            _ => DepartureKind::ClientLeaving,
        };
        let channel = serde_json::from_value(serde_json::Value::String(self.channel.clone())).ok();
        let yes_no = |v: &str| match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        (
            kind,
            NoticeInput {
                received_on,
                channel,
                received_by: optional(&self.received_by),
                requested_end_on,
                notice_period_days,
                first_evaluation: Some(RelationshipEvaluationInput {
                    fruitful: yes_no(&self.fruitful),
                    history_of_stumbles: yes_no(&self.history_of_stumbles),
                    our_commitments_met: yes_no(&self.our_commitments_met),
                    client_commitments_met: yes_no(&self.client_commitments_met),
                    note: optional(&self.note),
                }),
                ..NoticeInput::default()
            },
            errors,
        )
    }
}

/// `POST /clients/{id}/interactions`: logs a contact with the client.
pub async fn log_interaction(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<InteractionForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let input = InteractionInput {
        kind: form.kind.clone(),
        occurred_on: optional(&form.occurred_on),
        author: None,
        note: optional(&form.note),
    };
    let result = records::log_interaction(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        input,
        chrono::Utc::now().date_naive(),
        Some(&auth.actor().display),
        &auth.actor(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=contact-logged#timeline",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                interaction: form,
                interaction_errors: field_errors(e)?,
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /clients/{id}/contacts`: adds a person at the client.
pub async fn add_contact(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<ContactForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let input = ContactInput {
        name: form.name.clone(),
        role: optional(&form.role),
        email: optional(&form.email),
        phone: optional(&form.phone),
        is_primary: form.is_primary.is_some(),
    };
    let result = records::add_contact(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        input,
        &auth.actor(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=contact-added#contacts",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                contact: form,
                contact_errors: field_errors(e)?,
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /clients/{id}/cases`: opens a departure case from its notice.
pub async fn open_case(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<CaseForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let (kind, notice, typed_errors) = form.notice_as_typed();
    let result = if !typed_errors.is_empty() {
        // Every field is named in one answer: what was mistyped, and what
        // the rules refuse in the rest (nothing is stored).
        let mut errors = typed_errors;
        if let Err(e) = cases::check_notice(notice, chrono::Utc::now().date_naive()) {
            for (field, key) in field_errors(e.into())? {
                errors.entry(field).or_insert(key);
            }
        }
        Err(errors)
    } else {
        let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
        match cases::open_case(&cx, client.id, kind, notice).await {
            Ok(stored) => Ok(stored.id),
            Err(e) => Err(field_errors(e)?),
        }
    };
    match result {
        // The next thing to do is on the new case's page.
        Ok(case) => Ok(see_other(&format!("/cases/{}?done=case-opened", case.0))),
        Err(errors) => {
            let forms = ClientPageForms {
                case: form,
                case_errors: errors,
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
