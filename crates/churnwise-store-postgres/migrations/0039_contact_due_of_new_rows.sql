-- Issue 14: the contact due day's insert triggers on clients and
-- subscriptions (migration 0035) recomputed every touched client from its
-- contacts and subscriptions: about 30 µs a client, half of importing 1M
-- customers. What an insert can change is known without that:
-- * a client just added has no contact and no subscription yet (both
--   reference it, so none can exist before its row): its due day follows
--   from its own columns;
-- * a new subscription moves its client's start only when it starts
--   earlier than the stored one, and never the latest contact.
-- The results are those of `refresh_contact_due_many`, which the other
-- triggers still use.

CREATE OR REPLACE FUNCTION contact_due_of_new_clients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO client_contact_due (client_id, workspace_id, last_contact_on, since_on, due_on)
    SELECT id, workspace_id, NULL, (created_at AT TIME ZONE 'UTC')::date,
           (created_at AT TIME ZONE 'UTC')::date + GREATEST(keep_in_touch_days, 1)
    FROM added;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION contact_due_of_new_subscriptions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE client_contact_due d
       SET since_on = m.started_on,
           due_on = COALESCE(d.last_contact_on, m.started_on) + GREATEST(c.keep_in_touch_days, 1)
      FROM (SELECT client_id, MIN(started_on) AS started_on FROM added GROUP BY client_id) m
      JOIN clients c ON c.id = m.client_id
     WHERE d.client_id = m.client_id AND m.started_on < d.since_on;
    RETURN NULL;
END
$$;
