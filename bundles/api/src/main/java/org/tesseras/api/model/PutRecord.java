package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A put as the node's journal keeps it: what file, how big, the tessera once it was stored, when it started,
 * and when and how it ended (empty while it runs, or when the node stopped in the middle of it).
 */
public record PutRecord(long id, String source, long sizeBytes, Optional<ContentHash> tessera, Instant startedAt,
        Optional<Instant> endedAt, String outcome) {
    public PutRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tessera, "tessera of put " + id);
        Objects.requireNonNull(startedAt, "started-at of put " + id);
        Objects.requireNonNull(endedAt, "ended-at of put " + id);
        outcome = outcome == null ? "" : outcome;
    }

    /** Whether the put has ended (placed, failed, or found interrupted after a restart). */
    public boolean ended() {
        return endedAt.isPresent();
    }
}
