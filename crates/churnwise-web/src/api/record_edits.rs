//! Changing a client's records after they were entered:
//! `PATCH /api/v1/clients/{id}/subscriptions/{sub}` (edit a segment),
//! `POST /api/v1/clients/{id}/subscriptions/{sub}/end` (end it), and
//! `PATCH`/`DELETE /api/v1/clients/{id}/contacts/{contact}`. Each calls one
//! use case of `churnwise_app::record_edits`. (An invoice's payment is
//! recorded or cleared with `PATCH /api/v1/invoices/{id}`.)

use crate::api::bodies::*;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::cases::CaseContext;
use churnwise_app::record_edits::{self, ContactChange, SubscriptionChange};
use churnwise_store::{ClientId, ContactId, SubscriptionId};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::ToSchema;

/// A field that may be sent as `null`: absent is `None`, `null` is
/// `Some(None)`.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A required field that, sent as `null`, is refused as missing rather
/// than left as it was.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The fields of a subscription segment to change; fields left out keep
/// their value, `null` clears an optional one. The result is checked like a
/// new segment.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSubscription {
    /// Subscription id shared by its segments.
    pub subscription_ref: Option<String>,
    /// Plan or service (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub plan: Option<Option<String>>,
    /// MRR in currency units, >= 0, at most 2 decimals.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub mrr: Option<Value>,
    /// First day it counts (YYYY-MM-DD).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub started_on: Option<Value>,
    /// First day it no longer counts (`null`: running again).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub ended_on: Option<Option<String>>,
    /// Notice period in days (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub notice_period_days: Option<Option<i32>>,
    /// Minimum term in months (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub minimum_term_months: Option<Option<i32>>,
}

/// The text of a date sent as JSON: a string as is, `null` as blank (so
/// it is refused as missing), anything else as its JSON text (refused as
/// not a date).
fn date_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl UpdateSubscription {
    /// The change the app's use case takes.
    pub fn into_change(self) -> SubscriptionChange {
        SubscriptionChange {
            subscription_ref: self.subscription_ref,
            plan: self.plan,
            mrr: self.mrr,
            started_on: self.started_on.map(date_text),
            ended_on: self.ended_on,
            notice_period_days: self.notice_period_days,
            minimum_term_months: self.minimum_term_months,
        }
    }
}

/// The end of a subscription segment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndSubscription {
    /// First day the segment no longer counts (YYYY-MM-DD, after its start).
    pub ended_on: Option<String>,
}

/// The fields of a contact to change; fields left out keep their value,
/// `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    /// Full name.
    pub name: Option<String>,
    /// Role at the client (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub role: Option<Option<String>>,
    /// Email (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Phone (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Make this the primary contact (the others stop being primary).
    pub is_primary: Option<bool>,
}

impl UpdateContact {
    /// The change the app's use case takes.
    pub fn into_change(self) -> ContactChange {
        ContactChange {
            name: self.name,
            role: self.role,
            email: self.email,
            phone: self.phone,
            is_primary: self.is_primary,
        }
    }
}

/// Changes the given fields of a client's subscription segment. The result
/// must be a valid segment that overlaps no other segment of the same
/// subscription; a segment made to run again for a former client wins the
/// client back, as adding one does.
#[utoipa::path(patch, path = "/clients/{id}/subscriptions/{sub}", tag = "clients",
    params(("id" = i64, Path), ("sub" = i64, Path)), request_body = UpdateSubscription,
    responses((status = 200, body = SubscriptionBody), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_subscription(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, sub)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<UpdateSubscription>,
) -> ApiResult<Json<SubscriptionBody>> {
    auth.require_write()?;
    let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
    let sub = record_edits::update_subscription(
        &cx,
        ClientId(id),
        SubscriptionId(sub),
        body.into_change(),
        &auth.actor(),
    )
    .await?;
    Ok(Json(sub.into()))
}

/// Ends a client's subscription segment: `ended_on` is the first day it no
/// longer counts.
#[utoipa::path(post, path = "/clients/{id}/subscriptions/{sub}/end", tag = "clients",
    params(("id" = i64, Path), ("sub" = i64, Path)), request_body = EndSubscription,
    responses((status = 200, body = SubscriptionBody), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn end_subscription(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, sub)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<EndSubscription>,
) -> ApiResult<Json<SubscriptionBody>> {
    auth.require_write()?;
    let cx = CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.actor().display)?;
    let sub = record_edits::end_subscription(
        &cx,
        ClientId(id),
        SubscriptionId(sub),
        body.ended_on.as_deref(),
        &auth.actor(),
    )
    .await?;
    Ok(Json(sub.into()))
}

/// Changes the given fields of a client's contact.
#[utoipa::path(patch, path = "/clients/{id}/contacts/{contact}", tag = "clients",
    params(("id" = i64, Path), ("contact" = i64, Path)), request_body = UpdateContact,
    responses((status = 200, body = ContactBody), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_contact(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, contact)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<UpdateContact>,
) -> ApiResult<Json<ContactBody>> {
    auth.require_write()?;
    let contact = record_edits::update_contact(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        ContactId(contact),
        body.into_change(),
        &auth.actor(),
    )
    .await?;
    Ok(Json(contact.into()))
}

/// Removes a client's contact.
#[utoipa::path(delete, path = "/clients/{id}/contacts/{contact}", tag = "clients",
    params(("id" = i64, Path), ("contact" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn remove_contact(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, contact)): Path<(i64, i64)>,
) -> ApiResult<StatusCode> {
    auth.require_write()?;
    record_edits::remove_contact(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        ContactId(contact),
        &auth.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
