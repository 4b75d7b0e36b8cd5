-- The workspace's data version (issue 14): a counter that every write to
-- clients, subscriptions or invoices moves forward, kept by triggers so that
-- every write path counts. The metrics cache is keyed by it.
ALTER TABLE workspaces ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER clients_insert_moves_data_version AFTER INSERT ON clients
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER clients_update_moves_data_version AFTER UPDATE ON clients
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER clients_delete_moves_data_version AFTER DELETE ON clients
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = OLD.workspace_id;
END;

CREATE TRIGGER subscriptions_insert_moves_data_version AFTER INSERT ON subscriptions
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER subscriptions_update_moves_data_version AFTER UPDATE ON subscriptions
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER subscriptions_delete_moves_data_version AFTER DELETE ON subscriptions
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = OLD.workspace_id;
END;

CREATE TRIGGER invoices_insert_moves_data_version AFTER INSERT ON invoices
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER invoices_update_moves_data_version AFTER UPDATE ON invoices
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER invoices_delete_moves_data_version AFTER DELETE ON invoices
BEGIN
    UPDATE workspaces SET data_version = data_version + 1 WHERE id = OLD.workspace_id;
END;
