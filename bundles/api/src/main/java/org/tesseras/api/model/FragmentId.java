package org.tesseras.api.model;

import java.util.Objects;

/**
 * One fragment of a tessera: its index in the stripe, the stripe width and the BLAKE3 checksum of
 * its bytes as stored (padding included).
 */
public record FragmentId(ContentHash tesseraHash, int index, int totalShards, ContentHash checksum) {
    public FragmentId {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(checksum, "checksum of fragment " + index + " of " + tesseraHash);
        if (totalShards < 1 || totalShards > FragmentPlan.MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException("total shards of " + tesseraHash + " must be 1.."
                    + FragmentPlan.MAX_TOTAL_SHARDS + ", got " + totalShards);
        }
        if (index < 0 || index >= totalShards) {
            throw new IllegalArgumentException("fragment index " + index + " out of range 0.." + (totalShards - 1)
                    + " for " + tesseraHash);
        }
    }

    /** Whether this fragment belongs to the stripe {@code plan} describes. */
    public boolean belongsTo(FragmentPlan plan) {
        return tesseraHash.equals(plan.tesseraHash()) && totalShards == plan.totalShards();
    }

    @Override
    public String toString() {
        return tesseraHash.hex() + "/" + index;
    }
}
