-- Early warning and keeping in touch (SQLite): warning signs on clients,
-- users' name and language, workspace settings, health scores, alerts, the
-- scheduler's leases and the digest deliveries.
ALTER TABLE clients ADD COLUMN warning_flags TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN name TEXT;
ALTER TABLE users ADD COLUMN lang TEXT;

CREATE TABLE workspace_settings (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The latest score of each client, with its signals as JSON.
CREATE TABLE health_scores (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    at_risk BOOLEAN NOT NULL,
    signals TEXT NOT NULL,
    computed_on DATE NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, client_id)
);

CREATE TABLE health_alerts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    score INTEGER NOT NULL,
    signals TEXT NOT NULL,
    raised_on DATE NOT NULL,
    raised_at TEXT NOT NULL,
    snoozed_until DATE,
    case_id INTEGER REFERENCES departure_cases(id) ON DELETE SET NULL,
    handled_by TEXT,
    resolved_at TEXT
);
CREATE INDEX health_alerts_by_status ON health_alerts (workspace_id, status);
-- One live alert per client: a crossing raises one alert, never two. An
-- alert turned into a case or resolved is no longer live.
CREATE UNIQUE INDEX health_alerts_one_live_per_client
    ON health_alerts (workspace_id, client_id)
    WHERE status IN ('open', 'acknowledged', 'snoozed');

-- A lease on a background job: only its holder runs it until it expires.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    -- Milliseconds since 1970-01-01 UTC (compares the same on both backends).
    expires_at BIGINT NOT NULL
);

-- One digest per user and day: the row is claimed before the email is sent
-- and marked sent after, so a resumed run never sends it twice.
CREATE TABLE digest_deliveries (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    run_on DATE NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    items INTEGER NOT NULL,
    error TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (workspace_id, user_id, run_on)
);
