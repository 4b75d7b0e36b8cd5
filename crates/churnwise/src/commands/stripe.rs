//! `churnwise stripe`: connect a workspace to its Stripe account and sync
//! it (issue 15), through `churnwise_app::stripe`.

use super::Context;
use churnwise_app::stripe::{self, ConnectionChange, StripeSettings, SyncProgress};
use clap::{Args, Subcommand};

/// The workspace's Stripe account: connection and sync.
///
/// Example: churnwise stripe connect --api-key rk_live_… && churnwise stripe sync
#[derive(Debug, Args)]
pub struct StripeArgs {
    #[command(subcommand)]
    command: StripeCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Stripe's API base URL (default https://api.stripe.com).
    #[arg(long, global = true, env = "CHURNWISE_STRIPE_API_BASE")]
    stripe_api_base: Option<String>,
}

#[derive(Debug, Subcommand)]
enum StripeCommand {
    /// Sets the restricted API key and/or the webhook signing secret
    /// (stored sealed); prints the webhook path to register in Stripe.
    Connect {
        /// The restricted (rk_…) or secret (sk_…) key.
        #[arg(long, env = "CHURNWISE_STRIPE_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
        /// The webhook signing secret (whsec_…).
        #[arg(long, env = "CHURNWISE_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
        webhook_secret: Option<String>,
    },
    /// Removes the API key and the webhook secret.
    Disconnect,
    /// Reads customers, subscriptions and invoices from Stripe and brings
    /// the registry in step; prints the report as JSON. Refused while
    /// another sync of the workspace runs ("Sync now" on the page, or
    /// another command).
    Sync,
    /// Shows the connection (never the secrets) and the last sync report.
    Status,
}

/// The Stripe settings of the command line: the API base, the sealing key
/// from `CHURNWISE_SECRET_KEY` or the key file of the database.
pub fn settings(ctx: &Context, api_base: Option<String>) -> StripeSettings {
    StripeSettings {
        api_base: api_base.unwrap_or_else(|| stripe::DEFAULT_API_BASE.to_string()),
        secrets: crate::settings::secret_key_source(&ctx.database),
    }
}

fn cli_error(e: churnwise_app::AppError) -> anyhow::Error {
    crate::errors::cli_error(e, &crate::errors::USUAL)
}

/// A refused or failed sync: a sync already running is named as the
/// command, not as a flag.
fn sync_error(e: churnwise_app::AppError) -> anyhow::Error {
    let flag_of = |field: &str| match field {
        "sync" => "stripe sync".to_string(),
        other => crate::errors::flag(other),
    };
    let words = crate::errors::Words {
        flag_of: &flag_of,
        record: "record",
    };
    crate::errors::cli_error(e, &words)
}

/// Runs `churnwise stripe …`.
pub async fn run(ctx: &Context, args: StripeArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let settings = settings(ctx, args.stripe_api_base);
    let actor = churnwise_app::audit::Actor::command_line();
    let now = chrono::Utc::now();
    let view = match args.command {
        StripeCommand::Connect {
            api_key,
            webhook_secret,
        } => {
            if api_key.is_none() && webhook_secret.is_none() {
                anyhow::bail!("give --api-key, --webhook-secret or both");
            }
            let change = ConnectionChange {
                api_key: api_key.map(Some),
                webhook_secret: webhook_secret.map(Some),
            };
            stripe::change_connection(store.as_ref(), &settings, ws.id, change, &actor, now)
                .await
                .map_err(cli_error)?
        }
        StripeCommand::Disconnect => {
            let change = ConnectionChange {
                api_key: Some(None),
                webhook_secret: Some(None),
            };
            stripe::change_connection(store.as_ref(), &settings, ws.id, change, &actor, now)
                .await
                .map_err(cli_error)?
        }
        StripeCommand::Sync => {
            // The same claim as "Sync now": one sync per workspace at a time.
            let progress = |p: SyncProgress| eprintln!("{}: {} read", p.kind, p.read);
            let report = stripe::sync_job::sync_now(
                store.as_ref(),
                &settings,
                ws.id,
                now,
                &progress,
                &actor,
            )
            .await
            .map_err(sync_error)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            return Ok(());
        }
        StripeCommand::Status => stripe::connection_view(store.as_ref(), ws.id)
            .await
            .map_err(cli_error)?,
    };
    println!("{}", serde_json::to_string_pretty(&view)?);
    Ok(())
}
