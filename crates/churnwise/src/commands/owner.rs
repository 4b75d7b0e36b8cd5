//! `churnwise owner`: the owner names found on clients, and their mapping
//! to workspace members (issue 12), through `churnwise_app::owners`.

use super::Context;
use crate::output::{self, Format, Tabular};
use churnwise_app::owners::{self, OwnerRow};
use churnwise_store::Member;
use clap::{Args, Subcommand};
use serde::Serialize;

/// Owner names and the members they mean.
///
/// Example: churnwise owner map "Carla Méndez" carla@example.com
#[derive(Debug, Args)]
pub struct OwnerArgs {
    #[command(subcommand)]
    command: OwnerCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
}

#[derive(Debug, Subcommand)]
enum OwnerCommand {
    /// Every owner name on the clients, with its client count, the member
    /// it means (by name or email, or mapped) and a suggested member.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Maps an owner name to the member with this email, for the clients
    /// there are and those imported later.
    Map {
        /// The owner name as written on the clients (any case).
        name: String,
        /// The member's email.
        email: String,
    },
    /// Removes the mapping of an owner name.
    Unmap {
        /// The owner name.
        name: String,
    },
}

/// One row of `owner list`.
#[derive(Debug, Serialize)]
struct ListedOwner {
    name: String,
    clients: i64,
    owner: Option<String>,
    how: &'static str,
    suggested: Option<String>,
}

impl Tabular for ListedOwner {
    fn headers() -> Vec<&'static str> {
        vec!["name", "clients", "owner", "how", "suggested"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.clients.to_string(),
            self.owner.clone().unwrap_or_default(),
            self.how.to_string(),
            self.suggested.clone().unwrap_or_default(),
        ]
    }
}

fn listed(row: OwnerRow, members: &[Member]) -> ListedOwner {
    let email = |id| {
        members
            .iter()
            .find(|m| m.user.id == id)
            .map(|m| m.user.email.clone())
    };
    let (owner, how) = match (row.mapped_to, row.matches) {
        (Some(id), _) => (email(id), "mapped"),
        (None, Some(id)) => (email(id), "same name"),
        (None, None) => (None, "nobody"),
    };
    ListedOwner {
        name: row.name,
        clients: row.clients,
        owner,
        how,
        suggested: row.suggested.and_then(email),
    }
}

fn cli_error(e: churnwise_app::AppError) -> anyhow::Error {
    crate::errors::cli_error(
        e,
        &crate::errors::Words {
            flag_of: &|field| match field {
                "user" => "EMAIL".to_string(),
                "name" => "NAME".to_string(),
                other => crate::errors::flag(other),
            },
            record: "owner",
        },
    )
}

/// Runs `owner …`.
pub async fn run(ctx: &Context, args: OwnerArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    match args.command {
        OwnerCommand::List { format } => {
            let (rows, members) = owners::list(store.as_ref(), ws.id)
                .await
                .map_err(cli_error)?;
            let rows: Vec<ListedOwner> = rows.into_iter().map(|r| listed(r, &members)).collect();
            output::print(&rows, format)?;
            if format == Format::Table && rows.is_empty() {
                eprintln!("no client has an owner");
            }
        }
        OwnerCommand::Map { name, email } => {
            let members = store.workspace_members(ws.id).await?;
            let Some(member) = members
                .iter()
                .find(|m| m.user.email.eq_ignore_ascii_case(email.trim()))
            else {
                anyhow::bail!("EMAIL: {email} is not a member of {}", ws.name);
            };
            let actor = churnwise_app::audit::Actor::command_line();
            owners::map(store.as_ref(), ws.id, &name, Some(member.user.id), &actor)
                .await
                .map_err(cli_error)?;
            println!("{} → {}", name.trim(), member.user.email);
        }
        OwnerCommand::Unmap { name } => {
            let actor = churnwise_app::audit::Actor::command_line();
            owners::map(store.as_ref(), ws.id, &name, None, &actor)
                .await
                .map_err(cli_error)?;
            println!("{}: mapping removed", name.trim());
        }
    }
    Ok(())
}
