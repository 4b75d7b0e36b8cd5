//! `churnwise due`: the due list.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use chrono::Utc;
use churnwise_app::digest::due_text;
use churnwise_app::early_warning::{due_lists, DueEntry};
use churnwise_domain::parse_date;
use churnwise_domain::Lang;
use clap::Args;

/// The due list: clients due for a contact (last contact older than their
/// keep-in-touch interval), retention promises, corrective actions and
/// win-back follow-ups that are due, most overdue first. Clients held back
/// by the maximum contact frequency are left out (their number is said).
///
/// Example: churnwise due --owner ana --format json
#[derive(Debug, Args)]
pub struct DueArgs {
    /// Only this owner's work (client owner or action assignee; name or email).
    #[arg(long)]
    owner: Option<String>,
    /// The day, YYYY-MM-DD (default today).
    #[arg(long)]
    on: Option<String>,
    /// Also former clients due for a contact (left out by default).
    #[arg(long)]
    include_former: bool,
    /// Workspace (default: the only one).
    #[arg(long)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Tabular for DueEntry {
    fn headers() -> Vec<&'static str> {
        vec![
            "days_overdue",
            "kind",
            "client",
            "owner",
            "case_id",
            "due_on",
            "what",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.days_overdue.to_string(),
            self.kind.as_str().to_string(),
            self.client_name.clone(),
            self.assignee
                .clone()
                .or_else(|| self.owner.clone())
                .unwrap_or_default(),
            opt(&self.case_id),
            self.due_on.to_string(),
            due_text(Lang::En, self),
        ]
    }
}

/// Runs `due`.
pub async fn run(ctx: &Context, args: DueArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let on = match &args.on {
        Some(text) => parse_date(text).map_err(|e| anyhow::anyhow!("--on: {e}"))?,
        None => Utc::now().date_naive(),
    };
    let lists = due_lists(
        store.as_ref(),
        ws.id,
        on,
        args.owner.as_deref(),
        args.include_former,
    )
    .await?;
    let entries = lists.due;
    output::print(&entries, args.format)?;
    if args.format == Format::Table && entries.is_empty() {
        eprintln!("nothing due");
    }
    if args.format == Format::Table && !lists.held_back.is_empty() {
        // Issue 16: due for a contact but contacted as often as allowed.
        eprintln!(
            "{} held back: contacted as often as their segment allows (GET /api/v1/due-list/held-back)",
            lists.held_back.len()
        );
    }
    Ok(())
}
