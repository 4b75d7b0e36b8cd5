-- Client updates and "what else we do" (issue 16, docs/client-updates.md).
-- client_update_cadences: a client's own cadence (off, monthly, quarterly),
-- overriding its segment's default in the workspace settings.
-- client_updates: the updates sent (email) or downloaded and marked sent,
-- with the period they cover and the service suggested, if any.
-- services: the workspace's catalogue; name_key is the trimmed, lower-cased
-- name (computed in Rust), unique per workspace.
-- client_services: per client and service, whether it buys it, when it was
-- offered (an update's suggestion) and the answer (accepted, declined).
CREATE TABLE client_update_cadences (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    cadence TEXT NOT NULL,
    PRIMARY KEY (workspace_id, client_id)
);

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    active BOOLEAN NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX services_name_key ON services (workspace_id, name_key);

CREATE TABLE client_updates (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_on DATE NOT NULL,
    sent_by TEXT NOT NULL,
    channel TEXT NOT NULL,
    service_id INTEGER REFERENCES services(id) ON DELETE SET NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX client_updates_by_client ON client_updates (workspace_id, client_id, sent_on);

CREATE TABLE client_services (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    buys BOOLEAN NOT NULL,
    offered_on DATE,
    answer TEXT,
    answered_on DATE,
    PRIMARY KEY (workspace_id, client_id, service_id)
);
