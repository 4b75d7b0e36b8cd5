//! Not too much either (issue 16): the maximum contact frequency of a
//! workspace (Settings → Contact frequency, or `max_contacts` in
//! `PUT /api/v1/settings`) and the clients it holds back — left out of the
//! due list's contacts and shown apart, said on the client page
//! (docs/clients.md). What counts as a contact:
//! `churnwise_domain::contact_frequency::counts_toward_limit`.

use crate::audit::Actor;
use crate::AppResult;
use chrono::{Days, NaiveDate};
use churnwise_domain::contact_frequency::{counted_kinds, HeldBack, MaxContactSettings};
use churnwise_domain::Lang;
use churnwise_store::{ClientId, Store, StoreResult, Versioned, WorkspaceId};
use std::collections::HashMap;

/// A client's segment and its days with contacts (day, how many).
type SegmentDays = (Option<String>, Vec<(NaiveDate, u32)>);

/// The clients among `clients` of `ws` that are held back on `today`: they
/// have had, within the last `days` days (today included), as many
/// contacts the team made (calls, meetings, emails, newsletters) as the
/// limit of their segment allows (else the workspace's default), each with
/// its contacts counted, its limit, its latest contact and the day it may be
/// contacted again (`free_on`). A client absent from the answer may be
/// contacted. Counted by the database per client and day over the longest
/// window set, 1,000 clients per statement, so a page of clients costs one
/// query and a list of any length a few; nothing is read when no limit is set.
pub async fn held_back(
    store: &dyn Store,
    ws: WorkspaceId,
    clients: &[ClientId],
    today: NaiveDate,
) -> StoreResult<HashMap<ClientId, HeldBack>> {
    let limits = store.workspace_settings(ws).await?.value.max_contacts;
    let Some(longest) = limits.longest_days() else {
        return Ok(HashMap::new());
    };
    if clients.is_empty() {
        return Ok(HashMap::new());
    }
    let from = today - Days::new(u64::from(longest.saturating_sub(1)));
    let days = store
        .contact_days(ws, clients, &counted_kinds(), from, today)
        .await?;
    let mut by_client: HashMap<ClientId, SegmentDays> = HashMap::new();
    for d in days {
        by_client
            .entry(d.client)
            .or_insert_with(|| (d.segment.clone(), Vec::new()))
            .1
            .push((d.day, d.contacts));
    }
    Ok(by_client
        .into_iter()
        .filter_map(|(client, (segment, days))| {
            let limit = limits.limit_for(segment.as_deref())?;
            Some((client, limit.held_back(&days, today)?))
        })
        .collect())
}

/// The workspace's maximum contact frequency and the settings version to
/// save it at.
pub async fn limits(
    store: &dyn Store,
    ws: WorkspaceId,
) -> AppResult<Versioned<MaxContactSettings>> {
    let current = store.workspace_settings(ws).await?;
    Ok(Versioned {
        value: current.value.max_contacts,
        version: current.version,
    })
}

/// Replaces the maximum contact frequency if the workspace settings are
/// still at `version` (the other settings kept as stored), audited; every
/// invalid value named by its path (`default.days`, `by_segment.smb.contacts`).
pub async fn save_limits(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    limits: MaxContactSettings,
    version: i64,
) -> AppResult<Versioned<MaxContactSettings>> {
    limits
        .validate()
        .map_err(|problems| crate::settings_parts::refused("max_contacts", problems))?;
    let saved = crate::settings_parts::save_part(
        store,
        ws,
        actor,
        version,
        "maximum contact frequency",
        |all| all.max_contacts = limits,
    )
    .await?;
    Ok(Versioned {
        value: saved.value.max_contacts,
        version: saved.version,
    })
}

/// A held-back client in the reader's words: "held back until …" with its
/// contacts and limit; with the client's name for a list (the Due page),
/// without for its own page.
pub fn held_back_text(lang: Lang, held: &HeldBack, client: Option<&str>) -> String {
    use crate::i18n::{message, ArgValue};
    let mut args = vec![
        ("contacts", ArgValue::Number(f64::from(held.contacts))),
        ("days", ArgValue::Number(f64::from(held.days))),
        ("limit", ArgValue::Number(f64::from(held.limit))),
        (
            "date",
            ArgValue::Text(crate::i18n::date(lang, held.free_on)),
        ),
    ];
    match client {
        Some(name) => {
            args.push(("client", ArgValue::Text(name.to_string())));
            message(lang, "frequency-held-row", &args)
        }
        None => message(lang, "frequency-client-held", &args),
    }
}
