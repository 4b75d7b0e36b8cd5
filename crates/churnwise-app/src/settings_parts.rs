//! One part of the workspace settings saved from its own page (payment
//! reminders, the ideal client profile, the maximum contact frequency): the
//! stored settings with that part replaced, refused when someone saved them
//! since `version`, audited; a part's own problems named within it.

use crate::audit::{self, Action, Actor, Subject};
use crate::{AppError, AppResult};
use churnwise_domain::health::SettingProblem;
use churnwise_domain::problem::FieldProblem;
use churnwise_domain::workspace_settings::WorkspaceSettings;
use churnwise_store::{Store, Versioned, WorkspaceId};

/// Saves the stored settings of `ws` changed by `set` if they are still at
/// `version`, audited as "`what`, version N".
pub async fn save_part(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    version: i64,
    what: &str,
    set: impl FnOnce(&mut WorkspaceSettings),
) -> AppResult<Versioned<WorkspaceSettings>> {
    let mut all = store.workspace_settings(ws).await?.value;
    set(&mut all);
    let saved = store.save_workspace_settings(ws, &all, version).await?;
    audit::record(
        store,
        ws,
        actor,
        Action::SettingsChanged,
        Subject::Workspace,
        &format!("{what}, version {}", saved.version),
    )
    .await?;
    Ok(saved)
}

/// The problems of a part checked on its own, as one refusal naming each
/// field without the part's `prefix` (`ideal_client.segments` is
/// `segments` on the part's own page and API).
pub fn refused(prefix: &str, problems: Vec<SettingProblem>) -> AppError {
    AppError::Invalid(
        problems
            .into_iter()
            .map(|p| {
                let field = p
                    .field
                    .strip_prefix(prefix)
                    .and_then(|f| f.strip_prefix('.'))
                    .unwrap_or(&p.field)
                    .to_string();
                FieldProblem::new(field, p.reason)
            })
            .collect(),
    )
}
