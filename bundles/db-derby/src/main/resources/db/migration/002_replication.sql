-- 002 replication: which peers hold which fragments of which tessera, and how they answered.

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
