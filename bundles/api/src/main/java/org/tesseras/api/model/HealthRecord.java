package org.tesseras.api.model;

import java.time.Instant;
import java.util.Objects;

/** The last health verdict on a tessera and when it was reached; {@code detail} explains it in words. */
public record HealthRecord(ContentHash tesseraHash, RepairAction action, Instant checkedAt, String detail) {
    public HealthRecord {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(action, "action for " + tesseraHash);
        Objects.requireNonNull(checkedAt, "checked-at for " + tesseraHash);
        detail = detail == null ? "" : detail;
    }
}
