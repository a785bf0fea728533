package org.tesseras.storage.fs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tesseras.storage.fs.internal.StoreFixture.PEER;
import static org.tesseras.storage.fs.internal.StoreFixture.SHARD_BYTES;
import static org.tesseras.storage.fs.internal.StoreFixture.count;
import static org.tesseras.storage.fs.internal.StoreFixture.filesUnder;
import static org.tesseras.storage.fs.internal.StoreFixture.readAll;
import static org.tesseras.storage.fs.internal.StoreFixture.shardsUnder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tesseras.api.model.ContentHash;
import org.tesseras.api.model.FragmentCheck;
import org.tesseras.api.model.FragmentId;
import org.tesseras.api.model.FragmentPlan;
import org.tesseras.api.model.FragmentationTier;
import org.tesseras.api.model.QuarantinedFile;
import org.tesseras.api.model.StorageUsage;
import org.tesseras.api.model.StoredFragment;
import org.tesseras.api.model.TestManifests;
import org.tesseras.api.model.TesseraManifest;
import org.tesseras.api.port.FragmentIntegrityException;
import org.tesseras.api.port.FragmentStore.FragmentWriter;
import org.tesseras.api.port.ManifestConflictException;
import org.tesseras.db.derby.internal.DerbyNodeDataSource;
import org.tesseras.db.derby.internal.TestDatabase;
import org.tesseras.storage.fs.internal.StoreFixture.Stripe;

class FsFragmentStoreTest {
    @TempDir
    Path tempDir;

    private StoreFixture fixture;
    private DerbyNodeDataSource db;
    private FsFragmentStore store;

    @BeforeEach
    void open() throws Exception {
        fixture = new StoreFixture(tempDir.resolve("root"));
        db = TestDatabase.inMemory();
        store = new FsFragmentStore(db, fixture.hasher, fixture.root);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private StoredFragment put(Stripe stripe, int index) throws IOException {
        return fixture.put(store, stripe, index);
    }

    private Path shard(Stripe stripe, int index) {
        return fixture.shard(stripe.hash(), index);
    }

    // ---- manifests ----

    @Test
    void aManifestIsKeptAsAFileBesideTheShardsAndInTheIndex() throws IOException, SQLException {
        Stripe stripe = fixture.recorded(store);
        Path file = fixture.fragments().resolve(stripe.hash().hex()).resolve(ShardFiles.MANIFEST_FILE);
        assertTrue(Files.isRegularFile(file));
        assertEquals(Optional.of(stripe.manifest()), new ShardFiles(fixture.fragments(), fixture.hasher)
                .readManifest(stripe.hash()));
        assertEquals(Optional.of(stripe.manifest()), store.manifest(stripe.hash()));
        assertEquals(Optional.of(stripe.plan()), store.plan(stripe.hash()));
        assertEquals(List.of(stripe.hash()), store.listTesseras());
        assertEquals(1, count(db, "SELECT COUNT(*) FROM manifests WHERE codec = '" + TestManifests.CODEC + "'"));

        store.saveManifest(stripe.manifest());
        assertEquals(1, count(db, "SELECT COUNT(*) FROM manifests"), "saving it again changes nothing");
    }

    @Test
    void aManifestOfOtherFragmentsIsRefusedButOneOfTheSameFragmentsByAnotherOwnerIsNot() throws IOException {
        Stripe stripe = fixture.recorded(store);
        TesseraManifest otherChecksums = TestManifests.withChecksum(stripe.manifest(), 2, fixture.randomHash());
        ManifestConflictException conflict = assertThrows(ManifestConflictException.class,
                () -> store.saveManifest(otherChecksums));
        assertEquals(stripe.manifest(), conflict.recorded());
        assertTrue(conflict.getMessage().contains(stripe.hash().hex()), conflict.getMessage());

        FragmentPlan otherPlan = FragmentPlan.of(stripe.hash(), stripe.plan().tesseraSize(), FragmentationTier.MEDIUM,
                4, 2, 5);
        assertThrows(ManifestConflictException.class,
                () -> store.saveManifest(TestManifests.unsigned(otherPlan, stripe.manifest().fragmentChecksums())));

        TesseraManifest sameFragments = new TesseraManifest(stripe.plan(), stripe.manifest().codecId(),
                stripe.manifest().fragmentChecksums(), PEER, new byte[32], 7, 1, new byte[64]);
        store.saveManifest(sameFragments);
        assertEquals(Optional.of(stripe.manifest()), store.manifest(stripe.hash()), "the first one is kept");
    }

    @Test
    void fragmentsNeedTheirManifestAndMustCarryItsChecksum() throws IOException, SQLException {
        Stripe stripe = fixture.stripe();
        IllegalStateException noManifest = assertThrows(IllegalStateException.class, () -> put(stripe, 0));
        assertTrue(noManifest.getMessage().contains("no manifest"), noManifest.getMessage());

        store.saveManifest(stripe.manifest());
        byte[] bytes = stripe.shards().get(1);
        FragmentId claimed = new FragmentId(stripe.hash(), 1, 6, fixture.hasher.hash(fixture.randomBytes(10)));
        FragmentIntegrityException notTheManifests = assertThrows(FragmentIntegrityException.class,
                () -> store.store(claimed, new ByteArrayInputStream(bytes), Optional.empty()));
        assertTrue(notTheManifests.getMessage().contains("the manifest gives"), notTheManifests.getMessage());
        assertEquals(List.of(), shardsUnder(fixture.fragments()));
        assertEquals(0, count(db, "SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void replacingTheManifestQuarantinesTheFragmentsItDoesNotExplain() throws IOException {
        Stripe stripe = fixture.recorded(store);
        for (int index = 0; index < 6; index++) {
            put(stripe, index);
        }
        byte[] mine = fixture.randomBytes(SHARD_BYTES);
        TesseraManifest ours = TestManifests.withChecksum(stripe.manifest(), 3, fixture.hasher.hash(mine));
        List<StoredFragment> moved = store.replaceManifest(ours, "the owner's own encoding differs");
        assertEquals(List.of(3), moved.stream().map(f -> f.id().index()).toList());
        assertEquals(Optional.of(ours), store.manifest(stripe.hash()));
        assertEquals(List.of(0, 1, 2, 4, 5), store.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        List<QuarantinedFile> quarantined = store.quarantined();
        assertEquals(1, quarantined.size());
        assertEquals("the owner's own encoding differs", quarantined.get(0).reason());
        assertArrayEquals(stripe.shards().get(3), Files.readAllBytes(fixture.quarantine()
                .resolve(quarantined.get(0).name())), "kept, not deleted");

        store.store(ours.fragmentId(3), new ByteArrayInputStream(mine), Optional.empty());
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 3));
    }

    // ---- storing ----

    @Test
    void storesAFragmentAsAShardFileAndAnIndexRow() throws IOException {
        Stripe stripe = fixture.recorded(store);
        StoredFragment stored = put(stripe, 4);

        assertEquals(stripe.id(4), stored.id());
        assertTrue(stored.parity(), "index 4 of a 4+2 plan is parity");
        assertEquals(SHARD_BYTES, stored.sizeBytes());
        assertEquals(Optional.of(PEER), stored.originPeer());
        assertArrayEquals(stripe.shards().get(4), Files.readAllBytes(shard(stripe, 4)));
        assertEquals(List.of(stripe.hash().hex() + "/004.shard", stripe.hash().hex() + "/tessera.manifest"),
                filesUnder(fixture.fragments()));
        assertEquals(Optional.of(stored), store.find(stripe.hash(), 4));
        assertArrayEquals(stripe.shards().get(4), readAll(store.open(stripe.hash(), 4).orElseThrow()));
    }

    @Test
    void listsHeldFragmentsOrderedByIndex() throws IOException {
        Stripe stripe = fixture.recorded(store);
        for (int index : new int[] {5, 0, 3}) {
            put(stripe, index);
        }
        put(fixture.recorded(store), 1);
        assertEquals(List.of(0, 3, 5), store.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        assertEquals(2, store.listTesseras().size());
        assertEquals(List.of(), store.list(fixture.randomHash()));
    }

    @Test
    void bytesThatDoNotHashToTheChecksumLeaveNothingBehind() throws IOException, SQLException {
        Stripe stripe = fixture.recorded(store);
        byte[] other = fixture.randomBytes(SHARD_BYTES);
        FragmentIntegrityException refused = assertThrows(FragmentIntegrityException.class,
                () -> store.store(stripe.id(2), new ByteArrayInputStream(other), Optional.empty()));
        assertTrue(refused.getMessage().contains(stripe.hash() + "/2"), refused.getMessage());
        assertTrue(refused.getMessage().contains(stripe.id(2).checksum().hex()), refused.getMessage());
        assertTrue(refused.getMessage().contains(fixture.hasher.hash(other).hex()), refused.getMessage());

        assertEquals(List.of(), shardsUnder(fixture.fragments()), "no shard and no temp file");
        assertEquals(List.of(stripe.hash().hex() + "/tessera.manifest"), filesUnder(fixture.fragments()));
        assertEquals(Optional.empty(), store.find(stripe.hash(), 2));
        assertEquals(0, count(db, "SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void aShortOrLongFragmentIsRefusedNamingBothLengths() throws IOException {
        Stripe stripe = fixture.recorded(store);
        byte[] shortBytes = java.util.Arrays.copyOf(stripe.shards().get(0), SHARD_BYTES - 1);
        FragmentIntegrityException tooShort = assertThrows(FragmentIntegrityException.class,
                () -> store.store(stripe.id(0), new ByteArrayInputStream(shortBytes), Optional.empty()));
        assertTrue(tooShort.getMessage().contains("expected 1000 bytes, got 999"), tooShort.getMessage());

        byte[] longBytes = java.util.Arrays.copyOf(stripe.shards().get(0), SHARD_BYTES + 1);
        FragmentIntegrityException tooLong = assertThrows(FragmentIntegrityException.class,
                () -> store.store(stripe.id(0), new ByteArrayInputStream(longBytes), Optional.empty()));
        assertTrue(tooLong.getMessage().contains(stripe.hash() + "/0"), tooLong.getMessage());
        assertTrue(tooLong.getMessage().contains("expected 1000 bytes"), tooLong.getMessage());

        assertEquals(List.of(), shardsUnder(fixture.fragments()));
        assertEquals(Optional.empty(), store.find(stripe.hash(), 0));
    }

    @Test
    void aFragmentLargerThanTheBufferIsStreamedAndHashedWhole() throws IOException {
        int size = 3 * StorageRoot.BUFFER_BYTES + 17;
        Stripe stripe = fixture.stripe(FragmentPlan.of(fixture.randomHash(), 2L * size, FragmentationTier.MEDIUM, 2, 1,
                7));
        store.saveManifest(stripe.manifest());
        byte[] bytes = stripe.shards().get(1);
        InputStream trickle = new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(length, 5000), bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
        StoredFragment stored = store.store(stripe.id(1), trickle, Optional.empty());
        assertEquals(size, stored.sizeBytes());
        assertArrayEquals(bytes, Files.readAllBytes(shard(stripe, 1)));
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 1));
    }

    @Test
    void aFragmentWhoseSenderDiesHalfwayLeavesNothingAndArrivesWholeWhenSentAgain() throws Exception {
        // larger than the uncached sink's buffer, so part of it is on the device when the connection breaks
        int size = 2 * ShardSink.DIRECT_BUFFER_BYTES + 4097;
        Stripe stripe = fixture.stripe(FragmentPlan.of(fixture.randomHash(), 2L * size, FragmentationTier.MEDIUM, 2, 1,
                7));
        store.saveManifest(stripe.manifest());
        byte[] bytes = stripe.shards().get(0);
        InputStream dying = new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                return read(new byte[1], 0, 1) < 0 ? -1 : bytes[position - 1] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (position > ShardSink.DIRECT_BUFFER_BYTES + 70_000) {
                    throw new IOException("connection reset by peer");
                }
                int n = Math.min(length, bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
        assertThrows(IOException.class, () -> store.store(stripe.id(0), dying, Optional.of(PEER)));
        assertEquals(List.of(), store.list(stripe.hash()), "nothing indexed");
        assertEquals(List.of(), filesUnder(fixture.fragments()).stream().filter(f -> !f.endsWith(".manifest"))
                .toList(), "no temporary file left");

        store.store(stripe.id(0), new ByteArrayInputStream(bytes), Optional.of(PEER));
        assertArrayEquals(bytes, Files.readAllBytes(shard(stripe, 0)), "every byte, and no more");
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 0));
    }

    @Test
    void storingAnIdenticalFragmentAgainReturnsTheHeldOne() throws IOException, SQLException {
        Stripe stripe = fixture.recorded(store);
        StoredFragment first = put(stripe, 1);
        StoredFragment second = store.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)),
                Optional.empty());
        assertEquals(first, second, "the held row, with its first origin peer and time");
        assertEquals(List.of(stripe.hash().hex() + "/001.shard"), shardsUnder(fixture.fragments()));
        assertEquals(1, count(db, "SELECT COUNT(*) FROM fragments"));
    }

    @Test
    void aHeldFragmentThatRottedIsReplacedByTheCheckedCopyStoredAgainAndKeptInQuarantine() throws IOException {
        // "already held" used to trust the copy on disk: a re-sent good fragment was thrown away beside a rotten one
        Stripe stripe = fixture.recorded(store);
        put(stripe, 1);
        byte[] rotten = Files.readAllBytes(shard(stripe, 1));
        rotten[700] ^= 0x10;
        Files.write(shard(stripe, 1), rotten);

        StoredFragment again = store.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)),
                Optional.of(PEER));
        assertEquals(stripe.id(1), again.id());
        assertArrayEquals(stripe.shards().get(1), Files.readAllBytes(shard(stripe, 1)), "the good bytes in place");
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 1));
        List<QuarantinedFile> quarantined = store.quarantined();
        assertEquals(1, quarantined.size(), "the rotten copy is kept, not deleted");
        assertTrue(quarantined.get(0).reason().contains("no longer hashes to its checksum"), quarantined.get(0).reason());
        assertArrayEquals(rotten, Files.readAllBytes(fixture.quarantine().resolve(quarantined.get(0).name())));
        assertEquals(List.of(1), store.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    void aHeldFragmentThatCannotBeReadIsKeptInQuarantineAndReplacedByTheCheckedCopyStoredAgain() throws IOException {
        UnreadableHeldCopies disk = new UnreadableHeldCopies();
        FsFragmentStore onFailingDisk = new FsFragmentStore(db, disk, fixture.root);
        Stripe stripe = fixture.recorded(onFailingDisk);
        onFailingDisk.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)), Optional.of(PEER));
        disk.failReads();

        StoredFragment again = onFailingDisk.store(stripe.id(1), new ByteArrayInputStream(stripe.shards().get(1)),
                Optional.of(PEER));
        assertEquals(stripe.id(1), again.id());
        List<QuarantinedFile> quarantined = onFailingDisk.quarantined();
        assertEquals(1, quarantined.size(), "the unreadable copy is kept, not deleted");
        assertTrue(quarantined.get(0).reason().contains("cannot be read (Input/output error)"),
                quarantined.get(0).reason());
        assertArrayEquals(stripe.shards().get(1), Files.readAllBytes(fixture.quarantine().resolve(quarantined.get(0)
                .name())), "all its bytes are in quarantine");
        assertArrayEquals(stripe.shards().get(1), Files.readAllBytes(shard(stripe, 1)), "the checked copy in place");
        assertEquals(List.of(1), onFailingDisk.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    void sizeHeldIsTheLengthOfTheFileNotTheOneItsRowRecorded() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 2);
        byte[] bytes = stripe.shards().get(2);
        Files.write(shard(stripe, 2), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertEquals(OptionalLong.of(bytes.length - 100), store.sizeHeld(stripe.hash(), 2));

        Files.delete(shard(stripe, 2));
        assertEquals(OptionalLong.empty(), store.sizeHeld(stripe.hash(), 2));
        assertEquals(List.of(2), store.lostFragments().stream().map(FragmentId::index).toList(), "marked lost");
    }

    @Test
    void aFragmentOfAnotherStripeIsRefused() throws IOException {
        Stripe stripe = fixture.recorded(store);
        FragmentId wrongWidth = new FragmentId(stripe.hash(), 0, 9, stripe.id(0).checksum());
        assertThrows(IllegalArgumentException.class,
                () -> store.store(wrongWidth, new ByteArrayInputStream(stripe.shards().get(0)), Optional.empty()));
    }

    // ---- writers ----

    @Test
    void aWriterComputesTheChecksumAsItWritesAndCommitsOnlyWhatTheManifestNames() throws IOException {
        Stripe stripe = fixture.recorded(store);
        byte[] bytes = stripe.shards().get(3);
        StoredFragment stored;
        try (FragmentWriter writer = store.create(stripe.plan(), 3)) {
            writer.write(ByteBuffer.wrap(bytes, 0, 400));
            writer.write(ByteBuffer.wrap(bytes, 400, 600));
            assertEquals(List.of(), store.list(stripe.hash()), "nothing is visible before commit");
            stored = writer.commit();
        }
        assertEquals(stripe.id(3), stored.id());
        assertEquals(Optional.empty(), stored.originPeer());
        assertArrayEquals(bytes, Files.readAllBytes(shard(stripe, 3)));

        FragmentWriter rotten = store.create(stripe.plan(), 2);
        rotten.write(ByteBuffer.wrap(fixture.randomBytes(SHARD_BYTES)));
        FragmentIntegrityException refused = assertThrows(FragmentIntegrityException.class, rotten::commit);
        assertTrue(refused.getMessage().contains("the manifest gives"), refused.getMessage());
        assertTrue(store.find(stripe.hash(), 2).isEmpty());
        assertEquals(List.of(stripe.hash().hex() + "/003.shard"), shardsUnder(fixture.fragments()));
    }

    @Test
    void aWriterWhoseSourceChecksumsRecordsThatChecksumAndAHashingOneChecksAGivenOne() throws IOException {
        Stripe stripe = fixture.recorded(store);
        ContentHash checksum = stripe.id(4).checksum();
        StoredFragment stored;
        try (FragmentWriter writer = store.createChecksummedBySource(stripe.plan(), 4)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(4)));
            assertThrows(IllegalStateException.class, writer::commit, "it has no checksum of its own");
            stored = writer.commit(checksum);
        }
        assertEquals(checksum, stored.id().checksum());
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 4));

        FragmentWriter hashing = store.create(stripe.plan(), 5);
        hashing.write(ByteBuffer.wrap(fixture.randomBytes(SHARD_BYTES)));
        FragmentIntegrityException wrong = assertThrows(FragmentIntegrityException.class,
                () -> hashing.commit(checksum));
        assertTrue(wrong.getMessage().contains("wrong checksum"), wrong.getMessage());
        assertTrue(store.find(stripe.hash(), 5).isEmpty());
        assertTrue(Files.notExists(shard(stripe, 5)));
    }

    @Test
    void aWriterCommittedBeforeItsManifestIsRecordedIsRefusedAndLeavesNothing() throws IOException {
        Stripe stripe = fixture.stripe();
        FragmentWriter early = store.createChecksummedBySource(stripe.plan(), 0);
        early.write(ByteBuffer.wrap(stripe.shards().get(0)));
        assertThrows(IllegalStateException.class, () -> early.commit(stripe.id(0).checksum()));
        assertEquals(List.of(), filesUnder(fixture.fragments()));
    }

    @Test
    void aWriterClosedWithoutCommitOrTooShortLeavesNothing() throws IOException {
        Stripe stripe = fixture.recorded(store);
        try (FragmentWriter writer = store.create(stripe.plan(), 0)) {
            writer.write(ByteBuffer.wrap(stripe.shards().get(0)));
        }
        FragmentWriter shortWriter = store.create(stripe.plan(), 1);
        shortWriter.write(ByteBuffer.wrap(fixture.randomBytes(10)));
        FragmentIntegrityException tooShort = assertThrows(FragmentIntegrityException.class, shortWriter::commit);
        assertTrue(tooShort.getMessage().contains("expected 1000 bytes, got 10"), tooShort.getMessage());
        assertFalse(shortWriter.isOpen());

        FragmentWriter longWriter = store.create(stripe.plan(), 2);
        assertThrows(FragmentIntegrityException.class,
                () -> longWriter.write(ByteBuffer.wrap(fixture.randomBytes(SHARD_BYTES + 1))));
        assertFalse(longWriter.isOpen());

        assertEquals(List.of(), shardsUnder(fixture.fragments()));
        assertEquals(List.of(), store.list(stripe.hash()));
    }

    // ---- verify, quarantine, delete, usage ----

    @Test
    void verifyTellsGoodCorruptAndMissingAndRecordsTheCheck() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        put(stripe, 1);
        StoredFragment third = put(stripe, 2);
        assertEquals(Optional.empty(), store.find(stripe.hash(), 0).orElseThrow().lastVerified());

        byte[] damaged = Files.readAllBytes(shard(stripe, 1));
        damaged[500] ^= 1;
        Files.write(shard(stripe, 1), damaged);
        Files.delete(shard(stripe, 2));

        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 0));
        assertEquals(FragmentCheck.CORRUPT, store.verify(stripe.hash(), 1));
        assertEquals(FragmentCheck.MISSING, store.verify(stripe.hash(), 2));
        assertEquals(FragmentCheck.MISSING, store.verify(stripe.hash(), 3), "never held");

        assertTrue(store.find(stripe.hash(), 0).orElseThrow().lastVerified().isPresent());
        assertTrue(store.find(stripe.hash(), 1).orElseThrow().lastVerified().isPresent());
        assertEquals(List.of(third.id()), store.lostFragments());
        assertEquals(List.of(0, 1), store.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
    }

    @Test
    void aTruncatedFileIsCorrupt() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        Files.write(shard(stripe, 0), java.util.Arrays.copyOf(stripe.shards().get(0), 999));
        assertEquals(FragmentCheck.CORRUPT, store.verify(stripe.hash(), 0));
    }

    @Test
    void aQuarantinedFragmentLeavesTheIndexButItsBytesAreKept() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        put(stripe, 1);
        assertTrue(store.quarantine(stripe.hash(), 1, "it failed its checksum"));
        assertFalse(store.quarantine(stripe.hash(), 1, "again"), "nothing left to move");
        assertEquals(List.of(0), store.list(stripe.hash()).stream().map(f -> f.id().index()).toList());
        assertEquals(List.of(), store.lostFragments(), "quarantined, not lost");
        List<QuarantinedFile> quarantined = store.quarantined();
        assertEquals(1, quarantined.size());
        assertTrue(quarantined.get(0).name().endsWith("-fragment-" + stripe.hash().hex() + "-001.shard"),
                quarantined.get(0).name());
        assertEquals(SHARD_BYTES, quarantined.get(0).sizeBytes());
        assertEquals("it failed its checksum", quarantined.get(0).reason());
        assertArrayEquals(stripe.shards().get(1), Files.readAllBytes(fixture.quarantine()
                .resolve(quarantined.get(0).name())));

        put(stripe, 1);
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 1), "the index can be stored again");
    }

    @Test
    void aLostFragmentCanBeStoredAgain() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 2);
        Files.delete(shard(stripe, 2));
        assertEquals(FragmentCheck.MISSING, store.verify(stripe.hash(), 2));
        assertEquals(1, store.lostFragments().size());

        put(stripe, 2);
        assertEquals(List.of(), store.lostFragments());
        assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), 2));
    }

    @Test
    void openingAFragmentWhoseFileVanishedMarksItLost() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        Files.delete(shard(stripe, 0));
        assertEquals(Optional.empty(), store.open(stripe.hash(), 0));
        assertEquals(List.of(0), store.lostFragments().stream().map(FragmentId::index).toList());
        assertEquals(Optional.empty(), store.open(stripe.hash(), 1), "never held");
    }

    @Test
    void deleteRemovesFileAndRow() throws IOException {
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        put(stripe, 1);
        assertTrue(store.delete(stripe.hash(), 0));
        assertFalse(store.delete(stripe.hash(), 0));
        assertFalse(Files.exists(shard(stripe, 0)));
        assertEquals(Optional.empty(), store.find(stripe.hash(), 0));
        assertEquals(List.of(stripe.hash().hex() + "/001.shard"), shardsUnder(fixture.fragments()));

        Files.delete(shard(stripe, 1));
        assertEquals(FragmentCheck.MISSING, store.verify(stripe.hash(), 1));
        assertTrue(store.delete(stripe.hash(), 1), "a lost row is removed too");
        assertEquals(List.of(), store.lostFragments());
    }

    @Test
    void usageCountsHeldFragmentsAndFreeDisk() throws IOException {
        assertEquals(0, store.usage().fragmentCount());
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        put(stripe, 1);
        put(stripe, 2);
        Files.delete(shard(stripe, 2));
        store.verify(stripe.hash(), 2);
        StorageUsage usage = store.usage();
        assertEquals(2, usage.fragmentCount());
        assertEquals(2L * SHARD_BYTES, usage.usedBytes());
        assertTrue(usage.freeBytes() > 0 && usage.freeBytes() <= Files.getFileStore(fixture.root).getTotalSpace(),
                "free space of the store's own disk");
    }

    @Test
    void concurrentStoresOfOneTesseraAllLand() throws Exception {
        Stripe stripe = fixture.recorded(store);
        int total = stripe.plan().totalShards();
        ExecutorService pool = Executors.newFixedThreadPool(2 * total);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StoredFragment>> results = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < total; i++) {
                    int index = i;
                    Callable<StoredFragment> task = () -> {
                        start.await();
                        return put(stripe, index);
                    };
                    results.add(pool.submit(task));
                }
            }
            start.countDown();
            for (Future<StoredFragment> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(total, store.list(stripe.hash()).size());
        for (int i = 0; i < total; i++) {
            assertArrayEquals(stripe.shards().get(i), Files.readAllBytes(shard(stripe, i)));
            assertEquals(FragmentCheck.GOOD, store.verify(stripe.hash(), i));
        }
        assertEquals(total + 1, filesUnder(fixture.fragments()).size(), "shards and the manifest, no temp file");
    }

    // ---- hostile input ----

    @Test
    void indexesOutsideTheStripeRangeAreRefusedBeforeAnyPathIsBuilt() throws IOException {
        Stripe stripe = fixture.stripe();
        ContentHash hash = stripe.hash();
        for (int index : new int[] {-1, 256, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> store.find(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.open(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.verify(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.delete(hash, index));
            assertThrows(IllegalArgumentException.class, () -> store.quarantine(hash, index, "no"));
            assertThrows(IllegalArgumentException.class, () -> store.create(stripe.plan(), index));
        }
        assertThrows(IllegalArgumentException.class, () -> store.create(stripe.plan(), 6), "index 6 of a 4+2 plan");
        assertEquals(List.of(), filesUnder(fixture.fragments()));
    }

    @Test
    void aHostilePathInTheIndexCannotReachOutsideTheRoot() throws IOException, SQLException {
        Path victim = tempDir.resolve("victim.txt");
        Files.writeString(victim, "not yours");
        Stripe stripe = fixture.recorded(store);
        put(stripe, 0);
        String hostile = fixture.root.relativize(victim).toString();
        assertTrue(hostile.startsWith(".."), hostile);
        assertEquals(1, TestDatabase.update(db, "UPDATE fragments SET path = '" + hostile + "'"));
        Files.delete(shard(stripe, 0));

        assertEquals(FragmentCheck.MISSING, store.verify(stripe.hash(), 0));
        assertEquals(Optional.empty(), store.open(stripe.hash(), 0));
        assertTrue(store.delete(stripe.hash(), 0));
        new FsFragmentStore(db, fixture.hasher, fixture.root);
        assertEquals("not yours", Files.readString(victim));
        for (int index = 0; index < FragmentPlan.MAX_TOTAL_SHARDS; index++) {
            assertTrue(store.shardPath(fixture.randomHash(), index).startsWith(fixture.fragments()));
        }
    }

    @Test
    void theConfiguredRootIsUsedAndEmptyMeansKarafData() throws IOException {
        Path configured = tempDir.resolve("configured");
        FsFragmentStore configuredStore = new FsFragmentStore(db, fixture.hasher, StorageRoot.resolve(configured.toString()));
        assertEquals(configured.resolve("fragments"), configuredStore.fragmentsDirectory());

        String previous = System.getProperty("karaf.data");
        System.setProperty("karaf.data", tempDir.resolve("karaf-data").toString());
        try {
            FsFragmentStore defaulted = new FsFragmentStore(db, fixture.hasher, StorageRoot.resolve(""));
            assertEquals(tempDir.resolve("karaf-data").resolve("tesseras").resolve("fragments"),
                    defaulted.fragmentsDirectory());
        } finally {
            if (previous == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", previous);
            }
        }
    }
}
