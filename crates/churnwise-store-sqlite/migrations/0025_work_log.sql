-- The work log (issue 16): what the team did for a client. The result
-- figure is kept exactly, in thousandths (12.5 % is 12500 with unit '%');
-- client_visible entries feed the client's updates and final report, the
-- others stay internal. Times are Unix milliseconds on both backends.
CREATE TABLE work_entries (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    done_on DATE NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    result_milli BIGINT,
    result_unit TEXT,
    link TEXT,
    who TEXT,
    who_user INTEGER REFERENCES users(id) ON DELETE SET NULL,
    client_visible BOOLEAN NOT NULL,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX work_entries_by_client ON work_entries (workspace_id, client_id, done_on);
