//! `/api/v1/cases`: departure cases (departure.md §3). Open, list, show
//! (with the append-only history), and one route per step; every step runs
//! through [`churnwise_app::cases::apply`], so a refused step changes nothing and
//! answers problem+json with the rule's code and the fields concerned.
//! Responses carry `ETag: "VERSION"`; a step sent with `If-Match: "VERSION"`
//! is refused (409) if the case changed since.

use crate::api::bodies::{CaseSummaryBody, PageBody};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use churnwise_app::bounds;
use churnwise_app::cases::{self, due_items, Applied, CaseContext, CaseView, DueItem, Step};
use churnwise_app::validate::Checker;
use churnwise_domain::departure::{
    CloseInput, DepartureKind, ExitConversationInput, NoticeInput, Outcome, Stage,
};
use churnwise_domain::lessons::NewCorrectiveActionInput;
use churnwise_domain::offboarding::{
    CredentialHandoverInput, ItemDetailsInput, NewChecklistItemInput,
};
use churnwise_domain::retention::{ActionStatus, NewRetentionActionInput, Offer, RetentionOutcome};
use churnwise_domain::survey::ScoreScale;
use churnwise_domain::text::ItemId;
use churnwise_domain::Lang;
use churnwise_store::{CaseFilter, CaseId, ClientId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A view answered with its `ETag`.
fn reply(status: StatusCode, view: CaseView) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", view.version)).ok();
    let mut response = (status, Json(view)).into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// The version named by an `If-Match` header, if any.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::field("If-Match", "must be the case's version, as in its ETag"))
}

/// The language asked for with `?lang=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// en (default) or es: the language of descriptions and warnings.
    #[param(value_type = Option<String>)]
    pub lang: Option<Lang>,
}

fn context<'a>(state: &'a AppState, auth: &Auth) -> Result<CaseContext<'a>, ApiError> {
    Ok(CaseContext::for_user(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor().display,
    )?)
}

async fn step(
    state: &AppState,
    auth: &Auth,
    id: i64,
    headers: &HeaderMap,
    step: Step,
) -> ApiResult<Response> {
    auth.require_write()?;
    let expected = if_match(headers)?;
    let cx = context(state, auth)?;
    let Applied { case, created, .. } = cases::apply(&cx, CaseId(id), expected, step).await?;
    let mut view = CaseView::of(case, Lang::En);
    view.created = created;
    let status = if created.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(reply(status, view))
}

// ---- open, list, show ----------------------------------------------------

/// A case to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCase {
    /// The client leaving.
    pub client_id: i64,
    /// client_leaving (default) or team_ending.
    pub kind: Option<DepartureKind>,
    /// received_on, channel (email, phone, meeting, letter, chat, other),
    /// received_by, requested_end_on, notice_period_days,
    /// minimum_term_ends_on, penalties, penalty_amount, first_evaluation
    /// {fruitful, history_of_stumbles, our_commitments_met,
    /// client_commitments_met, note}.
    pub notice: NoticeInput,
}

/// Opens a departure case for a client (one open case per client).
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = OpenCase,
    responses((status = 201, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn open(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<OpenCase>,
) -> ApiResult<Response> {
    auth.require_write()?;
    let cx = context(&state, &auth)?;
    let stored = cases::open_case(
        &cx,
        ClientId(body.client_id),
        body.kind.unwrap_or(DepartureKind::ClientLeaving),
        body.notice,
    )
    .await?;
    Ok(reply(StatusCode::CREATED, CaseView::of(stored, Lang::En)))
}

/// Filters of the case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    /// Only this stage (notice, exit_conversation, retention, offboarding, feedback, closed).
    #[param(value_type = Option<String>)]
    pub stage: Option<Stage>,
    /// Only this client's cases.
    pub client_id: Option<i64>,
    /// Only this outcome (lost, saved, fired).
    #[param(value_type = Option<String>)]
    pub outcome: Option<Outcome>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// Lists departure cases, newest notice first, a page at a time: each as
/// a summary (the whole case with its history is `GET /cases/{id}`).
#[utoipa::path(get, path = "/cases", tag = "cases", params(CaseListQuery),
    responses((status = 200, body = PageBody<CaseSummaryBody>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<CaseListQuery>,
) -> ApiResult<Json<PageBody<CaseSummaryBody>>> {
    let mut c = Checker::default();
    let per_page = c.keep(bounds::page_size("per_page", query.per_page));
    let page = c.keep(bounds::page_number("page", query.page));
    let (page, per_page) = c.finish(page.zip(per_page))?;
    let filter = CaseFilter {
        stage: query.stage,
        client: query.client_id.map(ClientId),
        outcome: query.outcome,
    };
    let cases = state
        .store
        .case_summaries(auth.ws(), &filter, page, per_page)
        .await?;
    Ok(Json(PageBody::of(cases)))
}

/// Shows a case with its history and what stops it from closing.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path), LangQuery),
    responses((status = 200, body = CaseView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<LangQuery>,
) -> ApiResult<Response> {
    let lang = query.lang.unwrap_or_default();
    let store = state.store.as_ref();
    let stored = store
        .get_case(auth.ws(), CaseId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let history = store.case_history(auth.ws(), CaseId(id)).await?;
    let reasons = store.reason_list(auth.ws()).await?.value;
    let blockers = if matches!(stored.case.stage(), Stage::Offboarding | Stage::Feedback) {
        let unpaid = cases::unpaid_invoices(store, auth.ws(), stored.client_id).await?;
        Some(match stored.case.can_close(&unpaid) {
            Ok(()) => Vec::new(),
            Err(e) => e.problems().into_iter().collect(),
        })
    } else {
        None
    };
    let mut view = CaseView::of(stored, lang).with_history(history, &reasons, lang);
    view.close_blockers = blockers;
    let failures =
        churnwise_app::stripe::cancel::failures_of_case(store, auth.ws(), CaseId(id)).await?;
    view.stripe_failures = (!failures.is_empty()).then_some(failures);
    Ok(reply(StatusCode::OK, view))
}

// ---- steps -----------------------------------------------------------------

/// Corrects the notice (the whole notice, as when opening).
#[utoipa::path(put, path = "/cases/{id}/notice", tag = "cases", params(("id" = i64, Path)), request_body = NoticeInput,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn amend_notice(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(notice): ApiJson<NoticeInput>,
) -> ApiResult<Response> {
    step(&state, &auth, id, &headers, Step::AmendNotice { notice }).await
}

/// Records (or corrects) the exit conversation.
#[utoipa::path(put, path = "/cases/{id}/exit-conversation", tag = "cases", params(("id" = i64, Path)),
    request_body = ExitConversationInput,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn exit_conversation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(conversation): ApiJson<ExitConversationInput>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::ExitConversation { conversation },
    )
    .await
}

/// How to start a retention attempt.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRetention {
    /// Fill the plan from the primary reason's playbook.
    #[serde(default)]
    pub suggested: bool,
    /// Owner of the suggested actions (required when suggested).
    pub owner: Option<String>,
    /// Due date of the suggested actions (required when suggested).
    pub due_on: Option<NaiveDate>,
}

/// Starts a retention attempt (only for a client that is leaving).
#[utoipa::path(post, path = "/cases/{id}/retention", tag = "cases", params(("id" = i64, Path)), request_body = StartRetention,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn start_retention(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartRetention>,
) -> ApiResult<Response> {
    let s = Step::StartRetention {
        suggested: body.suggested,
        owner: body.owner,
        due_on: body.due_on,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Adds an action to the retention plan (also after the client was saved).
#[utoipa::path(post, path = "/cases/{id}/retention/actions", tag = "cases", params(("id" = i64, Path)),
    request_body = NewRetentionActionInput,
    responses((status = 201, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_retention_action(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(action): ApiJson<NewRetentionActionInput>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::AddRetentionAction { action },
    )
    .await
}

/// A retention action's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionStatusBody {
    /// open, done or dropped.
    pub status: ActionStatus,
}

/// Changes a retention action's status (promises are tracked to done).
#[utoipa::path(patch, path = "/cases/{id}/retention/actions/{action}", tag = "cases", params(("id" = i64, Path), ("action" = u32, Path)), request_body = ActionStatusBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_retention_action_status(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, action)): Path<(i64, u32)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ActionStatusBody>,
) -> ApiResult<Response> {
    let s = Step::SetRetentionActionStatus {
        id: ItemId(action),
        status: body.status,
    };
    step(&state, &auth, id, &headers, s).await
}

/// The retention offer, or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    /// `{kind: pause|right_size|extra_service_or_training|free_period|senior_call|discount, description}` or null.
    pub offer: Option<Offer>,
}

/// Sets or removes the retention offer (a discount alone is warned about).
#[utoipa::path(put, path = "/cases/{id}/retention/offer", tag = "cases", params(("id" = i64, Path)), request_body = OfferBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_retention_offer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OfferBody>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::SetRetentionOffer { offer: body.offer },
    )
    .await
}

/// The retention outcome.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionOutcomeBody {
    /// retained (closes the case as saved) or leaving.
    pub outcome: RetentionOutcome,
    /// The day (default today).
    pub on: Option<NaiveDate>,
}

/// Records the retention outcome.
#[utoipa::path(post, path = "/cases/{id}/retention/outcome", tag = "cases", params(("id" = i64, Path)), request_body = RetentionOutcomeBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_retention_outcome(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RetentionOutcomeBody>,
) -> ApiResult<Response> {
    let s = Step::RecordRetentionOutcome {
        outcome: body.outcome,
        on: body.on,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Which checklist template to begin offboarding with.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeginOffboarding {
    /// The service type whose template to use (default: the workspace's default).
    pub service_type: Option<String>,
    /// Language of the item labels: en (default) or es.
    pub lang: Option<Lang>,
}

/// Begins offboarding with a checklist generated from a template.
#[utoipa::path(post, path = "/cases/{id}/offboarding", tag = "cases", params(("id" = i64, Path)), request_body = BeginOffboarding,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn begin_offboarding(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<BeginOffboarding>,
) -> ApiResult<Response> {
    let s = Step::BeginOffboarding {
        service_type: body.service_type,
        lang: body.lang,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Adds a checklist item (a deliverable, an account to revoke...).
#[utoipa::path(post, path = "/cases/{id}/offboarding/items", tag = "cases", params(("id" = i64, Path)),
    request_body = NewChecklistItemInput,
    responses((status = 201, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_checklist_item(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(item): ApiJson<NewChecklistItemInput>,
) -> ApiResult<Response> {
    step(&state, &auth, id, &headers, Step::AddChecklistItem { item }).await
}

/// A day, default today.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnBody {
    /// The day (YYYY-MM-DD, default today).
    pub on: Option<NaiveDate>,
}

/// Marks a checklist item done.
#[utoipa::path(post, path = "/cases/{id}/offboarding/items/{item}/done", tag = "cases", params(("id" = i64, Path), ("item" = u32, Path)), request_body = OnBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn complete_checklist_item(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item)): Path<(i64, u32)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OnBody>,
) -> ApiResult<Response> {
    let s = Step::CompleteChecklistItem {
        id: ItemId(item),
        on: body.on,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Why something is waived.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiveBody {
    /// The reason (required).
    #[serde(default)]
    pub reason: String,
}

/// Waives a checklist item with a reason.
#[utoipa::path(post, path = "/cases/{id}/offboarding/items/{item}/waive", tag = "cases", params(("id" = i64, Path), ("item" = u32, Path)), request_body = WaiveBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn waive_checklist_item(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item)): Path<(i64, u32)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<WaiveBody>,
) -> ApiResult<Response> {
    let s = Step::WaiveChecklistItem {
        id: ItemId(item),
        reason: body.reason,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Opens a done or waived checklist item again.
#[utoipa::path(post, path = "/cases/{id}/offboarding/items/{item}/reopen", tag = "cases", params(("id" = i64, Path), ("item" = u32, Path)),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reopen_checklist_item(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item)): Path<(i64, u32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let s = Step::ReopenChecklistItem { id: ItemId(item) };
    step(&state, &auth, id, &headers, s).await
}

/// Changes a checklist item's link and note (blank clears, absent keeps).
#[utoipa::path(patch, path = "/cases/{id}/offboarding/items/{item}", tag = "cases", params(("id" = i64, Path), ("item" = u32, Path)),
    request_body = ItemDetailsInput,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_checklist_item_details(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, item)): Path<(i64, u32)>,
    headers: HeaderMap,
    ApiJson(details): ApiJson<ItemDetailsInput>,
) -> ApiResult<Response> {
    let s = Step::SetChecklistItemDetails {
        id: ItemId(item),
        details,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Records a credential handover: which account, to whom, how, when. There
/// is no field for the secret, and a body with one is refused.
#[utoipa::path(post, path = "/cases/{id}/offboarding/handovers", tag = "cases", params(("id" = i64, Path)),
    request_body(content = CredentialHandoverInput, description = "Any field beyond these (a password) is refused."),
    responses((status = 201, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_credential_handover(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(handover): ApiJson<CredentialHandoverInput>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::RecordCredentialHandover { handover },
    )
    .await
}

/// An unpaid invoice to waive.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceWaiverBody {
    /// The invoice's reference (`invoice_ref`).
    #[serde(default)]
    pub invoice: String,
    /// Why (required).
    #[serde(default)]
    pub reason: String,
    /// The day (default today).
    pub on: Option<NaiveDate>,
}

/// Waives an unpaid invoice of the client, so it does not block closing.
#[utoipa::path(post, path = "/cases/{id}/invoice-waivers", tag = "cases", params(("id" = i64, Path)), request_body = InvoiceWaiverBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn waive_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InvoiceWaiverBody>,
) -> ApiResult<Response> {
    let s = Step::WaiveInvoice {
        invoice: body.invoice,
        reason: body.reason,
        on: body.on,
    };
    step(&state, &auth, id, &headers, s).await
}

/// How to issue the exit survey.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueSurvey {
    /// zero_to_ten (default) or one_to_five.
    pub scale: Option<ScoreScale>,
    /// Days the link stays valid (1 to 90, default 14).
    pub expires_in_days: Option<u32>,
}

/// A new survey link: the token is shown once and stored only as a hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyIssued {
    /// The case.
    pub case: CaseView,
    /// The link's path on this server: `/s/TOKEN`.
    pub path: String,
    /// The token.
    pub token: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Issues the exit survey link (a new link replaces an unanswered one).
#[utoipa::path(post, path = "/cases/{id}/survey", tag = "cases", params(("id" = i64, Path)), request_body = IssueSurvey,
    responses((status = 201, body = SurveyIssued), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn issue_survey(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IssueSurvey>,
) -> ApiResult<Response> {
    auth.require_write()?;
    let expected = if_match(&headers)?;
    let cx = context(&state, &auth)?;
    let s = Step::IssueSurvey {
        scale: body.scale,
        expires_in_days: body.expires_in_days,
    };
    let applied = cases::apply(&cx, CaseId(id), expected, s).await?;
    let token = applied
        .survey_token
        .ok_or_else(|| anyhow::anyhow!("a survey step gives a token"))?;
    let view = CaseView::of(applied.case, Lang::En);
    let expires_at = view
        .case
        .survey()
        .map(|s| s.expires_at())
        .ok_or_else(|| anyhow::anyhow!("an issued survey has an expiry"))?;
    let body = SurveyIssued {
        path: format!("/s/{}", token.expose()),
        token: token.expose().to_string(),
        expires_at,
        case: view,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Closes a lost or fired case: refused while a required checklist item is
/// open or an invoice of the client is unpaid and not waived. Closing ends
/// the client's running subscriptions after the end date and makes the
/// client former.
#[utoipa::path(post, path = "/cases/{id}/close", tag = "cases", params(("id" = i64, Path)),
    request_body(content = CloseInput, description = "closed_on defaults to today, end_on (the client's last day) to the requested end date, lost_mrr to the MRR running on the end date."),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(close): ApiJson<CloseInput>,
) -> ApiResult<Response> {
    step(&state, &auth, id, &headers, Step::Close { close }).await
}

/// Adds a corrective action learnt from the departure.
#[utoipa::path(post, path = "/cases/{id}/lessons/actions", tag = "cases", params(("id" = i64, Path)),
    request_body = NewCorrectiveActionInput,
    responses((status = 201, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_corrective_action(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(action): ApiJson<NewCorrectiveActionInput>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::AddCorrectiveAction { action },
    )
    .await
}

/// Marks a corrective action done.
#[utoipa::path(post, path = "/cases/{id}/lessons/actions/{action}/done", tag = "cases", params(("id" = i64, Path), ("action" = u32, Path)), request_body = OnBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn complete_corrective_action(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, action)): Path<(i64, u32)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OnBody>,
) -> ApiResult<Response> {
    let s = Step::CompleteCorrectiveAction {
        id: ItemId(action),
        on: body.on,
    };
    step(&state, &auth, id, &headers, s).await
}

/// Sets (or clears, with null) the win-back follow-up date.
#[utoipa::path(put, path = "/cases/{id}/win-back-follow-up", tag = "cases", params(("id" = i64, Path)), request_body = OnBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn set_win_back_follow_up(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OnBody>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::SetWinBackFollowUp { on: body.on },
    )
    .await
}

/// Marks the case won back: the former client returned (client becomes active).
#[utoipa::path(post, path = "/cases/{id}/won-back", tag = "cases", params(("id" = i64, Path)), request_body = OnBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn mark_won_back(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OnBody>,
) -> ApiResult<Response> {
    step(
        &state,
        &auth,
        id,
        &headers,
        Step::MarkWonBack { on: body.on },
    )
    .await
}

/// Business reopened with a former client: marks its latest lost or fired
/// case won back and the client active.
#[utoipa::path(post, path = "/clients/{id}/won-back", tag = "cases", params(("id" = i64, Path)), request_body = OnBody,
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn win_back_client(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OnBody>,
) -> ApiResult<Response> {
    auth.require_write()?;
    let cx = context(&state, &auth)?;
    let applied = cases::win_back_client(&cx, ClientId(id), body.on).await?;
    Ok(reply(StatusCode::OK, CaseView::of(applied.case, Lang::En)))
}

// ---- the due list ----------------------------------------------------------

/// Until when to list due work.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Items due on or before this day (default today).
    #[param(value_type = Option<String>, format = Date)]
    pub until: Option<NaiveDate>,
    /// The most rows to answer, 1 to 500 (default 500).
    pub limit: Option<u32>,
    /// Rows to skip first (default 0): the next window of the list starts
    /// at the previous `offset` plus `limit`.
    pub offset: Option<u32>,
}

/// Lists the follow-up work due: win-back follow-ups, open retention
/// promises and open corrective actions.
#[utoipa::path(get, path = "/cases/due", tag = "cases", params(DueQuery),
    responses((status = 200, body = Vec<DueItem>), (status = 422, body = Problem)))]
pub async fn due(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<DueQuery>,
) -> ApiResult<Json<Vec<DueItem>>> {
    let limit = bounds::list_limit("limit", query.limit)?;
    let until = query.until.unwrap_or_else(|| Utc::now().date_naive());
    let cases = state.store.cases_with_due_work(auth.ws(), until).await?;
    let items = due_items(&cases, until);
    let items = bounds::window(items, query.offset, limit);
    Ok(Json(items))
}
