-- The audit log (who changed what, when) and erased clients (SQLite).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id BIGINT,
    -- The client the entry concerns: erasing the client blanks the detail.
    client_id BIGINT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, id);
CREATE INDEX audit_log_by_client ON audit_log (workspace_id, client_id);

-- When the client's personal data was erased (none: never).
ALTER TABLE clients ADD COLUMN erased_at TEXT;
