package org.tesseras.tiers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.TierSpec;

class TierTableTest {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final ContentHash HASH = ContentHash.of("0f".repeat(32));

    private final TierTable builtIn = TierTable.builtIn(GIB);

    private void assertPlan(TierTable table, long size, FragmentationTier tier, int k, int m) {
        FragmentPlan plan = table.plan(HASH, size);
        assertEquals(tier, plan.tier(), "tier of " + size);
        assertEquals(k, plan.dataShards(), "data shards of " + size);
        assertEquals(m, plan.parityShards(), "parity shards of " + size);
        assertEquals(7, plan.replicationFactor());
        assertEquals(size, plan.tesseraSize());
        assertEquals(size == 0 ? 0 : (size + k - 1) / k, plan.shardSize(), "shard size of " + size);
        assertEquals(HASH, plan.tesseraHash());
    }

    @Test
    void builtInBoundariesAreExact() {
        assertPlan(builtIn, 0, FragmentationTier.SMALL, 1, 0);
        assertPlan(builtIn, 4 * MIB - 1, FragmentationTier.SMALL, 1, 0);
        assertPlan(builtIn, 4 * MIB, FragmentationTier.MEDIUM, 16, 8);
        assertPlan(builtIn, 4 * MIB + 1, FragmentationTier.MEDIUM, 16, 8);
        assertPlan(builtIn, 256 * MIB - 1, FragmentationTier.MEDIUM, 16, 8);
        assertPlan(builtIn, 256 * MIB, FragmentationTier.LARGE, 48, 24);
        assertPlan(builtIn, GIB, FragmentationTier.LARGE, 48, 24);
    }

    @Test
    void aTesseraOverTheMaximumIsRefusedNamingTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builtIn.plan(HASH, GIB + 1));
        assertTrue(e.getMessage().contains("1073741824"), e.getMessage());
        assertTrue(e.getMessage().contains(HASH.hex()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builtIn.plan(HASH, -1));
    }

    @Test
    void theOrderOfTheTiersDoesNotMatter() {
        TierTable shuffled = new TierTable(List.of(TierTable.BUILT_IN.get(2), TierTable.BUILT_IN.get(0),
                TierTable.BUILT_IN.get(1)), GIB);
        assertEquals(builtIn, shuffled);
        assertEquals(List.of("small", "medium", "large"), shuffled.tiers().stream().map(TierSpec::name).toList());
    }

    @Test
    void overlapsAreRefused() {
        TierSpec small = new TierSpec("small", FragmentationTier.SMALL, 0, 5 * MIB, 1, 0, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TierTable(List.of(small, TierTable.BUILT_IN.get(1), TierTable.BUILT_IN.get(2)), GIB));
        assertTrue(e.getMessage().startsWith("overlap"), e.getMessage());
        assertTrue(e.getMessage().contains("'small'") && e.getMessage().contains("'medium'"), e.getMessage());
    }

    @Test
    void gapsAreRefused() {
        TierSpec small = new TierSpec("small", FragmentationTier.SMALL, 0, 3 * MIB, 1, 0, 7);
        IllegalArgumentException between = assertThrows(IllegalArgumentException.class,
                () -> new TierTable(List.of(small, TierTable.BUILT_IN.get(1), TierTable.BUILT_IN.get(2)), GIB));
        assertTrue(between.getMessage().startsWith("gap"), between.getMessage());
        assertTrue(between.getMessage().contains("[" + 3 * MIB + ", " + 4 * MIB + ")"), between.getMessage());

        IllegalArgumentException bottom = assertThrows(IllegalArgumentException.class,
                () -> new TierTable(List.of(TierTable.BUILT_IN.get(1), TierTable.BUILT_IN.get(2)), GIB));
        assertTrue(bottom.getMessage().startsWith("gap: no tier covers sizes [0, "), bottom.getMessage());

        TierSpec closedLarge = new TierSpec("large", FragmentationTier.LARGE, 256 * MIB, GIB, 48, 24, 7);
        IllegalArgumentException top = assertThrows(IllegalArgumentException.class,
                () -> new TierTable(List.of(TierTable.BUILT_IN.get(0), TierTable.BUILT_IN.get(1), closedLarge), GIB));
        assertTrue(top.getMessage().contains("maximum tessera size"), top.getMessage());
        assertEquals(GIB - 1, new TierTable(List.of(TierTable.BUILT_IN.get(0), TierTable.BUILT_IN.get(1),
                closedLarge), GIB - 1).maxTesseraSizeBytes(), "a closed last tier is fine below its end");
    }

    @Test
    void emptyDuplicateAndBadLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TierTable(List.of(), GIB));
        assertThrows(IllegalArgumentException.class, () -> TierTable.builtIn(0));
        TierSpec other = new TierSpec("small", FragmentationTier.LARGE, 4 * MIB, Long.MAX_VALUE, 48, 24, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TierTable(List.of(TierTable.BUILT_IN.get(0), other), GIB));
        assertTrue(e.getMessage().contains("two tiers are named 'small'"), e.getMessage());
    }
}
