-- Billing signals (issue 15): what Stripe says about a client's billing
-- that asks for a person's attention. A cancellation (kind 'cancellation':
-- the subscription ref, the day it was cancelled and the day it ends or
-- ended) offers a departure case on the Due page until a case is opened or
-- the item is dismissed; a failed payment (kind 'payment_failed': the
-- invoice ref, the day it failed and the amount) shows while that invoice
-- is unpaid and counts in the overdue-invoices health signal. One row per
-- workspace, kind and reference: recording it again updates it.
CREATE TABLE billing_signals (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    happened_on DATE NOT NULL,
    ends_on DATE,
    amount_cents BIGINT,
    dismissed_on DATE,
    dismissed_by TEXT,
    UNIQUE (workspace_id, kind, reference)
);
CREATE INDEX billing_signals_by_client ON billing_signals (workspace_id, client_id);
