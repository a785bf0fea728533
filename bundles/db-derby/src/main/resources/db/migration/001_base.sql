-- 001 base: fragment plans, the fragment index and the reciprocity ledger.
-- Hashes are stored as their 64-character lowercase hex form, node ids as 40 hex characters.
-- Timestamps are UTC.

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

CREATE TABLE reciprocity (
    peer_id                 CHAR(40)  NOT NULL PRIMARY KEY,
    bytes_stored_for_them   BIGINT    NOT NULL DEFAULT 0 CHECK (bytes_stored_for_them >= 0),
    bytes_they_store_for_us BIGINT    NOT NULL DEFAULT 0 CHECK (bytes_they_store_for_us >= 0),
    balance                 BIGINT    GENERATED ALWAYS AS (bytes_they_store_for_us - bytes_stored_for_them),
    last_updated            TIMESTAMP NOT NULL
);
