//! What follows a change to a client's records, in one place: every use
//! case that writes subscriptions, invoices, interactions, contacts or a
//! client's own fields (the pages, the API, the CLI, imports, and later the
//! billing sync) ends by calling [`records_changed`] with the clients it
//! touched, so their status (the one rule of the registry) and their health
//! scores are brought up to date for those clients only, never by a pass
//! over the whole workspace inside a request.

use crate::error::AppResult;
use chrono::NaiveDate;
use churnwise_store::{ClientId, Store, WorkspaceId};

/// The clients a change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// Clients known by id.
    Clients(Vec<ClientId>),
    /// Clients known by their external (billing) id, as an import names
    /// them; unknown ids are skipped.
    ExternalIds(Vec<String>),
}

impl Touched {
    /// One client.
    pub fn client(id: ClientId) -> Self {
        Touched::Clients(vec![id])
    }

    /// The ids of the touched clients of `ws`, each once.
    pub async fn resolve(&self, store: &dyn Store, ws: WorkspaceId) -> AppResult<Vec<ClientId>> {
        let mut ids = match self {
            Touched::Clients(ids) => ids.clone(),
            Touched::ExternalIds(refs) => {
                let mut refs = refs.clone();
                refs.sort_unstable();
                refs.dedup();
                store.client_ids_by_external(ws, &refs).await?
            }
        };
        ids.sort_unstable_by_key(|id| id.0);
        ids.dedup();
        Ok(ids)
    }
}

/// Brings what depends on the records of the `touched` clients of `ws` up
/// to date as of `today`.
pub async fn records_changed(
    store: &dyn Store,
    ws: WorkspaceId,
    touched: &Touched,
    today: NaiveDate,
) -> AppResult<()> {
    let clients = touched.resolve(store, ws).await?;
    if clients.is_empty() {
        return Ok(());
    }
    // The status first: the scores skip former clients.
    crate::status::follow_rule(store, ws, &clients, today).await?;
    crate::early_warning::refresh_clients(store, ws, &clients, today).await?;
    Ok(())
}
