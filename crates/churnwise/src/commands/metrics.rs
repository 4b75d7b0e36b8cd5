//! `churnwise metrics`: the figures of `spec/metrics.md` from files (fast
//! path of `churnwise-ingest`) or, without file flags, from the database;
//! printed as JSON, a readable table, or CSV.

use chrono::NaiveDate;
use churnwise_domain::{Money, Month};
use churnwise_ingest::{load_metrics_input, IngestError, InputFiles};
use churnwise_metrics::{compute, MetricsInput, MetricsOptions, MetricsReport, SurvivalBy};
use std::io::Write;
use std::path::PathBuf;

/// Output format of `churnwise metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The JSON document of spec/metrics.md.
    Json,
    /// A readable month table and the survival summary.
    Table,
    /// The month table as CSV.
    Csv,
}

/// Arguments of `churnwise metrics`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    about = "Churn, MRR movements, cohorts, survival and non-payment, month by month",
    after_help = "Examples:\n  \
churnwise metrics --customers customers.csv --subscriptions subscriptions.csv \\\n    \
--invoices invoices.csv --from 2023-01 --to 2024-12 --as-of 2024-12-31 --format table\n  \
churnwise metrics --from 2024-01 --to 2024-12 --format json   # from the database\n\n\
With --subscriptions the figures come from files only (--customers and\n\
--invoices are optional: without invoices the non-payment figures are null,\n\
without customers there are no owners). Any invalid row rejects the run:\n\
the first 20 problems are printed as file:line: column: reason."
)]
pub struct MetricsArgs {
    /// customers.csv (or .xlsx): customer_id, name, owner, segment.
    #[arg(long)]
    pub customers: Option<PathBuf>,
    /// subscriptions.csv (or .xlsx): one row per segment; turns on file mode.
    #[arg(long)]
    pub subscriptions: Option<PathBuf>,
    /// invoices.csv (or .xlsx): invoice_id, customer_id, amount, due_on, paid_on.
    #[arg(long)]
    pub invoices: Option<PathBuf>,
    /// First month, YYYY-MM.
    #[arg(long)]
    pub from: Month,
    /// Last month, YYYY-MM (included).
    #[arg(long)]
    pub to: Month,
    /// The day the figures are computed as of (default: today).
    #[arg(long, value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// Days after due_on before an unpaid invoice counts as unpaid.
    #[arg(long, default_value_t = churnwise_metrics::options::DEFAULT_GRACE_DAYS)]
    pub grace_days: u32,
    /// Monthly churn benchmark in percent; months above it are marked.
    #[arg(long, default_value_t = churnwise_metrics::options::DEFAULT_BENCHMARK_PCT)]
    pub benchmark: f64,
    /// Months of customers and MRR forecast after --to.
    #[arg(long, default_value_t = churnwise_metrics::options::DEFAULT_FORECAST_MONTHS)]
    pub forecast_months: u32,
    /// Survival split by segment, owner or plan, with the log-rank test of
    /// whether the groups differ.
    #[arg(long, value_parser = parse_survival_by, value_name = "segment|owner|plan")]
    pub survival_by: Option<SurvivalBy>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Workspace, in database mode (default: the only one).
    #[arg(long)]
    pub workspace: Option<String>,
}

fn parse_survival_by(text: &str) -> Result<SurvivalBy, String> {
    SurvivalBy::parse(text).ok_or_else(|| format!("{text:?} is not one of segment, owner, plan"))
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    churnwise_domain::parse_date(text).map_err(|e| e.to_string())
}

impl MetricsArgs {
    /// True when files are given (file mode), false for database mode.
    pub fn is_file_mode(&self) -> bool {
        self.subscriptions.is_some() || self.customers.is_some() || self.invoices.is_some()
    }

    /// The engine's options from the flags (`as_of` defaults to today).
    pub fn options(&self) -> MetricsOptions {
        MetricsOptions {
            from: self.from,
            to: self.to,
            as_of: self
                .as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            grace_days: self.grace_days,
            benchmark_pct: self.benchmark,
            forecast_months: self.forecast_months,
            survival_by: self.survival_by,
        }
    }
}

/// Runs the command: file mode when a file flag is given, else database mode.
pub async fn run(ctx: &super::Context, args: MetricsArgs) -> anyhow::Result<()> {
    if args.is_file_mode() {
        // File mode keeps the workbook and line bounds but not the row
        // bound: its memory grows with the rows by design.
        let limits = churnwise_ingest::ReadLimits {
            max_rows: u64::MAX,
            ..crate::settings::import_limits(&Default::default(), &ctx.file)
        };
        return run_files(&args, limits);
    }
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let options = args.options();
    options.validate()?;
    churnwise_app::bounds::check_metrics_options(&options)
        .map_err(|e| crate::errors::cli_error(e, &crate::errors::USUAL))?;
    let data = store.metrics_data(ws.id).await?;
    let input = churnwise_app::metrics::metrics_input(data);
    print_report(&input, &options, args.format)
}

/// Runs file mode: reads the files, computes, prints. Bad input: every
/// problem (first 20) and the count go to stderr, nothing is computed, and
/// the error makes the command exit non-zero.
pub fn run_files(args: &MetricsArgs, limits: churnwise_ingest::ReadLimits) -> anyhow::Result<()> {
    let options = args.options();
    options.validate()?;
    churnwise_app::bounds::check_metrics_options(&options)
        .map_err(|e| crate::errors::cli_error(e, &crate::errors::USUAL))?;
    let Some(subscriptions) = args.subscriptions.as_deref() else {
        anyhow::bail!("file mode needs --subscriptions (customers and invoices are optional)");
    };
    let files = InputFiles {
        customers: args.customers.as_deref(),
        subscriptions: Some(subscriptions),
        invoices: args.invoices.as_deref(),
        limits,
    };
    let input = match load_metrics_input(&files) {
        Ok(input) => input,
        Err(IngestError::Problems(problems)) => {
            eprintln!("{problems}");
            anyhow::bail!("the input files were rejected; nothing was computed");
        }
        Err(e) => return Err(e.into()),
    };
    print_report(&input, &options, args.format)
}

/// Computes and prints the report for an already loaded input (file mode
/// and database mode alike).
pub fn print_report(
    input: &MetricsInput,
    options: &MetricsOptions,
    format: Format,
) -> anyhow::Result<()> {
    let report = compute(input, options)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match format {
        Format::Json => serde_json::to_writer(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        Format::Table => write!(out, "{}", render_table(&report)),
        Format::Csv => write!(out, "{}", render_csv(&report)),
    };
    match written.and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::anyhow!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}

fn band(p: churnwise_metrics::BandPosition) -> &'static str {
    match p {
        churnwise_metrics::BandPosition::Below => "below",
        churnwise_metrics::BandPosition::Within => "within",
        churnwise_metrics::BandPosition::Above => "above",
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_string(), |p| format!("{p:.2}"))
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "–".to_string(), |m| m.to_string())
}

/// The month table, MRR movements, survival summary and forecast as text.
pub fn render_table(report: &MetricsReport) -> String {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
    let mut months = Table::new();
    months.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "Month",
        "Start",
        "New",
        "React.",
        "Churned",
        "End",
        "Churn %",
        "MRR start",
        "New MRR",
        "React. MRR",
        "Expansion",
        "Contraction",
        "Churned MRR",
        "Net new MRR",
        "MRR end",
        "ARPA",
        "Unpaid %",
    ]);
    for m in &report.months {
        let mark = if m.above_benchmark { " ▲" } else { "" };
        months.add_row(vec![
            m.month.to_string(),
            m.customers_start.to_string(),
            m.new_customers.to_string(),
            m.reactivated_customers.to_string(),
            m.churned_customers.to_string(),
            m.customers_end.to_string(),
            format!("{}{mark}", pct(m.churn_rate_pct)),
            m.mrr_start.to_string(),
            m.new_mrr.to_string(),
            m.reactivation_mrr.to_string(),
            m.expansion_mrr.to_string(),
            m.contraction_mrr.to_string(),
            m.churned_mrr.to_string(),
            m.net_new_mrr.to_string(),
            m.mrr_end.to_string(),
            money(m.arpa),
            pct(m.nonpayment_rate_pct),
        ]);
    }
    for i in 1..17 {
        if let Some(c) = months.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let s = &report.survival;
    let at = &s.survival_at_days;
    let mut text = format!(
        "{months}\n▲ churn above the {}% benchmark\n\nSurvival (first spells as of {}): {} subjects, {} events, median {}\n  still active after 30 days {:.1}%, 90 days {:.1}%, 180 days {:.1}%, 365 days {:.1}%\n",
        report.benchmark_churn_pct,
        report.as_of,
        s.subjects,
        s.events,
        s.median_days
            .map_or_else(|| "not reached".to_string(), |d| format!("{d} days")),
        at.d30 * 100.0,
        at.d90 * 100.0,
        at.d180 * 100.0,
        at.d365 * 100.0,
    );
    if let Some(by) = &report.survival_by {
        text.push_str(&render_survival_by(by));
    }
    let deviations: Vec<String> = report
        .months
        .iter()
        .filter_map(|m| {
            let d = m.forecast_deviation.as_ref()?;
            Some(format!(
                "  {}: customers {} band {:.0}–{:.0} (actual {}), MRR {} band {}–{} (actual {})",
                m.month,
                band(d.customers),
                d.customers_low,
                d.customers_high,
                m.customers_end,
                band(d.mrr),
                d.mrr_low,
                d.mrr_high,
                m.mrr_end
            ))
        })
        .collect();
    if !deviations.is_empty() {
        text.push_str("\nMonths outside their forecast band:\n");
        text.push_str(&deviations.join("\n"));
        text.push('\n');
    }
    if !report.forecast.is_empty() {
        let mut f = Table::new();
        f.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
            "Forecast",
            "Customers",
            "Low",
            "High",
            "MRR",
            "Low",
            "High",
        ]);
        for m in &report.forecast {
            f.add_row(vec![
                m.month.to_string(),
                format!("{:.0}", m.customers),
                format!("{:.0}", m.customers_low),
                format!("{:.0}", m.customers_high),
                m.mrr.to_string(),
                m.mrr_low.to_string(),
                m.mrr_high.to_string(),
            ]);
        }
        text.push_str(&format!("\n{f}\n"));
    }
    text
}

/// Survival by group as a table, with the log-rank test in words.
fn render_survival_by(by: &churnwise_metrics::SurvivalByReport) -> String {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        by.by.as_str(),
        "Subjects",
        "Events",
        "Median days",
        "30 d %",
        "90 d %",
        "180 d %",
        "365 d %",
    ]);
    for g in &by.groups {
        let at = &g.survival_at_days;
        t.add_row(vec![
            if g.group.is_empty() {
                "(none)".to_string()
            } else {
                g.group.clone()
            },
            g.subjects.to_string(),
            g.events.to_string(),
            g.median_days
                .map_or_else(|| "not reached".to_string(), |d| d.to_string()),
            format!("{:.1}", at.d30 * 100.0),
            format!("{:.1}", at.d90 * 100.0),
            format!("{:.1}", at.d180 * 100.0),
            format!("{:.1}", at.d365 * 100.0),
        ]);
    }
    let test = match &by.logrank {
        Some(l) => format!(
            "log-rank test: chi2 {:.4}, df {}, p-value {:.4}",
            l.chi2, l.df, l.p_value
        ),
        None => "log-rank test: needs at least two groups".to_string(),
    };
    format!("\nSurvival by {}:\n{t}\n{test}\n", by.by)
}

/// The month table as CSV, one column per month field of the JSON document.
pub fn render_csv(report: &MetricsReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "month",
        "customers_start",
        "customers_end",
        "new_customers",
        "reactivated_customers",
        "churned_customers",
        "churn_rate_pct",
        "mrr_start",
        "mrr_end",
        "new_mrr",
        "reactivation_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "net_new_mrr",
        "gross_mrr_churn_pct",
        "net_mrr_churn_pct",
        "arpa",
        "above_benchmark",
        "invoices_due",
        "amount_due",
        "amount_unpaid",
        "nonpayment_rate_pct",
    ];
    let opt = |p: Option<f64>| p.map_or_else(String::new, |p| p.to_string());
    let opt_money = |m: Option<Money>| m.map_or_else(String::new, |m| m.to_string());
    let result = (|| -> csv::Result<Vec<u8>> {
        w.write_record(header)?;
        for m in &report.months {
            w.write_record([
                m.month.to_string(),
                m.customers_start.to_string(),
                m.customers_end.to_string(),
                m.new_customers.to_string(),
                m.reactivated_customers.to_string(),
                m.churned_customers.to_string(),
                opt(m.churn_rate_pct),
                m.mrr_start.to_string(),
                m.mrr_end.to_string(),
                m.new_mrr.to_string(),
                m.reactivation_mrr.to_string(),
                m.expansion_mrr.to_string(),
                m.contraction_mrr.to_string(),
                m.churned_mrr.to_string(),
                m.net_new_mrr.to_string(),
                opt(m.gross_mrr_churn_pct),
                opt(m.net_mrr_churn_pct),
                opt_money(m.arpa),
                m.above_benchmark.to_string(),
                m.invoices_due.map_or_else(String::new, |n| n.to_string()),
                opt_money(m.amount_due),
                opt_money(m.amount_unpaid),
                opt(m.nonpayment_rate_pct),
            ])?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    })();
    String::from_utf8(result.expect("writing CSV to memory cannot fail"))
        .expect("the CSV of numbers and months is UTF-8")
}
