package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A fragment held in a fragment store, as its index row describes it. */
public record StoredFragment(FragmentId id, boolean parity, long sizeBytes, Instant storedAt,
        Optional<Instant> lastVerified, Optional<NodeId> originPeer) {
    public StoredFragment {
        Objects.requireNonNull(id, "fragment id");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size of " + id + " must be >= 0, got " + sizeBytes);
        }
        Objects.requireNonNull(storedAt, "stored-at of " + id);
        Objects.requireNonNull(lastVerified, "last-verified of " + id);
        Objects.requireNonNull(originPeer, "origin peer of " + id);
    }
}
