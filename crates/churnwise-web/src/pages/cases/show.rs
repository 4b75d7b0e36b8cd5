//! One case's page, `GET /cases/{id}`: the case stage by stage, the forms
//! its state allows, what a refused step left typed, and its history.

use super::explain::blockers;
use super::forms::Form;
use super::{checklist_progress, say};
use crate::pages::forms::FieldProblems;
use crate::pages::{render, Chrome, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDate;
use churnwise_app::cases;
use churnwise_domain::departure::{DepartureKind, Outcome, Stage};
use churnwise_domain::offboarding::template_name_in;
use churnwise_domain::retention::RetentionOutcome;
use churnwise_domain::Lang;
use churnwise_store::{CaseId, StoredCase};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of retention offer, in the order the form lists them.
const OFFER_KINDS: [&str; 6] = [
    "pause",
    "right_size",
    "extra_service_or_training",
    "free_period",
    "senior_call",
    "discount",
];
/// The query of a case page.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// Set after a step was saved.
    pub done: Option<String>,
}

/// A step that was refused, to draw next to its form.
#[derive(Debug, Default, Serialize)]
pub(super) struct Refusal {
    /// The step's form (its slug).
    pub(super) step: &'static str,
    /// The section the form sits in.
    pub(super) section: &'static str,
    /// The checklist item or action the form was about, if any.
    pub(super) item: Option<u32>,
    /// The fields a person mistyped, with the Fluent key of their message.
    pub(super) errors: FieldProblems,
    /// The guard's reasons, translated.
    pub(super) messages: Vec<String>,
    /// True when the case changed since the form was drawn.
    pub(super) stale: bool,
    /// What was typed, to show again.
    pub(super) typed: BTreeMap<String, String>,
    /// Multi-valued fields as typed (the secondary reasons).
    pub(super) typed_lists: BTreeMap<String, Vec<String>>,
}

/// What the page shows besides the case: a saved step's notice, a refused
/// step, or a survey link just issued.
#[derive(Default)]
pub(super) struct Extras {
    pub(super) saved: bool,
    /// The case was just opened (from the client page).
    pub(super) opened: bool,
    pub(super) refusal: Option<Refusal>,
    pub(super) survey_link: Option<String>,
}

/// A reason as the exit conversation form offers it.
#[derive(Debug, Serialize)]
struct ReasonOption {
    key: String,
    label: String,
}

/// An unpaid invoice of the client, and whether it is waived.
#[derive(Debug, Serialize)]
struct UnpaidRow {
    reference: String,
    amount_cents: i64,
    due_on: NaiveDate,
    waived: bool,
}

/// One line of the history.
#[derive(Debug, Serialize)]
struct HistoryRow {
    at: String,
    day: NaiveDate,
    time: String,
    actor: String,
    description: String,
}

/// Which forms the case's state allows (the role is checked in the template).
#[derive(Debug, Serialize)]
struct Allowed {
    amend_notice: bool,
    exit_conversation: bool,
    start_retention: bool,
    edit_retention_actions: bool,
    retention_offer_and_outcome: bool,
    begin_offboarding: bool,
    checklist: bool,
    survey: bool,
    close: bool,
    lessons: bool,
    win_back: bool,
}

fn allowed(stored: &StoredCase) -> Allowed {
    let case = &stored.case;
    let stage = case.stage();
    let saved = case.outcome() == Some(Outcome::Saved);
    let departed = case.outcome().is_some_and(|o| o.is_departure());
    let retention_outcome = case.retention().and_then(|r| r.outcome());
    let offboarding = matches!(stage, Stage::Offboarding | Stage::Feedback);
    Allowed {
        amend_notice: case.is_open(),
        exit_conversation: matches!(stage, Stage::Notice | Stage::ExitConversation),
        start_retention: stage == Stage::ExitConversation
            && case.kind() == DepartureKind::ClientLeaving,
        edit_retention_actions: case.retention().is_some()
            && (stage == Stage::Retention || (stage == Stage::Closed && saved)),
        retention_offer_and_outcome: stage == Stage::Retention,
        begin_offboarding: stage == Stage::ExitConversation
            || (stage == Stage::Retention && retention_outcome != Some(RetentionOutcome::Retained)),
        checklist: offboarding,
        survey: offboarding && case.survey().is_none_or(|s| s.answer().is_none()),
        close: offboarding,
        lessons: stage != Stage::Notice,
        win_back: stage == Stage::Closed && departed,
    }
}

fn survey_answer(stored: &StoredCase, lang: Lang) -> Option<serde_json::Value> {
    let survey = stored.case.survey()?;
    let answer = survey.answer()?;
    let (_, high) = answer.score().scale().bounds();
    let yes_no = |b: bool| say(lang, if b { "yes" } else { "no" }, &[]);
    Some(serde_json::json!({
        "score": answer.score().value(),
        "high": high,
        "could_do_better": answer.could_do_better().map(|t| t.to_string()),
        "would_recommend": answer.would_recommend().map(yes_no),
        "may_contact_later": yes_no(answer.may_contact_later()),
        "testimonial": answer.testimonial().map(|t| t.text().to_string()),
        "answered_on": answer.answered_at().date_naive(),
    }))
}

/// Puts the reader's words into the case document the template draws:
/// checklist labels, handover channels and suggested retention actions in
/// `lang` (what a user typed stays as typed).
fn in_readers_words(
    document: &mut serde_json::Value,
    case: &churnwise_domain::departure::DepartureCase,
    lang: Lang,
) {
    if let (Some(checklist), Some(items)) = (
        case.offboarding(),
        document
            .pointer_mut("/offboarding/items")
            .and_then(|v| v.as_array_mut()),
    ) {
        for (item, shown) in checklist.items().iter().zip(items.iter_mut()) {
            shown["label"] = item.label_in(lang).into();
            if let Some(h) = item.handover() {
                shown["handover"]["channel"] = h.channel_in(lang).into();
            }
        }
    }
    if let (Some(plan), Some(actions)) = (
        case.retention(),
        document
            .pointer_mut("/retention/actions")
            .and_then(|v| v.as_array_mut()),
    ) {
        for (action, shown) in plan.actions().iter().zip(actions.iter_mut()) {
            shown["description"] = action.description_in(lang).into();
        }
    }
}

pub(super) async fn case_page(
    state: &AppState,
    auth: &PageAuth,
    stored: StoredCase,
    extras: Extras,
) -> Result<Response, PageError> {
    let ws = auth.ws();
    let lang = auth.lang;
    let store = state.store.as_ref();
    let case = &stored.case;
    let reasons = store.reason_list(ws).await?.value;
    let templates = store.checklist_templates(ws).await?.value;
    let history = store.case_history(ws, stored.id).await?;
    let unpaid = cases::unpaid_invoices(store, ws, stored.client_id).await?;
    let today = chrono::Utc::now().date_naive();

    let reason_options: Vec<ReasonOption> = reasons
        .choosable(case.kind())
        .map(|r| ReasonOption {
            key: r.key().as_str().to_string(),
            label: r.label(lang).to_string(),
        })
        .collect();
    let conversation = case.exit_conversation();
    let primary = conversation.and_then(|c| reasons.get(c.primary_reason()));
    let playbook = primary.and_then(|r| r.playbook()).map(|p| {
        context! {
            offer => p.offer.map(|o| o.as_str()),
            actions => p.actions_in(lang),
        }
    });
    let conversation_view = conversation.map(|c| {
        context! {
            primary => reasons.label_of(c.primary_reason(), lang),
            primary_key => c.primary_reason().as_str(),
            secondary => c.secondary_reasons().iter().map(|k| reasons.label_of(k, lang).to_string()).collect::<Vec<_>>(),
            secondary_keys => c.secondary_reasons().iter().map(|k| k.as_str().to_string()).collect::<Vec<_>>(),
        }
    });
    let close_check = if matches!(case.stage(), Stage::Offboarding | Stage::Feedback) {
        Some(match case.can_close(&unpaid) {
            Ok(()) => Vec::new(),
            Err(e) => blockers(&e, lang),
        })
    } else {
        None
    };
    let unpaid_rows: Vec<UnpaidRow> = unpaid
        .iter()
        .map(|i| UnpaidRow {
            reference: i.reference.clone(),
            amount_cents: i.amount.cents(),
            due_on: i.due_on,
            waived: case
                .invoice_waivers()
                .iter()
                .any(|w| w.invoice().as_str() == i.reference.trim()),
        })
        .collect();
    let default_end = case.notice().requested_end_on();
    let default_lost_mrr = match default_end {
        Some(end) => Some(
            cases::mrr_on(store, ws, stored.client_id, end)
                .await?
                .cents(),
        ),
        None => None,
    };
    let template_options: Vec<serde_json::Value> = templates
        .all()
        .iter()
        .map(|t| {
            serde_json::json!({
                "name": template_name_in(t.name.as_str(), lang),
                "service_type": t.service_type.as_ref().map(|s| s.to_string()),
                "items": t.items.len(),
            })
        })
        .collect();
    let history_rows: Vec<HistoryRow> = history
        .iter()
        .rev()
        .map(|h| HistoryRow {
            at: h.at.to_rfc3339(),
            day: h.at.date_naive(),
            time: h.at.format("%H:%M").to_string(),
            actor: h.actor.describe(lang),
            description: h.event.describe_in(lang, &reasons, Some(case)),
        })
        .collect();
    let (done, total) = checklist_progress(&stored);
    let warnings: Vec<&str> = case.warnings().iter().map(|w| w.code()).collect();
    let mut document = serde_json::to_value(case)
        .map_err(|e| PageError::Internal(anyhow::anyhow!("serialising a case: {e}")))?;
    in_readers_words(&mut document, case, lang);
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    // What the client uses and what it never touched (issue 18): the
    // retention plan's context.
    let usage = churnwise_app::usage::client_usage(
        store,
        ws,
        stored.client_id,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    let usage_context = (!usage.is_empty()).then(|| {
        serde_json::json!({
            "used": usage
                .used
                .iter()
                .map(|m| serde_json::json!({"label": m.label(lang), "recent": m.describe_recent(lang)}))
                .collect::<Vec<_>>(),
            "never_used": usage
                .never_used
                .iter()
                .map(|m| m.label(lang).to_string())
                .collect::<Vec<_>>(),
        })
    });
    // Cancel page endings that could not be applied in Stripe (issue 17).
    let stripe_failures: Vec<serde_json::Value> =
        churnwise_app::stripe::cancel::failures_of_case(store, ws, stored.id)
            .await?
            .iter()
            .map(|f| {
                serde_json::json!({
                    "day": f.decided_at.date_naive(),
                    "time": f.decided_at.format("%H:%M").to_string(),
                    "decision": f.decision,
                    "error": f.error,
                })
            })
            .collect();
    let chrome = Chrome::of(auth, state, "cases").await?;
    let mut typed: BTreeMap<&str, BTreeMap<String, String>> = Form::ALL
        .iter()
        .map(|f| (f.slug(), BTreeMap::new()))
        .collect();
    let mut errors: BTreeMap<&str, FieldProblems> = Form::ALL
        .iter()
        .map(|f| (f.slug(), FieldProblems::new()))
        .collect();
    let mut typed_lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(r) = &extras.refusal {
        typed.insert(r.step, r.typed.clone());
        errors.insert(r.step, r.errors.clone());
        typed_lists.clone_from(&r.typed_lists);
    }
    let status = match &extras.refusal {
        Some(r) if r.stale => StatusCode::CONFLICT,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let page = render(
        &chrome,
        "cases/show.html",
        context! {
            id => stored.id.0,
            version => stored.version,
            client_id => stored.client_id.0,
            client_name => &stored.client_name,
            kind => case.kind().as_str(),
            stage => case.stage().as_str(),
            open => case.is_open(),
            outcome => case.outcome().map(|o| o.as_str()),
            expected_outcome => case.kind().departed_outcome().as_str(),
            case => document,
            stages,
            can => allowed(&stored),
            reasons => reason_options,
            conversation => conversation_view,
            playbook,
            usage_context,
            warnings,
            retention_outcome => case.retention().and_then(|r| r.outcome()).map(|o| o.as_str()),
            checklist_done => done,
            checklist_total => total,
            close_blockers => close_check,
            unpaid => unpaid_rows,
            default_end,
            default_lost_mrr,
            templates => template_options,
            survey_answer => survey_answer(&stored, lang),
            stripe_failures,
            survey_link => extras.survey_link,
            history => history_rows,
            saved => extras.saved,
            opened => extras.opened,
            failed => extras.refusal,
            typed,
            errors,
            typed_lists,
            offer_kinds => OFFER_KINDS,
            channels => ["email", "phone", "meeting", "letter", "chat", "other"],
            today,
        },
    )?;
    Ok((status, page).into_response())
}

pub(super) async fn load(
    state: &AppState,
    auth: &PageAuth,
    id: i64,
) -> Result<StoredCase, PageError> {
    state
        .store
        .get_case(auth.ws(), CaseId(id))
        .await?
        .ok_or(PageError::NotFound)
}

/// `GET /cases/{id}`: one case, stage by stage, with its history.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let stored = load(&state, &auth, id).await?;
    // A survey link just made for this case (see `step`), shown again on
    // reload until the survey is answered.
    let mut survey_link = None;
    let answered = stored
        .case
        .survey()
        .is_some_and(|survey| survey.answer().is_some());
    let cookie = CookieJar::from_headers(&headers)
        .get(super::step::SURVEY_LINK_COOKIE)
        .filter(|_| !answered)
        .cloned();
    if let Some(cookie) = cookie {
        if let Some((ws, case)) =
            churnwise_app::cases::survey_case(state.store.as_ref(), cookie.value()).await?
        {
            if ws == auth.ws() && case.id == stored.id {
                survey_link = Some(super::step::survey_url(&state, &headers, cookie.value()));
            }
        }
    }
    let extras = Extras {
        saved: query.done.is_some(),
        opened: query.done.as_deref() == Some("case-opened"),
        survey_link,
        ..Extras::default()
    };
    case_page(&state, &auth, stored, extras).await
}
