-- Issue #11 (bounded inputs): the scheduler purges expired sessions by their expiry.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
