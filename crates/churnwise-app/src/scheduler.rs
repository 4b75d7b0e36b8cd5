//! The background scheduler inside `churnwise serve`: every interval it
//! brings every client's status in line with its subscriptions and cases as
//! of the day (segments start and end on days nobody touches the client:
//! [`crate::status::refresh_workspace`], which writes only the statuses that
//! change, so running it at every tick is the daily pass and more, and
//! idempotent), recomputes the health scores of every workspace (raising alerts), erases
//! the personal data of former clients past the workspace's retention (see
//! [`crate::privacy::erase_former_clients`]; a client once erased is not
//! picked again, so running it at every tick is the daily pass and more), and
//! sends the day's digests once their hour has come, then the payment
//! reminders due (see [`crate::payment_reminders`]; each claimed once).
//!
//! Several server processes may share one database. Each tick first takes
//! the `scheduler` lease in the database (a row with a holder and an expiry,
//! see `Store::try_lease`); only its holder works, and it renews the lease at
//! every tick. When the holder dies, its lease runs out and another process
//! takes over; the digest deliveries claimed in the database make that
//! process send only what was not sent.

use crate::digest::{run_digests, DigestRun, SendMail};
use crate::early_warning::refresh;
use crate::payment_reminders::{run_reminders, ReminderRun};
use crate::privacy::erase_former_clients;
use crate::status::refresh_workspace;
use chrono::{DateTime, Utc};
use churnwise_store::Store;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// The name of the lease the scheduler takes.
pub const LEASE: &str = "scheduler";

/// How the scheduler runs.
#[derive(Clone)]
pub struct Scheduler {
    /// The database.
    pub store: Arc<dyn Store>,
    /// Sends the digests; none means no digests (scores and alerts still run).
    pub mailer: Option<Arc<dyn SendMail>>,
    /// This process's name on the lease (unique per process).
    pub holder: String,
    /// Time between ticks.
    pub interval: Duration,
}

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tick {
    /// False when another process holds the lease (nothing was done).
    pub ran: bool,
    /// Workspaces whose scores were recomputed.
    pub workspaces: u32,
    /// Alerts raised.
    pub alerts_raised: u32,
    /// Former clients whose personal data was erased by the retention rule.
    pub clients_erased: u32,
    /// The digests.
    pub digests: DigestRun,
    /// Expired sessions deleted.
    pub sessions_purged: u64,
    /// Clients whose status changed with the day (see [`crate::status`]).
    pub statuses_changed: u64,
    /// The payment reminders (issue 15).
    pub reminders: ReminderRun,
    /// Usage event ids forgotten, being older than any event still taken
    /// (issue 18).
    pub usage_ids_pruned: u64,
    /// Daily usage totals deleted, being more than two years old (issue 18).
    pub usage_days_pruned: u64,
}

impl Scheduler {
    /// The lease lasts a little longer than the interval, so the holder
    /// renews it before anyone else may take it.
    fn lease_ttl(&self) -> Duration {
        self.interval + Duration::from_secs(30)
    }

    /// One tick at `now`: takes (or renews) the lease, then does the work.
    pub async fn tick(&self, now: DateTime<Utc>) -> anyhow::Result<Tick> {
        if !self
            .store
            .try_lease(LEASE, &self.holder, now, self.lease_ttl())
            .await?
        {
            return Ok(Tick::default());
        }
        let mut tick = Tick {
            ran: true,
            ..Tick::default()
        };
        // Expired sessions are refused already; deleting them keeps the
        // table from growing with every sign-in ever made.
        tick.sessions_purged = self.store.purge_expired_sessions(now).await?;
        // Change marks behind the metrics cache's key fold into one per
        // workspace (the version they sum to stays the same).
        self.store.prune_data_versions().await?;
        // Shared rate-limit windows older than an hour are over.
        self.store
            .forget_request_counts(now.timestamp() - 3_600)
            .await?;
        let today = now.date_naive();
        tick.usage_ids_pruned = crate::usage::prune_event_ids(self.store.as_ref(), today).await?;
        tick.usage_days_pruned = crate::usage::prune_days(self.store.as_ref(), today).await?;
        for ws in self.store.list_workspaces().await? {
            tick.statuses_changed += refresh_workspace(self.store.as_ref(), ws.id, today).await?;
            let run = refresh(self.store.as_ref(), ws.id, today).await?;
            tick.workspaces += 1;
            let raised = u32::try_from(run.raised.len()).unwrap_or(u32::MAX);
            tick.alerts_raised = tick.alerts_raised.saturating_add(raised);
            // --- outhooks (issue 17): invoices first seen overdue today
            // become `invoice.overdue` events (see docs/webhooks.md).
            crate::outgoing_webhooks::mark_overdue(self.store.as_ref(), ws.id, now).await?;
            let erased = erase_former_clients(self.store.as_ref(), ws.id, today).await?;
            let erased = u32::try_from(erased.len()).unwrap_or(u32::MAX);
            tick.clients_erased = tick.clients_erased.saturating_add(erased);
        }
        if let Some(mailer) = &self.mailer {
            tick.digests = run_digests(self.store.as_ref(), mailer.as_ref(), now).await?;
            // --- reminders --- (issue 15: after the digests, so a reminder
            // sent today shows in tomorrow's digest)
            tick.reminders =
                run_reminders(self.store.as_ref(), Some(mailer.as_ref()), today, false).await?;
        }
        Ok(tick)
    }

    /// Runs ticks forever, one now and then one every interval; errors are
    /// logged and the next tick tries again.
    pub async fn run(self) {
        self.run_until(std::future::pending()).await;
    }

    /// Runs ticks, one now and then one every interval, until `stop`
    /// completes: a tick under way is finished first (a tick cut in the
    /// middle could leave a digest claimed but not sent), then the lease is
    /// released so another process may take over at once instead of
    /// waiting for it to expire.
    pub async fn run_until(self, stop: impl std::future::Future<Output = ()>) {
        let mut every = tokio::time::interval(self.interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                _ = every.tick() => {}
            }
            match self.tick(Utc::now()).await {
                Ok(t) if t.ran => tracing::info!(
                    workspaces = t.workspaces,
                    alerts_raised = t.alerts_raised,
                    clients_erased = t.clients_erased,
                    digests_sent = t.digests.sent,
                    digests_failed = t.digests.failed,
                    reminders_sent = t.reminders.sent,
                    "scheduler tick"
                ),
                Ok(_) => tracing::debug!("scheduler: another process holds the lease"),
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "scheduler tick failed"),
            }
        }
        match self.store.release_lease(LEASE, &self.holder).await {
            Ok(()) => tracing::info!(holder = %self.holder, "scheduler stopped; lease released"),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "scheduler stopped; the lease could not be released (it expires on its own)")
            }
        }
    }
}
