//! `churnwise work log|list` (issue 16): a client's work log, through
//! `churnwise_app::work_log`.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::work_log::{self, WorkEntryInput, WorkEntryView};
use clap::{Args, Subcommand};

/// Log what the team did for a client.
#[derive(Debug, Args)]
pub struct WorkArgs {
    #[command(subcommand)]
    command: WorkCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum WorkCommand {
    /// Add an entry to a client's work log (client by id, external id or exact name).
    ///
    /// Example: churnwise work log "Acme Ltd" --title "SEO audit" --result 12.5 --unit "%"
    Log {
        /// Id, external id or name of the client.
        client: String,
        /// What was done, in a line (at most 200 characters).
        #[arg(long)]
        title: String,
        /// The day it was done, YYYY-MM-DD (default today).
        #[arg(long)]
        on: Option<String>,
        /// Details (at most 5,000 characters).
        #[arg(long)]
        body: Option<String>,
        /// A result figure, such as 12.5 (at most 3 decimals).
        #[arg(long, allow_hyphen_values = true)]
        result: Option<String>,
        /// The result's unit, such as "%".
        #[arg(long)]
        unit: Option<String>,
        /// A link (https:// or http://).
        #[arg(long)]
        link: Option<String>,
        /// Who did it (default: $USER).
        #[arg(long)]
        who: Option<String>,
        /// Keep it internal (not shown to the client).
        #[arg(long)]
        internal: bool,
    },
    /// List a client's work log, newest first, a page at a time.
    ///
    /// Example: churnwise work list "Acme Ltd" --page 2
    List {
        /// Id, external id or name of the client.
        client: String,
        /// Page number, from 1.
        #[arg(long)]
        page: Option<u32>,
        /// Rows per page, 1 to 500 (default 50).
        #[arg(long)]
        per_page: Option<u32>,
        /// Only what the client may see.
        #[arg(long)]
        client_visible: bool,
    },
}

impl Tabular for WorkEntryView {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "client_id",
            "done_on",
            "title",
            "result",
            "unit",
            "who",
            "visibility",
            "link",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.client_id.to_string(),
            self.done_on.to_string(),
            self.title.clone(),
            opt(&self.result),
            opt(&self.unit),
            opt(&self.who),
            self.visibility.to_string(),
            opt(&self.link),
        ]
    }
}

/// The flag that sets each field of an entry.
fn flag(field: &str) -> String {
    match field {
        "done_on" => "--on".to_string(),
        "visibility" => "--internal".to_string(),
        other => crate::errors::flag(other),
    }
}

/// Runs `work …`.
pub async fn run(ctx: &Context, args: WorkArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let find = |reference: String| {
        let store = store.clone();
        let ws_name = ws.name.clone();
        async move {
            store
                .find_client(ws.id, &reference)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no client {reference:?} in workspace {ws_name:?}"))
        }
    };
    let words = crate::errors::Words {
        flag_of: &flag,
        record: "client",
    };
    match args.command {
        WorkCommand::Log {
            client,
            title,
            on,
            body,
            result,
            unit,
            link,
            who,
            internal,
        } => {
            let client = find(client).await?;
            let input = WorkEntryInput {
                done_on: on,
                title,
                body,
                result,
                unit,
                link,
                who,
                visibility: Some(if internal { "internal" } else { "client" }.to_string()),
            };
            let made = work_log::add(
                store.as_ref(),
                ws.id,
                client.id,
                input,
                chrono::Local::now().date_naive(),
                &churnwise_app::audit::Actor::command_line(),
            )
            .await
            .map_err(|e| crate::errors::cli_error(e, &words))?;
            output::print_one(&made, args.format)?;
        }
        WorkCommand::List {
            client,
            page,
            per_page,
            client_visible,
        } => {
            let client = find(client).await?;
            let found = work_log::list(
                store.as_ref(),
                ws.id,
                client.id,
                client_visible,
                page,
                per_page,
            )
            .await
            .map_err(|e| crate::errors::cli_error(e, &words))?;
            if found.total > i64::from(found.page) * i64::from(found.per_page) {
                eprintln!(
                    "page {} of {} entries; next: --page {}",
                    found.page,
                    found.total,
                    found.page + 1
                );
            }
            output::print(&found.items, args.format)?;
        }
    }
    Ok(())
}
