-- 004 manifests: the owner-signed manifest of every tessera this node keeps fragments of (also kept as a
-- file beside the shards, which is the truth this row mirrors), and replication's journal: puts under way
-- and finished repair rounds, so both survive a restart.

CREATE TABLE manifests (
    tessera_hash CHAR(64)                     NOT NULL PRIMARY KEY REFERENCES fragment_plans (tessera_hash),
    owner_id     CHAR(40)                     NOT NULL,
    codec        VARCHAR(64)                  NOT NULL,
    created_at   TIMESTAMP                    NOT NULL,
    encoded      VARCHAR(16384) FOR BIT DATA  NOT NULL
);

CREATE INDEX manifests_owner ON manifests (owner_id);

CREATE TABLE put_journal (
    id           BIGINT        NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       VARCHAR(4000) NOT NULL,
    size_bytes   BIGINT        NOT NULL CHECK (size_bytes >= 0),
    tessera_hash CHAR(64),
    started_at   TIMESTAMP     NOT NULL,
    ended_at     TIMESTAMP,
    outcome      VARCHAR(2000) NOT NULL DEFAULT ''
);

CREATE INDEX put_journal_open ON put_journal (ended_at);

CREATE TABLE repair_rounds (
    started_at TIMESTAMP     NOT NULL PRIMARY KEY,
    ended_at   TIMESTAMP     NOT NULL,
    tesseras   INT           NOT NULL CHECK (tesseras >= 0),
    repaired   INT           NOT NULL CHECK (repaired >= 0),
    lost       INT           NOT NULL CHECK (lost >= 0),
    failed     INT           NOT NULL CHECK (failed >= 0),
    note       VARCHAR(2000) NOT NULL DEFAULT ''
);
