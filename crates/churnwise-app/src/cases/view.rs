//! A departure case as it is shown: the stored case with its warnings,
//! what stops it from closing and its history described in a language.
//! The API answers it as it is, the CLI prints it with `--format json`.

use chrono::{DateTime, Utc};
use churnwise_domain::departure::DepartureCase;
use churnwise_domain::history::HistoryEntry;
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::text::ItemId;
use churnwise_domain::{FieldProblem, Lang};
use churnwise_store::{CaseId, ClientId, StoredCase};
use serde::Serialize;

/// A departure case as the API shows it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: CaseId,
    /// The client.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub client_id: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The version to send back in `If-Match` to refuse lost updates.
    pub version: i64,
    /// The case document: kind, stage, notice, exit_conversation, retention,
    /// offboarding, invoice_waivers, survey, closure, lessons, won_back_on
    /// (see docs/departure-cases.md).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub case: DepartureCase,
    /// Warnings about the retention plan (a discount as the only lever).
    pub warnings: Vec<FieldProblem>,
    /// What stops the case from closing now (shown with the case, in offboarding and feedback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_blockers: Option<Vec<FieldProblem>>,
    /// The append-only history, oldest first (shown with one case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryView>>,
    /// The number of the action or item the step created.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub created: Option<ItemId>,
    /// Endings of the self-service cancel page recorded on this case that
    /// could not be applied in Stripe (shown with one case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe_failures: Option<Vec<crate::stripe::cancel::StripeFailure>>,
    /// When it was opened in churnwise.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One line of a case's history.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryView {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: `{kind: user, name}`, `{kind: client}` or `{kind: system}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub actor: churnwise_domain::history::Actor,
    /// What changed: `{type: closed, outcome, ...}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub event: churnwise_domain::history::CaseEvent,
    /// The change in words.
    pub description: String,
}

impl CaseView {
    /// The view of a stored case, in `lang`.
    pub fn of(stored: StoredCase, lang: Lang) -> Self {
        let warnings = stored
            .case
            .warnings()
            .iter()
            .map(|w| FieldProblem {
                field: w.code().to_string(),
                message: w.message(lang).to_string(),
            })
            .collect();
        CaseView {
            id: stored.id,
            client_id: stored.client_id,
            client_name: stored.client_name,
            version: stored.version,
            case: stored.case,
            warnings,
            close_blockers: None,
            history: None,
            created: None,
            stripe_failures: None,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }

    /// Adds the history, described in `lang` with the workspace's reasons.
    pub fn with_history(
        mut self,
        history: Vec<HistoryEntry>,
        reasons: &ReasonList,
        lang: Lang,
    ) -> Self {
        let case = &self.case;
        self.history = Some(
            history
                .into_iter()
                .map(|h| HistoryView {
                    description: h.event.describe_in(lang, reasons, Some(case)),
                    at: h.at,
                    actor: h.actor,
                    event: h.event,
                })
                .collect(),
        );
        self
    }
}
