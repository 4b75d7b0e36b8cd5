//! Early warning and keeping in touch (departure.md sections 1 and 2): the
//! one place that recomputes health scores and builds the due list, shared
//! by the API, the pages, the CLI, the scheduler and the digest.

use crate::cases::due_items;
use crate::owners::OwnerNames;
use chrono::NaiveDate;
use churnwise_domain::health::{contact_overdue_days, score};
use churnwise_domain::registry::ClientStatus;
use churnwise_store::{
    CaseId, ClientId, HealthRunSummary, NewHealth, Store, StoreResult, User, WorkspaceId,
};
use serde::Serialize;
use std::collections::HashMap;

/// Recomputes the score of every active or leaving client of `ws` as of
/// `today` with the workspace's settings, stores them and applies the alert
/// rule (one alert per crossing). Safe to run again: the same facts give the
/// same scores and raise nothing new.
pub async fn refresh(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
) -> StoreResult<HealthRunSummary> {
    let settings = store.workspace_settings(ws).await?.value.health;
    let facts = store
        .health_facts(ws, today, settings.lookback_days)
        .await?;
    let scores = facts
        .iter()
        .map(|f| NewHealth {
            client: f.client.id,
            health: score(&f.facts, &settings),
            may_alert: f.client.status == ClientStatus::Active,
        })
        .collect();
    store.record_health(ws, today, scores).await
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

/// The due list of `ws` on `today`: clients due for a contact, the case
/// work due (retention promises, corrective actions, win-back follow-ups),
/// and the billing signals (Stripe cancellations, failed payments),
/// most overdue first, optionally only `owner`'s (a name or email; when it
/// names a member, the owner names mapped to them count too).
pub async fn due_list(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: Option<&str>,
) -> StoreResult<Vec<DueEntry>> {
    let mut entries = Vec::new();
    // Only the keep-in-touch facts, in one query: not the whole health facts.
    for f in store.current_contact_facts(ws, today).await? {
        if let Some(late) = contact_overdue_days(
            f.last_contact_on,
            f.client_since,
            f.keep_in_touch_days,
            today,
        ) {
            entries.push(DueEntry {
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
            });
        }
    }
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
    // Stripe cancellations and failed payments (issue 15).
    entries.extend(crate::billing_signals::due_entries(store, ws, today).await?);
    if let Some(owner) = owner {
        // A member named by email or display name: their mapped names too.
        let names = crate::owners::names_for_filter(store, ws, owner).await?;
        entries.retain(|e| e.belongs_to(owner) || e.is_for_owner(&names));
    }
    entries.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.kind.cmp(&b.kind))
            .then(a.client_name.cmp(&b.client_name))
            .then(a.item.cmp(&b.item))
    });
    Ok(entries)
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
    let mut entries = due_list(store, ws, today, owner).await?;
    if !include_former {
        return Ok(entries);
    }
    for f in store.former_contact_facts(ws, today).await? {
        let Some(late) = contact_overdue_days(
            f.last_contact_on,
            f.client_since,
            f.keep_in_touch_days,
            today,
        ) else {
            continue;
        };
        let entry = DueEntry {
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
        };
        if owner.is_none_or(|o| entry.belongs_to(o)) {
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.kind.cmp(&b.kind))
            .then(a.client_name.cmp(&b.client_name))
            .then(a.item.cmp(&b.item))
    });
    Ok(entries)
}
