//! `churnwise`: client churn, end to end. One binary: the web server and
//! JSON API (`serve`), imports, metrics, exports and record commands.

mod backend;
mod commands;
mod demo;
mod demo_cases;
mod errors;
mod output;
mod settings;
mod workspace;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Client churn, end to end: keep every client in one place, see departures
/// coming, run them calmly, and measure churn with figures you can recompute.
///
/// Configuration is layered: built-in defaults, then `churnwise.toml` in the
/// current folder (or `--config FILE`), then environment variables, then
/// flags; each later layer wins.
#[derive(Debug, Parser)]
#[command(name = "churnwise", version, propagate_version = true)]
#[command(
    after_help = "Examples:\n  churnwise serve --demo\n  churnwise --database postgres://postgres@127.0.0.1/churnwise serve\n  churnwise import customers customers.csv"
)]
struct Cli {
    /// Database URL: `sqlite://FILE` (default `sqlite://churnwise.db`) or `postgres://…`.
    #[arg(long, global = true, env = "DATABASE_URL")]
    database: Option<String>,

    /// Configuration file (default: `churnwise.toml` when present).
    #[arg(long, global = true, env = "CHURNWISE_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Serve(commands::serve::ServeArgs),
    User(commands::user::UserArgs),
    Token(commands::token::TokenArgs),
    Import(commands::import::ImportArgs),
    Client(commands::client::ClientArgs),
    Interaction(commands::interaction::InteractionArgs),
    Case(Box<commands::case::CaseArgs>),
    Reasons(commands::reasons::ReasonsArgs),
    Export(commands::export::ExportArgs),
    Metrics(commands::metrics::MetricsArgs),
    Generate(commands::generate::GenerateArgs),
    Health(commands::health::HealthArgs),
    Due(commands::due::DueArgs),
    Digest(commands::digest::DigestArgs),
    Backup(commands::backup::BackupArgs),
    Subscription(commands::subscription::SubscriptionArgs),
    Contact(commands::contact::ContactArgs),
    Owner(commands::owner::OwnerArgs),
    Reminders(commands::reminders::RemindersArgs),
    Stripe(commands::stripe::StripeArgs),
    Report(commands::report::ReportArgs),
    Webhooks(commands::webhooks::WebhooksArgs),
    Work(commands::work::WorkArgs),
    Updates(commands::updates::UpdatesArgs),
}

/// mimalloc rather than the system allocator: glibc's per-thread arenas
/// kept the memory of the scheduler's first run over a 100,000-client
/// workspace (about 500 MB) long after it was freed; see
/// docs/benchmarks.md, "Server memory".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHURNWISE_LOG")
                .unwrap_or_else(|_| "info,sqlx=error,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, not in a log file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let file = settings::FileSettings::load(cli.config.as_deref())?;
    let database = settings::database_url(cli.database.as_deref(), &file);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let ctx = commands::Context { database, file };
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => commands::serve::run(&ctx, args).await,
            Command::User(args) => commands::user::run(&ctx, args).await,
            Command::Token(args) => commands::token::run(&ctx, args).await,
            Command::Import(args) => commands::import::run(&ctx, args).await,
            Command::Client(args) => commands::client::run(&ctx, args).await,
            Command::Interaction(args) => commands::interaction::run(&ctx, args).await,
            Command::Subscription(args) => commands::subscription::run(&ctx, args).await,
            Command::Contact(args) => commands::contact::run(&ctx, args).await,
            Command::Case(args) => commands::case::run(&ctx, *args).await,
            Command::Reasons(args) => commands::reasons::run(&ctx, args).await,
            Command::Export(args) => commands::export::run(&ctx, args).await,
            Command::Metrics(args) => commands::metrics::run(&ctx, args).await,
            Command::Generate(args) => commands::generate::run(&args),
            Command::Health(args) => commands::health::run(&ctx, args).await,
            Command::Due(args) => commands::due::run(&ctx, args).await,
            Command::Digest(args) => commands::digest::run(&ctx, args).await,
            Command::Reminders(args) => commands::reminders::run(&ctx, args).await,
            Command::Backup(args) => commands::backup::run(&ctx, args).await,
            Command::Owner(args) => commands::owner::run(&ctx, args).await,
            Command::Stripe(args) => commands::stripe::run(&ctx, args).await,
            Command::Report(args) => commands::report::run(&ctx, args).await,
            Command::Webhooks(args) => commands::webhooks::run(&ctx, args).await,
            Command::Work(args) => commands::work::run(&ctx, args).await,
            Command::Updates(args) => commands::updates::run(&ctx, args).await,
        }
    })
}
