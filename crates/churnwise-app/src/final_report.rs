//! The final report at offboarding (issue 16, docs/work-log.md): composed
//! from a client's whole client-visible work log and its figures (since
//! when it was a client, for how many months, the plans it had), in the
//! client's language; drawn as a printable page, downloaded, or sent by
//! email to the client's contacts through the digest's mail set-up
//! ([`crate::digest::SendMail`]). Downloading or sending it ticks the
//! `final_report` item of the client's offboarding checklist through the
//! case use cases, so the case history records it.

use crate::audit::{self, Action, Actor, Subject};
use crate::cases::{self, CaseContext, Step};
use crate::digest::SendMail;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, ArgValue};
use crate::work_log::{self, WorkEntryView};
use chrono::NaiveDate;
use churnwise_domain::registry::FieldProblem;
use churnwise_domain::Lang;
use churnwise_store::{CaseFilter, CaseId, ClientId, Store, Subscription, WorkspaceId};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use serde::Serialize;

/// The key of the offboarding checklist's final-report item.
pub const CHECKLIST_KEY: &str = "final_report";
/// The most contacts one report is sent to.
pub const MAX_RECIPIENTS: usize = 20;

/// A plan (or subscription) the client had, from when to when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPeriod {
    /// The plan's name (the subscription's id when it has none).
    pub plan: String,
    /// Its first day.
    pub from: NaiveDate,
    /// Its last day; none while it runs.
    pub to: Option<NaiveDate>,
}

/// One entry of the report: a client-visible entry with its figure written
/// the reader's way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportEntry {
    /// The entry as stored.
    #[serde(flatten)]
    pub entry: WorkEntryView,
    /// The day, written the reader's way.
    pub done_on_text: String,
    /// The result with its unit, written the reader's way (`12,5 %`).
    pub result_text: Option<String>,
}

/// The composed report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinalReport {
    /// The client.
    pub client_id: i64,
    /// Its name.
    pub client_name: String,
    /// The language it is written in (`en`, `es`).
    pub lang: &'static str,
    /// The day it was composed.
    pub composed_on: NaiveDate,
    /// The title (`Final report: Bakery Lola`).
    pub title: String,
    /// The opening paragraph: how long it was a client, what it had.
    pub intro: String,
    /// Its first subscription's first day.
    pub client_since: Option<NaiveDate>,
    /// Its last day as a client (the latest end, or the case's last day).
    pub last_day: Option<NaiveDate>,
    /// Whole months from `client_since` to `last_day` (or the report's day).
    pub months_as_client: Option<u32>,
    /// The plans it had.
    pub plans: Vec<PlanPeriod>,
    /// The client-visible work, oldest first.
    pub entries: Vec<ReportEntry>,
    /// The entries with a result figure (the numbers achieved).
    pub results: Vec<ReportEntry>,
    /// The whole report as plain text (the email's text part).
    pub text: String,
    /// Headings and labels of the printable page, in `lang`.
    pub labels: ReportLabels,
}

/// The words of the printable page, in the report's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportLabels {
    /// "What we did".
    pub work: String,
    /// "The numbers achieved".
    pub results: String,
    /// "Plans".
    pub plans: String,
    /// "No work was logged…".
    pub empty: String,
    /// The closing line.
    pub closing: String,
    /// "running".
    pub running: String,
}

fn t(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    i18n::message(lang, key, args)
}

/// A figure in thousandths written `lang`'s way (`1,234.5` or `1.234,5`).
pub fn figure(lang: Lang, milli: i64) -> String {
    let plain = work_log::format_result(milli);
    let negative = plain.starts_with('-');
    let plain = plain.trim_start_matches('-');
    let (whole, fraction) = plain.split_once('.').unwrap_or((plain, ""));
    let whole = i18n::integer(lang, whole.parse().unwrap_or(0));
    let sign = if negative { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        let mark = match lang {
            Lang::En => ".",
            Lang::Es => ",",
        };
        format!("{sign}{whole}{mark}{fraction}")
    }
}

/// The entry with its day and figure written `lang`'s way.
pub fn report_entry(lang: Lang, entry: WorkEntryView, milli: Option<i64>) -> ReportEntry {
    let result_text = milli.map(|m| match &entry.unit {
        Some(unit) => format!("{} {unit}", figure(lang, m)),
        None => figure(lang, m),
    });
    ReportEntry {
        done_on_text: i18n::date(lang, entry.done_on),
        entry,
        result_text,
    }
}

/// The entries of a work log read newest first (as
/// [`work_log::whole_log`] gives them), oldest first and written `lang`'s
/// way: the final report and the client updates list them so.
pub fn report_entries(lang: Lang, log: Vec<churnwise_store::WorkEntry>) -> Vec<ReportEntry> {
    log.into_iter()
        .rev()
        .map(|e| {
            let milli = e.result_milli;
            report_entry(lang, e.into(), milli)
        })
        .collect()
}

/// Appends the work done to a plain-text report or update: the `heading`,
/// then a line per entry (day, title, result) with its description and
/// link, or `empty` when there is none.
pub fn push_work(text: &mut String, heading: &str, empty: &str, entries: &[ReportEntry]) {
    text.push_str(&format!("\n{heading}\n"));
    if entries.is_empty() {
        text.push_str(&format!("{empty}\n"));
    }
    for e in entries {
        text.push_str(&format!("- {} · {}", e.done_on_text, e.entry.title));
        if let Some(r) = &e.result_text {
            text.push_str(&format!(" ({r})"));
        }
        text.push('\n');
        if let Some(body) = &e.entry.body {
            text.push_str(&format!("  {body}\n"));
        }
        if let Some(link) = &e.entry.link {
            text.push_str(&format!("  {link}\n"));
        }
    }
}

/// Whole months from `from` to `to`.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    use chrono::Datelike;
    if to <= from {
        return 0;
    }
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        months -= 1;
    }
    u32::try_from(months.max(0)).unwrap_or(0)
}

/// The plans of `subs`, in order of their first day.
fn plans(subs: &[Subscription]) -> Vec<PlanPeriod> {
    let mut out: Vec<PlanPeriod> = Vec::new();
    let mut sorted: Vec<&Subscription> = subs.iter().collect();
    sorted.sort_by_key(|s| s.started_on);
    for s in sorted {
        let name = s.plan.clone().unwrap_or_else(|| s.subscription_ref.clone());
        // The last day is the day before `ended_on`.
        let to = s.ended_on.and_then(|e| e.pred_opt());
        match out.iter_mut().find(|p| p.plan == name) {
            Some(p) => {
                p.to = match (p.to, to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            None => out.push(PlanPeriod {
                plan: name,
                from: s.started_on,
                to,
            }),
        }
    }
    out
}

/// The language of a client's report: `asked` when given, else the
/// client's own (its billing preferences), else `fallback`.
pub async fn client_lang(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    asked: Option<Lang>,
    fallback: Lang,
) -> AppResult<Lang> {
    if let Some(lang) = asked {
        return Ok(lang);
    }
    Ok(store
        .client_billing(ws, client)
        .await?
        .lang
        .unwrap_or(fallback))
}

/// Composes the final report of a client of `ws` in `lang`, on `today`.
pub async fn compose(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    lang: Lang,
    today: NaiveDate,
) -> AppResult<FinalReport> {
    let found = store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let subs = store.list_subscriptions(ws, client).await?;
    let log = work_log::whole_log(store, ws, client, true).await?;
    let client_since = subs.iter().map(|s| s.started_on).min();
    let running = subs.iter().any(|s| s.ended_on.is_none_or(|e| e > today));
    let case_last_day = store
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(client),
                ..CaseFilter::default()
            },
        )
        .await?
        .iter()
        .filter_map(|c| c.case.closure().and_then(|x| x.end_on()))
        .max();
    let last_day = if running {
        case_last_day
    } else {
        subs.iter()
            .filter_map(|s| s.ended_on.and_then(|e| e.pred_opt()))
            .max()
            .or(case_last_day)
    };
    let months_as_client = client_since.map(|s| months_between(s, last_day.unwrap_or(today)));
    let plans = plans(&subs);
    let entries = report_entries(lang, log);
    let results: Vec<ReportEntry> = entries
        .iter()
        .filter(|e| e.result_text.is_some())
        .cloned()
        .collect();
    let name = ArgValue::Text(found.name.clone());
    let title = t(lang, "final-report-heading", &[("client", name.clone())]);
    let plan_names = plans
        .iter()
        .map(|p| p.plan.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let intro = match (client_since, months_as_client) {
        (Some(since), Some(months)) => t(
            lang,
            "final-report-intro",
            &[
                ("client", name.clone()),
                ("since", ArgValue::Text(i18n::date(lang, since))),
                ("months", ArgValue::Number(f64::from(months))),
                ("plans", ArgValue::Text(plan_names)),
                ("count", ArgValue::Number(entries.len() as f64)),
            ],
        ),
        _ => t(
            lang,
            "final-report-intro-no-plans",
            &[
                ("client", name.clone()),
                ("count", ArgValue::Number(entries.len() as f64)),
            ],
        ),
    };
    let labels = ReportLabels {
        work: t(lang, "final-report-work", &[]),
        results: t(lang, "final-report-results", &[]),
        plans: t(lang, "final-report-plans", &[]),
        empty: t(lang, "final-report-empty", &[]),
        closing: t(lang, "final-report-closing", &[]),
        running: t(lang, "final-report-running", &[]),
    };
    let mut text = format!("{title}\n\n{intro}\n");
    if !results.is_empty() {
        text.push_str(&format!("\n{}\n", labels.results));
        for r in &results {
            text.push_str(&format!(
                "- {}: {}\n",
                r.entry.title,
                r.result_text.as_deref().unwrap_or_default()
            ));
        }
    }
    push_work(&mut text, &labels.work, &labels.empty, &entries);
    text.push_str(&format!("\n{}\n", labels.closing));
    Ok(FinalReport {
        client_id: found.id.0,
        client_name: found.name,
        lang: i18n::code(lang),
        composed_on: today,
        title,
        intro,
        client_since,
        last_day,
        months_as_client,
        plans,
        entries,
        results,
        text,
        labels,
    })
}

/// What ticking the checklist did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticked {
    /// The case whose item was ticked, if one was.
    pub case_id: Option<i64>,
}

/// Marks the open `final_report` item of `case` done (through the case
/// steps, so the history records it); nothing when the case has no such
/// open item. `NotFound` when `case` is not a case of `client`.
pub async fn tick_case(cx: &CaseContext<'_>, case: CaseId, client: ClientId) -> AppResult<Ticked> {
    let stored = cx
        .store
        .get_case(cx.ws, case)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.client_id != client {
        return Err(AppError::NotFound);
    }
    let item = stored.case.offboarding().and_then(|list| {
        list.items()
            .iter()
            .find(|i| i.key() == Some(CHECKLIST_KEY) && i.status().is_open())
            .map(|i| i.id())
    });
    let Some(item) = item else {
        return Ok(Ticked { case_id: None });
    };
    cases::apply(
        cx,
        case,
        None,
        Step::CompleteChecklistItem { id: item, on: None },
    )
    .await?;
    Ok(Ticked {
        case_id: Some(case.0),
    })
}

/// The client's open case, if it has one.
pub async fn open_case_of(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
) -> AppResult<Option<CaseId>> {
    Ok(store
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(client),
                ..CaseFilter::default()
            },
        )
        .await?
        .into_iter()
        .find(|c| c.case.is_open())
        .map(|c| c.id))
}

/// Records that the report of `client` was downloaded and ticks the final
/// report item of its open case (or of `case` when given).
pub async fn downloaded(
    cx: &CaseContext<'_>,
    client: ClientId,
    case: Option<CaseId>,
    actor: &Actor,
) -> AppResult<Ticked> {
    let case = match case {
        Some(c) => Some(c),
        None => open_case_of(cx.store, cx.ws, client).await?,
    };
    let ticked = match case {
        Some(c) => tick_case(cx, c, client).await?,
        None => Ticked { case_id: None },
    };
    audit::record(
        cx.store,
        cx.ws,
        actor,
        Action::FinalReportDelivered,
        Subject::Client(client),
        "downloaded",
    )
    .await?;
    Ok(ticked)
}

/// What sending did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sent {
    /// The addresses the server accepted.
    pub sent_to: Vec<String>,
    /// The case whose item was ticked, if one was.
    pub case_id: Option<i64>,
}

/// Sends the report of the client of `case` to its contacts with an email
/// (at most [`MAX_RECIPIENTS`]) through `mailer`, as text and HTML
/// (`html`, the printable page), then ticks the case's final report item.
/// Refused, naming `contacts`, when no contact has an email; when the server
/// refuses every message, nothing is ticked.
pub async fn send(
    cx: &CaseContext<'_>,
    mailer: &dyn SendMail,
    case: CaseId,
    report: &FinalReport,
    html: &str,
    actor: &Actor,
) -> AppResult<Sent> {
    let client = ClientId(report.client_id);
    let stored = cx
        .store
        .get_case(cx.ws, case)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.client_id != client {
        return Err(AppError::NotFound);
    }
    let sent_to = mail_contacts(
        cx.store,
        cx.ws,
        client,
        mailer,
        &Mail {
            subject: &report.title,
            text: &report.text,
            html: Some(html),
        },
    )
    .await?;
    let ticked = tick_case(cx, case, client).await?;
    audit::record(
        cx.store,
        cx.ws,
        actor,
        Action::FinalReportDelivered,
        Subject::Case(client, case),
        &format!("sent to {}", sent_to.len()),
    )
    .await?;
    Ok(Sent {
        sent_to,
        case_id: ticked.case_id,
    })
}

/// An email to a client's contacts: its subject, text, and HTML part.
pub struct Mail<'a> {
    /// The subject.
    pub subject: &'a str,
    /// The plain text.
    pub text: &'a str,
    /// The HTML alternative, if any.
    pub html: Option<&'a str>,
}

/// Sends `mail` to each contact of `client` with an email (at most
/// [`MAX_RECIPIENTS`]) through `mailer`; the addresses the server accepted.
/// Refused, naming `contacts`, when no contact has an email; an error when
/// the server refused every message.
pub async fn mail_contacts(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    mailer: &dyn SendMail,
    mail: &Mail<'_>,
) -> AppResult<Vec<String>> {
    let contacts = store.list_contacts(ws, client).await?;
    let recipients: Vec<(String, String)> = contacts
        .into_iter()
        .filter_map(|c| c.email.map(|e| (c.name, e)))
        .take(MAX_RECIPIENTS)
        .collect();
    if recipients.is_empty() {
        return Err(AppError::Invalid(vec![FieldProblem::new(
            "contacts",
            "the client has no contact with an email",
        )]));
    }
    let mut sent_to = Vec::new();
    let mut failures = Vec::new();
    for (name, email) in &recipients {
        match message(mailer.from(), name, email, mail) {
            Ok(m) => match mailer.send(m).await {
                Ok(()) => sent_to.push(email.clone()),
                Err(e) => failures.push(format!("{email}: {e}")),
            },
            Err(e) => failures.push(e),
        }
    }
    if sent_to.is_empty() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "\"{}\" was not accepted by the mail server: {}",
            mail.subject,
            failures.join("; ")
        )));
    }
    Ok(sent_to)
}

fn message(from: &Mailbox, name: &str, email: &str, mail: &Mail<'_>) -> Result<Message, String> {
    let to = Mailbox::new(
        Some(name.to_string()),
        email
            .parse()
            .map_err(|e| format!("{email} is not an address: {e}"))?,
    );
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.to_string());
    let built = match mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            mail.text.to_string(),
            html.to_string(),
        )),
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.to_string()),
    };
    built.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_the_readers_way() {
        assert_eq!(figure(Lang::En, 1_234_500), "1,234.5");
        assert_eq!(figure(Lang::Es, 1_234_500), "1.234,5");
        assert_eq!(figure(Lang::Es, -125), "-0,125");
        assert_eq!(figure(Lang::En, 3_000), "3");
    }

    #[test]
    fn months_count_whole_months_only() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(months_between(d("2024-01-15"), d("2024-03-14")), 1);
        assert_eq!(months_between(d("2024-01-15"), d("2024-03-15")), 2);
        assert_eq!(months_between(d("2024-01-15"), d("2024-01-01")), 0);
    }
}
