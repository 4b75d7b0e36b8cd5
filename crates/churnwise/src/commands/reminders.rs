//! `churnwise reminders`: payment reminders for overdue invoices (issue 15):
//! send the ones due (or list them with `--dry-run`), show or set the
//! workspace's sequence, pause or resume a client, mark its billing
//! contact, record a promise to pay.

use super::Context;
use crate::errors::{cli_error, Words};
use crate::settings::{smtp_settings, SmtpArgs};
use churnwise_app::audit::Actor;
use churnwise_app::digest::{SendMail, SmtpMailer};
use churnwise_app::payment_reminders::{self, BillingChange};
use churnwise_domain::payment_reminders::ReminderSettings;
use churnwise_store::{Client, ContactId, Store};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Payment reminders for overdue invoices.
#[derive(Debug, Args)]
pub struct RemindersArgs {
    #[command(subcommand)]
    command: RemindersCommand,
    /// Workspace (default: the only one; `send` covers every workspace).
    #[arg(long, global = true)]
    workspace: Option<String>,
}

#[derive(Debug, Subcommand)]
enum RemindersCommand {
    /// Send the reminders due today in every workspace whose reminders are
    /// on (each reminder once, whoever runs it); `--dry-run` only lists them.
    ///
    /// Example: churnwise reminders send --dry-run
    Send {
        #[command(flatten)]
        smtp: SmtpArgs,
        /// List what would be sent; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// The day of the run, YYYY-MM-DD (default today, UTC).
        #[arg(long)]
        today: Option<String>,
    },
    /// Print the workspace's reminder settings as JSON (with their version).
    ///
    /// Example: churnwise reminders show > reminders.json
    Show,
    /// Replace the workspace's reminder settings with a JSON file shaped as
    /// `show` prints them (`version` must be the current one).
    ///
    /// Example: churnwise reminders set reminders.json
    Set {
        /// The JSON file.
        file: PathBuf,
    },
    /// Stop the reminders of a client (by id, external id or exact name).
    ///
    /// Example: churnwise reminders pause "Acme Ltd"
    Pause {
        /// The client.
        client: String,
    },
    /// Start the reminders of a paused client again.
    ///
    /// Example: churnwise reminders resume "Acme Ltd"
    Resume {
        /// The client.
        client: String,
    },
    /// Mark which contact receives a client's reminders (default: the
    /// primary contact).
    ///
    /// Example: churnwise reminders billing-contact "Acme Ltd" --contact 12
    BillingContact {
        /// The client.
        client: String,
        /// The contact's id (see `churnwise contact list`).
        #[arg(long, conflicts_with = "primary", required_unless_present = "primary")]
        contact: Option<i64>,
        /// Send to the primary contact again.
        #[arg(long)]
        primary: bool,
    },
    /// Record a promise to pay an invoice: no reminder until that day has
    /// passed unpaid.
    ///
    /// Example: churnwise reminders promise "Acme Ltd" INV-2026-014 --on 2026-12-20
    Promise {
        /// The client.
        client: String,
        /// The invoice's reference.
        invoice: String,
        /// The promised day, YYYY-MM-DD.
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        on: Option<String>,
        /// Remove the promise.
        #[arg(long)]
        clear: bool,
    },
}

fn today(text: Option<&str>) -> anyhow::Result<chrono::NaiveDate> {
    match text {
        None => Ok(chrono::Utc::now().date_naive()),
        Some(t) => churnwise_domain::parse_date(t)
            .map_err(|_| anyhow::anyhow!("--today: {t:?} is not a date (YYYY-MM-DD)")),
    }
}

async fn find(
    store: &dyn Store,
    ws: &churnwise_store::Workspace,
    reference: &str,
) -> anyhow::Result<Client> {
    store
        .find_client(ws.id, reference)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no client {reference:?} in workspace {:?}", ws.name))
}

/// Runs `reminders …`.
pub async fn run(ctx: &Context, args: RemindersArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let actor = Actor::command_line();
    let flag = |field: &str| match field {
        "promised_on" => "--on".to_string(),
        "billing_contact_id" => "--contact".to_string(),
        other => other.to_string(),
    };
    let words = Words {
        flag_of: &flag,
        record: "invoice",
    };
    match args.command {
        RemindersCommand::Send {
            smtp,
            dry_run,
            today: day,
        } => {
            let day = today(day.as_deref())?;
            let mailer = match smtp_settings(&smtp, &ctx.file)? {
                Some(settings) => Some(SmtpMailer::new(&settings)?),
                None if dry_run => None,
                None => anyhow::bail!("no SMTP server: set --smtp-host and --smtp-from (or CHURNWISE_SMTP_HOST, CHURNWISE_SMTP_FROM, or [smtp] in churnwise.toml)"),
            };
            let run = payment_reminders::run_reminders(
                store.as_ref(),
                mailer.as_ref().map(|m| m as &dyn SendMail),
                day,
                dry_run,
            )
            .await?;
            for r in &run.reminders {
                println!(
                    "{}\t{}\t{}\tstep {}\t{}\t{}",
                    r.workspace,
                    r.client_name,
                    r.invoice_ref,
                    r.step,
                    r.to.as_deref().unwrap_or("(no email address)"),
                    r.lang.pick("en", "es"),
                );
            }
            if dry_run {
                println!(
                    "reminders (dry run): {} due, {} without an email address; nothing sent",
                    run.reminders.len(),
                    run.no_address
                );
            } else {
                println!(
                    "reminders: {} sent, {} failed, {} already handled, {} without an email address",
                    run.sent, run.failed, run.skipped, run.no_address
                );
                if run.failed > 0 {
                    anyhow::bail!("{} reminders were not accepted by the SMTP server (they are retried on the next run)", run.failed);
                }
            }
        }
        RemindersCommand::Show => {
            let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
            let current = payment_reminders::settings(store.as_ref(), ws.id)
                .await
                .map_err(|e| cli_error(e, &words))?;
            let out = serde_json::json!({"version": current.version, "settings": current.value});
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        RemindersCommand::Set { file } => {
            let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Body {
                version: i64,
                settings: ReminderSettings,
            }
            let body: Body = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let saved = payment_reminders::save_settings(
                store.as_ref(),
                ws.id,
                &actor,
                body.settings,
                body.version,
            )
            .await
            .map_err(|e| cli_error(e, &words))?;
            println!("reminder settings saved (version {})", saved.version);
        }
        RemindersCommand::Pause { client } => {
            pause(
                store.as_ref(),
                &args.workspace,
                &client,
                true,
                &actor,
                &words,
            )
            .await?;
        }
        RemindersCommand::Resume { client } => {
            pause(
                store.as_ref(),
                &args.workspace,
                &client,
                false,
                &actor,
                &words,
            )
            .await?;
        }
        RemindersCommand::BillingContact {
            client,
            contact,
            primary: _,
        } => {
            let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
            let client = find(store.as_ref(), &ws, &client).await?;
            let billing = payment_reminders::change_billing(
                store.as_ref(),
                ws.id,
                client.id,
                BillingChange {
                    billing_contact: Some(contact.map(ContactId)),
                    ..Default::default()
                },
                &actor,
            )
            .await
            .map_err(|e| cli_error(e, &words))?;
            match billing.billing_contact {
                Some(c) => println!("{}: reminders go to contact {c}", client.name),
                None => println!("{}: reminders go to the primary contact", client.name),
            }
        }
        RemindersCommand::Promise {
            client,
            invoice,
            on,
            clear: _,
        } => {
            let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
            let client = find(store.as_ref(), &ws, &client).await?;
            let found = store
                .list_invoices(ws.id, client.id)
                .await?
                .into_iter()
                .find(|i| i.invoice_ref == invoice.trim())
                .ok_or_else(|| anyhow::anyhow!("{} has no invoice {invoice:?}", client.name))?;
            let day = payment_reminders::set_promise(
                store.as_ref(),
                ws.id,
                client.id,
                found.id,
                on.as_deref(),
                chrono::Utc::now().date_naive(),
                &actor,
            )
            .await
            .map_err(|e| cli_error(e, &words))?;
            match day {
                Some(d) => println!(
                    "{}: promise to pay on {d}; no reminder until then",
                    found.invoice_ref
                ),
                None => println!("{}: promise to pay removed", found.invoice_ref),
            }
        }
    }
    Ok(())
}

async fn pause(
    store: &dyn Store,
    workspace: &Option<String>,
    client: &str,
    paused: bool,
    actor: &Actor,
    words: &Words<'_>,
) -> anyhow::Result<()> {
    let ws = crate::workspace::resolve(store, workspace.as_deref()).await?;
    let client = find(store, &ws, client).await?;
    payment_reminders::change_billing(
        store,
        ws.id,
        client.id,
        BillingChange {
            reminders_paused: Some(paused),
            ..Default::default()
        },
        actor,
    )
    .await
    .map_err(|e| cli_error(e, words))?;
    if paused {
        println!("{}: payment reminders paused", client.name);
    } else {
        println!("{}: payment reminders resumed", client.name);
    }
    Ok(())
}
