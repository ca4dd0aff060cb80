-- Runs: one attempt to put a release into an environment. Times are epoch milliseconds (UTC).
CREATE TABLE runs (
    id               TEXT    PRIMARY KEY,
    app              TEXT    NOT NULL,
    environment      TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'awaiting_approval', 'deploying', 'verifying',
                                     'succeeded', 'failed', 'rejected', 'superseded', 'cancelled')),
    attempt          INTEGER NOT NULL DEFAULT 1,
    signal_json      TEXT    NOT NULL,
    release_json     TEXT    NOT NULL,
    deployer         TEXT    NOT NULL,
    owner_pid        INTEGER,
    owner_started_at INTEGER,
    deployer_pgid    INTEGER,
    exit_code        INTEGER,
    deployed_url     TEXT,
    error_json       TEXT,
    superseded_by    TEXT,
    steps_json       TEXT    NOT NULL DEFAULT '[]',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_env ON runs (app, environment, created_at);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE run_events (
    run_id      TEXT    NOT NULL REFERENCES runs (id),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    note        TEXT,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_logs (
    run_id TEXT    NOT NULL REFERENCES runs (id),
    seq    INTEGER NOT NULL,
    at     INTEGER NOT NULL,
    stream TEXT    NOT NULL,
    text   TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- What was refused or decided. A refused signal leaves only this, never a run.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT,
    action      TEXT    NOT NULL,
    app         TEXT,
    environment TEXT,
    outcome     TEXT    NOT NULL,
    reason      TEXT
);
