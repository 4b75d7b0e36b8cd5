//! Client updates (issue 16, docs/client-updates.md): per client a cadence
//! (off, monthly, quarterly; its own, else its segment's default in the
//! workspace settings, else the workspace's default); an update falls due
//! a cadence period after the last one sent (or, with none, after the
//! client's start); the draft is composed like the final report
//! ([`crate::final_report`]'s helpers) from the client-visible work since
//! the last update and the client's figures (MRR now, months as a client),
//! in the client's language, with at most one suggestion from the services
//! catalogue ([`crate::services::suggestion_for`]). The owner edits it and
//! sends it by email to the client's contacts (the digest's
//! [`SendMail`]) or downloads it and marks it sent; either way it is kept as
//! sent, logged as an interaction (an email, so it counts as contact for
//! keep-in-touch), and its suggestion recorded as offered.

use crate::audit::{self, Action, Actor, Subject};
use crate::bounds;
use crate::digest::SendMail;
use crate::error::{AppError, AppResult};
use crate::final_report::{self, Mail, ReportEntry};
use crate::i18n::{self, ArgValue};
use crate::owners::OwnerNames;
use crate::records::{self, InteractionInput};
use crate::services::{self, Suggestion};
use crate::validate::Checker;
use crate::work_log;
use chrono::{NaiveDate, Utc};
use churnwise_domain::client_updates::{Cadence, ClientUpdateSettings};
use churnwise_domain::registry::{required_text, FieldProblem};
use churnwise_domain::Lang;
use churnwise_store::{
    ClientId, ClientUpdate, NewClientUpdate, Page, ServiceId, Store, Versioned, WorkspaceId,
};
use serde::Serialize;

/// Longest subject, in characters.
pub const MAX_SUBJECT: usize = 200;
/// Longest text, in characters.
pub const MAX_BODY: usize = 20_000;
/// How many clients the due list reads at a time.
const CANDIDATES_PAGE: u32 = 1_000;

/// `email` (sent to the client's contacts) or `download` (downloaded as a
/// printable page and handed over by the owner).
pub const CHANNELS: [&str; 2] = ["email", "download"];

/// The workspace's cadences and the settings version to save them at.
pub async fn settings(
    store: &dyn Store,
    ws: WorkspaceId,
) -> AppResult<Versioned<ClientUpdateSettings>> {
    let current = store.workspace_settings(ws).await?;
    Ok(Versioned {
        value: current.value.client_updates,
        version: current.version,
    })
}

/// Replaces the workspace's cadences if its settings are still at
/// `version`; a bad segment name is named `by_segment`.
pub async fn save_settings(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    cadences: ClientUpdateSettings,
    version: i64,
) -> AppResult<Versioned<ClientUpdateSettings>> {
    cadences
        .validate()
        .map_err(|problems| crate::settings_parts::refused("client_updates", problems))?;
    let saved = crate::settings_parts::save_part(
        store,
        ws,
        actor,
        version,
        "client update cadences",
        |all| all.client_updates = cadences,
    )
    .await?;
    Ok(Versioned {
        value: saved.value.client_updates,
        version: saved.version,
    })
}

/// A client's cadence as its page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientCadence {
    /// The cadence in force: its own, else its segment's, else the default.
    pub cadence: Cadence,
    /// Its own cadence, when set.
    pub own: Option<Cadence>,
    /// The day of the last update sent.
    pub last_sent_on: Option<NaiveDate>,
    /// The day the next update falls due; none when off.
    pub next_due_on: Option<NaiveDate>,
}

/// The first day of a client: the earlier of its first subscription's
/// first day and the day it was recorded.
async fn client_since(
    store: &dyn Store,
    ws: WorkspaceId,
    client: &churnwise_store::Client,
) -> AppResult<NaiveDate> {
    let recorded = client.created_at.date_naive();
    Ok(store
        .list_subscriptions(ws, client.id)
        .await?
        .iter()
        .map(|s| s.started_on)
        .min()
        .map_or(recorded, |s| s.min(recorded)))
}

/// The cadence of a client of `ws`.
pub async fn cadence_of(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
) -> AppResult<ClientCadence> {
    let found = store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let defaults = store.workspace_settings(ws).await?.value.client_updates;
    let own = store.client_update_cadence(ws, client).await?;
    let cadence = own.unwrap_or_else(|| defaults.cadence_for(found.segment.as_deref()));
    let last_sent_on = store.last_client_update_on(ws, client).await?;
    let since = client_since(store, ws, &found).await?;
    Ok(ClientCadence {
        cadence,
        own,
        last_sent_on,
        next_due_on: cadence.due_on(last_sent_on.unwrap_or(since)),
    })
}

/// Sets a client's own cadence from `off`, `monthly` or `quarterly`, or
/// clears it (back to its segment's) with `default` or nothing; anything
/// else is refused naming `cadence`.
pub async fn set_cadence(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    text: Option<&str>,
    actor: &Actor,
) -> AppResult<ClientCadence> {
    let own = match text.map(str::trim) {
        None | Some("") | Some("default") => None,
        Some(t) => Some(t.parse::<Cadence>().map_err(|_| {
            AppError::field("cadence", "must be off, monthly, quarterly or default")
        })?),
    };
    store.set_client_update_cadence(ws, client, own).await?;
    audit::record(
        store,
        ws,
        actor,
        Action::ClientUpdateCadenceSet,
        Subject::Client(client),
        &format!("update cadence {}", own.map_or("default", Cadence::as_str)),
    )
    .await?;
    cadence_of(store, ws, client).await
}

/// A client whose update is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueUpdate {
    /// The client.
    pub client_id: i64,
    /// Its name.
    pub client_name: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Its cadence.
    pub cadence: Cadence,
    /// The day of its last update sent; none before the first.
    pub last_sent_on: Option<NaiveDate>,
    /// The day the update fell due.
    pub due_on: NaiveDate,
    /// Days since then.
    pub days_overdue: i64,
}

/// The active clients of `ws` whose update is due on `today` (only the
/// clients `owner` owns when given), the longest overdue first. The one
/// place the due updates are listed: the Due page, the API and the CLI.
pub async fn due(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: Option<&OwnerNames>,
) -> AppResult<Vec<DueUpdate>> {
    let defaults = store.workspace_settings(ws).await?.value.client_updates;
    let mut out = Vec::new();
    let mut after = ClientId(0);
    // With the default cadence off, only a client with a cadence of its own
    // or a segment given one can be due: the others are not read (issue 14).
    let narrowed = defaults.default_cadence == Cadence::Off;
    let or_segment = defaults.by_segment.values().any(|c| *c != Cadence::Off);
    loop {
        let page = if narrowed {
            store
                .update_candidates_narrowed(ws, after, CANDIDATES_PAGE, or_segment)
                .await?
        } else {
            store.update_candidates(ws, after, CANDIDATES_PAGE).await?
        };
        let Some(last) = page.last() else {
            break;
        };
        after = last.client_id;
        let full = page.len() >= CANDIDATES_PAGE as usize;
        for c in page {
            if owner.is_some_and(|names| !names.owns(c.owner.as_deref())) {
                continue;
            }
            let cadence = c
                .cadence
                .unwrap_or_else(|| defaults.cadence_for(c.segment.as_deref()));
            let Some(due_on) = cadence.due_on(c.last_sent_on.unwrap_or(c.client_since)) else {
                continue;
            };
            if due_on > today {
                continue;
            }
            out.push(DueUpdate {
                client_id: c.client_id.0,
                client_name: c.name,
                owner: c.owner,
                cadence,
                last_sent_on: c.last_sent_on,
                due_on,
                days_overdue: (today - due_on).num_days(),
            });
        }
        if !full {
            break;
        }
    }
    // A client contacted as often as its segment allows waits (issue 16,
    // "not too much either"): its update is due again once it is free.
    let ids: Vec<ClientId> = out.iter().map(|u| ClientId(u.client_id)).collect();
    let held = crate::contact_frequency::held_back(store, ws, &ids, today).await?;
    out.retain(|u| !held.contains_key(&ClientId(u.client_id)));
    out.sort_by(|a, b| {
        a.due_on
            .cmp(&b.due_on)
            .then_with(|| a.client_name.cmp(&b.client_name))
            .then(a.client_id.cmp(&b.client_id))
    });
    Ok(out)
}

/// One page of [`due`] (`page` from 1, `per_page` 1–500, 50 by default;
/// a bad one is refused naming `page` or `per_page`).
pub async fn due_page(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    owner: Option<&OwnerNames>,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<DueUpdate>> {
    let mut c = Checker::default();
    let page = c.keep(bounds::page_number("page", page));
    let per_page = c.keep(bounds::page_size("per_page", per_page));
    let (page, per_page) = c.finish(page.zip(per_page))?;
    let all = due(store, ws, today, owner).await?;
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let skip = (page as usize - 1).saturating_mul(per_page as usize);
    Ok(Page {
        items: all.into_iter().skip(skip).take(per_page as usize).collect(),
        page,
        per_page,
        total,
    })
}

/// A draft update, composed for the owner to edit and send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateDraft {
    /// The client.
    pub client_id: i64,
    /// Its name.
    pub client_name: String,
    /// The language it is written in (`en`, `es`).
    pub lang: &'static str,
    /// The client's cadence.
    pub cadence: Cadence,
    /// The first day it covers: the day after the last update, else the
    /// client's start.
    pub period_from: NaiveDate,
    /// The last day it covers (the day it is composed).
    pub period_to: NaiveDate,
    /// The subject.
    pub subject: String,
    /// The whole text, ready to edit.
    pub body: String,
    /// The client-visible work of the period, oldest first.
    pub entries: Vec<ReportEntry>,
    /// The client's MRR on `period_to`, in cents.
    pub mrr_cents: i64,
    /// The same written the reader's way.
    pub mrr_text: String,
    /// Whole months as a client.
    pub months_as_client: u32,
    /// The one service suggested, if any.
    pub suggestion: Option<Suggestion>,
    /// Why no service is suggested (`open_case`, `recent_complaint`,
    /// `none_left`), when none is.
    pub no_suggestion_because: Option<&'static str>,
}

fn t(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    i18n::message(lang, key, args)
}

/// Composes the update of a client of `ws` in `lang` on `today`.
pub async fn draft(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    lang: Lang,
    today: NaiveDate,
) -> AppResult<UpdateDraft> {
    let found = store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let cadence = cadence_of(store, ws, client).await?;
    let since = client_since(store, ws, &found).await?;
    let period_from = cadence
        .last_sent_on
        .and_then(|d| d.succ_opt())
        .unwrap_or(since);
    let log = work_log::whole_log(store, ws, client, true).await?;
    let log: Vec<_> = log
        .into_iter()
        .filter(|e| e.done_on >= period_from && e.done_on <= today)
        .collect();
    let entries = final_report::report_entries(lang, log);
    let mrr_cents: i64 = store
        .list_subscriptions(ws, client)
        .await?
        .iter()
        .filter(|s| s.started_on <= today && s.ended_on.is_none_or(|e| e > today))
        .map(|s| s.mrr.cents())
        .sum();
    let mrr_text = i18n::money(lang, mrr_cents);
    let months_as_client = final_report::months_between(since, today);
    let offer = services::suggestion_for(store, ws, client, lang, today).await?;
    let name = ArgValue::Text(found.name.clone());
    let from_text = ArgValue::Text(i18n::date(lang, period_from));
    let to_text = ArgValue::Text(i18n::date(lang, today));
    let subject = t(
        lang,
        "client-update-subject",
        &[
            ("client", name.clone()),
            ("from", from_text.clone()),
            ("to", to_text.clone()),
        ],
    );
    let mut body = format!(
        "{}\n\n{}\n",
        t(lang, "client-update-greeting", &[]),
        t(
            lang,
            "client-update-intro",
            &[("client", name), ("from", from_text), ("to", to_text)],
        )
    );
    final_report::push_work(
        &mut body,
        &t(lang, "client-update-work", &[]),
        &t(lang, "client-update-empty", &[]),
        &entries,
    );
    body.push_str(&format!(
        "\n{}\n- {}\n- {}\n",
        t(lang, "client-update-figures", &[]),
        t(
            lang,
            "client-update-mrr",
            &[("amount", ArgValue::Text(mrr_text.clone()))]
        ),
        t(
            lang,
            "client-update-months",
            &[("months", ArgValue::Number(f64::from(months_as_client)))]
        ),
    ));
    if let Ok(s) = &offer {
        body.push_str(&format!("\n{}\n", s.text));
    }
    body.push_str(&format!("\n{}\n", t(lang, "client-update-closing", &[])));
    let (suggestion, no_suggestion_because) = match offer {
        Ok(s) => (Some(s), None),
        Err(why) => (None, Some(why.as_str())),
    };
    Ok(UpdateDraft {
        client_id: found.id.0,
        client_name: found.name,
        lang: i18n::code(lang),
        cadence: cadence.cadence,
        period_from,
        period_to: today,
        subject,
        body,
        entries,
        mrr_cents,
        mrr_text,
        months_as_client,
        suggestion,
        no_suggestion_because,
    })
}

/// An update to send, as typed or sent, unchecked.
#[derive(Debug, Default, Clone)]
pub struct SendInput {
    /// The subject (required, at most 200 characters).
    pub subject: String,
    /// The text (required, at most 20,000 characters).
    pub body: String,
    /// `email` or `download` (required).
    pub channel: Option<String>,
    /// The service the text suggests (the draft's suggestion), if any.
    pub suggested_service_id: Option<i64>,
}

/// A sent update as the API, the pages and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentUpdate {
    /// Id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// The first day it covers.
    pub period_from: NaiveDate,
    /// The last day it covers.
    pub period_to: NaiveDate,
    /// The subject.
    pub subject: String,
    /// The text.
    pub body: String,
    /// The day it was sent.
    pub sent_on: NaiveDate,
    /// Who sent it.
    pub sent_by: String,
    /// `email` or `download`.
    pub channel: String,
    /// The service it suggested.
    pub suggested_service_id: Option<i64>,
    /// The addresses the mail server accepted (email, when just sent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sent_to: Vec<String>,
}

impl From<ClientUpdate> for SentUpdate {
    fn from(u: ClientUpdate) -> Self {
        SentUpdate {
            id: u.id.0,
            client_id: u.client_id.0,
            period_from: u.period_from,
            period_to: u.period_to,
            subject: u.subject,
            body: u.body,
            sent_on: u.sent_on,
            sent_by: u.sent_by,
            channel: u.channel,
            suggested_service_id: u.service_id.map(|s| s.0),
            sent_to: Vec::new(),
        }
    }
}

/// `text` with every line ending a bare `\n`: browsers send a textarea's
/// lines ended by `\r\n`, and an update's text is stored, mailed and
/// split into paragraphs the same whichever way it came.
fn unix_lines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The paragraphs of an update's text (as typed, whatever its line
/// endings) for its printable page: split at blank lines, each trimmed,
/// none empty; the lines inside a paragraph are kept.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let text = unix_lines(text);
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n").trim().to_string());
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    out
}

/// Checks an update to send, naming every bad field at once; the
/// suggestion must be the one a draft may hold now (a service never
/// offered nor bought, and no open complaint or case).
async fn checked(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    input: &SendInput,
    today: NaiveDate,
) -> AppResult<(String, String, &'static str, Option<ServiceId>)> {
    let mut c = Checker::default();
    let subject = c.keep(required_text("subject", &input.subject, MAX_SUBJECT));
    let body = c.keep(required_text("body", &unix_lines(&input.body), MAX_BODY));
    let channel = match input.channel.as_deref().map(str::trim) {
        None | Some("") => {
            c.errors.push(FieldProblem::new("channel", "is required"));
            None
        }
        Some(ch) => c.keep(
            CHANNELS
                .iter()
                .copied()
                .find(|k| *k == ch)
                .ok_or_else(|| FieldProblem::new("channel", "must be email or download")),
        ),
    };
    let service = match input.suggested_service_id {
        None => Some(None),
        Some(id) => c.keep(
            services::check_suggestion(store, ws, client, ServiceId(id), today)
                .await?
                .map(Some),
        ),
    };
    let value = match (subject, body, channel, service) {
        (Some(s), Some(b), Some(ch), Some(sv)) => Some((s, b, ch, sv)),
        _ => None,
    };
    c.finish(value)
}

/// Sends (by email to the client's contacts through `mailer`) or marks
/// sent (downloaded) an update of a client of `ws`: stored as sent with
/// the period it covers, logged as an email interaction (so it counts as
/// contact), its suggestion recorded as offered, audited. Bad input is
/// refused naming each field and stores nothing; `channel` email without
/// a mailer is a conflict naming `channel`.
pub async fn send(
    store: &dyn Store,
    ws: WorkspaceId,
    mailer: Option<&dyn SendMail>,
    client: ClientId,
    input: SendInput,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<SentUpdate> {
    let cadence = cadence_of(store, ws, client).await?;
    let (subject, body, channel, service) = checked(store, ws, client, &input, today).await?;
    let sent_to = if channel == "email" {
        let Some(mailer) = mailer else {
            return Err(AppError::Conflict(FieldProblem::new(
                "channel",
                "this server has no SMTP set-up to send email with",
            )));
        };
        final_report::mail_contacts(
            store,
            ws,
            client,
            mailer,
            &Mail {
                subject: &subject,
                text: &body,
                html: None,
            },
        )
        .await?
    } else {
        Vec::new()
    };
    let found = store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let since = client_since(store, ws, &found).await?;
    let period_from = cadence
        .last_sent_on
        .and_then(|d| d.succ_opt())
        .unwrap_or(since)
        .min(today);
    let stored = store
        .add_client_update(
            ws,
            client,
            &NewClientUpdate {
                period_from,
                period_to: today,
                subject: subject.clone(),
                body,
                sent_on: today,
                sent_by: actor.display.clone(),
                channel: channel.to_string(),
                service,
                now_ms: Utc::now().timestamp_millis(),
            },
        )
        .await?;
    let note = match channel {
        "email" => format!("Client update sent by email: {subject}"),
        _ => format!("Client update handed over (downloaded): {subject}"),
    };
    records::log_interaction(
        store,
        ws,
        client,
        InteractionInput {
            kind: "email".into(),
            occurred_on: Some(today.to_string()),
            author: Some(actor.display.clone()),
            note: Some(note),
        },
        today,
        None,
        actor,
    )
    .await?;
    audit::record(
        store,
        ws,
        actor,
        Action::ClientUpdateSent,
        Subject::Client(client),
        &format!(
            "{channel}{}: {subject}",
            service.map_or(String::new(), |s| format!(", suggested service {}", s.0))
        ),
    )
    .await?;
    let mut sent = SentUpdate::from(stored);
    sent.sent_to = sent_to;
    Ok(sent)
}

/// One page of a client's sent updates, newest first (`page` from 1,
/// `per_page` 1–500, 50 by default).
pub async fn list_sent(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<SentUpdate>> {
    let mut c = Checker::default();
    let page = c.keep(bounds::page_number("page", page));
    let per_page = c.keep(bounds::page_size("per_page", per_page));
    let (page, per_page) = c.finish(page.zip(per_page))?;
    let found = store
        .list_client_updates(ws, client, page, per_page)
        .await?;
    Ok(Page {
        items: found.items.into_iter().map(SentUpdate::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_split_at_blank_lines_whatever_the_line_endings() {
        let typed = "Hello,\r\n\r\nWe did this\r\nand that.\r\n \r\n\r\n  Thanks.  \r\n";
        assert_eq!(
            paragraphs(typed),
            ["Hello,", "We did this\nand that.", "Thanks."]
        );
        assert_eq!(paragraphs("One\n\nTwo"), ["One", "Two"]);
        assert_eq!(paragraphs("Old Mac\r\rline"), ["Old Mac", "line"]);
        assert!(paragraphs(" \r\n\n").is_empty());
    }

    #[test]
    fn a_texts_line_endings_become_bare_newlines() {
        assert_eq!(unix_lines("a\r\nb\rc\nd"), "a\nb\nc\nd");
    }
}
