-- holders-derby 001: which peers hold which fragments, the owner's health verdicts, and replication's journal
-- (puts under way, finished repair rounds). The same tables the node schema 1-4 made (a database made before
-- adapters brought their own tables adopts this migration instead of running it). Timestamps are UTC.

CREATE TABLE holders (
    tessera_hash        CHAR(64)     NOT NULL,
    node_id             CHAR(40)     NOT NULL,
    address             VARCHAR(300) NOT NULL,
    subnet              VARCHAR(64)  NOT NULL,
    last_attested       TIMESTAMP,
    last_seen           TIMESTAMP,
    failed_attestations INT          NOT NULL DEFAULT 0 CHECK (failed_attestations >= 0),
    PRIMARY KEY (tessera_hash, node_id)
);

CREATE TABLE holder_fragments (
    tessera_hash   CHAR(64) NOT NULL,
    node_id        CHAR(40) NOT NULL,
    fragment_index INT      NOT NULL CHECK (fragment_index >= 0 AND fragment_index < 256),
    PRIMARY KEY (tessera_hash, node_id, fragment_index),
    FOREIGN KEY (tessera_hash, node_id) REFERENCES holders (tessera_hash, node_id) ON DELETE CASCADE
);

CREATE TABLE tessera_health (
    tessera_hash CHAR(64)      NOT NULL PRIMARY KEY,
    action       VARCHAR(1200) NOT NULL,
    checked_at   TIMESTAMP     NOT NULL,
    detail       VARCHAR(2000) NOT NULL DEFAULT ''
);

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
