-- Departure cases (SQLite): one JSON document per case plus the columns
-- queries need, the append-only history, survey links (hashes only), and
-- the workspace settings the cases use.
CREATE TABLE departure_cases (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    stage TEXT NOT NULL,
    outcome TEXT,
    primary_reason TEXT,
    opened_on DATE NOT NULL,
    closed_on DATE,
    end_on DATE,
    lost_mrr_cents BIGINT NOT NULL DEFAULT 0,
    follow_up_on DATE,
    promise_due_on DATE,
    lesson_due_on DATE,
    won_back_on DATE,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX departure_cases_by_client ON departure_cases (workspace_id, client_id);
CREATE INDEX departure_cases_by_stage ON departure_cases (workspace_id, stage);
CREATE INDEX departure_cases_by_end ON departure_cases (workspace_id, end_on);
-- A client has at most one open case, also under concurrent requests.
CREATE UNIQUE INDEX departure_cases_one_open_per_client
    ON departure_cases (workspace_id, client_id) WHERE stage <> 'closed';

CREATE TABLE departure_case_history (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL REFERENCES departure_cases(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX departure_case_history_by_case ON departure_case_history (workspace_id, case_id, id);
-- Entries are appended, never changed.
CREATE TRIGGER departure_case_history_append_only
    BEFORE UPDATE ON departure_case_history
BEGIN
    SELECT RAISE(ABORT, 'the case history is append-only');
END;

CREATE TABLE survey_tokens (
    token_hash TEXT PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL REFERENCES departure_cases(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX survey_tokens_by_case ON survey_tokens (workspace_id, case_id);

CREATE TABLE workspace_reason_lists (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE workspace_checklist_templates (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
