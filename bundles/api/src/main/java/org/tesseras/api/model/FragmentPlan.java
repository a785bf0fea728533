package org.tesseras.api.model;

import java.util.Objects;

/**
 * How one tessera is cut: its tier, the data and parity shard counts, the shard size and how many
 * peers hold it. Stored with the tessera, so retrieval never guesses it.
 *
 * <p>{@code shardSize = ceil(tesseraSize / dataShards)}; the last data shard is zero-padded and
 * decoding truncates back to {@code tesseraSize}.
 */
public record FragmentPlan(ContentHash tesseraHash, long tesseraSize, FragmentationTier tier,
        int dataShards, int parityShards, long shardSize, int replicationFactor) {
    /** Most shards a stripe may have (the GF(2^8) field size). */
    public static final int MAX_TOTAL_SHARDS = 256;

    public FragmentPlan {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        Objects.requireNonNull(tier, "tier of " + tesseraHash);
        if (tesseraSize < 0) {
            throw new IllegalArgumentException("tessera size of " + tesseraHash + " must be >= 0, got " + tesseraSize);
        }
        if (dataShards < 1) {
            throw new IllegalArgumentException("data shards of " + tesseraHash + " must be >= 1, got " + dataShards);
        }
        if (parityShards < 0) {
            throw new IllegalArgumentException("parity shards of " + tesseraHash + " must be >= 0, got " + parityShards);
        }
        if (dataShards + parityShards > MAX_TOTAL_SHARDS) {
            throw new IllegalArgumentException("shards of " + tesseraHash + " must total <= " + MAX_TOTAL_SHARDS
                    + ", got " + dataShards + "+" + parityShards);
        }
        if (tier == FragmentationTier.SMALL && (dataShards != 1 || parityShards != 0)) {
            throw new IllegalArgumentException("a SMALL plan is one whole copy (1+0), got " + dataShards + "+"
                    + parityShards + " for " + tesseraHash);
        }
        if (tier.isErasureCoded() && parityShards < 1) {
            throw new IllegalArgumentException("a " + tier + " plan needs parity shards, got 0 for " + tesseraHash);
        }
        long expectedShardSize = shardSizeFor(tesseraSize, dataShards);
        if (shardSize != expectedShardSize) {
            throw new IllegalArgumentException("shard size of " + tesseraHash + " must be ceil(" + tesseraSize + "/"
                    + dataShards + ") = " + expectedShardSize + ", got " + shardSize);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor of " + tesseraHash + " must be >= 1, got "
                    + replicationFactor);
        }
    }

    /** A plan with the shard size computed from the tessera size. */
    public static FragmentPlan of(ContentHash tesseraHash, long tesseraSize, FragmentationTier tier,
            int dataShards, int parityShards, int replicationFactor) {
        return new FragmentPlan(tesseraHash, tesseraSize, tier, dataShards, parityShards,
                shardSizeFor(tesseraSize, dataShards), replicationFactor);
    }

    /** {@code ceil(tesseraSize / dataShards)}. */
    public static long shardSizeFor(long tesseraSize, int dataShards) {
        if (dataShards < 1) {
            throw new IllegalArgumentException("data shards must be >= 1, got " + dataShards);
        }
        return tesseraSize == 0 ? 0 : (tesseraSize - 1) / dataShards + 1;
    }

    /** Data plus parity shards. */
    public int totalShards() {
        return dataShards + parityShards;
    }

    /** Whether fragment {@code index} is a parity shard. */
    public boolean isParity(int index) {
        return checkIndex(index) >= dataShards;
    }

    /** Returns {@code index} if it names a shard of this plan, else throws naming the tessera. */
    public int checkIndex(int index) {
        if (index < 0 || index >= totalShards()) {
            throw new IllegalArgumentException("fragment index " + index + " out of range 0.." + (totalShards() - 1)
                    + " for " + tesseraHash);
        }
        return index;
    }

    /** Bytes one full set of fragments takes on disk. */
    public long storedBytes() {
        return shardSize * totalShards();
    }
}
