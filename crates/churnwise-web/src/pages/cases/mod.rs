//! The departure case pages: the list (`/cases`, filtered by stage and
//! outcome) and one case (`/cases/{id}`), with a section per stage of
//! spec/departure.md §3 and the case's history.
//!
//! Every form of the case page posts to `/cases/{id}/{step}` with its CSRF
//! token and the version of the case it was drawn from. The handler only
//! turns the form into a [`Step`] and runs [`cases::apply`], exactly like
//! the JSON API; the rules live in the domain. A refused step draws the page
//! again (422) with what was typed and the guard's reason, translated, next
//! to that step; a form drawn from an older version of the case is refused
//! (409) with a plain "changed since" message.

use super::forms::{field_error_key, FieldProblems};
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::i18n::{self, ArgValue};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use churnwise_app::cases::{self, CaseContext, Step};
use churnwise_app::AppError;
use churnwise_domain::departure::{
    CloseInput, DepartureKind, ExitConversationInput, Outcome, Stage,
};
use churnwise_domain::lessons::NewCorrectiveActionInput;
use churnwise_domain::offboarding::{
    CredentialHandoverInput, ItemDetailsInput, NewChecklistItemInput,
};
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::retention::{
    ActionStatus, NewRetentionActionInput, Offer, OfferKind, RetentionOutcome,
};
use churnwise_domain::survey::ScoreScale;
use churnwise_domain::text::{ItemId, Text};
use churnwise_domain::{CaseError, Lang, Money};
use churnwise_store::{CaseFilter, CaseId, StoredCase};
use minijinja::context;
use serde::de::DeserializeOwned;
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

// ---- the list ----------------------------------------------------------------

/// The filters of the case list, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ListParams {
    /// Stage (blank: any).
    #[serde(default)]
    pub stage: String,
    /// Outcome (blank: any; `open`: open cases only).
    #[serde(default)]
    pub outcome: String,
}

/// A case as the list shows it.
#[derive(Debug, Serialize)]
struct CaseRow {
    id: i64,
    client_id: i64,
    client_name: String,
    kind: &'static str,
    stage: &'static str,
    open: bool,
    received_on: NaiveDate,
    requested_end_on: Option<NaiveDate>,
    end_on: Option<NaiveDate>,
    primary_reason: Option<String>,
    outcome: Option<&'static str>,
    lost_mrr_cents: i64,
    checklist_done: usize,
    checklist_total: usize,
    survey_score: Option<String>,
}

fn case_row(stored: &StoredCase, reasons: &ReasonList, lang: Lang) -> CaseRow {
    let case = &stored.case;
    let (done, total) = checklist_progress(stored);
    CaseRow {
        id: stored.id.0,
        client_id: stored.client_id.0,
        client_name: stored.client_name.clone(),
        kind: case.kind().as_str(),
        stage: case.stage().as_str(),
        open: case.is_open(),
        received_on: case.notice().received_on(),
        requested_end_on: case.notice().requested_end_on(),
        end_on: case.closure().and_then(|c| c.end_on()),
        primary_reason: case
            .exit_conversation()
            .map(|c| reasons.label_of(c.primary_reason(), lang).to_string()),
        outcome: case.outcome().map(|o| o.as_str()),
        lost_mrr_cents: case.lost_mrr().cents(),
        checklist_done: done,
        checklist_total: total,
        survey_score: case.survey().and_then(|s| s.answer()).map(|a| {
            let (_, high) = a.score().scale().bounds();
            format!("{}/{high}", a.score().value())
        }),
    }
}

fn checklist_progress(stored: &StoredCase) -> (usize, usize) {
    let items = stored
        .case
        .offboarding()
        .map(|c| c.items())
        .unwrap_or_default();
    (
        items.iter().filter(|i| !i.status().is_open()).count(),
        items.len(),
    )
}

fn enum_of<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).ok()
}

/// `GET /cases`: every departure case of the workspace, newest notice first.
pub async fn list(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let stage: Option<Stage> = match params.stage.trim() {
        "" => None,
        s => Some(enum_of(s).ok_or(PageError::BadRequest)?),
    };
    let (outcome, open_only): (Option<Outcome>, bool) = match params.outcome.trim() {
        "" => (None, false),
        "open" => (None, true),
        s => (Some(enum_of(s).ok_or(PageError::BadRequest)?), false),
    };
    let filter = CaseFilter {
        stage,
        outcome,
        ..CaseFilter::default()
    };
    let reasons = state.store.reason_list(auth.ws()).await?.value;
    let rows: Vec<CaseRow> = state
        .store
        .list_cases(auth.ws(), &filter)
        .await?
        .iter()
        .filter(|c| !open_only || c.case.is_open())
        .map(|c| case_row(c, &reasons, auth.lang))
        .collect();
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let chrome = Chrome::of(&auth, &state, "cases").await?;
    render(
        &chrome,
        "cases/list.html",
        context! {
            cases => rows,
            params,
            stages,
            outcomes => ["open", "lost", "saved", "fired"],
            filtered => !(params.stage.is_empty() && params.outcome.is_empty()),
        },
    )
}

// ---- one case ----------------------------------------------------------------

/// The query of a case page.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// Set after a step was saved.
    pub done: Option<String>,
}

/// A step that was refused, to draw next to its form.
#[derive(Debug, Default, Serialize)]
struct Refusal {
    /// The step's form (its slug).
    step: &'static str,
    /// The section the form sits in.
    section: &'static str,
    /// The checklist item or action the form was about, if any.
    item: Option<u32>,
    /// The fields a person mistyped, with the Fluent key of their message.
    errors: FieldProblems,
    /// The guard's reasons, translated.
    messages: Vec<String>,
    /// True when the case changed since the form was drawn.
    stale: bool,
    /// What was typed, to show again.
    typed: BTreeMap<String, String>,
    /// Multi-valued fields as typed (the secondary reasons).
    typed_lists: BTreeMap<String, Vec<String>>,
}

/// What the page shows besides the case: a saved step's notice, a refused
/// step, or a survey link just issued.
#[derive(Default)]
struct Extras {
    saved: bool,
    refusal: Option<Refusal>,
    survey_link: Option<String>,
}

/// A reason as the exit conversation form offers it.
#[derive(Debug, Serialize)]
struct ReasonOption {
    key: String,
    label: String,
}

/// A close blocker, as listed next to the close step.
#[derive(Debug, Serialize)]
struct Blocker {
    item: Option<u32>,
    text: String,
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

/// The message `key` in `lang` with text arguments.
fn say(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, ArgValue)> = args
        .iter()
        .map(|(k, v)| (*k, ArgValue::Text(v.clone())))
        .collect();
    i18n::message(lang, key, &args)
}

fn stage_label(lang: Lang, stage: Stage) -> String {
    say(lang, &format!("case-stage-{}", stage.as_str()), &[])
}

/// The close blockers of a case in offboarding or feedback, in words.
fn blockers(e: &CaseError, lang: Lang) -> Vec<Blocker> {
    match e {
        CaseError::CannotClose {
            open_items,
            unpaid_invoices,
        } => open_items
            .iter()
            .map(|i| Blocker {
                item: Some(i.id.0),
                text: say(lang, "case-guard-item-open", &[("item", i.label.clone())]),
            })
            .chain(unpaid_invoices.iter().map(|r| Blocker {
                item: None,
                text: say(lang, "case-guard-invoice-unpaid", &[("invoice", r.clone())]),
            }))
            .collect(),
        _ => Vec::new(),
    }
}

/// The form field a domain field name belongs to: `first_evaluation.fruitful`
/// is `fruitful`, `secondary_reasons[1]` is `secondary_reasons`,
/// `waiver_reason` is the waiver forms' `reason`.
fn form_field(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let name = last.split('[').next().unwrap_or(last);
    match name {
        "waiver_reason" => "reason".to_string(),
        other => other.to_string(),
    }
}

/// A refused step in words: the fields concerned and the guard's reasons,
/// translated into `lang`.
fn explain(e: &CaseError, lang: Lang) -> (FieldProblems, Vec<String>) {
    let mut errors = FieldProblems::new();
    let mut messages = Vec::new();
    match e {
        CaseError::InvalidInput(problems) => {
            for p in problems {
                let field = form_field(&p.field);
                let key = field_error_key(&field, &p.message);
                errors.insert(field, key);
            }
        }
        CaseError::UnknownReason { field, .. } => {
            errors.insert(form_field(field), "case-guard-reason-unknown");
        }
        CaseError::RetiredReason { field, .. } => {
            errors.insert(form_field(field), "case-guard-reason-retired");
        }
        CaseError::ReasonNotForKind { field, .. } => {
            errors.insert(form_field(field), "case-guard-reason-kind");
        }
        CaseError::SecondaryRepeatsPrimary { .. } => {
            errors.insert("secondary_reasons".into(), "case-guard-secondary-repeats");
        }
        CaseError::DuplicateSecondaryReason { .. } => {
            errors.insert("secondary_reasons".into(), "case-guard-secondary-twice");
        }
        CaseError::WaiverNeedsReason { field } => {
            errors.insert(form_field(field), "case-guard-waiver-reason");
        }
        CaseError::OutcomeMismatch { .. } => {
            errors.insert("outcome".into(), "case-guard-outcome-mismatch");
        }
        CaseError::WrongStage { stage, allowed, .. } => {
            let allowed: Vec<String> = allowed.iter().map(|s| stage_label(lang, *s)).collect();
            messages.push(say(
                lang,
                "case-guard-wrong-stage",
                &[
                    ("stage", stage_label(lang, *stage)),
                    ("allowed", allowed.join(", ")),
                ],
            ));
        }
        CaseError::CannotClose { .. } => {
            messages.push(say(lang, "case-guard-cannot-close", &[]));
            messages.extend(blockers(e, lang).into_iter().map(|b| b.text));
        }
        CaseError::UnknownItem { id, .. } => {
            messages.push(say(
                lang,
                "case-guard-unknown-item",
                &[("id", id.to_string())],
            ));
        }
        CaseError::NoSurvey => messages.push(say(lang, "case-guard-no-survey", &[])),
        CaseError::SurveyAlreadyAnswered => {
            messages.push(say(lang, "case-guard-survey-answered", &[]));
        }
        CaseError::SurveyExpired { .. } => {
            messages.push(say(lang, "case-guard-survey-expired", &[]));
        }
        CaseError::RetentionNotForKind { .. } => {
            messages.push(say(lang, "case-guard-retention-kind", &[]));
        }
        CaseError::RetentionUndecided => {
            messages.push(say(lang, "case-guard-retention-undecided", &[]));
        }
        CaseError::RetentionDecided { outcome } => messages.push(say(
            lang,
            "case-guard-retention-decided",
            &[(
                "outcome",
                say(lang, &format!("case-retention-{outcome}"), &[]),
            )],
        )),
        CaseError::CannotWinBack { why } => {
            let key = if why.contains("saved") {
                "case-guard-saved-never-left"
            } else {
                "case-guard-already-won-back"
            };
            messages.push(say(lang, key, &[]));
        }
        CaseError::CaseAlreadyOpen { .. }
        | CaseError::ReasonKeyTaken { .. }
        | CaseError::TestimonialNotOffered
        | CaseError::TestimonialNeedsConsent => {
            messages.push(say(lang, "error-conflict", &[]));
        }
    }
    (errors, messages)
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

async fn case_page(
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
            actions => p.actions.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
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
                "name": t.name.to_string(),
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
            description: h.event.describe(lang, &reasons),
        })
        .collect();
    let (done, total) = checklist_progress(&stored);
    let warnings: Vec<&str> = case.warnings().iter().map(|w| w.code()).collect();
    let document = serde_json::to_value(case)
        .map_err(|e| PageError::Internal(anyhow::anyhow!("serialising a case: {e}")))?;
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
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
            survey_link => extras.survey_link,
            history => history_rows,
            saved => extras.saved,
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

async fn load(state: &AppState, auth: &PageAuth, id: i64) -> Result<StoredCase, PageError> {
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
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let stored = load(&state, &auth, id).await?;
    let extras = Extras {
        saved: query.done.is_some(),
        ..Extras::default()
    };
    case_page(&state, &auth, stored, extras).await
}

// ---- the steps -----------------------------------------------------------------

/// A posted case form: its fields in order (a field may repeat).
struct Posted(Vec<(String, String)>);

impl Posted {
    /// The first value of `key`, or "".
    fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The value of `key` trimmed, if not blank.
    fn text(&self, key: &str) -> Option<String> {
        let t = self.get(key).trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// Every non-blank value of `key`.
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A comma- or line-separated list.
    fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// A ticked checkbox.
    fn ticked(&self, key: &str) -> bool {
        !self.get(key).is_empty()
    }

    /// What was typed, without the CSRF token.
    fn typed(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Reads typed fields, collecting the ones a person mistyped.
struct Reader<'a> {
    posted: &'a Posted,
    errors: FieldProblems,
}

impl Reader<'_> {
    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        churnwise_domain::parse_date(text)
            .map_err(|_| self.errors.insert(key.to_string(), "form-date"))
            .ok()
    }

    fn yes_no(&mut self, key: &str) -> Option<bool> {
        match self.posted.get(key) {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }

    fn number(&mut self, key: &str) -> Option<u32> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        text.parse::<u32>()
            .map_err(|_| self.errors.insert(key.to_string(), "form-invalid"))
            .ok()
    }

    fn money(&mut self, key: &str) -> Option<Money> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        Money::parse_non_negative(text)
            .map_err(|_| self.errors.insert(key.to_string(), "form-amount"))
            .ok()
    }

    fn choice<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        enum_of(text)
            .ok_or_else(|| self.errors.insert(key.to_string(), "form-invalid"))
            .ok()
    }

    fn finish<T>(self, value: T) -> Result<T, FieldProblems> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// The forms of the case page: the last part of their path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Notice,
    ExitConversation,
    StartRetention,
    RetentionAction,
    RetentionActionStatus,
    RetentionOffer,
    RetentionOutcome,
    BeginOffboarding,
    AddItem,
    ItemDone,
    ItemWaive,
    ItemReopen,
    ItemDetails,
    Handover,
    InvoiceWaiver,
    Survey,
    Close,
    AddLesson,
    LessonDone,
    FollowUp,
    WonBack,
}

impl Form {
    const ALL: [Form; 21] = [
        Form::Notice,
        Form::ExitConversation,
        Form::StartRetention,
        Form::RetentionAction,
        Form::RetentionActionStatus,
        Form::RetentionOffer,
        Form::RetentionOutcome,
        Form::BeginOffboarding,
        Form::AddItem,
        Form::ItemDone,
        Form::ItemWaive,
        Form::ItemReopen,
        Form::ItemDetails,
        Form::Handover,
        Form::InvoiceWaiver,
        Form::Survey,
        Form::Close,
        Form::AddLesson,
        Form::LessonDone,
        Form::FollowUp,
        Form::WonBack,
    ];

    /// The form's path segment, also its name in the template.
    fn slug(self) -> &'static str {
        match self {
            Form::Notice => "notice",
            Form::ExitConversation => "exit-conversation",
            Form::StartRetention => "retention",
            Form::RetentionAction => "retention-action",
            Form::RetentionActionStatus => "retention-action-status",
            Form::RetentionOffer => "retention-offer",
            Form::RetentionOutcome => "retention-outcome",
            Form::BeginOffboarding => "offboarding",
            Form::AddItem => "item",
            Form::ItemDone => "item-done",
            Form::ItemWaive => "item-waive",
            Form::ItemReopen => "item-reopen",
            Form::ItemDetails => "item-details",
            Form::Handover => "handover",
            Form::InvoiceWaiver => "invoice-waiver",
            Form::Survey => "survey",
            Form::Close => "close",
            Form::AddLesson => "lesson",
            Form::LessonDone => "lesson-done",
            Form::FollowUp => "follow-up",
            Form::WonBack => "won-back",
        }
    }

    fn of(slug: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.slug() == slug)
    }

    /// The section of the page the form sits in (its anchor).
    fn section(self) -> &'static str {
        match self {
            Form::Notice => "notice",
            Form::ExitConversation => "exit",
            Form::StartRetention
            | Form::RetentionAction
            | Form::RetentionActionStatus
            | Form::RetentionOffer
            | Form::RetentionOutcome => "retention",
            Form::BeginOffboarding
            | Form::AddItem
            | Form::ItemDone
            | Form::ItemWaive
            | Form::ItemReopen
            | Form::ItemDetails
            | Form::Handover
            | Form::InvoiceWaiver => "offboarding",
            Form::Survey => "feedback",
            Form::Close => "close",
            Form::AddLesson | Form::LessonDone | Form::FollowUp | Form::WonBack => "lessons",
        }
    }

    /// The step the form asks for, or the fields a person mistyped.
    fn step(self, p: &Posted, lang: Lang) -> Result<Step, FieldProblems> {
        let mut r = Reader {
            posted: p,
            errors: FieldProblems::new(),
        };
        let item = |r: &mut Reader| -> ItemId {
            match p.get("item").trim().parse::<u32>() {
                Ok(n) => ItemId(n),
                Err(_) => {
                    r.errors.insert("item".into(), "form-invalid");
                    ItemId(0)
                }
            }
        };
        match self {
            Form::Notice => {
                let form: super::clients::CaseForm = serde_urlencoded::from_str(
                    &form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(p.0.iter().filter(|(k, _)| k != "csrf" && k != "version"))
                        .finish(),
                )
                .map_err(|_| FieldProblems::from([("notice".to_string(), "form-invalid")]))?;
                let mut notice = form.notice()?.1;
                notice.minimum_term_ends_on = r.date("minimum_term_ends_on");
                notice.penalties = p.text("penalties");
                notice.penalty_amount = r.money("penalty_amount");
                r.finish(Step::AmendNotice { notice })
            }
            Form::ExitConversation => {
                let conversation = ExitConversationInput {
                    held_on: r.date("held_on"),
                    clients_words: p.text("clients_words"),
                    primary_reason: p.text("primary_reason"),
                    secondary_reasons: p.all("secondary_reasons"),
                    controllable: r.yes_no("controllable"),
                    renegotiable: r.yes_no("renegotiable"),
                    departments: p.list("departments"),
                    processes: p.list("processes"),
                    roles: p.list("roles"),
                };
                r.finish(Step::ExitConversation { conversation })
            }
            Form::StartRetention => {
                let suggested = p.ticked("suggested");
                let owner = p.text("owner");
                let due_on = r.date("due_on");
                r.finish(Step::StartRetention {
                    suggested,
                    owner,
                    due_on,
                })
            }
            Form::RetentionAction => {
                let action = NewRetentionActionInput {
                    description: p.text("description"),
                    side: r.choice("side"),
                    owner: p.text("owner"),
                    due_on: r.date("due_on"),
                };
                r.finish(Step::AddRetentionAction { action })
            }
            Form::RetentionActionStatus => {
                let id = item(&mut r);
                let status: Option<ActionStatus> = r.choice("status");
                match status {
                    Some(status) => r.finish(Step::SetRetentionActionStatus { id, status }),
                    None => Err(FieldProblems::from([(
                        "status".to_string(),
                        "form-required",
                    )])),
                }
            }
            Form::RetentionOffer => {
                let kind: Option<OfferKind> = r.choice("offer_kind");
                let description = match p.text("offer_description") {
                    None => None,
                    Some(t) => Text::parse("offer_description", &t)
                        .map_err(|_| r.errors.insert("offer_description".into(), "form-too-long"))
                        .ok(),
                };
                let offer = kind.map(|kind| Offer { kind, description });
                r.finish(Step::SetRetentionOffer { offer })
            }
            Form::RetentionOutcome => {
                let outcome: Option<RetentionOutcome> = r.choice("outcome");
                let on = r.date("on");
                match outcome {
                    Some(outcome) => r.finish(Step::RecordRetentionOutcome { outcome, on }),
                    None => {
                        r.errors.insert("outcome".into(), "form-required");
                        Err(r.errors)
                    }
                }
            }
            Form::BeginOffboarding => r.finish(Step::BeginOffboarding {
                service_type: p.text("service_type"),
                lang: Some(lang),
            }),
            Form::AddItem => {
                let item = NewChecklistItemInput {
                    label: p.text("label"),
                    required: Some(p.ticked("required")),
                    link: p.text("link"),
                    note: p.text("note"),
                };
                r.finish(Step::AddChecklistItem { item })
            }
            Form::ItemDone => {
                let id = item(&mut r);
                let on = r.date("on");
                r.finish(Step::CompleteChecklistItem { id, on })
            }
            Form::ItemWaive => {
                let id = item(&mut r);
                r.finish(Step::WaiveChecklistItem {
                    id,
                    reason: p.get("reason").to_string(),
                })
            }
            Form::ItemReopen => {
                let id = item(&mut r);
                r.finish(Step::ReopenChecklistItem { id })
            }
            Form::ItemDetails => {
                let id = item(&mut r);
                // Blank clears: the form always sends both fields.
                let details = ItemDetailsInput {
                    link: Some(p.get("link").trim().to_string()),
                    note: Some(p.get("note").trim().to_string()),
                };
                r.finish(Step::SetChecklistItemDetails { id, details })
            }
            Form::Handover => {
                let handover = CredentialHandoverInput {
                    account: p.text("account"),
                    recipient: p.text("recipient"),
                    channel: p.text("channel"),
                    handed_over_on: r.date("handed_over_on"),
                };
                r.finish(Step::RecordCredentialHandover { handover })
            }
            Form::InvoiceWaiver => {
                let on = r.date("on");
                r.finish(Step::WaiveInvoice {
                    invoice: p.get("invoice").trim().to_string(),
                    reason: p.get("reason").to_string(),
                    on,
                })
            }
            Form::Survey => {
                let scale: Option<ScoreScale> = r.choice("scale");
                let expires_in_days = r.number("expires_in_days");
                r.finish(Step::IssueSurvey {
                    scale,
                    expires_in_days,
                })
            }
            Form::Close => {
                let close = CloseInput {
                    outcome: r.choice("outcome"),
                    closed_on: r.date("closed_on"),
                    end_on: r.date("end_on"),
                    lost_mrr: r.money("lost_mrr"),
                };
                r.finish(Step::Close { close })
            }
            Form::AddLesson => {
                let action = NewCorrectiveActionInput {
                    what: p.text("what"),
                    owner: p.text("owner"),
                    due_on: r.date("due_on"),
                };
                r.finish(Step::AddCorrectiveAction { action })
            }
            Form::LessonDone => {
                let id = item(&mut r);
                let on = r.date("on");
                r.finish(Step::CompleteCorrectiveAction { id, on })
            }
            Form::FollowUp => {
                let on = r.date("on");
                r.finish(Step::SetWinBackFollowUp { on })
            }
            Form::WonBack => {
                let on = r.date("on");
                r.finish(Step::MarkWonBack { on })
            }
        }
    }
}

/// The public address of a survey link, from the request's host.
fn survey_url(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    let https = state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    match host {
        Some(host) => format!(
            "{}://{host}/s/{token}",
            if https { "https" } else { "http" }
        ),
        None => format!("/s/{token}"),
    }
}

/// `POST /cases/{id}/{step}`: runs one step of the case from its form.
pub async fn step(
    State(state): State<AppState>,
    Path((id, slug)): Path<(i64, String)>,
    headers: HeaderMap,
    CsrfForm(auth, pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Form::of(&slug).ok_or(PageError::NotFound)?;
    auth.require_write()?;
    let posted = Posted(pairs);
    let version = posted
        .get("version")
        .trim()
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest)?;
    let item = posted.get("item").trim().parse::<u32>().ok();
    let refusal = |errors: FieldProblems, messages: Vec<String>, stale: bool| Refusal {
        step: form.slug(),
        section: form.section(),
        item,
        errors,
        messages,
        stale,
        typed: posted.typed(),
        typed_lists: BTreeMap::from([(
            "secondary_reasons".to_string(),
            posted.all("secondary_reasons"),
        )]),
    };
    let outcome = match form.step(&posted, auth.lang) {
        Err(errors) => Err(refusal(errors, Vec::new(), false)),
        Ok(step) => {
            let cx =
                CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.access.user.email)?;
            match cases::apply(&cx, CaseId(id), Some(version), step).await {
                Ok(applied) => Ok(applied),
                Err(AppError::StaleVersion(_)) => Err(refusal(
                    FieldProblems::new(),
                    vec![say(auth.lang, "case-stale", &[])],
                    true,
                )),
                Err(AppError::Case(e)) => {
                    let (errors, messages) = explain(&e, auth.lang);
                    Err(refusal(errors, messages, false))
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    match outcome {
        Ok(applied) => match applied.survey_token {
            // The link is shown once: draw the page now rather than redirect.
            Some(token) => {
                let link = survey_url(&state, &headers, token.expose());
                let extras = Extras {
                    saved: true,
                    survey_link: Some(link),
                    ..Extras::default()
                };
                case_page(&state, &auth, applied.case, extras).await
            }
            None => Ok(see_other(&format!(
                "/cases/{id}?done={}#{}",
                form.slug(),
                form.section()
            ))),
        },
        Err(refusal) => {
            let stored = load(&state, &auth, id).await?;
            let extras = Extras {
                refusal: Some(refusal),
                ..Extras::default()
            };
            case_page(&state, &auth, stored, extras).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn every_form_has_its_own_path_and_a_section() {
        for form in Form::ALL {
            assert_eq!(Form::of(form.slug()), Some(form));
            assert!(!form.section().is_empty());
        }
        assert_eq!(Form::of("delete-everything"), None);
    }

    #[test]
    fn the_exit_conversation_form_reads_repeated_reasons_and_lists() {
        let p = posted(&[
            ("clients_words", " We are moving it in-house "),
            ("primary_reason", "needs_changed"),
            ("secondary_reasons", "budget_cut"),
            ("secondary_reasons", ""),
            ("secondary_reasons", "price_too_high"),
            ("controllable", "no"),
            ("renegotiable", "yes"),
            ("departments", "Sales, Support\nBilling"),
        ]);
        let Ok(Step::ExitConversation { conversation }) = Form::ExitConversation.step(&p, Lang::En)
        else {
            panic!("an exit conversation step");
        };
        assert_eq!(
            conversation.clients_words.as_deref(),
            Some("We are moving it in-house")
        );
        assert_eq!(
            conversation.secondary_reasons,
            ["budget_cut", "price_too_high"]
        );
        assert_eq!(conversation.controllable, Some(false));
        assert_eq!(conversation.departments, ["Sales", "Support", "Billing"]);
    }

    #[test]
    fn mistyped_dates_and_amounts_are_named_before_any_step_runs() {
        let p = posted(&[
            ("outcome", "lost"),
            ("end_on", "2024-02-30"),
            ("lost_mrr", "lots"),
        ]);
        let errors = Form::Close.step(&p, Lang::En).unwrap_err();
        assert_eq!(errors.get("end_on"), Some(&"form-date"));
        assert_eq!(errors.get("lost_mrr"), Some(&"form-amount"));
    }

    #[test]
    fn a_close_guard_is_told_item_by_item_in_spanish() {
        let e = CaseError::CannotClose {
            open_items: vec![churnwise_domain::departure::OpenItem {
                id: ItemId(4),
                label: "Informe final".into(),
            }],
            unpaid_invoices: vec!["INV-7".into()],
        };
        let (errors, messages) = explain(&e, Lang::Es);
        assert!(errors.is_empty());
        assert_eq!(messages.len(), 3);
        assert!(messages[1].contains("Informe final"), "{messages:?}");
        assert!(messages[2].contains("INV-7"), "{messages:?}");
        assert!(!messages.iter().any(|m| m.contains("case-guard")));
    }

    #[test]
    fn domain_field_names_become_the_form_fields() {
        assert_eq!(form_field("first_evaluation.fruitful"), "fruitful");
        assert_eq!(form_field("secondary_reasons[1]"), "secondary_reasons");
        assert_eq!(form_field("waiver_reason"), "reason");
        assert_eq!(form_field("end_on"), "end_on");
    }

    #[test]
    fn every_guard_message_exists_in_both_languages() {
        let kinds = [DepartureKind::ClientLeaving, DepartureKind::TeamEnding];
        let errors = [
            CaseError::UnknownReason {
                field: "primary_reason".into(),
                key: "x".into(),
            },
            CaseError::RetiredReason {
                field: "primary_reason".into(),
                key: "x".into(),
            },
            CaseError::ReasonNotForKind {
                field: "primary_reason".into(),
                key: "x".into(),
                kind: kinds[0],
            },
            CaseError::SecondaryRepeatsPrimary { key: "x".into() },
            CaseError::DuplicateSecondaryReason { key: "x".into() },
            CaseError::WaiverNeedsReason {
                field: "waiver_reason".into(),
            },
            CaseError::OutcomeMismatch {
                kind: kinds[1],
                outcome: Outcome::Lost,
                expected: Outcome::Fired,
            },
            CaseError::WrongStage {
                action: "close",
                stage: Stage::Notice,
                allowed: vec![Stage::Offboarding],
            },
            CaseError::UnknownItem {
                what: "checklist item",
                id: ItemId(9),
            },
            CaseError::NoSurvey,
            CaseError::SurveyAlreadyAnswered,
            CaseError::RetentionNotForKind { kind: kinds[1] },
            CaseError::RetentionUndecided,
            CaseError::RetentionDecided {
                outcome: "retained",
            },
            CaseError::CannotWinBack {
                why: "a saved client never left",
            },
            CaseError::CannotWinBack {
                why: "the client was already won back",
            },
        ];
        for e in &errors {
            for lang in i18n::LANGS {
                let (fields, messages) = explain(e, lang);
                assert!(!fields.is_empty() || !messages.is_empty(), "{e:?}");
                for key in fields.values() {
                    assert!(i18n::has_message(lang, key), "{key} ({lang:?})");
                }
                for m in &messages {
                    assert!(!m.contains("case-"), "{m} ({lang:?})");
                }
            }
        }
    }
}
