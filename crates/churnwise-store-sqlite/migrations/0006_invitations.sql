-- Invitations to a workspace (issue 11, members): nobody is attached to a
-- workspace until they accept. The token is stored only as its SHA-256 hash;
-- one pending invitation per email and workspace (a new one replaces it).
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    UNIQUE (workspace_id, email)
);
CREATE INDEX invitations_by_email ON invitations (email);
