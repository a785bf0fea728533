package org.tesseras.api.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the owner knows of one holder of a tessera: the fragments it took, when it last proved them,
 * when it was last heard from, and how many attestations in a row it has failed.
 */
public record HolderStatus(Holder holder, Optional<Instant> lastAttested, Optional<Instant> lastSeen,
        int failedAttestations) {
    public HolderStatus {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(lastAttested, "last attested of " + holder.node());
        Objects.requireNonNull(lastSeen, "last seen of " + holder.node());
        if (failedAttestations < 0) {
            throw new IllegalArgumentException("failed attestations of " + holder.node() + " must be >= 0");
        }
    }

    /** The indices this holder took. */
    public List<Integer> indices() {
        return holder.indices();
    }
}
