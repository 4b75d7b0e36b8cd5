-- Sign-in throttling (issue #11): failed sign-ins and locks per key
-- ('email:<address>' for an account, 'ip:<address>' for a client), in the
-- database so that every server process on it shares them. Times are
-- milliseconds since 1970-01-01 UTC (compare the same on both backends);
-- locked_until is 0 when the key was never locked.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locks BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
