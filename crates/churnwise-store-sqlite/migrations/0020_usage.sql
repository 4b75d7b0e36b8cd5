-- Usage (issue 18): how each client uses the service. Per workspace, the
-- usage metrics (created on first sight of a new key, label = key and
-- higher-is-better, then named and turned around by a manager); the daily
-- totals per client, metric and day (events are summed into them, raw
-- events are not kept); and the ids of the events sent with one, only so
-- that an event sent again counts once (with the day of the event; they
-- are not pruned yet, see docs/usage.md).
CREATE TABLE usage_metrics (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    label_en TEXT NOT NULL,
    label_es TEXT NOT NULL,
    higher_is_better BOOLEAN NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
CREATE TABLE usage_daily (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    metric_key TEXT NOT NULL,
    day DATE NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id, metric_key, day)
);
CREATE INDEX usage_daily_by_day ON usage_daily (workspace_id, day);
CREATE TABLE usage_event_ids (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    day DATE NOT NULL,
    PRIMARY KEY (workspace_id, event_id)
);
