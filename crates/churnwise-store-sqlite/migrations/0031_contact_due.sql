-- The keep-in-touch due day of every client (issue 14): the day its
-- contact falls due, COALESCE(latest contact, client since) + its
-- keep-in-touch days (at least 1), as `churnwise_domain::health::
-- contact_overdue_days` computes it, so the due list reads the most overdue
-- clients through an index instead of every client's contacts. Kept by
-- triggers, so that every write path (forms, API, imports, Stripe, erasure)
-- keeps it true: a client's row is recomputed when the client is added or
-- its keep-in-touch days change, when a contact (an interaction other than a
-- newsletter or a note) is logged, changed or deleted, and when a
-- subscription that may move its start is added, changed or deleted. A
-- separate table, so that these writes do not move the workspace's data
-- version (migration 0016) and the metrics cache stays warm.
-- `last_contact_on` is the latest contact on any day, future ones included:
-- the due list asked as of a day before it reads those few clients apart.
CREATE TABLE client_contact_due (
    client_id INTEGER PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    -- No key to workspaces: the client's cascade removes the row, and a
    -- trigger run by a cascade from a deleted workspace must not fail.
    workspace_id INTEGER NOT NULL,
    last_contact_on DATE,
    since_on DATE NOT NULL,
    due_on DATE NOT NULL
);

-- Each client's row as it should be, computed from its contacts, its
-- subscriptions and its keep-in-touch days: the migration's fill and every
-- trigger below read it for one client (SQLite narrows the view to it).
CREATE VIEW client_contact_due_computed AS
SELECT id AS client_id, workspace_id, last_on AS last_contact_on, since_on,
       date(COALESCE(last_on, since_on), '+' || MAX(keep_in_touch_days, 1) || ' days') AS due_on
FROM (SELECT c.id, c.workspace_id, c.keep_in_touch_days,
        (SELECT MAX(i.occurred_on) FROM interactions i WHERE i.workspace_id = c.workspace_id
          AND i.client_id = c.id AND i.kind NOT IN ('newsletter', 'note')) AS last_on,
        MIN(COALESCE((SELECT MIN(s.started_on) FROM subscriptions s
          WHERE s.workspace_id = c.workspace_id AND s.client_id = c.id), date(c.created_at)),
          date(c.created_at)) AS since_on
      FROM clients c);

    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE true
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;

CREATE INDEX client_contact_due_by_day ON client_contact_due (workspace_id, due_on);
CREATE INDEX client_contact_due_by_last_contact ON client_contact_due (workspace_id, last_contact_on);
-- The clients contacted within the last days (the maximum contact
-- frequency's candidates), read by day instead of every interaction.
CREATE INDEX interactions_by_day ON interactions (workspace_id, occurred_on);

CREATE TRIGGER clients_insert_contact_due AFTER INSERT ON clients
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = NEW.id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

CREATE TRIGGER clients_keep_in_touch_contact_due AFTER UPDATE OF keep_in_touch_days, created_at ON clients
WHEN OLD.keep_in_touch_days IS NOT NEW.keep_in_touch_days OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = NEW.id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

CREATE TRIGGER interactions_insert_contact_due AFTER INSERT ON interactions WHEN NEW.kind NOT IN ('newsletter', 'note')
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = NEW.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

CREATE TRIGGER interactions_update_contact_due AFTER UPDATE OF kind, occurred_on, client_id ON interactions
WHEN OLD.kind IS NOT NEW.kind OR OLD.occurred_on IS NOT NEW.occurred_on OR OLD.client_id IS NOT NEW.client_id
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = NEW.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = OLD.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

CREATE TRIGGER interactions_delete_contact_due AFTER DELETE ON interactions WHEN OLD.kind NOT IN ('newsletter', 'note')
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = OLD.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

-- A new subscription moves the client's start only when it starts earlier.
CREATE TRIGGER subscriptions_insert_contact_due AFTER INSERT ON subscriptions WHEN NEW.started_on < (SELECT d.since_on FROM client_contact_due d WHERE d.client_id = NEW.client_id)
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = NEW.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

-- Only when a value it reads changed: re-importing a file sets every
-- column again, and 1M unchanged rows each recomputing their client took
-- minutes.
CREATE TRIGGER subscriptions_update_contact_due AFTER UPDATE OF started_on, client_id ON subscriptions
WHEN OLD.started_on IS NOT NEW.started_on OR OLD.client_id IS NOT NEW.client_id
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = NEW.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = OLD.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;

CREATE TRIGGER subscriptions_delete_contact_due AFTER DELETE ON subscriptions
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT client_id, workspace_id, last_contact_on, since_on, due_on
    FROM client_contact_due_computed WHERE client_id = OLD.client_id
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = excluded.last_contact_on,
        since_on = excluded.since_on, due_on = excluded.due_on;
END;
