package org.tesseras.api.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.NodeId;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore;
import org.tesseras.api.port.FragmentStore.FragmentWriter;
import org.tesseras.api.port.ManifestConflictException;

/**
 * What every {@link FragmentStore} promises, checked through the port alone. A backend's test extends it and
 * gives a fresh, empty store per test ({@link #store()}) on its real medium; checks that need to reach behind
 * the port (a bit flipped on disk, a vanished object) stay in the backend's own tests.
 */
public abstract class FragmentStoreContract {
    /** The origin peer the kit records on stored fragments. */
    protected static final NodeId PEER = NodeId.of("0123456789abcdef0123456789abcdef01234567");

    /** The store under test: the same instance for the whole test, empty at its start. */
    protected abstract FragmentStore store();

    /** Random stripes and their manifests. */
    protected abstract ContractData data();

    /** The size of the large fragment of {@link #aLargeFragmentIsStreamedInAndOutWhole}. */
    protected int largeFragmentBytes() {
        return 3 << 20;
    }

    @Test
    public void aManifestIsRecordedOnceAndReadBack() throws IOException {
        ContractData.Stripe stripe = data().stripe();
        assertTrue(store().manifest(stripe.hash()).isEmpty());
        store().saveManifest(stripe.manifest());
        store().saveManifest(stripe.manifest());
        assertEquals(stripe.manifest(), store().manifest(stripe.hash()).orElseThrow());
        assertEquals(stripe.plan(), store().plan(stripe.hash()).orElseThrow());
        assertTrue(store().listTesseras().contains(stripe.hash()));
    }

    @Test
    public void aManifestOfOtherFragmentsIsRefused() throws IOException {
        ContractData.Stripe stripe = data().stripe();
        store().saveManifest(stripe.manifest());
        TesseraManifest other = TestManifests.withChecksum(stripe.manifest(), 1, data().randomHash());
        assertThrows(ManifestConflictException.class, () -> store().saveManifest(other));
        assertEquals(stripe.manifest(), store().manifest(stripe.hash()).orElseThrow());
    }

    @Test
    public void aFragmentNeedsItsManifestAndTheManifestsChecksum() throws IOException {
        ContractData.Stripe stripe = data().stripe();
        assertThrows(IllegalStateException.class, () -> put(stripe, 0));
        store().saveManifest(stripe.manifest());
        FragmentId wrong = new FragmentId(stripe.hash(), 0, stripe.plan().totalShards(), data().randomHash());
        assertThrows(FragmentIntegrityException.class,
                () -> store().store(wrong, new ByteArrayInputStream(stripe.shards().get(0)), Optional.empty()));
        assertTrue(store().find(stripe.hash(), 0).isEmpty());
        assertTrue(store().list(stripe.hash()).isEmpty());
    }

    @Test
    public void aStoredFragmentReadsBackWithItsRow() throws IOException {
        ContractData.Stripe stripe = recorded();
        StoredFragment stored = put(stripe, 4);
        assertEquals(stripe.id(4), stored.id());
        assertTrue(stored.parity());
        assertEquals(stripe.plan().shardSize(), stored.sizeBytes());
        assertEquals(Optional.of(PEER), stored.originPeer());
        StoredFragment found = store().find(stripe.hash(), 4).orElseThrow();
        assertEquals(stored.id(), found.id());
        assertEquals(Optional.of(PEER), found.originPeer());
        assertArrayEquals(stripe.shards().get(4), readAll(store().open(stripe.hash(), 4).orElseThrow()));
        assertTrue(store().open(stripe.hash(), 3).isEmpty());
        assertTrue(store().find(stripe.hash(), 3).isEmpty());
    }

    @Test
    public void fragmentsAreListedByIndex() throws IOException {
        ContractData.Stripe stripe = recorded();
        for (int index : new int[] {5, 0, 3}) {
            put(stripe, index);
        }
        assertEquals(List.of(0, 3, 5), store().list(stripe.hash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    public void bytesThatDoNotHashToTheChecksumLeaveNothingBehind() throws IOException {
        ContractData.Stripe stripe = recorded();
        byte[] bad = stripe.shards().get(2).clone();
        bad[7] ^= 1;
        assertThrows(FragmentIntegrityException.class,
                () -> store().store(stripe.id(2), new ByteArrayInputStream(bad), Optional.empty()));
        assertTrue(store().find(stripe.hash(), 2).isEmpty());
        assertTrue(store().open(stripe.hash(), 2).isEmpty());
        assertEquals(0, store().usage().fragmentCount());
    }

    @Test
    public void aShortOrLongFragmentIsRefused() throws IOException {
        ContractData.Stripe stripe = recorded();
        byte[] shard = stripe.shards().get(1);
        byte[] shorter = java.util.Arrays.copyOf(shard, shard.length - 1);
        byte[] longer = java.util.Arrays.copyOf(shard, shard.length + 1);
        assertThrows(FragmentIntegrityException.class,
                () -> store().store(stripe.id(1), new ByteArrayInputStream(shorter), Optional.empty()));
        assertThrows(FragmentIntegrityException.class,
                () -> store().store(stripe.id(1), new ByteArrayInputStream(longer), Optional.empty()));
        assertTrue(store().list(stripe.hash()).isEmpty());
    }

    @Test
    public void aLargeFragmentIsStreamedInAndOutWhole() throws IOException {
        int size = largeFragmentBytes();
        FragmentPlan plan = FragmentPlan.of(data().randomHash(), 2L * size, FragmentationTier.MEDIUM, 2, 1, 7);
        ContractData.Stripe stripe = data().stripe(plan);
        store().saveManifest(stripe.manifest());
        InputStream dribble = new ByteArrayInputStream(stripe.shards().get(2)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 10_000));
            }
        };
        store().store(stripe.id(2), dribble, Optional.empty());
        try (SeekableByteChannel channel = store().open(stripe.hash(), 2).orElseThrow()) {
            assertEquals(size, channel.size());
            channel.position(size - 100);
            ByteBuffer tail = ByteBuffer.allocate(100);
            while (tail.hasRemaining() && channel.read(tail) >= 0) {
                // keep reading
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(stripe.shards().get(2), size - 100, size), tail.array());
        }
        assertArrayEquals(stripe.shards().get(2), readAll(store().open(stripe.hash(), 2).orElseThrow()));
        assertEquals(FragmentCheck.GOOD, store().verify(stripe.hash(), 2));
    }

    @Test
    public void storingAHeldFragmentAgainReturnsTheHeldOne() throws IOException {
        ContractData.Stripe stripe = recorded();
        StoredFragment first = put(stripe, 0);
        StoredFragment again = put(stripe, 0);
        assertEquals(first.id(), again.id());
        assertEquals(1, store().list(stripe.hash()).size());
    }

    @Test
    public void aFragmentOfAnotherStripeWidthIsRefused() throws IOException {
        ContractData.Stripe stripe = recorded();
        FragmentId foreign = new FragmentId(stripe.hash(), 0, stripe.plan().totalShards() + 1,
                stripe.manifest().checksum(0));
        assertThrows(IllegalArgumentException.class,
                () -> store().store(foreign, new ByteArrayInputStream(stripe.shards().get(0)), Optional.empty()));
    }

    @Test
    public void aHashingWriterCommitsOnlyWhatTheManifestNames() throws IOException {
        ContractData.Stripe stripe = recorded();
        try (FragmentWriter writer = store().create(stripe.plan(), 1)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(1)));
            assertThrows(FragmentIntegrityException.class, () -> writer.commit(data().randomHash()));
        }
        assertTrue(store().find(stripe.hash(), 1).isEmpty());
        try (FragmentWriter writer = store().create(stripe.plan(), 1)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(1)));
            assertEquals(stripe.id(1), writer.commit().id());
        }
        byte[] other = data().randomBytes(stripe.shards().get(2).length);
        try (FragmentWriter writer = store().create(stripe.plan(), 2)) {
            writer.write(ByteBuffer.wrap(other));
            assertThrows(FragmentIntegrityException.class, writer::commit);
        }
        assertEquals(List.of(1), store().list(stripe.hash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    public void aWriterChecksummedBySourceTakesOnlyTheManifestsChecksum() throws IOException {
        ContractData.Stripe stripe = recorded();
        try (FragmentWriter writer = store().createChecksummedBySource(stripe.plan(), 3)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(3)));
            assertThrows(FragmentIntegrityException.class, () -> writer.commit(data().randomHash()));
        }
        assertTrue(store().find(stripe.hash(), 3).isEmpty());
        try (FragmentWriter writer = store().createChecksummedBySource(stripe.plan(), 3)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(3)));
            writer.commit(stripe.manifest().checksum(3));
        }
        assertArrayEquals(stripe.shards().get(3), readAll(store().open(stripe.hash(), 3).orElseThrow()));
    }

    @Test
    public void aWriterWithoutManifestOrClosedUncommittedLeavesNothing() throws IOException {
        ContractData.Stripe stripe = data().stripe();
        try (FragmentWriter writer = store().create(stripe.plan(), 0)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(0)));
            assertThrows(IllegalStateException.class, writer::commit);
        }
        store().saveManifest(stripe.manifest());
        try (FragmentWriter writer = store().create(stripe.plan(), 0)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(0)));
        }
        try (FragmentWriter writer = store().create(stripe.plan(), 0)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(0), 0, 10));
            assertThrows(FragmentIntegrityException.class, writer::commit);
        }
        assertTrue(store().list(stripe.hash()).isEmpty());
        assertEquals(0, store().usage().fragmentCount());
    }

    @Test
    public void verifyTellsGoodAndMissing() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 0);
        assertEquals(FragmentCheck.GOOD, store().verify(stripe.hash(), 0));
        assertTrue(store().find(stripe.hash(), 0).orElseThrow().lastVerified().isPresent());
        assertEquals(FragmentCheck.MISSING, store().verify(stripe.hash(), 1));
    }

    @Test
    public void sizeHeldIsAShardForAHeldFragmentAndNothingForOneNotHeld() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 0);
        assertEquals(OptionalLong.of(stripe.plan().shardSize()), store().sizeHeld(stripe.hash(), 0));
        assertEquals(OptionalLong.empty(), store().sizeHeld(stripe.hash(), 1), "never stored");
        assertTrue(store().delete(stripe.hash(), 0));
        assertEquals(OptionalLong.empty(), store().sizeHeld(stripe.hash(), 0), "deleted");
        assertEquals(OptionalLong.empty(), store().sizeHeld(data().randomHash(), 0), "a tessera not known here");
    }

    @Test
    public void aQuarantinedFragmentLeavesTheStoreButIsKeptWithItsReason() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 2);
        int before = store().quarantined().size();
        assertTrue(store().quarantine(stripe.hash(), 2, "contract: looks odd"));
        assertTrue(store().find(stripe.hash(), 2).isEmpty());
        assertTrue(store().open(stripe.hash(), 2).isEmpty());
        assertEquals(before + 1, store().quarantined().size());
        assertEquals("contract: looks odd", store().quarantined().get(before).reason());
        assertEquals(stripe.plan().shardSize(), store().quarantined().get(before).sizeBytes());
        assertFalse(store().quarantine(stripe.hash(), 2, "again"));
        put(stripe, 2);
        assertEquals(FragmentCheck.GOOD, store().verify(stripe.hash(), 2));
    }

    @Test
    public void replacingTheManifestQuarantinesWhatItDoesNotExplain() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 0);
        put(stripe, 1);
        TesseraManifest replacement = TestManifests.withChecksum(stripe.manifest(), 1, data().randomHash());
        List<StoredFragment> moved = store().replaceManifest(replacement, "contract: the owner's manifest");
        assertEquals(List.of(1), moved.stream().map(f -> f.id().index()).toList());
        assertEquals(replacement, store().manifest(stripe.hash()).orElseThrow());
        assertEquals(List.of(0), store().list(stripe.hash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    public void deleteRemovesAHeldFragment() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 0);
        assertTrue(store().delete(stripe.hash(), 0));
        assertTrue(store().find(stripe.hash(), 0).isEmpty());
        assertTrue(store().open(stripe.hash(), 0).isEmpty());
        assertFalse(store().delete(stripe.hash(), 0));
        assertTrue(store().manifest(stripe.hash()).isPresent(), "the manifest stays");
    }

    @Test
    public void aTesseraIsForgottenOnlyOnceNoFragmentOfItIsHeld() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 1);
        assertFalse(store().forget(stripe.hash()));
        assertTrue(store().manifest(stripe.hash()).isPresent());
        assertTrue(store().delete(stripe.hash(), 1));
        assertTrue(store().forget(stripe.hash()));
        assertTrue(store().manifest(stripe.hash()).isEmpty());
        assertFalse(store().listTesseras().contains(stripe.hash()));
        assertFalse(store().forget(stripe.hash()));
        store().saveManifest(stripe.manifest());
        put(stripe, 1);
        assertEquals(FragmentCheck.GOOD, store().verify(stripe.hash(), 1));
    }

    @Test
    public void usageCountsHeldFragmentsAndTheirBytes() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 0);
        put(stripe, 5);
        StorageUsage usage = store().usage();
        assertEquals(2, usage.fragmentCount());
        assertEquals(2 * stripe.plan().shardSize(), usage.usedBytes());
        assertTrue(usage.freeBytes() > 0);
    }

    @Test
    public void concurrentStoresOfOneTesseraAllLand() throws Exception {
        ContractData.Stripe stripe = recorded();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<StoredFragment>> stored = new ArrayList<>();
            for (int i = 0; i < stripe.plan().totalShards(); i++) {
                int index = i;
                stored.add(pool.submit(() -> put(stripe, index)));
                stored.add(pool.submit(() -> put(stripe, index)));
            }
            for (Future<StoredFragment> each : stored) {
                each.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(stripe.plan().totalShards(), store().list(stripe.hash()).size());
        for (int i = 0; i < stripe.plan().totalShards(); i++) {
            assertEquals(FragmentCheck.GOOD, store().verify(stripe.hash(), i));
        }
    }

    @Test
    public void reindexingAStoreThatAgreesWithItsMediumChangesNothing() throws IOException {
        ContractData.Stripe stripe = recorded();
        put(stripe, 0);
        put(stripe, 3);
        assertTrue(store().reindex().nothingChanged());
        assertEquals(2, store().list(stripe.hash()).size());
        assertTrue(store().lostFragments().isEmpty());
    }

    @Test
    public void indexesOutsideTheStripeRangeAreRefused() {
        ContentHash hash = data().randomHash();
        assertThrows(IllegalArgumentException.class, () -> store().find(hash, -1));
        assertThrows(IllegalArgumentException.class, () -> store().open(hash, 256));
    }

    /** A stripe whose manifest is recorded in the store. */
    protected ContractData.Stripe recorded() throws IOException {
        ContractData.Stripe stripe = data().stripe();
        store().saveManifest(stripe.manifest());
        return stripe;
    }

    /** Stores fragment {@code index} of {@code stripe} as received from {@link #PEER}. */
    protected StoredFragment put(ContractData.Stripe stripe, int index) throws IOException {
        return store().store(stripe.id(index), new ByteArrayInputStream(stripe.shards().get(index)),
                Optional.of(PEER));
    }

    /** Everything a channel yields, which it closes. */
    protected static byte[] readAll(SeekableByteChannel channel) throws IOException {
        try (channel) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return out.toByteArray();
        }
    }
}
