-- The client registry, accounts and workspaces (SQLite).
CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    external_id TEXT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    owner TEXT,
    segment TEXT,
    keep_in_touch_days INTEGER NOT NULL,
    notes TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (workspace_id, external_id)
);
CREATE INDEX clients_by_workspace_name ON clients (workspace_id, name);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT,
    email TEXT,
    phone TEXT,
    is_primary BOOLEAN NOT NULL
);
CREATE INDEX contacts_by_client ON contacts (workspace_id, client_id);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    subscription_ref TEXT NOT NULL,
    plan TEXT,
    mrr_cents BIGINT NOT NULL CHECK (mrr_cents >= 0),
    started_on DATE NOT NULL,
    ended_on DATE,
    notice_period_days INTEGER,
    minimum_term_months INTEGER,
    UNIQUE (workspace_id, subscription_ref, started_on)
);
CREATE INDEX subscriptions_by_client ON subscriptions (workspace_id, client_id);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    invoice_ref TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    issued_on DATE,
    due_on DATE NOT NULL,
    paid_on DATE,
    UNIQUE (workspace_id, invoice_ref)
);
CREATE INDEX invoices_by_client ON invoices (workspace_id, client_id);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    author TEXT,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX interactions_by_client ON interactions (workspace_id, client_id, occurred_on);
