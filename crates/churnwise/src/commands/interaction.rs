//! `churnwise interaction log`.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::records::InteractionInput;
use churnwise_store::Interaction;
use clap::{Args, Subcommand};

/// Log contacts with clients.
#[derive(Debug, Args)]
pub struct InteractionArgs {
    #[command(subcommand)]
    command: InteractionCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum InteractionCommand {
    /// Log an interaction with a client (by id, external id or exact name).
    ///
    /// Example: churnwise interaction log "Acme Ltd" --kind call --note "Renewal talk, happy"
    Log {
        /// Id, external id or name of the client.
        client: String,
        /// call, meeting, email, newsletter, complaint, incident, praise or note.
        #[arg(long)]
        kind: String,
        /// What was said or done.
        #[arg(long)]
        note: Option<String>,
        /// Day it happened, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
        /// Who (default: $USER).
        #[arg(long)]
        author: Option<String>,
    },
    /// List a client's interactions, newest first.
    ///
    /// Example: churnwise interaction list "Acme Ltd"
    List {
        /// Id, external id or name of the client.
        client: String,
    },
}

impl Tabular for Interaction {
    fn headers() -> Vec<&'static str> {
        vec!["id", "client_id", "kind", "occurred_on", "author", "note"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.client_id.to_string(),
            self.kind.to_string(),
            self.occurred_on.to_string(),
            opt(&self.author),
            opt(&self.note),
        ]
    }
}

/// Runs `interaction …`.
pub async fn run(ctx: &Context, args: InteractionArgs) -> anyhow::Result<()> {
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
    match args.command {
        InteractionCommand::Log {
            client,
            kind,
            note,
            date,
            author,
        } => {
            let client = find(client).await?;
            let author = author
                .or_else(|| std::env::var("USER").ok())
                .filter(|a| !a.trim().is_empty());
            let input = InteractionInput {
                kind,
                occurred_on: date,
                author,
                note,
            };
            let flag = |field: &str| match field {
                "occurred_on" => "--date".to_string(),
                other => crate::errors::flag(other),
            };
            let words = crate::errors::Words {
                flag_of: &flag,
                record: "client",
            };
            let logged = churnwise_app::records::log_interaction(
                store.as_ref(),
                ws.id,
                client.id,
                input,
                chrono::Local::now().date_naive(),
                None,
                &churnwise_app::audit::Actor::command_line(),
            )
            .await
            .map_err(|e| crate::errors::cli_error(e, &words))?;
            output::print_one(&logged, args.format)?;
        }
        InteractionCommand::List { client } => {
            let client = find(client).await?;
            let rows = store.list_interactions(ws.id, client.id).await?;
            output::print(&rows, args.format)?;
        }
    }
    Ok(())
}
