-- The self-service cancel page (issue 17, spec/integrations.md §2). Per
-- workspace: its random public id (in the page's URL), the cancel secret
-- that signs links (sealed with the key kept outside the database), the
-- name shown to customers, an optional logo (PNG or JPEG, base64, at most
-- 200 KB) and the offers per departure reason (JSON; NULL until set, when
-- the reasons' suggestions apply). Each signed link opened is a session,
-- keyed by (customer, ts) so a second submit of the same link records
-- nothing twice; the A/B variant given to each customer per reason.
CREATE TABLE cancel_pages (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    public_id TEXT NOT NULL UNIQUE,
    secret_sealed TEXT,
    display_name TEXT,
    offers TEXT,
    logo_type TEXT,
    logo_base64 TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE cancel_sessions (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    customer TEXT NOT NULL,
    link_ts BIGINT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    opened_at TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    reason TEXT,
    words TEXT,
    decision TEXT,
    offer TEXT,
    variant TEXT,
    saved_mrr_cents BIGINT NOT NULL DEFAULT 0,
    case_id BIGINT,
    stripe_error TEXT,
    PRIMARY KEY (workspace_id, customer, link_ts)
);
CREATE INDEX cancel_sessions_by_opened ON cancel_sessions (workspace_id, opened_at);
CREATE TABLE cancel_variants (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    customer TEXT NOT NULL,
    reason TEXT NOT NULL,
    variant TEXT NOT NULL,
    PRIMARY KEY (workspace_id, customer, reason)
);
