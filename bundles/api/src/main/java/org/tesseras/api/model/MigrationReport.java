package org.tesseras.api.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What moving a node's storage from one backend to another did: manifests, fragments and blobs copied (or
 * found at the target already), each verified there; whether the target became the active backend; how many
 * items were removed from the source after they verified at the target; and what was kept in the source, why.
 */
public record MigrationReport(String from, String to, int manifests, long fragmentsCopied,
        long fragmentsAlreadyThere, long blobsCopied, long blobsAlreadyThere, long bytesCopied, boolean switched,
        long removedFromSource, List<String> kept, Duration took) {
    public MigrationReport {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        kept = List.copyOf(kept);
        Objects.requireNonNull(took, "took");
    }

    /** Whether everything is at the target and nothing is left in the source. */
    public boolean complete() {
        return switched && kept.isEmpty();
    }
}
