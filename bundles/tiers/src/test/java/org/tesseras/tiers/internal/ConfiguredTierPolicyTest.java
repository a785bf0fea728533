package org.tesseras.tiers.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.tiers.internal.TierTableTest.GIB;
import static org.tesseras.tiers.internal.TierTableTest.HASH;
import static org.tesseras.tiers.internal.TierTableTest.MIB;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.TierSpec;

class ConfiguredTierPolicyTest {

    private static TierConfiguration tier(String name, FragmentationTier tier, long min, Long max, int k, int m,
            int r) {
        Map<String, Object> values = new HashMap<>();
        values.put("name", name);
        values.put("tier", tier);
        values.put("minSizeBytes", min);
        if (max != null) {
            values.put("maxSizeBytes", max);
        }
        values.put("dataShards", k);
        values.put("parityShards", m);
        values.put("replicationFactor", r);
        return ConfigurationProxy.of(TierConfiguration.class, values);
    }

    private static TierPolicyConfiguration limit(long maxBytes) {
        return ConfigurationProxy.of(TierPolicyConfiguration.class, Map.of("maxTesseraSizeBytes", maxBytes));
    }

    private static TierPolicyConfiguration defaults() {
        return ConfigurationProxy.of(TierPolicyConfiguration.class, Map.of());
    }

    private static ConfiguredTierPolicy policy(TierPolicyConfiguration config, TierDefinition... definitions) {
        ConfiguredTierPolicy policy = new ConfiguredTierPolicy();
        for (TierDefinition definition : definitions) {
            policy.bindTier(definition);
        }
        policy.activate(config, null);
        return policy;
    }

    private static TierDefinition small(long max) {
        return new TierDefinition(tier("small", FragmentationTier.SMALL, 0, max, 1, 0, 5));
    }

    private static TierDefinition medium(long min, long max) {
        return new TierDefinition(tier("medium", FragmentationTier.MEDIUM, min, max, 10, 4, 6));
    }

    private static TierDefinition large(long min) {
        return new TierDefinition(tier("large", FragmentationTier.LARGE, min, null, 40, 20, 8));
    }

    @Test
    void withoutTierConfigurationsTheBuiltInTiersApply() {
        ConfiguredTierPolicy policy = policy(defaults());
        assertEquals(TierTable.BUILT_IN, policy.tiers());
        assertEquals(GIB, policy.maxTesseraSizeBytes());
        assertEquals(FragmentationTier.SMALL, policy.plan(HASH, 4 * MIB - 1).tier());
        assertEquals(FragmentationTier.MEDIUM, policy.plan(HASH, 4 * MIB).tier());
        assertEquals(FragmentationTier.LARGE, policy.plan(HASH, 256 * MIB).tier());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy.plan(HASH, GIB + 1));
        assertTrue(e.getMessage().contains("maximum tessera size of 1073741824 bytes"), e.getMessage());
    }

    @Test
    void configuredTiersDecideThePlans() {
        ConfiguredTierPolicy policy = policy(limit(2 * GIB), large(64 * MIB), small(MIB), medium(MIB, 64 * MIB));
        assertEquals(List.of("small", "medium", "large"), policy.tiers().stream().map(TierSpec::name).toList());
        FragmentPlan small = policy.plan(HASH, MIB - 1);
        assertEquals(FragmentationTier.SMALL, small.tier());
        assertEquals(5, small.replicationFactor());
        FragmentPlan medium = policy.plan(HASH, MIB);
        assertEquals(10, medium.dataShards());
        assertEquals(4, medium.parityShards());
        assertEquals((MIB + 9) / 10, medium.shardSize());
        FragmentPlan large = policy.plan(HASH, 2 * GIB);
        assertEquals(40, large.dataShards());
        assertEquals(8, large.replicationFactor());
        assertThrows(IllegalArgumentException.class, () -> policy.plan(HASH, 2 * GIB + 1));
    }

    @Test
    void aTierChangedAtRunTimeChangesTheNextPlans() {
        TierDefinition small = small(MIB);
        TierDefinition medium = medium(MIB, 64 * MIB);
        TierDefinition large = large(64 * MIB);
        ConfiguredTierPolicy policy = policy(defaults(), small, medium, large);
        assertEquals(10, policy.plan(HASH, 10 * MIB).dataShards());

        medium.modified(tier("medium", FragmentationTier.MEDIUM, MIB, 64 * MIB, 12, 6, 7));
        policy.updatedTier(medium);
        FragmentPlan changed = policy.plan(HASH, 10 * MIB);
        assertEquals(12, changed.dataShards());
        assertEquals(6, changed.parityShards());
        assertEquals(7, changed.replicationFactor());
    }

    @Test
    void anOverlappingChangeIsRefusedAndThePreviousTiersStay() {
        TierDefinition small = small(MIB);
        TierDefinition medium = medium(MIB, 64 * MIB);
        ConfiguredTierPolicy policy = policy(defaults(), small, medium, large(64 * MIB));
        List<TierSpec> before = policy.tiers();

        small.modified(tier("small", FragmentationTier.SMALL, 0, 2 * MIB, 1, 0, 5));
        policy.updatedTier(small);
        assertEquals(before, policy.tiers());
        assertEquals(FragmentationTier.MEDIUM, policy.plan(HASH, MIB).tier(), "the old boundary still holds");

        medium.modified(tier("medium", FragmentationTier.MEDIUM, 2 * MIB, 64 * MIB, 10, 4, 6));
        policy.updatedTier(medium);
        assertEquals(FragmentationTier.SMALL, policy.plan(HASH, 2 * MIB - 1).tier(), "both edits together are taken");
        assertEquals(FragmentationTier.MEDIUM, policy.plan(HASH, 2 * MIB).tier());
    }

    @Test
    void aRemovedTierLeavesAGapThatIsRefusedUntilReplaced() {
        TierDefinition medium = medium(MIB, 64 * MIB);
        ConfiguredTierPolicy policy = policy(defaults(), small(MIB), medium, large(64 * MIB));
        policy.unbindTier(medium);
        assertEquals(10, policy.plan(HASH, 10 * MIB).dataShards(), "the previous tiers stay in force");
        policy.bindTier(new TierDefinition(tier("middle", FragmentationTier.MEDIUM, MIB, 64 * MIB, 8, 8, 7)));
        assertEquals(8, policy.plan(HASH, 10 * MIB).dataShards());
    }

    @Test
    void removingEveryTierFallsBackToTheBuiltInTiers() {
        TierDefinition small = small(MIB);
        TierDefinition medium = medium(MIB, 64 * MIB);
        TierDefinition large = large(64 * MIB);
        ConfiguredTierPolicy policy = policy(defaults(), small, medium, large);
        policy.unbindTier(large);
        policy.unbindTier(medium);
        policy.unbindTier(small);
        assertEquals(TierTable.BUILT_IN, policy.tiers());
    }

    @Test
    void aBadSetAtActivationFallsBackToTheBuiltInTiers() {
        ConfiguredTierPolicy policy = policy(defaults(), small(MIB), large(64 * MIB));
        assertEquals(TierTable.BUILT_IN, policy.tiers());
        policy.bindTier(medium(MIB, 64 * MIB));
        assertEquals("medium", policy.tiers().get(1).name(), "the fixed set replaces the built-in tiers");
    }

    @Test
    void theMaximumSizeCanChangeButMustBeCovered() {
        TierDefinition closedLarge = new TierDefinition(tier("large", FragmentationTier.LARGE, 64 * MIB, 3 * GIB,
                40, 20, 8));
        ConfiguredTierPolicy policy = policy(defaults(), small(MIB), medium(MIB, 64 * MIB), closedLarge);
        policy.modified(limit(2 * GIB));
        assertEquals(2 * GIB, policy.maxTesseraSizeBytes());
        assertEquals(40, policy.plan(HASH, 2 * GIB).dataShards());
        policy.modified(limit(4 * GIB));
        assertEquals(2 * GIB, policy.maxTesseraSizeBytes(), "4 GiB is not covered by the last tier");
        policy.modified(limit(0));
        assertEquals(2 * GIB, policy.maxTesseraSizeBytes());
        TierDefinition openLarge = new TierDefinition(tier("large", FragmentationTier.LARGE, 64 * MIB, null, 40, 20,
                8));
        policy.unbindTier(closedLarge);
        assertEquals(2 * GIB, policy.maxTesseraSizeBytes(), "a gap: the previous table stays");
        policy.bindTier(openLarge);
        assertEquals(4 * GIB, policy.maxTesseraSizeBytes(), "the limit asked for applies once the tiers reach it");
        assertThrows(IllegalArgumentException.class, () -> policy(limit(0)));
    }

    @Test
    void anInvalidTierConfigurationIsRefusedNamingThePid() {
        IllegalArgumentException wrongShards = assertThrows(IllegalArgumentException.class,
                () -> new TierDefinition(tier("small", FragmentationTier.SMALL, 0, MIB, 16, 8, 7)));
        assertTrue(wrongShards.getMessage().startsWith("org.tesseras.tier 'small'"), wrongShards.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TierDefinition(tier("", FragmentationTier.SMALL, 0, MIB, 1, 0, 7)));
        assertThrows(IllegalArgumentException.class,
                () -> new TierDefinition(tier("x", null, 0, MIB, 1, 0, 7)));
        assertThrows(IllegalArgumentException.class,
                () -> new TierDefinition(tier("big", FragmentationTier.LARGE, MIB, 2 * MIB, 200, 57, 7)));
        assertThrows(IllegalArgumentException.class,
                () -> new TierDefinition(tier("empty", FragmentationTier.MEDIUM, MIB, MIB, 16, 8, 7)));
    }

    @Test
    void anInvalidChangeOfOneTierKeepsThatTier() {
        TierDefinition medium = medium(MIB, 64 * MIB);
        TierSpec before = medium.spec();
        medium.modified(tier("medium", FragmentationTier.MEDIUM, MIB, 64 * MIB, 10, 0, 6));
        assertEquals(before, medium.spec());
    }
}
