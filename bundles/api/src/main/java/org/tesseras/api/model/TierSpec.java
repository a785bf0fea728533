package org.tesseras.api.model;

import java.util.Objects;

/**
 * One configured size tier: tesseras of {@code minSizeBytes <= size < maxSizeBytes} are cut into
 * {@code dataShards + parityShards} fragments spread over {@code replicationFactor} peers.
 */
public record TierSpec(String name, FragmentationTier tier, long minSizeBytes, long maxSizeBytes,
        int dataShards, int parityShards, int replicationFactor) {
    public TierSpec {
        Objects.requireNonNull(name, "tier name");
        Objects.requireNonNull(tier, "tier of " + name);
        if (minSizeBytes < 0 || maxSizeBytes <= minSizeBytes) {
            throw new IllegalArgumentException("tier " + name + " needs 0 <= minSizeBytes < maxSizeBytes, got "
                    + minSizeBytes + ".." + maxSizeBytes);
        }
        // the plan validates shard counts the same way for every tessera of this tier
        FragmentPlan.of(new ContentHash(new byte[ContentHash.LENGTH]), minSizeBytes, tier, dataShards, parityShards,
                replicationFactor);
    }

    /** Whether a tessera of {@code sizeBytes} falls in this tier. */
    public boolean covers(long sizeBytes) {
        return sizeBytes >= minSizeBytes && sizeBytes < maxSizeBytes;
    }

    /** Stored bytes per tessera byte: {@code (data + parity) / data}. */
    public double overhead() {
        return (double) (dataShards + parityShards) / dataShards;
    }

    /**
     * How many of the {@code replicationFactor} peers can vanish with the tessera still recoverable,
     * with fragments spread round-robin over them.
     */
    public int survivablePeerLosses() {
        if (!tier.isErasureCoded()) {
            return replicationFactor - 1;
        }
        int total = dataShards + parityShards;
        int peers = Math.min(replicationFactor, total);
        // round-robin: the first (total % peers) peers carry one fragment more; losing the fullest first
        int perPeer = total / peers;
        int heavier = total % peers;
        int lost = 0;
        int lostFragments = 0;
        for (int peer = 0; peer < peers; peer++) {
            int carried = perPeer + (peer < heavier ? 1 : 0);
            if (lostFragments + carried > parityShards) {
                break;
            }
            lostFragments += carried;
            lost++;
        }
        return lost;
    }
}
