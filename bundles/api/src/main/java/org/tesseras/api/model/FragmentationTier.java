package org.tesseras.api.model;

/** How a tessera is cut for the network: whole copies, or erasure-coded shards. */
public enum FragmentationTier {
    /** Whole copies of the tessera, one per peer. */
    SMALL,
    /** Erasure coded, medium stripe (16 data + 8 parity by default). */
    MEDIUM,
    /** Erasure coded, wide stripe (48 data + 24 parity by default). */
    LARGE;

    /** Whether this tier cuts the tessera into data and parity shards. */
    public boolean isErasureCoded() {
        return this != SMALL;
    }
}
