-- Issue #12 (client status follows the data): a status set by hand, which
-- overrides the rule until it is returned to automatic. `clients.status`
-- stays the effective status, so list filters keep working.
ALTER TABLE clients ADD COLUMN status_override TEXT;
