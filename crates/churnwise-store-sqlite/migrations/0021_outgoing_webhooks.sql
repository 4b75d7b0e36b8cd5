-- Outgoing webhooks (issue 17, spec/integrations.md §3). Times are Unix
-- milliseconds (BIGINT) on both backends, so due deliveries and leases
-- compare as numbers.
--
-- webhook_endpoints: where to post, which events (stored as ",a,b," so one
-- LIKE finds the subscribers of a type), the language of Slack texts, and
-- the signing secret sealed with the key outside the database.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('signed', 'slack')),
    events TEXT NOT NULL,
    lang TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id, id);

-- The outbox: one row per event, written in the transaction of the change
-- (only when an endpoint of the workspace receives its type).
CREATE TABLE outbox_events (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    data TEXT NOT NULL
);

-- One delivery per event and endpoint; a lease (lease_until_ms) marks the
-- one being sent by some process.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES outbox_events(id) ON DELETE CASCADE,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    lease_until_ms BIGINT,
    last_status INTEGER,
    last_error TEXT,
    delivered_ms BIGINT,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_ms);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempted_ms BIGINT NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_by_workspace ON webhook_attempts (workspace_id, attempted_ms);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id);

-- invoice.overdue: an unpaid invoice is news once, the first time the
-- scheduler sees it past its due date. Invoices already overdue when this
-- migration runs are history: marked seen, no event.
ALTER TABLE invoices ADD COLUMN overdue_seen BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE invoices SET overdue_seen = TRUE WHERE paid_on IS NULL AND due_on < CURRENT_DATE;
