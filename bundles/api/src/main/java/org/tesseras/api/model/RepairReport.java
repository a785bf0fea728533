package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/** What a repair of one tessera did: the verdict before and after, and the fragments it moved. */
public record RepairReport(ContentHash tesseraHash, RepairAction before, RepairAction after, int fragmentsRebuilt,
        int fragmentsFetched, int fragmentsPushed, List<String> notes) {
    public RepairReport {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(before, "verdict before repair of " + tesseraHash);
        Objects.requireNonNull(after, "verdict after repair of " + tesseraHash);
        notes = List.copyOf(notes);
    }
}
