-- The controller: runs queued by the server, approvals, API tokens and OIDC replay protection.

-- 0 while a run queued by the server still waits for its references to be resolved to digests.
ALTER TABLE runs ADD COLUMN resolved INTEGER NOT NULL DEFAULT 1;
-- Set when the environment's approval rule was met; the run may then deploy.
ALTER TABLE runs ADD COLUMN approved_at INTEGER;
-- How many approvals the environment asked for when the run requested them.
ALTER TABLE runs ADD COLUMN approval_required INTEGER;
-- When a pending approval request lapses and the run is rejected.
ALTER TABLE runs ADD COLUMN approval_expires_at INTEGER;
CREATE INDEX runs_by_env_status ON runs (app, environment, status);

-- Every approval decision, with who made it and when. Never updated or deleted.
CREATE TABLE approvals (
    run_id   TEXT    NOT NULL REFERENCES runs (id),
    seq      INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    approver TEXT    NOT NULL,
    via      TEXT    NOT NULL,
    decision TEXT    NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment  TEXT,
    PRIMARY KEY (run_id, seq)
);

-- API tokens. Only a SHA-256 hash of the secret part is kept; the token is shown once at creation.
CREATE TABLE api_tokens (
    id           TEXT    PRIMARY KEY,
    owner        TEXT    NOT NULL,
    scopes_json  TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    description  TEXT,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
);

-- OIDC token ids already used, kept until the token would have expired anyway.
CREATE TABLE oidc_jti (
    issuer     TEXT    NOT NULL,
    jti        TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, jti)
);
