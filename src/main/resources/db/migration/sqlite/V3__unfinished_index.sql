-- The worker and the recovery read an environment's unfinished runs before every deploy. Ordered by creation,
-- SQLite walked the environment's whole history through runs_by_env; this partial index holds only unfinished
-- runs, so the read costs the same after a million finished runs as after ten. Queries must repeat the WHERE
-- term exactly (JdbcRunStore.UNFINISHED) for SQLite to use it.
CREATE INDEX runs_unfinished_by_env ON runs (app, environment, created_at, id)
    WHERE status IN ('queued', 'awaiting_approval', 'deploying', 'verifying');
