package org.tesseras.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FragmentPlanTest {
    static final ContentHash HASH = new ContentHash(new byte[32]);
    static final long MIB = 1024 * 1024;

    @Test
    void shardSizeIsTheCeilingOfSizeOverDataShards() {
        assertEquals(0, FragmentPlan.shardSizeFor(0, 16));
        assertEquals(1, FragmentPlan.shardSizeFor(1, 16));
        assertEquals(1, FragmentPlan.shardSizeFor(16, 16));
        assertEquals(2, FragmentPlan.shardSizeFor(17, 16));
        assertEquals(10 * MIB / 16, FragmentPlan.of(HASH, 10 * MIB, FragmentationTier.MEDIUM, 16, 8, 7).shardSize());
        assertEquals(22369622, FragmentPlan.of(HASH, 1024 * MIB, FragmentationTier.LARGE, 48, 24, 7).shardSize());
    }

    @Test
    void refusesAShardSizeThatIsNotTheCeiling() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FragmentPlan(HASH, 17, FragmentationTier.MEDIUM, 16, 8, 1, 7));
        assertTrue(e.getMessage().contains("ceil(17/16) = 2"), e.getMessage());
    }

    @Test
    void refusesBadCounts() {
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, -1, FragmentationTier.SMALL, 1, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.MEDIUM, 0, 8, 7));
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.MEDIUM, 16, -1, 7));
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.LARGE, 200, 57, 7));
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.MEDIUM, 16, 8, 0));
        assertThrows(NullPointerException.class, () -> FragmentPlan.of(null, 10, FragmentationTier.MEDIUM, 16, 8, 7));
        assertThrows(NullPointerException.class, () -> FragmentPlan.of(HASH, 10, null, 16, 8, 7));
    }

    @Test
    void smallIsOneWholeCopyAndCodedTiersHaveParity() {
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.SMALL, 2, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.SMALL, 1, 1, 7));
        assertThrows(IllegalArgumentException.class, () -> FragmentPlan.of(HASH, 10, FragmentationTier.MEDIUM, 16, 0, 7));
        FragmentPlan small = FragmentPlan.of(HASH, 10, FragmentationTier.SMALL, 1, 0, 7);
        assertEquals(10, small.shardSize());
        assertEquals(1, small.totalShards());
    }

    @Test
    void maxStripeIs256Shards() {
        assertEquals(256, FragmentPlan.of(HASH, 1000, FragmentationTier.LARGE, 200, 56, 7).totalShards());
    }

    @Test
    void knowsParityIndicesAndRefusesOthers() {
        FragmentPlan plan = FragmentPlan.of(HASH, 100, FragmentationTier.MEDIUM, 16, 8, 7);
        assertFalse(plan.isParity(15));
        assertTrue(plan.isParity(16));
        assertTrue(plan.isParity(23));
        assertThrows(IllegalArgumentException.class, () -> plan.isParity(24));
        assertThrows(IllegalArgumentException.class, () -> plan.checkIndex(-1));
        assertEquals(7L * 24, plan.storedBytes());
    }
}
