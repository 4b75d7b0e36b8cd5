-- Clients whose health facts changed through a write that does not rescore
-- them itself (usage events, issue 18): the scheduler rescores these between
-- its daily full runs (issue 14), then forgets them.
CREATE TABLE health_stale (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, client_id)
);
