//! Client status follows the data (issue #12): the rule of
//! `churnwise_domain::client_status`, applied by the store in one statement
//! after every change to a client's records ([`follow_rule`], called by
//! `follow::records_changed`), by the scheduler's daily pass for segments
//! that start or end on a day nobody touches the client
//! ([`refresh_workspace`]), and a status set by hand that overrides it until
//! it is returned to automatic ([`StatusChoice`], [`set_status`]).

use crate::audit::{self, Action, Actor, Subject};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use churnwise_domain::registry::{ClientStatus, FieldProblem};
use churnwise_store::{Client, ClientId, ClientPatch, Store, WorkspaceId};

/// The word that returns a client's status to the rule.
pub const AUTOMATIC: &str = "automatic";

/// What a person asks of a client's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChoice {
    /// Follow the rule again (forget a status set by hand).
    Automatic,
    /// This status, set by hand, until returned to automatic.
    ByHand(ClientStatus),
}

impl StatusChoice {
    /// Parses `automatic` or a status key (`prospect`, `active`, `leaving`,
    /// `former`, `paused`) of the field `status`; blank is none.
    pub fn parse(text: Option<&str>) -> Result<Option<StatusChoice>, FieldProblem> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) if t.eq_ignore_ascii_case(AUTOMATIC) => Ok(Some(StatusChoice::Automatic)),
            Some(t) => t.parse::<ClientStatus>().map(|s| Some(StatusChoice::ByHand(s))).map_err(
                |_| {
                    FieldProblem::new(
                        "status",
                        format!(
                            "{t:?} is not one of automatic, prospect, active, leaving, former, paused"
                        ),
                    )
                },
            ),
        }
    }

    /// The change of a client patch that makes this choice.
    pub fn apply_to(self, patch: &mut ClientPatch) {
        match self {
            StatusChoice::Automatic => {
                patch.status = None;
                patch.status_by_rule = true;
            }
            StatusChoice::ByHand(status) => {
                patch.status = Some(status);
                patch.status_by_rule = false;
            }
        }
    }
}

/// Brings the status of `clients` of `ws` in line with the rule as of
/// `today` (a status set by hand stays).
pub async fn follow_rule(
    store: &dyn Store,
    ws: WorkspaceId,
    clients: &[ClientId],
    today: NaiveDate,
) -> AppResult<u64> {
    Ok(store
        .refresh_client_statuses(ws, Some(clients), today)
        .await?)
}

/// Brings the status of every client of `ws` in line with the rule as of
/// `today`: the scheduler's daily pass, idempotent (a second pass changes
/// nothing). How many clients changed.
pub async fn refresh_workspace(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
) -> AppResult<u64> {
    Ok(store.refresh_client_statuses(ws, None, today).await?)
}

/// Sets the status of client `id` of `ws` by hand, or returns it to the rule
/// (`Automatic`), as the client page does; recorded in the audit log.
pub async fn set_status(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ClientId,
    choice: StatusChoice,
    actor: &Actor,
) -> AppResult<Client> {
    let mut patch = ClientPatch::default();
    choice.apply_to(&mut patch);
    store
        .update_client(ws, id, patch)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        store,
        ws,
        actor,
        Action::ClientUpdated,
        Subject::Client(id),
        "status",
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    crate::follow::records_changed(store, ws, &crate::follow::Touched::client(id), today).await?;
    store.get_client(ws, id).await?.ok_or(AppError::NotFound)
}

/// How "clients by status" meets the metrics' customers on a day: the
/// metrics count a customer when a paying segment (MRR above 0) runs, the
/// rule makes a client active when any segment runs (free ones too) and
/// leaving while a departure case is open, though it is still served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatusReconciliation {
    /// The metrics' customers on the day (a paying segment runs).
    pub customers: i64,
    /// Active clients with a paying segment.
    pub active_paying: i64,
    /// Leaving clients still served by a paying segment.
    pub leaving_paying: i64,
    /// Customers whose status was set by hand (or not brought in line yet).
    pub other_paying: i64,
    /// Active clients whose running segments are all free.
    pub active_free: i64,
}

/// The reconciliation of the statuses of `ws` with the metrics' customers
/// on `day`.
pub async fn reconcile(
    store: &dyn Store,
    ws: WorkspaceId,
    day: NaiveDate,
) -> AppResult<StatusReconciliation> {
    let mut r = StatusReconciliation::default();
    for row in store.running_by_status(ws, day).await? {
        r.customers += row.paying;
        match row.status {
            ClientStatus::Active => {
                r.active_paying += row.paying;
                r.active_free += row.free;
            }
            ClientStatus::Leaving => r.leaving_paying += row.paying,
            _ => r.other_paying += row.paying,
        }
    }
    Ok(r)
}

/// The reconciliation of [`reconcile`], taken from `cache` when the
/// workspace's data (clients, their statuses, subscriptions) has not
/// changed since it was computed for the same day (issue 14: the
/// dashboard's grouped count over every subscription is read once per
/// change, not once per load).
pub async fn reconcile_cached(
    store: &dyn Store,
    cache: &crate::metrics::MetricsCache,
    ws: WorkspaceId,
    day: NaiveDate,
) -> AppResult<StatusReconciliation> {
    // Read before the rows, as for the metrics: never stale.
    let version = store.data_version(ws).await?;
    if let Some(kept) = cache.reconciled(ws, day, &version) {
        return Ok(kept);
    }
    let answer = reconcile(store, ws, day).await?;
    cache.keep_reconciled(ws, day, version, answer);
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_and_every_status_parse() {
        assert_eq!(
            StatusChoice::parse(Some(" Automatic ")).unwrap(),
            Some(StatusChoice::Automatic)
        );
        assert_eq!(
            StatusChoice::parse(Some("paused")).unwrap(),
            Some(StatusChoice::ByHand(ClientStatus::Paused))
        );
        assert_eq!(StatusChoice::parse(Some("")).unwrap(), None);
        let problem = StatusChoice::parse(Some("asleep")).unwrap_err();
        assert_eq!(problem.field, "status");
        assert!(problem.message.contains("automatic"));
    }

    #[test]
    fn returning_to_automatic_clears_a_status_in_the_patch() {
        let mut patch = ClientPatch {
            status: Some(ClientStatus::Paused),
            ..ClientPatch::default()
        };
        StatusChoice::Automatic.apply_to(&mut patch);
        assert_eq!(patch.status, None);
        assert!(patch.status_by_rule);
    }
}
