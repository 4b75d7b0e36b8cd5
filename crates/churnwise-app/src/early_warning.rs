//! Early warning and keeping in touch (departure.md sections 1 and 2): the
//! one place that recomputes health scores and builds the due list, shared
//! by the API, the pages, the CLI, the scheduler and the digest.

use crate::cases::due_items;
use crate::owners::OwnerNames;
use chrono::NaiveDate;
use churnwise_domain::contact_frequency::counted_kinds;
use churnwise_domain::contact_frequency::HeldBack;
use churnwise_domain::health::{contact_overdue_days, score};
use churnwise_domain::registry::ClientStatus;
use churnwise_store::{
    CaseId, ClientId, ClientRef, ContactFacts, DueContact, DueContactFilter, HealthRunSummary,
    NewHealth, Store, StoreResult, User, WorkspaceId,
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
    let owner = owner.map_or(DueOwner::Everyone, DueOwner::Named);
    let window = due_window(store, ws, today, owner, include_former, 0, None).await?;
    Ok(DueLists {
        due: window.due,
        held_back: window.held_back,
    })
}

/// Whose work a due list holds.
#[derive(Debug, Clone, Copy)]
pub enum DueOwner<'a> {
    /// Everyone's.
    Everyone,
    /// An owner filter as typed (a name or an email, any case): the client's
    /// owner or the action's assignee is that text, or, when it names a
    /// member, any name mapped to them.
    Named(&'a str),
    /// The work of the user with these names ("my work" of the Due page).
    Of(&'a OwnerNames),
}

/// A window of the due list, and the clients it holds back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueWindow {
    /// The window's entries, most overdue first.
    pub due: Vec<DueEntry>,
    /// True when more entries follow the window.
    pub more: bool,
    /// Every client held back (their number is bounded by the contacts of
    /// the limit's window), the first free again first.
    pub held_back: Vec<HeldBackEntry>,
}

/// A due entry with what breaks ties in the due list's order: for case
/// and billing work its place in the order they were read, for a contact
/// whether the client is former (current clients first) and its id.
#[derive(Debug, Clone)]
struct Keyed {
    entry: DueEntry,
    tie: (u8, i64),
}

/// The due list's order: most overdue first, then by kind, client name and
/// action number, then by [`Keyed::tie`].
fn due_order(a: &Keyed, b: &Keyed) -> std::cmp::Ordering {
    let (x, y) = (&a.entry, &b.entry);
    y.days_overdue
        .cmp(&x.days_overdue)
        .then(x.kind.cmp(&y.kind))
        .then(x.client_name.cmp(&y.client_name))
        .then(x.item.cmp(&y.item))
        .then(a.tie.cmp(&b.tie))
}

/// The entries `offset..offset + limit` (all from `offset` when `limit` is
/// `None`) of the due list of `ws` on `today` for `owner` (the list of
/// [`due_lists`], entry for entry, in the same order), whether more follow,
/// and every client held back. The keep-in-touch part is read by the
/// database in the list's order by each client's stored due day (migration
/// 0031), only as far as the window needs: clients with a contact after
/// `today` (a day asked in the past), the case work and the billing signals
/// are few and merged in memory; the maximum contact frequency is checked
/// only for the due clients contacted within its longest window.
pub async fn due_window(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: DueOwner<'_>,
    include_former: bool,
    offset: usize,
    limit: Option<usize>,
) -> StoreResult<DueWindow> {
    // Whose work: the owner spellings the database filters the clients by,
    // and the same rule in memory for the case and billing work.
    let named = match owner {
        DueOwner::Named(text) => Some(crate::owners::names_for_filter(store, ws, text).await?),
        _ => None,
    };
    let mine = |e: &DueEntry| match owner {
        DueOwner::Everyone => true,
        DueOwner::Named(text) => {
            e.belongs_to(text) || named.as_ref().is_some_and(|n| e.is_for_owner(n))
        }
        DueOwner::Of(names) => e.is_for_owner(names),
    };
    let owner_spellings = match owner {
        DueOwner::Everyone => None,
        // An owner name is kept when a contact of a client it owns would be.
        _ => Some(
            store
                .owner_names(ws)
                .await?
                .into_iter()
                .filter(|o| {
                    mine(&contact_due_entry(
                        ClientRef {
                            id: ClientId(0),
                            name: String::new(),
                            owner: Some(o.name.clone()),
                            status: ClientStatus::Active,
                        },
                        today,
                        today,
                    ))
                })
                .flat_map(|o| o.spellings)
                .collect(),
        ),
    };
    let filter = DueContactFilter {
        today,
        include_former,
        owner_spellings,
    };
    // The case work and the billing signals (issue 15), in the order read.
    let mut others = case_entries(store, ws, today).await?;
    others.extend(crate::billing_signals::due_entries(store, ws, today).await?);
    let mut small: Vec<Keyed> = others
        .into_iter()
        .filter(|e| mine(e))
        .enumerate()
        .map(|(i, entry)| Keyed {
            entry,
            tie: (0, i64::try_from(i).unwrap_or(i64::MAX)),
        })
        .collect();
    // Clients with a contact after `today`: their stored due day does not
    // hold on that day, so their facts as of `today` decide.
    let after: Vec<Keyed> = store
        .contact_facts_after(ws, &filter)
        .await?
        .into_iter()
        .filter_map(|f| {
            let tie = contact_tie(&f.client);
            contact_entry(f, today).map(|entry| Keyed { entry, tie })
        })
        .collect();
    // Clients contacted as often as their segment allows wait (issue 16):
    // only due clients contacted within the longest window can be.
    let limits = store.workspace_settings(ws).await?.value.max_contacts;
    let mut candidates: Vec<Keyed> = Vec::new();
    if let Some(longest) = limits.longest_days() {
        let from = today - chrono::Days::new(u64::from(longest.saturating_sub(1)));
        candidates = store
            .due_contacts_contacted_since(ws, &filter, &counted_kinds(), from)
            .await?
            .into_iter()
            .map(|d| keyed_contact(d, today))
            .collect();
    }
    let ids: Vec<ClientId> = candidates
        .iter()
        .chain(&after)
        .map(|k| k.entry.client_id)
        .collect();
    let held = crate::contact_frequency::held_back(store, ws, &ids, today).await?;
    let mut held_back: Vec<(HeldBackEntry, (u8, i64))> = Vec::new();
    let mut held_stored: Vec<Keyed> = Vec::new();
    for k in candidates {
        if let Some(h) = held.get(&k.entry.client_id) {
            held_back.push((
                HeldBackEntry {
                    entry: k.entry.clone(),
                    held_back: *h,
                },
                k.tie,
            ));
            held_stored.push(k);
        }
    }
    for k in after {
        match held.get(&k.entry.client_id) {
            Some(h) => held_back.push((
                HeldBackEntry {
                    entry: k.entry,
                    held_back: *h,
                },
                k.tie,
            )),
            None => small.push(k),
        }
    }
    held_back.sort_by(|(a, ta), (b, tb)| {
        a.held_back
            .free_on
            .cmp(&b.held_back.free_on)
            .then(a.entry.client_name.cmp(&b.entry.client_name))
            .then(ta.cmp(tb))
    });
    let held_back = held_back.into_iter().map(|(h, _)| h).collect();
    small.sort_by(due_order);
    held_stored.sort_by(due_order);
    let held_ids: std::collections::HashSet<ClientId> =
        held_stored.iter().map(|k| k.entry.client_id).collect();

    // The stored part, read from the first row that can fall in the
    // window: the entries of the window are in the list at `offset..`, and
    // at most `small.len()` of the entries before them are not stored ones.
    let start = offset.saturating_sub(small.len());
    let wanted = limit.map(|n| offset + n + held_stored.len() - start + 1);
    let rows: Vec<Keyed> = if limit == Some(0) {
        vec![]
    } else {
        store
            .due_contacts(
                ws,
                &filter,
                start as u64,
                wanted.map_or(u64::MAX, |w| w as u64),
            )
            .await?
            .into_iter()
            .map(|d| keyed_contact(d, today))
            .collect()
    };
    let exhausted = wanted.is_none_or(|w| rows.len() < w);
    let window = merge_window(
        &small,
        &held_stored,
        &held_ids,
        start,
        rows,
        exhausted,
        offset,
        limit,
    );
    Ok(DueWindow {
        due: window.0,
        more: window.1,
        held_back,
    })
}

/// The window `offset..offset + limit` of the merge of the stored contacts
/// `rows` (the list's stored part from its `start`th row, `held` ones left
/// out, `exhausted` when nothing follows them) with `small` (the entries
/// read apart, sorted), and whether more follow. Positions are exact: the
/// stored entries before `rows` number `start` less the held ones before
/// them, and when `start > 0` every entry of `small` before the first row
/// lies before `offset` (there are at most `offset - small.len()` stored
/// entries and `small.len() - 1` others before it).
#[expect(clippy::too_many_arguments, reason = "the parts of one merge, named")]
fn merge_window(
    small: &[Keyed],
    held_sorted: &[Keyed],
    held: &std::collections::HashSet<ClientId>,
    start: usize,
    rows: Vec<Keyed>,
    exhausted: bool,
    offset: usize,
    limit: Option<usize>,
) -> (Vec<DueEntry>, bool) {
    use std::cmp::Ordering::Less;
    let end = limit.map_or(usize::MAX, |n| offset.saturating_add(n));
    let (mut index, mut next_small) = match rows.first() {
        _ if start == 0 => (0, 0),
        Some(first) => {
            let held_before = held_sorted
                .iter()
                .filter(|h| due_order(h, first) == Less)
                .count();
            let small_before = small.partition_point(|e| due_order(e, first) == Less);
            (start - held_before + small_before, small_before)
        }
        // Nothing stored from `start` on: every entry lies before `offset`.
        None => return (vec![], false),
    };
    let mut out = Vec::new();
    let mut rows = rows
        .into_iter()
        .filter(|k| !held.contains(&k.entry.client_id))
        .peekable();
    loop {
        let take_row = match (rows.peek(), small.get(next_small)) {
            (Some(r), Some(s)) => due_order(r, s) == Less,
            (Some(_), None) => true,
            (None, Some(_)) if !exhausted => return (out, true),
            (None, Some(_)) => false,
            (None, None) => return (out, !exhausted),
        };
        if index >= end {
            return (out, true);
        }
        let entry = if take_row {
            rows.next().map(|k| k.entry)
        } else {
            next_small += 1;
            small.get(next_small - 1).map(|k| k.entry.clone())
        };
        if let Some(entry) = entry {
            if index >= offset {
                out.push(entry);
            }
        }
        index += 1;
    }
}

/// Breaks ties between contacts of the same day and name: current clients
/// first, then by id.
fn contact_tie(client: &ClientRef) -> (u8, i64) {
    (u8::from(client.status == ClientStatus::Former), client.id.0)
}

/// A stored due contact as an entry with its tie-breaker.
fn keyed_contact(d: DueContact, today: NaiveDate) -> Keyed {
    let tie = contact_tie(&d.client);
    Keyed {
        entry: contact_due_entry(d.client, d.due_on, today),
        tie,
    }
}

/// The contact entry of `client`, due since `due_on`.
fn contact_due_entry(client: ClientRef, due_on: NaiveDate, today: NaiveDate) -> DueEntry {
    DueEntry {
        kind: DueKind::Contact,
        client_id: client.id,
        client_name: client.name,
        owner: client.owner,
        assignee: None,
        case_id: None,
        item: None,
        what: String::new(),
        what_es: None,
        due_on,
        days_overdue: (today - due_on).num_days(),
        billing: None,
    }
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
    Some(contact_due_entry(
        f.client,
        today - chrono::Days::new(late.unsigned_abs()),
        today,
    ))
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
