//! Data entry on a client's records in the browser: the edit-client page,
//! subscription segments (added on the client page; edited and ended on the
//! segment's page), invoices (added and marked paid or unpaid on the client
//! page), and contacts (edited and removed on the contact's page). Every
//! form posts with the CSRF token to a handler that calls one use case of
//! `churnwise_app::record_edits` or `records`; a refused form is drawn again
//! (422) with what was typed and every problem next to its field.

use super::show::{client_page, load_client, ClientPageForms};
use crate::pages::forms::{field_errors, FieldProblems};
use crate::pages::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::cases::CaseContext;
use churnwise_app::record_edits::{self, ClientEdit, ContactChange, SubscriptionChange};
use churnwise_app::records::{self, InvoiceInput, SubscriptionInput};
use churnwise_app::AppError;
use churnwise_store::{Client, Contact, ContactId, InvoiceId, Subscription, SubscriptionId};
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Notices the client page may show after one of these forms.
pub(super) const NOTICES: [&str; 9] = [
    "client-updated",
    "subscription-added",
    "subscription-saved",
    "subscription-ended",
    "invoice-added",
    "invoice-paid",
    "invoice-unpaid",
    "contact-saved",
    "contact-removed",
];

/// The forms of this module drawn on the client page, as typed, with their
/// problems.
#[derive(Debug, Serialize)]
pub(super) struct EntryForms {
    subscription: SubscriptionForm,
    subscription_errors: FieldProblems,
    invoice: InvoiceForm,
    invoice_errors: FieldProblems,
    /// The invoice whose "mark paid" form was refused, its date and problem.
    paid_invoice: Option<i64>,
    paid_on: String,
    paid_errors: FieldProblems,
    today: String,
}

impl Default for EntryForms {
    fn default() -> Self {
        let today = chrono::Utc::now().date_naive().to_string();
        EntryForms {
            subscription: SubscriptionForm {
                started_on: today.clone(),
                ..SubscriptionForm::default()
            },
            subscription_errors: FieldProblems::new(),
            invoice: InvoiceForm {
                issued_on: today.clone(),
                ..InvoiceForm::default()
            },
            invoice_errors: FieldProblems::new(),
            paid_invoice: None,
            paid_on: today.clone(),
            paid_errors: FieldProblems::new(),
            today,
        }
    }
}

/// The message keys of this module's own reasons, over the generic ones.
fn entry_errors(e: AppError) -> Result<FieldProblems, PageError> {
    let own: Vec<(String, &'static str)> = match &e {
        AppError::Invalid(problems) => problems
            .iter()
            .filter_map(|p| {
                let key = match (p.field.as_str(), p.message.as_str()) {
                    ("started_on", record_edits::OVERLAP) => "entry-overlap",
                    ("ended_on", record_edits::END_BEFORE_START) => "entry-end-after-start",
                    ("notice_period_days" | "minimum_term_months", _) => "entry-whole-number",
                    _ => return None,
                };
                Some((p.field.clone(), key))
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut errors = field_errors(e)?;
    errors.extend(own);
    Ok(errors)
}

/// A whole number of days or months as typed: blank is none.
fn whole_number(field: &str, text: &str, errors: &mut FieldProblems) -> Option<i32> {
    match text.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.insert(field.to_string(), "entry-whole-number");
                None
            }
        },
    }
}

fn optional(text: &str) -> Option<String> {
    super::optional(text)
}

fn redraw(page: Response) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

// --- the client's own fields ---------------------------------------------------

/// The edit-client form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct EditClientForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Owner (a member's name, or the current value).
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
}

/// The owners the edit form offers: every member by display name (else
/// email), and the current value when it names nobody on the list.
async fn owner_choices(
    state: &AppState,
    auth: &PageAuth,
    current: &str,
) -> Result<Vec<String>, PageError> {
    let mut names: Vec<String> = state
        .store
        .workspace_members(auth.ws())
        .await?
        .into_iter()
        .map(|m| {
            m.user
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(m.user.email)
        })
        .collect();
    let current = current.trim();
    if !current.is_empty() && !names.iter().any(|n| n == current) {
        names.push(current.to_string());
    }
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup();
    Ok(names)
}

async fn edit_client_page(
    state: &AppState,
    auth: &PageAuth,
    client: &Client,
    form: &EditClientForm,
    errors: &FieldProblems,
) -> Result<Response, PageError> {
    let owners = owner_choices(state, auth, &form.owner).await?;
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "clients/edit.html",
        context! { client, form, errors, owners },
    )
}

/// `GET /clients/{id}/edit`: the client's own fields in a form.
pub async fn edit_client_form(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let form = EditClientForm {
        name: client.name.clone(),
        owner: client.owner.clone().unwrap_or_default(),
        segment: client.segment.clone().unwrap_or_default(),
        keep_in_touch_days: client.keep_in_touch_days.to_string(),
        notes: client.notes.clone().unwrap_or_default(),
    };
    edit_client_page(&state, &auth, &client, &form, &FieldProblems::new()).await
}

/// `POST /clients/{id}/edit`: saves the client's own fields.
pub async fn edit_client(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<EditClientForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let edit = ClientEdit {
        name: form.name.clone(),
        owner: form.owner.clone(),
        segment: form.segment.clone(),
        keep_in_touch_days: form.keep_in_touch_days.clone(),
        notes: form.notes.clone(),
    };
    match record_edits::edit_client(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        edit,
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=client-updated",
            client.id
        ))),
        Err(e) => {
            let errors = entry_errors(e)?;
            let page = edit_client_page(&state, &auth, &client, &form, &errors).await?;
            Ok(redraw(page))
        }
    }
}

// --- subscription segments -----------------------------------------------------

/// A subscription segment's form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct SubscriptionForm {
    /// Subscription id.
    #[serde(default)]
    pub subscription_ref: String,
    /// Plan.
    #[serde(default)]
    pub plan: String,
    /// MRR.
    #[serde(default)]
    pub mrr: String,
    /// First day.
    #[serde(default)]
    pub started_on: String,
    /// End.
    #[serde(default)]
    pub ended_on: String,
    /// Notice period in days.
    #[serde(default)]
    pub notice_period_days: String,
    /// Minimum term in months.
    #[serde(default)]
    pub minimum_term_months: String,
}

impl SubscriptionForm {
    fn of(s: &Subscription) -> Self {
        SubscriptionForm {
            subscription_ref: s.subscription_ref.clone(),
            plan: s.plan.clone().unwrap_or_default(),
            mrr: s.mrr.to_string(),
            started_on: s.started_on.to_string(),
            ended_on: s.ended_on.map(|d| d.to_string()).unwrap_or_default(),
            notice_period_days: s
                .notice_period_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            minimum_term_months: s
                .minimum_term_months
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }

    /// The segment as the app takes it, and the problems of the numbers
    /// that are not numbers at all.
    fn input(&self) -> (SubscriptionInput, FieldProblems) {
        let mut errors = FieldProblems::new();
        let notice = whole_number("notice_period_days", &self.notice_period_days, &mut errors);
        let term = whole_number(
            "minimum_term_months",
            &self.minimum_term_months,
            &mut errors,
        );
        let mrr = optional(&self.mrr).map(Value::String);
        let input = SubscriptionInput {
            subscription_ref: self.subscription_ref.clone(),
            plan: optional(&self.plan),
            mrr,
            started_on: optional(&self.started_on),
            ended_on: optional(&self.ended_on),
            notice_period_days: notice,
            minimum_term_months: term,
        };
        (input, errors)
    }
}

/// Every problem of a segment form at once: the numbers that are not
/// numbers, and what the app's check says of the rest.
fn segment_problems(
    input: &SubscriptionInput,
    mut errors: FieldProblems,
) -> Result<FieldProblems, PageError> {
    if let Err(e) = input.clone().validate() {
        for (field, key) in entry_errors(e)? {
            errors.entry(field).or_insert(key);
        }
    }
    Ok(errors)
}

/// `POST /clients/{id}/subscriptions`: adds a segment from the client page.
pub async fn add_subscription(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<SubscriptionForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let (input, number_errors) = form.input();
    let result = if number_errors.is_empty() {
        let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
        match records::add_subscription(&cx, client.id, input, &auth.actor()).await {
            Ok(_) => Ok(()),
            Err(e) => Err(entry_errors(e)?),
        }
    } else {
        Err(segment_problems(&input, number_errors)?)
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/clients/{}?done=subscription-added#subscriptions",
            client.id
        ))),
        Err(errors) => {
            let forms = ClientPageForms {
                entry: EntryForms {
                    subscription: form,
                    subscription_errors: errors,
                    ..EntryForms::default()
                },
                ..ClientPageForms::default()
            };
            Ok(redraw(client_page(&state, &auth, client, forms).await?))
        }
    }
}

async fn segment_of(
    state: &AppState,
    auth: &PageAuth,
    client: &Client,
    sub: i64,
) -> Result<Subscription, PageError> {
    state
        .store
        .list_subscriptions(auth.ws(), client.id)
        .await?
        .into_iter()
        .find(|s| s.id == SubscriptionId(sub))
        .ok_or(PageError::NotFound)
}

/// The segment page's two forms as typed, with their problems.
#[derive(Default)]
struct SegmentForms {
    edit: SubscriptionForm,
    edit_errors: FieldProblems,
    ended_on: String,
    end_errors: FieldProblems,
}

async fn segment_page(
    state: &AppState,
    auth: &PageAuth,
    client: &Client,
    segment: &Subscription,
    forms: SegmentForms,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "clients/subscription_edit.html",
        context! {
            client,
            segment,
            form => forms.edit,
            errors => forms.edit_errors,
            ended_on => forms.ended_on,
            end_errors => forms.end_errors,
        },
    )
}

/// `GET /clients/{id}/subscriptions/{sub}`: a segment's edit and end forms.
pub async fn subscription_form(
    State(state): State<AppState>,
    auth: PageAuth,
    Path((id, sub)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let segment = segment_of(&state, &auth, &client, sub).await?;
    let forms = SegmentForms {
        edit: SubscriptionForm::of(&segment),
        ended_on: chrono::Utc::now().date_naive().to_string(),
        ..SegmentForms::default()
    };
    segment_page(&state, &auth, &client, &segment, forms).await
}

/// `POST /clients/{id}/subscriptions/{sub}`: saves a segment's fields.
pub async fn save_subscription(
    State(state): State<AppState>,
    Path((id, sub)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<SubscriptionForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let segment = segment_of(&state, &auth, &client, sub).await?;
    let (input, number_errors) = form.input();
    let result = if number_errors.is_empty() {
        let change = SubscriptionChange {
            subscription_ref: Some(input.subscription_ref),
            plan: Some(input.plan),
            mrr: Some(input.mrr.unwrap_or(Value::Null)),
            started_on: Some(input.started_on.unwrap_or_default()),
            ended_on: Some(input.ended_on),
            notice_period_days: Some(input.notice_period_days),
            minimum_term_months: Some(input.minimum_term_months),
        };
        let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
        match record_edits::update_subscription(&cx, client.id, segment.id, change, &auth.actor())
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(entry_errors(e)?),
        }
    } else {
        Err(segment_problems(&input, number_errors)?)
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/clients/{}?done=subscription-saved#subscriptions",
            client.id
        ))),
        Err(errors) => {
            let forms = SegmentForms {
                edit: form,
                edit_errors: errors,
                ended_on: chrono::Utc::now().date_naive().to_string(),
                ..SegmentForms::default()
            };
            Ok(redraw(
                segment_page(&state, &auth, &client, &segment, forms).await?,
            ))
        }
    }
}

/// The end-a-segment form.
#[derive(Debug, Default, Deserialize)]
pub struct EndForm {
    /// First day it no longer counts.
    #[serde(default)]
    pub ended_on: String,
}

/// `POST /clients/{id}/subscriptions/{sub}/end`: ends a segment.
pub async fn end_subscription(
    State(state): State<AppState>,
    Path((id, sub)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let segment = segment_of(&state, &auth, &client, sub).await?;
    let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
    match record_edits::end_subscription(
        &cx,
        client.id,
        segment.id,
        Some(&form.ended_on),
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=subscription-ended#subscriptions",
            client.id
        ))),
        Err(e) => {
            let forms = SegmentForms {
                edit: SubscriptionForm::of(&segment),
                ended_on: form.ended_on,
                end_errors: entry_errors(e)?,
                ..SegmentForms::default()
            };
            Ok(redraw(
                segment_page(&state, &auth, &client, &segment, forms).await?,
            ))
        }
    }
}

// --- invoices -----------------------------------------------------------------

/// The add-an-invoice form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct InvoiceForm {
    /// Invoice id.
    #[serde(default)]
    pub invoice_ref: String,
    /// Amount.
    #[serde(default)]
    pub amount: String,
    /// Issue date.
    #[serde(default)]
    pub issued_on: String,
    /// Due date.
    #[serde(default)]
    pub due_on: String,
    /// Payment date.
    #[serde(default)]
    pub paid_on: String,
}

/// `POST /clients/{id}/invoices`: adds an invoice from the client page.
pub async fn add_invoice(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<InvoiceForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let input = InvoiceInput {
        invoice_ref: form.invoice_ref.clone(),
        amount: optional(&form.amount).map(Value::String),
        issued_on: optional(&form.issued_on),
        due_on: optional(&form.due_on),
        paid_on: optional(&form.paid_on),
    };
    match records::add_invoice(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        input,
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=invoice-added#invoices",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                entry: EntryForms {
                    invoice: form,
                    invoice_errors: entry_errors(e)?,
                    ..EntryForms::default()
                },
                ..ClientPageForms::default()
            };
            Ok(redraw(client_page(&state, &auth, client, forms).await?))
        }
    }
}

/// The mark-paid form.
#[derive(Debug, Default, Deserialize)]
pub struct PaidForm {
    /// Payment date.
    #[serde(default)]
    pub paid_on: String,
}

/// `POST /clients/{id}/invoices/{invoice}/paid`: marks an invoice paid.
pub async fn mark_paid(
    State(state): State<AppState>,
    Path((id, invoice)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<PaidForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    match record_edits::mark_paid(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        InvoiceId(invoice),
        Some(&form.paid_on),
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=invoice-paid#invoices",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                entry: EntryForms {
                    paid_invoice: Some(invoice),
                    paid_on: form.paid_on,
                    paid_errors: entry_errors(e)?,
                    ..EntryForms::default()
                },
                ..ClientPageForms::default()
            };
            Ok(redraw(client_page(&state, &auth, client, forms).await?))
        }
    }
}

/// `POST /clients/{id}/invoices/{invoice}/unpaid`: marks an invoice unpaid.
pub async fn mark_unpaid(
    State(state): State<AppState>,
    Path((id, invoice)): Path<(i64, i64)>,
    CsrfForm(auth, _form): CsrfForm<crate::pages::forms::EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    record_edits::mark_unpaid(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        InvoiceId(invoice),
        &auth.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{}?done=invoice-unpaid#invoices",
        client.id
    )))
}

// --- contacts -----------------------------------------------------------------

/// A contact's form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct EditContactForm {
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

async fn contact_of(
    state: &AppState,
    auth: &PageAuth,
    client: &Client,
    contact: i64,
) -> Result<Contact, PageError> {
    state
        .store
        .list_contacts(auth.ws(), client.id)
        .await?
        .into_iter()
        .find(|c| c.id == ContactId(contact))
        .ok_or(PageError::NotFound)
}

async fn contact_page(
    state: &AppState,
    auth: &PageAuth,
    client: &Client,
    contact: &Contact,
    form: &EditContactForm,
    errors: &FieldProblems,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "clients/contact_edit.html",
        context! { client, contact, form, errors },
    )
}

/// `GET /clients/{id}/contacts/{contact}`: a contact's edit and remove forms.
pub async fn contact_form(
    State(state): State<AppState>,
    auth: PageAuth,
    Path((id, contact)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let contact = contact_of(&state, &auth, &client, contact).await?;
    let form = EditContactForm {
        name: contact.name.clone(),
        role: contact.role.clone().unwrap_or_default(),
        email: contact.email.clone().unwrap_or_default(),
        phone: contact.phone.clone().unwrap_or_default(),
        is_primary: contact.is_primary.then(|| "on".to_string()),
    };
    contact_page(
        &state,
        &auth,
        &client,
        &contact,
        &form,
        &FieldProblems::new(),
    )
    .await
}

/// `POST /clients/{id}/contacts/{contact}`: saves a contact's fields.
pub async fn save_contact(
    State(state): State<AppState>,
    Path((id, contact)): Path<(i64, i64)>,
    CsrfForm(auth, form): CsrfForm<EditContactForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let contact = contact_of(&state, &auth, &client, contact).await?;
    let change = ContactChange {
        name: Some(form.name.clone()),
        role: Some(optional(&form.role)),
        email: Some(optional(&form.email)),
        phone: Some(optional(&form.phone)),
        is_primary: Some(form.is_primary.is_some()),
    };
    match record_edits::update_contact(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        contact.id,
        change,
        &auth.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=contact-saved#contacts",
            client.id
        ))),
        Err(e) => {
            let errors = entry_errors(e)?;
            let page = contact_page(&state, &auth, &client, &contact, &form, &errors).await?;
            Ok(redraw(page))
        }
    }
}

/// `POST /clients/{id}/contacts/{contact}/remove`: removes a contact (the
/// form asks for confirmation first).
pub async fn remove_contact(
    State(state): State<AppState>,
    Path((id, contact)): Path<(i64, i64)>,
    CsrfForm(auth, _form): CsrfForm<crate::pages::forms::EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    record_edits::remove_contact(
        state.store.as_ref(),
        auth.ws(),
        client.id,
        ContactId(contact),
        &auth.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/clients/{}?done=contact-removed#contacts",
        client.id
    )))
}
