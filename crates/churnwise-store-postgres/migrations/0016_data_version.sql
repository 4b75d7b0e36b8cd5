-- The workspace's data version (issue 14). Every statement that writes
-- clients, subscriptions or invoices adds a row of weight 1 per workspace it
-- touched (statement-level triggers, so a batch insert adds one row, and no
-- lock is taken on a shared row: writers do not wait for each other). The
-- version is the sum of the weights: it only grows, once per committed
-- statement. The scheduler folds old rows into one row per workspace
-- carrying their summed weight, in one statement, so the sum never changes
-- by folding. The metrics cache is keyed by it.
CREATE TABLE data_changes (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    weight BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX data_changes_by_workspace ON data_changes (workspace_id);

CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_changes (workspace_id) SELECT DISTINCT workspace_id FROM changed;
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_insert_notes_data_change AFTER INSERT ON clients
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER clients_update_notes_data_change AFTER UPDATE ON clients
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER clients_delete_notes_data_change AFTER DELETE ON clients
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER subscriptions_insert_notes_data_change AFTER INSERT ON subscriptions
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER subscriptions_update_notes_data_change AFTER UPDATE ON subscriptions
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER subscriptions_delete_notes_data_change AFTER DELETE ON subscriptions
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER invoices_insert_notes_data_change AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER invoices_update_notes_data_change AFTER UPDATE ON invoices
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

CREATE TRIGGER invoices_delete_notes_data_change AFTER DELETE ON invoices
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();
