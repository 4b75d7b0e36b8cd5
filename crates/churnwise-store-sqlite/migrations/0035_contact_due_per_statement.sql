-- Issue 14: on PostgreSQL this migration turns the contact due day's insert
-- triggers (migration 0031) into one grouped statement per writing
-- statement: each was a plpgsql call per inserted row, 0.5 ms a client on
-- an import. SQLite's row triggers run inside its own engine and stay; the
-- number is kept so both backends list the same migrations.
SELECT 1;
