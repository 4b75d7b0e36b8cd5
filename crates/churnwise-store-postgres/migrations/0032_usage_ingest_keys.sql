-- Issue 18: the usage ingest writes about 30,000 rows per batch of 10,000
-- events (event ids, daily totals, rescoring marks). On PostgreSQL each
-- foreign key is a trigger run per inserted row that also locks the row it
-- points to: with the two keys of each table the batch took twice as long
-- as without. These rows are written only by the ingest, after the client
-- was looked up in the same workspace, and clients and workspaces are never
-- deleted (an erasure blanks personal data and keeps the rows), so the keys
-- guarded nothing the code does not. SQLite checks its keys far more
-- cheaply and keeps them.
ALTER TABLE usage_event_ids DROP CONSTRAINT usage_event_ids_workspace_id_fkey;
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_workspace_id_fkey;
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_client_id_fkey;
ALTER TABLE health_stale DROP CONSTRAINT health_stale_workspace_id_fkey;
ALTER TABLE health_stale DROP CONSTRAINT health_stale_client_id_fkey;
