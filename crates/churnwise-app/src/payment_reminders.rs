//! Payment reminders (issue 15): polite emails to a client's billing
//! contact when an invoice stays unpaid, on the workspace's sequence (by
//! default 3, 10 and 20 days after the due date), in the client's language
//! (else the workspace's reminder language), through the digest's SMTP
//! set-up.
//!
//! Which step is due is the domain's rule
//! ([`churnwise_domain::payment_reminders::step_due`]): nothing once the
//! invoice is paid, while a promise to pay has not passed, or while the
//! client's reminders are paused. Each reminder is sent once: before the
//! email goes out, the (invoice, step) pair is claimed in the database (a
//! unique row), and marked sent after, exactly as the digest's deliveries;
//! a run that dies halfway leaves the rest unclaimed for the next run, by
//! this or another process. A reminder sent is logged as an interaction
//! (kind email, so it counts as contact) and listed in the owner's digest.
//!
//! The scheduler runs [`run_reminders`] at every tick (after the digests);
//! `churnwise reminders send [--dry-run]` runs it by hand.

use crate::audit::{self, Action, Actor, Subject};
use crate::digest::SendMail;
use crate::error::{AppError, AppResult};
use crate::follow::{self, Touched};
use crate::i18n;
use chrono::{Duration, NaiveDate};
use churnwise_domain::payment_reminders::{
    fill, next_reminder_on, step_due, Decision, Fill, InvoiceState, ReminderSettings,
};
use churnwise_domain::registry::InteractionKind;
use churnwise_domain::{FieldProblem, Lang};
use churnwise_store::{
    ClientBilling, ClientId, ContactId, DeliveryStatus, InvoiceId, NewInteraction,
    ReminderCandidate, ReminderSendFilter, Store, Versioned, Workspace, WorkspaceId,
};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::Message;
use serde::Serialize;

/// How many invoices a run reads at a time.
const PAGE: u32 = 500;

/// A reminder a run sent, would send (dry run), or could not address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedReminder {
    /// The workspace's name.
    pub workspace: String,
    /// The client.
    pub client: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The invoice's reference.
    pub invoice_ref: String,
    /// The step, counted from 1.
    pub step: usize,
    /// The recipient's email; none when the client has no billing or
    /// primary contact with an email.
    pub to: Option<String>,
    /// The language of the email.
    pub lang: Lang,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReminderRun {
    /// Emails accepted by the server.
    pub sent: u32,
    /// Emails refused (retried by later runs, three attempts in all).
    pub failed: u32,
    /// Reminders already claimed by another run.
    pub skipped: u32,
    /// Reminders due for a client without an email address to send to.
    pub no_address: u32,
    /// Every reminder due, sent or (dry run) not.
    pub reminders: Vec<PlannedReminder>,
}

/// Sends the reminders due on `today` in every workspace whose reminders
/// are on; with `dry_run`, only lists them (nothing claimed, sent or
/// logged). `mailer` may be none only for a dry run.
pub async fn run_reminders(
    store: &dyn Store,
    mailer: Option<&dyn SendMail>,
    today: NaiveDate,
    dry_run: bool,
) -> anyhow::Result<ReminderRun> {
    let mut run = ReminderRun::default();
    for ws in store.list_workspaces().await? {
        let settings = store
            .workspace_settings(ws.id)
            .await?
            .value
            .payment_reminders;
        if !settings.enabled {
            continue;
        }
        run_workspace(store, mailer, &ws, &settings, today, dry_run, &mut run).await?;
    }
    Ok(run)
}

async fn run_workspace(
    store: &dyn Store,
    mailer: Option<&dyn SendMail>,
    ws: &Workspace,
    settings: &ReminderSettings,
    today: NaiveDate,
    dry_run: bool,
    run: &mut ReminderRun,
) -> anyhow::Result<()> {
    let Some(first) = settings.steps.first() else {
        return Ok(());
    };
    let due_by = today - Duration::days(i64::from(first.days_after_due));
    let mut after: Option<InvoiceId> = None;
    loop {
        let page = store
            .reminder_candidates(ws.id, due_by, after, PAGE)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.invoice);
        let full = page.len() >= PAGE as usize;
        for candidate in &page {
            let Decision::Send(step) = step_due(&settings.steps, &state(candidate), today) else {
                continue;
            };
            let lang = candidate.lang.unwrap_or(settings.lang);
            let recipient = candidate.recipient().cloned();
            run.reminders.push(PlannedReminder {
                workspace: ws.name.clone(),
                client: candidate.client,
                client_name: candidate.client_name.clone(),
                invoice_ref: candidate.invoice_ref.clone(),
                step: step + 1,
                to: recipient.as_ref().map(|(_, email)| email.clone()),
                lang,
            });
            let Some((name, email)) = recipient else {
                run.no_address += 1;
                continue;
            };
            if dry_run {
                continue;
            }
            let Some(mailer) = mailer else {
                anyhow::bail!("no SMTP server to send payment reminders through");
            };
            let step_no = i32::try_from(step).unwrap_or(i32::MAX);
            let Some(claim) = store
                .claim_reminder(ws.id, candidate.client, candidate.invoice, step_no, today)
                .await?
            else {
                run.skipped += 1;
                continue;
            };
            let result = match message(
                mailer.from(),
                ws,
                settings,
                candidate,
                step,
                lang,
                today,
                &name,
                &email,
            ) {
                Ok(m) => mailer.send(m).await,
                Err(e) => Err(e),
            };
            let sent = result.is_ok();
            if let Err(e) = &result {
                tracing::warn!(workspace = %ws.name, invoice = %candidate.invoice_ref, error = %e, "payment reminder not sent");
                run.failed += 1;
            }
            store.finish_reminder(claim, result).await?;
            if sent {
                run.sent += 1;
                log_sent(
                    store,
                    ws.id,
                    candidate,
                    step,
                    settings.steps.len(),
                    lang,
                    today,
                    &name,
                )
                .await?;
            }
        }
        if !full {
            break;
        }
    }
    Ok(())
}

fn state(c: &ReminderCandidate) -> InvoiceState {
    InvoiceState {
        due_on: c.due_on,
        paid_on: None,
        promised_on: c.promised_on,
        paused: c.paused,
        last_step: c.last_step.and_then(|s| usize::try_from(s).ok()),
    }
}

/// The subject and body of step `step` (0-based) for `candidate` in `lang`.
pub fn compose(
    ws: &Workspace,
    settings: &ReminderSettings,
    candidate: &ReminderCandidate,
    step: usize,
    lang: Lang,
    today: NaiveDate,
) -> Option<(String, String)> {
    let s = settings.step(step)?;
    let amount = i18n::money(lang, candidate.amount.cents());
    let due_date = i18n::date(lang, candidate.due_on);
    let values = Fill {
        client: &candidate.client_name,
        invoice: &candidate.invoice_ref,
        amount: &amount,
        due_date: &due_date,
        days_overdue: (today - candidate.due_on).num_days(),
        workspace: &ws.name,
    };
    Some((
        fill(s.subject.get(lang), &values),
        fill(s.body.get(lang), &values),
    ))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site, every value named"
)]
fn message(
    from: &Mailbox,
    ws: &Workspace,
    settings: &ReminderSettings,
    candidate: &ReminderCandidate,
    step: usize,
    lang: Lang,
    today: NaiveDate,
    name: &str,
    email: &str,
) -> Result<Message, String> {
    let (subject, body) = compose(ws, settings, candidate, step, lang, today)
        .ok_or_else(|| format!("no step {}", step + 1))?;
    let to = Mailbox::new(
        Some(name.to_string()),
        email
            .parse()
            .map_err(|e| format!("{email} is not an address: {e}"))?,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site, every value named"
)]
async fn log_sent(
    store: &dyn Store,
    ws: WorkspaceId,
    candidate: &ReminderCandidate,
    step: usize,
    steps: usize,
    lang: Lang,
    today: NaiveDate,
    to_name: &str,
) -> AppResult<()> {
    let note = match lang {
        Lang::En => format!(
            "Payment reminder {} of {steps} for invoice {} sent to {to_name}",
            step + 1,
            candidate.invoice_ref
        ),
        Lang::Es => format!(
            "Recordatorio de pago {} de {steps} de la factura {} enviado a {to_name}",
            step + 1,
            candidate.invoice_ref
        ),
    };
    let logged = store
        .log_interaction(
            ws,
            candidate.client,
            NewInteraction {
                kind: InteractionKind::Email,
                occurred_on: today,
                author: Some(audit::SYSTEM_ACTOR.to_string()),
                note: Some(note),
            },
        )
        .await?;
    audit::record(
        store,
        ws,
        &Actor::system(),
        Action::InteractionLogged,
        Subject::Interaction(candidate.client, logged.id),
        &format!(
            "payment reminder {} for {}",
            step + 1,
            candidate.invoice_ref
        ),
    )
    .await?;
    follow::records_changed(store, ws, &Touched::client(candidate.client), today).await?;
    Ok(())
}

/// The workspace's reminder settings and their version (the workspace
/// settings' version: a save refused when either changed since).
pub async fn settings(
    store: &dyn Store,
    ws: WorkspaceId,
) -> AppResult<Versioned<ReminderSettings>> {
    let current = store.workspace_settings(ws).await?;
    Ok(Versioned {
        value: current.value.payment_reminders,
        version: current.version,
    })
}

/// Replaces the reminder settings if the workspace settings are still at
/// `version`; every invalid value named (`steps[1].days_after_due`).
pub async fn save_settings(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    reminders: ReminderSettings,
    version: i64,
) -> AppResult<Versioned<ReminderSettings>> {
    reminders.validate().map_err(|problems| {
        AppError::Invalid(
            problems
                .into_iter()
                .map(|p| FieldProblem::new(p.field, p.reason))
                .collect(),
        )
    })?;
    let saved =
        crate::settings_parts::save_part(store, ws, actor, version, "payment reminders", |all| {
            all.payment_reminders = reminders
        })
        .await?;
    Ok(Versioned {
        value: saved.value.payment_reminders,
        version: saved.version,
    })
}

/// A change to a client's billing preferences (`None` leaves a value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillingChange {
    /// The billing contact (`Some(None)`: back to the primary contact).
    pub billing_contact: Option<Option<ContactId>>,
    /// Pause (true) or resume (false) the client's reminders.
    pub reminders_paused: Option<bool>,
    /// The client's language (`Some(None)`: the workspace's).
    pub lang: Option<Option<Lang>>,
}

/// Changes a client's billing preferences; a billing contact that is not
/// one of the client's contacts is refused naming `billing_contact_id`.
pub async fn change_billing(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    change: BillingChange,
    actor: &Actor,
) -> AppResult<ClientBilling> {
    let mut billing = store.client_billing(ws, client).await?;
    if let Some(contact) = change.billing_contact {
        if let Some(id) = contact {
            let contacts = store.list_contacts(ws, client).await?;
            if !contacts.iter().any(|c| c.id == id) {
                return Err(AppError::field(
                    "billing_contact_id",
                    format!("{id} is not a contact of this client"),
                ));
            }
        }
        billing.billing_contact = contact;
    }
    if let Some(paused) = change.reminders_paused {
        billing.reminders_paused = paused;
    }
    if let Some(lang) = change.lang {
        billing.lang = lang;
    }
    store.set_client_billing(ws, client, &billing).await?;
    let detail = format!(
        "billing: contact {}, reminders {}, language {}",
        billing
            .billing_contact
            .map_or("primary".to_string(), |c| c.to_string()),
        if billing.reminders_paused {
            "paused"
        } else {
            "on"
        },
        billing.lang.map_or("workspace", |l| l.pick("en", "es")),
    );
    audit::record(
        store,
        ws,
        actor,
        Action::ClientUpdated,
        Subject::Client(client),
        &detail,
    )
    .await?;
    Ok(billing)
}

/// The longest a promise may reach ahead, in days.
pub const MAX_PROMISE_DAYS: i64 = 366;

/// Records (or with `None` clears) a promise to pay `invoice` of `client`
/// on a day (`YYYY-MM-DD`, today to a year ahead; bad input names
/// `promised_on`). Reminders stop until that day has passed unpaid.
pub async fn set_promise(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    invoice: InvoiceId,
    promised_on: Option<&str>,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<Option<NaiveDate>> {
    let day = match promised_on.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let day = churnwise_domain::parse_date(text).map_err(|_| {
                AppError::field(
                    "promised_on",
                    format!("{text:?} is not a date (YYYY-MM-DD)"),
                )
            })?;
            if day < today {
                return Err(AppError::field(
                    "promised_on",
                    format!("{day} is in the past"),
                ));
            }
            if day > today + Duration::days(MAX_PROMISE_DAYS) {
                return Err(AppError::field(
                    "promised_on",
                    format!("{day} is more than a year ahead"),
                ));
            }
            Some(day)
        }
    };
    let invoices = store.list_invoices(ws, client).await?;
    let Some(found) = invoices.iter().find(|i| i.id == invoice) else {
        return Err(AppError::NotFound);
    };
    store.set_invoice_promise(ws, invoice, day).await?;
    let detail = match day {
        Some(d) => format!("{}: promise to pay on {d}", found.invoice_ref),
        None => format!("{}: promise to pay cleared", found.invoice_ref),
    };
    audit::record(
        store,
        ws,
        actor,
        Action::ClientUpdated,
        Subject::Invoice(client, invoice),
        &detail,
    )
    .await?;
    Ok(day)
}

/// One reminder sent (or being sent) for an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentReminder {
    /// The step, counted from 1.
    pub step: i32,
    /// The day it was sent.
    pub on: NaiveDate,
    /// `sending`, `sent` or `failed`.
    pub status: DeliveryStatus,
}

/// An invoice's reminders as the client page and the API show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceReminders {
    /// The invoice.
    pub invoice: InvoiceId,
    /// Its reference.
    pub invoice_ref: String,
    /// Its due date.
    pub due_on: NaiveDate,
    /// Its payment date.
    pub paid_on: Option<NaiveDate>,
    /// A promise to pay, if recorded.
    pub promised_on: Option<NaiveDate>,
    /// Reminders sent, oldest first.
    pub sent: Vec<SentReminder>,
    /// The day of the next reminder if nothing changes (none when the
    /// reminders are off, paused, or over).
    pub next_reminder_on: Option<NaiveDate>,
}

/// A client's reminders: preferences and each invoice's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientReminders {
    /// The workspace sends reminders.
    pub enabled: bool,
    /// The client's billing preferences.
    pub billing: ClientBilling,
    /// The client's invoices (newest first, at most 500).
    pub invoices: Vec<InvoiceReminders>,
}

/// The reminders of `client` as of `today`.
pub async fn client_reminders(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    today: NaiveDate,
) -> AppResult<ClientReminders> {
    let settings = store.workspace_settings(ws).await?.value.payment_reminders;
    let billing = store.client_billing(ws, client).await?;
    let promises = store.invoice_promises(ws, client).await?;
    let sends = store
        .list_reminder_sends(
            ws,
            &ReminderSendFilter {
                client: Some(client),
                limit: 500,
                ..Default::default()
            },
        )
        .await?;
    let mut invoices = store.list_invoices(ws, client).await?;
    invoices.sort_by(|a, b| b.due_on.cmp(&a.due_on).then(b.id.cmp(&a.id)));
    invoices.truncate(500);
    let invoices = invoices
        .into_iter()
        .map(|inv| {
            let promised_on = promises
                .iter()
                .find(|p| p.invoice == inv.id)
                .map(|p| p.promised_on);
            let mut sent: Vec<SentReminder> = sends
                .iter()
                .filter(|s| s.invoice == inv.id)
                .map(|s| SentReminder {
                    step: s.step + 1,
                    on: s.run_on,
                    status: s.status,
                })
                .collect();
            sent.sort_by_key(|s| s.step);
            let last_step = sends
                .iter()
                .filter(|s| s.invoice == inv.id && s.status != DeliveryStatus::Failed)
                .map(|s| s.step)
                .max()
                .and_then(|s| usize::try_from(s).ok());
            let state = InvoiceState {
                due_on: inv.due_on,
                paid_on: inv.paid_on,
                promised_on,
                paused: billing.reminders_paused,
                last_step,
            };
            InvoiceReminders {
                invoice: inv.id,
                invoice_ref: inv.invoice_ref,
                due_on: inv.due_on,
                paid_on: inv.paid_on,
                promised_on,
                sent,
                next_reminder_on: if settings.enabled {
                    next_reminder_on(&settings.steps, &state, today)
                } else {
                    None
                },
            }
        })
        .collect();
    Ok(ClientReminders {
        enabled: settings.enabled,
        billing,
        invoices,
    })
}

/// The reminders sent in `ws` on or after `since` (newest first, at most
/// 500), for the digest.
pub async fn sent_since(
    store: &dyn Store,
    ws: WorkspaceId,
    since: NaiveDate,
) -> AppResult<Vec<churnwise_store::ReminderSend>> {
    Ok(store
        .list_reminder_sends(
            ws,
            &ReminderSendFilter {
                since: Some(since),
                sent_only: true,
                limit: 500,
                ..Default::default()
            },
        )
        .await?)
}

/// A reminder or a promise falling due soon, for the Due page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upcoming {
    /// The client.
    pub client: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The client's owner.
    pub owner: Option<String>,
    /// The invoice's reference.
    pub invoice_ref: String,
    /// The day.
    pub on: NaiveDate,
    /// The step of the reminder (from 1); none for a promise.
    pub step: Option<usize>,
}

/// The reminders due from `today` to `today + days` (each invoice's next
/// one), and the promises to pay falling due in that time, by day (at most
/// 500 invoices looked at, oldest first). Empty while reminders are off.
pub async fn upcoming(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
    days: i64,
) -> AppResult<Vec<Upcoming>> {
    let settings = store.workspace_settings(ws).await?.value.payment_reminders;
    let Some(first) = settings.steps.first() else {
        return Ok(vec![]);
    };
    if !settings.enabled {
        return Ok(vec![]);
    }
    let until = today + Duration::days(days.clamp(0, 90));
    let due_by = until - Duration::days(i64::from(first.days_after_due));
    let candidates = store.reminder_candidates(ws, due_by, None, 500).await?;
    let mut out = Vec::new();
    for c in &candidates {
        let st = state(c);
        let item = |on: NaiveDate, step: Option<usize>| Upcoming {
            client: c.client,
            client_name: c.client_name.clone(),
            owner: c.owner.clone(),
            invoice_ref: c.invoice_ref.clone(),
            on,
            step,
        };
        if let Some(p) = c.promised_on.filter(|p| *p >= today && *p <= until) {
            out.push(item(p, None));
        }
        if let Some(on) = next_reminder_on(&settings.steps, &st, today).filter(|d| *d <= until) {
            let step = match step_due(&settings.steps, &st, on) {
                Decision::Send(i) => Some(i + 1),
                _ => None,
            };
            if step.is_some() {
                out.push(item(on, step));
            }
        }
    }
    out.sort_by(|a, b| a.on.cmp(&b.on).then(a.client_name.cmp(&b.client_name)));
    Ok(out)
}
