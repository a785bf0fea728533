package org.tesseras.api.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What importing an identity key did: the NodeId the node had before (empty when it had no readable key), the one
 * it has now, where the replaced key file was kept, and notes for the operator.
 */
public record IdentityImportResult(Optional<NodeId> previous, NodeId imported, Optional<Path> keptOldKeyAs,
        List<String> notes) {
    public IdentityImportResult {
        Objects.requireNonNull(previous, "previous node id");
        Objects.requireNonNull(imported, "imported node id");
        Objects.requireNonNull(keptOldKeyAs, "kept old key file");
        notes = List.copyOf(notes);
    }

    /** Whether the node's identity changed (false when the key imported was already this node's). */
    public boolean changed() {
        return !previous.equals(Optional.of(imported));
    }
}
