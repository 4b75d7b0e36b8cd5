//! The records of one client: contacts, subscription segments, invoices and
//! interactions, under `/api/v1/clients/{id}/…`, and `PATCH
//! /api/v1/invoices/{id}` to record a payment.

use crate::api::bodies::*;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::validate::Checker;
use churnwise_app::AppError;
use churnwise_domain::registry::{
    optional_text, required_text, Email, FieldProblem, InteractionKind,
};
use churnwise_store::{
    ClientId, InvoiceId, NewContact, NewInteraction, NewInvoice, NewSubscription,
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A contact to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// Full name (required).
    pub name: String,
    /// Role at the client.
    pub role: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Make this the primary contact.
    #[serde(default)]
    pub is_primary: bool,
}

/// A subscription segment to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubscription {
    /// Subscription id shared by its segments (required).
    pub subscription_ref: String,
    /// Plan or service.
    pub plan: Option<String>,
    /// MRR in currency units, >= 0, at most 2 decimals.
    #[schema(value_type = f64)]
    pub mrr: Option<Value>,
    /// First day it counts (YYYY-MM-DD).
    pub started_on: Option<String>,
    /// First day it no longer counts.
    pub ended_on: Option<String>,
    /// Notice period in days.
    pub notice_period_days: Option<i32>,
    /// Minimum term in months.
    pub minimum_term_months: Option<i32>,
}

/// An invoice to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvoice {
    /// Id in the billing system (required).
    pub invoice_ref: String,
    /// Amount, > 0.
    #[schema(value_type = f64)]
    pub amount: Option<Value>,
    /// Issue date.
    pub issued_on: Option<String>,
    /// Due date (required).
    pub due_on: Option<String>,
    /// Payment date.
    pub paid_on: Option<String>,
}

/// A payment to record on an invoice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInvoice {
    /// Payment date, or null to mark unpaid.
    pub paid_on: Option<String>,
}

/// An interaction to log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInteraction {
    /// call, meeting, email, newsletter, complaint, incident, praise or note.
    pub kind: String,
    /// Day it happened (default today).
    pub occurred_on: Option<String>,
    /// Who (default: the signed-in user's email).
    pub author: Option<String>,
    /// What was said or done.
    pub note: Option<String>,
}

pub(crate) fn contact_from(body: CreateContact) -> Result<NewContact, AppError> {
    let mut c = Checker::default();
    let name = c.keep(required_text("name", &body.name, 200));
    let role = c.keep(optional_text("role", body.role.as_deref(), 100));
    let email = match body.email.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(e) => c.keep(Email::parse(e).map(|e| Some(e.to_string()))),
    };
    let phone = c.keep(optional_text("phone", body.phone.as_deref(), 50));
    let value = match (name, role, email, phone) {
        (Some(name), Some(role), Some(email), Some(phone)) => Some(NewContact {
            name,
            role,
            email,
            phone,
            is_primary: body.is_primary,
        }),
        _ => None,
    };
    c.finish(value)
}

fn positive_days(field: &str, value: Option<i32>) -> Result<Option<i32>, FieldProblem> {
    match value {
        Some(v) if v < 0 => Err(FieldProblem::new(field, "must not be negative")),
        other => Ok(other),
    }
}

fn subscription_from(body: CreateSubscription) -> Result<NewSubscription, AppError> {
    let mut c = Checker::default();
    let subscription_ref = c.keep(required_text(
        "subscription_ref",
        &body.subscription_ref,
        100,
    ));
    let plan = c.keep(optional_text("plan", body.plan.as_deref(), 100));
    let mrr = c.money("mrr", body.mrr.as_ref());
    if mrr.is_some_and(|m| m.cents() < 0) {
        c.errors
            .push(FieldProblem::new("mrr", "must not be negative"));
    }
    let started_on = c.required_date("started_on", body.started_on.as_deref());
    let ended_on = c.date("ended_on", body.ended_on.as_deref());
    if let (Some(start), Some(Some(end))) = (started_on, ended_on) {
        if end <= start {
            c.errors
                .push(FieldProblem::new("ended_on", "must be after started_on"));
        }
    }
    let notice = c.keep(positive_days("notice_period_days", body.notice_period_days));
    let term = c.keep(positive_days(
        "minimum_term_months",
        body.minimum_term_months,
    ));
    let value = match (
        subscription_ref,
        plan,
        mrr,
        started_on,
        ended_on,
        notice,
        term,
    ) {
        (
            Some(subscription_ref),
            Some(plan),
            Some(mrr),
            Some(started_on),
            Some(ended_on),
            Some(notice_period_days),
            Some(minimum_term_months),
        ) => Some(NewSubscription {
            subscription_ref,
            plan,
            mrr,
            started_on,
            ended_on,
            notice_period_days,
            minimum_term_months,
        }),
        _ => None,
    };
    c.finish(value)
}

fn invoice_from(body: CreateInvoice) -> Result<NewInvoice, AppError> {
    let mut c = Checker::default();
    let invoice_ref = c.keep(required_text("invoice_ref", &body.invoice_ref, 100));
    let amount = c.money("amount", body.amount.as_ref());
    if amount.is_some_and(|m| m.cents() <= 0) {
        c.errors
            .push(FieldProblem::new("amount", "must be more than 0"));
    }
    let issued_on = c.date("issued_on", body.issued_on.as_deref());
    let due_on = c.required_date("due_on", body.due_on.as_deref());
    let paid_on = c.date("paid_on", body.paid_on.as_deref());
    let value = match (invoice_ref, amount, issued_on, due_on, paid_on) {
        (Some(invoice_ref), Some(amount), Some(issued_on), Some(due_on), Some(paid_on)) => {
            Some(NewInvoice {
                invoice_ref,
                amount,
                issued_on,
                due_on,
                paid_on,
            })
        }
        _ => None,
    };
    c.finish(value)
}

pub(crate) fn interaction_from(
    body: CreateInteraction,
    default_author: &str,
) -> Result<NewInteraction, AppError> {
    let mut c = Checker::default();
    let kind = c.keep(
        body.kind
            .parse::<InteractionKind>()
            .map_err(|e| FieldProblem::new("kind", e)),
    );
    let occurred_on = c.date("occurred_on", body.occurred_on.as_deref());
    let author = c.keep(optional_text("author", body.author.as_deref(), 200));
    let note = c.keep(optional_text("note", body.note.as_deref(), 10_000));
    let value = match (kind, occurred_on, author, note) {
        (Some(kind), Some(occurred_on), Some(author), Some(note)) => Some(NewInteraction {
            kind,
            occurred_on: occurred_on.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            author: author.or_else(|| Some(default_author.to_string())),
            note,
        }),
        _ => None,
    };
    c.finish(value)
}

/// Lists a client's contacts, primary first.
#[utoipa::path(get, path = "/clients/{id}/contacts", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ContactBody>), (status = 404, body = Problem)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<ContactBody>>> {
    Ok(Json(all(state
        .store
        .list_contacts(auth.ws(), ClientId(id))
        .await?)))
}

/// Adds a contact to a client.
#[utoipa::path(post, path = "/clients/{id}/contacts", tag = "clients", params(("id" = i64, Path)), request_body = CreateContact,
    responses((status = 201, body = ContactBody), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_contact(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreateContact>,
) -> ApiResult<(StatusCode, Json<ContactBody>)> {
    auth.require_write()?;
    let new = contact_from(body)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .add_contact(auth.ws(), ClientId(id), new)
                .await?
                .into(),
        ),
    ))
}

/// Lists a client's subscription segments, oldest first.
#[utoipa::path(get, path = "/clients/{id}/subscriptions", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SubscriptionBody>), (status = 404, body = Problem)))]
pub async fn list_subscriptions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<SubscriptionBody>>> {
    Ok(Json(all(state
        .store
        .list_subscriptions(auth.ws(), ClientId(id))
        .await?)))
}

/// Adds a subscription segment to a client; a running segment of a former
/// client marks its latest lost or fired case won back (the client is active again).
#[utoipa::path(post, path = "/clients/{id}/subscriptions", tag = "clients", params(("id" = i64, Path)), request_body = CreateSubscription,
    responses((status = 201, body = SubscriptionBody), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_subscription(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreateSubscription>,
) -> ApiResult<(StatusCode, Json<SubscriptionBody>)> {
    auth.require_write()?;
    let new = subscription_from(body)?;
    let sub = state
        .store
        .add_subscription(auth.ws(), ClientId(id), new)
        .await?;
    // New business with a former client wins back its latest departure.
    let cx = churnwise_app::cases::CaseContext::for_user(
        state.store.as_ref(),
        auth.ws(),
        &auth.0.user.email,
    )?;
    churnwise_app::cases::win_back_on_new_business(&cx, &sub).await?;
    Ok((StatusCode::CREATED, Json(sub.into())))
}

/// Lists a client's invoices by due date.
#[utoipa::path(get, path = "/clients/{id}/invoices", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<InvoiceBody>), (status = 404, body = Problem)))]
pub async fn list_invoices(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<InvoiceBody>>> {
    Ok(Json(all(state
        .store
        .list_invoices(auth.ws(), ClientId(id))
        .await?)))
}

/// Adds an invoice to a client.
#[utoipa::path(post, path = "/clients/{id}/invoices", tag = "clients", params(("id" = i64, Path)), request_body = CreateInvoice,
    responses((status = 201, body = InvoiceBody), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreateInvoice>,
) -> ApiResult<(StatusCode, Json<InvoiceBody>)> {
    auth.require_write()?;
    let new = invoice_from(body)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .add_invoice(auth.ws(), ClientId(id), new)
                .await?
                .into(),
        ),
    ))
}

/// Records (or clears) the payment date of an invoice.
#[utoipa::path(patch, path = "/invoices/{id}", tag = "clients", params(("id" = i64, Path)), request_body = UpdateInvoice,
    responses((status = 200, body = InvoiceBody), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdateInvoice>,
) -> ApiResult<Json<InvoiceBody>> {
    auth.require_write()?;
    let mut c = Checker::default();
    let paid_on = c.date("paid_on", body.paid_on.as_deref());
    let paid_on = c.finish(paid_on)?;
    state
        .store
        .set_invoice_paid(auth.ws(), InvoiceId(id), paid_on)
        .await?
        .map(|r| Json(r.into()))
        .ok_or(ApiError::NotFound)
}

/// Lists a client's interactions, newest first.
#[utoipa::path(get, path = "/clients/{id}/interactions", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<InteractionBody>), (status = 404, body = Problem)))]
pub async fn list_interactions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<InteractionBody>>> {
    Ok(Json(all(state
        .store
        .list_interactions(auth.ws(), ClientId(id))
        .await?)))
}

/// Logs an interaction with a client.
#[utoipa::path(post, path = "/clients/{id}/interactions", tag = "clients", params(("id" = i64, Path)), request_body = CreateInteraction,
    responses((status = 201, body = InteractionBody), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_interaction(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreateInteraction>,
) -> ApiResult<(StatusCode, Json<InteractionBody>)> {
    auth.require_write()?;
    let new = interaction_from(body, &auth.0.user.email)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .log_interaction(auth.ws(), ClientId(id), new)
                .await?
                .into(),
        ),
    ))
}
