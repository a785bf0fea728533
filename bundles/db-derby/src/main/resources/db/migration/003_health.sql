-- 003 health: the latest health verdict of each tessera the node owns (HolderRegistry.recordHealth).
-- action is the verdict in one line (HEALTHY, NEEDS_REPLICATION deficit indices, CORRUPT_LOCAL index, LOST available needed).

CREATE TABLE tessera_health (
    tessera_hash CHAR(64)      NOT NULL PRIMARY KEY,
    action       VARCHAR(1200) NOT NULL,
    checked_at   TIMESTAMP     NOT NULL,
    detail       VARCHAR(2000) NOT NULL DEFAULT ''
);
