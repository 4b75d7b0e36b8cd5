//! `churnwise serve`: the web pages and JSON API.

use super::Context;
use clap::Args;
use std::net::SocketAddr;
use std::time::Duration;

/// Start the web server (pages and JSON API under /api/v1).
///
/// The database is created and migrated on first start. With `--demo`, an
/// empty database is first filled with a realistic demo workspace and a demo
/// account whose sign-in details are printed.
///
/// Example: churnwise serve --demo --lang es --port 8080
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CHURNWISE_BIND")]
    bind: Option<String>,
    /// Port to listen on.
    #[arg(long, env = "CHURNWISE_PORT")]
    port: Option<u16>,
    /// Fill an empty database with a demo workspace first.
    #[arg(long)]
    demo: bool,
    /// The language of the demo workspace's data and of the demo account
    /// (`en` or `es`; with --demo).
    #[arg(long, default_value = "en", value_parser = parse_lang, requires = "demo")]
    lang: churnwise_domain::Lang,
    /// Mark the session cookie Secure even without an HTTPS proxy header.
    #[arg(long, env = "CHURNWISE_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    secure_cookies: bool,
    /// Stripe's API base URL (default https://api.stripe.com).
    #[arg(long, env = "CHURNWISE_STRIPE_API_BASE")]
    stripe_api_base: Option<String>,
    /// The server runs behind a reverse proxy that appends the client's
    /// address to X-Forwarded-For: the public survey's rate limit and the
    /// sign-in throttle count that address, and X-Forwarded-Host counts as
    /// this server's name in the same-origin check (never set it
    /// otherwise: the headers can be forged).
    #[arg(long, env = "CHURNWISE_BEHIND_PROXY", value_parser = clap::builder::BoolishValueParser::new())]
    behind_proxy: bool,
    /// Do not run the background scheduler (health scores, alerts, digests)
    /// in this process.
    #[arg(long, env = "CHURNWISE_NO_SCHEDULER", value_parser = clap::builder::BoolishValueParser::new())]
    no_scheduler: bool,
    /// Seconds between scheduler runs (default 900).
    #[arg(long, env = "CHURNWISE_SCHEDULER_INTERVAL")]
    scheduler_interval: Option<u64>,
    /// Seconds between runs of the outgoing webhook deliveries (default 5;
    /// they run wherever the scheduler runs).
    #[arg(long, env = "CHURNWISE_WEBHOOK_INTERVAL")]
    webhook_interval: Option<u64>,
    /// The address people reach this server at (e.g. https://churn.example.com),
    /// used in the links of invitation emails; default: the request's host.
    #[arg(long, env = "CHURNWISE_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(flatten)]
    smtp: crate::settings::SmtpArgs,
}

/// A language code of `--lang`.
fn parse_lang(text: &str) -> Result<churnwise_domain::Lang, String> {
    churnwise_app::i18n::parse_code(text)
        .ok_or_else(|| format!("{text:?} is not a language churnwise speaks (en, es)"))
}

/// How long requests under way and the scheduler's current run may take to
/// finish after SIGTERM or SIGINT before the server stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Runs the server until SIGTERM or SIGINT (Ctrl-C), then stops gracefully:
/// no new connections, requests under way answered, the scheduler's run
/// finished and its lease released, exit status 0.
pub async fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    // Listen for the signals before anything else, so that a stop sent
    // while the server starts is not the default "die at once".
    let signals = StopSignals::install()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = move |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let store = ctx.store().await?;
    if args.demo {
        crate::demo::ensure_demo(store.as_ref(), args.lang).await?;
    }
    let bind = args
        .bind
        .or_else(|| ctx.file.bind.clone())
        .unwrap_or_else(|| "127.0.0.1".to_string());
    let port = args.port.or(ctx.file.port).unwrap_or(8080);
    let addr: SocketAddr = format!("{bind}:{port}")
        .parse()
        .map_err(|e| anyhow::anyhow!("--bind/--port: {bind}:{port} is not an address: {e}"))?;
    let scheduler_file = ctx.file.scheduler.as_ref();
    let scheduler_on = !args.no_scheduler && scheduler_file.and_then(|s| s.enabled).unwrap_or(true);
    let scheduler_task = if scheduler_on {
        let interval = args
            .scheduler_interval
            .or(scheduler_file.and_then(|s| s.interval_secs))
            .unwrap_or(900)
            .max(1);
        let scheduler = super::digest::scheduler(
            ctx,
            &args.smtp,
            store.clone(),
            Duration::from_secs(interval),
        )?;
        tracing::info!(
            interval_secs = interval,
            digests = scheduler.mailer.is_some(),
            holder = %scheduler.holder,
            "scheduler started"
        );
        Some(tokio::spawn(scheduler.run_until(stopped(stop_rx.clone()))))
    } else {
        None
    };
    // --- outhooks (issue 17): the outbox is delivered every few seconds,
    // by every process that runs a scheduler (each delivery is claimed once).
    let deliveries_task = if scheduler_on {
        let every = Duration::from_secs(args.webhook_interval.unwrap_or(5).max(1));
        let secrets = crate::settings::secret_key_source(&ctx.database);
        Some(tokio::spawn(
            churnwise_app::outgoing_webhooks::run_deliveries_until(
                store.clone(),
                secrets,
                every,
                stopped(stop_rx.clone()),
            ),
        ))
    } else {
        None
    };
    let nobody_yet = store.count_users().await? == 0;
    let mut state = churnwise_web::AppState::new(store);
    state.secure_cookies = args.secure_cookies || ctx.file.secure_cookies.unwrap_or(false);
    state.trust_forwarded_for = args.behind_proxy || ctx.file.behind_proxy.unwrap_or(false);
    // Invitations are emailed through the digest's SMTP server when one is set up.
    state.mailer = match crate::settings::smtp_settings(&args.smtp, &ctx.file)? {
        Some(settings) => Some(std::sync::Arc::new(churnwise_app::digest::SmtpMailer::new(
            &settings,
        )?)),
        None => None,
    };
    state.public_url = args.public_url.map(|u| u.trim_end_matches('/').to_string());
    state.uploads = crate::settings::upload_settings(&ctx.file);
    state.stripe = crate::commands::stripe::settings(ctx, args.stripe_api_base.clone());
    let app = churnwise_web::app(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!(database = %redact(&ctx.database), "churnwise listening on http://{}", listener.local_addr()?);
    if nobody_yet {
        // Said on stdout whatever the log level: the one thing a new user
        // needs to know to start.
        println!(
            "No account yet: open http://{}/ — the first visit opens the first-run page, where you create the owner account.",
            listener.local_addr()?
        );
    }
    tokio::spawn(async move {
        let name = signals.wait().await;
        tracing::info!(
            signal = name,
            "stopping: finishing requests under way and the scheduler's run"
        );
        let _ = stop_tx.send(true);
    });
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stopped(stop_rx.clone()));
    let grace_over = {
        let rx = stop_rx.clone();
        async move {
            stopped(rx).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        }
    };
    tokio::select! {
        served = server => served?,
        () = grace_over => tracing::warn!(
            "requests still under way after {} s; stopping anyway",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    if let Some(task) = scheduler_task {
        if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
            tracing::warn!(
                "the scheduler's run did not finish in time; its lease expires on its own"
            );
        }
    }
    if let Some(task) = deliveries_task {
        if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
            tracing::warn!("the webhook deliveries did not finish in time");
        }
    }
    tracing::info!("churnwise stopped");
    Ok(())
}

/// The signals that stop the server: SIGTERM (how systemd, Docker and
/// Kubernetes stop a service) and SIGINT (Ctrl-C).
struct StopSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// Completes on the first stop signal, with its name.
    async fn wait(self) -> &'static str {
        #[cfg(unix)]
        {
            let StopSignals { mut term, mut int } = self;
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// The database URL without a password, for logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_never_reach_the_log() {
        assert_eq!(
            super::redact("postgres://ana:secret@db/x"),
            "postgres://ana:***@db/x"
        );
        assert_eq!(
            super::redact("sqlite://churnwise.db"),
            "sqlite://churnwise.db"
        );
    }
}
