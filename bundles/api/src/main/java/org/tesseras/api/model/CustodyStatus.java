package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who looks after a tessera, as one node sees it from the signed records in the DHT: its owner and when the owner
 * last published; whether the owner has been silent longer than the custody threshold; which live holder leads
 * custody then (the one XOR-closest to the key), whether that is this node, and how many repairs it led here.
 */
public record CustodyStatus(ContentHash tessera, NodeId owner, Optional<Instant> ownerLastHeard, boolean ownerSilent,
        Optional<NodeId> custodian, boolean leadHere, int repairsLedHere) {
    public CustodyStatus {
        Objects.requireNonNull(tessera, "tessera");
        Objects.requireNonNull(owner, "owner of " + tessera);
        Objects.requireNonNull(ownerLastHeard, "when the owner of " + tessera + " was last heard");
        Objects.requireNonNull(custodian, "custodian of " + tessera);
        if (repairsLedHere < 0) {
            throw new IllegalArgumentException("negative count of repairs led for " + tessera);
        }
    }

    /** The same status with {@code count} repairs led here. */
    public CustodyStatus withRepairsLedHere(int count) {
        return new CustodyStatus(tessera, owner, ownerLastHeard, ownerSilent, custodian, leadHere, count);
    }
}
