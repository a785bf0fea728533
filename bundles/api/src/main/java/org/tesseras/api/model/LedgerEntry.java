package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The reciprocity account with one peer: bytes we store for them, bytes they store for us, and the
 * balance {@code theyStoreForUs - storedForThem} (negative: they owe us).
 */
public record LedgerEntry(NodeId peer, long bytesStoredForThem, long bytesTheyStoreForUs, Instant lastUpdated) {
    public LedgerEntry {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(lastUpdated, "last updated");
    }

    /** {@code bytesTheyStoreForUs - bytesStoredForThem}. */
    public long balance() {
        return bytesTheyStoreForUs - bytesStoredForThem;
    }
}
