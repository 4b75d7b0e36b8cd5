-- Issue 18: each client's usage totals per metric and calendar month, kept
-- by statement-level triggers on every write to the daily totals (the
-- ingest's and the import's upsert, the pruning of old days), one grouped
-- statement per writing statement. The usage signal reads a year: the
-- totals of the last 56 days and of the days before them. Summing 1,095
-- daily rows per client (three metrics) for every score was the cost of
-- recomputing a workspace with a year of usage; the signal now reads the
-- months that lie wholly inside the older part of the year from here
-- (about ten rows a metric) and only the days at its two edges from the
-- daily totals. `days` counts the daily rows of the month, so a month whose
-- days are all deleted loses its row. No foreign keys, like usage_daily
-- (migration 0032).
CREATE TABLE usage_monthly (
    workspace_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    metric_key TEXT NOT NULL,
    month DATE NOT NULL,
    total BIGINT NOT NULL,
    days BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, client_id, metric_key, month)
);

INSERT INTO usage_monthly (workspace_id, client_id, metric_key, month, total, days)
SELECT workspace_id, client_id, metric_key, date_trunc('month', day)::date, SUM(total), COUNT(*)
FROM usage_daily GROUP BY 1, 2, 3, 4;

-- Adds the rows of `added` and takes away those of `removed` (an update
-- has both; an upsert that only adds to a day's total moves no day count).
CREATE FUNCTION apply_usage_monthly() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO usage_monthly AS t (workspace_id, client_id, metric_key, month, total, days)
        SELECT workspace_id, client_id, metric_key, date_trunc('month', day)::date,
               SUM(total), COUNT(*)
        FROM added GROUP BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, client_id, metric_key, month) DO UPDATE SET
            total = t.total + EXCLUDED.total, days = t.days + EXCLUDED.days;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        WITH delta AS (
            SELECT workspace_id, client_id, metric_key, month,
                   SUM(total) AS total, SUM(n) AS n FROM (
                SELECT workspace_id, client_id, metric_key,
                       date_trunc('month', day)::date AS month, total, 1 AS n FROM added
                UNION ALL
                SELECT workspace_id, client_id, metric_key,
                       date_trunc('month', day)::date, -total, -1 FROM removed) d
            GROUP BY 1, 2, 3, 4 HAVING SUM(total) <> 0 OR SUM(n) <> 0)
        INSERT INTO usage_monthly AS t (workspace_id, client_id, metric_key, month, total, days)
        SELECT workspace_id, client_id, metric_key, month, total, n FROM delta
        ON CONFLICT (workspace_id, client_id, metric_key, month) DO UPDATE SET
            total = t.total + EXCLUDED.total, days = t.days + EXCLUDED.days;
    ELSE
        UPDATE usage_monthly t SET total = t.total - r.total, days = t.days - r.n
        FROM (SELECT workspace_id, client_id, metric_key,
                     date_trunc('month', day)::date AS month, SUM(total) AS total, COUNT(*) AS n
              FROM removed GROUP BY 1, 2, 3, 4) r
        WHERE t.workspace_id = r.workspace_id AND t.client_id = r.client_id
          AND t.metric_key = r.metric_key AND t.month = r.month;
    END IF;
    DELETE FROM usage_monthly t USING (SELECT DISTINCT workspace_id, client_id, metric_key,
            date_trunc('month', day)::date AS month FROM removed) r
        WHERE t.workspace_id = r.workspace_id AND t.client_id = r.client_id
          AND t.metric_key = r.metric_key AND t.month = r.month AND t.days = 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER usage_daily_insert_adds_month AFTER INSERT ON usage_daily
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION apply_usage_monthly();

CREATE TRIGGER usage_daily_update_moves_month AFTER UPDATE ON usage_daily
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION apply_usage_monthly();

CREATE TRIGGER usage_daily_delete_leaves_month AFTER DELETE ON usage_daily
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION apply_usage_monthly();
