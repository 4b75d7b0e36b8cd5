-- Stripe sync and webhooks (issue 15). One connection per workspace: the
-- public id of its webhook endpoint, the API key and webhook secret
-- encrypted with a key kept outside the database, and the last sync report
-- (JSON). Events applied (each once) and, per Stripe object, the `created`
-- of the last event applied to it (older events change nothing).
CREATE TABLE stripe_connections (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    endpoint_id TEXT NOT NULL UNIQUE,
    api_key_sealed TEXT,
    webhook_secret_sealed TEXT,
    last_sync TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE stripe_events (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, event_id)
);
CREATE TABLE stripe_objects (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    object_id TEXT NOT NULL,
    last_event_created BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, object_id)
);
