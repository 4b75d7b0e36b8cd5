//! "Sync now" (Settings → Billing) and `churnwise stripe sync` as a job
//! kept in the database: one sync per workspace at a time across every
//! process, claimed with one conditional write; its progress (objects read,
//! written at most once a page) and its end (finished, or failed with the
//! reason) visible to any server process behind a proxy.
//!
//! A claim lives while its holder gives signs of life (the claim, then each
//! progress write); one silent for [`DEAD_AFTER`] counts as dead (its
//! process ended) and the next "Sync now" takes it over. The sync itself is
//! [`super::sync`]; the web adapter spawns [`run`] in the background after
//! [`claim`], the CLI calls [`sync_now`].

use super::{SyncProgress, SyncReport};
use crate::audit::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use churnwise_domain::FieldProblem;
use churnwise_store::{Store, StripeSyncJob, StripeSyncState, WorkspaceId};
use rand::RngCore;
use serde::Serialize;

use super::StripeSettings;

/// How long a running claim may stay silent before it counts as dead.
pub const DEAD_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(30);

/// Where the workspace's last sync is, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Running (and alive).
    Running,
    /// Ended with a report.
    Finished,
    /// Ended with an error.
    Failed,
    /// Claimed but silent for longer than [`DEAD_AFTER`]: its process
    /// ended without finishing; a new sync may start.
    Abandoned,
}

/// How far a running sync is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressView {
    /// `customers`, `subscriptions` or `invoices`.
    pub kind: String,
    /// Objects of that kind read so far.
    pub read: i64,
}

/// The workspace's running or last sync job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncJobView {
    /// Running, finished, failed or abandoned.
    pub state: JobState,
    /// Who started it.
    pub started_by: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Objects read so far (the kind read last), once a page was read.
    pub progress: Option<ProgressView>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed.
    pub error: Option<String>,
}

impl SyncJobView {
    /// True while the sync runs: no other may start.
    pub fn running(&self) -> bool {
        self.state == JobState::Running
    }

    fn of(job: StripeSyncJob, now: DateTime<Utc>) -> Self {
        let state = match job.state {
            StripeSyncState::Running if job.beat_at < now - DEAD_AFTER => JobState::Abandoned,
            StripeSyncState::Running => JobState::Running,
            StripeSyncState::Finished => JobState::Finished,
            StripeSyncState::Failed => JobState::Failed,
        };
        SyncJobView {
            state,
            started_by: job.started_by,
            started_at: job.started_at,
            progress: job.progress_kind.map(|kind| ProgressView {
                kind,
                read: job.progress_read,
            }),
            finished_at: job.finished_at,
            error: job.error,
        }
    }
}

/// The running or last sync job of `ws` as of `now`, if one ever ran.
pub async fn job_view(
    store: &dyn Store,
    ws: WorkspaceId,
    now: DateTime<Utc>,
) -> AppResult<Option<SyncJobView>> {
    Ok(store
        .stripe_sync_job(ws)
        .await?
        .map(|job| SyncJobView::of(job, now)))
}

/// The right to run the sync of one workspace, held until [`run`] ends it.
#[derive(Debug)]
pub struct SyncClaim {
    ws: WorkspaceId,
    token: String,
    started_at: DateTime<Utc>,
}

impl SyncClaim {
    /// The workspace claimed.
    pub fn workspace(&self) -> WorkspaceId {
        self.ws
    }
}

/// Claims the sync of `ws` for `actor` at `now`. Refused with `Invalid`
/// naming `api_key` when no key is set, and with `Conflict` naming `sync`
/// while another sync of `ws` runs (in this process or another).
pub async fn claim(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<SyncClaim> {
    let has_key = store
        .stripe_connection(ws)
        .await?
        .is_some_and(|c| c.api_key_sealed.is_some());
    if !has_key {
        return Err(AppError::Invalid(vec![FieldProblem::new(
            "api_key",
            "no Stripe API key is set (Settings → Billing, or PUT /api/v1/integrations/stripe)",
        )]));
    }
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    if store
        .claim_stripe_sync(ws, &token, &actor.display, now, now - DEAD_AFTER)
        .await?
    {
        return Ok(SyncClaim {
            ws,
            token,
            started_at: now,
        });
    }
    let running = store.stripe_sync_job(ws).await?;
    let since = running.map_or_else(String::new, |job| {
        format!(
            " (started {} by {})",
            job.started_at.format("%Y-%m-%d %H:%M UTC"),
            job.started_by
        )
    });
    Err(AppError::Conflict(FieldProblem::new(
        "sync",
        format!(
            "a Stripe sync of this workspace is already running{since}; try again when it has ended"
        ),
    )))
}

/// The reason a failed sync shows: the problem as the sync worded it, never
/// internals (those go to the log).
fn failure_text(error: &AppError) -> String {
    match error {
        AppError::Invalid(problems) => problems
            .iter()
            .map(|p| match p.field.as_str() {
                "stripe" => p.message.clone(),
                field => format!("{field}: {}", p.message),
            })
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Internal(e) => {
            tracing::error!(error = ?e, "the Stripe sync failed inside");
            "an internal error stopped the sync (the server's log has the details)".to_string()
        }
        other => other.to_string(),
    }
}

/// Runs the claimed sync to its end as `actor`: progress is written to
/// the database once a page (and handed to `also`), then the end, finished
/// or failed with its reason. Answers the sync's own result.
pub async fn run(
    store: &dyn Store,
    settings: &StripeSettings,
    claim: SyncClaim,
    actor: &Actor,
    also: &(dyn Fn(SyncProgress) + Send + Sync),
) -> AppResult<SyncReport> {
    let (tx, mut rx) = tokio::sync::watch::channel::<Option<SyncProgress>>(None);
    let ws = claim.ws;
    let token = claim.token.as_str();
    let work = async move {
        let result = {
            let tell = |p: SyncProgress| {
                also(p);
                tx.send_replace(Some(p));
            };
            super::sync(store, settings, ws, claim.started_at, &tell, actor).await
        };
        drop(tx);
        result
    };
    // The progress writer: the latest progress once a page at most (pages
    // read while a write is under way are folded into the next one).
    let writer = async move {
        let mut written: Option<SyncProgress> = None;
        let write = |p: SyncProgress| async move {
            let read = i64::try_from(p.read).unwrap_or(i64::MAX);
            match store
                .stripe_sync_progress(ws, token, p.kind, read, Utc::now())
                .await
            {
                Ok(true) => {}
                Ok(false) => tracing::warn!("the Stripe sync's claim was taken over"),
                Err(e) => tracing::warn!(error = %e, "the Stripe sync's progress was not written"),
            }
        };
        while rx.changed().await.is_ok() {
            let latest = *rx.borrow_and_update();
            if let Some(p) = latest {
                write(p).await;
                written = Some(p);
            }
        }
        let latest = *rx.borrow();
        if let Some(p) = latest.filter(|p| Some(*p) != written) {
            write(p).await;
        }
    };
    let (result, ()) = tokio::join!(work, writer);
    let error = result.as_ref().err().map(failure_text);
    match store
        .finish_stripe_sync(ws, token, error.as_deref(), Utc::now())
        .await
    {
        Ok(true) => {}
        Ok(false) => tracing::warn!("the Stripe sync ended after its claim was taken over"),
        Err(e) => tracing::error!(error = %e, "the end of the Stripe sync was not written"),
    }
    result
}

/// Claims and runs the sync of `ws` now, in the caller's task (the CLI):
/// refused like [`claim`] while another runs.
pub async fn sync_now(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    now: DateTime<Utc>,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
    actor: &Actor,
) -> AppResult<SyncReport> {
    let claimed = claim(store, ws, actor, now).await?;
    run(store, settings, claimed, actor, progress).await
}

/// Claims the sync of `ws` for `actor` at `now` (refused as [`claim`] is)
/// and runs it in the background on the tokio runtime; its progress and end
/// are written by the job ([`job_view`] shows them). Used by "Sync now" and
/// `POST /api/v1/integrations/stripe/sync`.
pub async fn start_in_background(
    store: std::sync::Arc<dyn Store>,
    settings: StripeSettings,
    ws: WorkspaceId,
    actor: Actor,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let claim = claim(store.as_ref(), ws, &actor, now).await?;
    tokio::spawn(async move {
        // The end, finished or failed, is written by the job itself.
        let _ = run(store.as_ref(), &settings, claim, &actor, &|_| {}).await;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(state: StripeSyncState, beat_minutes_ago: i64, now: DateTime<Utc>) -> StripeSyncJob {
        StripeSyncJob {
            state,
            started_by: "Ana".into(),
            started_at: now - chrono::TimeDelta::minutes(40),
            beat_at: now - chrono::TimeDelta::minutes(beat_minutes_ago),
            progress_kind: Some("customers".into()),
            progress_read: 300,
            finished_at: None,
            error: None,
        }
    }

    #[test]
    fn a_running_claim_silent_for_thirty_minutes_shows_as_abandoned() {
        let now = Utc::now();
        let alive = SyncJobView::of(job(StripeSyncState::Running, 29, now), now);
        assert_eq!(alive.state, JobState::Running);
        assert!(alive.running());
        assert_eq!(
            alive.progress,
            Some(ProgressView {
                kind: "customers".into(),
                read: 300
            })
        );
        let dead = SyncJobView::of(job(StripeSyncState::Running, 31, now), now);
        assert_eq!(dead.state, JobState::Abandoned);
        assert!(!dead.running());
        let failed = SyncJobView::of(job(StripeSyncState::Failed, 31, now), now);
        assert_eq!(failed.state, JobState::Failed);
    }

    #[test]
    fn a_failure_shows_the_syncs_words_and_hides_internals() {
        let stripe = super::super::api::failure("customers", "Stripe answered 401");
        assert_eq!(failure_text(&stripe), "customers: Stripe answered 401");
        let key = AppError::field("api_key", "no Stripe API key is set");
        assert_eq!(failure_text(&key), "api_key: no Stripe API key is set");
        let inside = AppError::Internal(anyhow::anyhow!("password=hunter2 in a DSN"));
        assert!(!failure_text(&inside).contains("hunter2"));
    }
}
