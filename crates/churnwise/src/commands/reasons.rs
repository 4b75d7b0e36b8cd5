//! `churnwise reasons …`: the workspace's list of departure reasons. Reasons
//! are added, renamed, retired and reinstated, never deleted, so the history
//! of past cases stays readable.

use super::Context;
use crate::errors::Words;
use crate::output::{self, Format, Tabular};
use churnwise_app::reasons::{change_reasons, ReasonChange};
use churnwise_app::AppError;
use churnwise_domain::reasons::{ExitReason, NewReasonInput, ReasonScope};
use clap::{Args, Subcommand};
use serde::Serialize;

/// Manage the departure reasons of a workspace.
#[derive(Debug, Args)]
pub struct ReasonsArgs {
    #[command(subcommand)]
    command: ReasonsCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum ReasonsCommand {
    /// List the reasons, retired ones included.
    ///
    /// Example: churnwise reasons list --format csv
    List,
    /// Add a reason.
    ///
    /// Example: churnwise reasons add slow_support --en "Support too slow" --es "Soporte demasiado lento" --quality
    Add {
        /// Stable key: lower-case letters, digits and _.
        key: String,
        /// English label.
        #[arg(long)]
        en: String,
        /// Spanish label.
        #[arg(long)]
        es: String,
        /// The reason is about the quality of the work (no testimonial is asked for).
        #[arg(long)]
        quality: bool,
        /// For which departures: leaving (default), ending or both.
        #[arg(long, default_value = "leaving")]
        applies_to: String,
    },
    /// Change a reason's labels (its key, and so history, stays).
    ///
    /// Example: churnwise reasons rename price_too_high --en "Price above the value we gave"
    Rename {
        /// The reason's key.
        key: String,
        /// New English label.
        #[arg(long)]
        en: Option<String>,
        /// New Spanish label.
        #[arg(long)]
        es: Option<String>,
    },
    /// Retire a reason: still shown in past cases, no longer choosable.
    ///
    /// Example: churnwise reasons retire budget_cut
    Retire {
        /// The reason's key.
        key: String,
    },
    /// Make a retired reason choosable again.
    ///
    /// Example: churnwise reasons reinstate budget_cut
    Reinstate {
        /// The reason's key.
        key: String,
    },
}

/// A reason as a row.
#[derive(Debug, Serialize)]
struct ReasonRow<'a>(&'a ExitReason);

impl Tabular for ReasonRow<'_> {
    fn headers() -> Vec<&'static str> {
        vec![
            "key",
            "label_en",
            "label_es",
            "quality_of_work",
            "applies_to",
            "retired",
        ]
    }

    fn cells(&self) -> Vec<String> {
        let r = self.0;
        let scope = match r.applies_to() {
            ReasonScope::ClientLeaving => "client_leaving",
            ReasonScope::TeamEnding => "team_ending",
            ReasonScope::Both => "both",
        };
        vec![
            r.key().to_string(),
            r.label_en().to_string(),
            r.label_es().to_string(),
            r.about_quality_of_work().to_string(),
            scope.to_string(),
            r.retired().to_string(),
        ]
    }
}

fn flag_error(e: AppError) -> anyhow::Error {
    let flag = |field: &str| match field {
        "label_en" => "--en".to_string(),
        "label_es" => "--es".to_string(),
        "key" => "KEY".to_string(),
        other => crate::errors::flag(other),
    };
    crate::errors::cli_error(
        e,
        &Words {
            flag_of: &flag,
            record: "reason",
        },
    )
}

/// Runs `reasons …`.
pub async fn run(ctx: &Context, args: ReasonsArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let (key, changes) = match args.command {
        ReasonsCommand::List => {
            let list = store.reason_list(ws.id).await?.value;
            let rows: Vec<ReasonRow> = list.all().iter().map(ReasonRow).collect();
            return output::print(&rows, args.format);
        }
        ReasonsCommand::Add {
            key,
            en,
            es,
            quality,
            applies_to,
        } => {
            let applies_to = match applies_to.trim() {
                "leaving" => ReasonScope::ClientLeaving,
                "ending" => ReasonScope::TeamEnding,
                "both" => ReasonScope::Both,
                other => anyhow::bail!("--applies-to: {other:?} is not leaving, ending or both"),
            };
            let input = NewReasonInput {
                key: Some(key),
                label_en: Some(en),
                label_es: Some(es),
                about_quality_of_work: quality,
                applies_to,
                playbook: None,
            };
            (None, vec![ReasonChange::Add(input)])
        }
        ReasonsCommand::Rename { key, en, es } => {
            if en.is_none() && es.is_none() {
                anyhow::bail!("--en or --es: give at least one new label");
            }
            (
                Some(key),
                vec![ReasonChange::Rename {
                    label_en: en,
                    label_es: es,
                }],
            )
        }
        ReasonsCommand::Retire { key } => (Some(key), vec![ReasonChange::Retired(true)]),
        ReasonsCommand::Reinstate { key } => (Some(key), vec![ReasonChange::Retired(false)]),
    };
    let view = change_reasons(
        store.as_ref(),
        ws.id,
        key.as_deref(),
        changes,
        &churnwise_app::audit::Actor::command_line(),
    )
    .await
    .map_err(flag_error)?;
    let rows: Vec<ReasonRow> = view.reasons.iter().map(ReasonRow).collect();
    output::print(&rows, args.format)
}
