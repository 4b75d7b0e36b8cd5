-- Issue 18: on SQLite this migration stores the daily usage totals in their
-- key's order (WITHOUT ROWID), so the health refresh reads a client's year
-- as one range. PostgreSQL keeps its heap and index; the number is kept so
-- both backends list the same migrations.
SELECT 1;
