-- Issue 18: on PostgreSQL this migration drops the foreign keys of the
-- usage ingest's tables (usage_event_ids, usage_daily, health_stale), each a
-- per-row trigger there. SQLite checks its keys cheaply and keeps them; the
-- number is kept so both backends list the same migrations.
SELECT 1;
