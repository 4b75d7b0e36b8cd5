-- Issue 14: the metrics engine reads invoices only as sums of amount and
-- count per (due day, payment day); `GROUP BY due_on, paid_on` over the
-- 5.98M invoices of a 1M-customer workspace took seconds on every first
-- computation. These sums are now kept by statement-level triggers on every
-- write to invoices (imports, forms, API, Stripe, erasure), one grouped
-- statement per writing statement, so the metrics read a few hundred
-- thousand rows at most. `paid_key` is the payment day, or 'infinity' for
-- an unpaid invoice (a key column cannot be NULL in an upsert's conflict
-- target). Rows whose count falls to 0 are deleted. Invoices already move
-- the data version (migration 0016), so the metrics cache sees these writes.
CREATE TABLE invoice_day_totals (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    due_on DATE NOT NULL,
    paid_key DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    invoice_count BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, due_on, paid_key)
);

INSERT INTO invoice_day_totals (workspace_id, due_on, paid_key, amount_cents, invoice_count)
SELECT workspace_id, due_on, COALESCE(paid_on, 'infinity'), SUM(amount_cents), COUNT(*)
FROM invoices GROUP BY workspace_id, due_on, COALESCE(paid_on, 'infinity');

-- Adds the rows of `added` and takes away those of `removed` (an update
-- has both; rows that did not move cancel out and write nothing).
CREATE FUNCTION apply_invoice_day_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO invoice_day_totals AS t (workspace_id, due_on, paid_key, amount_cents, invoice_count)
        SELECT workspace_id, due_on, COALESCE(paid_on, 'infinity'), SUM(amount_cents), COUNT(*)
        FROM added GROUP BY 1, 2, 3
        ON CONFLICT (workspace_id, due_on, paid_key) DO UPDATE SET
            amount_cents = t.amount_cents + EXCLUDED.amount_cents,
            invoice_count = t.invoice_count + EXCLUDED.invoice_count;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Every key an old row left holds a row: update those, then add the new.
        WITH delta AS (
            SELECT workspace_id, due_on, paid_key, SUM(amount) AS amount, SUM(n) AS n FROM (
                SELECT workspace_id, due_on, COALESCE(paid_on, 'infinity') AS paid_key,
                       amount_cents AS amount, 1 AS n FROM added
                UNION ALL
                SELECT workspace_id, due_on, COALESCE(paid_on, 'infinity'),
                       -amount_cents, -1 FROM removed) d
            GROUP BY 1, 2, 3 HAVING SUM(amount) <> 0 OR SUM(n) <> 0)
        INSERT INTO invoice_day_totals AS t (workspace_id, due_on, paid_key, amount_cents, invoice_count)
        SELECT workspace_id, due_on, paid_key, amount, n FROM delta
        ON CONFLICT (workspace_id, due_on, paid_key) DO UPDATE SET
            amount_cents = t.amount_cents + EXCLUDED.amount_cents,
            invoice_count = t.invoice_count + EXCLUDED.invoice_count;
    ELSE
        -- A delete only updates: a cascade from a deleted workspace finds
        -- no row left to change.
        UPDATE invoice_day_totals t SET amount_cents = t.amount_cents - r.amount,
            invoice_count = t.invoice_count - r.n
        FROM (SELECT workspace_id, due_on, COALESCE(paid_on, 'infinity') AS paid_key,
                     SUM(amount_cents) AS amount, COUNT(*) AS n
              FROM removed GROUP BY 1, 2, 3) r
        WHERE t.workspace_id = r.workspace_id AND t.due_on = r.due_on AND t.paid_key = r.paid_key;
    END IF;
    DELETE FROM invoice_day_totals t USING (SELECT DISTINCT workspace_id, due_on,
            COALESCE(paid_on, 'infinity') AS paid_key FROM removed) r
        WHERE t.workspace_id = r.workspace_id AND t.due_on = r.due_on
          AND t.paid_key = r.paid_key AND t.invoice_count = 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoices_insert_adds_day_totals AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION apply_invoice_day_totals();

CREATE TRIGGER invoices_update_moves_day_totals AFTER UPDATE ON invoices
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION apply_invoice_day_totals();

CREATE TRIGGER invoices_delete_removes_day_totals AFTER DELETE ON invoices
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION apply_invoice_day_totals();
