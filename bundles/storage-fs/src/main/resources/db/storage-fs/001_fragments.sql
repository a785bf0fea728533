-- storage-fs 001: the fragment index (plans, fragments, manifests). The same tables the node schema 1-4 made
-- (a database made before adapters brought their own tables adopts this migration instead of running it).
-- Hashes are stored as their 64-character lowercase hex form, node ids as 40 hex characters. Timestamps are UTC.

CREATE TABLE fragment_plans (
    tessera_hash       CHAR(64)    NOT NULL PRIMARY KEY,
    tessera_size       BIGINT      NOT NULL CHECK (tessera_size >= 0),
    tier               VARCHAR(16) NOT NULL,
    data_shards        INT         NOT NULL CHECK (data_shards >= 1),
    parity_shards      INT         NOT NULL CHECK (parity_shards >= 0),
    shard_size         BIGINT      NOT NULL CHECK (shard_size >= 0),
    replication_factor INT         NOT NULL CHECK (replication_factor >= 1),
    created_at         TIMESTAMP   NOT NULL
);

-- lost_at is the lost-fragment marker: set when the row outlived its file (start-up scan or verify).
CREATE TABLE fragments (
    tessera_hash   CHAR(64)      NOT NULL REFERENCES fragment_plans (tessera_hash),
    fragment_index INT           NOT NULL CHECK (fragment_index >= 0 AND fragment_index < 256),
    is_parity      BOOLEAN       NOT NULL,
    checksum       CHAR(64)      NOT NULL,
    size_bytes     BIGINT        NOT NULL CHECK (size_bytes >= 0),
    path           VARCHAR(256)  NOT NULL,
    stored_at      TIMESTAMP     NOT NULL,
    last_verified  TIMESTAMP,
    origin_peer    CHAR(40),
    lost_at        TIMESTAMP,
    PRIMARY KEY (tessera_hash, fragment_index)
);

CREATE INDEX fragments_lost ON fragments (lost_at);

CREATE TABLE manifests (
    tessera_hash CHAR(64)                     NOT NULL PRIMARY KEY REFERENCES fragment_plans (tessera_hash),
    owner_id     CHAR(40)                     NOT NULL,
    codec        VARCHAR(64)                  NOT NULL,
    created_at   TIMESTAMP                    NOT NULL,
    encoded      VARCHAR(16384) FOR BIT DATA  NOT NULL
);

CREATE INDEX manifests_owner ON manifests (owner_id);
