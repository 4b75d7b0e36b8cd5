//! `churnwise subscription list|edit|end`: a client's subscription segments,
//! changed through `churnwise_app::record_edits` like the pages and the API.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::cases::CaseContext;
use churnwise_app::record_edits::{self, SubscriptionChange};
use churnwise_store::{Subscription, SubscriptionId};
use clap::{Args, Subcommand};
use serde_json::Value;

/// A client's subscription segments.
#[derive(Debug, Args)]
pub struct SubscriptionArgs {
    #[command(subcommand)]
    command: SubscriptionCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum SubscriptionCommand {
    /// List a client's segments, oldest first.
    ///
    /// Example: churnwise subscription list "Acme Ltd"
    List {
        /// Id, external id or name of the client.
        client: String,
    },
    /// Change the given fields of a segment (checked like a new one; it
    /// may not overlap another segment of the same subscription).
    ///
    /// Example: churnwise subscription edit "Acme Ltd" 12 --mrr 59.90 --plan Pro
    Edit {
        /// Id, external id or name of the client.
        client: String,
        /// Id of the segment (see `subscription list`).
        id: i64,
        /// New subscription id.
        #[arg(long = "ref")]
        subscription_ref: Option<String>,
        /// New plan ("" clears it).
        #[arg(long)]
        plan: Option<String>,
        /// New MRR, such as 49.90.
        #[arg(long, allow_hyphen_values = true)]
        mrr: Option<String>,
        /// New first day, YYYY-MM-DD.
        #[arg(long)]
        start: Option<String>,
        /// New end (first day it no longer counts), YYYY-MM-DD.
        #[arg(long, conflicts_with = "running")]
        end: Option<String>,
        /// The segment runs on (clears its end).
        #[arg(long)]
        running: bool,
        /// New notice period in days.
        #[arg(long)]
        notice_days: Option<i32>,
        /// New minimum term in months.
        #[arg(long)]
        minimum_term_months: Option<i32>,
    },
    /// End a segment: the first day it no longer counts.
    ///
    /// Example: churnwise subscription end "Acme Ltd" 12 --on 2024-06-01
    End {
        /// Id, external id or name of the client.
        client: String,
        /// Id of the segment.
        id: i64,
        /// First day it no longer counts, YYYY-MM-DD.
        #[arg(long)]
        on: String,
    },
}

impl Tabular for Subscription {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "client_id",
            "subscription_ref",
            "plan",
            "mrr",
            "started_on",
            "ended_on",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.client_id.to_string(),
            self.subscription_ref.clone(),
            opt(&self.plan),
            self.mrr.to_string(),
            self.started_on.to_string(),
            self.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        ]
    }
}

fn flag(field: &str) -> String {
    match field {
        "subscription_ref" => "--ref".to_string(),
        "started_on" => "--start".to_string(),
        "ended_on" => "--end".to_string(),
        "notice_period_days" => "--notice-days".to_string(),
        other => crate::errors::flag(other),
    }
}

/// Runs `subscription …`.
pub async fn run(ctx: &Context, args: SubscriptionArgs) -> anyhow::Result<()> {
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
        record: "subscription segment of this client",
    };
    let actor = churnwise_app::audit::Actor::command_line();
    let cx = CaseContext::for_user(store.as_ref(), ws.id, &actor.display)
        .map_err(|e| crate::errors::cli_error(e, &words))?;
    let changed = match args.command {
        SubscriptionCommand::List { client } => {
            let client = find(client).await?;
            let rows = store.list_subscriptions(ws.id, client.id).await?;
            return output::print(&rows, args.format);
        }
        SubscriptionCommand::Edit {
            client,
            id,
            subscription_ref,
            plan,
            mrr,
            start,
            end,
            running,
            notice_days,
            minimum_term_months,
        } => {
            let client = find(client).await?;
            let change = SubscriptionChange {
                subscription_ref,
                plan: plan.map(|p| Some(p).filter(|p| !p.trim().is_empty())),
                mrr: mrr.map(Value::String),
                started_on: start,
                ended_on: if running { Some(None) } else { end.map(Some) },
                notice_period_days: notice_days.map(Some),
                minimum_term_months: minimum_term_months.map(Some),
            };
            record_edits::update_subscription(&cx, client.id, SubscriptionId(id), change, &actor)
                .await
        }
        SubscriptionCommand::End { client, id, on } => {
            let client = find(client).await?;
            record_edits::end_subscription(&cx, client.id, SubscriptionId(id), Some(&on), &actor)
                .await
        }
    };
    let sub = changed.map_err(|e| crate::errors::cli_error(e, &words))?;
    output::print_one(&sub, args.format)
}
