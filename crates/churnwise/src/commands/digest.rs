//! `churnwise digest`: send the day's digests now (for cron, or a server
//! run without its scheduler) or preview one user's digest.

use super::Context;
use crate::settings::{smtp_settings, SmtpArgs};
use chrono::{DateTime, Utc};
use churnwise_app::digest::{DayDigests, SendMail, SmtpMailer};
use churnwise_app::scheduler::Scheduler;
use churnwise_store::Store;
use clap::{Args, Subcommand};
use std::sync::Arc;
use std::time::Duration;

/// Daily digest emails.
#[derive(Debug, Args)]
pub struct DigestArgs {
    #[command(subcommand)]
    command: DigestCommand,
}

#[derive(Debug, Subcommand)]
enum DigestCommand {
    /// Recompute scores and send today's digests that are not sent yet, as
    /// one scheduler run (it waits for no one: when another process holds
    /// the scheduler lease, it says so and does nothing).
    ///
    /// Example: CHURNWISE_SMTP_HOST=mail.example.com CHURNWISE_SMTP_FROM=cw@example.com churnwise digest send
    Send {
        #[command(flatten)]
        smtp: SmtpArgs,
        /// The moment of the run, RFC 3339 (default now; for catching up).
        #[arg(long)]
        now: Option<DateTime<Utc>>,
    },
    /// Print the digest a member would receive today, without sending it.
    ///
    /// Example: churnwise digest preview ana@example.com
    Preview {
        /// The member's email.
        email: String,
        /// Workspace (default: the only one).
        #[arg(long)]
        workspace: Option<String>,
    },
}

/// A process-unique lease holder name.
pub fn holder() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// The scheduler of this process, with a mailer when SMTP is configured.
pub fn scheduler(
    ctx: &Context,
    smtp: &SmtpArgs,
    store: Arc<dyn Store>,
    interval: Duration,
) -> anyhow::Result<Scheduler> {
    let mailer = match smtp_settings(smtp, &ctx.file)? {
        Some(settings) => Some(Arc::new(SmtpMailer::new(&settings)?) as Arc<dyn SendMail>),
        None => None,
    };
    Ok(Scheduler {
        store,
        mailer,
        holder: holder(),
        interval,
        full_runs: Default::default(),
    })
}

/// Runs `digest …`.
pub async fn run(ctx: &Context, args: DigestArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    match args.command {
        DigestCommand::Send { smtp, now } => {
            let scheduler = scheduler(ctx, &smtp, store, Duration::from_secs(60))?;
            if scheduler.mailer.is_none() {
                anyhow::bail!("no SMTP server: set --smtp-host and --smtp-from (or CHURNWISE_SMTP_HOST, CHURNWISE_SMTP_FROM, or [smtp] in churnwise.toml)");
            }
            let tick = scheduler.tick(now.unwrap_or_else(Utc::now)).await?;
            // Leave the lease to the next run at once.
            scheduler
                .store
                .release_lease(churnwise_app::scheduler::LEASE, &scheduler.holder)
                .await?;
            if !tick.ran {
                println!("another churnwise process is running the scheduler; nothing done");
            } else {
                let d = &tick.digests;
                println!(
                    "digests: {} sent, {} failed, {} with nothing to say, {} already handled; {} alerts raised",
                    d.sent, d.failed, d.empty, d.skipped, tick.alerts_raised
                );
                if d.failed > 0 {
                    anyhow::bail!("{} digests were not accepted by the SMTP server (they are retried on the next run)", d.failed);
                }
            }
        }
        DigestCommand::Preview { email, workspace } => {
            let ws = crate::workspace::resolve(store.as_ref(), workspace.as_deref()).await?;
            let member = store
                .workspace_members(ws.id)
                .await?
                .into_iter()
                .find(|m| m.user.email.eq_ignore_ascii_case(email.trim()))
                .ok_or_else(|| {
                    anyhow::anyhow!("{email} is not a member of workspace {:?}", ws.name)
                })?;
            let day = DayDigests::load(store.as_ref(), &ws, Utc::now().date_naive()).await?;
            let digest = day.for_user(&member.user);
            println!("Subject: {}\n\n{}", digest.subject, digest.body);
        }
    }
    Ok(())
}
