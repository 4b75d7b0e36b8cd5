-- Issue 18: each client's usage totals per metric and calendar month, kept
-- by triggers on every write to the daily totals (the ingest's and the
-- import's upsert, the pruning of old days). The usage signal reads a year:
-- the totals of the last 56 days and of the days before them. Summing 1,095
-- daily rows per client (three metrics) made recomputing the scores of
-- 100,000 clients with a year of usage take about three minutes; the signal
-- now reads the months that lie wholly inside the older part of the year
-- from here (about ten rows a metric) and only the days at its two edges
-- from the daily totals. `days` counts the daily rows of the month, so a
-- month whose days are all deleted loses its row.
CREATE TABLE usage_monthly (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    metric_key TEXT NOT NULL,
    month DATE NOT NULL,
    total BIGINT NOT NULL,
    days BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id, metric_key, month)
) WITHOUT ROWID;

INSERT INTO usage_monthly (workspace_id, client_id, metric_key, month, total, days)
SELECT workspace_id, client_id, metric_key, strftime('%Y-%m-01', day), SUM(total), COUNT(*)
FROM usage_daily GROUP BY workspace_id, client_id, metric_key, strftime('%Y-%m-01', day);

CREATE TRIGGER usage_daily_insert_adds_month AFTER INSERT ON usage_daily
BEGIN
    INSERT INTO usage_monthly (workspace_id, client_id, metric_key, month, total, days)
    VALUES (NEW.workspace_id, NEW.client_id, NEW.metric_key, strftime('%Y-%m-01', NEW.day),
            NEW.total, 1)
    ON CONFLICT (workspace_id, client_id, metric_key, month) DO UPDATE SET
        total = total + excluded.total, days = days + 1;
END;

-- A day's key never changes (the ingest and the imports only add to its
-- total, the pruning deletes it): refusing such an update keeps the month
-- totals right without a second copy of the delete and insert triggers.
CREATE TRIGGER usage_daily_key_is_fixed
BEFORE UPDATE OF workspace_id, client_id, metric_key, day ON usage_daily
WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.client_id IS NOT NEW.client_id
  OR OLD.metric_key IS NOT NEW.metric_key OR OLD.day IS NOT NEW.day
BEGIN
    SELECT RAISE(ABORT, 'a daily usage total keeps its client, metric and day');
END;

CREATE TRIGGER usage_daily_total_moves_month AFTER UPDATE OF total ON usage_daily
WHEN OLD.total IS NOT NEW.total
BEGIN
    UPDATE usage_monthly SET total = total - OLD.total + NEW.total
    WHERE workspace_id = NEW.workspace_id AND client_id = NEW.client_id
      AND metric_key = NEW.metric_key AND month = strftime('%Y-%m-01', NEW.day);
END;

CREATE TRIGGER usage_daily_delete_leaves_month AFTER DELETE ON usage_daily
BEGIN
    UPDATE usage_monthly SET total = total - OLD.total, days = days - 1
    WHERE workspace_id = OLD.workspace_id AND client_id = OLD.client_id
      AND metric_key = OLD.metric_key AND month = strftime('%Y-%m-01', OLD.day);
    DELETE FROM usage_monthly
    WHERE workspace_id = OLD.workspace_id AND client_id = OLD.client_id
      AND metric_key = OLD.metric_key AND month = strftime('%Y-%m-01', OLD.day) AND days = 0;
END;
