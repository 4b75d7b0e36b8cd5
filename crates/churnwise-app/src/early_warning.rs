//! Early warning and keeping in touch (departure.md sections 1 and 2): the
//! one place that recomputes health scores and builds the due list, shared
//! by the API, the pages, the CLI, the scheduler and the digest.

use crate::cases::due_items;
use crate::owners::OwnerNames;
use chrono::NaiveDate;
use churnwise_domain::contact_frequency::HeldBack;
use churnwise_domain::health::{contact_overdue_days, score};
use churnwise_domain::registry::ClientStatus;
use churnwise_store::{
    CaseId, ClientId, ContactFacts, HealthRunSummary, NewHealth, Store, StoreResult, User,
    WorkspaceId,
};
use serde::Serialize;
use std::collections::HashMap;

/// Recomputes the score of every active or leaving client of `ws` as of
/// `today` with the workspace's settings, stores them and applies the alert
/// rule (one alert per crossing); clients no longer scored lose their score
/// and their live alert. Safe to run again: the same facts give the same
/// scores and raise nothing new. Goes through every client in chunks of
/// [`REFRESH_CHUNK`] ([`refresh_clients`]), so its memory does not grow
/// with the workspace: at 100,000 clients, the facts of all of them at
/// once held about 500 MB.
pub async fn refresh(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
) -> StoreResult<HealthRunSummary> {
    let clients = store.all_client_ids(ws).await?;
    refresh_clients(store, ws, &clients, today).await
}

/// How many clients [`refresh_clients`] scores per store call (each id is a
/// bound parameter, and each chunk is one transaction).
pub const REFRESH_CHUNK: usize = 1000;

/// Recomputes the scores of the `clients` of `ws` only (the ones a change
/// touched), as of `today`, with the same rule as [`refresh`]: active and
/// leaving clients are scored and may raise or resolve an alert; a touched
/// client that is no longer scored (former, prospect) loses its score and its
/// live alert. Other clients' rows are not touched. Works in chunks of
/// [`REFRESH_CHUNK`], so an import of 100,000 customers is 100 short runs.
pub async fn refresh_clients(
    store: &dyn Store,
    ws: WorkspaceId,
    clients: &[ClientId],
    today: NaiveDate,
) -> StoreResult<HealthRunSummary> {
    let mut total = HealthRunSummary::default();
    if clients.is_empty() {
        return Ok(total);
    }
    let settings = store.workspace_settings(ws).await?.value.health;
    for chunk in clients.chunks(REFRESH_CHUNK) {
        let facts = store
            .health_facts_of(ws, today, settings.lookback_days, chunk)
            .await?;
        let scores = facts
            .iter()
            .map(|f| NewHealth {
                client: f.client.id,
                health: score(&f.facts, &settings),
                may_alert: f.client.status == ClientStatus::Active,
            })
            .collect();
        let run = store.record_health_of(ws, today, chunk, scores).await?;
        total.scored += run.scored;
        total.raised.extend(run.raised);
        total.resolved += run.resolved;
        total.reopened += run.reopened;
    }
    Ok(total)
}

/// What a due-list entry asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// The client's last contact is older than its keep-in-touch interval.
    Contact,
    /// A promise made in a retention plan.
    RetentionPromise,
    /// A corrective action learnt from a departure.
    CorrectiveAction,
    /// Telling a former client what was corrected and inviting them back.
    WinBackFollowUp,
    /// A subscription cancelled in Stripe: record why (open a departure case).
    BillingCancelled,
    /// A payment failed in Stripe and its invoice is unpaid.
    PaymentFailed,
}

impl DueKind {
    /// The stable key.
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::Contact => "contact",
            DueKind::RetentionPromise => "retention_promise",
            DueKind::CorrectiveAction => "corrective_action",
            DueKind::WinBackFollowUp => "win_back_follow_up",
            DueKind::BillingCancelled => "billing_cancelled",
            DueKind::PaymentFailed => "payment_failed",
        }
    }
}

/// One thing an owner should do, with how late it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueEntry {
    /// What kind of work.
    pub kind: DueKind,
    /// The client.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub client_id: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The client's owner.
    pub owner: Option<String>,
    /// Who a case action is assigned to, when it names someone.
    pub assignee: Option<String>,
    /// The case, for case work.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub case_id: Option<CaseId>,
    /// The action's number in the case.
    pub item: Option<u32>,
    /// What is to be done, in the words it was recorded with (empty for a contact).
    pub what: String,
    /// What is to be done in Spanish, when it differs (a suggested action).
    #[serde(skip)]
    pub what_es: Option<String>,
    /// When it fell due.
    pub due_on: NaiveDate,
    /// Days since it fell due (0 on the day).
    pub days_overdue: i64,
    /// The billing signal behind a `billing_cancelled` or `payment_failed`
    /// entry (issue 15).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<crate::billing_signals::BillingDue>,
}

impl DueEntry {
    /// True when `owner` (a name or an email, any case) is the client's
    /// owner or the action's assignee.
    pub fn belongs_to(&self, owner: &str) -> bool {
        let owner = owner.trim().to_lowercase();
        [&self.owner, &self.assignee]
            .into_iter()
            .flatten()
            .any(|o| o.trim().to_lowercase() == owner)
    }

    /// True when the entry is the work of `user` (by display name or email).
    pub fn is_for(&self, user: &User) -> bool {
        user.owns(self.owner.as_deref()) || user.owns(self.assignee.as_deref())
    }

    /// True when the entry is the work of the user with these `names`
    /// (display name, email and the owner names mapped to them).
    pub fn is_for_owner(&self, names: &OwnerNames) -> bool {
        names.owns(self.owner.as_deref()) || names.owns(self.assignee.as_deref())
    }
}

/// A client due for a contact but held back by the maximum contact
/// frequency (issue 16): contacted as often as its segment allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldBackEntry {
    /// The contact it would be due for.
    pub entry: DueEntry,
    /// Its contacts counted, its limit and the day it may be contacted again.
    pub held_back: HeldBack,
}

/// The due list and, apart, the clients due for a contact that it holds back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueLists {
    /// The work due, most overdue first.
    pub due: Vec<DueEntry>,
    /// The clients held back, the first free again first.
    pub held_back: Vec<HeldBackEntry>,
}

/// The due list of `ws` on `today`: clients due for a contact, the case
/// work due (retention promises, corrective actions, win-back follow-ups),
/// and the billing signals (Stripe cancellations, failed payments),
/// most overdue first, optionally only `owner`'s (a name or email; when it
/// names a member, the owner names mapped to them count too). A client
/// held back by the maximum contact frequency is left out (see [`due_lists`]).
pub async fn due_list(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: Option<&str>,
) -> StoreResult<Vec<DueEntry>> {
    Ok(due_lists(store, ws, today, owner, false).await?.due)
}

/// The due list of `ws` on `today` as [`due_list`] gives it (active and
/// leaving clients, and the case work), and, when `include_former` is
/// asked, the former clients due for a contact too.
pub async fn due_list_with(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: Option<&str>,
    include_former: bool,
) -> StoreResult<Vec<DueEntry>> {
    Ok(due_lists(store, ws, today, owner, include_former)
        .await?
        .due)
}

/// The due list of [`due_list_with`], and apart the clients due for a
/// contact that the maximum contact frequency holds back
/// (`contact_frequency::held_back`): contacted as often as their segment
/// allows, they wait until their `free_on` day.
pub async fn due_lists(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: Option<&str>,
    include_former: bool,
) -> StoreResult<DueLists> {
    // Only the keep-in-touch facts, in one query: not the whole health facts.
    let mut contacts: Vec<DueEntry> = store
        .current_contact_facts(ws, today)
        .await?
        .into_iter()
        .filter_map(|f| contact_entry(f, today))
        .collect();
    if include_former {
        contacts.extend(
            store
                .former_contact_facts(ws, today)
                .await?
                .into_iter()
                .filter_map(|f| contact_entry(f, today)),
        );
    }
    let mut entries = case_entries(store, ws, today).await?;
    // Stripe cancellations and failed payments (issue 15).
    entries.extend(crate::billing_signals::due_entries(store, ws, today).await?);
    if let Some(owner) = owner {
        // A member named by email or display name: their mapped names too.
        let names = crate::owners::names_for_filter(store, ws, owner).await?;
        let mine = |e: &DueEntry| e.belongs_to(owner) || e.is_for_owner(&names);
        entries.retain(mine);
        contacts.retain(mine);
    }
    // Clients contacted as often as their segment allows wait (issue 16).
    let ids: Vec<ClientId> = contacts.iter().map(|e| e.client_id).collect();
    let held = crate::contact_frequency::held_back(store, ws, &ids, today).await?;
    let mut held_back = Vec::new();
    for entry in contacts {
        match held.get(&entry.client_id) {
            Some(h) => held_back.push(HeldBackEntry {
                entry,
                held_back: *h,
            }),
            None => entries.push(entry),
        }
    }
    entries.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.kind.cmp(&b.kind))
            .then(a.client_name.cmp(&b.client_name))
            .then(a.item.cmp(&b.item))
    });
    held_back.sort_by(|a, b| {
        a.held_back
            .free_on
            .cmp(&b.held_back.free_on)
            .then(a.entry.client_name.cmp(&b.entry.client_name))
    });
    Ok(DueLists {
        due: entries,
        held_back,
    })
}

/// The contact entry of a client whose last contact is older than its
/// keep-in-touch interval; none when it is not due.
fn contact_entry(f: ContactFacts, today: NaiveDate) -> Option<DueEntry> {
    let late = contact_overdue_days(
        f.last_contact_on,
        f.client_since,
        f.keep_in_touch_days,
        today,
    )?;
    Some(DueEntry {
        kind: DueKind::Contact,
        client_id: f.client.id,
        client_name: f.client.name,
        owner: f.client.owner,
        assignee: None,
        case_id: None,
        item: None,
        what: String::new(),
        what_es: None,
        due_on: today - chrono::Days::new(late.unsigned_abs()),
        days_overdue: late,
        billing: None,
    })
}

/// The case work due on `today` (retention promises, corrective actions,
/// win-back follow-ups), each with its client's owner.
async fn case_entries(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
) -> StoreResult<Vec<DueEntry>> {
    let mut entries = Vec::new();
    let cases = store.cases_with_due_work(ws, today).await?;
    let mut owners: HashMap<ClientId, Option<String>> = HashMap::new();
    for item in due_items(&cases, today) {
        let owner = match owners.get(&item.client_id) {
            Some(o) => o.clone(),
            None => {
                let o = store
                    .get_client(ws, item.client_id)
                    .await?
                    .and_then(|c| c.owner);
                owners.insert(item.client_id, o.clone());
                o
            }
        };
        let kind = match item.kind.as_str() {
            "retention_promise" => DueKind::RetentionPromise,
            "corrective_action" => DueKind::CorrectiveAction,
            _ => DueKind::WinBackFollowUp,
        };
        entries.push(DueEntry {
            kind,
            client_id: item.client_id,
            client_name: item.client_name,
            owner,
            assignee: item.owner,
            case_id: Some(item.case_id),
            item: item.item,
            what: item.what,
            what_es: item.what_es,
            due_on: item.due_on,
            days_overdue: (today - item.due_on).num_days(),
            billing: None,
        });
    }
    Ok(entries)
}
