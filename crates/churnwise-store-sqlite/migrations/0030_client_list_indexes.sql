-- Issue 14: the dashboard's count of clients by status, the status filters
-- of the lists and the keep-in-touch due list read an index instead of
-- every client of the workspace; the clients page's owner and segment
-- choices (SELECT DISTINCT) read one index each.
CREATE INDEX clients_by_status ON clients (workspace_id, status);
CREATE INDEX clients_by_owner ON clients (workspace_id, owner);
CREATE INDEX clients_by_segment ON clients (workspace_id, segment);
