//! Edits of the workspace's departure reasons (add, rename, retire,
//! reinstate, playbooks), saved whole at the version read. The reason list
//! is never shortened, so history stays readable.

use crate::audit::{self, Action, Actor, Subject};
use crate::error::{AppError, AppResult};
use churnwise_domain::reasons::{ExitReason, NewReasonInput, Playbook, ReasonKey, ReasonList};
use churnwise_domain::CaseError;
use churnwise_store::{Store, WorkspaceId};
use serde::Serialize;

/// The reason list with its version.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonsView {
    /// 0 while the built-in default list is in use.
    pub version: i64,
    /// Every reason, retired ones included: key, label_en, label_es,
    /// about_quality_of_work, applies_to, playbook, retired.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reasons: Vec<ExitReason>,
}

/// One change to the reason list.
#[derive(Debug, Clone)]
pub enum ReasonChange {
    /// Add a reason.
    Add(NewReasonInput),
    /// Change its labels.
    Rename {
        /// English label.
        label_en: Option<String>,
        /// Spanish label.
        label_es: Option<String>,
    },
    /// Retire (true) or reinstate (false).
    Retired(bool),
    /// Whether it is about the quality of the work.
    AboutQualityOfWork(bool),
    /// Replace the playbook.
    Playbook(Option<Playbook>),
}

/// Applies `changes` to the reason `key` (or adds reasons) and saves the
/// list once, at the version read; returns the new list.
pub async fn change_reasons(
    store: &dyn Store,
    ws: WorkspaceId,
    key: Option<&str>,
    changes: Vec<ReasonChange>,
    actor: &Actor,
) -> AppResult<ReasonsView> {
    change_reasons_at(store, ws, key, changes, None, actor).await
}

/// [`change_reasons`], refused as stale (409 on `version`) unless the list
/// is still at `expected_version` when given (a form read at that version).
/// Recorded in the audit log.
pub async fn change_reasons_at(
    store: &dyn Store,
    ws: WorkspaceId,
    key: Option<&str>,
    changes: Vec<ReasonChange>,
    expected_version: Option<i64>,
    actor: &Actor,
) -> AppResult<ReasonsView> {
    let current = store.reason_list(ws).await?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(AppError::StaleVersion(
            "the reason list was changed since it was read".into(),
        ));
    }
    let key = key
        .map(|k| ReasonKey::parse("key", k).map_err(CaseError::from))
        .transpose()?;
    let mut list: ReasonList = current.value;
    for change in changes {
        list = match (change, &key) {
            (ReasonChange::Add(input), _) => list.add(input)?,
            (ReasonChange::Rename { label_en, label_es }, Some(k)) => {
                list.rename(k, label_en.as_deref(), label_es.as_deref())?
            }
            (ReasonChange::Retired(true), Some(k)) => list.retire(k)?,
            (ReasonChange::Retired(false), Some(k)) => list.reinstate(k)?,
            (ReasonChange::AboutQualityOfWork(v), Some(k)) => {
                list.set_about_quality_of_work(k, v)?
            }
            (ReasonChange::Playbook(p), Some(k)) => list.set_playbook(k, p)?,
            (_, None) => return Err(AppError::field("key", "is required")),
        };
    }
    let saved = store.save_reason_list(ws, &list, current.version).await?;
    let detail = match &key {
        Some(k) => format!("{}, version {}", k.as_str(), saved.version),
        None => format!("added, version {}", saved.version),
    };
    audit::record(
        store,
        ws,
        actor,
        Action::ReasonsChanged,
        Subject::Workspace,
        &detail,
    )
    .await?;
    Ok(ReasonsView {
        version: saved.version,
        reasons: saved.value.all().to_vec(),
    })
}
