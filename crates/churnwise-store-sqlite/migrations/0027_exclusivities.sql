-- Exclusivities (issue 16): a client (the holder) holds an exclusivity over
-- a segment or against named competitors, from a day to an optional day.
-- segment_key and name_key are the trimmed, lower-cased texts (computed by
-- churnwise_domain::exclusivity::key), so both backends compare alike.
-- competitors keeps the names as typed, a JSON array of strings.
CREATE TABLE exclusivities (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    segment TEXT,
    segment_key TEXT,
    competitors TEXT,
    starts_on DATE NOT NULL,
    ends_on DATE,
    note TEXT,
    created_ms BIGINT NOT NULL
);
CREATE INDEX exclusivities_by_client ON exclusivities (workspace_id, client_id);
CREATE INDEX exclusivities_by_segment ON exclusivities (workspace_id, segment_key);

CREATE TABLE exclusivity_names (
    exclusivity_id INTEGER NOT NULL REFERENCES exclusivities(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name_key TEXT NOT NULL,
    PRIMARY KEY (exclusivity_id, name_key)
);
CREATE INDEX exclusivity_names_by_key ON exclusivity_names (workspace_id, name_key);
