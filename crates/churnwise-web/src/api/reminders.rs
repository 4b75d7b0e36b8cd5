//! Payment reminders (issue 15): the workspace's sequence
//! (`GET/PUT /reminders`), a client's billing contact, pause and language
//! and its invoices' reminders (`GET/PATCH /clients/{id}/reminders`), and a
//! promise to pay (`PUT /clients/{id}/invoices/{invoice}/promise`), through
//! `churnwise_app::payment_reminders`.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{NaiveDate, Utc};
use churnwise_app::payment_reminders::{self, BillingChange, ClientReminders};
use churnwise_domain::payment_reminders::ReminderSettings;
use churnwise_store::{ClientId, ContactId, InvoiceId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The reminder settings and their version (the workspace settings').
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindersView {
    /// The version read; a save must send it back (409 when stale).
    pub version: i64,
    /// The sequence: on/off, the language of clients without one, the
    /// steps (days after the due date, tone, subject and body in en and
    /// es, with `{client}`, `{invoice}`, `{amount}`, `{due_date}`,
    /// `{days_overdue}`, `{workspace}`).
    pub settings: ReminderSettings,
}

/// The workspace's payment reminder settings.
#[utoipa::path(get, path = "/reminders", tag = "reminders",
    responses((status = 200, body = RemindersView)))]
pub async fn get_settings(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<RemindersView>> {
    let current = payment_reminders::settings(state.store.as_ref(), auth.ws()).await?;
    Ok(Json(RemindersView {
        version: current.version,
        settings: current.value,
    }))
}

/// Replaces the payment reminder settings (managers and owners); 409 when
/// the workspace settings were saved since `version`, 422 naming every
/// invalid value (`steps[1].days_after_due`, `steps[0].body.es`).
#[utoipa::path(put, path = "/reminders", tag = "reminders", request_body = RemindersView,
    responses((status = 200, body = RemindersView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<RemindersView>,
) -> ApiResult<Json<RemindersView>> {
    auth.require_manage()?;
    let saved = payment_reminders::save_settings(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        body.settings,
        body.version,
    )
    .await?;
    Ok(Json(RemindersView {
        version: saved.version,
        settings: saved.value,
    }))
}

/// A client's billing preferences.
#[derive(Debug, Serialize, ToSchema)]
pub struct BillingBody {
    /// The contact reminders go to; `null`: the primary contact.
    pub billing_contact_id: Option<i64>,
    /// The client's reminders are paused.
    pub reminders_paused: bool,
    /// `en` or `es`; `null`: the workspace's reminder language.
    pub lang: Option<String>,
}

/// One reminder sent for an invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct SentReminderBody {
    /// The step, from 1.
    pub step: i32,
    /// The day it was sent.
    pub on: NaiveDate,
    /// `sending`, `sent` or `failed`.
    pub status: String,
}

/// An invoice's reminders.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceRemindersBody {
    /// The invoice's id.
    pub invoice_id: i64,
    /// Its reference.
    pub invoice_ref: String,
    /// Due date.
    pub due_on: NaiveDate,
    /// Payment date.
    pub paid_on: Option<NaiveDate>,
    /// A promise to pay, if recorded.
    pub promised_on: Option<NaiveDate>,
    /// Reminders sent, by step.
    pub sent: Vec<SentReminderBody>,
    /// The next reminder's day if nothing changes (`null`: none).
    pub next_reminder_on: Option<NaiveDate>,
}

/// A client's reminders.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientRemindersBody {
    /// The workspace sends reminders.
    pub enabled: bool,
    /// Billing preferences.
    pub billing: BillingBody,
    /// The invoices, newest due date first (at most 500).
    pub invoices: Vec<InvoiceRemindersBody>,
}

impl From<ClientReminders> for ClientRemindersBody {
    fn from(r: ClientReminders) -> Self {
        ClientRemindersBody {
            enabled: r.enabled,
            billing: BillingBody {
                billing_contact_id: r.billing.billing_contact.map(|c| c.0),
                reminders_paused: r.billing.reminders_paused,
                lang: r.billing.lang.map(|l| l.pick("en", "es").to_string()),
            },
            invoices: r
                .invoices
                .into_iter()
                .map(|i| InvoiceRemindersBody {
                    invoice_id: i.invoice.0,
                    invoice_ref: i.invoice_ref,
                    due_on: i.due_on,
                    paid_on: i.paid_on,
                    promised_on: i.promised_on,
                    sent: i
                        .sent
                        .into_iter()
                        .map(|s| SentReminderBody {
                            step: s.step,
                            on: s.on,
                            status: s.status.as_str().to_string(),
                        })
                        .collect(),
                    next_reminder_on: i.next_reminder_on,
                })
                .collect(),
        }
    }
}

async fn view(
    state: &AppState,
    auth: &Auth,
    client: ClientId,
) -> ApiResult<Json<ClientRemindersBody>> {
    let r = payment_reminders::client_reminders(
        state.store.as_ref(),
        auth.ws(),
        client,
        Utc::now().date_naive(),
    )
    .await?;
    Ok(Json(r.into()))
}

/// A client's billing preferences and each invoice's reminders: sent,
/// promised, next.
#[utoipa::path(get, path = "/clients/{id}/reminders", tag = "reminders", params(("id" = i64, Path)),
    responses((status = 200, body = ClientRemindersBody), (status = 404, body = Problem)))]
pub async fn show_client(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClientRemindersBody>> {
    view(&state, &auth, ClientId(id)).await
}

/// Changes to a client's billing preferences; a field left out stays.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingPatch {
    /// The contact reminders go to (one of the client's); `null`: the
    /// primary contact.
    #[serde(default, deserialize_with = "double_option_i64")]
    #[schema(value_type = Option<i64>)]
    pub billing_contact_id: Option<Option<i64>>,
    /// Pause (`true`) or resume (`false`) the client's reminders.
    pub reminders_paused: Option<bool>,
    /// `en` or `es`; `null`: the workspace's reminder language.
    #[serde(default, deserialize_with = "double_option_string")]
    #[schema(value_type = Option<String>)]
    pub lang: Option<Option<String>>,
}

fn double_option_i64<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

fn double_option_string<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Marks the billing contact, pauses or resumes the reminders, or sets the
/// language of a client (writers); 422 naming `billing_contact_id` for a
/// contact of another client, `lang` for a language other than en or es.
#[utoipa::path(patch, path = "/clients/{id}/reminders", tag = "reminders", params(("id" = i64, Path)), request_body = BillingPatch,
    responses((status = 200, body = ClientRemindersBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn patch_client(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<BillingPatch>,
) -> ApiResult<Json<ClientRemindersBody>> {
    auth.require_write()?;
    let lang = match body.lang {
        None => None,
        Some(None) => Some(None),
        Some(Some(code)) => Some(Some(
            crate::i18n::parse_code(code.trim())
                .ok_or_else(|| ApiError::field("lang", "must be en or es"))?,
        )),
    };
    payment_reminders::change_billing(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        BillingChange {
            billing_contact: body.billing_contact_id.map(|c| c.map(ContactId)),
            reminders_paused: body.reminders_paused,
            lang,
        },
        &auth.actor(),
    )
    .await?;
    view(&state, &auth, ClientId(id)).await
}

/// A promise to pay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseBody {
    /// The promised day, YYYY-MM-DD (today to a year ahead); `null` removes
    /// the promise. No reminder goes out until the day has passed unpaid.
    pub promised_on: Option<String>,
}

/// Records or removes a promise to pay an invoice of a client (writers);
/// 422 naming `promised_on` for a day that is not a date, past, or more
/// than a year ahead.
#[utoipa::path(put, path = "/clients/{id}/invoices/{invoice}/promise", tag = "reminders",
    params(("id" = i64, Path), ("invoice" = i64, Path)), request_body = PromiseBody,
    responses((status = 200, body = ClientRemindersBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_promise(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, invoice)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<PromiseBody>,
) -> ApiResult<Json<ClientRemindersBody>> {
    auth.require_write()?;
    payment_reminders::set_promise(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        InvoiceId(invoice),
        body.promised_on.as_deref(),
        Utc::now().date_naive(),
        &auth.actor(),
    )
    .await?;
    view(&state, &auth, ClientId(id)).await
}
