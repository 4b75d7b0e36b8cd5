//! Records of departure cases: the stored case (one JSON document plus the
//! columns queries need), its append-only history, survey links, and the
//! workspace settings the cases use (reason list, checklist templates).

use crate::{ClientId, Timestamp, WorkspaceId};
use churnwise_domain::departure::{DepartureCase, Outcome, Stage};
use churnwise_domain::history::HistoryEntry;
use serde::{Deserialize, Serialize};

/// Id of a departure case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(pub i64);

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A departure case as stored: the domain case and its storage facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCase {
    /// Id.
    pub id: CaseId,
    /// The client leaving.
    pub client_id: ClientId,
    /// The client's name, for listings.
    pub client_name: String,
    /// Bumped by every saved change; a save must name the version it read.
    pub version: i64,
    /// The case itself.
    pub case: DepartureCase,
    /// When the case was opened in churnwise.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A case to store for a client, with the history of its opening.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The client.
    pub client: ClientId,
    /// The case, as `DepartureCase::open` made it.
    pub case: DepartureCase,
    /// The entries to append (the opening).
    pub history: Vec<HistoryEntry>,
}

/// A new survey link for a case: only the token's hash is kept.
#[derive(Clone)]
pub struct NewSurveyToken {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for NewSurveyToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSurveyToken")
            .field("token_hash", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A change to a stored case: the case after a transition and the history
/// entries to append, saved together in one transaction, only if the case
/// is still at `expected_version`.
#[derive(Debug, Clone)]
pub struct CaseUpdate {
    /// The case.
    pub id: CaseId,
    /// The version the change was computed from.
    pub expected_version: i64,
    /// The case after the transition.
    pub case: DepartureCase,
    /// The entries to append.
    pub history: Vec<HistoryEntry>,
    /// A new survey link replacing any earlier one of the case.
    pub survey_token: Option<NewSurveyToken>,
}

/// Which cases to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only this client's.
    pub client: Option<ClientId>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
}

/// The case a survey link belongs to (found by the token's hash, without login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyLink {
    /// The case's workspace.
    pub workspace: WorkspaceId,
    /// The case.
    pub case: CaseId,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

/// A workspace setting with the version a save must name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Versioned<T> {
    /// The value.
    pub value: T,
    /// 0 while the built-in default is in use; bumped by every save.
    pub version: i64,
}

/// A case as a list shows it: the columns of its row, without its document
/// (a list page never parses every case's whole history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// Id.
    pub id: CaseId,
    /// The client leaving.
    pub client_id: ClientId,
    /// The client's name.
    pub client_name: String,
    /// Why the case exists (the client gave notice, or we let it go).
    pub kind: churnwise_domain::departure::DepartureKind,
    /// Where the case stands.
    pub stage: Stage,
    /// How it ended, once closed.
    pub outcome: Option<Outcome>,
    /// Key of the primary reason, once known.
    pub primary_reason: Option<String>,
    /// The day the notice came.
    pub opened_on: crate::Date,
    /// The day it was closed.
    pub closed_on: Option<crate::Date>,
    /// The client's end date, for a departure.
    pub end_on: Option<crate::Date>,
    /// Monthly revenue lost, in cents.
    pub lost_mrr_cents: i64,
    /// Version, as a save must name it.
    pub version: i64,
    /// When it last changed.
    pub updated_at: Timestamp,
}
