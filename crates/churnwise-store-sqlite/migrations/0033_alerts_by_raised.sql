-- Issue 14: the alert lists (the API, the Due page's "all" view) show the
-- newest live alerts first. With only the index by status, the 67,000 live
-- alerts of a 100,000-client workspace were all read and sorted for each
-- page of 200 (143 ms in SQLite); walking this index newest first stops
-- after the page (under 1 ms).
CREATE INDEX health_alerts_by_raised ON health_alerts (workspace_id, raised_on, id);
