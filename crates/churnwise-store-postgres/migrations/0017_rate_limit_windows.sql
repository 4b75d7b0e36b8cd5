-- Rate limits shared by every server process on the database (issue 14):
-- requests counted per key (e.g. `survey:<address>`) and fixed window
-- (its first second, Unix time). Old windows are deleted by the scheduler.
CREATE TABLE rate_limit_windows (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_windows_by_start ON rate_limit_windows (window_start);
