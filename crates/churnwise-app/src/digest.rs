//! The daily digest: one email a day to each member of a workspace with
//! their due list and the alerts raised on their clients since yesterday, in
//! their language, sent over SMTP with lettre.
//!
//! No email is sent twice: before sending, the delivery of (workspace, user,
//! day) is claimed in the database (a unique row), and marked sent after. A
//! run that dies halfway leaves the rest unclaimed, so the next run (by this
//! or another process) sends only those. A delivery claimed but never marked
//! (the process died during the SMTP exchange) is not sent again: at most
//! once, and it stays visible as `sending`. A delivery the SMTP server
//! refused is retried by later runs, three attempts in all.

use crate::early_warning::{due_list, DueEntry, DueKind};
use crate::i18n::{self, ArgValue};
use crate::owners::OwnerNames;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use churnwise_domain::health::{Signal, SignalFacts, UsageChange};
use churnwise_domain::Lang;
use churnwise_store::{
    Alert, AlertFilter, AlertStatus, OwnerMapping, ReminderSend, Store, StoreResult, User,
    Workspace,
};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
pub use lettre::message::Mailbox as MailAddress;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
pub use lettre::Message;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same machine or a test server only).
    None,
    /// Upgrade with STARTTLS (port 587), refusing a server that cannot.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl std::str::FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(SmtpTls::None),
            "starttls" => Ok(SmtpTls::Starttls),
            "tls" => Ok(SmtpTls::Tls),
            other => Err(format!("{other:?} is not one of starttls, tls, none")),
        }
    }
}

/// Where and how digests are sent.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Transport security.
    pub tls: SmtpTls,
    /// User name, when the server wants one.
    pub username: Option<String>,
    /// Password (kept in memory only; never logged).
    pub password: Option<String>,
    /// The sender, e.g. `churnwise <churnwise@example.com>`.
    pub from: String,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[hidden]"))
            .field("from", &self.from)
            .finish()
    }
}

/// Something that delivers an email.
#[async_trait]
pub trait SendMail: Send + Sync {
    /// The sender address.
    fn from(&self) -> &Mailbox;
    /// Sends one message; `Err` with the reason when it was not accepted.
    async fn send(&self, message: Message) -> Result<(), String>;
}

/// Sends over SMTP.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for `settings`; fails on an invalid sender or TLS setup.
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("smtp.from {:?} is not an address: {e}", settings.from))?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
                .port(settings.port);
        builder = match settings.tls {
            SmtpTls::None => builder.tls(Tls::None),
            SmtpTls::Starttls => {
                builder.tls(Tls::Required(TlsParameters::new(settings.host.clone())?))
            }
            SmtpTls::Tls => builder.tls(Tls::Wrapper(TlsParameters::new(settings.host.clone())?)),
        };
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }
}

#[async_trait]
impl SendMail for SmtpMailer {
    fn from(&self) -> &Mailbox {
        &self.from
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What a digest run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DigestRun {
    /// Emails accepted by the server.
    pub sent: u32,
    /// Emails the server refused (retried later).
    pub failed: u32,
    /// Members with nothing due and no new alert (no email).
    pub empty: u32,
    /// Digests already sent, being sent, or out of attempts.
    pub skipped: u32,
}

/// One user's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Due entries plus alerts.
    pub items: usize,
}

/// Sends the digests of `now`'s day in every workspace whose digest is on
/// and whose hour has come.
pub async fn run_digests(
    store: &dyn Store,
    mailer: &dyn SendMail,
    now: DateTime<Utc>,
) -> anyhow::Result<DigestRun> {
    let mut run = DigestRun::default();
    for ws in store.list_workspaces().await? {
        let settings = store.workspace_settings(ws.id).await?.value.digest;
        if !settings.enabled || now.hour() < settings.hour_utc {
            continue;
        }
        run_workspace(store, mailer, &ws, now, &mut run).await?;
    }
    Ok(run)
}

/// What the digests of one workspace and day are made from: its due list and
/// the open alerts raised yesterday or today, read once for every member.
pub struct DayDigests {
    ws: Workspace,
    today: NaiveDate,
    due: Vec<DueEntry>,
    alerts: Vec<Alert>,
    /// The owner names mapped to members (issue 12).
    mappings: Vec<OwnerMapping>,
    /// Payment reminders sent yesterday or today (issue 15).
    reminders: Vec<ReminderSend>,
}

impl DayDigests {
    /// Reads the due list and the new alerts of `ws` on `today`.
    pub async fn load(store: &dyn Store, ws: &Workspace, today: NaiveDate) -> StoreResult<Self> {
        let due = due_list(store, ws.id, today, None).await?;
        let alerts = store
            .list_alerts(
                ws.id,
                &AlertFilter {
                    statuses: vec![AlertStatus::Open],
                    raised_since: today.pred_opt(),
                    ..Default::default()
                },
            )
            .await?;
        let mappings = store.owner_mappings(ws.id).await?;
        let reminders = store
            .list_reminder_sends(
                ws.id,
                &churnwise_store::ReminderSendFilter {
                    since: today.pred_opt(),
                    sent_only: true,
                    limit: 500,
                    ..Default::default()
                },
            )
            .await?;
        Ok(DayDigests {
            ws: ws.clone(),
            today,
            due,
            alerts,
            mappings,
            reminders,
        })
    }

    /// The digest of `user` in their language (`items` is 0 when there is
    /// nothing for them): the work and alerts of the clients they own, by
    /// email, display name or a mapped owner name.
    pub fn for_user(&self, user: &User) -> Digest {
        let names = OwnerNames::of(user, &self.mappings);
        let mine: Vec<&DueEntry> = self.due.iter().filter(|e| e.is_for_owner(&names)).collect();
        let my_alerts: Vec<&Alert> = self
            .alerts
            .iter()
            .filter(|a| names.owns(a.client.owner.as_deref()))
            .collect();
        let my_reminders: Vec<&ReminderSend> = self
            .reminders
            .iter()
            .filter(|r| names.owns(r.owner.as_deref()))
            .collect();
        compose_with_reminders(
            user.lang.unwrap_or_default(),
            &self.ws,
            self.today,
            &mine,
            &my_alerts,
            &my_reminders,
        )
    }
}

async fn run_workspace(
    store: &dyn Store,
    mailer: &dyn SendMail,
    ws: &Workspace,
    now: DateTime<Utc>,
    run: &mut DigestRun,
) -> anyhow::Result<()> {
    let today = now.date_naive();
    let day = DayDigests::load(store, ws, today).await?;
    for member in store.workspace_members(ws.id).await? {
        let user = &member.user;
        let digest = day.for_user(user);
        if digest.items == 0 {
            run.empty += 1;
            continue;
        }
        let Some(delivery) = store
            .claim_delivery(
                ws.id,
                user.id,
                today,
                i32::try_from(digest.items).unwrap_or(i32::MAX),
            )
            .await?
        else {
            run.skipped += 1;
            continue;
        };
        let result = match message(mailer.from(), user, &digest) {
            Ok(m) => mailer.send(m).await,
            Err(e) => Err(e),
        };
        match &result {
            Ok(()) => run.sent += 1,
            Err(e) => {
                tracing::warn!(user = %user.email, workspace = %ws.name, error = %e, "digest not sent");
                run.failed += 1;
            }
        }
        store.finish_delivery(delivery, result).await?;
    }
    Ok(())
}

fn message(from: &Mailbox, user: &User, digest: &Digest) -> Result<Message, String> {
    let to: Mailbox = user
        .email
        .parse()
        .map_err(|e| format!("{} is not an address: {e}", user.email))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(digest.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(digest.body.clone())
        .map_err(|e| e.to_string())
}

fn t(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    i18n::message(lang, key, args)
}

fn text(s: &str) -> ArgValue {
    ArgValue::Text(s.to_string())
}

fn number(n: i64) -> ArgValue {
    ArgValue::Number(n as f64)
}

/// The digest of one user in `lang`.
pub fn compose(
    lang: Lang,
    ws: &Workspace,
    today: chrono::NaiveDate,
    due: &[&DueEntry],
    alerts: &[&Alert],
) -> Digest {
    compose_with_reminders(lang, ws, today, due, alerts, &[])
}

/// The digest of one user in `lang`, with the payment reminders sent to
/// their clients since yesterday (issue 15).
pub fn compose_with_reminders(
    lang: Lang,
    ws: &Workspace,
    today: chrono::NaiveDate,
    due: &[&DueEntry],
    alerts: &[&Alert],
    reminders: &[&ReminderSend],
) -> Digest {
    let subject = t(
        lang,
        "digest-subject",
        &[
            ("workspace", text(&ws.name)),
            ("due", number(due.len() as i64)),
            ("alerts", number(alerts.len() as i64)),
        ],
    );
    let mut body = String::new();
    body.push_str(&t(
        lang,
        "digest-intro",
        &[
            ("workspace", text(&ws.name)),
            ("date", text(&i18n::date(lang, today))),
        ],
    ));
    body.push_str("\n\n");
    if !alerts.is_empty() {
        body.push_str(&t(lang, "digest-alerts-heading", &[]));
        body.push('\n');
        for a in alerts {
            let reasons: Vec<String> = a.reasons.iter().map(|s| signal_text(lang, s)).collect();
            body.push_str(&format!(
                "- {} ({}): {}\n",
                a.client.name,
                t(
                    lang,
                    "health-score-value",
                    &[("score", number(a.score.into()))]
                ),
                reasons.join("; ")
            ));
        }
        body.push('\n');
    }
    if !due.is_empty() {
        body.push_str(&t(lang, "digest-due-heading", &[]));
        body.push('\n');
        for e in due {
            body.push_str(&format!("- {}\n", due_text(lang, e)));
        }
        body.push('\n');
    }
    if !reminders.is_empty() {
        body.push_str(&t(lang, "digest-reminders-heading", &[]));
        body.push('\n');
        for r in reminders {
            body.push_str(&format!(
                "- {}\n",
                t(
                    lang,
                    "digest-reminder-line",
                    &[
                        ("client", text(&r.client_name)),
                        ("invoice", text(&r.invoice_ref)),
                        ("step", number(i64::from(r.step) + 1)),
                        ("date", text(&i18n::date(lang, r.run_on))),
                    ],
                )
            ));
        }
        body.push('\n');
    }
    body.push_str(&t(lang, "digest-footer", &[]));
    body.push('\n');
    Digest {
        subject,
        body,
        items: due.len() + alerts.len() + reminders.len(),
    }
}

/// One due entry as a sentence.
pub fn due_text(lang: Lang, e: &DueEntry) -> String {
    if let Some(billing) = crate::billing_signals::due_text(lang, e) {
        return billing;
    }
    let key = match e.kind {
        DueKind::Contact => "due-contact",
        DueKind::RetentionPromise => "due-retention-promise",
        DueKind::CorrectiveAction => "due-corrective-action",
        DueKind::WinBackFollowUp => "due-win-back",
        // Written by `billing_signals::due_text` (an entry without its signal: the bare ref).
        DueKind::BillingCancelled | DueKind::PaymentFailed => return e.what.clone(),
    };
    t(
        lang,
        key,
        &[
            ("client", text(&e.client_name)),
            (
                "what",
                text(match (lang, &e.what_es) {
                    (Lang::Es, Some(es)) => es,
                    _ => &e.what,
                }),
            ),
            ("days", number(e.days_overdue)),
            ("date", text(&i18n::date(lang, e.due_on))),
        ],
    )
}

/// One signal as a short phrase with its points.
pub fn signal_text(lang: Lang, s: &Signal) -> String {
    t(
        lang,
        "signal-points",
        &[
            ("phrase", text(&signal_phrase(lang, s))),
            ("points", number(s.points.into())),
        ],
    )
}

/// The facts of one signal as a short phrase.
pub fn signal_phrase(lang: Lang, s: &Signal) -> String {
    let (key, args): (&str, Vec<(&str, ArgValue)>) = match &s.facts {
        SignalFacts::Contact {
            days_since,
            interval_days,
            ..
        } => (
            "signal-contact",
            vec![
                ("days", number(*days_since)),
                ("interval", number((*interval_days).into())),
            ],
        ),
        SignalFacts::OverdueInvoices {
            count,
            amount_cents,
            payment_failed_on: Some(failed_on),
            ..
        } => (
            "signal-unpaid-invoices-payment-failed",
            vec![
                ("count", number((*count).into())),
                ("amount", text(&i18n::money(lang, *amount_cents))),
                ("date", text(&i18n::date(lang, *failed_on))),
            ],
        ),
        SignalFacts::OverdueInvoices {
            count,
            amount_cents,
            ..
        } => (
            "signal-overdue-invoices",
            vec![
                ("count", number((*count).into())),
                ("amount", text(&i18n::money(lang, *amount_cents))),
            ],
        ),
        SignalFacts::Complaints {
            complaints,
            incidents,
            lookback_days,
        } => (
            "signal-complaints",
            vec![
                ("complaints", number((*complaints).into())),
                ("incidents", number((*incidents).into())),
                ("days", number((*lookback_days).into())),
            ],
        ),
        SignalFacts::Contraction {
            mrr_before_cents,
            mrr_now_cents,
            drop_pct,
        } => (
            // Nothing went down (or it rounds to nothing and takes no
            // points): no "down" wording.
            if *drop_pct == 0 && s.points == 0 {
                "signal-contraction-none"
            } else {
                "signal-contraction"
            },
            vec![
                ("before", text(&i18n::money(lang, *mrr_before_cents))),
                ("now", text(&i18n::money(lang, *mrr_now_cents))),
                ("pct", number((*drop_pct).into())),
            ],
        ),
        SignalFacts::Survey { score, scale_max } => match (score, scale_max) {
            (Some(score), Some(max)) => (
                "signal-survey",
                vec![
                    ("score", number((*score).into())),
                    ("max", number((*max).into())),
                ],
            ),
            _ => ("signal-survey-none", vec![]),
        },
        SignalFacts::Renewal { on, event, .. } => match (on, event) {
            (Some(on), Some(event)) => (
                match event {
                    churnwise_domain::health::ContractEvent::End => "signal-contract-end",
                    churnwise_domain::health::ContractEvent::Renewal => "signal-renewal",
                },
                vec![("date", text(&i18n::date(lang, *on)))],
            ),
            _ => ("signal-renewal-none", vec![]),
        },
        SignalFacts::WarningSigns { flags } => {
            let names: Vec<String> = flags
                .iter()
                .map(|f| t(lang, &format!("flag-{}", f.as_str().replace('_', "-")), &[]))
                .collect();
            if names.is_empty() {
                ("signal-warning-signs-none", vec![])
            } else {
                (
                    "signal-warning-signs",
                    vec![("flags", text(&names.join(", ")))],
                )
            }
        }
        SignalFacts::Usage { metrics, finding } => match finding {
            Some(f) => {
                let label = match lang {
                    Lang::Es => &f.label_es,
                    _ => &f.label_en,
                };
                (
                    match f.change {
                        UsageChange::Down => "signal-usage-down",
                        UsageChange::Up => "signal-usage-up",
                        UsageChange::Silent => "signal-usage-silent",
                        UsageChange::DownFromUsual => "signal-usage-down-from-usual",
                        UsageChange::UpFromUsual => "signal-usage-up-from-usual",
                    },
                    vec![
                        ("metric", text(label)),
                        ("pct", number(f.change_pct.into())),
                        ("before", number(f.before)),
                        ("now", number(f.now)),
                        ("days", number(f.days_silent.unwrap_or(0))),
                        (
                            "window",
                            number(churnwise_domain::health::USAGE_WINDOW_DAYS.into()),
                        ),
                    ],
                )
            }
            None if *metrics == 0 => ("signal-usage-no-data", vec![]),
            None => ("signal-usage-steady", vec![]),
        },
    };
    t(lang, key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::health::Signal;

    fn complaints(complaints: u32, incidents: u32) -> Signal {
        Signal {
            points: 8,
            weight: 15,
            facts: SignalFacts::Complaints {
                complaints,
                incidents,
                lookback_days: 90,
            },
        }
    }

    #[test]
    fn counts_of_days_use_plurals() {
        let contact = |days_since, interval_days| Signal {
            points: 5,
            weight: 20,
            facts: SignalFacts::Contact {
                last_contact_on: None,
                days_since,
                interval_days,
            },
        };
        assert_eq!(
            signal_phrase(Lang::En, &contact(1, 30)),
            "1 day since the last contact (every 30 days)"
        );
        assert_eq!(
            signal_phrase(Lang::Es, &contact(1, 1)),
            "1 día desde el último contacto (cada día)"
        );
        assert_eq!(
            signal_phrase(Lang::En, &contact(3, 1)),
            "3 days since the last contact (every day)"
        );
        let one_day = Signal {
            points: 8,
            weight: 15,
            facts: SignalFacts::Complaints {
                complaints: 1,
                incidents: 0,
                lookback_days: 1,
            },
        };
        assert_eq!(signal_phrase(Lang::En, &one_day), "1 complaint in 1 day");
        assert_eq!(signal_phrase(Lang::Es, &one_day), "1 queja en 1 día");
    }

    #[test]
    fn counts_of_customers_use_plurals() {
        let survival = |lang, subjects: i64, events: i64| {
            t(
                lang,
                "chart-survival-description",
                &[("subjects", number(subjects)), ("events", number(events))],
            )
        };
        let en = survival(Lang::En, 1, 1);
        assert!(en.contains("over 1 customer, 1 of whom left"), "{en}");
        let es = survival(Lang::Es, 1, 1);
        assert!(es.contains("sobre 1 cliente, de los que 1 se fue)"), "{es}");
    }

    #[test]
    fn an_mrr_that_did_not_go_down_is_not_called_down() {
        let contraction = |before, now, drop_pct, points| Signal {
            points,
            weight: 15,
            facts: SignalFacts::Contraction {
                mrr_before_cents: before,
                mrr_now_cents: now,
                drop_pct,
            },
        };
        let steady = signal_phrase(Lang::En, &contraction(4900, 4900, 0, 0));
        assert!(!steady.contains("down"), "{steady}");
        assert!(steady.starts_with("no MRR drop"), "{steady}");
        let steady_es = signal_phrase(Lang::Es, &contraction(4900, 4900, 0, 0));
        assert!(!steady_es.contains("baja"), "{steady_es}");
        let down = signal_phrase(Lang::En, &contraction(10000, 5000, 50, 8));
        assert!(down.starts_with("MRR down 50%"), "{down}");
    }

    #[test]
    fn former_in_spanish_is_a_former_client() {
        assert_eq!(t(Lang::Es, "status-former", &[]), "Antiguo cliente");
    }

    #[test]
    fn a_signal_names_only_what_happened_with_its_points_once() {
        assert_eq!(
            signal_text(Lang::En, &complaints(1, 0)),
            "1 complaint in 90 days (−8)"
        );
        assert_eq!(
            signal_text(Lang::En, &complaints(0, 2)),
            "2 incidents in 90 days (−8)"
        );
        assert_eq!(
            signal_text(Lang::En, &complaints(2, 1)),
            "2 complaints and 1 incident in 90 days (−8)"
        );
        assert_eq!(
            signal_text(Lang::Es, &complaints(1, 3)),
            "1 queja y 3 incidencias en 90 días (−8)"
        );
        assert_eq!(
            signal_phrase(Lang::Es, &complaints(0, 1)),
            "1 incidencia en 90 días"
        );
    }
}
