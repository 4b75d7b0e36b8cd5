-- Issue 14: on PostgreSQL this migration computes the contact due day of
-- new clients and of clients with a new, earlier subscription from the
-- inserted rows alone. SQLite's row triggers (migration 0031) run inside its
-- own engine and stay; the number is kept so both backends list the same
-- migrations.
SELECT 1;
