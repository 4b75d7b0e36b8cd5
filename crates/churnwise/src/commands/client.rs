//! `churnwise client list|show|add|flag|personal-data|erase`.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::clients::{ClientInput, ClientListQuestion};
use churnwise_app::AppError;
use churnwise_store::{Client, ClientFilter};
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
        /// Only this status: prospect, active, leaving, former or paused.
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
        /// Only clients whose latest health score is at risk.
        #[arg(long)]
        at_risk: bool,
    },
    /// Show one client by id, external id or exact name.
    ///
    /// Example: churnwise client show "Acme Ltd" --format json
    Show {
        /// Id, external id or name.
        client: String,
    },
    /// Add a client. One that falls inside another client's exclusivity
    /// (its segment, or its name among the named competitors) is refused,
    /// the exclusivities listed, unless --confirm-exclusivity.
    ///
    /// Example: churnwise client add --name "Acme Ltd" --owner ana --segment smb
    Add {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Id in the billing system.
        #[arg(long)]
        external_id: Option<String>,
        /// A status set by hand (default: the rule's, prospect for a new client).
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
        /// Add it even when it falls inside another client's exclusivity.
        #[arg(long)]
        confirm_exclusivity: bool,
    },
    /// Set a client's status by hand (it then overrides the rule that
    /// follows the subscriptions and departure cases), or return it to the
    /// rule with `automatic`.
    ///
    /// Statuses: prospect, active, leaving, former, paused; or automatic.
    ///
    /// Example: churnwise client set-status "Acme Ltd" paused
    SetStatus {
        /// Id, external id or name.
        client: String,
        /// A status, or automatic.
        status: String,
    },
    /// Record the warning signs of a relationship not worth keeping,
    /// replacing the recorded ones ("" clears them).
    ///
    /// Flags: wants_services_not_offered, does_not_value_expertise,
    /// yes_to_everything, treats_team_badly.
    ///
    /// Example: churnwise client flag "Acme Ltd" yes_to_everything,treats_team_badly
    Flag {
        /// Id, external id or name.
        client: String,
        /// Comma-separated flags.
        flags: String,
    },
    /// Print everything stored about a client and its contacts as JSON
    /// (records, cases with their documents and history, survey answers,
    /// health, alerts, audit entries). The export is recorded in the audit log.
    ///
    /// Example: churnwise client personal-data "Acme Ltd" > acme.json
    PersonalData {
        /// Id, external id or name.
        client: String,
    },
    /// Erase the personal data of a client and its contacts: names, emails,
    /// phones, notes and free texts are replaced by a marker; amounts and
    /// dates stay, so the metrics do not change. Cannot be undone.
    ///
    /// Example: churnwise client erase "Acme Ltd" --yes
    Erase {
        /// Id, external id or name.
        client: String,
        /// Confirms the erase (required).
        #[arg(long)]
        yes: bool,
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
            "warning_flags",
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
            churnwise_domain::registry::WarningFlag::join(&self.warning_flags),
        ]
    }
}

/// An error of the app in CLI wording (`--field: reason`).
pub fn cli_error(e: AppError) -> anyhow::Error {
    crate::errors::cli_error(
        e,
        &crate::errors::Words {
            flag_of: &crate::errors::flag,
            record: "client",
        },
    )
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
            at_risk,
        } => {
            let filter: ClientFilter = ClientListQuestion {
                status,
                owner,
                segment,
                q: search,
                page: Some(page),
                per_page: Some(per_page),
                sort: None,
                at_risk: Some(at_risk),
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
        ClientCommand::SetStatus { client, status } => {
            let found = store.find_client(ws.id, &client).await?.ok_or_else(|| {
                anyhow::anyhow!("no client {client:?} in workspace {:?}", ws.name)
            })?;
            let choice = churnwise_app::status::StatusChoice::parse(Some(&status))
                .map_err(|e| anyhow::anyhow!("status: {}", e.message))?
                .ok_or_else(|| anyhow::anyhow!("status: is required"))?;
            let updated = churnwise_app::status::set_status(
                store.as_ref(),
                ws.id,
                found.id,
                choice,
                &churnwise_app::audit::Actor::command_line(),
            )
            .await
            .map_err(cli_error)?;
            output::print_one(&updated, args.format)?;
        }
        ClientCommand::Flag { client, flags } => {
            let found = store.find_client(ws.id, &client).await?.ok_or_else(|| {
                anyhow::anyhow!("no client {client:?} in workspace {:?}", ws.name)
            })?;
            let flags = churnwise_domain::registry::WarningFlag::parse_list(&flags)
                .map_err(|e| anyhow::anyhow!("flags: {}", e.message))?;
            let patch = churnwise_store::ClientPatch {
                warning_flags: Some(flags),
                ..Default::default()
            };
            let updated = churnwise_app::clients::update_client(
                store.as_ref(),
                ws.id,
                found.id,
                patch,
                &churnwise_app::audit::Actor::command_line(),
            )
            .await
            .map_err(cli_error)?;
            output::print_one(&updated, args.format)?;
        }
        ClientCommand::PersonalData { client } => {
            let found = store.find_client(ws.id, &client).await?.ok_or_else(|| {
                anyhow::anyhow!("no client {client:?} in workspace {:?}", ws.name)
            })?;
            let actor = churnwise_app::audit::Actor::command_line();
            let data =
                churnwise_app::privacy::personal_data(store.as_ref(), ws.id, found.id, &actor)
                    .await
                    .map_err(cli_error)?;
            println!("{}", serde_json::to_string_pretty(&data)?);
        }
        ClientCommand::Erase { client, yes } => {
            if !yes {
                anyhow::bail!(
                    "--yes: erasing personal data cannot be undone; add --yes to confirm"
                );
            }
            let found = store.find_client(ws.id, &client).await?.ok_or_else(|| {
                anyhow::anyhow!("no client {client:?} in workspace {:?}", ws.name)
            })?;
            let actor = churnwise_app::audit::Actor::command_line();
            let summary = churnwise_app::privacy::erase(
                store.as_ref(),
                ws.id,
                found.id,
                &actor,
                "on request",
            )
            .await
            .map_err(cli_error)?;
            eprintln!(
                "erased client {}: {} contacts, {} interaction notes, {} cases, {} history entries",
                found.id,
                summary.contacts,
                summary.interactions,
                summary.cases,
                summary.history_entries
            );
        }
        ClientCommand::Add {
            name,
            external_id,
            status,
            owner,
            segment,
            keep_in_touch_days,
            notes,
            confirm_exclusivity,
        } => {
            let input = ClientInput {
                name,
                external_id,
                status,
                owner,
                segment,
                keep_in_touch_days,
                notes,
            };
            let settings = store.workspace_settings(ws.id).await?.value;
            let new = input.validate_with(&settings).map_err(cli_error)?;
            let stored = churnwise_app::exclusivity::store_new_client_checked(
                store.as_ref(),
                ws.id,
                new,
                confirm_exclusivity,
                chrono::Utc::now().date_naive(),
                &churnwise_app::audit::Actor::command_line(),
            )
            .await
            .map_err(cli_error)?;
            match stored {
                Ok(client) => output::print_one(&client, args.format)?,
                Err(conflicts) => {
                    let held: Vec<String> = conflicts
                        .iter()
                        .map(|x| format!("  {}", churnwise_app::exclusivity_warnings::describe(x)))
                        .collect();
                    anyhow::bail!(
                        "--confirm-exclusivity: {} (nothing was added)\n{}",
                        churnwise_app::exclusivity::conflict_message(&conflicts),
                        held.join("\n")
                    );
                }
            }
        }
    }
    Ok(())
}
