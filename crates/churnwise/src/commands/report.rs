//! `churnwise report who-leaves` (issue #16, first part): survival by
//! segment, owner and plan from the workspace's data, each with the log-rank
//! test and its verdict in words — the same use case as
//! `GET /api/v1/reports/who-leaves`.

use super::Context;
use churnwise_app::metrics::{MetricsCache, MetricsQuestion};
use churnwise_app::who_leaves::{review, WhoLeaves};
use churnwise_domain::Lang;
use clap::{Args, Subcommand, ValueEnum};

/// Reports on the workspace's clients.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Which kinds of client leave: survival by segment, owner and plan,
    /// with the log-rank test of whether the groups really differ.
    ///
    /// Example: churnwise report who-leaves --from 2024-01 --to 2024-12 --lang es
    WhoLeaves(WhoLeavesArgs),
}

/// Output of `report who-leaves`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Each grouping's groups and the verdict, as text.
    Table,
    /// The same document as the API.
    Json,
}

#[derive(Debug, Args)]
struct WhoLeavesArgs {
    /// First month, YYYY-MM.
    #[arg(long)]
    from: String,
    /// Last month, YYYY-MM (included).
    #[arg(long)]
    to: String,
    /// The day survival is taken as of, YYYY-MM-DD (default today).
    #[arg(long)]
    as_of: Option<String>,
    /// Language of the verdicts: en or es.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
    /// Workspace (default: the only one).
    #[arg(long)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    churnwise_app::i18n::parse_code(text).ok_or_else(|| format!("{text:?} is not en or es"))
}

/// Runs `churnwise report …`.
pub async fn run(ctx: &Context, args: ReportArgs) -> anyhow::Result<()> {
    let ReportCommand::WhoLeaves(args) = args.command;
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let question = MetricsQuestion {
        from: Some(args.from),
        to: Some(args.to),
        as_of: args.as_of,
        ..MetricsQuestion::default()
    };
    let doc = review(
        store.as_ref(),
        &MetricsCache::new(0),
        ws.id,
        question,
        chrono::Local::now().date_naive(),
        args.lang,
    )
    .await
    .map_err(|e| crate::errors::cli_error(e, &crate::errors::USUAL))?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string(&doc)?),
        Format::Table => print!("{}", text(&doc)),
    }
    Ok(())
}

/// The review as text: per grouping, one line per group and the verdict.
fn text(doc: &WhoLeaves) -> String {
    let mut out = format!("Who leaves (survival as of {})\n", doc.as_of);
    for d in &doc.dimensions {
        out.push_str(&format!("\nBy {}:\n", d.survival.by));
        for g in &d.survival.groups {
            let name = if g.group.is_empty() {
                "(none)"
            } else {
                g.group.as_str()
            };
            out.push_str(&format!(
                "  {name}: {} clients, {} left, median {}, still active after 365 days {:.1}%\n",
                g.subjects,
                g.events,
                g.median_days
                    .map_or_else(|| "not reached".to_string(), |m| format!("{m} days")),
                g.survival_at_days.d365 * 100.0
            ));
        }
        match (&d.survival.logrank, &d.verdict) {
            (Some(l), Some(v)) => out.push_str(&format!(
                "  {v} (log-rank chi2 {:.3}, df {}, p {:.4})\n",
                l.chi2, l.df, l.p_value
            )),
            _ => out.push_str("  (one group: nothing to compare)\n"),
        }
    }
    let p = &doc.period;
    out.push_str(&format!(
        "\nKept and lost, {} to {} (clients active on {}, lost when no longer active on {})\n",
        p.from, p.to, p.start, p.end
    ));
    for d in &p.dimensions {
        out.push_str(&format!("\nBy {}:\n", d.by.as_str()));
        out.push_str(&format!(
            "  {:<32} {:>8} {:>8} {:>8} {:>8} {:>14}  top reasons | let go\n",
            "group", "at start", "kept", "lost", "churn", "lost MRR"
        ));
        for g in &d.groups {
            let reasons: Vec<String> = g
                .top_reasons
                .iter()
                .map(|r| format!("{} ({})", r.reason, r.count))
                .collect();
            let mut fired: Vec<String> = g
                .fired
                .iter()
                .map(|f| {
                    if f.warning_flags.is_empty() {
                        f.name.clone()
                    } else {
                        format!("{} [{}]", f.name, f.warning_flags.join(", "))
                    }
                })
                .collect();
            if g.fired_count > g.fired.len() as u64 {
                fired.push(format!("+{}", g.fired_count - g.fired.len() as u64));
            }
            out.push_str(&format!(
                "  {:<32} {:>8} {:>8} {:>8} {:>8} {:>14}  {} | {}\n",
                g.label,
                g.clients_at_start,
                g.kept,
                g.lost,
                g.churn_rate_pct
                    .map_or_else(|| "-".to_string(), |c| format!("{c:.1}%")),
                format!(
                    "{}.{:02}",
                    g.lost_mrr_cents / 100,
                    (g.lost_mrr_cents % 100).abs()
                ),
                if reasons.is_empty() {
                    "-".to_string()
                } else {
                    reasons.join("; ")
                },
                if fired.is_empty() {
                    "-".to_string()
                } else {
                    fired.join("; ")
                },
            ));
        }
    }
    out
}
