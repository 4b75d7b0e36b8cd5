//! The background scheduler inside `churnwise serve`: every interval it
//! brings every client's status in line with its subscriptions and cases as
//! of the day (segments start and end on days nobody touches the client:
//! [`crate::status::refresh_workspace`], which writes only the statuses that
//! change, so running it at every tick is the daily pass and more, and
//! idempotent), recomputes the health scores of every workspace (raising
//! alerts; whole once a day, else only clients whose facts changed without a
//! rescore, see [`FullRuns`]), erases
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
use crate::early_warning::{refresh, refresh_clients};
use crate::payment_reminders::{run_reminders, ReminderRun};
use crate::privacy::erase_former_clients;
use crate::status::refresh_workspace;
use chrono::{DateTime, NaiveDate, Utc};
use churnwise_store::{HealthRunSummary, Store, WorkspaceId};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
    /// The day and settings version of this process's last full scoring of
    /// each workspace (see [`FullRuns`]).
    pub full_runs: FullRuns,
}

/// When this process last scored a whole workspace: scores move with the
/// calendar (silence grows every day) and with the workspace's settings,
/// so a workspace is scored whole at its first tick of a day or after its
/// settings changed; between those, a tick rescores only the clients whose
/// facts changed without a rescore (usage events, `Store::take_health_stale`),
/// since every other change rescores the clients it touched at once
/// (`follow::records_changed`, the case steps). Kept in memory: a process
/// that takes the lease over scores every workspace whole once.
#[derive(Debug, Clone, Default)]
pub struct FullRuns(Arc<Mutex<HashMap<WorkspaceId, (NaiveDate, i64)>>>);

impl FullRuns {
    fn is_current(&self, ws: WorkspaceId, mark: (NaiveDate, i64)) -> bool {
        self.0
            .lock()
            .map(|m| m.get(&ws) == Some(&mark))
            .unwrap_or(false)
    }

    fn record(&self, ws: WorkspaceId, mark: (NaiveDate, i64)) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(ws, mark);
        }
    }
}

/// How many stale clients a tick takes from the database at a time.
const STALE_BATCH: i64 = 10_000;

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tick {
    /// False when another process holds the lease (nothing was done).
    pub ran: bool,
    /// Workspaces whose scores were recomputed whole (their first tick of
    /// the day, or their settings changed).
    pub workspaces: u32,
    /// Clients rescored alone because their facts changed without a rescore.
    pub clients_rescored: u64,
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
            let run = self.score(ws.id, today, &mut tick).await?;
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

    /// Scores `ws` whole at its first tick of `today` or after its settings
    /// changed, else only its stale clients (see [`FullRuns`]).
    async fn score(
        &self,
        ws: WorkspaceId,
        today: NaiveDate,
        tick: &mut Tick,
    ) -> anyhow::Result<HealthRunSummary> {
        let store = self.store.as_ref();
        let mark = (today, store.workspace_settings(ws).await?.version);
        if !self.full_runs.is_current(ws, mark) {
            // Marks taken before the whole run are covered by it.
            while !store.take_health_stale(ws, STALE_BATCH).await?.is_empty() {}
            let run = refresh(store, ws, today).await?;
            self.full_runs.record(ws, mark);
            tick.workspaces += 1;
            return Ok(run);
        }
        let mut total = HealthRunSummary::default();
        loop {
            let stale = store.take_health_stale(ws, STALE_BATCH).await?;
            if stale.is_empty() {
                return Ok(total);
            }
            tick.clients_rescored += stale.len() as u64;
            let run = refresh_clients(store, ws, &stale, today).await?;
            total.scored += run.scored;
            total.raised.extend(run.raised);
            total.resolved += run.resolved;
            total.reopened += run.reopened;
        }
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
