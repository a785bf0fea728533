package org.tesseras.tiers.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.TierSpec;

/**
 * A validated set of tiers: sorted by size, starting at 0, without gaps or overlaps, and reaching the maximum
 * tessera size. Immutable; the policy swaps whole tables.
 */
record TierTable(List<TierSpec> tiers, long maxTesseraSizeBytes) {
    /** Default largest tessera: 1 GiB. */
    static final long DEFAULT_MAX_TESSERA_SIZE_BYTES = 1L << 30;
    private static final long MIB = 1L << 20;

    /** The tiers used when no {@code org.tesseras.tier} configuration exists. */
    static final List<TierSpec> BUILT_IN = List.of(
            new TierSpec("small", FragmentationTier.SMALL, 0, 4 * MIB, 1, 0, 7),
            new TierSpec("medium", FragmentationTier.MEDIUM, 4 * MIB, 256 * MIB, 16, 8, 7),
            new TierSpec("large", FragmentationTier.LARGE, 256 * MIB, Long.MAX_VALUE, 48, 24, 7));

    /** Validates {@code tiers} (any order) against {@code maxTesseraSizeBytes}; throws saying what is wrong. */
    TierTable {
        Objects.requireNonNull(tiers, "tiers");
        if (maxTesseraSizeBytes < 1) {
            throw new IllegalArgumentException("maxTesseraSizeBytes must be >= 1, got " + maxTesseraSizeBytes);
        }
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("no tiers");
        }
        List<TierSpec> sorted = new ArrayList<>(tiers);
        sorted.sort(Comparator.comparingLong(TierSpec::minSizeBytes));
        Set<String> names = new HashSet<>();
        for (TierSpec tier : sorted) {
            if (!names.add(tier.name())) {
                throw new IllegalArgumentException("two tiers are named '" + tier.name() + "'");
            }
        }
        TierSpec first = sorted.get(0);
        if (first.minSizeBytes() != 0) {
            throw new IllegalArgumentException("gap: no tier covers sizes [0, " + first.minSizeBytes() + ") (tier '"
                    + first.name() + "' starts at " + first.minSizeBytes() + ")");
        }
        for (int i = 1; i < sorted.size(); i++) {
            TierSpec below = sorted.get(i - 1);
            TierSpec above = sorted.get(i);
            if (above.minSizeBytes() < below.maxSizeBytes()) {
                throw new IllegalArgumentException("overlap: tier '" + below.name() + "' " + range(below)
                        + " and tier '" + above.name() + "' " + range(above) + " both cover size "
                        + above.minSizeBytes());
            }
            if (above.minSizeBytes() > below.maxSizeBytes()) {
                throw new IllegalArgumentException("gap: no tier covers sizes [" + below.maxSizeBytes() + ", "
                        + above.minSizeBytes() + ") between tier '" + below.name() + "' and tier '" + above.name()
                        + "'");
            }
        }
        TierSpec last = sorted.get(sorted.size() - 1);
        if (!last.covers(maxTesseraSizeBytes)) {
            throw new IllegalArgumentException("gap: no tier covers sizes [" + last.maxSizeBytes() + ", "
                    + maxTesseraSizeBytes + "] up to the maximum tessera size (tier '" + last.name() + "' ends at "
                    + last.maxSizeBytes() + ")");
        }
        tiers = List.copyOf(sorted);
    }

    /** The built-in tiers with the given maximum tessera size. */
    static TierTable builtIn(long maxTesseraSizeBytes) {
        return new TierTable(BUILT_IN, maxTesseraSizeBytes);
    }

    /** The plan for a tessera of {@code sizeBytes}; throws naming the limit when it is too large. */
    FragmentPlan plan(ContentHash tesseraHash, long sizeBytes) {
        Objects.requireNonNull(tesseraHash, "tessera hash");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size of tessera " + tesseraHash + " must be >= 0, got " + sizeBytes);
        }
        if (sizeBytes > maxTesseraSizeBytes) {
            throw new IllegalArgumentException("tessera " + tesseraHash + " is " + sizeBytes
                    + " bytes, larger than the maximum tessera size of " + maxTesseraSizeBytes + " bytes ("
                    + TierPolicyConfiguration.PID + " maxTesseraSizeBytes)");
        }
        for (TierSpec tier : tiers) {
            if (tier.covers(sizeBytes)) {
                return FragmentPlan.of(tesseraHash, sizeBytes, tier.tier(), tier.dataShards(), tier.parityShards(),
                        tier.replicationFactor());
            }
        }
        throw new IllegalStateException("no tier covers " + sizeBytes + " bytes although the table was validated");
    }

    /** One line for the log: each tier with its range and shards, then the limit. */
    String describe() {
        StringBuilder text = new StringBuilder();
        for (TierSpec tier : tiers) {
            text.append(tier.name()).append(' ').append(tier.tier()).append(' ').append(range(tier)).append(' ')
                    .append(tier.dataShards()).append('+').append(tier.parityShards()).append(" r=")
                    .append(tier.replicationFactor()).append("; ");
        }
        return text.append("max tessera ").append(maxTesseraSizeBytes).append(" bytes").toString();
    }

    private static String range(TierSpec tier) {
        return "[" + tier.minSizeBytes() + ", " + tier.maxSizeBytes() + ")";
    }
}
