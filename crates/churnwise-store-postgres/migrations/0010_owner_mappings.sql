-- Owners are users (issue 12): an owner name found on clients (compared
-- trimmed and lower-case, `owner_key`) mapped to a member of the workspace.
-- Clients keep the owner text; the mapping says who it means, for the
-- clients there are and those imported later.
CREATE TABLE owner_mappings (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    owner_key TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, owner_key)
);
CREATE INDEX owner_mappings_by_user ON owner_mappings (user_id);
