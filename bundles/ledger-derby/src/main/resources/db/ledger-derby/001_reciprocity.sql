-- ledger-derby 001: the reciprocity ledger. The same table the node schema 1-4 made (a database made before
-- adapters brought their own tables adopts this migration instead of running it). Timestamps are UTC.

CREATE TABLE reciprocity (
    peer_id                 CHAR(40)  NOT NULL PRIMARY KEY,
    bytes_stored_for_them   BIGINT    NOT NULL DEFAULT 0 CHECK (bytes_stored_for_them >= 0),
    bytes_they_store_for_us BIGINT    NOT NULL DEFAULT 0 CHECK (bytes_they_store_for_us >= 0),
    balance                 BIGINT    GENERATED ALWAYS AS (bytes_they_store_for_us - bytes_stored_for_them),
    last_updated            TIMESTAMP NOT NULL
);
