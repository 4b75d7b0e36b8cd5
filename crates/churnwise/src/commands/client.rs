//! `churnwise client list|show|add`.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_store::{Client, ClientFilter};
use churnwise_web::api::clients::{ClientListQuery, CreateClient};
use churnwise_web::error::ApiError;
use clap::{Args, Subcommand};

/// Work with the client registry.
#[derive(Debug, Args)]
pub struct ClientArgs {
    #[command(subcommand)]
    command: ClientCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// List clients, filtered and paginated, by name.
    ///
    /// Example: churnwise client list --status active --owner ana --search acme --format csv
    List {
        /// Only this status: prospect, active, leaving or former.
        #[arg(long)]
        status: Option<String>,
        /// Only this owner.
        #[arg(long)]
        owner: Option<String>,
        /// Only this segment.
        #[arg(long)]
        segment: Option<String>,
        /// Name contains this text.
        #[arg(long)]
        search: Option<String>,
        /// Page number, from 1.
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Rows per page (1 to 500).
        #[arg(long, default_value_t = 50)]
        per_page: u32,
    },
    /// Show one client by id, external id or exact name.
    ///
    /// Example: churnwise client show "Acme Ltd" --format json
    Show {
        /// Id, external id or name.
        client: String,
    },
    /// Add a client.
    ///
    /// Example: churnwise client add --name "Acme Ltd" --owner ana --segment smb
    Add {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Id in the billing system.
        #[arg(long)]
        external_id: Option<String>,
        /// Status (default active).
        #[arg(long)]
        status: Option<String>,
        /// Account manager.
        #[arg(long)]
        owner: Option<String>,
        /// Segment.
        #[arg(long)]
        segment: Option<String>,
        /// Keep-in-touch interval in days (default 30).
        #[arg(long)]
        keep_in_touch_days: Option<i32>,
        /// Notes.
        #[arg(long)]
        notes: Option<String>,
    },
}

impl Tabular for Client {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "external_id",
            "name",
            "status",
            "owner",
            "segment",
            "keep_in_touch_days",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            opt(&self.external_id),
            self.name.clone(),
            self.status.to_string(),
            opt(&self.owner),
            opt(&self.segment),
            self.keep_in_touch_days.to_string(),
        ]
    }
}

/// Turns an API validation error into CLI wording (`--field: reason`).
pub fn cli_error(e: ApiError) -> anyhow::Error {
    match e {
        ApiError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

/// Runs `client …`.
pub async fn run(ctx: &Context, args: ClientArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    match args.command {
        ClientCommand::List {
            status,
            owner,
            segment,
            search,
            page,
            per_page,
        } => {
            let filter: ClientFilter = ClientListQuery {
                status,
                owner,
                segment,
                q: search,
                page: Some(page),
                per_page: Some(per_page),
            }
            .into_filter()
            .map_err(cli_error)?;
            let page = store.list_clients(ws.id, &filter).await?;
            output::print(&page.items, args.format)?;
            if args.format == Format::Table {
                eprintln!(
                    "page {} of {} ({} clients)",
                    page.page,
                    (page.total.max(1) + i64::from(page.per_page) - 1) / i64::from(page.per_page),
                    page.total
                );
            }
        }
        ClientCommand::Show { client } => {
            let found = store.find_client(ws.id, &client).await?.ok_or_else(|| {
                anyhow::anyhow!("no client {client:?} in workspace {:?}", ws.name)
            })?;
            output::print_one(&found, args.format)?;
        }
        ClientCommand::Add {
            name,
            external_id,
            status,
            owner,
            segment,
            keep_in_touch_days,
            notes,
        } => {
            let new = CreateClient {
                name,
                external_id,
                status,
                owner,
                segment,
                keep_in_touch_days,
                notes,
            }
            .validate()
            .map_err(cli_error)?;
            let client = store.create_client(ws.id, new).await?;
            output::print_one(&client, args.format)?;
        }
    }
    Ok(())
}
