-- Settings → Billing's "Sync now" and `churnwise stripe sync` (issue 15):
-- the Stripe sync of a workspace that runs or ran last, kept in the
-- database so that every server process shows it and only one runs per
-- workspace at a time. `claim` is the random token of the process that
-- runs it; times are Unix milliseconds (compared in SQL on both backends);
-- `beat_at` is the last sign of life (the start, then each page's
-- progress): a running claim whose beat is older than 30 minutes counts as
-- dead and may be taken over.
CREATE TABLE stripe_sync_jobs (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    claim TEXT NOT NULL,
    state TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    beat_at BIGINT NOT NULL,
    progress_kind TEXT,
    progress_read BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT,
    error TEXT
);
