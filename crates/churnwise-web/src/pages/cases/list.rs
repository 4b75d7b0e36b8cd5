//! The case list, `GET /cases`: every departure case of the workspace,
//! filtered by stage and outcome.

use super::{checklist_progress, enum_of};
use crate::pages::{render, Chrome, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use churnwise_domain::departure::{Outcome, Stage};
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::Lang;
use churnwise_store::{CaseFilter, StoredCase};
use minijinja::context;
use serde::{Deserialize, Serialize};

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
