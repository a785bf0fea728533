-- ledger-derby 002: each peer's subnet (IPv4 /24 or IPv6 /48), so that the peers of one subnet share one
-- reciprocity allowance.

CREATE TABLE reciprocity_subnet (
    peer_id CHAR(40)    NOT NULL PRIMARY KEY,
    subnet  VARCHAR(64) NOT NULL
);

CREATE INDEX reciprocity_subnet_by_subnet ON reciprocity_subnet (subnet);
