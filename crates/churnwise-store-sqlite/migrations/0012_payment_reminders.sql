-- Payment reminders (issue 15): per client, the billing contact (none: the
-- primary contact), whether reminders are paused and the client's language
-- (none: the workspace's); per invoice, a promise-to-pay date; and one row
-- per invoice and step, claimed before the reminder is sent and marked after,
-- so no reminder is sent twice, whichever process sends it.
CREATE TABLE client_billing (
    client_id INTEGER PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    billing_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    reminders_paused BOOLEAN NOT NULL DEFAULT FALSE,
    lang TEXT
);

CREATE TABLE invoice_promises (
    invoice_id INTEGER PRIMARY KEY REFERENCES invoices(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    promised_on DATE NOT NULL
);

CREATE TABLE reminder_sends (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    run_on DATE NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (invoice_id, step)
);
CREATE INDEX reminder_sends_by_day ON reminder_sends (workspace_id, run_on);
