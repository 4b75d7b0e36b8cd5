//! `churnwise updates due` (issue 16): the client updates due today,
//! through `churnwise_app::client_updates::due` (docs/client-updates.md).

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::client_updates::{self, DueUpdate};
use clap::{Args, Subcommand};

/// Client updates: which are due.
#[derive(Debug, Args)]
pub struct UpdatesArgs {
    #[command(subcommand)]
    command: UpdatesCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum UpdatesCommand {
    /// List the clients whose update is due today, the longest overdue first.
    ///
    /// Example: churnwise updates due --workspace Acme --limit 20
    Due {
        /// At most this many rows, 1 to 500 (default 500).
        #[arg(long)]
        limit: Option<u32>,
        /// Skip this many rows first.
        #[arg(long)]
        offset: Option<u32>,
    },
}

impl Tabular for DueUpdate {
    fn headers() -> Vec<&'static str> {
        vec![
            "client_id",
            "client",
            "owner",
            "cadence",
            "last_sent_on",
            "due_on",
            "days_overdue",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.client_id.to_string(),
            self.client_name.clone(),
            opt(&self.owner),
            self.cadence.to_string(),
            opt(&self.last_sent_on),
            self.due_on.to_string(),
            self.days_overdue.to_string(),
        ]
    }
}

/// Runs `updates …`.
pub async fn run(ctx: &Context, args: UpdatesArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let words = crate::errors::Words {
        flag_of: &crate::errors::flag,
        record: "client",
    };
    match args.command {
        UpdatesCommand::Due { limit, offset } => {
            let limit = churnwise_app::bounds::list_limit("limit", limit)
                .map_err(|p| crate::errors::cli_error(p.into(), &words))?;
            let all = client_updates::due(
                store.as_ref(),
                ws.id,
                chrono::Local::now().date_naive(),
                None,
            )
            .await
            .map_err(|e| crate::errors::cli_error(e, &words))?;
            let total = all.len();
            let rows = churnwise_app::bounds::window(all, offset, limit);
            if total > rows.len() + offset.unwrap_or(0) as usize {
                eprintln!(
                    "{} of {total} updates due; next: --offset {}",
                    rows.len(),
                    offset.unwrap_or(0) as usize + rows.len()
                );
            }
            output::print(&rows, args.format)?;
        }
    }
    Ok(())
}
