-- Imports from the browser and the API (issue 12, helper "import"): one row
-- per uploaded file, so that its progress is visible from any server
-- process, and the column mappings people chose, per workspace, kind and
-- set of headers, applied again to the next file with the same headers.
CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    upload_path TEXT NOT NULL,
    state TEXT NOT NULL,
    rows_done BIGINT NOT NULL DEFAULT 0,
    rows_total BIGINT NOT NULL DEFAULT 0,
    mapping TEXT,
    summary TEXT,
    problems TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX import_jobs_by_workspace ON import_jobs (workspace_id, id);
CREATE TABLE import_mappings (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    headers TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, kind, headers)
);
