-- Issue 18: the daily usage totals stored in their key's order (a table
-- WITHOUT ROWID), so that a client's year of totals is one range of the
-- table. With a rowid table, the health refresh found each of a client's
-- 1,095 rows (three metrics, a year) in the key's index and then looked it
-- up in the table: with a year of usage for 100,000 clients (110M rows),
-- recomputing every score took 191 s. PostgreSQL keeps its heap and index
-- (migration 0036 is a no-op there).
CREATE TABLE usage_daily_clustered (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    metric_key TEXT NOT NULL,
    day DATE NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id, metric_key, day)
) WITHOUT ROWID;
INSERT INTO usage_daily_clustered (workspace_id, client_id, metric_key, day, total)
SELECT workspace_id, client_id, metric_key, day, total FROM usage_daily
ORDER BY workspace_id, client_id, metric_key, day;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_clustered RENAME TO usage_daily;
CREATE INDEX usage_daily_by_day ON usage_daily (workspace_id, day);
