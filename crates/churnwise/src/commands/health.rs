//! `churnwise health`: client health scores and the signals behind them.

use super::Context;
use crate::output::{self, Format, Tabular};
use chrono::Utc;
use churnwise_app::digest::signal_text;
use churnwise_app::early_warning::refresh;
use churnwise_domain::Lang;
use churnwise_store::{HealthFilter, StoredHealth};
use clap::Args;

/// Show client health scores (0–100) with every signal's contribution.
///
/// Scores are recomputed first (raising alerts for clients that crossed into
/// risk, exactly as the server's scheduler does), unless --no-refresh.
///
/// Example: churnwise health --at-risk --format json
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Only this client (id, external id or exact name).
    #[arg(long)]
    client: Option<String>,
    /// Only clients of this owner.
    #[arg(long)]
    owner: Option<String>,
    /// Only clients at risk.
    #[arg(long)]
    at_risk: bool,
    /// Also former clients' scores (computed before they left).
    #[arg(long)]
    include_former: bool,
    /// Show the stored scores without recomputing them.
    #[arg(long)]
    no_refresh: bool,
    /// Workspace (default: the only one).
    #[arg(long)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl Tabular for StoredHealth {
    fn headers() -> Vec<&'static str> {
        vec![
            "client_id",
            "client",
            "owner",
            "score",
            "at_risk",
            "reasons",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let reasons: Vec<String> = self
            .health
            .reasons()
            .iter()
            .map(|s| signal_text(Lang::En, s))
            .collect();
        vec![
            self.client.id.to_string(),
            self.client.name.clone(),
            self.client.owner.clone().unwrap_or_default(),
            self.health.score.to_string(),
            if self.health.at_risk { "yes" } else { "no" }.to_string(),
            reasons.join("; "),
        ]
    }
}

/// Runs `health`.
pub async fn run(ctx: &Context, args: HealthArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    if !args.no_refresh {
        let run = refresh(store.as_ref(), ws.id, Utc::now().date_naive()).await?;
        if !run.raised.is_empty() && args.format == Format::Table {
            eprintln!("{} new alert(s) raised", run.raised.len());
        }
    }
    let client = match &args.client {
        Some(reference) => Some(
            store
                .find_client(ws.id, reference)
                .await?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--client: no client {reference:?} in workspace {:?}",
                        ws.name
                    )
                })?
                .id,
        ),
        None => None,
    };
    let filter = HealthFilter {
        client,
        owner: args.owner.clone(),
        at_risk_only: args.at_risk,
        include_former: args.include_former,
        // The command prints the whole list, as a report.
        owner_spellings: vec![],
        window: None,
    };
    let scores = churnwise_app::owners::list_health(store.as_ref(), ws.id, &filter).await?;
    if client.is_some() && scores.is_empty() {
        anyhow::bail!(
            "--client: {:?} has no score (only active and leaving clients are scored)",
            args.client.unwrap_or_default()
        );
    }
    output::print(&scores, args.format)
}
