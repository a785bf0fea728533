package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;

/** A file a store moved aside instead of deleting it: where it is now, how big, when and why. */
public record QuarantinedFile(String name, long sizeBytes, Instant quarantinedAt, String reason) {
    public QuarantinedFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(quarantinedAt, "quarantined-at of " + name);
        reason = reason == null ? "" : reason;
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size of " + name + " must be >= 0, got " + sizeBytes);
        }
    }
}
