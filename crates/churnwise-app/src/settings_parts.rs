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

/// The problems of a part's own check as the app's refusal, each field
/// named within the part (`ideal_client.segments[1]` → `segments[1]`).
pub fn refused(problems: Vec<SettingProblem>, part: &str) -> AppError {
    let prefix = format!("{part}.");
    AppError::Invalid(
        problems
            .into_iter()
            .map(|p| {
                let field = p
                    .field
                    .strip_prefix(&prefix)
                    .unwrap_or(&p.field)
                    .to_string();
                FieldProblem::new(field, p.reason)
            })
            .collect(),
    )
}
