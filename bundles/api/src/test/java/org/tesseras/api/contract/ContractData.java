package org.tesseras.api.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.Hasher;

/** Seeded random stripes with their manifests, hashed with the backend test's real {@link Hasher}. */
public final class ContractData {
    /** Bytes per shard of {@link #stripe()}. */
    public static final int SHARD_BYTES = 1000;

    private final Hasher hasher;
    private final Random random;

    public ContractData(Hasher hasher, long seed) {
        this.hasher = hasher;
        this.random = new Random(seed);
    }

    /** A tessera's plan, the bytes of each of its shards, and a manifest naming their checksums. */
    public record Stripe(FragmentPlan plan, List<byte[]> shards, TesseraManifest manifest) {
        public ContentHash hash() {
            return plan.tesseraHash();
        }

        public FragmentId id(int index) {
            return manifest.fragmentId(index);
        }
    }

    /** A MEDIUM stripe of 4 data + 2 parity shards of {@link #SHARD_BYTES} each, random bytes. */
    public Stripe stripe() {
        return stripe(FragmentPlan.of(randomHash(), 4L * SHARD_BYTES, FragmentationTier.MEDIUM, 4, 2, 7));
    }

    /** A stripe of {@code plan} with random shards. */
    public Stripe stripe(FragmentPlan plan) {
        List<byte[]> shards = new ArrayList<>();
        List<ContentHash> checksums = new ArrayList<>();
        for (int i = 0; i < plan.totalShards(); i++) {
            byte[] bytes = randomBytes((int) plan.shardSize());
            shards.add(bytes);
            checksums.add(hasher.hash(bytes));
        }
        return new Stripe(plan, shards, TestManifests.unsigned(plan, checksums));
    }

    public ContentHash randomHash() {
        byte[] bytes = new byte[ContentHash.LENGTH];
        random.nextBytes(bytes);
        return new ContentHash(bytes);
    }

    public byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    public Hasher hasher() {
        return hasher;
    }
}
