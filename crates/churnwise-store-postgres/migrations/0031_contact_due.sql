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
    client_id BIGINT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    -- No key to workspaces: the client's cascade removes the row, and a
    -- trigger run by a cascade from a deleted workspace must not fail.
    workspace_id BIGINT NOT NULL,
    last_contact_on DATE,
    since_on DATE NOT NULL,
    due_on DATE NOT NULL
);

-- Recomputes the row of client `cid` (nothing when the client is gone).
CREATE FUNCTION refresh_contact_due(cid BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT f.id, f.workspace_id, f.last_on, f.since_on,
           COALESCE(f.last_on, f.since_on) + GREATEST(f.keep_in_touch_days, 1)
    FROM (SELECT c.id, c.workspace_id, c.keep_in_touch_days,
            (SELECT MAX(i.occurred_on) FROM interactions i WHERE i.workspace_id = c.workspace_id
              AND i.client_id = c.id AND i.kind NOT IN ('newsletter', 'note')) AS last_on,
            LEAST((SELECT MIN(s.started_on) FROM subscriptions s
              WHERE s.workspace_id = c.workspace_id AND s.client_id = c.id),
              (c.created_at AT TIME ZONE 'UTC')::date) AS since_on
          FROM clients c WHERE c.id = cid) f
    ON CONFLICT (client_id) DO UPDATE SET last_contact_on = EXCLUDED.last_contact_on,
        since_on = EXCLUDED.since_on, due_on = EXCLUDED.due_on;
$$;

INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
SELECT f.id, f.workspace_id, f.last_on, f.since_on,
       COALESCE(f.last_on, f.since_on) + GREATEST(f.keep_in_touch_days, 1)
FROM (SELECT c.id, c.workspace_id, c.keep_in_touch_days,
        (SELECT MAX(i.occurred_on) FROM interactions i WHERE i.workspace_id = c.workspace_id
          AND i.client_id = c.id AND i.kind NOT IN ('newsletter', 'note')) AS last_on,
        LEAST((SELECT MIN(s.started_on) FROM subscriptions s
          WHERE s.workspace_id = c.workspace_id AND s.client_id = c.id),
          (c.created_at AT TIME ZONE 'UTC')::date) AS since_on
      FROM clients c) f;

CREATE INDEX client_contact_due_by_day ON client_contact_due (workspace_id, due_on);
CREATE INDEX client_contact_due_by_last_contact ON client_contact_due (workspace_id, last_contact_on);
-- The clients contacted within the last days (the maximum contact
-- frequency's candidates), read by day instead of every interaction.
CREATE INDEX interactions_by_day ON interactions (workspace_id, occurred_on);

CREATE FUNCTION contact_due_of_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_contact_due(NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_insert_contact_due AFTER INSERT ON clients
    FOR EACH ROW EXECUTE FUNCTION contact_due_of_client();
CREATE TRIGGER clients_keep_in_touch_contact_due
    AFTER UPDATE OF keep_in_touch_days, created_at ON clients
    FOR EACH ROW WHEN (OLD.keep_in_touch_days IS DISTINCT FROM NEW.keep_in_touch_days
        OR OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION contact_due_of_client();

CREATE FUNCTION contact_due_of_interaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.kind NOT IN ('newsletter', 'note') THEN
            PERFORM refresh_contact_due(NEW.client_id);
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM refresh_contact_due(NEW.client_id);
        IF OLD.client_id <> NEW.client_id THEN
            PERFORM refresh_contact_due(OLD.client_id);
        END IF;
    ELSIF OLD.kind NOT IN ('newsletter', 'note') THEN
        PERFORM refresh_contact_due(OLD.client_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER interactions_insert_contact_due AFTER INSERT ON interactions
    FOR EACH ROW EXECUTE FUNCTION contact_due_of_interaction();
CREATE TRIGGER interactions_update_contact_due
    AFTER UPDATE OF kind, occurred_on, client_id ON interactions
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind
        OR OLD.occurred_on IS DISTINCT FROM NEW.occurred_on
        OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION contact_due_of_interaction();
CREATE TRIGGER interactions_delete_contact_due AFTER DELETE ON interactions
    FOR EACH ROW EXECUTE FUNCTION contact_due_of_interaction();

-- A new subscription moves the client's start only when it starts earlier.
CREATE FUNCTION contact_due_of_subscription() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.started_on < (SELECT d.since_on FROM client_contact_due d
                             WHERE d.client_id = NEW.client_id) THEN
            PERFORM refresh_contact_due(NEW.client_id);
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM refresh_contact_due(NEW.client_id);
        IF OLD.client_id <> NEW.client_id THEN
            PERFORM refresh_contact_due(OLD.client_id);
        END IF;
    ELSE
        PERFORM refresh_contact_due(OLD.client_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER subscriptions_insert_contact_due AFTER INSERT ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION contact_due_of_subscription();
-- Only when a value it reads changed: re-importing a file sets every
-- column again.
CREATE TRIGGER subscriptions_update_contact_due
    AFTER UPDATE OF started_on, client_id ON subscriptions
    FOR EACH ROW WHEN (OLD.started_on IS DISTINCT FROM NEW.started_on
        OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION contact_due_of_subscription();
CREATE TRIGGER subscriptions_delete_contact_due AFTER DELETE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION contact_due_of_subscription();
