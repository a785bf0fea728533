package org.tesseras.api.model;

import java.util.List;
import java.util.Objects;

/** Where a retrieved tessera came from. */
public record RetrievalReport(ContentHash tesseraHash, long sizeBytes, Source source, int fragmentsFetched,
        List<NodeId> fromPeers) {
    public RetrievalReport {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(source, "source of " + tesseraHash);
        fromPeers = List.copyOf(fromPeers);
    }

    /** Where the bytes came from. */
    public enum Source {
        /** This node's own copy of the whole tessera. */
        LOCAL_BLOB,
        /** Rebuilt from fragments held here. */
        LOCAL_FRAGMENTS,
        /** Rebuilt from fragments fetched from peers (and any held here). */
        NETWORK
    }
}
