//! `churnwise webhooks`: the outgoing webhook endpoints of a workspace and
//! the delivery log (issue 17), through `churnwise_app::outgoing_webhooks`.

use super::Context;
use crate::errors::{cli_error, flag, Words};
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::outgoing_webhooks::{self as hooks, EndpointView, LogEntryView};
use clap::{Args, Subcommand};

/// Outgoing webhooks: the endpoints and every delivery attempt.
///
/// Example: churnwise webhooks deliveries --endpoint 3 --limit 20 --format json
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    command: WebhooksCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
}

#[derive(Debug, Subcommand)]
enum WebhooksCommand {
    /// The endpoints (never their secrets), oldest first.
    List {
        /// Page, from 1.
        #[arg(long)]
        page: Option<u32>,
        /// Endpoints per page (1–500, default 50).
        #[arg(long)]
        per_page: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The delivery log: each attempt, newest first.
    Deliveries {
        /// Lines to show (1–500, default 500).
        #[arg(long)]
        limit: Option<u32>,
        /// Lines to skip (default 0).
        #[arg(long)]
        offset: Option<u32>,
        /// Only the attempts to this endpoint (its id, see `webhooks list`).
        #[arg(long)]
        endpoint: Option<i64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

impl Tabular for EndpointView {
    fn headers() -> Vec<&'static str> {
        vec!["id", "url", "kind", "events", "lang", "insecure", "created"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.url.clone(),
            self.kind.clone(),
            self.events.join(" "),
            self.lang.clone(),
            self.insecure.to_string(),
            self.created.clone(),
        ]
    }
}

impl Tabular for LogEntryView {
    fn headers() -> Vec<&'static str> {
        vec![
            "attempted",
            "event_type",
            "event_id",
            "url",
            "status_code",
            "duration_ms",
            "state",
            "next_attempt",
            "error",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.attempted.clone(),
            self.event_type.clone(),
            self.event_id.clone(),
            self.url.clone(),
            opt(&self.status_code),
            self.duration_ms.to_string(),
            self.state.clone(),
            opt(&self.next_attempt),
            opt(&self.error),
        ]
    }
}

/// Runs `webhooks`.
pub async fn run(ctx: &Context, args: WebhooksArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    match args.command {
        WebhooksCommand::List {
            page,
            per_page,
            format,
        } => {
            let found = hooks::list_endpoints(store.as_ref(), ws.id, page, per_page)
                .await
                .map_err(|e| cli_error(e, &crate::errors::USUAL))?;
            output::print(&found.items, format)?;
            if format == Format::Table {
                eprintln!(
                    "page {} of {} endpoint(s), {} per page",
                    found.page, found.total, found.per_page
                );
            }
        }
        WebhooksCommand::Deliveries {
            limit,
            offset,
            endpoint,
            format,
        } => {
            let words = Words {
                flag_of: &flag,
                record: "endpoint (--endpoint)",
            };
            let window = hooks::delivery_log_window(store.as_ref(), ws.id, endpoint, limit, offset)
                .await
                .map_err(|e| cli_error(e, &words))?;
            output::print(&window.items, format)?;
            if format == Format::Table {
                eprintln!(
                    "{} of {} attempt(s) from offset {}",
                    window.items.len(),
                    window.total,
                    window.offset
                );
            }
        }
    }
    Ok(())
}
