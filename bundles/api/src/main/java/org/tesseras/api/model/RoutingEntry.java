package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;

/** A node in the routing table, its bucket (shared prefix length with us) and when it was last heard from. */
public record RoutingEntry(NodeInfo node, int bucket, Instant lastSeen) {
    public RoutingEntry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(lastSeen, "last seen");
        if (bucket < 0 || bucket >= NodeId.BITS) {
            throw new IllegalArgumentException("bucket must be 0.." + (NodeId.BITS - 1) + ", got " + bucket);
        }
    }
}
