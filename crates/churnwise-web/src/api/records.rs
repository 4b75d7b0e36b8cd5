//! The records of one client: contacts, subscription segments, invoices and
//! interactions, under `/api/v1/clients/{id}/…`, and `PATCH
//! /api/v1/invoices/{id}` to record a payment.

use crate::api::bodies::*;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::records::{
    self, ContactInput, InteractionInput, InvoiceInput, SubscriptionInput,
};
use churnwise_store::{ClientId, InvoiceId};
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

impl CreateContact {
    /// The input of the app's use case.
    pub fn into_input(self) -> ContactInput {
        ContactInput {
            name: self.name,
            role: self.role,
            email: self.email,
            phone: self.phone,
            is_primary: self.is_primary,
        }
    }
}

impl CreateSubscription {
    /// The input of the app's use case.
    pub fn into_input(self) -> SubscriptionInput {
        SubscriptionInput {
            subscription_ref: self.subscription_ref,
            plan: self.plan,
            mrr: self.mrr,
            started_on: self.started_on,
            ended_on: self.ended_on,
            notice_period_days: self.notice_period_days,
            minimum_term_months: self.minimum_term_months,
        }
    }
}

impl CreateInvoice {
    /// The input of the app's use case.
    pub fn into_input(self) -> InvoiceInput {
        InvoiceInput {
            invoice_ref: self.invoice_ref,
            amount: self.amount,
            issued_on: self.issued_on,
            due_on: self.due_on,
            paid_on: self.paid_on,
        }
    }
}

impl CreateInteraction {
    /// The input of the app's use case.
    pub fn into_input(self) -> InteractionInput {
        InteractionInput {
            kind: self.kind,
            occurred_on: self.occurred_on,
            author: self.author,
            note: self.note,
        }
    }
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
    let contact = records::add_contact(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        body.into_input(),
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(contact.into())))
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
    let cx = churnwise_app::cases::CaseContext::for_user(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor().display,
    )?;
    let sub =
        records::add_subscription(&cx, ClientId(id), body.into_input(), &auth.actor()).await?;
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
    let invoice = records::add_invoice(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        body.into_input(),
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(invoice.into())))
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
    let invoice = records::record_payment(
        state.store.as_ref(),
        auth.ws(),
        InvoiceId(id),
        body.paid_on.as_deref(),
        &auth.actor(),
    )
    .await?;
    Ok(Json(invoice.into()))
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
    let logged = records::log_interaction(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        body.into_input(),
        chrono::Utc::now().date_naive(),
        Some(&auth.actor().display),
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(logged.into())))
}
