//! `churnwise serve`: the web pages and JSON API.

use super::Context;
use clap::Args;
use std::net::SocketAddr;

/// Start the web server (pages and JSON API under /api/v1).
///
/// The database is created and migrated on first start. With `--demo`, an
/// empty database is first filled with a realistic demo workspace and a demo
/// account whose sign-in details are printed.
///
/// Example: churnwise serve --demo --port 8080
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
    /// Mark the session cookie Secure even without an HTTPS proxy header.
    #[arg(long, env = "CHURNWISE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The server runs behind a reverse proxy that appends the client's
    /// address to X-Forwarded-For: the public survey's rate limit counts
    /// that address (never set it otherwise: the header can be forged).
    #[arg(long, env = "CHURNWISE_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Do not run the background scheduler (health scores, alerts, digests)
    /// in this process.
    #[arg(long, env = "CHURNWISE_NO_SCHEDULER")]
    no_scheduler: bool,
    /// Seconds between scheduler runs (default 900).
    #[arg(long, env = "CHURNWISE_SCHEDULER_INTERVAL")]
    scheduler_interval: Option<u64>,
    /// The address people reach this server at (e.g. https://churn.example.com),
    /// used in the links of invitation emails; default: the request's host.
    #[arg(long, env = "CHURNWISE_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(flatten)]
    smtp: crate::settings::SmtpArgs,
}

/// Runs the server until Ctrl-C.
pub async fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    if args.demo {
        crate::demo::ensure_demo(store.as_ref()).await?;
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
    if scheduler_on {
        let interval = args
            .scheduler_interval
            .or(scheduler_file.and_then(|s| s.interval_secs))
            .unwrap_or(900)
            .max(1);
        let scheduler = super::digest::scheduler(
            ctx,
            &args.smtp,
            store.clone(),
            std::time::Duration::from_secs(interval),
        )?;
        tracing::info!(
            interval_secs = interval,
            digests = scheduler.mailer.is_some(),
            holder = %scheduler.holder,
            "scheduler started"
        );
        tokio::spawn(scheduler.run());
    }
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
    let app = churnwise_web::app(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!(database = %redact(&ctx.database), "churnwise listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// The database URL without a password, for logs.
fn redact(url: &str) -> String {
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
