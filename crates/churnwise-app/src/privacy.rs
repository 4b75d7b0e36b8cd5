//! A client's personal data: everything stored about it in one document
//! ([`personal_data`], for a data subject's access request), its erasure
//! ([`erase`], owners only: names, emails, phones, notes and free texts
//! replaced, amounts and dates kept so the metrics do not change), and the
//! workspace's retention rule ([`erase_former_clients`], run by the
//! scheduler: former clients erased N months after they left). Every export
//! and erase is recorded in the audit log, without the data itself.

use crate::audit::{self, Action, Actor, Subject};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Months, NaiveDate, Utc};
use churnwise_domain::history::HistoryEntry;
use churnwise_store::{
    Alert, AlertFilter, AuditEntry, CaseFilter, CaseId, Client, ClientId, Contact, ErasureSummary,
    HealthFilter, Interaction, Invoice, Store, StoredHealth, Subscription, Timestamp, WorkspaceId,
};
use serde::Serialize;

/// One departure case of the client, with its whole document and history.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    /// The case's id.
    pub id: CaseId,
    /// Its version.
    pub version: i64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// The whole case: notice, exit conversation (the client's words),
    /// retention, checklist and handovers, waivers, the exit survey and its
    /// answers, closure, lessons.
    pub document: churnwise_domain::departure::DepartureCase,
    /// Its history, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// Everything churnwise stores about a client and its contacts.
#[derive(Debug, Clone, Serialize)]
pub struct PersonalData {
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
    /// The client record (name, external id, status, owner, segment,
    /// notes, warning signs).
    pub client: Client,
    /// When its personal data was erased, if it was.
    pub erased_at: Option<Timestamp>,
    /// Its contacts (names, roles, emails, phones).
    pub contacts: Vec<Contact>,
    /// Its subscription segments.
    pub subscriptions: Vec<Subscription>,
    /// Its invoices.
    pub invoices: Vec<Invoice>,
    /// Its interactions, with their notes.
    pub interactions: Vec<Interaction>,
    /// Its departure cases, with their documents and history (survey
    /// answers included).
    pub cases: Vec<CaseRecord>,
    /// Its latest health score, if one is stored.
    pub health: Option<StoredHealth>,
    /// The health alerts raised about it.
    pub alerts: Vec<Alert>,
    /// The audit log's entries about it.
    pub audit: Vec<AuditEntry>,
    /// Its work log, internal entries included, newest first (issue 16).
    pub work_log: Vec<churnwise_store::WorkEntry>,
    /// The updates sent to it (subject, text, period, who sent them),
    /// newest first.
    pub sent_updates: Vec<crate::client_updates::SentUpdate>,
    /// The exclusivities it holds (segment or named competitors).
    pub exclusivities: Vec<crate::exclusivity::ExclusivityView>,
    /// The services it buys, was offered (with its answer) or was never
    /// offered.
    pub services: crate::services::ClientServices,
}

/// Every row of a paged list, reading pages of 500 until the total.
async fn all_pages<T, F, Fut>(mut page_of: F) -> AppResult<Vec<T>>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = AppResult<churnwise_store::Page<T>>>,
{
    let mut out = Vec::new();
    for n in 1.. {
        let page = page_of(n).await?;
        let seen = i64::try_from(out.len() + page.items.len()).unwrap_or(i64::MAX);
        let done = page.items.is_empty() || seen >= page.total;
        out.extend(page.items);
        if done {
            break;
        }
    }
    Ok(out)
}

/// Everything stored about client `id` of `ws` (managers and owners may ask:
/// the adapters check the role). The export is recorded in the audit log.
pub async fn personal_data(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ClientId,
    actor: &Actor,
) -> AppResult<PersonalData> {
    let client = store.get_client(ws, id).await?.ok_or(AppError::NotFound)?;
    let erased_at = store.client_erased_at(ws, id).await?;
    let contacts = store.list_contacts(ws, id).await?;
    let subscriptions = store.list_subscriptions(ws, id).await?;
    let invoices = store.list_invoices(ws, id).await?;
    let interactions = store.list_interactions(ws, id).await?;
    let stored = store
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(id),
                ..CaseFilter::default()
            },
        )
        .await?;
    let mut cases = Vec::with_capacity(stored.len());
    for c in stored {
        let history = store.case_history(ws, c.id).await?;
        cases.push(CaseRecord {
            id: c.id,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
            document: c.case,
            history,
        });
    }
    let health = store
        .list_health(
            ws,
            &HealthFilter {
                client: Some(id),
                ..HealthFilter::default()
            },
        )
        .await?
        .into_iter()
        .next();
    let alerts = store
        .list_alerts(
            ws,
            &AlertFilter {
                client: Some(id),
                ..AlertFilter::default()
            },
        )
        .await?;
    let audit = store.client_audit(ws, id).await?;
    let work_log = crate::work_log::whole_log(store, ws, id, false).await?;
    let sent_updates =
        all_pages(|n| crate::client_updates::list_sent(store, ws, id, Some(n), Some(500))).await?;
    let exclusivities =
        all_pages(|n| crate::exclusivity::list(store, ws, id, Some(n), Some(500))).await?;
    let services = crate::services::of_client(store, ws, id).await?;
    audit::record(
        store,
        ws,
        actor,
        Action::ClientPersonalDataExported,
        Subject::Client(id),
        "",
    )
    .await?;
    Ok(PersonalData {
        exported_at: Utc::now(),
        client,
        erased_at,
        contacts,
        subscriptions,
        invoices,
        interactions,
        cases,
        health,
        alerts,
        audit,
        work_log,
        sent_updates,
        exclusivities,
        services,
    })
}

/// Erases the personal data of client `id` of `ws` (owners only: the
/// adapters check the role): see `Store::erase_client`. The audit entry,
/// appended in the same transaction, counts what was erased and names no
/// erased text. Erasing an erased client again is harmless.
pub async fn erase(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ClientId,
    actor: &Actor,
    why: &str,
) -> AppResult<ErasureSummary> {
    // Appended after the details about the client are blanked: it names no
    // personal data, only why.
    let entry = audit::entry(actor, Action::ClientErased, Subject::Client(id), why);
    Ok(store.erase_client(ws, id, entry).await?)
}

/// The retention pass of `ws` on `today`: when the workspace erases former
/// clients' personal data N months after they leave, erases every former
/// client whose last segment ended more than N months before `today`, as
/// the actor `churnwise`. Returns the clients erased.
pub async fn erase_former_clients(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
) -> AppResult<Vec<ClientId>> {
    let settings = store.workspace_settings(ws).await?.value;
    let Some(months) = settings.erase_former_after_months else {
        return Ok(Vec::new());
    };
    let Some(before) = today.checked_sub_months(Months::new(months)) else {
        return Ok(Vec::new());
    };
    let due = store.former_clients_left_before(ws, before).await?;
    let actor = Actor::system();
    let why = format!("retention: former client, left more than {months} months ago");
    for id in &due {
        erase(store, ws, *id, &actor, &why).await?;
    }
    Ok(due)
}
