//! A client's work log (issue 16): `GET`/`POST /api/v1/clients/{id}/work`
//! and `PATCH`/`DELETE /api/v1/clients/{id}/work/{entry}`, through
//! `churnwise_app::work_log`. See docs/work-log.md.

use crate::api::bodies::PageBody;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::work_log::{self, WorkEntryChange, WorkEntryInput, WorkEntryView};
use churnwise_store::{ClientId, WorkEntryId};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// A field that may be sent as `null`: absent is `None`, `null` is
/// `Some(None)`.
fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Value>>, D::Error> {
    Option::<Value>::deserialize(d).map(Some)
}

/// A JSON value as the text the use case checks: a string as is, a number
/// as written, anything else as its JSON text (refused there).
fn text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// A work-log entry to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkEntry {
    /// What, in a line (required, at most 200 characters).
    #[schema(example = "Monthly SEO audit")]
    pub title: String,
    /// The day the work was done (YYYY-MM-DD, default today).
    pub done_on: Option<String>,
    /// What was done (at most 5,000 characters).
    pub body: Option<String>,
    /// The result figure: a number with at most 3 decimals, as a JSON
    /// number or a string (`"12.5"`), kept exactly.
    #[schema(value_type = Option<String>, example = "12.5")]
    pub result: Option<Value>,
    /// The result's unit (at most 20 characters; needs a result).
    #[schema(example = "%")]
    pub unit: Option<String>,
    /// A link to the work: an absolute http:// or https:// URL, at most
    /// 2,000 characters.
    pub link: Option<String>,
    /// Who did it (default: the caller's name).
    pub who: Option<String>,
    /// `client` (the client may see it: updates and final report; the
    /// default) or `internal`.
    pub visibility: Option<String>,
}

/// The fields of an entry to change: left out keeps the value, `null`
/// clears an optional one; the entry is checked whole again.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkEntry {
    /// What, in a line.
    pub title: Option<String>,
    /// The day the work was done (YYYY-MM-DD).
    pub done_on: Option<String>,
    /// What was done (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub body: Option<Option<Value>>,
    /// The result figure (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub result: Option<Option<Value>>,
    /// Its unit (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub unit: Option<Option<Value>>,
    /// The link (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub link: Option<Option<Value>>,
    /// Who did it (`null` clears).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub who: Option<Option<Value>>,
    /// `client` or `internal`.
    pub visibility: Option<String>,
}

/// Which entries and which page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
    /// `client` for only what the client may see; all when absent.
    pub visibility: Option<String>,
}

/// One page of a client's work log, newest first.
#[utoipa::path(get, path = "/clients/{id}/work", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), WorkQuery),
    responses((status = 200, body = PageBody<WorkEntryView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<WorkQuery>,
) -> ApiResult<Json<PageBody<WorkEntryView>>> {
    let visible_only = match query.visibility.as_deref() {
        None | Some("all") => false,
        Some("client") => true,
        Some(_) => {
            return Err(churnwise_app::AppError::Invalid(vec![
                churnwise_domain::FieldProblem::new("visibility", "must be client or all"),
            ])
            .into())
        }
    };
    let page = work_log::list(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        visible_only,
        query.page,
        query.per_page,
    )
    .await?;
    Ok(Json(PageBody::of(page)))
}

/// Adds an entry to a client's work log.
#[utoipa::path(post, path = "/clients/{id}/work", tag = "clients",
    params(("id" = i64, Path, description = "Client id")), request_body = CreateWorkEntry,
    responses((status = 201, body = WorkEntryView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreateWorkEntry>,
) -> ApiResult<(StatusCode, Json<WorkEntryView>)> {
    auth.require_write()?;
    let input = WorkEntryInput {
        done_on: body.done_on,
        title: body.title,
        body: body.body,
        result: body.result.and_then(text),
        unit: body.unit,
        link: body.link,
        who: body.who,
        visibility: body.visibility,
    };
    let made = work_log::add(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        input,
        chrono::Utc::now().date_naive(),
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Changes an entry of a client's work log.
#[utoipa::path(patch, path = "/clients/{id}/work/{entry}", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), ("entry" = i64, Path, description = "Entry id")),
    request_body = UpdateWorkEntry,
    responses((status = 200, body = WorkEntryView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, entry)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<UpdateWorkEntry>,
) -> ApiResult<Json<WorkEntryView>> {
    auth.require_write()?;
    let change = WorkEntryChange {
        done_on: body.done_on,
        title: body.title,
        body: body.body.map(|v| v.and_then(text)),
        result: body.result.map(|v| v.and_then(text)),
        unit: body.unit.map(|v| v.and_then(text)),
        link: body.link.map(|v| v.and_then(text)),
        who: body.who.map(|v| v.and_then(text)),
        visibility: body.visibility,
    };
    let changed = work_log::edit(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        WorkEntryId(entry),
        change,
        &auth.actor(),
    )
    .await?;
    Ok(Json(changed))
}

/// Deletes an entry of a client's work log.
#[utoipa::path(delete, path = "/clients/{id}/work/{entry}", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), ("entry" = i64, Path, description = "Entry id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, entry)): Path<(i64, i64)>,
) -> ApiResult<StatusCode> {
    auth.require_write()?;
    work_log::delete(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        WorkEntryId(entry),
        &auth.actor(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The language of a final report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `en` or `es`; default: the client's language (its billing
    /// preferences), else the caller's.
    pub lang: Option<String>,
}

/// A final report to send.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendFinalReport {
    /// `en` or `es`; default: the client's language, else the caller's.
    pub lang: Option<String>,
}

/// The report's language: `asked` checked, else the client's, else the
/// caller's.
async fn report_lang(
    state: &AppState,
    auth: &Auth,
    client: ClientId,
    asked: Option<&str>,
) -> ApiResult<churnwise_domain::Lang> {
    let asked = match asked {
        None => None,
        Some(code) => Some(churnwise_app::i18n::parse_code(code).ok_or_else(|| {
            churnwise_app::AppError::Invalid(vec![churnwise_domain::FieldProblem::new(
                "lang",
                "must be en or es",
            )])
        })?),
    };
    let fallback = auth.0.user.lang.unwrap_or(churnwise_domain::Lang::En);
    Ok(churnwise_app::final_report::client_lang(
        state.store.as_ref(),
        auth.ws(),
        client,
        asked,
        fallback,
    )
    .await?)
}

/// A client's final report as composed: its client-visible work log,
/// oldest first, the numbers achieved, since when it was a client and the
/// plans it had, in the client's language. Reading it ticks nothing.
#[utoipa::path(get, path = "/clients/{id}/final-report", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), ReportQuery),
    responses((status = 200, body = churnwise_app::final_report::FinalReport), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn final_report(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Json<churnwise_app::final_report::FinalReport>> {
    let lang = report_lang(&state, &auth, ClientId(id), query.lang.as_deref()).await?;
    let report = churnwise_app::final_report::compose(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        lang,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    Ok(Json(report))
}

/// Sends the final report of the case's client by email to its contacts
/// with an address (the server's SMTP set-up, as the digest), then ticks
/// the case's `final_report` checklist item (recorded in its history).
/// 409 `email_not_set_up` when the server has no SMTP; 422 naming
/// `contacts` when no contact has an email.
#[utoipa::path(post, path = "/cases/{id}/final-report/send", tag = "cases",
    params(("id" = i64, Path, description = "Case id")), request_body = SendFinalReport,
    responses((status = 200, body = churnwise_app::final_report::Sent), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn send_final_report(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SendFinalReport>,
) -> ApiResult<Json<churnwise_app::final_report::Sent>> {
    auth.require_write()?;
    let store = state.store.as_ref();
    let case = store
        .get_case(auth.ws(), churnwise_store::CaseId(id))
        .await?
        .ok_or(crate::error::ApiError::NotFound)?;
    let lang = report_lang(&state, &auth, case.client_id, body.lang.as_deref()).await?;
    let Some(mailer) = state.mailer.clone() else {
        return Err(crate::error::ApiError::Rule {
            code: "email_not_set_up".into(),
            message: "this server has no SMTP set-up to send email with".into(),
        });
    };
    let report = churnwise_app::final_report::compose(
        store,
        auth.ws(),
        case.client_id,
        lang,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    let html = crate::pages::final_report::document(&report).map_err(|_| {
        crate::error::ApiError::from(churnwise_app::AppError::Internal(anyhow::anyhow!(
            "the report page could not be drawn"
        )))
    })?;
    let cx = churnwise_app::cases::CaseContext::for_user(store, auth.ws(), &auth.actor().display)?;
    let sent = churnwise_app::final_report::send(
        &cx,
        mailer.as_ref(),
        case.id,
        &report,
        &html,
        &auth.actor(),
    )
    .await?;
    Ok(Json(sent))
}
